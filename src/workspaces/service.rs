//! Creating workspaces and checking membership. Every server function that
//! touches a workspace goes through `access`.

use super::{WorkspaceContext, WorkspaceInfo, WorkspaceSummary};
use crate::accounts::service::User;
use crate::domain::Title;
use crate::error::{AppError, AppResult};
use crate::platform::config::Config;
use crate::platform::db::{self, Db, Tx, now_ms};
use crate::roles::{Grant, Grants, Permission, Resource};
use sqlx::Row;

/// A member's standing in one workspace.
#[derive(Clone, Debug)]
pub struct Access {
    pub workspace_id: String,
    pub workspace_name: String,
    pub user: User,
    pub is_owner: bool,
    pub grants: Grants,
}

impl Access {
    /// The one check every action makes: refuses unless the member holds
    /// `permission` on `resource`, naming what is missing. `doing` completes
    /// "You need … to …".
    pub fn authorize(&self, permission: Permission, resource: Resource, doing: &str) -> AppResult<()> {
        let grant = Grant::new(permission, resource);
        if self.grants.allows(grant) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("You need {grant} to {doing}")))
        }
    }
}

/// The caller's access to `workspace_id`. A workspace they are not in is "not
/// found", so ids of other workspaces reveal nothing.
pub async fn access(db: &Db, user: &User, workspace_id: &str) -> AppResult<Access> {
    let row = sqlx::query(
        "SELECT w.name, m.is_owner FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE w.id = $1 AND m.user_id = $2",
    )
    .bind(workspace_id)
    .bind(&user.id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or_else(not_found)?;
    let is_owner = row.try_get::<i64, _>("is_owner")? == 1;
    Ok(Access {
        workspace_id: workspace_id.to_string(),
        workspace_name: row.try_get("name")?,
        user: user.clone(),
        is_owner,
        grants: crate::roles::service::grants_for(db, workspace_id, &user.id, is_owner).await?,
    })
}

pub fn not_found() -> AppError {
    AppError::NotFound("This workspace does not exist, or you are not a member of it".into())
}

/// Creates a workspace owned by `owner`, inside `tx`.
pub async fn create(tx: &mut Tx<'_>, owner: &User, name: &Title) -> AppResult<WorkspaceSummary> {
    check_not_an_id(name)?;
    let id = db::new_id();
    let now = now_ms();
    let inserted =
        sqlx::query("INSERT INTO workspaces (id, name, name_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name.as_str())
            .bind(name.as_str().to_lowercase())
            .bind(&owner.id)
            .bind(now)
            .execute(&mut **tx)
            .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => return Err(name_taken(name)),
        Err(e) => return Err(e.into()),
    }
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at) VALUES ($1, $2, 1, NULL, $3)",
    )
    .bind(&id)
    .bind(&owner.id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::roles::service::create_defaults(tx, &id).await?;
    record(tx, &id, Some(&owner.id), "workspace.create", name.as_str()).await?;
    Ok(WorkspaceSummary {
        id,
        name: name.as_str().to_string(),
        is_owner: true,
    })
}

/// The workspace's name and settings (READ on BUSINESS_INFO).
pub async fn info(db: &Db, access: &Access) -> AppResult<WorkspaceInfo> {
    access.authorize(Permission::Read, Resource::BusinessInfo, "see the workspace's settings")?;
    let row = sqlx::query(
        "SELECT w.created_at, (SELECT COUNT(*) FROM memberships m WHERE m.workspace_id = w.id) AS members \
         FROM workspaces w WHERE w.id = $1",
    )
    .bind(&access.workspace_id)
    .fetch_one(db)
    .await?;
    let owners = sqlx::query(
        "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.is_owner = 1 ORDER BY u.name",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| r.try_get("name"))
    .collect::<Result<_, _>>()?;
    Ok(WorkspaceInfo {
        id: access.workspace_id.clone(),
        name: access.workspace_name.clone(),
        created_at: crate::platform::when::display(row.try_get("created_at")?),
        owners,
        members: row.try_get("members")?,
    })
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
    match updated {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => return Err(name_taken(&name)),
        Err(e) => return Err(e.into()),
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "workspace.rename",
        &format!("{} \u{2192} {}", access.workspace_name, name.as_str()),
    )
    .await?;
    tx.commit().await?;
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

/// The caller's access to the workspace `key` names: its id, or its name (any
/// case). Either way, one the caller is not in is "not found".
pub async fn resolve(db: &Db, user: &User, key: &str) -> AppResult<Access> {
    if uuid::Uuid::parse_str(key).is_ok() {
        return access(db, user, key).await;
    }
    let id: String = sqlx::query("SELECT id FROM workspaces WHERE name_key = $1")
        .bind(key.trim().to_lowercase())
        .fetch_optional(db)
        .await?
        .ok_or_else(not_found)?
        .try_get("id")?;
    access(db, user, &id).await
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

/// The workspaces `user_id` belongs to, by name.
pub async fn list_for_user(db: &Db, user_id: &str) -> AppResult<Vec<WorkspaceSummary>> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, m.is_owner FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 ORDER BY w.name_key",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(WorkspaceSummary {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                is_owner: r.try_get::<i64, _>("is_owner")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Where a signed-in person starts: their first workspace's boards, or the page
/// that creates one.
pub async fn home_path(db: &Db, user_id: &str) -> AppResult<String> {
    Ok(match list_for_user(db, user_id).await?.first() {
        Some(w) => format!("/w/{}/boards", w.id),
        None => "/workspaces/new".to_string(),
    })
}

pub async fn context(db: &Db, config: &Config, user: &User, workspace_id: &str) -> AppResult<WorkspaceContext> {
    context_for(db, config, &access(db, user, workspace_id).await?).await
}

/// The frame of a workspace page for a member whose access is already known.
pub async fn context_for(db: &Db, config: &Config, access: &Access) -> AppResult<WorkspaceContext> {
    Ok(WorkspaceContext {
        invitation_lifetime: in_words(config.invitation_ttl),
        user: access.user.clone().into(),
        workspace: WorkspaceSummary {
            id: access.workspace_id.clone(),
            name: access.workspace_name.clone(),
            is_owner: access.is_owner,
        },
        workspaces: list_for_user(db, &access.user.id).await?,
        grants: access.grants.clone(),
    })
}

/// Appends to the workspace's audit trail, inside the change it describes.
pub async fn record(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    actor_id: Option<&str>,
    action: &str,
    subject: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, workspace_id, actor_id, action, subject, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(db::new_id())
    .bind(workspace_id)
    .bind(actor_id)
    .bind(action)
    .bind(subject)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the newest (at most `limit`) of `actions` in the workspace's trail
/// since `since` happened, newest first; only `actor`'s when given.
pub async fn recent_times(
    db: &Db,
    workspace_id: &str,
    actor: Option<&str>,
    actions: [&str; 2],
    since: i64,
    limit: u32,
) -> AppResult<Vec<i64>> {
    let sql = format!(
        "SELECT at FROM audit_events WHERE workspace_id = $1 AND action IN ($2, $3) AND at > $4 {} \
         ORDER BY at DESC LIMIT {limit}",
        if actor.is_some() { "AND actor_id = $5" } else { "" }
    );
    let mut query = sqlx::query(&sql)
        .bind(workspace_id)
        .bind(actions[0])
        .bind(actions[1])
        .bind(since);
    if let Some(actor) = actor {
        query = query.bind(actor);
    }
    query
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| r.try_get("at").map_err(Into::into))
        .collect()
}

/// A lifetime as people say it: "7 days", "48 hours", "30 minutes".
pub fn in_words(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs.is_multiple_of(86_400) {
        (secs / 86_400, "day")
    } else if secs.is_multiple_of(3_600) {
        (secs / 3_600, "hour")
    } else if secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn lifetimes_read_as_words() {
        assert_eq!(super::in_words(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(super::in_words(Duration::from_secs(3_600)), "1 hour");
        assert_eq!(super::in_words(Duration::from_secs(90 * 60)), "90 minutes");
    }
}
