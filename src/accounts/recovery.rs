//! A way back in after a forgotten password: a single-use link, emailed to
//! the account's address (or printed for the host), that sets a new one.

use super::links::{self, Purpose};
use super::service::{self, HashedPassword};
use crate::domain::{EmailAddress, NewPassword, User};
use crate::error::{AppError, AppResult};
use crate::mail::outbox;
use crate::platform::config::Config;
use crate::platform::db::{Db, Tx};
use crate::platform::time::now_ms;

/// The outbox's names for the reset link's email and the notice that the
/// password was changed.
pub const RESET_EMAIL: &str = "password_reset";
pub const CHANGED_EMAIL: &str = "password_changed";

/// What a reset link that does not work says, whatever the reason.
pub const LINK_DEAD: &str = "This link has expired or was already used. Ask for a new one";

/// What asking for a link answers, whether or not the address has an account.
pub fn sent_notice(email: &str) -> String {
    format!("If {email} has a Boardroom account, a link to choose a new password is on its way. It works for 1 hour")
}

/// Emails a reset link to `email` if it has an account. The answer is the
/// same either way (only a malformed address is refused): the email is sent
/// by the outbox, so both take a lookup and the caller's time is alike.
pub async fn request(db: &Db, email: &str) -> AppResult<EmailAddress> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::field("email", m))?;
    let Some(user) = service::find_by_email(db, email.as_str()).await? else {
        return Ok(email);
    };
    let mut tx = db.begin().await?;
    let id = links::create(&mut tx, &user.id, Purpose::Reset, Default::default()).await?;
    outbox::enqueue(&mut tx, RESET_EMAIL, &id, &user.email).await?;
    tx.commit().await?;
    Ok(email)
}

/// A reset link for the host to hand over (`boardroom admin reset-link`),
/// minted at once; earlier links of the account stop working.
pub async fn link_for_host(db: &Db, config: &Config, email: &str) -> AppResult<String> {
    let user = service::find_by_email(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no account for {email}")))?;
    let mut tx = db.begin().await?;
    let id = links::create(&mut tx, &user.id, Purpose::Reset, Default::default()).await?;
    tx.commit().await?;
    let minted = links::mint(db, &id, Purpose::Reset)
        .await?
        .ok_or_else(|| AppError::internal("a new reset link could not be minted"))?;
    Ok(config.url_for(&format!("{}/{}", Purpose::Reset.path(), minted.token)))
}

/// Sets a new password through a reset link. Every session of the account
/// ends and its other links stop working (a pending change of address among
/// them); an account whose address had never been proven is claimed by the
/// mailbox's holder, so its API tokens go too. The person is told by email,
/// and signs in afresh.
pub async fn reset(db: &Db, token: &str, password: &str) -> AppResult<User> {
    let password = NewPassword::parse(password).map_err(|m| AppError::field("password", m))?;
    let hashed = HashedPassword::of(&password).await;
    let mut tx = db.begin().await?;
    let used = links::take(&mut tx, token, Purpose::Reset)
        .await?
        .ok_or_else(|| AppError::NotFound(LINK_DEAD.into()))?;
    let user = set_password(&mut tx, &used.user_id, &hashed).await?;
    outbox::enqueue(&mut tx, CHANGED_EMAIL, &user.id, &user.email).await?;
    tx.commit().await?;
    Ok(user)
}

/// Takes over the account with `email` if its address was never proven (an
/// invitation's link proves the mailbox): its holder's name and password,
/// and everything its maker left ended (see `set_password`), inside `tx`.
/// `None` when there is no such account.
pub async fn take_over(
    tx: &mut Tx<'_>,
    email: &str,
    name: &crate::domain::PersonName,
    hashed: &HashedPassword,
) -> AppResult<Option<User>> {
    let unproven: Option<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1 AND email_verified_at IS NULL")
            .bind(email)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(user_id) = unproven else {
        return Ok(None);
    };
    set_password(tx, &user_id, hashed).await?;
    Ok(Some(
        sqlx::query_as("UPDATE users SET name = $1 WHERE id = $2 RETURNING id, email, name")
            .bind(name.as_str())
            .bind(&user_id)
            .fetch_one(&mut **tx)
            .await?,
    ))
}

/// Gives `user_id` a new password through a link to its mailbox, inside
/// `tx`: the address counts as proven, every session and link of the
/// account ends, and an account whose address had not been proven loses its
/// API tokens (whoever made it may not be the mailbox's holder).
pub async fn set_password(tx: &mut Tx<'_>, user_id: &str, hashed: &HashedPassword) -> AppResult<User> {
    let proven: Option<i64> = sqlx::query_scalar("SELECT email_verified_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    let user: User = sqlx::query_as(&format!(
        "UPDATE users SET password_hash = $1, email_verified_at = {} WHERE id = $3 RETURNING id, email, name",
        service::proven_now("$2")
    ))
    .bind(hashed.expose())
    .bind(now_ms())
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    service::end_all_sessions(tx, user_id).await?;
    links::drop_all(tx, user_id).await?;
    if proven.is_none() {
        // Whatever tokens its maker had stop working.
        sqlx::query("UPDATE users SET tokens_valid_from = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(user)
}
