//! The invitation email: a plain-text part and an HTML part with the same
//! words, composed when the outbox sends it, with a link minted then.

use super::service::{self, Link};
use crate::error::AppResult;
use crate::mail::OutgoingEmail;
use crate::mail::letter::{Button, Letter, strong, text};
use crate::mail::worker::{Compose, Composed};
use crate::platform::config::Config;
use crate::platform::db::Db;
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
        _recipient: &'a str,
    ) -> Pin<Box<dyn Future<Output = AppResult<Option<OutgoingEmail>>> + Send + 'a>> {
        Box::pin(async move {
            Ok(service::mint_link(&self.db, &self.config, invitation_id, true)
                .await?
                .map(|link| invitation(&link)))
        })
    }

    /// A batch's links are minted, and what their emails say read, in three
    /// statements.
    fn compose_all<'a>(&'a self, emails: &'a [(String, String)]) -> Composed<'a> {
        Box::pin(async move {
            let ids: Vec<String> = emails.iter().map(|(id, _)| id.clone()).collect();
            let links = service::mint_links(&self.db, &self.config, &ids, true).await?;
            Ok(ids.iter().map(|id| links.get(id).map(invitation)).collect())
        })
    }
}

pub fn invitation(m: &Link) -> OutgoingEmail {
    let subject = format!(
        "{} invited you to join {} on Boardroom",
        m.inviter_name, m.workspace_name
    );
    let letter = Letter {
        heading: format!("Join {}", m.workspace_name),
        paragraphs: vec![vec![
            strong(&m.inviter_name),
            text(format!(" ({}) invited you to join ", m.inviter_email)),
            strong(&m.workspace_name),
            text(format!(" on Boardroom{}.", super::as_roles_words(&m.roles))),
        ]],
        button: Some(Button {
            label: "Accept invitation".into(),
            lead: "Accept the invitation by opening this link".into(),
            url: m.url.clone(),
        }),
        after: vec![format!("This invitation expires on {}.", m.expires_at.display())],
        footer: format!(
            "This invitation was meant for {}. If you did not expect it, you can ignore this email.",
            m.to
        ),
    };
    OutgoingEmail {
        to: m.to.clone(),
        reply_to: Some((m.inviter_name.clone(), m.inviter_email.clone())),
        html: letter.html(&subject),
        text: letter.text(),
        subject,
        link: Some(m.url.clone()),
        workspace_id: Some(m.workspace_id.clone()),
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
