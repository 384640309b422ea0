//! Group rules: `everyone` is built in; adding someone to a group or giving a
//! group a role hands out grants, so the caller must hold them.

use super::{Group, GroupMember};
use crate::domain::Title;
use crate::error::{AppError, AppResult};
use crate::platform::db::{self, Db, now_ms};
use crate::roles::service as roles;
use crate::roles::{Permission, Resource, Target};
use crate::workspaces::service::{Access, record};
use sqlx::Row;

pub async fn list(db: &Db, access: &Access) -> AppResult<Vec<Group>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see groups")?;
    let rows =
        sqlx::query("SELECT id, name, builtin FROM groups WHERE workspace_id = $1 ORDER BY builtin DESC, name_key")
            .bind(&access.workspace_id)
            .fetch_all(db)
            .await?;
    let mut roles = roles::names_by(
        db,
        "SELECT gr.group_id AS owner_id, gr.role_name AS name FROM group_roles gr JOIN groups g ON g.id = gr.group_id \
         WHERE g.workspace_id = $1 ORDER BY gr.role_name",
        &access.workspace_id,
    )
    .await?;
    let mut members: std::collections::HashMap<String, Vec<GroupMember>> = Default::default();
    for r in sqlx::query(
        "SELECT gm.group_id, u.id, u.name, u.email FROM group_members gm JOIN groups g ON g.id = gm.group_id \
           JOIN users u ON u.id = gm.user_id WHERE g.workspace_id = $1 ORDER BY u.name, u.email",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?
    {
        members.entry(r.try_get("group_id")?).or_default().push(GroupMember {
            user_id: r.try_get("id")?,
            name: r.try_get("name")?,
            email: r.try_get("email")?,
        });
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            Ok(Group {
                name: r.try_get("name")?,
                builtin: r.try_get::<i64, _>("builtin")? == 1,
                members: members.remove(&id).unwrap_or_default(),
                roles: roles.remove(&id).unwrap_or_default(),
                id,
            })
        })
        .collect()
}

/// Everyone in the workspace, for the "add to group" picker.
pub async fn people(db: &Db, access: &Access) -> AppResult<Vec<GroupMember>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see members")?;
    sqlx::query(
        "SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY u.name, u.email",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| {
        Ok(GroupMember {
            user_id: r.try_get("id")?,
            name: r.try_get("name")?,
            email: r.try_get("email")?,
        })
    })
    .collect()
}

fn parse_name(raw: &str) -> AppResult<Title> {
    Title::parse(raw, "group name").map_err(|m| AppError::field("name", m))
}

fn name_taken(name: &Title) -> AppError {
    AppError::field("name", format!("There is already a group named {}", name.as_str()))
}

struct Found {
    name: String,
    builtin: bool,
}

async fn find(db: &Db, access: &Access, group_id: &str) -> AppResult<Found> {
    let row = sqlx::query("SELECT name, builtin FROM groups WHERE id = $1 AND workspace_id = $2")
        .bind(group_id)
        .bind(&access.workspace_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such group in this workspace".into()))?;
    Ok(Found {
        name: row.try_get("name")?,
        builtin: row.try_get::<i64, _>("builtin")? == 1,
    })
}

fn builtin_refusal(what: &str) -> AppError {
    AppError::Conflict(format!("The group everyone is built in and can't be {what}"))
}

pub async fn create(db: &Db, access: &Access, name: &str) -> AppResult<Group> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let name = parse_name(name)?;
    let id = db::new_id();
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO groups (id, workspace_id, name, name_key, builtin, created_at) VALUES ($1, $2, $3, $4, 0, $5)",
    )
    .bind(&id)
    .bind(&access.workspace_id)
    .bind(name.as_str())
    .bind(name.as_str().to_lowercase())
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => return Err(name_taken(&name)),
        Err(e) => return Err(e.into()),
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.create",
        name.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Group {
        id,
        name: name.as_str().to_string(),
        builtin: false,
        members: Vec::new(),
        roles: Vec::new(),
    })
}

pub async fn rename(db: &Db, access: &Access, group_id: &str, name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    if found.builtin {
        return Err(builtin_refusal("renamed"));
    }
    let name = parse_name(name)?;
    let mut tx = db.begin().await?;
    let updated = sqlx::query("UPDATE groups SET name = $1, name_key = $2 WHERE id = $3 AND workspace_id = $4")
        .bind(name.as_str())
        .bind(name.as_str().to_lowercase())
        .bind(group_id)
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
        "group.rename",
        &format!("{} \u{2192} {}", found.name, name.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(name.as_str().to_string())
}

pub async fn delete(db: &Db, access: &Access, group_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    if found.builtin {
        return Err(builtin_refusal("deleted"));
    }
    let mut tx = db.begin().await?;
    for sql in [
        "DELETE FROM group_members WHERE group_id = $1",
        "DELETE FROM group_roles WHERE group_id = $1",
        "DELETE FROM groups WHERE id = $1",
    ] {
        sqlx::query(sql).bind(group_id).execute(&mut *tx).await?;
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.delete",
        &found.name,
    )
    .await?;
    tx.commit().await?;
    Ok(found.name)
}

/// The grants a group hands its members.
async fn group_grants(db: &Db, group_id: &str) -> AppResult<Vec<crate::roles::Grant>> {
    let rows = sqlx::query(
        "SELECT DISTINCT r.permission, r.resource FROM group_roles gr JOIN groups g ON g.id = gr.group_id \
           JOIN roles r ON r.workspace_id = g.workspace_id AND r.name = gr.role_name AND r.target = 'GROUP' \
         WHERE gr.group_id = $1",
    )
    .bind(group_id)
    .fetch_all(db)
    .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for r in rows {
        let p = Permission::parse(&r.try_get::<String, _>("permission")?).map_err(|_| AppError::Internal)?;
        let res = Resource::parse(&r.try_get::<String, _>("resource")?).map_err(|_| AppError::Internal)?;
        grants.push(crate::roles::Grant::new(p, res));
    }
    Ok(grants)
}

/// Adds member `user_id` to a group. Returns (member's name, group's name).
pub async fn add_member(db: &Db, access: &Access, group_id: &str, user_id: &str) -> AppResult<(String, String)> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    if found.builtin {
        return Err(AppError::Conflict(
            "Everyone in the workspace is in the group everyone already".into(),
        ));
    }
    if let Some(missing) = group_grants(db, group_id)
        .await?
        .into_iter()
        .find(|g| !access.grants.allows(*g))
    {
        return Err(AppError::Forbidden(format!(
            "You can't add people to {}: it grants {missing}, which you don't hold yourself",
            found.name
        )));
    }
    let person: String = sqlx::query(
        "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(&access.workspace_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That person is not a member of this workspace".into()))?
    .try_get("name")?;
    let mut tx = db.begin().await?;
    let inserted = sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)")
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!("{person} is already in {}", found.name)));
        }
        Err(e) => return Err(e.into()),
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.member.add",
        &format!("{}: {person}", found.name),
    )
    .await?;
    tx.commit().await?;
    Ok((person, found.name))
}

pub async fn remove_member(db: &Db, access: &Access, group_id: &str, user_id: &str) -> AppResult<(String, String)> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    if found.builtin {
        return Err(AppError::Conflict(
            "Everyone in the workspace stays in the group everyone; remove them from the workspace instead".into(),
        ));
    }
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2 RETURNING (SELECT name FROM users WHERE id = $2) AS name",
    )
    .bind(group_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("That person is not in {}", found.name)))?;
    let person: String = row.try_get("name")?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.member.remove",
        &format!("{}: {person}", found.name),
    )
    .await?;
    tx.commit().await?;
    Ok((person, found.name))
}

/// What `everyone` holds is every member's floor, so only owners change it.
fn check_everyone(access: &Access, found: &Found) -> AppResult<()> {
    if found.builtin && !access.is_owner {
        return Err(AppError::Forbidden(
            "Only owners can change what the group everyone holds".into(),
        ));
    }
    Ok(())
}

/// Gives a group a GROUP-target role. Returns the group's name.
pub async fn grant_role(db: &Db, access: &Access, group_id: &str, role_name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    check_everyone(access, &found)?;
    let names = roles::clean_names(&[role_name.to_string()]);
    if names.is_empty() {
        return Err(AppError::field("role_name", "Choose a role"));
    }
    roles::check_assignable(db, access, &names, &names, Target::Group, "role_name").await?;
    let mut tx = db.begin().await?;
    let inserted = sqlx::query("INSERT INTO group_roles (group_id, role_name) VALUES ($1, $2)")
        .bind(group_id)
        .bind(&names[0])
        .execute(&mut *tx)
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(format!("{} already holds {}", found.name, names[0])));
        }
        Err(e) => return Err(e.into()),
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.role.grant",
        &format!("{}: {}", found.name, names[0]),
    )
    .await?;
    tx.commit().await?;
    Ok(found.name)
}

pub async fn revoke_role(db: &Db, access: &Access, group_id: &str, role_name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = find(db, access, group_id).await?;
    check_everyone(access, &found)?;
    let mut tx = db.begin().await?;
    let removed = sqlx::query("DELETE FROM group_roles WHERE group_id = $1 AND role_name = $2")
        .bind(group_id)
        .bind(role_name.trim())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound(format!(
            "{} doesn't hold {}",
            found.name,
            role_name.trim()
        )));
    }
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "group.role.revoke",
        &format!("{}: {}", found.name, role_name.trim()),
    )
    .await?;
    tx.commit().await?;
    Ok(found.name)
}
