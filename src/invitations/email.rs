//! The invitation email: a plain-text part and an HTML part with the same
//! words, composed when the outbox sends it, with a link minted then.

use super::service::{self, Link};
use crate::error::AppResult;
use crate::mail::OutgoingEmail;
use crate::mail::worker::Compose;
use crate::platform::config::Config;
use crate::platform::db::Db;
use html_escape::encode_text as esc;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The outbox's name for this kind of email.
pub const KIND: &str = "invitation";

/// Composes invitation emails for the mail worker.
pub struct InvitationEmails {
    pub db: Db,
    pub config: Arc<Config>,
}

impl Compose for InvitationEmails {
    fn compose<'a>(
        &'a self,
        invitation_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = AppResult<Option<OutgoingEmail>>> + Send + 'a>> {
        Box::pin(async move {
            Ok(service::mint_link(&self.db, &self.config, invitation_id, true)
                .await?
                .map(|link| invitation(&link)))
        })
    }
}

pub fn invitation(m: &Link) -> OutgoingEmail {
    let subject = format!(
        "{} invited you to join {} on Boardroom",
        m.inviter_name, m.workspace_name
    );
    let roles = as_roles(&m.roles);
    let text = format!(
        "Join {ws}\n\n\
         {inviter} ({inviter_email}) invited you to join {ws} on Boardroom{roles}.\n\n\
         Accept the invitation by opening this link:\n\n\
         {url}\n\n\
         This invitation expires on {expires}.\n\n\
         --\n\
         This invitation was meant for {to}. If you did not expect it, you can ignore this email.\n",
        ws = m.workspace_name,
        inviter = m.inviter_name,
        inviter_email = m.inviter_email,
        roles = roles,
        url = m.url,
        expires = m.expires_at.display(),
        to = m.to,
    );
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{subject}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;padding:32px 16px"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border-radius:8px;padding:32px">
<tr><td style="font-size:14px;font-weight:600;color:#4f46e5;padding-bottom:24px">Boardroom</td></tr>
<tr><td><h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">Join {ws}</h1>
<p style="margin:0 0 24px;font-size:16px;line-height:1.5"><strong>{inviter}</strong> ({inviter_email}) invited you to join <strong>{ws}</strong> on Boardroom{roles}.</p>
<p style="margin:0 0 24px"><a href="{url}" style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;font-weight:600;font-size:16px;padding:12px 20px;border-radius:6px">Accept invitation</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#52525b">Or paste this link into your browser:</p>
<p style="margin:0 0 24px;font-size:14px;word-break:break-all"><a href="{url}" style="color:#4f46e5">{url}</a></p>
<p style="margin:0;font-size:14px;color:#52525b">This invitation expires on {expires}.</p>
</td></tr>
<tr><td style="height:24px;line-height:24px;font-size:0">&nbsp;</td></tr>
<tr><td style="border-top:1px solid #e4e4e7;padding-top:16px;font-size:12px;color:#71717a">This invitation was meant for {to}. If you did not expect it, you can ignore this email.</td></tr>
</table></td></tr></table></body></html>"#,
        subject = esc(&subject),
        ws = esc(&m.workspace_name),
        inviter = esc(&m.inviter_name),
        inviter_email = esc(&m.inviter_email),
        roles = esc(&roles),
        url = html_escape::encode_double_quoted_attribute(&m.url),
        expires = esc(&m.expires_at.display()),
        to = esc(&m.to),
    );
    OutgoingEmail {
        to: m.to.clone(),
        reply_to: Some((m.inviter_name.clone(), m.inviter_email.clone())),
        subject,
        text,
        html,
        link: Some(m.url.clone()),
        workspace_id: Some(m.workspace_id.clone()),
    }
}

/// " as viewer", " as viewer and editor", " as a, b and c"; nothing without roles.
fn as_roles(roles: &[String]) -> String {
    match roles {
        [] => String::new(),
        [one] => format!(" as {one}"),
        [init @ .., last] => format!(" as {} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> Link {
        Link {
            to: "jon@example.com".into(),
            workspace_id: "w1".into(),
            workspace_name: "Acme <Labs>".into(),
            inviter_name: "Ada Lovelace".into(),
            inviter_email: "ada@example.com".into(),
            url: "http://127.0.0.1:3000/invite/TOKEN".into(),
            expires_at: crate::domain::Timestamp(1_796_297_100_000),
            roles: vec!["test_role".into(), "viewer".into()],
        }
    }

    #[test]
    fn both_parts_name_the_roles_granted() {
        let e = invitation(&mail());
        let sentence = "invited you to join Acme <Labs> on Boardroom as test_role and viewer.";
        assert!(e.text.contains(sentence), "{}", e.text);
        assert!(
            e.html.contains("on Boardroom as test_role and viewer.</p>"),
            "{}",
            e.html
        );
        let none = invitation(&Link {
            roles: vec![],
            ..mail()
        });
        assert!(none.text.contains("to join Acme <Labs> on Boardroom.\n"));
    }

    #[test]
    fn the_footer_rule_stands_apart_by_a_spacer_row_not_a_margin() {
        let html = invitation(&mail()).html;
        assert!(!html.contains("margin-top:24px"));
        let spacer = html
            .find(r#"<td style="height:24px;line-height:24px;font-size:0">&nbsp;</td>"#)
            .expect("a spacer row");
        let footer = html.find("border-top:1px solid").unwrap();
        let expiry = html.find("This invitation expires on").unwrap();
        assert!(expiry < spacer && spacer < footer);
    }

    #[test]
    fn subject_names_inviter_and_workspace() {
        assert_eq!(
            invitation(&mail()).subject,
            "Ada Lovelace invited you to join Acme <Labs> on Boardroom"
        );
    }

    #[test]
    fn text_part_has_the_link_alone_on_its_line_and_the_expiry() {
        let e = invitation(&mail());
        assert!(e.text.lines().any(|l| l == "http://127.0.0.1:3000/invite/TOKEN"));
        assert!(e.text.contains("This invitation expires on 3 Dec 2026, 11:25 UTC."));
        assert!(e.text.contains("meant for jon@example.com"));
    }

    #[test]
    fn html_part_escapes_names_and_has_one_accept_button() {
        let e = invitation(&mail());
        assert!(e.html.contains("Join Acme &lt;Labs&gt;"));
        assert!(!e.html.contains("<Labs>"));
        assert_eq!(e.html.matches(">Accept invitation</a>").count(), 1);
        assert_eq!(e.reply_to, Some(("Ada Lovelace".into(), "ada@example.com".into())));
    }
}
