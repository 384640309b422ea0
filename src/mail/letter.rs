//! How every email looks: a heading, a few paragraphs, at most one button
//! (with its link written out beneath it), small print after it and a footer
//! saying who the email was for. One layout, in a plain-text part and an
//! HTML part with the same words.

use html_escape::encode_text as esc;

/// A run of words in a paragraph: plain, or in bold in the HTML part.
pub enum Span {
    Text(String),
    Strong(String),
}

pub fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

pub fn strong(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}

/// What the email exists for: a button, and the sentence that leads to its
/// link in the plain-text part.
pub struct Button {
    pub label: String,
    pub lead: String,
    pub url: String,
}

pub struct Letter {
    pub heading: String,
    pub paragraphs: Vec<Vec<Span>>,
    pub button: Option<Button>,
    /// Smaller paragraphs under the button (how long the link lasts, say).
    pub after: Vec<String>,
    pub footer: String,
}

impl Letter {
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.heading);
        for p in &self.paragraphs {
            for span in p {
                out.push_str(match span {
                    Span::Text(s) | Span::Strong(s) => s,
                });
            }
            out.push_str("\n\n");
        }
        if let Some(b) = &self.button {
            out.push_str(&format!("{}:\n\n{}\n\n", b.lead, b.url));
        }
        for a in &self.after {
            out.push_str(&format!("{a}\n\n"));
        }
        out.push_str(&format!("--\n{}\n", self.footer));
        out
    }

    pub fn html(&self, subject: &str) -> String {
        let paragraphs: String = self
            .paragraphs
            .iter()
            .map(|p| {
                let words: String = p
                    .iter()
                    .map(|span| match span {
                        Span::Text(s) => esc(s).into_owned(),
                        Span::Strong(s) => format!("<strong>{}</strong>", esc(s)),
                    })
                    .collect();
                format!(r#"<p style="margin:0 0 24px;font-size:16px;line-height:1.5">{words}</p>"#)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let button = self.button.as_ref().map_or(String::new(), |b| {
            let url = html_escape::encode_double_quoted_attribute(&b.url);
            format!(
                r#"
<p style="margin:0 0 24px"><a href="{url}" style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;font-weight:600;font-size:16px;padding:12px 20px;border-radius:6px">{label}</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#52525b">Or paste this link into your browser:</p>
<p style="margin:0 0 24px;font-size:14px;word-break:break-all"><a href="{url}" style="color:#4f46e5">{url}</a></p>"#,
                label = esc(&b.label),
            )
        });
        let after: String = self
            .after
            .iter()
            .map(|a| {
                format!(
                    "\n<p style=\"margin:0 0 8px;font-size:14px;color:#52525b\">{}</p>",
                    esc(a)
                )
            })
            .collect();
        format!(
            r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{subject}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#18181b">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;padding:32px 16px"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:520px;background:#ffffff;border-radius:8px;padding:32px">
<tr><td style="font-size:14px;font-weight:600;color:#4f46e5;padding-bottom:24px">Boardroom</td></tr>
<tr><td><h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">{heading}</h1>
{paragraphs}{button}{after}
</td></tr>
<tr><td style="height:24px;line-height:24px;font-size:0">&nbsp;</td></tr>
<tr><td style="border-top:1px solid #e4e4e7;padding-top:16px;font-size:12px;color:#71717a">{footer}</td></tr>
</table></td></tr></table></body></html>"#,
            subject = esc(subject),
            heading = esc(&self.heading),
            footer = esc(&self.footer),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
            heading: "Reset <your> password".into(),
            paragraphs: vec![vec![text("Someone asked for "), strong("a & b"), text(".")]],
            button: Some(Button {
                label: "Choose a new password".into(),
                lead: "Choose a new password by opening this link".into(),
                url: "http://x/reset/T?a=1&b=2".into(),
            }),
            after: vec!["The link works for 1 hour.".into()],
            footer: "This email was meant for ada@example.com.".into(),
        }
    }

    #[test]
    fn the_text_part_has_every_word_and_the_link_alone_on_its_line() {
        let t = letter().text();
        assert!(t.starts_with("Reset <your> password\n\nSomeone asked for a & b.\n\n"));
        assert!(t.lines().any(|l| l == "http://x/reset/T?a=1&b=2"));
        assert!(t.ends_with("The link works for 1 hour.\n\n--\nThis email was meant for ada@example.com.\n"));
    }

    #[test]
    fn the_html_part_escapes_and_has_one_button() {
        let h = letter().html("Subject <x>");
        assert!(h.contains("<title>Subject &lt;x&gt;</title>"));
        assert!(h.contains("Reset &lt;your&gt; password</h1>"));
        assert!(h.contains("<strong>a &amp; b</strong>"));
        assert!(h.contains(r#"href="http://x/reset/T?a=1&amp;b=2""#));
        assert_eq!(h.matches(">Choose a new password</a>").count(), 1);
    }
}
