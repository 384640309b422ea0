//! Membership rules: the last owner stays.

use super::Member;
use crate::error::{AppError, AppResult};
use crate::platform::db::{Db, Tx};
use crate::platform::when;
use crate::roles::{Permission, Resource};
use crate::workspaces::service::{Access, record};
use sqlx::Row;

pub async fn list(db: &Db, access: &Access) -> AppResult<Vec<Member>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see members")?;
    let may_remove = access
        .grants
        .allows(crate::roles::Grant::new(Permission::Write, Resource::UserManagement));
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.email, m.is_owner, m.joined_at FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY m.is_owner DESC, u.name, u.email",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    let mut roles = crate::roles::service::names_by(
        db,
        "SELECT user_id AS owner_id, role_name AS name FROM member_roles WHERE workspace_id = $1 ORDER BY role_name",
        &access.workspace_id,
    )
    .await?;
    let mut groups = crate::roles::service::names_by(
        db,
        "SELECT gm.user_id AS owner_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
         WHERE g.workspace_id = $1 ORDER BY g.name_key",
        &access.workspace_id,
    )
    .await?;
    let owners = rows
        .iter()
        .filter(|r| r.try_get::<i64, _>("is_owner").unwrap_or(0) == 1)
        .count();
    rows.iter()
        .map(|r| {
            let user_id: String = r.try_get("id")?;
            let is_owner = r.try_get::<i64, _>("is_owner")? == 1;
            let joined: i64 = r.try_get("joined_at")?;
            let is_you = user_id == access.user.id;
            Ok(Member {
                removable: may_remove && !is_you && (!is_owner || (access.is_owner && owners > 1)),
                roles: roles.remove(&user_id).unwrap_or_default(),
                groups: groups.remove(&user_id).unwrap_or_default(),
                user_id,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                is_owner,
                joined_at: when::display(joined),
                joined_at_iso: when::iso(joined),
                is_you,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Removes a member. Only owners remove an owner, and the last owner cannot be
/// removed. Returns the member's name.
pub async fn remove(db: &Db, access: &Access, user_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "remove members")?;
    let mut tx = db.begin().await?;
    let owners = lock_owners(&mut tx, &access.workspace_id).await?;
    // The caller's own ownership as it is now, not as it was when the request began.
    let caller_is_owner = owners.contains(&access.user.id);
    let target = sqlx::query(
        "SELECT m.is_owner, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(&access.workspace_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(not_a_member)?;
    let name: String = target.try_get("name")?;
    let email: String = target.try_get("email")?;
    if target.try_get::<i64, _>("is_owner")? == 1 {
        if !caller_is_owner {
            return Err(AppError::Forbidden(format!(
                "Only owners of {} can remove an owner, and {name} is one",
                access.workspace_name
            )));
        }
        if owners.len() <= 1 {
            return Err(AppError::Conflict(format!(
                "{name} is the only owner of {} and can't be removed",
                access.workspace_name
            )));
        }
    }
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(&access.workspace_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    forget(&mut tx, &access.workspace_id, user_id).await?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "member.remove",
        &email,
    )
    .await?;
    tx.commit().await?;
    Ok(name)
}

/// Drops what a departing member held in the workspace: roles and groups.
async fn forget(tx: &mut Tx<'_>, workspace_id: &str, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM member_roles WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "DELETE FROM group_members WHERE user_id = $2 AND group_id IN (SELECT id FROM groups WHERE workspace_id = $1)",
    )
    .bind(workspace_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Serialises every change to who owns `workspace_id`, then returns its owners'
/// user ids as they are now.
///
/// "A workspace keeps at least one owner" reads the owners and then writes. Two
/// such changes at once (two owners removing each other, both leaving) would
/// each read two owners under PostgreSQL's READ COMMITTED and together leave
/// none. So each first updates the workspace's own row: PostgreSQL makes the
/// second wait for the first to commit, and SQLite takes its single write lock.
/// In READ COMMITTED every later statement sees what the first committed, so
/// the owners read here are the owners there are.
async fn lock_owners(tx: &mut Tx<'_>, workspace_id: &str) -> AppResult<Vec<String>> {
    let locked = sqlx::query("UPDATE workspaces SET name = name WHERE id = $1")
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(crate::workspaces::service::not_found());
    }
    sqlx::query("SELECT user_id FROM memberships WHERE workspace_id = $1 AND is_owner = 1")
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("user_id").map_err(Into::into))
        .collect()
}

/// Makes member `user_id` an owner too. Only owners can. Returns their name.
pub async fn grant_ownership(db: &Db, access: &Access, user_id: &str) -> AppResult<String> {
    set_owner(db, access, user_id, true).await
}

/// Takes ownership from `user_id` (the caller's own: giving it up). Only owners
/// can, and the last owner stays one. Returns the member's name.
pub async fn revoke_ownership(db: &Db, access: &Access, user_id: &str) -> AppResult<String> {
    set_owner(db, access, user_id, false).await
}

async fn set_owner(db: &Db, access: &Access, user_id: &str, owner: bool) -> AppResult<String> {
    let doing = if owner {
        "make someone an owner"
    } else {
        "change who owns it"
    };
    let only_owners = || AppError::Forbidden(format!("Only owners of {} can {doing}", access.workspace_name));
    if !access.is_owner {
        return Err(only_owners());
    }
    let mut tx = db.begin().await?;
    let owners = lock_owners(&mut tx, &access.workspace_id).await?;
    if !owners.contains(&access.user.id) {
        return Err(only_owners());
    }
    let row = sqlx::query(
        "SELECT u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(&access.workspace_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(not_a_member)?;
    let name: String = row.try_get("name")?;
    if !owner && owners.iter().all(|o| o == user_id) {
        let who = if user_id == access.user.id {
            "You are".to_string()
        } else {
            format!("{name} is")
        };
        return Err(AppError::Conflict(format!(
            "{who} the only owner of {}. Make someone else an owner first",
            access.workspace_name
        )));
    }
    sqlx::query("UPDATE memberships SET is_owner = $3 WHERE workspace_id = $1 AND user_id = $2")
        .bind(&access.workspace_id)
        .bind(user_id)
        .bind(i64::from(owner))
        .execute(&mut *tx)
        .await?;
    let email: String = row.try_get("email")?;
    let action = if owner { "owner.grant" } else { "owner.revoke" };
    record(&mut tx, &access.workspace_id, Some(&access.user.id), action, &email).await?;
    tx.commit().await?;
    Ok(name)
}

/// The caller leaves the workspace. Anyone can, except its last owner.
pub async fn leave(db: &Db, access: &Access) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let owners = lock_owners(&mut tx, &access.workspace_id).await?;
    if owners.iter().all(|o| *o == access.user.id) && owners.contains(&access.user.id) {
        return Err(AppError::Conflict(format!(
            "You are the only owner of {}. Make someone else an owner before you leave",
            access.workspace_name
        )));
    }
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(&access.workspace_id)
        .bind(&access.user.id)
        .execute(&mut *tx)
        .await?;
    forget(&mut tx, &access.workspace_id, &access.user.id).await?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "member.leave",
        &access.user.email,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn not_a_member() -> AppError {
    AppError::NotFound("That person is not a member of this workspace".into())
}
