//! Where email goes: a real SMTP server, or (with none configured) the log and
//! the dev mailbox.

use super::OutgoingEmail;
use super::mailbox::DevMailbox;
use crate::platform::config::Config;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// A Message-ID unique to one message: `<uuid@host>`.
pub fn message_id(host: &str) -> String {
    format!("<{}@{host}>", uuid::Uuid::new_v4())
}

pub enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
        /// The right-hand side of every Message-ID: the host people reach the app at.
        host: String,
    },
    /// No SMTP configured: every email is logged, and kept for the dev mailbox page.
    Log { mailbox: DevMailbox },
}

/// The most SMTP connections kept open to the server at once.
pub const CONNECTIONS: u32 = 16;

impl Transport {
    pub fn from_config(config: &Config, mailbox: DevMailbox) -> Result<Self, String> {
        match &config.smtp_url {
            Some(url) => {
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .pool_config(PoolConfig::new().max_size(CONNECTIONS))
                    .build();
                let from = config.mail_from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
                let host = config.base_url.host_str().unwrap_or("localhost").to_string();
                Ok(Transport::Smtp { smtp, from, host })
            }
            None => Ok(Transport::Log { mailbox }),
        }
    }

    /// Delivers one email; the error is a short line for the outbox and the log.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), String> {
        match self {
            Transport::Smtp { smtp, from, host } => {
                // lettre adds Date but not Message-ID, whose absence spam filters count against.
                let mut builder = Message::builder()
                    .message_id(Some(message_id(host)))
                    .from(from.clone())
                    .to(email.to.parse().map_err(|e| format!("recipient: {e}"))?)
                    .subject(&email.subject);
                if let Some((name, address)) = &email.reply_to
                    && let Ok(address) = address.parse()
                {
                    builder = builder.reply_to(Mailbox::new(Some(name.clone()), address));
                }
                let message = builder
                    .multipart(MultiPart::alternative_plain_html(
                        email.text.clone(),
                        email.html.clone(),
                    ))
                    .map_err(|e| format!("building the message: {e}"))?;
                smtp.send(message).await.map(|_| ()).map_err(|e| e.to_string())
            }
            Transport::Log { mailbox } => {
                tracing::info!(
                    to = %email.to,
                    subject = %email.subject,
                    link = email.link.as_deref().unwrap_or(""),
                    "dev mailbox: email kept instead of sent (no SMTP_URL)"
                );
                mailbox.push(email.clone());
                Ok(())
            }
        }
    }
}
