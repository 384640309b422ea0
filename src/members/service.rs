//! Membership rules: the last owner stays.

use super::Member;
use crate::error::{AppError, AppResult};
use crate::platform::db::Db;
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
                removable: may_remove && !is_you && !(is_owner && owners <= 1),
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

/// Removes a member. The last owner cannot be removed. Returns the member's name.
pub async fn remove(db: &Db, access: &Access, user_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "remove members")?;
    let mut tx = db.begin().await?;
    // The delete comes first so that SQLite takes its write lock before the
    // owner count is read; the count then sees the workspace as it will be.
    let removed = sqlx::query(
        "DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2 \
         RETURNING is_owner, (SELECT name FROM users WHERE id = $2) AS name, (SELECT email FROM users WHERE id = $2) AS email",
    )
    .bind(&access.workspace_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(removed) = removed else {
        return Err(AppError::NotFound(
            "That person is not a member of this workspace".into(),
        ));
    };
    let name: String = removed.try_get("name")?;
    let email: String = removed.try_get("email")?;
    if removed.try_get::<i64, _>("is_owner")? == 1 {
        let owners: i64 = sqlx::query("SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = $1 AND is_owner = 1")
            .bind(&access.workspace_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if owners == 0 {
            tx.rollback().await?;
            return Err(AppError::Conflict(format!(
                "{name} is the only owner of {} and can't be removed",
                access.workspace_name
            )));
        }
    }
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
