//! What a person changes about their own account: name, password, address,
//! their sessions, and the account itself.

use super::SessionInfo;
use super::links::{self, Carrying, Purpose};
use super::service::{self, HashedPassword};
use crate::domain::{EmailAddress, NewPassword, PersonName, Timestamp, User};
use crate::error::{AppError, AppResult};
use crate::mail::outbox;
use crate::platform::crypto;
use crate::platform::db::{self, Db};
use crate::platform::time::now_ms;

/// The outbox's names for the link to a new address, and the note to the
/// old one once the account moved.
pub const EMAIL_CHANGE: &str = "email_change";
pub const EMAIL_CHANGED: &str = "email_changed";

/// "Chrome on Windows" from a User-Agent header ("Unknown browser" when it
/// says nothing recognisable).
pub fn device(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(r) if r.name != "UNKNOWN" => {
            if r.os == "UNKNOWN" {
                r.name.to_string()
            } else {
                format!("{} on {}", r.name, r.os)
            }
        }
        _ if user_agent.is_empty() => "Unknown browser".into(),
        _ => user_agent.chars().take(60).collect(),
    }
}

/// How many sessions the list shows (the most recently used).
pub const SESSIONS_SHOWN: i64 = 100;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    token_hash: String,
    ip: Option<String>,
    user_agent: Option<String>,
    created_at: i64,
    last_seen_at: i64,
}

/// `user_id`'s live sessions, most recently used first; `current` is the
/// cookie of the browser asking.
pub async fn sessions(db: &Db, user_id: &str, current: Option<&str>, idle_ms: i64) -> AppResult<Vec<SessionInfo>> {
    let now = now_ms();
    let rows: Vec<SessionRow> = sqlx::query_as(
        "SELECT id, token_hash, ip, user_agent, created_at, last_seen_at FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC, id LIMIT $4",
    )
    .bind(user_id)
    .bind(now)
    .bind(now - idle_ms)
    .bind(SESSIONS_SHOWN)
    .fetch_all(db)
    .await?;
    let mine = current.map(crypto::token_hash);
    Ok(rows
        .into_iter()
        .map(|r| SessionInfo {
            current: mine.as_deref() == Some(r.token_hash.as_str()),
            device: device(r.user_agent.as_deref().unwrap_or("")),
            ip: r.ip.unwrap_or_default(),
            signed_in: Timestamp(r.created_at),
            last_seen: Timestamp(r.last_seen_at),
            id: r.id,
        })
        .collect())
}

/// Ends one of `user_id`'s sessions (not the asking browser's: that is
/// signing out).
pub async fn end_session(db: &Db, user_id: &str, session_id: &str, current: Option<&str>) -> AppResult<()> {
    let ended = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND token_hash <> $3")
        .bind(session_id)
        .bind(user_id)
        .bind(current.map(crypto::token_hash).unwrap_or_default())
        .execute(db)
        .await?
        .rows_affected();
    if ended == 0 {
        return Err(AppError::NotFound("That session has ended already".into()));
    }
    Ok(())
}

/// Ends every session of `user_id` but the asking browser's; how many.
pub async fn end_other_sessions(db: &Db, user_id: &str, current: Option<&str>) -> AppResult<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(current.map(crypto::token_hash).unwrap_or_default())
            .execute(db)
            .await?
            .rows_affected(),
    )
}

/// Renames the person (everywhere their name shows).
pub async fn rename(db: &Db, user: &User, name: &str) -> AppResult<String> {
    let name = PersonName::parse(name).map_err(|m| AppError::field("name", m))?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
        .bind(name.as_str())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    crate::members::service::renamed(&mut tx, &user.id, name.as_str()).await?;
    tx.commit().await?;
    Ok(name.as_str().to_string())
}

/// What is wrong with `password` as the person's current one, if anything
/// (a failure to check it is an error of its own, not a wrong password).
/// What an account made through the company's sign-in is told when asked
/// for a password it never chose.
pub const NO_PASSWORD: &str = "Your account has no password yet (you sign in through your company). Choose one first with \u{201c}Forgot your password?\u{201d} on the sign-in page";

async fn password_problem(db: &Db, user: &User, password: &str) -> AppResult<Option<String>> {
    match service::authenticate(db, &user.email, password).await {
        Ok(_) => Ok(None),
        Err(AppError::Invalid(_)) => {
            let none: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 AND password_hash = '!'")
                .bind(&user.id)
                .fetch_optional(db)
                .await?;
            Ok(Some(match none {
                Some(_) => NO_PASSWORD.into(),
                None => "Your password is not right".into(),
            }))
        }
        Err(other) => Err(other),
    }
}

/// Changes the password, the current one given: every session of the
/// account ends (the caller starts a new one for this browser) and the
/// person is told by email.
pub async fn change_password(db: &Db, user: &User, current: &str, new: &str) -> AppResult<()> {
    let wrong = password_problem(db, user, current).await?;
    let new = match (wrong, NewPassword::parse(new)) {
        (None, Ok(n)) => n,
        (wrong, n) => {
            return Err(AppError::fields([
                ("current_password", wrong),
                ("new_password", n.err()),
            ]));
        }
    };
    let hashed = HashedPassword::of(&new).await;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hashed.expose())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    service::end_all_sessions(&mut tx, &user.id).await?;
    outbox::enqueue(&mut tx, super::recovery::CHANGED_EMAIL, &user.id, &user.email).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks to move the account to `new_email` (the password given): a link
/// goes to the new address, and the account moves when it is opened. An
/// earlier request is replaced; a password reset cancels it.
pub async fn request_email_change(db: &Db, user: &User, new_email: &str, password: &str) -> AppResult<EmailAddress> {
    let wrong = password_problem(db, user, password).await?;
    let email = match (EmailAddress::parse(new_email), wrong) {
        (Ok(e), None) => e,
        (e, wrong) => return Err(AppError::fields([("email", e.err()), ("password", wrong)])),
    };
    if email.as_str() == user.email {
        return Err(AppError::field("email", "That is your address already"));
    }
    if service::find_by_email(db, email.as_str()).await?.is_some() {
        return Err(AppError::field(
            "email",
            format!("{email} has a Boardroom account of its own"),
        ));
    }
    let mut tx = db.begin().await?;
    let carrying = Carrying {
        new_email: Some(email.as_str()),
        ..Default::default()
    };
    let id = links::create(&mut tx, &user.id, Purpose::EmailChange, carrying).await?;
    outbox::enqueue(&mut tx, EMAIL_CHANGE, &id, email.as_str()).await?;
    tx.commit().await?;
    Ok(email)
}

/// The address a pending change would move the account to.
pub async fn pending_email(db: &Db, user_id: &str) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT new_email FROM account_tokens WHERE user_id = $1 AND purpose = 'email_change' AND expires_at > $2",
    )
    .bind(user_id)
    .bind(now_ms())
    .fetch_optional(db)
    .await?
    .flatten())
}

/// What a link to a new address that does not work says.
pub const CHANGE_LINK_DEAD: &str =
    "This link has expired, was already used, or was cancelled. Ask again from your account page";

/// Moves the account to the address the link with `token` was sent to, when
/// opened by the account itself, signed in (a mistyped address's holder
/// cannot take it): the address is proven (the link reached it), every
/// session ends, other links stop working, and the old address is told.
/// Returns the account.
pub async fn confirm_email_change(db: &Db, token: &str, by: &User) -> AppResult<User> {
    let mut tx = db.begin().await?;
    let used = links::take_own(&mut tx, token, Purpose::EmailChange, &by.id)
        .await?
        .ok_or_else(|| AppError::NotFound(CHANGE_LINK_DEAD.into()))?;
    let new_email = used
        .new_email
        .ok_or_else(|| AppError::internal("an address change without its address"))?;
    let old: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(&used.user_id)
        .fetch_one(&mut *tx)
        .await?;
    let moved = sqlx::query_as::<_, User>(
        "UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3 RETURNING id, email, name",
    )
    .bind(&new_email)
    .bind(now_ms())
    .bind(&used.user_id)
    .fetch_one(&mut *tx)
    .await;
    let user = db::or_clash(moved, || {
        AppError::Conflict(format!("{new_email} has a Boardroom account of its own now"))
    })?;
    service::end_all_sessions(&mut tx, &user.id).await?;
    links::drop_all(&mut tx, &user.id).await?;
    outbox::enqueue(&mut tx, EMAIL_CHANGED, &user.id, &old).await?;
    tx.commit().await?;
    Ok(user)
}

/// Deletes the account, the password given: refused while the person is
/// the only owner of a workspace with other members (naming them).
/// Otherwise, in one transaction, they leave every workspace (one they are
/// the only member of goes with them), every session ends, their tokens and
/// links stop working, its company sign-in is unlinked, and the account keeps only its id, as "(deleted
/// account)", where others see who invited them or made something.
pub async fn delete_account(db: &Db, user: &User, password: &str) -> AppResult<()> {
    if let Some(wrong) = password_problem(db, user, password).await? {
        return Err(AppError::field("password", wrong));
    }
    let mut tx = db.begin().await?;
    crate::members::service::leave_everywhere(&mut tx, user).await?;
    service::end_all_sessions(&mut tx, &user.id).await?;
    links::drop_all(&mut tx, &user.id).await?;
    // The company's sign-in no longer leads to it.
    super::identities::unlink_all(&mut tx, &user.id).await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE users SET email = $1, name = '(deleted account)', password_hash = '!', email_verified_at = NULL, \
         tokens_valid_from = $2 WHERE id = $3",
    )
    .bind(format!("deleted-{}@deleted.invalid", user.id))
    .bind(now)
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
