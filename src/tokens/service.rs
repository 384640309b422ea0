//! Creating, listing and revoking API tokens, and finding who presents one.
//!
//! Owns the `api_tokens` table.

use super::ApiToken;
use crate::audit;
use crate::domain::{Timestamp, Title, User};
use crate::error::{AppError, AppResult};
use crate::platform::crypto;
use crate::platform::db::{self, Db};
use crate::platform::time::now_ms;

/// Every token starts so, which makes one easy to recognise in a leaked file.
pub const PREFIX: &str = "brd_";

/// The most tokens one person may hold.
pub const MAX_TOKENS: i64 = 50;

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    name: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            created_at: Timestamp(r.created_at),
            last_used_at: r.last_used_at.map(Timestamp),
        }
    }
}

/// A presented token's row, with its owner.
#[derive(sqlx::FromRow)]
struct Presented {
    token_id: String,
    token_name: String,
    token_hash: String,
    last_used_at: Option<i64>,
    #[sqlx(flatten)]
    user: User,
}

/// Creates a token named `name` for `user`. Returns it with its secret. The
/// trail of each workspace `user` is in records it: the token can act there.
pub async fn create(db: &Db, user: &User, name: &str) -> AppResult<(ApiToken, String)> {
    let user_id = user.id.as_str();
    let name = Title::parse(name, "token name").map_err(|m| AppError::field("name", m))?;
    let secret = format!("{PREFIX}{}", crypto::new_token());
    let id = db::new_id();
    let now = now_ms();
    // Written first, then counted: a write takes SQLite's lock at once, so
    // no other writer (another process, say) can slip in between.
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(user_id)
        .bind(name.as_str())
        .bind(crypto::token_hash(&secret))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.user_id = $1 AND t.created_at >= COALESCE(u.tokens_valid_from, 0)",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if held > MAX_TOKENS {
        tx.rollback().await?;
        return Err(AppError::Conflict(format!(
            "You already have {MAX_TOKENS} tokens. Revoke one you no longer use first"
        )));
    }
    audit::service::token_event(&mut tx, user, "token.create", name.as_str()).await?;
    tx.commit().await?;
    Ok((
        ApiToken {
            id,
            name: name.as_str().to_string(),
            created_at: Timestamp(now),
            last_used_at: None,
        },
        secret,
    ))
}

pub async fn list(db: &Db, user_id: &str) -> AppResult<Vec<ApiToken>> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.created_at, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.user_id = $1 AND t.created_at >= COALESCE(u.tokens_valid_from, 0) ORDER BY t.created_at DESC, t.name",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Revokes one of `user`'s tokens: it stops working at once. Returns its name.
pub async fn revoke(db: &Db, user: &User, token_id: &str) -> AppResult<String> {
    let mut tx = db.begin().await?;
    let name: String = sqlx::query_scalar("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2 RETURNING name")
        .bind(token_id)
        .bind(&user.id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("You have no such token".into()))?;
    audit::service::token_event(&mut tx, user, "token.revoke", &name).await?;
    tx.commit().await?;
    Ok(name)
}

/// How often a token's last use is written down: the page shows it to the
/// minute, and a script making many calls should not write on every one.
pub const LAST_USED_EVERY_MS: i64 = 60_000;

/// The person a presented token belongs to, noting when it was last used (at
/// most once a minute, so that calls that read stay reads). A token of an
/// account whose address is not proven does not work, nor one made before
/// the account was taken over by its mailbox's holder.
pub async fn user_for_token(db: &Db, secret: &str) -> AppResult<Option<User>> {
    let Some(raw) = secret.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    if !crypto::plausible_token(raw) {
        return Ok(None);
    }
    let hash = crypto::token_hash(secret);
    let found: Option<Presented> = sqlx::query_as(
        "SELECT t.id AS token_id, t.name AS token_name, t.token_hash, t.last_used_at, u.id, u.email, u.name \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND u.email_verified_at IS NOT NULL AND t.created_at >= COALESCE(u.tokens_valid_from, 0)",
    )
    .bind(&hash)
    .fetch_optional(db)
    .await?;
    let Some(row) = found.filter(|t| crypto::token_matches(secret, &t.token_hash)) else {
        return Ok(None);
    };
    let now = now_ms();
    if row.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MS) {
        // The condition keeps simultaneous calls from each writing it.
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
        )
        .bind(now)
        .bind(&row.token_id)
        .bind(now - LAST_USED_EVERY_MS)
        .execute(db)
        .await?;
    }
    // What the request goes on to do is recorded as done with this token.
    audit::service::acting_with_token(&row.token_id, &row.token_name);
    Ok(Some(row.user))
}
