//! Identities at the company's identity provider, linked to accounts: keyed
//! by the provider's issuer and subject, never by email (addresses change
//! hands; subjects do not). One per account and provider.
//!
//! Owns the `identities` table.

use crate::domain::{EmailAddress, User};
use crate::error::AppResult;
use crate::platform::db::{self, Tx};
use crate::platform::time::now_ms;

/// The account `subject` at `issuer` is linked to, marking it used.
pub async fn linked(tx: &mut Tx<'_>, issuer: &str, subject: &str) -> AppResult<Option<User>> {
    let user: Option<User> = sqlx::query_as(
        "SELECT u.id, u.email, u.name FROM identities i JOIN users u ON u.id = i.user_id \
         WHERE i.issuer = $1 AND i.subject = $2",
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(&mut **tx)
    .await?;
    if user.is_some() {
        sqlx::query("UPDATE identities SET last_used_at = $1 WHERE issuer = $2 AND subject = $3")
            .bind(now_ms())
            .bind(issuer)
            .bind(subject)
            .execute(&mut **tx)
            .await?;
    }
    Ok(user)
}

/// The account with `email`, and whether its address was proven here by a
/// link emailed to it (an account from before addresses were checked, or
/// one never confirmed, has proven nothing).
pub async fn account_at(tx: &mut Tx<'_>, email: &EmailAddress) -> AppResult<Option<(User, bool)>> {
    let found: Option<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT id, email, name, email_verified_at FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.map(|(id, email, name, proven)| (User { id, email, name }, proven.is_some_and(|at| at > 0))))
}

/// Links `subject` at `issuer` to `user`; false when the account is linked
/// to another identity at that provider already (or this one to another
/// account, by a sign-in finishing at the same moment).
pub async fn link(tx: &mut Tx<'_>, issuer: &str, subject: &str, user: &User, email: &EmailAddress) -> AppResult<bool> {
    let now = now_ms();
    let linked = sqlx::query(
        "INSERT INTO identities (issuer, subject, user_id, email, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(issuer)
    .bind(subject)
    .bind(&user.id)
    .bind(email.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await;
    match linked {
        Ok(_) => Ok(true),
        Err(e) if db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Unlinks every identity of `user_id` (their account is being deleted).
pub async fn unlink_all(tx: &mut Tx<'_>, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM identities WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
