//! Membership rules: the caller's standing in a workspace, joining, leaving,
//! removing, and ownership, where the last owner stays.
//!
//! Owns the `memberships` table.

use super::{Member, MemberFilter};
use crate::access::{Access, Permission, Resource, Target};
use crate::audit::{self, record};
use crate::domain::{Listing, Timestamp, User, Window};
use crate::error::{AppError, AppResult};
use crate::groups::service as groups;
use crate::platform::db::{self, Arg, Db, Order, Sql, Tx};
use crate::platform::time::now_ms;
use crate::roles::service as roles;
use crate::workspaces::WorkspaceSummary;
use crate::workspaces::service as workspaces;

/// A workspace the caller is not in is "not found", so ids of other
/// workspaces reveal nothing.
pub fn workspace_not_found() -> AppError {
    AppError::NotFound("This workspace does not exist, or you are not a member of it".into())
}

fn not_a_member() -> AppError {
    AppError::NotFound("That person is not a member of this workspace".into())
}

/// A member's row, with their name and email.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    name: String,
    email: String,
    is_owner: i64,
    joined_at: i64,
    sort_name: String,
}

impl db::Keyed for MemberRow {
    fn key(&self) -> [String; 2] {
        [self.sort_name.clone(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Some([parts[0].clone().into(), parts[1].clone().into()])
    }
}

const MEMBER: &str = "SELECT u.id, u.name, u.email, m.is_owner, m.joined_at, m.sort_name \
     FROM memberships m JOIN users u ON u.id = m.user_id";

/// The most members one page holds.
pub const MAX_PAGE: usize = 200;

/// Member `user_id`'s row, through `db` or inside a transaction.
async fn member_row<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    workspace_id: &str,
    user_id: &str,
) -> AppResult<MemberRow> {
    sqlx::query_as(&format!("{MEMBER} WHERE m.workspace_id = $1 AND m.user_id = $2"))
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(not_a_member)
}

/// The caller's standing in `workspace_id`: where every workspace action starts.
pub async fn access(db: &Db, user: &User, workspace_id: &str) -> AppResult<Access> {
    let (workspace_name, is_owner): (String, i64) = sqlx::query_as(
        "SELECT w.name, m.is_owner FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(workspace_id)
    .bind(&user.id)
    .fetch_optional(db)
    .await?
    .ok_or_else(workspace_not_found)?;
    let is_owner = is_owner == 1;
    Ok(Access {
        workspace_id: workspace_id.to_string(),
        workspace_name,
        user: user.clone(),
        is_owner,
        grants: roles::grants_for(db, workspace_id, &user.id, is_owner).await?,
    })
}

/// The caller's standing in the workspace `key` names: its id, or its name
/// (any case). Either way, one the caller is not in is "not found".
pub async fn resolve(db: &Db, user: &User, key: &str) -> AppResult<Access> {
    if uuid::Uuid::parse_str(key).is_ok() {
        return access(db, user, key).await;
    }
    let id: String = sqlx::query_scalar(
        "SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE w.name_key = $1 AND m.user_id = $2",
    )
    .bind(key.trim().to_lowercase())
    .bind(&user.id)
    .fetch_optional(db)
    .await?
    .ok_or_else(workspace_not_found)?;
    access(db, user, &id).await
}

/// The workspaces `user_id` belongs to, by name.
pub async fn workspaces_of(db: &Db, user_id: &str) -> AppResult<Vec<WorkspaceSummary>> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT w.id, w.name, m.is_owner FROM workspaces w JOIN memberships m ON m.workspace_id = w.id \
         WHERE m.user_id = $1 ORDER BY w.name_key",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, is_owner)| WorkspaceSummary {
            id,
            name,
            is_owner: is_owner == 1,
        })
        .collect())
}

/// A workspace of the caller's, with its list key.
#[derive(sqlx::FromRow)]
struct Joined {
    id: String,
    name: String,
    name_key: String,
    is_owner: i64,
}

impl db::Keyed for Joined {
    fn key(&self) -> [String; 2] {
        [self.name_key.clone(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Some([parts[0].clone().into(), parts[1].clone().into()])
    }
}

/// One page of the workspaces `user_id` belongs to, by name.
pub async fn workspaces_page(db: &Db, user_id: &str, window: &Window) -> AppResult<Listing<WorkspaceSummary>> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?;
    let mut sql = Sql::new(
        "SELECT w.id, w.name, w.name_key, m.is_owner FROM workspaces w JOIN memberships m ON m.workspace_id = w.id",
    );
    let user = sql.arg(user_id);
    sql.push(&format!(" WHERE m.user_id = {user}"));
    let found = db::keyset::<Joined>(
        db,
        sql,
        Order {
            columns: ["w.name_key", "w.id"],
            descending: false,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    Ok(Listing {
        items: found
            .items
            .into_iter()
            .map(|j| WorkspaceSummary {
                id: j.id,
                name: j.name,
                is_owner: j.is_owner == 1,
            })
            .collect(),
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// Where a signed-in person starts: their first workspace's boards, or the page
/// that creates one.
pub async fn home_path(db: &Db, user_id: &str) -> AppResult<String> {
    Ok(match workspaces_of(db, user_id).await?.first() {
        Some(w) => format!("/w/{}/boards", w.id),
        None => "/workspaces/new".to_string(),
    })
}

/// Founds a workspace named `name`, owned by `owner`, with its default role
/// and its group `everyone`, inside `tx`.
pub async fn found(tx: &mut Tx<'_>, owner: &User, name: &crate::domain::Title) -> AppResult<WorkspaceSummary> {
    let id = workspaces::insert(tx, owner, name).await?;
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) \
         VALUES ($1, $2, 1, NULL, $3, lower($4))",
    )
    .bind(&id)
    .bind(&owner.id)
    .bind(now_ms())
    .bind(&owner.name)
    .execute(&mut **tx)
    .await?;
    roles::create_defaults(tx, &id).await?;
    groups::create_everyone(tx, &id).await?;
    record(tx, &id, Some(owner), "workspace.create", name.as_str()).await?;
    Ok(WorkspaceSummary {
        id,
        name: name.as_str().to_string(),
        is_owner: true,
    })
}

/// Makes `user` a member through an invitation from `invited_by`, inside `tx`.
/// Someone who is a member already stays as they are.
pub async fn join(tx: &mut Tx<'_>, workspace_id: &str, user: &User, invited_by: &str) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at, sort_name) \
         VALUES ($1, $2, 0, $3, $4, lower($5)) ON CONFLICT (workspace_id, user_id) DO NOTHING",
    )
    .bind(workspace_id)
    .bind(&user.id)
    .bind(invited_by)
    .bind(now_ms())
    .bind(&user.name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether someone with `email` belongs to the workspace, inside `tx`.
pub async fn has_member_with_email(tx: &mut Tx<'_>, workspace_id: &str, email: &str) -> AppResult<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
    )
    .bind(workspace_id)
    .bind(email)
    .fetch_optional(&mut **tx)
    .await?
    .is_some())
}

/// Which of `emails` (as stored: lower case) are members' addresses.
pub async fn members_among(db: &Db, workspace_id: &str, emails: &[String]) -> AppResult<Vec<String>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id");
    let ws = sql.arg(workspace_id);
    let list = sql.args(emails);
    sql.push(&format!(" WHERE m.workspace_id = {ws} AND u.email IN ({list})"));
    Ok(sql.query_scalar().fetch_all(db).await?)
}

/// Whether `user_id` belongs to the workspace.
pub async fn is_member(db: &Db, workspace_id: &str, user_id: &str) -> AppResult<bool> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(db)
            .await?
            .is_some(),
    )
}

/// How many belong to the workspace, and its owners' names.
pub async fn summary(db: &Db, workspace_id: &str) -> AppResult<(i64, Vec<String>)> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1")
        .bind(workspace_id)
        .fetch_one(db)
        .await?;
    let owners = sqlx::query_scalar(
        "SELECT u.name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.is_owner = 1 ORDER BY u.name",
    )
    .bind(workspace_id)
    .fetch_all(db)
    .await?;
    Ok((count, owners))
}

/// Members from their rows, each with their roles and groups (one query each
/// for the whole list).
async fn members(db: &Db, workspace_id: &str, rows: Vec<MemberRow>) -> AppResult<Vec<Member>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut roles = roles::member_roles_of(db, workspace_id, &ids).await?;
    let mut groups = groups::groups_of(db, workspace_id, &ids).await?;
    let policy = workspaces::policy(db, workspace_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| Member {
            outside_domains: !policy.allows(&r.email),
            roles: roles.remove(&r.id).unwrap_or_default(),
            groups: groups.remove(&r.id).unwrap_or_default(),
            name: r.name,
            email: r.email,
            is_owner: r.is_owner == 1,
            joined_at: Timestamp(r.joined_at),
            user_id: r.id,
        })
        .collect())
}

/// The conditions of `filter` on members of `workspace_id` (`m` and `u`).
fn filtered(sql: &mut Sql, workspace_id: &str, filter: &MemberFilter) {
    let ws = sql.arg(workspace_id);
    sql.push(&format!(" WHERE m.workspace_id = {ws}"));
    if filter.owners {
        sql.push(" AND m.is_owner = 1");
    }
    if let Some(role) = filter.role.as_deref().filter(|r| !r.is_empty()) {
        let role = sql.arg(role);
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM member_roles mr WHERE mr.workspace_id = m.workspace_id \
               AND mr.user_id = m.user_id AND mr.role_name = {role})"
        ));
    }
    // Lowered by the database, as `sort_name` was, so that both agree.
    let query = filter.query.trim();
    if !query.is_empty() {
        let q = sql.arg(db::contains_pattern(query));
        sql.push(&format!(
            " AND (m.sort_name LIKE lower({q}) ESCAPE '\\' OR u.email LIKE lower({q}) ESCAPE '\\')"
        ));
    }
}

/// One page of the workspace's members, by name, with those `filter` keeps,
/// and how many it keeps in all. A page costs the same however many there are:
/// it is read from an index, never the whole list.
pub async fn page(db: &Db, access: &Access, filter: &MemberFilter, window: &Window) -> AppResult<Listing<Member>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see members")?;
    let query = !filter.query.trim().is_empty();
    let role = filter.role.as_deref().is_some_and(|r| !r.is_empty());
    let total = if !query && !role {
        // Everyone, or the owners: kept counts, one row however many there are.
        let counts = workspaces::counts(db, &access.workspace_id).await?;
        if filter.owners { counts.owners } else { counts.members }
    } else {
        // A search or a role counts what it keeps (users joined only for email).
        let from = if query {
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id"
        } else {
            "SELECT COUNT(*) FROM memberships m"
        };
        let mut count = Sql::new(from);
        filtered(&mut count, &access.workspace_id, filter);
        count.query_scalar().fetch_one(db).await?
    };
    let mut sql = Sql::new(MEMBER);
    filtered(&mut sql, &access.workspace_id, filter);
    let found = db::keyset::<MemberRow>(
        db,
        sql,
        Order {
            columns: ["m.sort_name", "m.user_id"],
            descending: false,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    Ok(Listing {
        items: members(db, &access.workspace_id, found.items).await?,
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// The member `key` names: their user id, or their email (any case).
pub async fn find(db: &Db, access: &Access, key: &str) -> AppResult<Member> {
    access.authorize(Permission::Read, Resource::UserManagement, "see members")?;
    let rows = sqlx::query_as(&format!(
        "{MEMBER} WHERE m.workspace_id = $1 AND (u.id = $2 OR u.email = $3)"
    ))
    .bind(&access.workspace_id)
    .bind(key)
    .bind(key.trim().to_lowercase())
    .fetch_all(db)
    .await?;
    members(db, &access.workspace_id, rows)
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("{key} is not a member of this workspace")))
}

/// How many owners the workspace has.
pub async fn owner_count(db: &Db, workspace_id: &str) -> AppResult<usize> {
    Ok(workspaces::counts(db, workspace_id).await?.owners.max(0) as usize)
}

/// Replaces the roles held directly by member `user_id`. Returns their name.
pub async fn set_roles(db: &Db, access: &Access, user_id: &str, roles: &[String]) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "change roles")?;
    let member = member_row(db, &access.workspace_id, user_id).await?;
    let roles = roles::clean_names(roles);
    let held = roles::member_roles_of(db, &access.workspace_id, &[user_id.to_string()])
        .await?
        .remove(user_id)
        .unwrap_or_default();
    let added: Vec<String> = roles.iter().filter(|r| !held.contains(r)).cloned().collect();
    roles::check_assignable(db, access, &roles, &added, Target::User, "roles").await?;
    let mut tx = db.begin().await?;
    roles::replace_member_roles(&mut tx, &access.workspace_id, user_id, &roles).await?;
    tx.announce(&access.workspace_id, "member.roles", user_id).await?;
    audit::commit_change(
        tx,
        access,
        "member.roles",
        &member.email,
        audit::Change::new(&audit::listed(&held), &audit::listed(&roles)),
    )
    .await?;
    Ok(member.name)
}

/// Removes a member. Only owners remove an owner, and the last owner cannot be
/// removed. Returns the member's name.
pub async fn remove(db: &Db, access: &Access, user_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "remove members")?;
    let mut tx = db.begin().await?;
    let owners = lock_owners(&mut tx, &access.workspace_id).await?;
    // The caller's own ownership as it is now, not as it was when the request began.
    let caller_is_owner = owners.contains(&access.user.id);
    let MemberRow {
        name, email, is_owner, ..
    } = member_row(&mut *tx, &access.workspace_id, user_id).await?;
    if is_owner == 1 {
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
    depart(&mut tx, &access.workspace_id, user_id).await?;
    tx.announce(&access.workspace_id, "member.removed", user_id).await?;
    audit::commit(tx, access, "member.remove", &email).await?;
    Ok(name)
}

/// Takes a member out, with the roles and groups they held there.
async fn depart(tx: &mut Tx<'_>, workspace_id: &str, user_id: &str) -> AppResult<()> {
    roles::forget_member(tx, workspace_id, user_id).await?;
    groups::forget_member(tx, workspace_id, user_id).await?;
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Serialises every change to who owns `workspace_id`, then returns its
/// owners' user ids as they are now.
///
/// "A workspace keeps at least one owner" reads the owners and then writes.
/// Two such changes at once (two owners removing each other, both leaving)
/// would each read two owners under PostgreSQL's READ COMMITTED and together
/// leave none. So each first locks the workspace's row: PostgreSQL makes the
/// second wait for the first to commit, and SQLite takes its single write
/// lock. In READ COMMITTED every later statement sees what the first
/// committed, so the owners read here are the owners there are.
async fn lock_owners(tx: &mut Tx<'_>, workspace_id: &str) -> AppResult<Vec<String>> {
    if !workspaces::lock(tx, workspace_id).await? {
        return Err(workspace_not_found());
    }
    Ok(
        sqlx::query_scalar("SELECT user_id FROM memberships WHERE workspace_id = $1 AND is_owner = 1")
            .bind(workspace_id)
            .fetch_all(&mut **tx)
            .await?,
    )
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
    let MemberRow { name, email, .. } = member_row(&mut *tx, &access.workspace_id, user_id).await?;
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
    let action = if owner { "owner.grant" } else { "owner.revoke" };
    tx.announce(&access.workspace_id, "member.owner", user_id).await?;
    let (before, after) = if owner {
        ("member", "owner")
    } else {
        ("owner", "member")
    };
    audit::commit_change(tx, access, action, &email, audit::Change::new(before, after)).await?;
    Ok(name)
}

/// A person's name changed: the lists that sort members by name follow, inside `tx`.
pub async fn renamed(tx: &mut Tx<'_>, user_id: &str, name: &str) -> AppResult<()> {
    sqlx::query("UPDATE memberships SET sort_name = lower($1) WHERE user_id = $2")
        .bind(name)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The workspaces of which `user_id` is the only owner while others are
/// members: their names (an account is not deleted while it holds any).
pub async fn solely_owned_with_others(db: &Db, user_id: &str) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT w.name FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         JOIN workspace_counts c ON c.workspace_id = m.workspace_id \
         WHERE m.user_id = $1 AND m.is_owner = 1 AND c.owners = 1 AND c.members > 1 ORDER BY w.name_key",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?)
}

/// Takes `user` out of every workspace, inside `tx`, as their account is
/// deleted: a workspace they are the only member of goes with them. Each
/// workspace's row is locked first (in one order, so that two such changes
/// cannot wait on each other), so that no one becomes a member of, or an
/// owner of, a workspace this is deciding about. Refused, naming them, while
/// they are the only owner of workspaces that have other members.
pub async fn leave_everywhere(tx: &mut Tx<'_>, user: &User) -> AppResult<()> {
    let spaces: Vec<String> =
        sqlx::query_scalar("SELECT workspace_id FROM memberships WHERE user_id = $1 ORDER BY workspace_id")
            .bind(&user.id)
            .fetch_all(&mut **tx)
            .await?;
    for ws in &spaces {
        workspaces::lock(tx, ws).await?;
    }
    #[derive(sqlx::FromRow)]
    struct Standing {
        workspace_id: String,
        name: String,
        is_owner: i64,
        owners: i64,
        members: i64,
    }
    let standing: Vec<Standing> = sqlx::query_as(
        "SELECT m.workspace_id, w.name, m.is_owner, c.owners, c.members FROM memberships m \
         JOIN workspaces w ON w.id = m.workspace_id JOIN workspace_counts c ON c.workspace_id = m.workspace_id \
         WHERE m.user_id = $1 ORDER BY w.name_key",
    )
    .bind(&user.id)
    .fetch_all(&mut **tx)
    .await?;
    let blocking: Vec<&str> = standing
        .iter()
        .filter(|s| s.is_owner == 1 && s.owners == 1 && s.members > 1)
        .map(|s| s.name.as_str())
        .collect();
    if !blocking.is_empty() {
        return Err(AppError::Conflict(only_owner_of(&blocking)));
    }
    for s in &standing {
        if s.members == 1 {
            workspaces::delete(tx, &s.workspace_id).await?;
        } else {
            depart(tx, &s.workspace_id, &user.id).await?;
            tx.announce(&s.workspace_id, "member.left", &user.id).await?;
            audit::record(tx, &s.workspace_id, Some(user), "member.leave", &user.email).await?;
        }
    }
    Ok(())
}

/// Why an account cannot be deleted yet.
pub fn only_owner_of(names: &[&str]) -> String {
    let list = match names {
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let (them, have) = if names.len() == 1 {
        ("it", "has")
    } else {
        ("each", "have")
    };
    format!(
        "You are the only owner of {list}, which {have} other members. Make someone else an owner of {them}, or remove its members, before you delete your account"
    )
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
    depart(&mut tx, &access.workspace_id, &access.user.id).await?;
    tx.announce(&access.workspace_id, "member.left", &access.user.id)
        .await?;
    audit::commit(tx, access, "member.leave", &access.user.email).await?;
    Ok(())
}
