//! Users, passwords and database-backed sessions.
//!
//! Owns the `users` and `sessions` tables.

use crate::domain::{EmailAddress, NewPassword, PersonName, User};
use crate::error::{AppError, AppResult};
use crate::platform::crypto::{self, password};
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;

use std::time::Duration;

/// One message for an unknown email and a wrong password.
pub const BAD_CREDENTIALS: &str = "The email address or password is not right";

/// A user with their password hash.
#[derive(sqlx::FromRow)]
struct Credentials {
    #[sqlx(flatten)]
    user: User,
    secret: String,
    email_verified_at: Option<i64>,
}

/// Validates sign-up fields together, so every problem is reported at once.
pub fn parse_new_account(
    name: &str,
    email: &str,
    password: &str,
) -> AppResult<(PersonName, EmailAddress, NewPassword)> {
    match (
        PersonName::parse(name),
        EmailAddress::parse(email),
        NewPassword::parse(password),
    ) {
        (Ok(n), Ok(e), Ok(p)) => Ok((n, e, p)),
        (n, e, p) => Err(AppError::fields([
            ("name", n.err()),
            ("email", e.err()),
            ("password", p.err()),
        ])),
    }
}

/// A new account's password, hashed. Hashing is slow on purpose, so it is done
/// before a transaction opens: no request holds a database connection while
/// argon2 runs.
pub struct HashedPassword(String);

impl HashedPassword {
    pub async fn of(password: &NewPassword) -> Self {
        HashedPassword(password::hash(password.expose().to_string()).await)
    }

    /// What an account that has never chosen a password holds (one made
    /// through the company's sign-in): no password matches it.
    pub fn unusable() -> Self {
        HashedPassword("!".to_string())
    }

    /// The PHC string, to store.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether a new account's address is proven as it is made: it is when the
/// person came through a link emailed to it (an invitation), or the host
/// made the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    Proven,
    Unproven,
}

/// Creates a user inside `tx`. A taken email is a field error.
pub async fn create_user(
    tx: &mut Tx<'_>,
    name: &PersonName,
    email: &EmailAddress,
    password: &HashedPassword,
    address: Address,
) -> AppResult<User> {
    let hash = &password.0;
    let user = User {
        id: db::new_id(),
        email: email.to_string(),
        name: name.as_str().to_string(),
    };
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at, email_verified_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(hash)
    .bind(now)
    .bind((address == Address::Proven).then_some(now))
    .execute(&mut **tx)
    .await;
    db::or_clash(inserted, || {
        AppError::field(
            "email",
            format!("An account with {email} already exists. Sign in instead"),
        )
    })?;
    Ok(user)
}

pub async fn find_by_email(db: &Db, email: &str) -> AppResult<Option<User>> {
    Ok(sqlx::query_as("SELECT id, email, name FROM users WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(db)
        .await?)
}

/// Checks an email and password, and says whether the account's address is
/// proven. Unknown emails cost as much as wrong passwords and get the same
/// message.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> AppResult<(User, Standing)> {
    let email = email.trim().to_lowercase();
    let found: Option<Credentials> = sqlx::query_as(
        "SELECT id, email, name, password_hash AS secret, email_verified_at FROM users WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(db)
    .await?;
    let (user, stored) = found
        .map(|c| {
            let standing = match c.email_verified_at {
                Some(_) => Standing::Proven,
                None => Standing::Unproven,
            };
            ((c.user, standing), c.secret)
        })
        .unzip();
    if password::verify(password.to_string(), stored).await {
        user.ok_or_else(|| AppError::internal("a verified password without its account"))
    } else {
        Err(AppError::Invalid(vec![
            crate::error::FieldError {
                field: "email".into(),
                message: BAD_CREDENTIALS.into(),
            },
            crate::error::FieldError {
                field: "password".into(),
                message: BAD_CREDENTIALS.into(),
            },
        ]))
    }
}

/// Where a sign-in came from, as the sessions list shows it.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

/// How long sessions last: unused for `idle`, or `max` after their sign-in.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub idle: Duration,
    pub max: Duration,
}

impl Lifetimes {
    pub fn of(config: &crate::platform::config::Config) -> Self {
        Lifetimes {
            idle: config.session_idle,
            max: config.session_max,
        }
    }
}

/// `last_seen_at` is written at most this often.
const SEEN_EVERY_MS: i64 = 60_000;

/// Starts a session; returns the cookie value. Only its hash is stored.
pub async fn create_session(db: &Db, user_id: &str, client: &Client, lifetimes: Lifetimes) -> AppResult<String> {
    let token = crypto::new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(crypto::token_hash(&token))
    .bind(db::new_id())
    .bind(user_id)
    .bind(now)
    .bind(now + lifetimes.max.as_millis() as i64)
    .bind(client.ip.chars().take(64).collect::<String>())
    .bind(client.user_agent.chars().take(512).collect::<String>())
    .execute(db)
    .await?;
    Ok(token)
}

#[derive(sqlx::FromRow)]
struct SessionOf {
    #[sqlx(flatten)]
    user: User,
    token_hash: String,
    last_seen_at: i64,
    email_verified_at: Option<i64>,
}

/// Whether an account's address is proven: until it is, the account can
/// sign in only to be told to open the link emailed to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Proven,
    Unproven,
}

/// The person a session cookie stands for, and whether their address is
/// proven, while the session is neither over its absolute limit nor unused
/// for longer than `idle`. Marks it seen (at most once a minute).
pub async fn session_of(db: &Db, token: &str, idle: Duration) -> AppResult<Option<(User, Standing)>> {
    if !crypto::plausible_token(token) {
        return Ok(None);
    }
    let now = now_ms();
    let found: Option<SessionOf> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, s.token_hash, s.last_seen_at, u.email_verified_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
    )
    .bind(crypto::token_hash(token))
    .bind(now)
    .bind(now - idle.as_millis() as i64)
    .fetch_optional(db)
    .await?;
    let Some(found) = found.filter(|f| crypto::token_matches(token, &f.token_hash)) else {
        return Ok(None);
    };
    if now - found.last_seen_at >= SEEN_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&found.token_hash)
            .execute(db)
            .await?;
    }
    let standing = match found.email_verified_at {
        Some(_) => Standing::Proven,
        None => Standing::Unproven,
    };
    Ok(Some((found.user, standing)))
}

/// The person a session cookie stands for, if their address is proven (see
/// `session_of`): what every page and server function but the one that asks
/// to open the emailed link goes by.
pub async fn user_for_session(db: &Db, token: &str, idle: Duration) -> AppResult<Option<User>> {
    Ok(session_of(db, token, idle)
        .await?
        .and_then(|(user, standing)| (standing == Standing::Proven).then_some(user)))
}

pub async fn end_session(db: &Db, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(crypto::token_hash(token))
        .execute(db)
        .await?;
    Ok(())
}

/// Ends every session of `user_id`, inside `tx`.
pub async fn end_all_sessions(tx: &mut Tx<'_>, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What an account whose address is not proven is told when it tries what
/// needs a proven one.
pub const UNPROVEN: &str = "Confirm your email address first: open the link we emailed you";
/// What an account made before addresses were checked is told instead.
pub const NEVER_PROVEN: &str = "Your address has never been confirmed: open an invitation from its email, or reset your password from the sign-in page, to confirm it";

/// Refuses unless `user`'s address was proven by a link emailed to it (an
/// account from before addresses were checked works, but has proven nothing).
pub async fn require_proven(db: &Db, user: &User) -> AppResult<()> {
    let proven: Option<i64> = sqlx::query_scalar("SELECT email_verified_at FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_optional(db)
        .await?
        .flatten();
    match proven {
        Some(at) if at > 0 => Ok(()),
        Some(_) => Err(AppError::Forbidden(NEVER_PROVEN.into())),
        None => Err(AppError::Forbidden(UNPROVEN.into())),
    }
}

/// SQL for "the address is proven as of `$n`": set unless proven already
/// (an account from before addresses were checked holds 0).
pub fn proven_now(param: &str) -> String {
    format!("CASE WHEN email_verified_at IS NULL OR email_verified_at = 0 THEN {param} ELSE email_verified_at END")
}
