//! The emails about an account: a link to reset its password, and the
//! notice that its password was changed. Composed when the outbox sends
//! them; a link's token is minted then.

use super::links::{self, Purpose};
use super::{profile, recovery, verification};
use crate::domain::{Timestamp, User};
use crate::error::AppResult;
use crate::mail::OutgoingEmail;
use crate::mail::letter::{Button, Letter, strong, text};
use crate::mail::worker::{Compose, Kinds};
use crate::platform::config::Config;
use crate::platform::db::Db;
use crate::platform::time::now_ms;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Composes the emails about accounts for the mail worker.
#[derive(Clone)]
pub struct AccountEmails {
    pub db: Db,
    pub config: Arc<Config>,
    kind: &'static str,
}

impl AccountEmails {
    /// Each kind of account email, by the name the outbox stores.
    pub fn kinds(db: &Db, config: &Arc<Config>) -> Kinds {
        [
            recovery::RESET_EMAIL,
            recovery::CHANGED_EMAIL,
            verification::VERIFY_EMAIL,
            verification::SIGNUP_EXISTS,
            profile::EMAIL_CHANGE,
            profile::EMAIL_CHANGED,
        ]
        .into_iter()
        .map(|kind| {
            let composer = AccountEmails {
                db: db.clone(),
                config: config.clone(),
                kind,
            };
            (kind, Arc::new(composer) as Arc<dyn Compose>)
        })
        .collect()
    }
}

impl Compose for AccountEmails {
    fn compose<'a>(
        &'a self,
        subject_id: &'a str,
        recipient: &'a str,
    ) -> Pin<Box<dyn Future<Output = AppResult<Option<OutgoingEmail>>> + Send + 'a>> {
        Box::pin(async move {
            match self.kind {
                recovery::RESET_EMAIL => Ok(links::mint(&self.db, subject_id, Purpose::Reset)
                    .await?
                    .map(|m| reset(&self.config, &m))),
                verification::VERIFY_EMAIL => Ok(links::mint(&self.db, subject_id, Purpose::Verify)
                    .await?
                    .map(|m| verify(&self.config, &m))),
                profile::EMAIL_CHANGE => Ok(links::mint(&self.db, subject_id, Purpose::EmailChange)
                    .await?
                    .map(|m| email_change(&self.config, &m))),
                recovery::CHANGED_EMAIL | verification::SIGNUP_EXISTS | profile::EMAIL_CHANGED => {
                    let user: Option<User> = sqlx::query_as("SELECT id, email, name FROM users WHERE id = $1")
                        .bind(subject_id)
                        .fetch_optional(&self.db)
                        .await?;
                    // To the address it was queued for (the account may have
                    // moved since).
                    Ok(user.map(|u| match self.kind {
                        recovery::CHANGED_EMAIL => OutgoingEmail {
                            to: recipient.to_string(),
                            ..password_changed(&self.config, &u, Timestamp(now_ms()))
                        },
                        profile::EMAIL_CHANGED => email_changed(&self.config, &u, recipient),
                        _ => OutgoingEmail {
                            to: recipient.to_string(),
                            ..signup_exists(&self.config, &u)
                        },
                    }))
                }
                other => Err(crate::error::AppError::internal(format!("no account email {other}"))),
            }
        })
    }
}

/// An email about an account: no one to reply to, and no workspace.
fn about_account(to: impl Into<String>, subject: String, letter: &Letter, link: Option<String>) -> OutgoingEmail {
    OutgoingEmail {
        to: to.into(),
        reply_to: None,
        html: letter.html(&subject),
        text: letter.text(),
        subject,
        link,
        workspace_id: None,
    }
}

fn footer(to: &str) -> String {
    format!("This email was meant for {to}, about its Boardroom account.")
}

pub fn reset(config: &Config, m: &links::Minted) -> OutgoingEmail {
    let url = config.url_for(&format!("{}/{}", Purpose::Reset.path(), m.token));
    let subject = "Reset your Boardroom password".to_string();
    let letter = Letter {
        heading: "Reset your password".into(),
        paragraphs: vec![vec![
            text("Someone asked to reset the password of the Boardroom account for "),
            strong(&m.user_email),
            text(". If it was you, choose a new one."),
        ]],
        button: Some(Button {
            label: "Choose a new password".into(),
            lead: "Choose a new password by opening this link".into(),
            url: url.clone(),
        }),
        after: vec![
            format!(
                "The link works once, until {} (1 hour).",
                Timestamp(m.expires_at).display()
            ),
            "If you didn't ask for this, you can ignore this email: your password stays as it is.".into(),
        ],
        footer: footer(&m.user_email),
    };
    about_account(m.user_email.clone(), subject, &letter, Some(url))
}

pub fn password_changed(config: &Config, user: &User, at: Timestamp) -> OutgoingEmail {
    let subject = "Your Boardroom password was changed".to_string();
    let url = config.url_for("/forgot");
    let letter = Letter {
        heading: "Your password was changed".into(),
        paragraphs: vec![
            vec![
                text("The password of the Boardroom account for "),
                strong(&user.email),
                text(format!(
                    " was changed on {}. Every browser signed in to it was signed out.",
                    at.display()
                )),
            ],
            vec![text(
                "If it was you, there is nothing more to do. If it wasn't, choose a new password now.",
            )],
        ],
        button: Some(Button {
            label: "Reset your password".into(),
            lead: "Reset your password by opening this link".into(),
            url: url.clone(),
        }),
        after: vec![],
        footer: footer(&user.email),
    };
    about_account(user.email.clone(), subject, &letter, Some(url))
}

pub fn verify(config: &Config, m: &links::Minted) -> OutgoingEmail {
    let url = config.url_for(&format!("{}/{}", Purpose::Verify.path(), m.token));
    let subject = "Confirm your email address for Boardroom".to_string();
    let letter = Letter {
        heading: "Confirm your email address".into(),
        paragraphs: vec![vec![
            text(format!("Welcome to Boardroom, {}. Confirm that ", m.user_name)),
            strong(&m.user_email),
            text(" is your address to finish setting up your account."),
        ]],
        button: Some(Button {
            label: "Confirm email address".into(),
            lead: "Confirm your address by opening this link".into(),
            url: url.clone(),
        }),
        after: vec![
            format!(
                "The link works once, until {} (24 hours).",
                Timestamp(m.expires_at).display()
            ),
            "If you didn't sign up for Boardroom, ignore this email: the account stays unusable.".into(),
        ],
        footer: footer(&m.user_email),
    };
    about_account(m.user_email.clone(), subject, &letter, Some(url))
}

pub fn signup_exists(config: &Config, user: &User) -> OutgoingEmail {
    let subject = "Someone tried to sign up to Boardroom with your address".to_string();
    let url = config.url_for("/signin");
    let forgot = config.url_for(&format!(
        "/forgot?email={}",
        url::form_urlencoded::byte_serialize(user.email.as_bytes()).collect::<String>()
    ));
    let letter = Letter {
        heading: "You already have an account".into(),
        paragraphs: vec![vec![
            text("Someone, maybe you, tried to create a Boardroom account with "),
            strong(&user.email),
            text(", which has one already. Nothing was changed."),
        ]],
        button: Some(Button {
            label: "Sign in".into(),
            lead: "If it was you, sign in".into(),
            url: url.clone(),
        }),
        after: vec![format!("Forgot your password? Choose a new one: {forgot}")],
        footer: footer(&user.email),
    };
    about_account(user.email.clone(), subject, &letter, Some(url))
}

pub fn email_change(config: &Config, m: &links::Minted) -> OutgoingEmail {
    let url = config.url_for(&format!("{}/{}", Purpose::EmailChange.path(), m.token));
    let to = m.new_email.clone().unwrap_or_default();
    let subject = "Confirm your new address for Boardroom".to_string();
    let letter = Letter {
        heading: "Confirm your new address".into(),
        paragraphs: vec![vec![
            text(format!(
                "{} asked to move their Boardroom account from {} to ",
                m.user_name, m.user_email
            )),
            strong(&to),
            text(". Confirm that this address is yours to finish."),
        ]],
        button: Some(Button {
            label: "Confirm new address".into(),
            lead: "Confirm the new address by opening this link".into(),
            url: url.clone(),
        }),
        after: vec![
            format!(
                "The link works once, until {} (24 hours). Every browser signed in to the account will be signed out.",
                Timestamp(m.expires_at).display()
            ),
            "If you didn't ask for this, ignore this email: the account stays where it is.".into(),
        ],
        footer: format!("This email was meant for {to}."),
    };
    about_account(to, subject, &letter, Some(url))
}

/// To the old address, once the account moved to `user.email`.
pub fn email_changed(config: &Config, user: &User, old: &str) -> OutgoingEmail {
    let subject = "Your Boardroom account moved to a new address".to_string();
    let url = config.url_for(&format!(
        "/forgot?email={}",
        url::form_urlencoded::byte_serialize(user.email.as_bytes()).collect::<String>()
    ));
    let letter = Letter {
        heading: "Your account has a new address".into(),
        paragraphs: vec![
            vec![
                text(format!("The Boardroom account of {} moved from {old} to ", user.name)),
                strong(&user.email),
                text(". Emails about it now go there, and every browser signed in to it was signed out."),
            ],
            vec![text(
                "If it wasn't you, someone else knows your password: reset it through the new address if you can, and tell whoever runs your Boardroom.",
            )],
        ],
        button: None,
        after: vec![format!("Reset the password: {url}")],
        footer: format!("This email was meant for {old}."),
    };
    about_account(old.to_string(), subject, &letter, None)
}
