//! Proving an address: a sign-up makes an account whose address is not yet
//! proven and emails a link to it; opening the link proves it, makes the
//! workspace asked for and signs the person in. Until then the account can
//! only be told to open the link (or have it sent again).
//!
//! A sign-up with an address that already has an account answers exactly as
//! a new one does, and emails that address instead: nobody learns from the
//! answer which addresses have accounts.

use super::links::{self, Carrying, Purpose};
use super::service::{self, Address, HashedPassword};
use crate::domain::{EmailAddress, Title, User};
use crate::error::{AppError, AppResult};
use crate::mail::outbox;
use crate::platform::db::Db;
use crate::platform::time::now_ms;

/// The outbox's names for the link that proves an address, and for the
/// note to an address someone tried to sign up with again.
pub const VERIFY_EMAIL: &str = "verify_email";
pub const SIGNUP_EXISTS: &str = "signup_exists";

/// What a proving link that does not work says, whatever the reason.
pub const LINK_DEAD: &str =
    "This link has expired or was already used. Sign in to have a new one sent, or ask for one below";

/// What a sign-up (or asking again) answers, whether or not the address has an account.
pub fn sent_notice(email: &str) -> String {
    format!("We sent a link to {email}. Open it to confirm your address and finish setting up your account")
}

/// The workspace a sign-up names, or the person's own.
fn workspace_name(name: &str, workspace: &str) -> AppResult<Title> {
    let wanted = if workspace.trim().is_empty() {
        format!("{name}'s workspace")
    } else {
        workspace.to_string()
    };
    Title::parse(&wanted, "workspace name").map_err(|m| AppError::field("workspace", m))
}

/// Signs up: every field is checked first (all problems at once), then an
/// account with an unproven address is made and the link that proves it is
/// emailed, carrying the workspace to make. An address that has an account
/// already is told instead. The answer is the address either way.
pub async fn sign_up(db: &Db, name: &str, email: &str, password: &str, workspace: &str) -> AppResult<EmailAddress> {
    let (name, email, password) = service::parse_new_account(name, email, password)?;
    let workspace = workspace_name(name.as_str(), workspace)?;
    // Hashed before any lookup, so that both answers take as long.
    let password = HashedPassword::of(&password).await;
    let mut tx = db.begin().await?;
    crate::workspaces::service::check_available(&mut tx, &workspace).await?;
    match service::create_user(&mut tx, &name, &email, &password, Address::Unproven).await {
        Ok(user) => {
            let carrying = Carrying {
                workspace: Some(workspace.as_str()),
                ..Default::default()
            };
            let id = links::create(&mut tx, &user.id, Purpose::Verify, carrying).await?;
            outbox::enqueue(&mut tx, VERIFY_EMAIL, &id, &user.email).await?;
            tx.commit().await?;
        }
        // The address has an account: tell its holder, and answer the same.
        // One never confirmed gets a link to choose its password instead,
        // which proves the address and ends whatever its maker left.
        Err(AppError::Invalid(_)) => {
            drop(tx);
            let existing: Option<(String, Option<i64>)> =
                sqlx::query_as("SELECT id, email_verified_at FROM users WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(db)
                    .await?;
            let Some((user_id, proven)) = existing else {
                return Err(AppError::internal("an address both taken and free"));
            };
            let mut tx = db.begin().await?;
            match proven {
                Some(_) => outbox::enqueue(&mut tx, SIGNUP_EXISTS, &user_id, email.as_str()).await?,
                None => {
                    let id = links::create(&mut tx, &user_id, Purpose::Reset, Default::default()).await?;
                    outbox::enqueue(&mut tx, super::recovery::RESET_EMAIL, &id, email.as_str()).await?;
                }
            }
            tx.commit().await?;
        }
        Err(other) => return Err(other),
    }
    Ok(email)
}

/// Sends the proving link again to `email` if its account is not proven yet
/// (the earlier link stops working); the answer is the same either way.
pub async fn send_again(db: &Db, email: &str) -> AppResult<EmailAddress> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::field("email", m))?;
    let waiting: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT u.id, t.workspace FROM users u \
         LEFT JOIN account_tokens t ON t.user_id = u.id AND t.purpose = 'verify' \
         WHERE u.email = $1 AND u.email_verified_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(db)
    .await?;
    if let Some((user_id, workspace)) = waiting {
        let mut tx = db.begin().await?;
        let carrying = Carrying {
            workspace: workspace.as_deref(),
            ..Default::default()
        };
        let id = links::create(&mut tx, &user_id, Purpose::Verify, carrying).await?;
        outbox::enqueue(&mut tx, VERIFY_EMAIL, &id, email.as_str()).await?;
        tx.commit().await?;
    }
    Ok(email)
}

/// Starts proving the address of `user` (made through a link that was handed
/// over, not emailed) inside `tx`: a link to it goes out.
pub async fn start_proving(tx: &mut crate::platform::db::Tx<'_>, user: &User) -> AppResult<()> {
    let id = links::create(tx, &user.id, Purpose::Verify, Default::default()).await?;
    outbox::enqueue(tx, VERIFY_EMAIL, &id, &user.email).await?;
    Ok(())
}

/// What opening a proving link did.
pub struct Proven {
    pub user: User,
    /// The workspace made for the sign-up, if its name was still free.
    pub workspace_id: Option<String>,
}

/// Proves the address of the link with `token` and makes the workspace its
/// sign-up asked for (unless that name was taken meanwhile), in one
/// transaction. The link works once.
pub async fn prove(db: &Db, token: &str) -> AppResult<Proven> {
    let mut tx = db.begin().await?;
    let used = links::take(&mut tx, token, Purpose::Verify)
        .await?
        .ok_or_else(|| AppError::NotFound(LINK_DEAD.into()))?;
    let user: User = sqlx::query_as(&format!(
        "UPDATE users SET email_verified_at = {} WHERE id = $2 RETURNING id, email, name",
        service::proven_now("$1")
    ))
    .bind(now_ms())
    .bind(&used.user_id)
    .fetch_one(&mut *tx)
    .await?;
    // Whoever signed in to the account before its address was proven need
    // not be the mailbox's holder: every session ends, the opener's begins.
    service::end_all_sessions(&mut tx, &user.id).await?;
    let mut workspace_id = None;
    if let Some(name) = used
        .workspace
        .as_deref()
        .and_then(|w| Title::parse(w, "workspace name").ok())
        && crate::workspaces::service::check_available(&mut tx, &name)
            .await
            .is_ok()
    {
        workspace_id = Some(crate::members::service::found(&mut tx, &user, &name).await?.id);
    }
    tx.commit().await?;
    Ok(Proven { user, workspace_id })
}
