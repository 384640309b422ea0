//! `/workspaces/{ws}/invitations`: inviting (`invite_user`), the pending list
//! (`get_pending_invitations`), withdrawing (`delete_pending_invitation`),
//! resending and changing what an invitation grants.

use super::ApiError;
use super::Page;
use super::extract::{
    Answer, Body, Caller, InWorkspace, InvitationPath, Params, RoleRef, RolesBody, created, role_names, workspace,
};
use super::page::{PageQuery, list_error};
use crate::access::{Access, Permission, Resource};
use crate::domain::EmailAddress;
use crate::error::ErrorCode;
use crate::invitations::service::{self as invitations, Lookup};
use crate::invitations::{Delivery, PendingInvitation};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// A pending invitation as the API shows it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    /// The inviter's name.
    pub invited_by: String,
    /// When it was last sent, as people read it: "26 Nov 2026, 14:05 UTC".
    pub sent_at: String,
    /// The same, RFC 3339.
    pub sent_at_iso: String,
    pub expires_at: String,
    pub expires_at_iso: String,
    pub expired: bool,
    pub delivery: Delivery,
    /// What accepting grants (role names).
    pub roles: Vec<String>,
}

impl From<PendingInvitation> for Invitation {
    fn from(i: PendingInvitation) -> Self {
        Invitation {
            id: i.id,
            email: i.email,
            invited_by: i.invited_by,
            sent_at: i.sent_at.display(),
            sent_at_iso: i.sent_at.iso(),
            expires_at: i.expires_at.display(),
            expires_at_iso: i.expires_at.iso(),
            expired: i.expired,
            delivery: i.delivery,
            roles: i.roles,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    email: String,
    #[serde(default)]
    roles: Vec<RoleRef>,
    #[serde(default = "yes")]
    send_email: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvitationCreated {
    /// `sent` for a new invitation, `renewed` when one was pending already.
    pub status: String,
    pub invitation: Invitation,
    /// With `send_email: false`, the link to hand over; shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
}

/// The pending invitation `key` names. One that was accepted or withdrawn is
/// gone (410), and says which.
async fn pending(state: &AppState, access: &Access, key: &str) -> Answer<PendingInvitation> {
    match invitations::lookup(&state.db, access, key).await? {
        Lookup::Pending(found) => Ok(found),
        Lookup::Closed {
            email,
            accepted,
            declined,
        } => Err(ApiError::new(
            ErrorCode::Gone,
            format!(
                "The invitation to {email} {}; it is no longer pending",
                if accepted {
                    "was accepted"
                } else if declined {
                    "was declined"
                } else {
                    "was withdrawn"
                }
            ),
        )),
        Lookup::Nothing => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("There is no pending invitation for {key}"),
        )),
    }
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations", tag = "Invitations", summary = "Invites one person (invite_user), renewing a pending invitation", params(InWorkspace), request_body = NewInvitation, responses((status = 201, body = InvitationCreated), super::error::Refusals))]
pub async fn create_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    Body(b): Body<NewInvitation>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let email = match crate::domain::split_email_list(&b.email).as_slice() {
        [one] => EmailAddress::parse(one)
            .map_err(|reason| ApiError::new(ErrorCode::InvalidEmail, reason).on_field("email"))?,
        _ => {
            return Err(
                ApiError::new(ErrorCode::InvalidEmail, "Send one email address per invitation").on_field("email"),
            );
        }
    };
    let report = invitations::invite_with(
        &state.db,
        &state.config,
        &access,
        email.as_str(),
        &role_names(b.roles),
        b.send_email,
    )
    .await
    .map_err(|e| ApiError::from(e).renamed_field("emails", "email"))?;
    if let Some(failed) = report.failed.first() {
        let mut error = ApiError::new(failed.failure.code(), failed.reason.clone()).on_field("email");
        error.retry_after = failed.failure.retry_after();
        return Err(error);
    }
    let status = if report.sent.is_empty() { "renewed" } else { "sent" };
    let invitation = report
        .written
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::from(crate::error::AppError::internal("an invitation without its row")))?;
    let accept_url = if b.send_email {
        state.mailer.wake();
        None
    } else {
        invitations::mint_link(&state.db, &state.config, &invitation.id, false)
            .await?
            .map(|m| m.url)
    };
    Ok(created(InvitationCreated {
        status: status.into(),
        invitation: invitation.into(),
        accept_url,
    }))
}

#[utoipa::path(get, path = "/workspaces/{ws}/invitations", tag = "Invitations", summary = "The pending invitations (get_pending_invitations)", params(InWorkspace, PageQuery), responses((status = 200, body = Page<Invitation>), super::error::Refusals))]
pub async fn list_invitations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    q: PageQuery,
) -> Answer<Json<Page<Invitation>>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let page = invitations::page(&state.db, &access, &Default::default(), &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(Page::of(page, Invitation::from)))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/invitations/{invitation}", tag = "Invitations", summary = "Withdraws a pending invitation (delete_pending_invitation)", params(InvitationPath), responses((status = 204, description = "Done"), super::error::Refusals))]
pub async fn delete_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InvitationPath>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &p.ws).await?;
    // The grant the action needs is named before the lookup's own.
    access.authorize(Permission::Write, Resource::UserManagement, "withdraw invitations")?;
    let invitation = pending(&state, &access, &p.invitation).await?;
    invitations::revoke(&state.db, &access, &invitation.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations/{invitation}/resend", tag = "Invitations", summary = "Renews an invitation and sends its email again", params(InvitationPath), responses((status = 200, body = Invitation), super::error::Refusals))]
pub async fn resend_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InvitationPath>,
) -> Answer<Json<Invitation>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    access.authorize(Permission::Write, Resource::UserManagement, "resend invitations")?;
    let invitation = pending(&state, &access, &p.invitation).await?;
    invitations::resend(&state.db, &state.config, &access, &invitation.id).await?;
    state.mailer.wake();
    Ok(Json(pending(&state, &access, &invitation.id).await?.into()))
}

/// A pending invitation's link, handed over instead of emailed.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvitationLink {
    pub invitation: Invitation,
    /// The link to hand over; shown this once. The emailed link no longer works.
    pub accept_url: String,
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations/{invitation}/link", tag = "Invitations", summary = "Makes a new link to hand over yourself: the emailed one stops working and no email goes", params(InvitationPath), responses((status = 200, body = InvitationLink), super::error::Refusals))]
pub async fn create_invitation_link(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InvitationPath>,
) -> Answer<Json<InvitationLink>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    access.authorize(Permission::Write, Resource::UserManagement, "copy invitation links")?;
    let invitation = pending(&state, &access, &p.invitation).await?;
    let link = invitations::share_link(&state.db, &state.config, &access, &invitation.id).await?;
    Ok(Json(InvitationLink {
        invitation: pending(&state, &access, &invitation.id).await?.into(),
        accept_url: link.url,
    }))
}

#[utoipa::path(put, path = "/workspaces/{ws}/invitations/{invitation}/roles", tag = "Invitations", summary = "Changes what accepting the invitation grants", params(InvitationPath), request_body = RolesBody, responses((status = 200, body = Invitation), super::error::Refusals))]
pub async fn set_invitation_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InvitationPath>,
    Body(b): Body<RolesBody>,
) -> Answer<Json<Invitation>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let invitation = pending(&state, &access, &p.invitation).await?;
    invitations::set_roles(&state.db, &access, &invitation.id, &role_names(b.roles)).await?;
    Ok(Json(pending(&state, &access, &invitation.id).await?.into()))
}

/// One person in a batch.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct BatchInvitee {
    email: String,
    /// Suggested to them when they sign up.
    #[serde(default)]
    name: Option<String>,
    /// Roles (names, or role objects) the invitation gives.
    #[serde(default)]
    roles: Vec<RoleRef>,
    /// Groups (names) they join when they accept.
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Batch {
    /// Up to 100 people.
    invitations: Vec<BatchInvitee>,
    /// Check each without sending anything.
    #[serde(default)]
    dry_run: bool,
}

/// What became (or, in a dry run, would become) of each, in the order given.
#[derive(Serialize, utoipa::ToSchema)]
pub struct BatchResults {
    results: Vec<crate::invitations::bulk::RowResult>,
}

#[utoipa::path(post, path = "/workspaces/{ws}/invitations/batch", tag = "Invitations", summary = "Invites up to 100 people, each with their own roles and groups; dry_run checks them without sending", params(InWorkspace), request_body = Batch, responses((status = 200, body = BatchResults), super::error::Refusals))]
pub async fn create_invitation_batch(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    Body(b): Body<Batch>,
) -> Answer<Json<BatchResults>> {
    use crate::invitations::bulk::{BulkRow, MAX_API_BATCH};
    let bad = |m: String| ApiError::new(ErrorCode::BadRequest, m).on_field("invitations");
    if b.invitations.is_empty() {
        return Err(bad("Send at least one invitation".into()));
    }
    if b.invitations.len() > MAX_API_BATCH {
        return Err(bad(format!(
            "Send up to {MAX_API_BATCH} invitations a request; this one has {}",
            b.invitations.len()
        )));
    }
    let access = workspace(&state, &caller, &p.ws).await?;
    let rows: Vec<BulkRow> = b
        .invitations
        .into_iter()
        .enumerate()
        .map(|(i, r)| BulkRow {
            line: i + 1,
            email: r.email,
            name: r.name.unwrap_or_default(),
            roles: role_names(r.roles),
            groups: r.groups,
        })
        .collect();
    let results = if b.dry_run {
        crate::invitations::batch::preview(&state.db, &state.config, &access, &rows).await?
    } else {
        let results = crate::invitations::batch::send(&state.db, &state.config, &access, &rows).await?;
        state.mailer.wake();
        results
    };
    Ok(Json(BatchResults { results }))
}
