//! Users, passwords and database-backed sessions.
//!
//! Owns the `users` and `sessions` tables.

use crate::domain::{EmailAddress, NewPassword, PersonName, User};
use crate::error::{AppError, AppResult};
use crate::platform::crypto::{self, password};
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;

const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;

/// One message for an unknown email and a wrong password.
pub const BAD_CREDENTIALS: &str = "The email address or password is not right";

/// A user with what proves them: a password hash, or a session's token hash.
#[derive(sqlx::FromRow)]
struct Credentials {
    #[sqlx(flatten)]
    user: User,
    secret: String,
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
}

/// Creates a user inside `tx`. A taken email is a field error.
pub async fn create_user(
    tx: &mut Tx<'_>,
    name: &PersonName,
    email: &EmailAddress,
    password: &HashedPassword,
) -> AppResult<User> {
    let hash = &password.0;
    let user = User {
        id: db::new_id(),
        email: email.to_string(),
        name: name.as_str().to_string(),
    };
    let inserted =
        sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&user.id)
            .bind(&user.email)
            .bind(&user.name)
            .bind(hash)
            .bind(now_ms())
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

/// Checks an email and password. Unknown emails cost as much as wrong passwords
/// and get the same message.
pub async fn authenticate(db: &Db, email: &str, password: &str) -> AppResult<User> {
    let email = email.trim().to_lowercase();
    let found: Option<Credentials> =
        sqlx::query_as("SELECT id, email, name, password_hash AS secret FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(db)
            .await?;
    let (user, stored) = found.map(|c| (c.user, c.secret)).unzip();
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

/// Starts a session; returns the cookie value. Only its hash is stored.
pub async fn create_session(db: &Db, user_id: &str) -> AppResult<String> {
    let token = crypto::new_token();
    let now = now_ms();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(crypto::token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + SESSION_TTL_MS)
        .execute(db)
        .await?;
    Ok(token)
}

pub async fn user_for_session(db: &Db, token: &str) -> AppResult<Option<User>> {
    if !crypto::plausible_token(token) {
        return Ok(None);
    }
    let found: Option<Credentials> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, s.token_hash AS secret FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(crypto::token_hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    Ok(found
        .filter(|c| crypto::token_matches(token, &c.secret))
        .map(|c| c.user))
}

pub async fn end_session(db: &Db, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(crypto::token_hash(token))
        .execute(db)
        .await?;
    Ok(())
}
