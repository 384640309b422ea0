//! Storing roles and groups, and answering the one question every server
//! function asks: may this member do this here?

use super::model::{Grant, Grants, Permission, Resource, Target};
use crate::error::AppResult;
use crate::platform::db::{self, Db, Tx, now_ms};
use sqlx::Row;

/// The role every new workspace has, held by its group `everyone`: READ on
/// all four resources, so that a person invited with no role sees the boards.
pub const DEFAULT_ROLE: &str = "business_read";
pub const EVERYONE: &str = "everyone";

/// Creates `business_read` and `everyone` for a new workspace, inside `tx`.
pub async fn create_defaults(tx: &mut Tx<'_>, workspace_id: &str) -> AppResult<()> {
    let now = now_ms();
    for resource in Resource::ALL {
        sqlx::query(
            "INSERT INTO roles (id, workspace_id, name, permission, resource, target, created_at) \
             VALUES ($1, $2, $3, 'READ', $4, 'GROUP', $5)",
        )
        .bind(db::new_id())
        .bind(workspace_id)
        .bind(DEFAULT_ROLE)
        .bind(resource.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    let group_id = db::new_id();
    sqlx::query(
        "INSERT INTO groups (id, workspace_id, name, name_key, builtin, created_at) VALUES ($1, $2, $3, $3, 1, $4)",
    )
    .bind(&group_id)
    .bind(workspace_id)
    .bind(EVERYONE)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO group_roles (group_id, role_name) VALUES ($1, $2)")
        .bind(&group_id)
        .bind(DEFAULT_ROLE)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A member's effective grants: their own USER-target roles and the
/// GROUP-target roles of their groups (`everyone` always among them).
pub async fn grants_for(db: &Db, workspace_id: &str, user_id: &str, is_owner: bool) -> AppResult<Grants> {
    if is_owner {
        return Ok(Grants::owner());
    }
    let rows = sqlx::query(
        "SELECT r.permission, r.resource FROM roles r \
           JOIN member_roles mr ON mr.workspace_id = r.workspace_id AND mr.role_name = r.name \
         WHERE r.workspace_id = $1 AND mr.user_id = $2 AND r.target = 'USER' \
         UNION \
         SELECT r.permission, r.resource FROM roles r \
           JOIN group_roles gr ON gr.role_name = r.name \
           JOIN groups g ON g.id = gr.group_id AND g.workspace_id = r.workspace_id \
         WHERE r.workspace_id = $1 AND r.target = 'GROUP' \
           AND (g.builtin = 1 OR EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = g.id AND gm.user_id = $2))",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        let permission = Permission::parse(&row.try_get::<String, _>("permission")?).map_err(internal)?;
        let resource = Resource::parse(&row.try_get::<String, _>("resource")?).map_err(internal)?;
        grants.push(Grant::new(permission, resource));
    }
    Ok(Grants::from_grants(grants))
}

/// The target of every row of role `name`, if the role exists.
pub async fn role_targets(db: &Db, workspace_id: &str, name: &str) -> AppResult<Vec<Target>> {
    let rows = sqlx::query("SELECT DISTINCT target FROM roles WHERE workspace_id = $1 AND name = $2")
        .bind(workspace_id)
        .bind(name)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|r| Target::parse(&r.try_get::<String, _>("target")?).map_err(internal))
        .collect()
}

fn internal(message: String) -> crate::error::AppError {
    tracing::error!(%message, "unreadable role row");
    crate::error::AppError::Internal
}
