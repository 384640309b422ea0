//! The rules of inviting: one pending invitation per address, renew instead of
//! duplicate, members cannot be invited, links are single use and expire.

use super::{Delivery, FailedAddress, InvitationPreview, InviteReport, PendingInvitation};
use crate::accounts::service::{self as accounts, User};
use crate::domain::{EmailAddress, NewPassword, PersonName, split_email_list};
use crate::error::{AppError, AppResult};
use crate::mail::outbox;
use crate::platform::config::Config;
use crate::platform::crypto;
use crate::platform::db::{self, Db, Tx, now_ms};
use crate::platform::when;
use crate::roles::service as roles;
use crate::roles::{Permission, Resource, Target};
use crate::workspaces::service::{Access, record};
use sqlx::Row;

/// The most addresses one Send takes.
pub const MAX_BATCH: usize = 50;

/// The one answer for every link that cannot be used: unknown, expired, revoked
/// or used. Nothing in it tells which.
pub fn invalid_link() -> AppError {
    AppError::NotFound(
        "This invitation link can't be used. It may have expired, been withdrawn or already been used, \
         or it was not copied whole. Ask the person who invited you to send a new one"
            .into(),
    )
}

enum Sent {
    New,
    Renewed,
}

/// Why one address of a batch was not invited.
#[derive(Clone)]
struct Refusal {
    code: &'static str,
    reason: String,
    retry_after: Option<u64>,
}

impl Refusal {
    fn new(code: &'static str, reason: String) -> Self {
        Refusal {
            code,
            reason,
            retry_after: None,
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
/// What the audit trail calls an invitation email going out.
const SENDING: [&str; 2] = ["invitation.create", "invitation.resend"];

/// How many more invitations the caller may send now, within the hourly
/// limits of the workspace and of each inviter. They are counted in the
/// database (from the audit trail), so instances sharing one PostgreSQL share
/// them. When none may go, the refusal says why and when to try again.
async fn quota(db: &Db, config: &Config, access: &Access) -> AppResult<Result<usize, Refusal>> {
    let now = now_ms();
    let mut allowed = usize::MAX;
    for (limit, actor) in [
        (config.invitations_per_hour_per_workspace, None),
        (config.invitations_per_hour_per_inviter, Some(access.user.id.as_str())),
    ] {
        if limit == 0 {
            continue;
        }
        let times =
            crate::workspaces::service::recent_times(db, &access.workspace_id, actor, SENDING, now - HOUR_MS, limit)
                .await?;
        let left = limit as usize - times.len().min(limit as usize);
        if left == 0 {
            // A slot frees when the oldest of the last `limit` leaves the hour.
            let oldest = times.last().copied().unwrap_or(now);
            let secs = ((oldest + HOUR_MS - now).max(1000) as u64).div_ceil(1000);
            let who = match actor {
                Some(_) => "You have".to_string(),
                None => format!("{} has", access.workspace_name),
            };
            return Ok(Err(Refusal {
                code: "rate_limited",
                reason: format!(
                    "{who} sent {limit} invitations in the last hour, the most {} may. Try again in {}",
                    if actor.is_some() { "one person" } else { "a workspace" },
                    crate::error::in_a_while(secs)
                ),
                retry_after: Some(secs),
            }));
        }
        allowed = allowed.min(left);
    }
    Ok(Ok(allowed))
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r.retry_after {
            Some(retry_after) => AppError::RateLimited {
                message: r.reason,
                retry_after,
            },
            None => AppError::Conflict(r.reason),
        }
    }
}

/// An address gets at most one invitation email per `resend_interval`, however
/// it is asked for (resend, or inviting it again), so that nobody can flood an
/// inbox through the invite form or the API; an expired invitation can always
/// be renewed. `sent_at` is when it was last sent.
fn too_soon(config: &Config, email: &str, sent_at: i64, now: i64) -> Refusal {
    let wait_ms = (sent_at + config.resend_interval.as_millis() as i64 - now).max(1000);
    let secs = (wait_ms as u64).div_ceil(1000);
    Refusal {
        code: "rate_limited",
        reason: format!(
            "An invitation was sent to {email} moments ago. You can send it again in {}",
            crate::error::in_a_while(secs)
        ),
        retry_after: Some(secs),
    }
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
            .map(|f| f.retry_after)
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
                .into_iter()
                .map(|f| crate::error::FieldError {
                    field: "emails".into(),
                    message: f.reason,
                })
                .collect(),
        ));
    }
    Ok(report)
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
    let mut quota = quota(db, config, access).await?;
    for raw_address in addresses {
        let email = match EmailAddress::parse(&raw_address) {
            Ok(e) => e,
            Err(reason) => {
                report.failed.push(FailedAddress {
                    email: raw_address,
                    reason,
                    code: "invalid_email".into(),
                    retry_after: None,
                });
                continue;
            }
        };
        if matches!(quota, Ok(0)) {
            // Used up by this batch: counted again, for the refusal's words and wait.
            quota = self::quota(db, config, access).await?;
        }
        if let Err(refusal) = &quota {
            report.failed.push(FailedAddress {
                email: email.to_string(),
                reason: refusal.reason.clone(),
                code: refusal.code.into(),
                retry_after: refusal.retry_after,
            });
            continue;
        }
        let outcome = invite_one(db, config, access, &email, &roles, send_email).await?;
        if outcome.is_ok()
            && let Ok(n) = &mut quota
        {
            *n = n.saturating_sub(1);
        }
        match outcome {
            Ok(Sent::New) => report.sent.push(email.to_string()),
            Ok(Sent::Renewed) => report.resent.push(email.to_string()),
            Err(refusal) => report.failed.push(FailedAddress {
                email: email.to_string(),
                reason: refusal.reason,
                code: refusal.code.into(),
                retry_after: refusal.retry_after,
            }),
        }
    }

    Ok(report)
}

/// One address, in one transaction with its email. The inner error is a
/// refusal of this address alone.
async fn invite_one(
    db: &Db,
    config: &Config,
    access: &Access,
    email: &EmailAddress,
    roles: &[String],
    send_email: bool,
) -> AppResult<Result<Sent, Refusal>> {
    let now = now_ms();
    let expires = now + config.invitation_ttl.as_millis() as i64;
    let mut tx = db.begin().await?;

    // Writing first takes SQLite's write lock at once, so concurrent invites wait
    // for each other instead of failing on a stale read. An address sent its
    // invitation moments ago is not renewed (see `too_soon`).
    let renewed = sqlx::query(
        "UPDATE invitations SET token_hash = NULL, created_at = $1, expires_at = $2, invited_by = $3, send_email = $6 \
         WHERE workspace_id = $4 AND email = $5 AND status = 'pending' AND (created_at <= $7 OR expires_at <= $1)",
    )
    .bind(now)
    .bind(expires)
    .bind(&access.user.id)
    .bind(&access.workspace_id)
    .bind(email.as_str())
    .bind(i64::from(send_email))
    .bind(now - config.resend_interval.as_millis() as i64)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !renewed {
        let recent = sqlx::query(
            "SELECT created_at FROM invitations WHERE workspace_id = $1 AND email = $2 AND status = 'pending'",
        )
        .bind(&access.workspace_id)
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(r) = recent {
            tx.rollback().await?;
            let wait = too_soon(config, email.as_str(), r.try_get("created_at")?, now);
            return Ok(Err(wait));
        }
    }

    let is_member = sqlx::query(
        "SELECT 1 AS one FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
    )
    .bind(&access.workspace_id)
    .bind(email.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    if is_member {
        tx.rollback().await?;
        return Ok(Err(Refusal::new(
            "already_member",
            format!("{email} is already a member of {}", access.workspace_name),
        )));
    }

    let invitation_id = if renewed {
        let id: String =
            sqlx::query("SELECT id FROM invitations WHERE workspace_id = $1 AND email = $2 AND status = 'pending'")
                .bind(&access.workspace_id)
                .bind(email.as_str())
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
        outbox::cancel_for_invitation(&mut tx, &id).await?;
        id
    } else {
        let id = db::new_id();
        let inserted = sqlx::query(
            "INSERT INTO invitations (id, workspace_id, email, invited_by, token_hash, status, send_email, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, NULL, 'pending', $7, $5, $6)",
        )
        .bind(&id)
        .bind(&access.workspace_id)
        .bind(email.as_str())
        .bind(&access.user.id)
        .bind(now)
        .bind(expires)
        .bind(i64::from(send_email))
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => id,
            Err(e) if db::is_unique_violation(&e) => {
                return Ok(Err(Refusal::new(
                    "conflict",
                    format!("{email} was invited by someone else a moment ago"),
                )));
            }
            Err(e) => return Err(e.into()),
        }
    };

    roles::replace_invitation_roles(&mut tx, &invitation_id, roles).await?;
    if send_email {
        outbox::enqueue_invitation(&mut tx, &invitation_id, email.as_str()).await?;
    }
    let action = if renewed {
        "invitation.resend"
    } else {
        "invitation.create"
    };
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        action,
        email.as_str(),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(if renewed { Sent::Renewed } else { Sent::New }))
}

/// The workspace's open invitations, newest first; expired ones included.
pub async fn pending(db: &Db, access: &Access) -> AppResult<Vec<PendingInvitation>> {
    access.authorize(Permission::Read, Resource::UserManagement, "see pending invitations")?;
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT i.id, i.email, i.created_at, i.expires_at, i.send_email, u.name AS inviter, \
           (SELECT e.state FROM emails e WHERE e.invitation_id = i.id ORDER BY e.created_at DESC LIMIT 1) AS email_state \
         FROM invitations i JOIN users u ON u.id = i.invited_by \
         WHERE i.workspace_id = $1 AND i.status = 'pending' ORDER BY i.created_at DESC, i.email",
    )
    .bind(&access.workspace_id)
    .fetch_all(db)
    .await?;
    let mut roles = roles::names_by(
        db,
        "SELECT ir.invitation_id AS owner_id, ir.role_name AS name FROM invitation_roles ir \
           JOIN invitations i ON i.id = ir.invitation_id WHERE i.workspace_id = $1 AND i.status = 'pending' ORDER BY ir.role_name",
        &access.workspace_id,
    )
    .await?;
    rows.iter()
        .map(|r| {
            let created: i64 = r.try_get("created_at")?;
            let expires: i64 = r.try_get("expires_at")?;
            let state: Option<String> = r.try_get("email_state")?;
            let delivery = match (state.as_deref(), r.try_get::<i64, _>("send_email")?) {
                (Some("sent"), _) => Delivery::Sent,
                (Some("failed"), _) => Delivery::Failed,
                (_, 0) => Delivery::NotRequested,
                _ => Delivery::Queued,
            };
            let id: String = r.try_get("id")?;
            Ok(PendingInvitation {
                roles: roles.remove(&id).unwrap_or_default(),
                id,
                email: r.try_get("email")?,
                invited_by: r.try_get("inviter")?,
                sent_at: when::display(created),
                sent_at_iso: when::iso(created),
                expires_at: when::display(expires),
                expires_at_iso: when::iso(expires),
                expired: expires <= now,
                delivery,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Withdraws a pending invitation: its link stops working and unsent email is dropped.
pub async fn revoke(db: &Db, access: &Access, invitation_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "withdraw invitations")?;
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "UPDATE invitations SET status = 'revoked', token_hash = NULL, closed_at = $1 \
         WHERE id = $2 AND workspace_id = $3 AND status = 'pending' RETURNING email",
    )
    .bind(now_ms())
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound("That invitation is no longer pending".into()));
    };
    let email: String = row.try_get("email")?;
    outbox::cancel_for_invitation(&mut tx, invitation_id).await?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "invitation.revoke",
        &email,
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// Renews a pending (or expired) invitation and sends its email again, with a
/// new link; its roles stay. Returns its email.
pub async fn resend(db: &Db, config: &Config, access: &Access, invitation_id: &str) -> AppResult<String> {
    access.authorize(Permission::Write, Resource::UserManagement, "resend invitations")?;
    if let Err(refusal) = quota(db, config, access).await? {
        return Err(refusal.into());
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "UPDATE invitations SET token_hash = NULL, created_at = $1, expires_at = $2, invited_by = $3, send_email = 1 \
         WHERE id = $4 AND workspace_id = $5 AND status = 'pending' AND (created_at <= $6 OR expires_at <= $1) \
         RETURNING email",
    )
    .bind(now)
    .bind(now + config.invitation_ttl.as_millis() as i64)
    .bind(&access.user.id)
    .bind(invitation_id)
    .bind(&access.workspace_id)
    .bind(now - config.resend_interval.as_millis() as i64)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let pending = sqlx::query(
            "SELECT email, created_at FROM invitations WHERE id = $1 AND workspace_id = $2 AND status = 'pending'",
        )
        .bind(invitation_id)
        .bind(&access.workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Err(match pending {
            Some(r) => too_soon(config, &r.try_get::<String, _>("email")?, r.try_get("created_at")?, now).into(),
            None => AppError::NotFound("That invitation is no longer pending".into()),
        });
    };
    let email: String = row.try_get("email")?;
    outbox::cancel_for_invitation(&mut tx, invitation_id).await?;
    outbox::enqueue_invitation(&mut tx, invitation_id, &email).await?;
    record(
        &mut tx,
        &access.workspace_id,
        Some(&access.user.id),
        "invitation.resend",
        &email,
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// What an invitation email says, with a freshly minted link.
pub struct InvitationMail {
    pub to: String,
    pub workspace_name: String,
    pub inviter_name: String,
    pub inviter_email: String,
    pub url: String,
    pub expires_on: String,
    /// What accepting grants, by role name.
    pub roles: Vec<String>,
}

/// Mints a new single-use token for a pending invitation (the previous link stops
/// working) and returns what its email needs. `None` when the invitation is no
/// longer open, so its email should be dropped.
pub async fn mint_link(db: &Db, config: &Config, invitation_id: &str) -> AppResult<Option<InvitationMail>> {
    let token = crypto::new_token();
    let updated =
        sqlx::query("UPDATE invitations SET token_hash = $1 WHERE id = $2 AND status = 'pending' AND expires_at > $3")
            .bind(crypto::token_hash(&token))
            .bind(invitation_id)
            .bind(now_ms())
            .execute(db)
            .await?
            .rows_affected();
    if updated == 0 {
        return Ok(None);
    }
    let r = sqlx::query(
        "SELECT i.email, i.expires_at, w.name AS workspace_name, u.name AS inviter_name, u.email AS inviter_email \
         FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN users u ON u.id = i.invited_by WHERE i.id = $1",
    )
    .bind(invitation_id)
    .fetch_one(db)
    .await?;
    Ok(Some(InvitationMail {
        to: r.try_get("email")?,
        workspace_name: r.try_get("workspace_name")?,
        inviter_name: r.try_get("inviter_name")?,
        inviter_email: r.try_get("inviter_email")?,
        url: config.url_for(&format!("/invite/{token}")),
        expires_on: when::display(r.try_get("expires_at")?),
        roles: roles::invitation_role_names(db, invitation_id).await?,
    }))
}

/// An open invitation found by its link's token.
struct Open {
    id: String,
    workspace_id: String,
    email: String,
    invited_by: String,
}

async fn find_open(db: &Db, token: &str) -> AppResult<Open> {
    if !crypto::plausible_token(token) {
        return Err(invalid_link());
    }
    let row = sqlx::query(
        "SELECT id, workspace_id, email, invited_by, token_hash FROM invitations \
         WHERE token_hash = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(crypto::token_hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    match row {
        Some(r) if crypto::token_matches(token, &r.try_get::<String, _>("token_hash")?) => Ok(Open {
            id: r.try_get("id")?,
            workspace_id: r.try_get("workspace_id")?,
            email: r.try_get("email")?,
            invited_by: r.try_get("invited_by")?,
        }),
        _ => Err(invalid_link()),
    }
}

/// What the accept page shows. Reading it changes nothing (mail scanners open links).
pub async fn preview(db: &Db, token: &str, viewer: Option<&User>) -> AppResult<InvitationPreview> {
    let open = find_open(db, token).await?;
    let r = sqlx::query(
        "SELECT i.expires_at, w.name AS workspace_name, u.name AS inviter_name, u.email AS inviter_email, \
           (SELECT COUNT(*) FROM users x WHERE x.email = i.email) AS accounts \
         FROM invitations i JOIN workspaces w ON w.id = i.workspace_id JOIN users u ON u.id = i.invited_by WHERE i.id = $1",
    )
    .bind(&open.id)
    .fetch_one(db)
    .await?;
    let already_member = match viewer {
        Some(v) => sqlx::query("SELECT 1 AS one FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(&open.workspace_id)
            .bind(&v.id)
            .fetch_optional(db)
            .await?
            .is_some(),
        None => false,
    };
    Ok(InvitationPreview {
        workspace_id: open.workspace_id,
        workspace_name: r.try_get("workspace_name")?,
        inviter_name: r.try_get("inviter_name")?,
        inviter_email: r.try_get("inviter_email")?,
        email: open.email,
        expires_at: when::display(r.try_get("expires_at")?),
        account_exists: r.try_get::<i64, _>("accounts")? > 0,
        signed_in_as: viewer.map(|v| v.email.clone()),
        already_member,
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

/// Creates the invited person's account (with the invited email) and joins.
pub async fn accept_with_new_account(db: &Db, token: &str, name: &str, password: &str) -> AppResult<(User, String)> {
    let open = find_open(db, token).await?;
    let email = EmailAddress::parse(&open.email).map_err(|_| AppError::Internal)?;
    let name = PersonName::parse(name);
    let password = NewPassword::parse(password);
    let (name, password) = match (name, password) {
        (Ok(n), Ok(p)) => (n, p),
        (n, p) => {
            let mut errors = Vec::new();
            if let Err(m) = n {
                errors.push(crate::error::FieldError {
                    field: "name".into(),
                    message: m,
                });
            }
            if let Err(m) = p {
                errors.push(crate::error::FieldError {
                    field: "password".into(),
                    message: m,
                });
            }
            return Err(AppError::Invalid(errors));
        }
    };
    // Hashed before the transaction opens, so no connection waits on argon2.
    let password = accounts::HashedPassword::of(&password).await;
    let mut tx = db.begin().await?;
    // The claim comes before the account: of many simultaneous sign-ups through
    // one link, the losers are refused here with the one message for a used
    // link, rather than tripping over the winner's new account.
    claim(&mut tx, &open).await?;
    let user = accounts::create_user(&mut tx, &name, &email, &password).await?;
    join(&mut tx, &open, &user).await?;
    tx.commit().await?;
    Ok((user, open.workspace_id))
}

/// Signs in as the invited email's account and joins.
pub async fn accept_with_password(db: &Db, token: &str, password: &str) -> AppResult<(User, String)> {
    let open = find_open(db, token).await?;
    let user = accounts::authenticate(db, &open.email, password)
        .await
        .map_err(|_| AppError::field("password", "The password is not right"))?;
    let mut tx = db.begin().await?;
    claim(&mut tx, &open).await?;
    join(&mut tx, &open, &user).await?;
    tx.commit().await?;
    Ok((user, open.workspace_id))
}

/// Closes the invitation, in the caller's transaction. The conditional update
/// lets exactly one of many simultaneous accepts through: on PostgreSQL the
/// others wait for the first to commit and then find it no longer pending.
async fn claim(tx: &mut Tx<'_>, open: &Open) -> AppResult<()> {
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
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, is_owner, invited_by, joined_at) VALUES ($1, $2, 0, $3, $4) \
         ON CONFLICT (workspace_id, user_id) DO NOTHING",
    )
    .bind(&open.workspace_id)
    .bind(&user.id)
    .bind(&open.invited_by)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    roles::grant_invitation_roles(tx, &open.workspace_id, &open.id, &user.id).await?;
    outbox::cancel_for_invitation(tx, &open.id).await?;
    record(tx, &open.workspace_id, Some(&user.id), "invitation.accept", &open.email).await?;
    Ok(())
}
