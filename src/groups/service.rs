//! Group rules: `everyone` is built in; adding someone to a group or giving a
//! group a role hands out grants, so the caller must hold them.
//!
//! Owns the `groups` and `group_members` tables.

use super::{Group, GroupMember};
use crate::access::{Access, Permission, Resource, Target};
use crate::audit;
use crate::domain::Title;
use crate::domain::{Listing, Window};
use crate::error::{AppError, AppResult};
use crate::platform::db::{self, Arg, Db, Order, Sql, Tx};
use crate::platform::time::now_ms;
use crate::roles::service as roles;
use std::collections::HashMap;

/// The built-in group every member is in.
pub const EVERYONE: &str = "everyone";

/// Creates the group `everyone` for a new workspace, holding the default role,
/// inside `tx`.
pub async fn create_everyone(tx: &mut Tx<'_>, workspace_id: &str) -> AppResult<()> {
    let group_id = db::new_id();
    sqlx::query(
        "INSERT INTO groups (id, workspace_id, name, name_key, builtin, created_at) VALUES ($1, $2, $3, $3, 1, $4)",
    )
    .bind(&group_id)
    .bind(workspace_id)
    .bind(EVERYONE)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    roles::give_group(tx, workspace_id, &group_id, roles::DEFAULT_ROLE).await?;
    Ok(())
}

/// Takes a departing member out of the workspace's groups, inside `tx`.
pub async fn forget_member(tx: &mut Tx<'_>, workspace_id: &str, user_id: &str) -> AppResult<()> {
    sqlx::query(
        "DELETE FROM group_members WHERE user_id = $2 AND group_id IN (SELECT id FROM groups WHERE workspace_id = $1)",
    )
    .bind(workspace_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The groups each of `user_ids` is in (besides `everyone`), by name.
pub async fn groups_of(db: &Db, workspace_id: &str, user_ids: &[String]) -> AppResult<HashMap<String, Vec<String>>> {
    let mut by: HashMap<String, Vec<String>> = HashMap::new();
    if user_ids.is_empty() {
        return Ok(by);
    }
    let list = (2..user_ids.len() + 2)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT gm.user_id, g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
         WHERE g.workspace_id = $1 AND gm.user_id IN ({list}) ORDER BY g.name_key"
    );
    let mut query = sqlx::query_as::<_, (String, String)>(&sql).bind(workspace_id);
    for id in user_ids {
        query = query.bind(id);
    }
    for (user_id, name) in query.fetch_all(db).await? {
        by.entry(user_id).or_default().push(name);
    }
    Ok(by)
}

/// The most groups one page holds.
pub const MAX_PAGE: usize = 200;
/// The most members a group shows in a list (it says how many it has).
pub const MEMBERS_SHOWN: i64 = 100;

/// A group's list key: `everyone` first, then by name.
const SORT_KEY: &str = "(CASE WHEN builtin = 1 THEN '' ELSE name_key END)";

/// One page of the workspace's groups, `everyone` first, each with its roles
/// and (up to `MEMBERS_SHOWN` of) its members.
pub async fn page(db: &Db, access: &Access, window: &Window) -> AppResult<Listing<Group>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see groups")?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups WHERE workspace_id = $1")
        .bind(&access.workspace_id)
        .fetch_one(db)
        .await?;
    let mut sql = Sql::new(&format!("SELECT id, name, builtin, {SORT_KEY} AS sort_key FROM groups"));
    let ws = sql.arg(access.workspace_id.as_str());
    sql.push(&format!(" WHERE workspace_id = {ws}"));
    let found = db::keyset::<GroupRow>(
        db,
        sql,
        Order {
            columns: [SORT_KEY, "id"],
            descending: false,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    Ok(Listing {
        items: groups(db, found.items).await?,
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// The group `key` names: its id, or its name (any case).
pub async fn find(db: &Db, access: &Access, key: &str) -> AppResult<Group> {
    access.authorize(Permission::Read, Resource::UserManagement, "see groups")?;
    let rows = sqlx::query_as(&format!(
        "SELECT id, name, builtin, {SORT_KEY} AS sort_key FROM groups \
             WHERE workspace_id = $1 AND (id = $2 OR name_key = $3)"
    ))
    .bind(&access.workspace_id)
    .bind(key)
    .bind(key.trim().to_lowercase())
    .fetch_all(db)
    .await?;
    groups(db, rows)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("There is no group {key}")))
}

/// A group's row.
#[derive(sqlx::FromRow)]
struct GroupRow {
    id: String,
    name: String,
    builtin: i64,
    sort_key: String,
}

impl db::Keyed for GroupRow {
    fn key(&self) -> [String; 2] {
        [self.sort_key.clone(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Some([parts[0].clone().into(), parts[1].clone().into()])
    }
}

/// A group member's row.
#[derive(sqlx::FromRow)]
struct MemberOf {
    group_id: String,
    #[sqlx(flatten)]
    member: GroupMember,
}

/// Groups from their rows, with their members and roles (one query each).
async fn groups(db: &Db, rows: Vec<GroupRow>) -> AppResult<Vec<Group>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut roles = roles::group_roles_of(db, &ids).await?;
    let mut members: HashMap<String, Vec<GroupMember>> = HashMap::new();
    let mut counts: HashMap<String, i64> = HashMap::new();
    if !ids.is_empty() {
        let mut sql = Sql::new("");
        let list = sql.args(&ids);
        let shown = sql.arg(MEMBERS_SHOWN);
        sql.push(&format!(
            "SELECT group_id, user_id, name, email FROM (\
               SELECT gm.group_id, u.id AS user_id, u.name, u.email, \
                 ROW_NUMBER() OVER (PARTITION BY gm.group_id ORDER BY u.name, u.email) AS n \
               FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.group_id IN ({list})) shown \
             WHERE n <= {shown} ORDER BY group_id, n"
        ));
        for r in sql.query_as::<MemberOf>().fetch_all(db).await? {
            members.entry(r.group_id).or_default().push(r.member);
        }
        let mut sql = Sql::new("");
        let list = sql.args(&ids);
        sql.push(&format!(
            "SELECT group_id, COUNT(*) FROM group_members WHERE group_id IN ({list}) GROUP BY group_id"
        ));
        counts = sql
            .query_as::<(String, i64)>()
            .fetch_all(db)
            .await?
            .into_iter()
            .collect();
    }
    Ok(rows
        .into_iter()
        .map(|r| Group {
            name: r.name,
            builtin: r.builtin == 1,
            members: members.remove(&r.id).unwrap_or_default(),
            member_count: counts.get(&r.id).copied().unwrap_or(0),
            roles: roles.remove(&r.id).unwrap_or_default(),
            id: r.id,
        })
        .collect())
}

/// Everyone in the workspace, for the "add to group" picker.
pub async fn people(db: &Db, access: &Access) -> AppResult<Vec<GroupMember>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see members")?;
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY u.name, u.email",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?)
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

async fn found(db: &Db, access: &Access, group_id: &str) -> AppResult<Found> {
    let (name, builtin): (String, i64) =
        sqlx::query_as("SELECT name, builtin FROM groups WHERE id = $1 AND workspace_id = $2")
            .bind(group_id)
            .bind(&access.workspace_id)
            .fetch_optional(db)
            .await?
            .ok_or_else(|| AppError::NotFound("There is no such group in this workspace".into()))?;
    Ok(Found {
        name,
        builtin: builtin == 1,
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
    db::or_clash(inserted, || name_taken(&name))?;
    audit::commit(tx, access, "group.create", name.as_str()).await?;
    Ok(Group {
        id,
        name: name.as_str().to_string(),
        builtin: false,
        members: Vec::new(),
        member_count: 0,
        roles: Vec::new(),
    })
}

pub async fn rename(db: &Db, access: &Access, group_id: &str, name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = found(db, access, group_id).await?;
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
    db::or_clash(updated, || name_taken(&name))?;
    audit::commit_change(
        tx,
        access,
        "group.rename",
        name.as_str(),
        audit::Change::new(&found.name, name.as_str()),
    )
    .await?;
    Ok(name.as_str().to_string())
}

pub async fn delete(db: &Db, access: &Access, group_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = found(db, access, group_id).await?;
    if found.builtin {
        return Err(builtin_refusal("deleted"));
    }
    let mut tx = db.begin().await?;
    roles::forget_group(&mut tx, group_id).await?;
    for sql in [
        "DELETE FROM group_members WHERE group_id = $1",
        "DELETE FROM groups WHERE id = $1",
    ] {
        sqlx::query(sql).bind(group_id).execute(&mut *tx).await?;
    }
    audit::commit(tx, access, "group.delete", &found.name).await?;
    Ok(found.name)
}

/// Adds member `user_id` to a group. Returns (member's name, group's name).
pub async fn add_member(db: &Db, access: &Access, group_id: &str, user_id: &str) -> AppResult<(String, String)> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = found(db, access, group_id).await?;
    if found.builtin {
        return Err(AppError::Conflict(
            "Everyone in the workspace is in the group everyone already".into(),
        ));
    }
    if let Some(missing) = roles::grants_of_group(db, group_id)
        .await?
        .into_iter()
        .find(|g| !access.grants.allows(*g))
    {
        return Err(AppError::Forbidden(format!(
            "You can't add people to {}: it grants {missing}, which you don't hold yourself",
            found.name
        )));
    }
    let (person, email): (String, String) = sqlx::query_as(
        "SELECT u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(&access.workspace_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That person is not a member of this workspace".into()))?;
    let mut tx = db.begin().await?;
    let inserted = sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)")
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await;
    db::or_clash(inserted, || {
        AppError::Conflict(format!("{person} is already in {}", found.name))
    })?;
    tx.announce(&access.workspace_id, "member.groups", user_id).await?;
    audit::commit_change(
        tx,
        access,
        "group.member.add",
        &email,
        audit::Change {
            before: None,
            after: Some(&found.name),
        },
    )
    .await?;
    Ok((person, found.name))
}

pub async fn remove_member(db: &Db, access: &Access, group_id: &str, user_id: &str) -> AppResult<(String, String)> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = found(db, access, group_id).await?;
    if found.builtin {
        return Err(AppError::Conflict(
            "Everyone in the workspace stays in the group everyone; remove them from the workspace instead".into(),
        ));
    }
    let mut tx = db.begin().await?;
    let (person, email): (String, String) = sqlx::query_as(
        "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2 \
         RETURNING (SELECT name FROM users WHERE id = $2) AS name, (SELECT email FROM users WHERE id = $2) AS email",
    )
    .bind(group_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("That person is not in {}", found.name)))?;
    tx.announce(&access.workspace_id, "member.groups", user_id).await?;
    audit::commit_change(
        tx,
        access,
        "group.member.remove",
        &email,
        audit::Change {
            before: Some(&found.name),
            after: None,
        },
    )
    .await?;
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
    let found = found(db, access, group_id).await?;
    check_everyone(access, &found)?;
    let names = roles::clean_names(&[role_name.to_string()]);
    if names.is_empty() {
        return Err(AppError::field("role_name", "Choose a role"));
    }
    roles::check_assignable(db, access, &names, &names, Target::Group, "role_name").await?;
    let mut tx = db.begin().await?;
    if !roles::give_group(&mut tx, &access.workspace_id, group_id, &names[0]).await? {
        return Err(AppError::Conflict(format!("{} already holds {}", found.name, names[0])));
    }
    audit::commit_change(
        tx,
        access,
        "group.role.grant",
        &found.name,
        audit::Change {
            before: None,
            after: Some(&names[0]),
        },
    )
    .await?;
    Ok(found.name)
}

pub async fn revoke_role(db: &Db, access: &Access, group_id: &str, role_name: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let found = found(db, access, group_id).await?;
    check_everyone(access, &found)?;
    let mut tx = db.begin().await?;
    if !roles::take_group(&mut tx, group_id, role_name.trim()).await? {
        return Err(AppError::NotFound(format!(
            "{} doesn't hold {}",
            found.name,
            role_name.trim()
        )));
    }
    audit::commit_change(
        tx,
        access,
        "group.role.revoke",
        &found.name,
        audit::Change {
            before: Some(role_name.trim()),
            after: None,
        },
    )
    .await?;
    Ok(found.name)
}

/// Puts `user_id` in each of `group_ids` (those they are in already stay
/// as they are), inside the caller's transaction: an accepted invitation's
/// groups.
pub async fn join_all(tx: &mut Tx<'_>, user_id: &str, group_ids: &[String]) -> AppResult<()> {
    for group_id in group_ids {
        sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(group_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A group as an invitation may name it.
pub struct Joinable {
    pub id: String,
    pub name: String,
    /// `everyone`: every member is in it already.
    pub builtin: bool,
    /// Why the caller may not put people in it, if they may not.
    pub refused: Option<String>,
}

/// The workspace's groups named in `names` (any case), by their name's key
/// (lower case), each with whether the caller may put people in it.
pub async fn joinable(
    db: &Db,
    access: &Access,
    names: &[String],
) -> AppResult<std::collections::HashMap<String, Joinable>> {
    access.authorize(Permission::Write, Resource::UserManagement, "manage groups")?;
    let wanted: std::collections::BTreeSet<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let rows: Vec<(String, String, String, i64)> =
        sqlx::query_as("SELECT id, name, name_key, builtin FROM groups WHERE workspace_id = $1")
            .bind(&access.workspace_id)
            .fetch_all(db)
            .await?;
    let mut out = std::collections::HashMap::new();
    for (id, name, key, builtin) in rows.into_iter().filter(|r| wanted.contains(&r.2)) {
        let refused = roles::grants_of_group(db, &id)
            .await?
            .into_iter()
            .find(|g| !access.grants.allows(*g))
            .map(|missing| {
                format!("You can't add people to {name}: it grants {missing}, which you don't hold yourself")
            });
        out.insert(
            key,
            Joinable {
                id,
                name,
                builtin: builtin == 1,
                refused,
            },
        );
    }
    Ok(out)
}
