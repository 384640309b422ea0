//! Many invitations at once: what would become of each row of a file or a
//! batch (the preview), and sending them; and the files uploaded on the
//! Users page, kept between their preview and their sending.
//!
//! Owns the `invitation_imports` table.

use super::InviteFailure;
use super::bulk::{BulkRow, RowResult, RowStatus};
use super::service::{Invitee, Sent, invite_each};
use crate::access::{Access, Permission, Resource, Target};
use crate::domain::EmailAddress;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::platform::config::Config;
use crate::platform::db::{self, Db, Sql};
use crate::platform::time::now_ms;
use crate::roles::service as roles;
use crate::workspaces::service as workspaces;
use std::collections::{BTreeSet, HashMap};

/// What a row will do, once checked against the workspace as it is now.
enum Checked {
    Goes { invitee: Invitee, resend: bool },
    Refused(RowResult),
}

fn refused(email: &str, status: RowStatus, code: ErrorCode, message: String) -> Checked {
    Checked::Refused(RowResult {
        email: email.to_string(),
        status,
        code: Some(code.as_str().to_string()),
        message: Some(message),
    })
}

/// Checks every row against the workspace as it is now, in a constant
/// number of queries (plus one per distinct set of roles, and one per group
/// named): its address, roles and groups, duplicates, members, pending
/// invitations, the allowed domains and the seats.
async fn check(db: &Db, config: &Config, access: &Access, rows: &[BulkRow]) -> AppResult<Vec<Checked>> {
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let known_roles = roles::names_for(db, &access.workspace_id, Target::User).await?;
    let group_names: Vec<String> = rows.iter().flat_map(|r| r.groups.iter().cloned()).collect();
    let groups = if group_names.is_empty() {
        HashMap::new()
    } else {
        crate::groups::service::joinable(db, access, &group_names).await?
    };
    let addresses: Vec<String> = rows
        .iter()
        .filter_map(|r| EmailAddress::parse(&r.email).ok())
        .map(|e| e.as_str().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let members = existing(
        db,
        &access.workspace_id,
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email IN",
        &addresses,
    )
    .await?;
    let pending = existing(
        db,
        &access.workspace_id,
        "SELECT email FROM invitations WHERE workspace_id = $1 AND status = 'pending' AND email IN",
        &addresses,
    )
    .await?;
    let policy = workspaces::policy(db, &access.workspace_id).await?;
    let mut seats_left = match workspaces::seat_limit(&policy, config.max_seats_per_workspace) {
        Some(limit) => {
            let used = workspaces::seats_used(db, &access.workspace_id, "").await?;
            Some((used, limit))
        }
        None => None,
    };
    let mut assignable: HashMap<Vec<String>, Option<String>> = HashMap::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let email = match EmailAddress::parse(&row.email) {
            Ok(email) => email,
            Err(reason) => {
                let shown = if row.email.is_empty() {
                    "(no address)"
                } else {
                    row.email.as_str()
                };
                out.push(refused(shown, RowStatus::InvalidEmail, ErrorCode::InvalidEmail, reason));
                continue;
            }
        };
        let address = email.as_str().to_string();
        if let Some(line) = first_line.get(&address) {
            out.push(refused(
                &address,
                RowStatus::Duplicate,
                ErrorCode::Conflict,
                format!("{address} is on line {line} too: it is invited once"),
            ));
            continue;
        }
        first_line.insert(address.clone(), row.line);
        // Roles: each known, and each one the caller may give.
        let mut role_names = Vec::new();
        let mut unknown = None;
        for name in roles::clean_names(&row.roles) {
            match known_roles.iter().find(|k| k.eq_ignore_ascii_case(&name)) {
                Some(known) => role_names.push(known.clone()),
                None => unknown = Some(name),
            }
        }
        if let Some(name) = unknown {
            out.push(refused(
                &address,
                RowStatus::UnknownRole,
                ErrorCode::Invalid,
                format!("There is no role named {name} for people here"),
            ));
            continue;
        }
        if !assignable.contains_key(&role_names) {
            let verdict =
                match roles::check_assignable(db, access, &role_names, &role_names, Target::User, "roles").await {
                    Ok(()) => None,
                    Err(e) => Some(e.to_string()),
                };
            assignable.insert(role_names.clone(), verdict);
        }
        if let Some(Some(why)) = assignable.get(&role_names) {
            out.push(refused(
                &address,
                RowStatus::NotAllowed,
                ErrorCode::Forbidden,
                why.clone(),
            ));
            continue;
        }
        // Groups: each known, and each one the caller may put people in.
        let mut group_ids = Vec::new();
        let mut problem = None;
        for name in &row.groups {
            match groups.get(&name.trim().to_lowercase()) {
                None => {
                    problem = Some(refused(
                        &address,
                        RowStatus::UnknownGroup,
                        ErrorCode::Invalid,
                        format!("There is no group named {name} here"),
                    ));
                    break;
                }
                Some(g) if g.refused.is_some() => {
                    problem = Some(refused(
                        &address,
                        RowStatus::NotAllowed,
                        ErrorCode::Forbidden,
                        g.refused.clone().unwrap_or_default(),
                    ));
                    break;
                }
                Some(g) if !g.builtin && !group_ids.contains(&g.id) => group_ids.push(g.id.clone()),
                Some(_) => {}
            }
        }
        if let Some(problem) = problem {
            out.push(problem);
            continue;
        }
        if members.contains(&address) {
            out.push(refused(
                &address,
                RowStatus::AlreadyMember,
                ErrorCode::AlreadyMember,
                InviteFailure::AlreadyMember {
                    workspace: access.workspace_name.clone(),
                }
                .sentence(&address),
            ));
            continue;
        }
        if !policy.allows(&address) {
            out.push(refused(
                &address,
                RowStatus::DomainNotAllowed,
                ErrorCode::DomainNotAllowed,
                InviteFailure::DomainNotAllowed {
                    workspace: access.workspace_name.clone(),
                }
                .sentence(&address),
            ));
            continue;
        }
        let resend = pending.contains(&address);
        // A renewal keeps its seat; each new invitation takes one.
        if !resend && let Some((used, limit)) = &mut seats_left {
            if *used >= *limit {
                out.push(refused(
                    &address,
                    RowStatus::SeatLimitReached,
                    ErrorCode::SeatLimitReached,
                    InviteFailure::NoSeats {
                        used: *used,
                        limit: *limit,
                    }
                    .sentence(&address),
                ));
                continue;
            }
            *used += 1;
        }
        let name = Some(row.name.trim().to_string()).filter(|n| !n.is_empty());
        out.push(Checked::Goes {
            invitee: Invitee {
                email,
                roles: role_names,
                name,
                groups: group_ids,
            },
            resend,
        });
    }
    Ok(out)
}

/// Which of `addresses` the statement `select` (ending in `IN`) finds.
async fn existing(db: &Db, workspace_id: &str, select: &str, addresses: &[String]) -> AppResult<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    for chunk in addresses.chunks(500) {
        let mut sql = Sql::new(select);
        sql.arg(workspace_id);
        let list = sql.args(chunk);
        sql.push(&format!(" ({list})"));
        found.extend(sql.query_scalar::<String>().fetch_all(db).await?);
    }
    Ok(found)
}

/// What sending `rows` would do, row by row, changing nothing.
pub async fn preview(db: &Db, config: &Config, access: &Access, rows: &[BulkRow]) -> AppResult<Vec<RowResult>> {
    Ok(check(db, config, access, rows)
        .await?
        .into_iter()
        .map(|c| match c {
            Checked::Goes { invitee, resend } => RowResult {
                email: invitee.email.to_string(),
                status: if resend {
                    RowStatus::WillResend
                } else {
                    RowStatus::Ready
                },
                code: None,
                message: None,
            },
            Checked::Refused(r) => r,
        })
        .collect())
}

/// Sends the rows that can go, each in its own transaction (the domain and
/// seat rules are checked again as each is written), and says what became
/// of every row, in order.
pub async fn send(db: &Db, config: &Config, access: &Access, rows: &[BulkRow]) -> AppResult<Vec<RowResult>> {
    let checked = check(db, config, access, rows).await?;
    let mut slots: Vec<Option<RowResult>> = Vec::with_capacity(checked.len());
    let mut invitees = Vec::new();
    for c in checked {
        match c {
            Checked::Goes { invitee, .. } => {
                slots.push(None);
                invitees.push(invitee);
            }
            Checked::Refused(r) => slots.push(Some(r)),
        }
    }
    // One outcome for each row that went, in order.
    let mut outcomes = invite_each(db, config, access, invitees, true)
        .await?
        .into_iter()
        .map(|(email, outcome)| outcome_row(email, outcome));
    Ok(slots
        .into_iter()
        .filter_map(|slot| slot.or_else(|| outcomes.next()))
        .collect())
}

fn outcome_row(email: String, outcome: Result<Sent, InviteFailure>) -> RowResult {
    let failure = match outcome {
        Ok(sent) => {
            return RowResult {
                email,
                status: match sent {
                    Sent::New(_) => RowStatus::Sent,
                    Sent::Renewed(_) => RowStatus::Resent,
                },
                code: None,
                message: None,
            };
        }
        Err(failure) => failure,
    };
    let (status, code) = match &failure {
        InviteFailure::InvalidEmail(_) => (RowStatus::InvalidEmail, ErrorCode::InvalidEmail),
        InviteFailure::AlreadyMember { .. } => (RowStatus::AlreadyMember, ErrorCode::AlreadyMember),
        InviteFailure::DomainNotAllowed { .. } => (RowStatus::DomainNotAllowed, ErrorCode::DomainNotAllowed),
        InviteFailure::NoSeats { .. } => (RowStatus::SeatLimitReached, ErrorCode::SeatLimitReached),
        InviteFailure::InvitedMeanwhile | InviteFailure::TooSoon { .. } => (RowStatus::TooSoon, ErrorCode::RateLimited),
        InviteFailure::OverLimit { .. } => (RowStatus::RateLimited, ErrorCode::RateLimited),
    };
    RowResult {
        message: Some(failure.sentence(&email)),
        email,
        status,
        code: Some(code.as_str().to_string()),
    }
}

/// How long an uploaded file is kept.
const IMPORT_TTL_MS: i64 = 24 * 3_600_000;

/// Keeps the text of a file uploaded to `access`'s workspace by its caller,
/// for its preview and its sending; returns its id. Files older than a day
/// go as one is kept.
pub async fn keep_import(db: &Db, access: &Access, source: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let now = now_ms();
    sqlx::query("DELETE FROM invitation_imports WHERE created_at < $1")
        .bind(now - IMPORT_TTL_MS)
        .execute(db)
        .await?;
    let id = db::new_id();
    sqlx::query(
        "INSERT INTO invitation_imports (id, workspace_id, user_id, source, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(&access.workspace_id)
    .bind(&access.user.id)
    .bind(source)
    .bind(now)
    .execute(db)
    .await?;
    Ok(id)
}

/// An uploaded file: its rows (or why they cannot be read), and what
/// sending it did, once it is sent.
pub struct Import {
    pub rows: Result<Vec<BulkRow>, String>,
    pub results: Option<Vec<RowResult>>,
}

/// The caller's file `id` in their workspace; anyone else's is not found.
pub async fn import(db: &Db, access: &Access, id: &str) -> AppResult<Import> {
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let (source, results): (String, Option<String>) = sqlx::query_as(
        "SELECT source, results FROM invitation_imports WHERE id = $1 AND workspace_id = $2 AND user_id = $3",
    )
    .bind(id)
    .bind(&access.workspace_id)
    .bind(&access.user.id)
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("This upload is gone (uploads are kept a day): upload the file again".into()))?;
    Ok(Import {
        rows: super::bulk::parse_csv(&source),
        results: results.and_then(|r| serde_json::from_str(&r).ok()),
    })
}

/// Sends the caller's uploaded file `id`, once: a second press finds it sent
/// and answers what the first did.
pub async fn send_import(db: &Db, config: &Config, access: &Access, id: &str) -> AppResult<Vec<RowResult>> {
    let found = import(db, access, id).await?;
    if let Some(results) = found.results {
        return Ok(results);
    }
    let rows = found.rows.map_err(|m| AppError::field("file", m))?;
    // Claimed first, so that two presses at once send it once.
    let claimed = sqlx::query("UPDATE invitation_imports SET results = '[]' WHERE id = $1 AND results IS NULL")
        .bind(id)
        .execute(db)
        .await?
        .rows_affected();
    if claimed != 1 {
        return Ok(import(db, access, id).await?.results.unwrap_or_default());
    }
    let results = match send(db, config, access, &rows).await {
        Ok(results) => results,
        Err(e) => {
            sqlx::query("UPDATE invitation_imports SET results = NULL WHERE id = $1")
                .bind(id)
                .execute(db)
                .await?;
            return Err(e);
        }
    };
    sqlx::query("UPDATE invitation_imports SET results = $1 WHERE id = $2")
        .bind(serde_json::to_string(&results).unwrap_or_else(|_| "[]".into()))
        .bind(id)
        .execute(db)
        .await?;
    Ok(results)
}
