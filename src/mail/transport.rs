//! Where email goes: a real SMTP server, or (with none configured) the log and
//! the dev mailbox.

use super::OutgoingEmail;
use super::mailbox::DevMailbox;
use crate::platform::config::{Config, DkimAlgorithm, DkimSettings};
use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm, DkimSigningKey,
};
use lettre::message::header::HeaderName;
use lettre::message::{Mailbox, MultiPart};
use std::time::Duration;

/// A Message-ID unique to one message: `<uuid@host>`.
pub fn message_id(host: &str) -> String {
    format!("<{}@{host}>", uuid::Uuid::new_v4())
}

pub enum Transport {
    Smtp {
        smtp: Box<super::smtp::Pool>,
        from: Mailbox,
        /// The right-hand side of every Message-ID: the host people reach the app at.
        host: String,
        /// Signs every message, when DKIM is set up.
        dkim: Option<Box<DkimConfig>>,
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
                let smtp = super::smtp::Pool::new(url.expose(), CONNECTIONS as usize, Duration::from_secs(20))
                    .map_err(|e| format!("SMTP_URL: {e}"))?;
                let from = config.mail_from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
                let host = config.base_url.host_str().unwrap_or("localhost").to_string();
                let dkim = config.dkim.as_ref().map(signer).transpose()?.map(Box::new);
                Ok(Transport::Smtp {
                    smtp: Box::new(smtp),
                    from,
                    host,
                    dkim,
                })
            }
            None => Ok(Transport::Log { mailbox }),
        }
    }

    /// Delivers one email; the error is a short line for the outbox and the log.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), String> {
        match self {
            Transport::Smtp { smtp, from, host, dkim } => {
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
                let mut message = builder
                    .multipart(MultiPart::alternative_plain_html(
                        email.text.clone(),
                        email.html.clone(),
                    ))
                    .map_err(|e| format!("building the message: {e}"))?;
                if let Some(dkim) = dkim {
                    message.sign(dkim);
                }
                smtp.send(message.envelope(), &message.formatted()).await
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

/// The headers every signature covers: those a reader sees and trusts.
/// Reply-To is listed even when absent, so none can be added on the way.
/// (Content-Type cannot be: lettre writes a multipart's after signing.)
const SIGNED_HEADERS: [&str; 7] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "MIME-Version",
];

/// The DKIM signer the settings describe, its key read and checked now: a
/// bad key stops start-up, naming the variable.
fn signer(settings: &DkimSettings) -> Result<DkimConfig, String> {
    let var = "DKIM_PRIVATE_KEY_FILE";
    let text = std::fs::read_to_string(&settings.key_file)
        .map_err(|e| format!("{var}: cannot read {} ({e})", settings.key_file.display()))?;
    let key = match settings.algorithm {
        DkimAlgorithm::Rsa => {
            use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
            use rsa::pkcs8::DecodePrivateKey;
            // lettre reads PKCS#1; a PKCS#8 key (what openssl genpkey writes) is converted.
            let parsed = rsa::RsaPrivateKey::from_pkcs1_pem(text.trim())
                .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(text.trim()))
                .map_err(|_| format!("{var}: not an RSA private key in PKCS#1 or PKCS#8 PEM"))?;
            let pkcs1 = parsed
                .to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)
                .map_err(|e| format!("{var}: {e}"))?;
            DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa).map_err(|e| format!("{var}: {e}"))?
        }
        DkimAlgorithm::Ed25519 => DkimSigningKey::new(text.trim(), DkimSigningAlgorithm::Ed25519)
            .map_err(|_| format!("{var}: expected the base64 of a 32-byte Ed25519 seed (DKIM_ALGORITHM=ed25519)"))?,
    };
    Ok(DkimConfig::new(
        settings.selector.clone(),
        settings.domain.clone(),
        key,
        SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect(),
        DkimCanonicalization {
            header: DkimCanonicalizationType::Relaxed,
            body: DkimCanonicalizationType::Relaxed,
        },
    ))
}
