//! The rules of inviting: one pending invitation per address, renew instead of
//! duplicate, members cannot be invited, links are single use and expire, and
//! sending is limited per address, per inviter and per workspace.
//!
//! Owns the `invitations` table.

use super::{
    Delivery, FailedAddress, InvitationFilter, InvitationPreview, InviteFailure, InviteReport, PendingInvitation,
    PendingState, SharedLink, WaitingInvitation,
};
use crate::access::{Access, Permission, Resource, Target};
use crate::accounts::service::{self as accounts, HashedPassword};
use crate::audit::{self, recent_times, record};
use crate::domain::{EmailAddress, Listing, NewPassword, PersonName, Timestamp, User, Window, split_email_list};
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::outbox;
use crate::members::service as members;
use crate::platform::config::Config;
use crate::platform::crypto;
use crate::platform::db::{self, Arg, Db, Order, Sql, Tx};
use crate::platform::metrics;
use crate::platform::time::now_ms;
use crate::roles::service as roles;
use crate::workspaces::service as workspaces;
use std::collections::HashMap;

/// The most addresses one Send takes.
pub const MAX_BATCH: usize = 50;

/// The one answer for every link that cannot be used.
pub fn invalid_link() -> AppError {
    AppError::NotFound(super::INVALID_LINK.into())
}

fn no_longer_pending() -> AppError {
    AppError::NotFound("That invitation is no longer pending".into())
}

/// What inviting one address did, and the invitation as written.
pub(super) enum Sent {
    New(PendingInvitation),
    Renewed(PendingInvitation),
}

/// One person to invite: their address, the roles the invitation gives, and
/// what a spreadsheet said besides (the name to suggest when they sign up,
/// the groups they join when they accept, by id).
pub(super) struct Invitee {
    pub email: EmailAddress,
    pub roles: Vec<String>,
    pub name: Option<String>,
    pub groups: Vec<String>,
}

const HOUR_MS: i64 = 3_600_000;
/// What the audit trail calls an invitation email going out.
const SENDING: [&str; 2] = ["invitation.create", "invitation.resend"];

/// How many more invitations the caller may send now, within the hourly
/// limits of the workspace and of each inviter. They are counted in the
/// database (from the audit trail), so instances sharing one PostgreSQL share
/// them. When none may go, the failure says whose limit and when to try again.
async fn quota(db: &Db, config: &Config, access: &Access) -> AppResult<Result<usize, InviteFailure>> {
    let now = now_ms();
    let mut allowed = usize::MAX;
    for (limit, actor) in [
        (config.invitations_per_hour_per_workspace, None),
        (config.invitations_per_hour_per_inviter, Some(access.user.id.as_str())),
    ] {
        if limit == 0 {
            continue;
        }
        let times = recent_times(db, &access.workspace_id, actor, SENDING, now - HOUR_MS, limit).await?;
        let left = limit as usize - times.len().min(limit as usize);
        if left == 0 {
            // A slot frees when the oldest of the last `limit` leaves the hour.
            let oldest = times.last().copied().unwrap_or(now);
            return Ok(Err(InviteFailure::OverLimit {
                limit,
                per_person: actor.is_some(),
                workspace: access.workspace_name.clone(),
                retry_after: seconds_until(oldest + HOUR_MS, now),
            }));
        }
        allowed = allowed.min(left);
    }
    Ok(Ok(allowed))
}

fn seconds_until(at: i64, now: i64) -> u64 {
    ((at - now).max(1000) as u64).div_ceil(1000)
}

/// An address gets at most one invitation email per `resend_interval`, however
/// it is asked for (resend, or inviting it again), so that nobody can flood an
/// inbox through the invite form or the API; an expired invitation can always
/// be renewed. `sent_at` is when its email was last queued.
fn too_soon(config: &Config, sent_at: i64, now: i64) -> InviteFailure {
    InviteFailure::TooSoon {
        retry_after: seconds_until(sent_at + config.resend_interval.as_millis() as i64, now),
    }
}

/// A failure of one address as the error of a call about that address alone.
fn refusal(failure: InviteFailure, email: &str) -> AppError {
    let message = failure.sentence(email);
    match (failure.retry_after(), &failure) {
        (Some(retry_after), _) => AppError::RateLimited { message, retry_after },
        (None, InviteFailure::DomainNotAllowed { .. }) => AppError::DomainNotAllowed(message),
        (None, InviteFailure::NoSeats { .. }) => AppError::NoSeats(message),
        (None, _) => AppError::Conflict(message),
    }
}

/// Whether the workspace's policy lets `email` hold an open invitation,
/// in the caller's transaction: its domain is allowed, and a seat is free
/// (members plus open invitations other than one to this address, which a
/// renewal keeps). With a seat limit the workspace's row is locked first, so
/// that of many invitations at once only as many as there are seats go.
async fn admitted(
    tx: &mut Tx<'_>,
    config: &Config,
    workspace_id: &str,
    workspace_name: &str,
    email: &str,
) -> AppResult<Result<(), InviteFailure>> {
    let policy = workspaces::policy(&mut **tx, workspace_id).await?;
    if !policy.allows(email) {
        return Ok(Err(InviteFailure::DomainNotAllowed {
            workspace: workspace_name.to_string(),
        }));
    }
    let Some(limit) = workspaces::seat_limit(&policy, config.max_seats_per_workspace) else {
        return Ok(Ok(()));
    };
    workspaces::lock(tx, workspace_id).await?;
    let used = workspaces::seats_used(&mut **tx, workspace_id, email).await?;
    Ok(if used >= limit {
        Err(InviteFailure::NoSeats { used, limit })
    } else {
        Ok(())
    })
}

/// Invites every address in `raw` (separated by commas, spaces or newlines).
/// Each address succeeds or fails on its own; the report says which did what.
/// When none succeeds, the whole call fails with one message per address.
/// Each invitation grants `roles` (USER-target role names) when accepted;
/// renewing an invitation gives it these roles in place of its old ones.
pub async fn invite(db: &Db, config: &Config, access: &Access, raw: &str, roles: &[String]) -> AppResult<InviteReport> {
    let report = invite_with(db, config, access, raw, roles, true).await?;
    if report.sent.is_empty() && report.resent.is_empty() {
        // Nothing could go because of a limit: a 429 that says when to try again.
        if let Some(wait) = report
            .failed
            .iter()
            .map(|f| f.failure.retry_after())
            .collect::<Option<Vec<u64>>>()
        {
            return Err(AppError::RateLimited {
                message: report.failed[0].reason.clone(),
                retry_after: wait.into_iter().max().unwrap_or(1),
            });
        }
        return Err(AppError::Invalid(
            report
                .failed
                .iter()
                .map(|f| FieldError {
                    field: "emails".into(),
                    message: f.reason.clone(),
                })
                .collect(),
        ));
    }
    Ok(report)
}

/// How many pending invitations have outlived their link.
pub async fn expired_count(db: &Db) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE status = 'pending' AND expires_at < $1")
            .bind(now_ms())
            .fetch_one(db)
            .await?,
    )
}

/// `invite`, choosing whether the email goes out (without it the invitation
/// waits for its link to be handed over by other means: `mint_link`), and
/// answering with the report even when no address could be invited.
pub async fn invite_with(
    db: &Db,
    config: &Config,
    access: &Access,
    raw: &str,
    roles: &[String],
    send_email: bool,
) -> AppResult<InviteReport> {
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let roles = roles::clean_names(roles);
    roles::check_assignable(db, access, &roles, &roles, Target::User, "roles").await?;
    let addresses = split_email_list(raw);
    if addresses.is_empty() {
        return Err(AppError::field("emails", "Enter an email address"));
    }
    if addresses.len() > MAX_BATCH {
        return Err(AppError::field(
            "emails",
            format!(
                "You can invite up to {MAX_BATCH} people at a time; this list has {}",
                addresses.len()
            ),
        ));
    }

    let mut report = InviteReport::default();
    let mut invitees = Vec::new();
    for raw_address in addresses {
        match EmailAddress::parse(&raw_address) {
            Ok(email) => invitees.push(Invitee {
                email,
                roles: roles.clone(),
                name: None,
                groups: Vec::new(),
            }),
            Err(reason) => report
                .failed
                .push(FailedAddress::new(raw_address, InviteFailure::InvalidEmail(reason))),
        }
    }
    for (email, outcome) in invite_each(db, config, access, invitees, send_email).await? {
        match outcome {
            Ok(Sent::New(written)) => {
                report.sent.push(email);
                report.written.push(written);
            }
            Ok(Sent::Renewed(written)) => {
                report.resent.push(email);
                report.written.push(written);
            }
            Err(failure) => report.failed.push(FailedAddress::new(email, failure)),
        }
    }
    Ok(report)
}

/// Invites each of `invitees` in turn, each in a transaction of its own,
/// within the hourly limits. Returns each address with what became of it.
pub(super) async fn invite_each(
    db: &Db,
    config: &Config,
    access: &Access,
    invitees: Vec<Invitee>,
    send_email: bool,
) -> AppResult<Vec<(String, Result<Sent, InviteFailure>)>> {
    let mut out = Vec::with_capacity(invitees.len());
    let mut quota = quota(db, config, access).await?;
    for invitee in invitees {
        if matches!(quota, Ok(0)) {
            // Used up by this batch: counted again, for whose limit and the wait.
            quota = self::quota(db, config, access).await?;
        }
        if let Err(failure) = &quota {
            out.push((invitee.email.to_string(), Err(failure.clone())));
            continue;
        }
        let outcome = invite_one(db, config, access, &invitee, send_email).await?;
        if outcome.is_ok()
            && let Ok(n) = &mut quota
        {
            *n = n.saturating_sub(1);
        }
        out.push((invitee.email.to_string(), outcome));
    }
    Ok(out)
}

/// One address, in one transaction with its email. The inner error is a
/// refusal of this address alone.
async fn invite_one(
    db: &Db,
    config: &Config,
    access: &Access,
    invitee: &Invitee,
    send_email: bool,
) -> AppResult<Result<Sent, InviteFailure>> {
    let (email, roles) = (&invitee.email, invitee.roles.as_slice());
    let now = now_ms();
    let expires = now + config.invitation_ttl.as_millis() as i64;
    let mut tx = db.begin().await?;
    if let Err(failure) = admitted(
        &mut tx,
        config,
        &access.workspace_id,
        &access.workspace_name,
        email.as_str(),
    )
    .await?
    {
        tx.rollback().await?;
        return Ok(Err(failure));
    }

    // Writing first takes SQLite's write lock at once, so concurrent invites wait
    // for each other instead of failing on a stale read. An address emailed its
    // invitation less than the resend interval ago is not emailed again (see
    // `too_soon`).
    let mut renewed = renew_pending(&mut tx, config, access, email, send_email, now, expires).await?;
    if !renewed && let Some(pending) = pending_of(&mut tx, &access.workspace_id, email.as_str()).await? {
        if let Some(emailed_at) = pending.throttled(config, send_email) {
            tx.rollback().await?;
            return Ok(Err(too_soon(config, emailed_at, now_ms())));
        }
        // Committed by another request after the update looked (PostgreSQL
        // reads each statement as of its start): it may be renewed now.
        renewed = renew_pending(&mut tx, config, access, email, send_email, now, expires).await?;
        if !renewed {
            tx.rollback().await?;
            return Ok(Err(InviteFailure::InvitedMeanwhile));
        }
    }

    if members::has_member_with_email(&mut tx, &access.workspace_id, email.as_str()).await? {
        tx.rollback().await?;
        return Ok(Err(InviteFailure::AlreadyMember {
            workspace: access.workspace_name.clone(),
        }));
    }

    let invitation_id = if renewed {
        let id: String = sqlx::query_scalar(
            "SELECT id FROM invitations WHERE workspace_id = $1 AND email = $2 AND status = 'pending'",
        )
        .bind(&access.workspace_id)
        .bind(email.as_str())
        .fetch_one(&mut *tx)
        .await?;
        outbox::cancel(&mut tx, &id).await?;
        id
    } else {
        let id = db::new_id();
        let inserted = sqlx::query(
            "INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, send_email, created_at, expires_at, emailed_at, invitee_name) \
             VALUES ($1, $2, $3, $4, NULL, 'pending', $7, $5, $6, CASE WHEN $7 = 1 THEN $5 END, $8)",
        )
        .bind(&id)
        .bind(&access.workspace_id)
        .bind(email.as_str())
        .bind(&access.user.id)
        .bind(now)
        .bind(expires)
        .bind(i64::from(send_email))
        .bind(invitee.name.as_deref())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => id,
            Err(e) if db::is_unique_violation(&e) => return Ok(Err(InviteFailure::InvitedMeanwhile)),
            Err(e) => return Err(e.into()),
        }
    };

    roles::replace_invitation_roles(&mut tx, &access.workspace_id, &invitation_id, roles).await?;
    // A renewal keeps the name and groups it had unless new ones are given.
    if renewed && let Some(name) = &invitee.name {
        sqlx::query("UPDATE invitations SET invitee_name = $1 WHERE id = $2")
            .bind(name)
            .bind(&invitation_id)
            .execute(&mut *tx)
            .await?;
    }
    if !invitee.groups.is_empty() {
        sqlx::query("DELETE FROM invitation_groups WHERE invitation_id = $1")
            .bind(&invitation_id)
            .execute(&mut *tx)
            .await?;
        for group_id in &invitee.groups {
            sqlx::query("INSERT INTO invitation_groups (invitation_id, group_id) VALUES ($1, $2)")
                .bind(&invitation_id)
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    if send_email {
        outbox::enqueue(&mut tx, super::email::KIND, &invitation_id, email.as_str()).await?;
    }
    let (action, change) = if renewed {
        ("invitation.resend", "invitation.renewed")
    } else {
        ("invitation.create", "invitation.created")
    };
    tx.announce(&access.workspace_id, change, &invitation_id).await?;
    audit::commit(tx, access, action, email.as_str()).await?;
    metrics::count(
        metrics::INVITATIONS,
        "event",
        if renewed { "renewed" } else { "created" },
    );
    // The answer is what was written: nothing is read back.
    let written = PendingInvitation {
        id: invitation_id,
        email: email.to_string(),
        invited_by: access.user.name.clone(),
        sent_at: Timestamp(now),
        expires_at: Timestamp(expires),
        expired: false,
        blocked: false,
        delivery: if send_email {
            Delivery::Queued
        } else {
            Delivery::NotRequested
        },
        delivery_error: None,
        declined_at: None,
        roles: {
            let mut sorted = roles.to_vec();
            sorted.sort();
            sorted
        },
    };
    Ok(Ok(if renewed {
        Sent::Renewed(written)
    } else {
        Sent::New(written)
    }))
}

/// The resend interval as a cut-off: an email queued after it is too recent
/// to send another. With the interval off nothing is too recent, however the
/// clocks of racing requests compare.
fn emailed_before(config: &Config, now: i64) -> i64 {
    match config.resend_interval.as_millis() as i64 {
        0 => i64::MAX,
        interval => now - interval,
    }
}

/// Renews the address's pending invitation, if it has one that may be renewed
/// now: never emailed, emailed before the resend interval, expired, or renewed
/// without an email. True when it did.
async fn renew_pending(
    tx: &mut Tx<'_>,
    config: &Config,
    access: &Access,
    email: &EmailAddress,
    send_email: bool,
    now: i64,
    expires: i64,
) -> AppResult<bool> {
    Ok(sqlx::query(
        "UPDATE invitations SET token_hash = NULL, created_at = $1, expires_at = $2, invited_by = $3, send_email = $6, \
         emailed_at = CASE WHEN $6 = 1 THEN $1 ELSE emailed_at END \
         WHERE workspace_id = $4 AND email = $5 AND status = 'pending' \
         AND ($6 = 0 OR emailed_at IS NULL OR emailed_at <= $7 OR expires_at <= $1)",
    )
    .bind(now)
    .bind(expires)
    .bind(&access.user.id)
    .bind(&access.workspace_id)
    .bind(email.as_str())
    .bind(i64::from(send_email))
    .bind(emailed_before(config, now))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// An address's pending invitation, as far as sending it again goes.
#[derive(sqlx::FromRow)]
struct PendingEmail {
    email: String,
    emailed_at: Option<i64>,
    expires_at: i64,
}

impl PendingEmail {
    /// When its email was queued, if that was too recently to send another.
    fn throttled(&self, config: &Config, send_email: bool) -> Option<i64> {
        let now = now_ms();
        self.emailed_at
            .filter(|&at| send_email && at > emailed_before(config, now) && self.expires_at > now)
    }
}

/// The address's pending invitation, if it has one.
async fn pending_of(tx: &mut Tx<'_>, workspace_id: &str, email: &str) -> AppResult<Option<PendingEmail>> {
    Ok(sqlx::query_as(
        "SELECT email, emailed_at, expires_at FROM invitations WHERE workspace_id = $1 AND email = $2 AND status = 'pending'",
    )
    .bind(workspace_id)
    .bind(email)
    .fetch_optional(&mut **tx)
    .await?)
}

/// A pending-list row, with its inviter's name.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    email: String,
    status: String,
    created_at: i64,
    expires_at: i64,
    send_email: i64,
    declined_at: Option<i64>,
    inviter: String,
}

impl db::Keyed for Row {
    fn key(&self) -> [String; 2] {
        [self.created_at.to_string(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Some([parts[0].parse::<i64>().ok()?.into(), parts[1].clone().into()])
    }
}

const ROW: &str = "SELECT i.id, i.email, i.status, i.created_at, i.expires_at, i.send_email, i.declined_at, u.name AS inviter \
     FROM invitations i JOIN users u ON u.id = i.invited_by";

/// The most invitations one page holds.
pub const MAX_PAGE: usize = 200;

/// Whether invitation `i`'s newest email could not be delivered.
const UNDELIVERED: &str = "EXISTS (SELECT 1 FROM emails e WHERE e.subject_id = i.id AND e.state = 'failed' \
     AND NOT EXISTS (SELECT 1 FROM emails n WHERE n.subject_id = i.id AND n.created_at > e.created_at))";

/// The conditions of `filter` on the pending invitations (`i`) of `workspace_id`.
fn filtered(sql: &mut Sql, workspace_id: &str, filter: &InvitationFilter, now: i64) {
    let ws = sql.arg(workspace_id);
    if filter.state == PendingState::Declined {
        sql.push(&format!(
            " WHERE i.workspace_id = {ws} AND i.status = 'revoked' AND i.declined_at IS NOT NULL"
        ));
    } else {
        sql.push(&format!(" WHERE i.workspace_id = {ws} AND i.status = 'pending'"));
    }
    match filter.state {
        PendingState::All | PendingState::Declined => {}
        PendingState::Waiting => {
            let now = sql.arg(now);
            sql.push(&format!(" AND i.expires_at > {now} AND NOT {UNDELIVERED}"));
        }
        PendingState::Expired => {
            let now = sql.arg(now);
            sql.push(&format!(" AND i.expires_at <= {now}"));
        }
        PendingState::NotDelivered => {
            sql.push(&format!(" AND {UNDELIVERED}"));
        }
    }
    let query = filter.query.trim();
    if !query.is_empty() {
        let q = sql.arg(db::contains_pattern(query));
        sql.push(&format!(" AND i.email LIKE lower({q}) ESCAPE '\\'"));
    }
}

/// One page of the workspace's open invitations (expired ones included),
/// newest first, with those `filter` keeps, and how many it keeps in all.
/// A page costs the same however many there are.
pub async fn page(
    db: &Db,
    access: &Access,
    filter: &InvitationFilter,
    window: &Window,
) -> AppResult<Listing<PendingInvitation>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see pending invitations")?;
    let now = now_ms();
    let total = if filter.query.trim().is_empty() && filter.state == PendingState::All {
        // All of them: the kept count, one row however many there are.
        crate::workspaces::service::counts(db, &access.workspace_id)
            .await?
            .pending
    } else {
        let mut count = Sql::new("SELECT COUNT(*) FROM invitations i");
        filtered(&mut count, &access.workspace_id, filter, now);
        count.query_scalar().fetch_one(db).await?
    };
    let mut sql = Sql::new(ROW);
    filtered(&mut sql, &access.workspace_id, filter, now);
    let found = db::keyset::<Row>(
        db,
        sql,
        Order {
            columns: ["i.created_at", "i.id"],
            descending: true,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    Ok(Listing {
        items: rows_to_pending(db, &access.workspace_id, found.items).await?,
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// Pending-list rows, each with its roles and what became of its email.
async fn rows_to_pending(db: &Db, workspace_id: &str, rows: Vec<Row>) -> AppResult<Vec<PendingInvitation>> {
    let now = now_ms();
    let policy = workspaces::policy(db, workspace_id).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut roles = roles::invitation_roles_of(db, &ids).await?;
    let emails = outbox::latest(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let email = emails.get(&r.id);
            PendingInvitation {
                delivery_error: match email {
                    Some((outbox::State::Failed, error)) => error.clone(),
                    _ => None,
                },
                // An invitation whose link was handed over wants no email,
                // whatever became of an earlier one.
                delivery: match (email.map(|e| e.0), r.send_email) {
                    (_, 0) => Delivery::NotRequested,
                    (Some(outbox::State::Sent), _) => Delivery::Sent,
                    (Some(outbox::State::Failed), _) => Delivery::Failed,
                    _ => Delivery::Queued,
                },
                roles: roles.remove(&r.id).unwrap_or_default(),
                blocked: !policy.allows(&r.email),
                email: r.email,
                invited_by: r.inviter,
                sent_at: Timestamp(r.created_at),
                expires_at: Timestamp(r.expires_at),
                expired: r.expires_at <= now,
                declined_at: r.declined_at.map(Timestamp),
                id: r.id,
            }
        })
        .collect())
}

/// What a key (an invitation's id, or the invited address) names.
pub enum Lookup {
    Pending(PendingInvitation),
    /// Accepted, declined or withdrawn, with its address.
    Closed {
        email: String,
        accepted: bool,
        declined: bool,
    },
    Nothing,
}

/// The invitation `key` names: its id, or the invited address (any case). A
/// pending one is preferred; otherwise the newest closed one.
pub async fn lookup(db: &Db, access: &Access, key: &str) -> AppResult<Lookup> {
    access.authorize(Permission::Read, Resource::UserManagement, "see pending invitations")?;
    let wanted = key.trim().to_lowercase();
    let row: Option<Row> = sqlx::query_as(&format!(
        "{ROW} WHERE i.workspace_id = $1 AND (i.id = $2 OR i.email = $3) \
         ORDER BY CASE WHEN i.status = 'pending' THEN 0 ELSE 1 END, i.created_at DESC LIMIT 1"
    ))
    .bind(&access.workspace_id)
    .bind(key)
    .bind(&wanted)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        None => Lookup::Nothing,
        Some(row) if row.status == "pending" => rows_to_pending(db, &access.workspace_id, vec![row])
            .await?
            .pop()
            .map(Lookup::Pending)
            .unwrap_or(Lookup::Nothing),
        Some(row) => Lookup::Closed {
            accepted: row.status == "accepted",
            declined: row.declined_at.is_some(),
            email: row.email,
        },
    })
}

/// How long a withdrawn invitation can be restored, in milliseconds.
pub const UNDO_MS: i64 = 60_000;

/// Withdraws a pending invitation: its link stops working and unsent email is
/// dropped. Returns its address. For `UNDO_MS` it can be restored as it was
/// (its link's hash is kept, and no closed invitation's link is accepted).
pub async fn revoke(db: &Db, access: &Access, invitation_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "withdraw invitations")?;
    let mut tx = db.begin().await?;
    let email: String = sqlx::query_scalar(
        "UPDATE invitations SET status = 'revoked', closed_at = $1 \
         WHERE id = $2 AND workspace_id = $3 AND status = 'pending' RETURNING email",
    )
    .bind(now_ms())
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_longer_pending)?;
    outbox::cancel(&mut tx, invitation_id).await?;
    tx.announce(&access.workspace_id, "invitation.deleted", invitation_id)
        .await?;
    audit::commit(tx, access, "invitation.revoke", &email).await?;
    Ok(email)
}

/// Undoes `revoke` within `UNDO_MS`: the invitation is pending again with
/// the same link, and an email that had not gone out yet goes. Returns its
/// address.
pub async fn restore(db: &Db, config: &Config, access: &Access, invitation_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "restore invitations")?;
    let mut tx = db.begin().await?;
    let restored = sqlx::query_scalar(
        "UPDATE invitations SET status = 'pending', closed_at = NULL \
         WHERE id = $1 AND workspace_id = $2 AND status = 'revoked' AND declined_at IS NULL AND closed_at > $3 \
         RETURNING email",
    )
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .bind(now_ms() - UNDO_MS)
    .fetch_optional(&mut *tx)
    .await;
    let email: String = match restored {
        Ok(Some(email)) => email,
        Ok(None) => {
            let withdrawn: Option<String> = sqlx::query_scalar(
                "SELECT email FROM invitations WHERE id = $1 AND workspace_id = $2 AND status = 'revoked' \
                 AND declined_at IS NULL",
            )
            .bind(invitation_id)
            .bind(&access.workspace_id)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match withdrawn {
                Some(email) => AppError::Conflict(format!(
                    "The invitation to {email} can no longer be restored; invite them again instead"
                )),
                None => AppError::NotFound("There is no withdrawn invitation to restore".into()),
            });
        }
        Err(e) if db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(
                "That address has been invited again since; the new invitation stands".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // Back in the list, it takes a seat again and must still be allowed.
    if let Err(failure) = admitted(&mut tx, config, &access.workspace_id, &access.workspace_name, &email).await? {
        tx.rollback().await?;
        return Err(refusal(failure, &email));
    }
    outbox::resume(&mut tx, invitation_id).await?;
    tx.announce(&access.workspace_id, "invitation.restored", invitation_id)
        .await?;
    audit::commit(tx, access, "invitation.restore", &email).await?;
    Ok(email)
}

/// Renews a pending (or expired) invitation and sends its email again, with a
/// new link; its roles stay. Returns its address.
pub async fn resend(db: &Db, config: &Config, access: &Access, invitation_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "resend invitations")?;
    let over_limit = quota(db, config, access).await?.err();
    let now = now_ms();
    let mut tx = db.begin().await?;
    let renewed: Option<String> = sqlx::query_scalar(
        "UPDATE invitations SET token_hash = NULL, created_at = $1, expires_at = $2, invited_by = $3, send_email = 1, \
         emailed_at = $1 \
         WHERE id = $4 AND workspace_id = $5 AND status = 'pending' \
         AND (emailed_at IS NULL OR emailed_at <= $6 OR expires_at <= $1) \
         RETURNING email",
    )
    .bind(now)
    .bind(now + config.invitation_ttl.as_millis() as i64)
    .bind(&access.user.id)
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .bind(emailed_before(config, now))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(email) = renewed else {
        let pending: Option<PendingEmail> = sqlx::query_as(
            "SELECT email, emailed_at, expires_at FROM invitations WHERE id = $1 AND workspace_id = $2 AND status = 'pending'",
        )
        .bind(invitation_id)
        .bind(&access.workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.rollback().await?;
        return Err(match pending {
            Some(pending) => match pending.throttled(config, true) {
                Some(emailed_at) => refusal(too_soon(config, emailed_at, now_ms()), &pending.email),
                // Renewed by another request while this one looked.
                None => refusal(InviteFailure::InvitedMeanwhile, &pending.email),
            },
            None => no_longer_pending(),
        });
    };
    if let Some(failure) = over_limit {
        tx.rollback().await?;
        return Err(refusal(failure, &email));
    }
    if let Err(failure) = admitted(&mut tx, config, &access.workspace_id, &access.workspace_name, &email).await? {
        tx.rollback().await?;
        return Err(refusal(failure, &email));
    }
    outbox::cancel(&mut tx, invitation_id).await?;
    outbox::enqueue(&mut tx, super::email::KIND, invitation_id, &email).await?;
    tx.announce(&access.workspace_id, "invitation.renewed", invitation_id)
        .await?;
    audit::commit(tx, access, "invitation.resend", &email).await?;
    Ok(email)
}

/// Replaces the roles a pending invitation will grant. Returns its address.
pub async fn set_roles(db: &Db, access: &Access, invitation_id: &str, roles: &[String]) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "change roles")?;
    let email: String =
        sqlx::query_scalar("SELECT email FROM invitations WHERE id = $1 AND workspace_id = $2 AND status = 'pending'")
            .bind(invitation_id)
            .bind(&access.workspace_id)
            .fetch_optional(db)
            .await?
            .ok_or_else(no_longer_pending)?;
    let roles = roles::clean_names(roles);
    let held = roles::invitation_roles_of(db, &[invitation_id.to_string()])
        .await?
        .remove(invitation_id)
        .unwrap_or_default();
    let added: Vec<String> = roles.iter().filter(|r| !held.contains(r)).cloned().collect();
    roles::check_assignable(db, access, &roles, &added, Target::User, "roles").await?;
    let mut tx = db.begin().await?;
    roles::replace_invitation_roles(&mut tx, &access.workspace_id, invitation_id, &roles).await?;
    tx.announce(&access.workspace_id, "invitation.roles", invitation_id)
        .await?;
    audit::commit_change(
        tx,
        access,
        "invitation.roles",
        &email,
        audit::Change::new(&audit::listed(&held), &audit::listed(&roles)),
    )
    .await?;
    Ok(email)
}

/// Hands a pending invitation's link to the caller instead of emailing it: a
/// new link (the emailed one stops working), valid for the full time again,
/// and no email goes out for it (a queued one is dropped). For owners who
/// deliver links themselves.
pub async fn share_link(db: &Db, config: &Config, access: &Access, invitation_id: &str) -> AppResult<SharedLink> {
    access.authorize(Permission::Write, Resource::UserManagement, "copy invitation links")?;
    let token = crypto::new_token();
    let expires = now_ms() + config.invitation_ttl.as_millis() as i64;
    let mut tx = db.begin().await?;
    let email: String = sqlx::query_scalar(
        "UPDATE invitations SET token_hash = $1, expires_at = $2, send_email = 0, link_emailed = 0 \
         WHERE id = $3 AND workspace_id = $4 AND status = 'pending' RETURNING email",
    )
    .bind(crypto::token_hash(&token))
    .bind(expires)
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_longer_pending)?;
    if let Err(failure) = admitted(&mut tx, config, &access.workspace_id, &access.workspace_name, &email).await? {
        tx.rollback().await?;
        return Err(refusal(failure, &email));
    }
    outbox::cancel(&mut tx, invitation_id).await?;
    tx.announce(&access.workspace_id, "invitation.link", invitation_id)
        .await?;
    audit::commit(tx, access, "invitation.link", &email).await?;
    Ok(SharedLink {
        invitation_id: invitation_id.to_string(),
        email,
        url: config.url_for(&format!("/invite/{token}")),
        expires_at: Timestamp(expires),
    })
}

/// The invited person turns the invitation down through its link: it closes,
/// its link stops working, and the inviter sees it declined. Returns the
/// workspace's name.
pub async fn decline(db: &Db, token: &str) -> AppResult<String> {
    let open = find_open(db, token).await?;
    decline_open(db, &open, None).await
}

/// Turns `open` down (by `who`, when signed in); returns the workspace's name.
async fn decline_open(db: &Db, open: &Open, who: Option<&User>) -> AppResult<String> {
    let about = about(db, &open.id).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let declined = sqlx::query(
        "UPDATE invitations SET status = 'revoked', token_hash = NULL, closed_at = $1, declined_at = $1 \
         WHERE id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(&open.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if declined != 1 {
        return Err(invalid_link());
    }
    outbox::cancel(&mut tx, &open.id).await?;
    record(&mut tx, &open.workspace_id, who, "invitation.decline", &open.email).await?;
    tx.announce(&open.workspace_id, "invitation.declined", &open.id).await?;
    tx.commit().await?;
    metrics::count(metrics::INVITATIONS, "event", "declined");
    Ok(about.workspace_name)
}

/// An invitation's email as it goes out: a freshly minted link and the facts
/// the email states.
pub struct Link {
    pub to: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub inviter_name: String,
    pub inviter_email: String,
    pub url: String,
    pub expires_at: Timestamp,
    /// What accepting grants, by role name.
    pub roles: Vec<String>,
}

/// Mints a new single-use token for a pending invitation (the previous link
/// stops working) and returns what its email needs. `None` when the invitation
/// is no longer open, so its email should be dropped.
///
/// For its email (`for_email`), only while the invitation still wants one: once
/// its link was handed over by other means (`share_link`), an email already
/// being composed is dropped rather than replace the shared link.
pub async fn mint_link(db: &Db, config: &Config, invitation_id: &str, for_email: bool) -> AppResult<Option<Link>> {
    Ok(mint_links(db, config, &[invitation_id.to_string()], for_email)
        .await?
        .remove(invitation_id))
}

/// `mint_link` for many invitations at once, in three statements whatever
/// their number (the mail worker composes a batch this way): the links of
/// those still open, by invitation id.
pub async fn mint_links(
    db: &Db,
    config: &Config,
    invitation_ids: &[String],
    for_email: bool,
) -> AppResult<HashMap<String, Link>> {
    let mut ids = invitation_ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let tokens: Vec<String> = ids.iter().map(|_| crypto::new_token()).collect();
    let mut sql = Sql::new("UPDATE invitations SET token_hash = CASE id");
    for (id, token) in ids.iter().zip(&tokens) {
        let (id, hash) = (sql.arg(id.as_str()), sql.arg(crypto::token_hash(token)));
        sql.push(&format!(" WHEN {id} THEN {hash}"));
    }
    let emailed = sql.arg(i64::from(for_email));
    let now = sql.arg(now_ms());
    let listed = sql.args(&ids);
    sql.push(&format!(
        " END, link_emailed = {emailed} WHERE id IN ({listed}) AND status = 'pending' \
         AND expires_at > {now} AND (send_email = 1 OR {emailed} = 0) RETURNING id"
    ));
    let minted: Vec<String> = sql.query_scalar().fetch_all(db).await?;
    if minted.is_empty() {
        return Ok(HashMap::new());
    }
    let token_of: HashMap<&str, &str> = ids
        .iter()
        .map(String::as_str)
        .zip(tokens.iter().map(String::as_str))
        .collect();
    let mut roles = roles::invitation_roles_of(db, &minted).await?;
    Ok(about_all(db, &minted)
        .await?
        .into_iter()
        .map(|(id, r)| {
            let link = Link {
                url: config.url_for(&format!("/invite/{}", token_of[id.as_str()])),
                roles: roles.remove(&id).unwrap_or_default(),
                to: r.email,
                workspace_id: r.workspace_id,
                workspace_name: r.workspace_name,
                inviter_name: r.inviter_name,
                inviter_email: r.inviter_email,
                expires_at: Timestamp(r.expires_at),
            };
            (id, link)
        })
        .collect())
}

/// What an invitation's email and accept page say about it.
#[derive(sqlx::FromRow)]
struct About {
    email: String,
    workspace_id: String,
    expires_at: i64,
    workspace_name: String,
    inviter_name: String,
    inviter_email: String,
    invitee_name: Option<String>,
}

async fn about(db: &Db, invitation_id: &str) -> AppResult<About> {
    about_all(db, &[invitation_id.to_string()])
        .await?
        .pop()
        .map(|(_, about)| about)
        .ok_or_else(|| sqlx::Error::RowNotFound.into())
}

/// What `about` says of each of `invitation_ids`, by id.
async fn about_all(db: &Db, invitation_ids: &[String]) -> AppResult<Vec<(String, About)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        #[sqlx(flatten)]
        about: About,
    }
    let mut sql = Sql::new("");
    let listed = sql.args(invitation_ids);
    sql.push(&format!(
        "SELECT i.id, i.email, i.workspace_id, i.expires_at, i.invitee_name, w.name AS workspace_name, \
         u.name AS inviter_name, u.email AS inviter_email \
         FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN users u ON u.id = i.invited_by \
         WHERE i.id IN ({listed})"
    ));
    let rows: Vec<Row> = sql.query_as().fetch_all(db).await?;
    Ok(rows.into_iter().map(|r| (r.id, r.about)).collect())
}

/// An open invitation found by its link's token.
#[derive(sqlx::FromRow)]
struct Open {
    id: String,
    workspace_id: String,
    email: String,
    invited_by: String,
    token_hash: String,
    /// 1 when the link was emailed (so its holder reads the mailbox), 0
    /// when it was handed to the inviter.
    link_emailed: i64,
}

async fn find_open(db: &Db, token: &str) -> AppResult<Open> {
    if !crypto::plausible_token(token) {
        return Err(invalid_link());
    }
    let open: Option<Open> = sqlx::query_as(
        "SELECT id, workspace_id, email, invited_by, token_hash, link_emailed FROM invitations \
         WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(crypto::token_hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    open.filter(|o| crypto::token_matches(token, &o.token_hash))
        .ok_or_else(invalid_link)
}

/// What the accept page shows. Reading it changes nothing (mail scanners open links).
pub async fn preview(db: &Db, token: &str, viewer: Option<&User>) -> AppResult<InvitationPreview> {
    let open = find_open(db, token).await?;
    let r = about(db, &open.id).await?;
    let already_member = match viewer {
        Some(v) => members::is_member(db, &open.workspace_id, &v.id).await?,
        None => false,
    };
    let offered = roles::invitation_roles_of(db, std::slice::from_ref(&open.id))
        .await?
        .remove(&open.id)
        .unwrap_or_default();
    let roles = roles::choices_for(db, &open.workspace_id, Target::User)
        .await?
        .into_iter()
        .filter(|c| offered.contains(&c.name))
        .collect();
    // What every member gets: the roles of the built-in group everyone.
    let everyone: Vec<String> = sqlx::query_scalar(
        "SELECT gr.role_name FROM group_roles gr JOIN groups g ON g.id = gr.group_id \
         WHERE g.workspace_id = $1 AND g.builtin = 1",
    )
    .bind(&open.workspace_id)
    .fetch_all(db)
    .await?;
    let everyone_gets = roles::choices_for(db, &open.workspace_id, Target::Group)
        .await?
        .into_iter()
        .filter(|c| everyone.contains(&c.name))
        .collect();
    Ok(InvitationPreview {
        roles,
        everyone_gets,
        workspace_id: open.workspace_id,
        workspace_name: r.workspace_name,
        inviter_name: r.inviter_name,
        inviter_email: r.inviter_email,
        suggested_name: r.invitee_name.unwrap_or_default(),
        account: invited_account(db, &open.email).await?,
        link_proves_address: open.link_emailed == 1,
        email: open.email,
        expires_at: Timestamp(r.expires_at),
        signed_in_as: viewer.map(|v| v.email.clone()),
        already_member,
    })
}

/// Whether `email` has an account, and whether its address is proven.
async fn invited_account(db: &Db, email: &str) -> AppResult<super::InvitedAccount> {
    let found: Option<Option<i64>> = sqlx::query_scalar("SELECT email_verified_at FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await?;
    Ok(match found {
        None => super::InvitedAccount::None,
        Some(Some(_)) => super::InvitedAccount::Proven,
        Some(None) => super::InvitedAccount::Unproven,
    })
}

/// Accepts as the signed-in user, whose email must be the invited one.
pub async fn accept_as(db: &Db, token: &str, user: &User) -> AppResult<String> {
    let open = find_open(db, token).await?;
    if user.email != open.email {
        return Err(AppError::Forbidden(format!(
            "This invitation was sent to {}, but you're signed in as {}",
            open.email, user.email
        )));
    }
    let mut tx = db.begin().await?;
    claim(&mut tx, &open).await?;
    join(&mut tx, &open, user).await?;
    tx.commit().await?;
    Ok(open.workspace_id)
}

/// The pending invitations addressed to `user`, newest first, for someone
/// signed in whose address is proven (an unproven account could be anyone's).
/// Three queries, whatever the page: the count, the page, and its roles.
pub async fn waiting_for(db: &Db, user: &User, window: &Window) -> AppResult<Listing<WaitingInvitation>> {
    accounts::require_proven(db, user).await?;
    let now = now_ms();
    let mut sql = Sql::new("SELECT COUNT(*) FROM invitations i");
    let cond = waiting_condition(&mut sql, user, now);
    sql.push(&cond);
    let total: i64 = sql.query_scalar().fetch_one(db).await?;
    let mut sql = Sql::new(
        "SELECT i.id, i.workspace_id, w.name AS workspace_name, u.name AS inviter_name, u.email AS inviter_email, \
         i.created_at, i.expires_at FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
         JOIN users u ON u.id = i.invited_by",
    );
    let cond = waiting_condition(&mut sql, user, now);
    sql.push(&cond);
    let found = db::keyset::<Waiting>(
        db,
        sql,
        Order {
            columns: ["i.created_at", "i.id"],
            descending: true,
        },
        window.after.as_deref(),
        window.before.as_deref(),
        window.limit.clamp(1, MAX_PAGE),
    )
    .await?;
    let ids: Vec<String> = found.items.iter().map(|w| w.id.clone()).collect();
    let mut granted = roles::invitation_roles_of(db, &ids).await?;
    Ok(Listing {
        items: found
            .items
            .into_iter()
            .map(|w| WaitingInvitation {
                roles: granted.remove(&w.id).unwrap_or_default(),
                id: w.id,
                workspace_id: w.workspace_id,
                workspace_name: w.workspace_name,
                inviter_name: w.inviter_name,
                inviter_email: w.inviter_email,
                sent_at: Timestamp(w.created_at),
                expires_at: Timestamp(w.expires_at),
            })
            .collect(),
        total,
        next: found.next,
        previous: found.previous,
    })
}

/// Open invitations to `user`'s address into workspaces they are not in.
fn waiting_condition(sql: &mut Sql, user: &User, now: i64) -> String {
    let email = sql.arg(user.email.as_str());
    let at = sql.arg(now);
    let me = sql.arg(user.id.as_str());
    format!(
        " WHERE i.email = {email} AND i.status = 'pending' AND i.expires_at > {at} \
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = i.workspace_id AND m.user_id = {me})"
    )
}

#[derive(sqlx::FromRow)]
struct Waiting {
    id: String,
    workspace_id: String,
    workspace_name: String,
    inviter_name: String,
    inviter_email: String,
    created_at: i64,
    expires_at: i64,
}

impl db::Keyed for Waiting {
    fn key(&self) -> [String; 2] {
        [self.created_at.to_string(), self.id.clone()]
    }

    fn args(parts: &[String]) -> Option<[Arg; 2]> {
        Row::args(parts)
    }
}

/// The open invitation `id` if it is addressed to `user` (proven), else the
/// one answer for an invitation that is not theirs or not open.
async fn waiting_one(db: &Db, user: &User, id: &str) -> AppResult<Open> {
    accounts::require_proven(db, user).await?;
    let open: Option<Open> = sqlx::query_as(
        "SELECT id, workspace_id, email, invited_by, COALESCE(token_hash, '') AS token_hash, link_emailed FROM invitations \
         WHERE id = $1 AND email = $2 AND status = 'pending' AND expires_at > $3",
    )
    .bind(id)
    .bind(&user.email)
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    open.ok_or_else(no_longer_pending)
}

/// The workspace's and the inviter's names of invitation `id` addressed to
/// `user`, for the question asked before declining it.
pub async fn waiting_names(db: &Db, user: &User, id: &str) -> AppResult<(String, String)> {
    let open = waiting_one(db, user, id).await?;
    let about = about(db, &open.id).await?;
    Ok((about.workspace_name, about.inviter_name))
}

/// Accepts an invitation from the signed-in person's list; returns the
/// workspace's id.
pub async fn accept_waiting(db: &Db, user: &User, id: &str) -> AppResult<String> {
    let open = waiting_one(db, user, id).await?;
    let mut tx = db.begin().await?;
    claim(&mut tx, &open).await.map_err(|e| match e {
        AppError::NotFound(_) => no_longer_pending(),
        e => e,
    })?;
    join(&mut tx, &open, user).await?;
    tx.commit().await?;
    Ok(open.workspace_id)
}

/// Declines an invitation from the signed-in person's list; returns the
/// workspace's name.
pub async fn decline_waiting(db: &Db, user: &User, id: &str) -> AppResult<String> {
    let open = waiting_one(db, user, id).await?;
    decline_open(db, &open, Some(user))
        .await
        .map_err(|_| no_longer_pending())
}

/// The name and password an invited person chose, each problem reported.
fn name_and_password(name: &str, password: &str) -> AppResult<(PersonName, NewPassword)> {
    match (PersonName::parse(name), NewPassword::parse(password)) {
        (Ok(n), Ok(p)) => Ok((n, p)),
        (n, p) => Err(AppError::fields([("name", n.err()), ("password", p.err())])),
    }
}

/// Creates the invited person's account (with the invited email) and joins.
pub async fn accept_with_new_account(db: &Db, token: &str, name: &str, password: &str) -> AppResult<(User, String)> {
    let open = find_open(db, token).await?;
    let email = EmailAddress::parse(&open.email).map_err(AppError::internal)?;
    let (name, password) = name_and_password(name, password)?;
    // Hashed before the transaction opens, so no connection waits on argon2.
    let password = HashedPassword::of(&password).await;
    let mut tx = db.begin().await?;
    // The claim comes before the account: of many simultaneous sign-ups through
    // one link, the losers are refused here with the one message for a used
    // link, rather than tripping over the winner's new account.
    claim(&mut tx, &open).await?;
    // An emailed link proves the address; one handed over does not, and a
    // link to confirm it goes out (the account works once it is opened).
    let address = if open.link_emailed == 1 {
        accounts::Address::Proven
    } else {
        accounts::Address::Unproven
    };
    let user = accounts::create_user(&mut tx, &name, &email, &password, address).await?;
    if address == accounts::Address::Unproven {
        crate::accounts::verification::start_proving(&mut tx, &user).await?;
    }
    join(&mut tx, &open, &user).await?;
    tx.commit().await?;
    Ok((user, open.workspace_id))
}

/// Takes over the invited address's account, which was started but never
/// proven, and joins: the link proves the mailbox, so its holder sets the
/// name and password, and whatever the account's maker left (sessions, API
/// tokens, pending links) is ended, in one transaction with the join.
pub async fn accept_by_claiming(db: &Db, token: &str, name: &str, password: &str) -> AppResult<(User, String)> {
    let open = find_open(db, token).await?;
    if open.link_emailed != 1 {
        return Err(AppError::Conflict(super::HANDED_OVER_CANNOT_CLAIM.into()));
    }
    let (name, password) = name_and_password(name, password)?;
    let password = HashedPassword::of(&password).await;
    let mut tx = db.begin().await?;
    claim(&mut tx, &open).await?;
    let Some(user) = crate::accounts::recovery::take_over(&mut tx, &open.email, &name, &password).await? else {
        return Err(AppError::Conflict(format!(
            "{} has a confirmed account: sign in to accept",
            open.email
        )));
    };
    join(&mut tx, &open, &user).await?;
    tx.commit().await?;
    Ok((user, open.workspace_id))
}

/// Signs in as the invited email's account and joins.
pub async fn accept_with_password(db: &Db, token: &str, password: &str) -> AppResult<(User, String)> {
    let open = find_open(db, token).await?;
    let (user, standing) = accounts::authenticate(db, &open.email, password)
        .await
        .map_err(|_| AppError::field("password", "The password is not right"))?;
    if standing == accounts::Standing::Unproven {
        // Whoever made the account may not hold the mailbox: the link's
        // holder takes it over instead (`accept_by_claiming`).
        return Err(AppError::field(
            "password",
            "This account's address was never confirmed: choose a new password to take it over",
        ));
    }
    let mut tx = db.begin().await?;
    claim(&mut tx, &open).await?;
    join(&mut tx, &open, &user).await?;
    tx.commit().await?;
    Ok((user, open.workspace_id))
}

/// The open invitation with `token`, for a sign-in through the company's
/// provider that is to accept it: its id and the address it was sent to.
pub async fn open_for_provider(db: &Db, token: &str) -> AppResult<(String, String)> {
    let open = find_open(db, token).await?;
    Ok((open.id, open.email))
}

/// Accepts invitation `id` as `user`, whose address the company's provider
/// vouched for, in the caller's transaction; returns the workspace's id. The
/// invitation must still be open and sent to `user`'s address.
pub async fn accept_through_provider(tx: &mut Tx<'_>, id: &str, user: &User) -> AppResult<String> {
    let open: Option<Open> = sqlx::query_as(
        "SELECT id, workspace_id, email, invited_by, COALESCE(token_hash, '') AS token_hash, link_emailed FROM invitations \
         WHERE id = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(id)
    .bind(now_ms())
    .fetch_optional(&mut **tx)
    .await?;
    let open = open.ok_or_else(invalid_link)?;
    if open.email != user.email {
        return Err(AppError::Forbidden(format!(
            "This invitation was sent to {}, but your company's sign-in is for {}",
            open.email, user.email
        )));
    }
    claim(tx, &open).await?;
    join(tx, &open, user).await?;
    Ok(open.workspace_id)
}

/// Closes the invitation, in the caller's transaction. The conditional update
/// lets exactly one of many simultaneous accepts through: on PostgreSQL the
/// others wait for the first to commit and then find it no longer pending.
async fn claim(tx: &mut Tx<'_>, open: &Open) -> AppResult<()> {
    // A rule made after the invitation holds at acceptance too.
    let policy = workspaces::policy(&mut **tx, &open.workspace_id).await?;
    if !policy.allows(&open.email) {
        let about: String = sqlx::query_scalar("SELECT name FROM workspaces WHERE id = $1")
            .bind(&open.workspace_id)
            .fetch_one(&mut **tx)
            .await?;
        return Err(AppError::DomainNotAllowed(format!(
            "{}. Ask the person who invited you",
            crate::workspaces::domain_refusal(&open.email, &about)
        )));
    }
    let now = now_ms();
    let claimed = sqlx::query(
        "UPDATE invitations SET status = 'accepted', token_hash = NULL, closed_at = $1 \
         WHERE id = $2 AND status = 'pending' AND expires_at > $1",
    )
    .bind(now)
    .bind(&open.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        return Err(invalid_link());
    }
    Ok(())
}

/// Adds the member the claimed invitation was for, with its roles, in the
/// caller's transaction.
async fn join(tx: &mut Tx<'_>, open: &Open, user: &User) -> AppResult<()> {
    sqlx::query("UPDATE invitations SET accepted_by = $1 WHERE id = $2")
        .bind(&user.id)
        .bind(&open.id)
        .execute(&mut **tx)
        .await?;
    members::join(tx, &open.workspace_id, user, &open.invited_by).await?;
    roles::grant_invitation_roles(tx, &open.workspace_id, &open.id, &user.id).await?;
    let groups: Vec<String> = sqlx::query_scalar("SELECT group_id FROM invitation_groups WHERE invitation_id = $1")
        .bind(&open.id)
        .fetch_all(&mut **tx)
        .await?;
    crate::groups::service::join_all(tx, &user.id, &groups).await?;
    outbox::cancel(tx, &open.id).await?;
    record(tx, &open.workspace_id, Some(user), "invitation.accept", &open.email).await?;
    tx.announce(&open.workspace_id, "invitation.accepted", &open.id).await?;
    metrics::count(metrics::INVITATIONS, "event", "accepted");
    Ok(())
}

/// Which of the addresses `typed` (as typed into the invite form; the first
/// `KNOWN_AT_ONCE` valid ones) are members' or have a pending invitation.
pub async fn known(db: &Db, access: &Access, typed: &[String]) -> AppResult<Vec<super::KnownAddress>> {
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let parsed: Vec<(String, String)> = typed
        .iter()
        .filter_map(|t| EmailAddress::parse(t).ok().map(|e| (t.clone(), e.as_str().to_string())))
        .take(super::KNOWN_AT_ONCE)
        .collect();
    let emails: Vec<String> = parsed.iter().map(|(_, e)| e.clone()).collect();
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let members = members::members_among(db, &access.workspace_id, &emails).await?;
    let mut sql = Sql::new("SELECT email FROM invitations");
    let ws = sql.arg(access.workspace_id.as_str());
    let list = sql.args(&emails);
    sql.push(&format!(
        " WHERE workspace_id = {ws} AND status = 'pending' AND email IN ({list})"
    ));
    let invited: Vec<String> = sql.query_scalar().fetch_all(db).await?;
    Ok(parsed
        .into_iter()
        .filter_map(|(typed, email)| {
            let member = members.contains(&email);
            (member || invited.contains(&email)).then_some(super::KnownAddress { typed, member })
        })
        .collect())
}
