//! Links emailed about an account: to prove its address, reset its password,
//! or move it to a new address. Owns the `account_tokens` table.
//!
//! A link is made in the transaction that asks for it, and its token minted
//! when its email is sent (or when the host asks for it), so that only the
//! token's hash is ever stored. Each link works once: using it deletes it, in
//! the statement that reads it, so of two uses at once one wins.

use crate::error::AppResult;
use crate::platform::crypto;
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Verify,
    Reset,
    EmailChange,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [Purpose::Verify, Purpose::Reset, Purpose::EmailChange];

    /// Whether `path` is a page of one of these links (its token after the prefix).
    pub fn opens(path: &str) -> bool {
        Self::ALL
            .iter()
            .any(|p| path.strip_prefix(p.path()).is_some_and(|rest| rest.starts_with('/')))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
            Purpose::EmailChange => "email_change",
        }
    }

    /// How long a link works: an hour to reset a password (OWASP), a day
    /// to prove an address (NIST 800-63B, GitHub, GitLab).
    pub fn ttl_ms(self) -> i64 {
        match self {
            Purpose::Reset => 3_600_000,
            Purpose::Verify | Purpose::EmailChange => 24 * 3_600_000,
        }
    }

    /// The page the link opens.
    pub fn path(self) -> &'static str {
        match self {
            Purpose::Verify => "/verify",
            Purpose::Reset => "/reset",
            Purpose::EmailChange => "/confirm-email",
        }
    }
}

/// What a new link carries besides its account.
#[derive(Default)]
pub struct Carrying<'a> {
    /// For an email change: the address to move to.
    pub new_email: Option<&'a str>,
    /// For proving a new account's address: the workspace to make then.
    pub workspace: Option<&'a str>,
}

/// Makes a link of `purpose` for `user_id` inside `tx`, replacing any earlier
/// one of the same purpose. Returns its id, for the outbox.
pub async fn create(tx: &mut Tx<'_>, user_id: &str, purpose: Purpose, carrying: Carrying<'_>) -> AppResult<String> {
    let id = db::new_id();
    let now = now_ms();
    // One statement, so that of two requests at once the later replaces the
    // earlier (a unique index holds one link per account and purpose).
    sqlx::query(
        "INSERT INTO account_tokens (id, user_id, purpose, new_email, workspace, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (user_id, purpose) DO UPDATE SET id = excluded.id, token_hash = NULL, \
         new_email = excluded.new_email, workspace = excluded.workspace, created_at = excluded.created_at, \
         expires_at = excluded.expires_at",
    )
    .bind(&id)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(carrying.new_email)
    .bind(carrying.workspace)
    .bind(now)
    .bind(now + purpose.ttl_ms())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// A link whose token was just minted, with whom it is for.
#[derive(sqlx::FromRow)]
pub struct Minted {
    #[sqlx(skip)]
    pub token: String,
    pub user_name: String,
    pub user_email: String,
    pub new_email: Option<String>,
    pub expires_at: i64,
}

/// Gives link `id` a new token (an earlier one stops working) and returns
/// it, or `None` when the link was used, replaced or has expired.
pub async fn mint(db: &Db, id: &str, purpose: Purpose) -> AppResult<Option<Minted>> {
    let token = crypto::new_token();
    let updated =
        sqlx::query("UPDATE account_tokens SET token_hash = $1 WHERE id = $2 AND purpose = $3 AND expires_at > $4")
            .bind(crypto::token_hash(&token))
            .bind(id)
            .bind(purpose.as_str())
            .bind(now_ms())
            .execute(db)
            .await?
            .rows_affected();
    if updated == 0 {
        return Ok(None);
    }
    let minted: Option<Minted> = sqlx::query_as(
        "SELECT u.name AS user_name, u.email AS user_email, t.new_email, t.expires_at \
         FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(minted.map(|m| Minted { token, ..m }))
}

/// What a used link carried.
#[derive(Debug, sqlx::FromRow)]
pub struct Used {
    pub user_id: String,
    pub new_email: Option<String>,
    pub workspace: Option<String>,
}

/// Uses the link with `token` for `purpose` inside `tx`: deletes it and
/// returns what it carried, or `None` if it does not work (unknown, used,
/// or expired).
pub async fn take(tx: &mut Tx<'_>, token: &str, purpose: Purpose) -> AppResult<Option<Used>> {
    take_of(tx, token, purpose, None).await
}

/// Uses the link with `token` for `purpose` inside `tx` only if it belongs to
/// `user_id` (a link that must be opened by its account, signed in).
pub async fn take_own(tx: &mut Tx<'_>, token: &str, purpose: Purpose, user_id: &str) -> AppResult<Option<Used>> {
    take_of(tx, token, purpose, Some(user_id)).await
}

async fn take_of(tx: &mut Tx<'_>, token: &str, purpose: Purpose, owner: Option<&str>) -> AppResult<Option<Used>> {
    if !crypto::plausible_token(token) {
        return Ok(None);
    }
    let sql = format!(
        "DELETE FROM account_tokens WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3{} \
         RETURNING user_id, new_email, workspace",
        if owner.is_some() { " AND user_id = $4" } else { "" }
    );
    let mut query = sqlx::query_as(&sql)
        .bind(crypto::token_hash(token))
        .bind(purpose.as_str())
        .bind(now_ms());
    if let Some(owner) = owner {
        query = query.bind(owner);
    }
    Ok(query.fetch_optional(&mut **tx).await?)
}

/// The account and the new address of the link with `token` for `purpose`,
/// while it works.
pub async fn peek_owner(db: &Db, token: &str, purpose: Purpose) -> AppResult<Option<(String, Option<String>)>> {
    if !crypto::plausible_token(token) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT user_id, new_email FROM account_tokens WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(crypto::token_hash(token))
    .bind(purpose.as_str())
    .bind(now_ms())
    .fetch_optional(db)
    .await?)
}

/// Whether the link with `token` for `purpose` would work now, and for which
/// address (to show on its page before it is used).
pub async fn peek(db: &Db, token: &str, purpose: Purpose) -> AppResult<Option<String>> {
    if !crypto::plausible_token(token) {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM account_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.purpose = $2 AND t.expires_at > $3",
    )
    .bind(crypto::token_hash(token))
    .bind(purpose.as_str())
    .bind(now_ms())
    .fetch_optional(db)
    .await?)
}

/// Drops every link of `user_id` (a new password or address makes them moot),
/// inside `tx`.
pub async fn drop_all(tx: &mut Tx<'_>, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM account_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
