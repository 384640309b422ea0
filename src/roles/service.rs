//! Roles and who holds them: the `roles` table (one row a grant), and the
//! tables that hand roles out, `member_roles`, `group_roles` and
//! `invitation_roles`. Answers the question every action asks: what does this
//! member hold here?

use super::RoleRow;
use crate::access::{Access, Grant, Grants, Permission, Resource, Target};
use crate::domain::{Listing, Window};
use crate::error::{AppError, AppResult, FieldError};
use crate::platform::db::{self, Db, Order, Sql, Tx};
use crate::platform::time::now_ms;
use std::collections::HashMap;

/// The role every new workspace has, held by its group `everyone`: READ on
/// all four resources, so that a person invited with no role sees the boards.
pub const DEFAULT_ROLE: &str = "business_read";

/// Creates the role `business_read` for a new workspace, inside `tx`.
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
    Ok(())
}

/// A member's effective grants: their own USER-target roles and the
/// GROUP-target roles of their groups (`everyone` always among them).
pub async fn grants_for(db: &Db, workspace_id: &str, user_id: &str, is_owner: bool) -> AppResult<Grants> {
    if is_owner {
        return Ok(Grants::owner());
    }
    let rows: Vec<Stored> = sqlx::query_as(
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
    Ok(Grants::from_grants(
        rows.iter().map(Stored::grant).collect::<AppResult<Vec<_>>>()?,
    ))
}

fn internal(message: String) -> AppError {
    AppError::internal(format!("unreadable role row: {message}"))
}

/// A row of `roles` as stored (`WRITE`, `DATA`, `USER`), parsed on the way out.
#[derive(sqlx::FromRow)]
struct Stored {
    #[sqlx(default)]
    id: String,
    #[sqlx(default)]
    name: String,
    permission: String,
    resource: String,
    #[sqlx(default)]
    target: String,
}

impl Stored {
    fn grant(&self) -> AppResult<Grant> {
        Ok(Grant::new(
            Permission::parse(&self.permission).map_err(internal)?,
            Resource::parse(&self.resource).map_err(internal)?,
        ))
    }

    fn target(&self) -> AppResult<Target> {
        Target::parse(&self.target).map_err(internal)
    }

    fn row(self) -> AppResult<RoleRow> {
        let (grant, target) = (self.grant()?, self.target()?);
        Ok(RoleRow {
            id: self.id,
            name: self.name,
            permission: grant.permission,
            resource: grant.resource,
            target,
        })
    }
}

/// A role name, as `create_role`'s `role_name` takes it.
/// What is sent is checked before it is trimmed, as the API document states
/// it: a tab or a newline around the name is refused, not cut off.
pub fn parse_name(raw: &str) -> Result<String, String> {
    if !raw
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
    {
        return Err("A role name may hold letters, digits, spaces, dots, dashes and underscores".into());
    }
    let name = raw.trim();
    if name.is_empty() {
        return Err("Enter a role name".into());
    }
    if raw.chars().count() > 64 {
        return Err("A role name must be 64 characters or fewer".into());
    }
    Ok(name.to_string())
}

/// Adds one grant to role `name` (creating the role), after checking that the
/// caller manages people and holds the grant they are handing out.
pub async fn create_role(
    db: &Db,
    access: &Access,
    name: &str,
    permission: &str,
    resource: &str,
    target: &str,
) -> AppResult<RoleRow> {
    access.authorize(Permission::Write, Resource::UserManagement, "create roles")?;
    let parsed = (
        parse_name(name),
        Permission::parse(permission),
        Resource::parse(resource),
        Target::parse(target),
    );
    let (name, permission, resource, target) = match parsed {
        (Ok(n), Ok(p), Ok(r), Ok(t)) => (n, p, r, t),
        (n, p, r, t) => {
            return Err(AppError::fields([
                ("role_name", n.err()),
                ("permission", p.err()),
                ("resource", r.err()),
                ("target", t.err()),
            ]));
        }
    };
    let grant = Grant::new(permission, resource);
    if !access.grants.allows(grant) {
        return Err(AppError::Forbidden(format!(
            "You can't create a role with {grant}: you don't hold it yourself"
        )));
    }
    let row = RoleRow {
        id: db::new_id(),
        name,
        permission,
        resource,
        target,
    };
    let inserted = sqlx::query(
        "INSERT INTO roles (id, workspace_id, name, permission, resource, target, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&access.workspace_id)
    .bind(&row.name)
    .bind(permission.as_str())
    .bind(resource.as_str())
    .bind(target.as_str())
    .bind(now_ms())
    .execute(db)
    .await;
    db::or_clash(inserted, || {
        AppError::Conflict(format!("The role {} already has {grant} for {target}", row.name))
    })?;
    Ok(row)
}

/// Every role row of the workspace, by name.
pub async fn list_roles(db: &Db, access: &Access) -> AppResult<Vec<RoleRow>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see roles")?;
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT id, name, permission, resource, target FROM roles WHERE workspace_id = $1 ORDER BY name, target, resource, permission",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Stored::row).collect()
}

/// A role's name, as a list of roles reads it.
#[derive(sqlx::FromRow)]
struct Named {
    name: String,
}

impl db::Keyed for Named {
    fn key(&self) -> [String; 2] {
        [self.name.clone(), self.name.clone()]
    }

    fn args(parts: &[String]) -> Option<[db::Arg; 2]> {
        Some([parts[0].clone().into(), parts[1].clone().into()])
    }
}

/// The most roles one page holds.
pub const MAX_PAGE: usize = 200;

/// One page of the workspace's roles by name: each role's rows (one a grant).
pub async fn page(db: &Db, access: &Access, window: &Window) -> AppResult<Listing<Vec<RoleRow>>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see roles")?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT name) FROM roles WHERE workspace_id = $1")
        .bind(&access.workspace_id)
        .fetch_one(db)
        .await?;
    let mut sql = Sql::new("SELECT DISTINCT name FROM roles");
    let ws = sql.arg(access.workspace_id.as_str());
    sql.push(&format!(" WHERE workspace_id = {ws}"));
    let found = db::keyset::<Named>(
        db,
        sql,
        Order {
            columns: ["name", "name"],
            descending: false,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    let names: Vec<String> = found.items.into_iter().map(|n| n.name).collect();
    let mut rows = Sql::new("SELECT id, name, permission, resource, target FROM roles");
    let ws = rows.arg(access.workspace_id.as_str());
    let list = match rows.args(&names) {
        none if none.is_empty() => "NULL".to_string(),
        list => list,
    };
    rows.push(&format!(
        " WHERE workspace_id = {ws} AND name IN ({list}) ORDER BY name, target, resource, permission"
    ));
    let mut by_name: Vec<Vec<RoleRow>> = Vec::with_capacity(names.len());
    for row in rows.query_as::<Stored>().fetch_all(db).await? {
        let row = row.row()?;
        match by_name.last_mut() {
            Some(last) if last[0].name == row.name => last.push(row),
            _ => by_name.push(vec![row]),
        }
    }
    Ok(Listing {
        items: by_name,
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// The rows of the role `key` names: a role name, or the id of one of its
/// grants. Empty when there is no such role.
pub async fn find_role(db: &Db, access: &Access, key: &str) -> AppResult<Vec<RoleRow>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see roles")?;
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT id, name, permission, resource, target FROM roles WHERE workspace_id = $1 \
           AND name = COALESCE((SELECT name FROM roles WHERE workspace_id = $1 AND id = $2), $2) \
         ORDER BY target, resource, permission",
    )
    .bind(&access.workspace_id)
    .bind(key)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Stored::row).collect()
}

/// Deletes role `name` (all its rows). A role still held by someone is not
/// deleted: the refusal says where it is used, so it can be taken away first.
///
/// The role's rows are deleted first and whether anyone holds it is read
/// after, in the same transaction: on PostgreSQL a giving that locked the
/// role (`hold_roles`) has committed by then and is seen, and one that comes
/// later waits for this and finds the role gone. On SQLite the transaction
/// holds the write lock throughout.
pub async fn delete_role(db: &Db, access: &Access, name: &str) -> AppResult<()> {
    access.authorize(Permission::Write, Resource::UserManagement, "delete roles")?;
    let mut tx = db.begin().await?;
    let deleted = sqlx::query("DELETE FROM roles WHERE workspace_id = $1 AND name = $2")
        .bind(&access.workspace_id)
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound(format!("There is no role named {name}")));
    }
    let members: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM member_roles WHERE workspace_id = $1 AND role_name = $2")
            .bind(&access.workspace_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM group_roles gr JOIN groups g ON g.id = gr.group_id WHERE g.workspace_id = $1 AND gr.role_name = $2 ORDER BY g.name",
    )
    .bind(&access.workspace_id)
    .bind(name)
    .fetch_all(&mut *tx)
    .await?;
    let invitations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitation_roles ir JOIN invitations i ON i.id = ir.invitation_id \
         WHERE i.workspace_id = $1 AND ir.role_name = $2 AND i.status = 'pending'",
    )
    .bind(&access.workspace_id)
    .bind(name)
    .fetch_one(&mut *tx)
    .await?;
    let mut places = Vec::new();
    if members > 0 {
        places.push(format!("{members} member{}", if members == 1 { "" } else { "s" }));
    }
    for g in &groups {
        places.push(format!("the group {g}"));
    }
    if invitations > 0 {
        places.push(format!(
            "{invitations} pending invitation{}",
            if invitations == 1 { "" } else { "s" }
        ));
    }
    if !places.is_empty() {
        tx.rollback().await?;
        return Err(AppError::Conflict(format!(
            "The role {name} is held by {}. Take it away there first",
            places.join(", ")
        )));
    }
    tx.commit().await?;
    Ok(())
}

/// Locks roles `names` of the workspace until `tx` ends, and fails when one
/// of them is gone: a role deleted after the caller checked it is not given.
/// On PostgreSQL the lock (`FOR SHARE`) makes a deletion wait for this
/// transaction, or this one wait for the deletion; on SQLite the transaction
/// holds the write lock already.
async fn hold_roles(tx: &mut Tx<'_>, workspace_id: &str, names: &[String]) -> AppResult<()> {
    if names.is_empty() {
        return Ok(());
    }
    let lock = if tx.backend_name() == "PostgreSQL" {
        " FOR SHARE"
    } else {
        ""
    };
    let mut sql = Sql::new("SELECT name FROM roles");
    let ws = sql.arg(workspace_id);
    let list = sql.args(names);
    sql.push(&format!(" WHERE workspace_id = {ws} AND name IN ({list}){lock}"));
    let found: Vec<String> = sql.query_scalar().fetch_all(&mut **tx).await?;
    match names.iter().find(|n| !found.contains(n)) {
        Some(gone) => Err(AppError::Conflict(format!(
            "The role {gone} was deleted a moment ago; choose again"
        ))),
        None => Ok(()),
    }
}

/// Role names as a form or a script sent them: trimmed, blanks dropped, each once.
pub fn clean_names(raw: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in raw.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The grants role `name` carries when given to `target`.
async fn grants_of(db: &Db, workspace_id: &str, name: &str) -> AppResult<Vec<(Grant, Target)>> {
    let rows: Vec<Stored> =
        sqlx::query_as("SELECT permission, resource, target FROM roles WHERE workspace_id = $1 AND name = $2")
            .bind(workspace_id)
            .bind(name)
            .fetch_all(db)
            .await?;
    rows.iter().map(|r| Ok((r.grant()?, r.target()?))).collect()
}

/// Checks that roles `names` exist and may be given to `target` (USER roles go
/// to members, GROUP roles to groups). Those in `added` must also carry only
/// grants the caller holds: nobody hands out more than they have. Messages
/// belong to form field `field`.
pub async fn check_assignable(
    db: &Db,
    access: &Access,
    names: &[String],
    added: &[String],
    target: Target,
    field: &str,
) -> AppResult<()> {
    let mut problems = Vec::new();
    for name in names {
        // A name no role could have is not looked up.
        let grants = match parse_name(name) {
            Ok(_) => grants_of(db, &access.workspace_id, name).await?,
            Err(_) => Vec::new(),
        };
        let message = if grants.is_empty() {
            Some(format!("There is no role named {name}"))
        } else if !grants.iter().any(|(_, t)| *t == target) {
            Some(match target {
                Target::User => format!(
                    "The role {name} is for groups (target GROUP), so it can't be given to a person. Give it to a group instead"
                ),
                Target::Group => format!(
                    "The role {name} is for people (target USER), so it can't be given to a group. Give it to members instead"
                ),
            })
        } else {
            None
        };
        if let Some(message) = message {
            problems.push(FieldError {
                field: field.into(),
                message,
            });
            continue;
        }
        if added.contains(name)
            && let Some((missing, _)) = grants.iter().find(|(g, t)| *t == target && !access.grants.allows(*g))
        {
            return Err(AppError::Forbidden(format!(
                "You can't give the role {name}: it grants {missing}, which you don't hold yourself"
            )));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// The names of the roles that can be given to `target`, for pickers.
pub async fn names_for(db: &Db, workspace_id: &str, target: Target) -> AppResult<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT name FROM roles WHERE workspace_id = $1 AND target = $2 ORDER BY name")
            .bind(workspace_id)
            .bind(target.as_str())
            .fetch_all(db)
            .await?,
    )
}

/// The roles for `target`, by name, each with what it grants (least privileged first).
pub async fn choices_for(db: &Db, workspace_id: &str, target: Target) -> AppResult<Vec<super::RoleChoice>> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT name, permission, resource FROM roles WHERE workspace_id = $1 AND target = $2 ORDER BY name",
    )
    .bind(workspace_id)
    .bind(target.as_str())
    .fetch_all(db)
    .await?;
    let mut roles: Vec<(String, Vec<Grant>)> = Vec::new();
    for row in rows {
        let grant = row.grant()?;
        match roles.last_mut() {
            Some((name, grants)) if *name == row.name => grants.push(grant),
            _ => roles.push((row.name, vec![grant])),
        }
    }
    Ok(roles
        .into_iter()
        .map(|(name, grants)| super::RoleChoice::new(name, &grants))
        .collect())
}

/// Sets what an invitation grants when it is accepted, inside `tx`.
pub async fn replace_invitation_roles(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    invitation_id: &str,
    roles: &[String],
) -> AppResult<()> {
    hold_roles(tx, workspace_id, roles).await?;
    sqlx::query("DELETE FROM invitation_roles WHERE invitation_id = $1")
        .bind(invitation_id)
        .execute(&mut **tx)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO invitation_roles (invitation_id, role_name) VALUES ($1, $2)")
            .bind(invitation_id)
            .bind(role)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Gives a new member the roles their invitation carries, as they are now, inside `tx`.
pub async fn grant_invitation_roles(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    invitation_id: &str,
    user_id: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO member_roles (workspace_id, user_id, role_name) \
         SELECT $1, $2, ir.role_name FROM invitation_roles ir WHERE ir.invitation_id = $3 \
           AND EXISTS (SELECT 1 FROM roles r WHERE r.workspace_id = $1 AND r.name = ir.role_name AND r.target = 'USER') \
         ON CONFLICT DO NOTHING",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(invitation_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the roles member `user_id` holds directly, inside `tx`.
pub async fn replace_member_roles(
    tx: &mut Tx<'_>,
    workspace_id: &str,
    user_id: &str,
    roles: &[String],
) -> AppResult<()> {
    hold_roles(tx, workspace_id, roles).await?;
    forget_member(tx, workspace_id, user_id).await?;
    for role in roles {
        sqlx::query("INSERT INTO member_roles (workspace_id, user_id, role_name) VALUES ($1, $2, $3)")
            .bind(workspace_id)
            .bind(user_id)
            .bind(role)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Drops every role a departing member held directly, inside `tx`.
pub async fn forget_member(tx: &mut Tx<'_>, workspace_id: &str, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM member_roles WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives group `group_id` of the workspace role `name`, inside `tx`; false
/// when it held it already.
pub async fn give_group(tx: &mut Tx<'_>, workspace_id: &str, group_id: &str, name: &str) -> AppResult<bool> {
    hold_roles(tx, workspace_id, std::slice::from_ref(&name.to_string())).await?;
    let inserted = sqlx::query("INSERT INTO group_roles (group_id, role_name) VALUES ($1, $2)")
        .bind(group_id)
        .bind(name)
        .execute(&mut **tx)
        .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Takes role `name` from group `group_id`, inside `tx`; false when it did not hold it.
pub async fn take_group(tx: &mut Tx<'_>, group_id: &str, name: &str) -> AppResult<bool> {
    Ok(
        sqlx::query("DELETE FROM group_roles WHERE group_id = $1 AND role_name = $2")
            .bind(group_id)
            .bind(name)
            .execute(&mut **tx)
            .await?
            .rows_affected()
            > 0,
    )
}

/// Drops every role a group held, before the group goes, inside `tx`.
pub async fn forget_group(tx: &mut Tx<'_>, group_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM group_roles WHERE group_id = $1")
        .bind(group_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The grants group `group_id` hands its members.
pub async fn grants_of_group(db: &Db, group_id: &str) -> AppResult<Vec<Grant>> {
    let rows: Vec<Stored> = sqlx::query_as(
        "SELECT DISTINCT r.permission, r.resource FROM group_roles gr JOIN groups g ON g.id = gr.group_id \
           JOIN roles r ON r.workspace_id = g.workspace_id AND r.name = gr.role_name AND r.target = 'GROUP' \
         WHERE gr.group_id = $1",
    )
    .bind(group_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(Stored::grant).collect()
}

/// `sql` (which selects `owner_id` and `name` with `IN (…)` standing for the
/// ids) run for `ids`: each id's names, in the order the query gives them.
async fn names_of(db: &Db, sql: &str, first: Option<&str>, ids: &[String]) -> AppResult<HashMap<String, Vec<String>>> {
    let mut by: HashMap<String, Vec<String>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by);
    }
    let offset = usize::from(first.is_some());
    let list = (1..=ids.len())
        .map(|i| format!("${}", i + offset))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = sql.replace("IN (…)", &format!("IN ({list})"));
    let mut query = sqlx::query_as::<_, (String, String)>(&sql);
    if let Some(first) = first {
        query = query.bind(first);
    }
    for id in ids {
        query = query.bind(id);
    }
    for (owner, name) in query.fetch_all(db).await? {
        by.entry(owner).or_default().push(name);
    }
    // Sorted here: an ORDER BY would lead SQLite to read the workspace's
    // whole index in name order rather than look up these ids.
    for names in by.values_mut() {
        names.sort();
    }
    Ok(by)
}

/// The roles each of `user_ids` holds directly in the workspace, by name.
pub async fn member_roles_of(
    db: &Db,
    workspace_id: &str,
    user_ids: &[String],
) -> AppResult<HashMap<String, Vec<String>>> {
    names_of(
        db,
        "SELECT user_id AS owner_id, role_name AS name FROM member_roles \
         WHERE workspace_id = $1 AND user_id IN (…)",
        Some(workspace_id),
        user_ids,
    )
    .await
}

/// The roles each of `invitation_ids` will grant, by name.
pub async fn invitation_roles_of(db: &Db, invitation_ids: &[String]) -> AppResult<HashMap<String, Vec<String>>> {
    names_of(
        db,
        "SELECT invitation_id AS owner_id, role_name AS name FROM invitation_roles \
         WHERE invitation_id IN (…)",
        None,
        invitation_ids,
    )
    .await
}

/// The roles each of `group_ids` holds, by name.
pub async fn group_roles_of(db: &Db, group_ids: &[String]) -> AppResult<HashMap<String, Vec<String>>> {
    names_of(
        db,
        "SELECT group_id AS owner_id, role_name AS name FROM group_roles WHERE group_id IN (…)",
        None,
        group_ids,
    )
    .await
}
