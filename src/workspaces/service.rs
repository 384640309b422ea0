//! Workspaces themselves: their names (unique, and never shaped like an id,
//! since scripts address a workspace by either) and when they began.
//!
//! Owns the `workspaces` table.

use crate::access::{Access, Permission, Resource};
use crate::audit;
use crate::domain::{Timestamp, Title, User};
use crate::error::{AppError, AppResult};
use crate::platform::db::{self, Db, Tx};
use crate::platform::time::now_ms;

use super::Policy;

/// Adds a workspace named `name`, created by `creator`, inside `tx`. Returns its id.
pub async fn insert(tx: &mut Tx<'_>, creator: &User, name: &Title) -> AppResult<String> {
    check_not_an_id(name)?;
    let id = db::new_id();
    let inserted =
        sqlx::query("INSERT INTO workspaces (id, name, name_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name.as_str())
            .bind(name.as_str().to_lowercase())
            .bind(&creator.id)
            .bind(now_ms())
            .execute(&mut **tx)
            .await;
    db::or_clash(inserted, || name_taken(name))?;
    Ok(id)
}

/// Whether a workspace could be named `name` now (a sign-up asks before its
/// address is proven, and again once it is, inside `tx`).
pub async fn check_available(tx: &mut Tx<'_>, name: &Title) -> AppResult<()> {
    check_not_an_id(name)?;
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE name_key = $1")
        .bind(name.as_str().to_lowercase())
        .fetch_one(&mut **tx)
        .await?;
    if taken > 0 {
        return Err(name_taken(name));
    }
    Ok(())
}

/// Deletes workspace `id` with everything in it, inside `tx` (its last
/// member's account was deleted).
pub async fn delete(tx: &mut Tx<'_>, id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM workspaces WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Locks the workspace's row until `tx` ends, so that changes which must see
/// each other's results (who owns it) happen one after another. False when
/// there is no such workspace.
pub async fn lock(tx: &mut Tx<'_>, workspace_id: &str) -> AppResult<bool> {
    Ok(sqlx::query("UPDATE workspaces SET name = name WHERE id = $1")
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// When the workspace began (READ on BUSINESS_INFO).
pub async fn created_at(db: &Db, access: &Access) -> AppResult<Timestamp> {
    access.authorize(Permission::Read, Resource::BusinessInfo, "see the workspace's settings")?;
    Ok(Timestamp(
        sqlx::query_scalar("SELECT created_at FROM workspaces WHERE id = $1")
            .bind(&access.workspace_id)
            .fetch_one(db)
            .await?,
    ))
}

/// Renames the workspace (WRITE on BUSINESS_INFO). Returns the new name.
pub async fn rename(db: &Db, access: &Access, name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::BusinessInfo, "rename the workspace")?;
    let name = Title::parse(name, "workspace name").map_err(|m| AppError::field("workspace", m))?;
    check_not_an_id(&name)?;
    let mut tx = db.begin().await?;
    let updated = sqlx::query("UPDATE workspaces SET name = $1, name_key = $2 WHERE id = $3")
        .bind(name.as_str())
        .bind(name.as_str().to_lowercase())
        .bind(&access.workspace_id)
        .execute(&mut *tx)
        .await;
    db::or_clash(updated, || name_taken(&name))?;
    audit::commit_change(
        tx,
        access,
        "workspace.rename",
        name.as_str(),
        audit::Change::new(&access.workspace_name, name.as_str()),
    )
    .await?;
    Ok(name.as_str().to_string())
}

/// Workspaces are addressed by id or by name, so no name may look like an id.
fn check_not_an_id(name: &Title) -> AppResult<()> {
    if uuid::Uuid::parse_str(name.as_str()).is_ok() {
        return Err(AppError::field(
            "workspace",
            "A workspace name can't have the form of a workspace id. Choose another name",
        ));
    }
    Ok(())
}

fn name_taken(name: &Title) -> AppError {
    AppError::field(
        "workspace",
        format!(
            "A workspace named \u{201c}{}\u{201d} already exists. Choose another name",
            name.as_str()
        ),
    )
}

/// How many members, owners and pending invitations a workspace has, as the
/// database keeps them: triggers change them in the same transaction as the
/// rows they count (migration `workspace_counts`), so they are always true.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Counts {
    pub members: i64,
    pub owners: i64,
    pub pending: i64,
}

pub async fn counts(db: &Db, workspace_id: &str) -> AppResult<Counts> {
    Ok(
        sqlx::query_as("SELECT members, owners, pending FROM workspace_counts WHERE workspace_id = $1")
            .bind(workspace_id)
            .fetch_optional(db)
            .await?
            .unwrap_or_default(),
    )
}

/// The workspace's policy: who may be invited, and how many seats it has
/// (read on a pool, or in a transaction).
pub async fn policy<'e>(on: impl sqlx::Executor<'e, Database = sqlx::Any>, workspace_id: &str) -> AppResult<Policy> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT allowed_domains, seat_limit FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_optional(on)
            .await?;
    Ok(row.map(policy_of).unwrap_or_default())
}

fn policy_of((domains, seat_limit): (String, Option<i64>)) -> Policy {
    Policy {
        allowed_domains: domains.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(),
        seat_limit,
    }
}

/// The policy for callers who may see the workspace's users (READ on USER_MANAGEMENT).
pub async fn read_policy(db: &Db, access: &Access) -> AppResult<Policy> {
    access.authorize(Permission::Read, Resource::UserManagement, "see who may be invited")?;
    policy(db, &access.workspace_id).await
}

/// Sets who may be invited and how many seats there are: owners only. The
/// seat limit is 1 or more and at most the host's `MAX_SEATS_PER_WORKSPACE`.
/// Members and invitations outside the new rules stay (they are marked);
/// the audit trail keeps the change, before and after.
pub async fn set_policy(
    db: &Db,
    max_seats: Option<i64>,
    access: &Access,
    allowed_domains: &[String],
    seat_limit: Option<i64>,
) -> AppResult<Policy> {
    if !access.is_owner {
        return Err(AppError::Forbidden(
            "Only an owner can change who may be invited and how many seats there are".into(),
        ));
    }
    let domains = super::parse_domains(allowed_domains);
    let seats = match (seat_limit, max_seats) {
        (Some(n), _) if n < 1 => Err("Give at least 1 seat, or no limit".to_string()),
        (Some(n), Some(max)) if n > max => Err(format!("This server allows at most {max} seats per workspace")),
        _ => Ok(seat_limit),
    };
    let (allowed_domains, seat_limit) = match (domains, seats) {
        (Ok(d), Ok(s)) => (d, s),
        (d, s) => {
            return Err(AppError::fields([
                ("allowed_domains", d.err()),
                ("seat_limit", s.err()),
            ]));
        }
    };
    let new = Policy {
        allowed_domains,
        seat_limit,
    };
    let mut tx = db.begin().await?;
    let old = policy(&mut *tx, &access.workspace_id).await?;
    sqlx::query("UPDATE workspaces SET allowed_domains = $1, seat_limit = $2 WHERE id = $3")
        .bind(new.allowed_domains.join("\n"))
        .bind(new.seat_limit)
        .bind(&access.workspace_id)
        .execute(&mut *tx)
        .await?;
    let words = |p: &Policy| {
        let domains = if p.allowed_domains.is_empty() {
            "any domain".to_string()
        } else {
            p.allowed_domains.join(", ")
        };
        let seats = p
            .seat_limit
            .map_or("no seat limit".to_string(), |n| format!("{n} seats"));
        format!("{domains}; {seats}")
    };
    tx.announce(&access.workspace_id, "policy.changed", &access.workspace_id)
        .await?;
    audit::commit_change(
        tx,
        access,
        "policy.change",
        &access.workspace_name,
        audit::Change::new(&words(&old), &words(&new)),
    )
    .await?;
    Ok(new)
}

/// The seats in use: members, and open invitations (pending, unexpired)
/// other than one to `except` (which, renewed, keeps its seat).
pub async fn seats_used<'e>(
    on: impl sqlx::Executor<'e, Database = sqlx::Any>,
    workspace_id: &str,
    except: &str,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE((SELECT members FROM workspace_counts WHERE workspace_id = $1), 0) \
         + (SELECT COUNT(*) FROM invitations WHERE workspace_id = $1 AND status = 'pending' AND expires_at > $2 AND email <> $3)",
    )
    .bind(workspace_id)
    .bind(now_ms())
    .bind(except)
    .fetch_one(on)
    .await?)
}

/// The seat limit that holds: the workspace's own, within the host's.
pub fn seat_limit(policy: &Policy, max_seats: Option<i64>) -> Option<i64> {
    match (policy.seat_limit, max_seats) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
