//! `/me`: who a token acts for, and the invitations addressed to them.

use super::Page;
use super::extract::{Answer, Caller, MyInvitationPath, Params};
use super::page::{PageQuery, list_error};
use crate::invitations::WaitingInvitation;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// The person a token acts for.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: String,
    /// Whether the address is proven (a link emailed to it was opened).
    pub email_verified: bool,
}

#[utoipa::path(get, path = "/me", tag = "Me", summary = "Who the token acts for", responses((status = 200, body = Me), super::error::Refusals))]
pub async fn get_me(State(state): State<AppState>, Caller(caller): Caller) -> Answer<Json<Me>> {
    let email_verified = crate::accounts::service::require_proven(&state.db, &caller)
        .await
        .is_ok();
    Ok(Json(Me {
        id: caller.id,
        email: caller.email,
        name: caller.name,
        email_verified,
    }))
}

/// An invitation addressed to the token's owner.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvitationForMe {
    pub id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    /// Who invited: their name and address.
    pub invited_by: String,
    pub invited_by_email: String,
    /// What accepting grants (role names).
    pub roles: Vec<String>,
    /// When it was last sent, as people read it, and RFC 3339.
    pub sent_at: String,
    pub sent_at_iso: String,
    pub expires_at: String,
    pub expires_at_iso: String,
}

impl From<WaitingInvitation> for InvitationForMe {
    fn from(w: WaitingInvitation) -> Self {
        InvitationForMe {
            id: w.id,
            workspace_id: w.workspace_id,
            workspace_name: w.workspace_name,
            invited_by: w.inviter_name,
            invited_by_email: w.inviter_email,
            roles: w.roles,
            sent_at: w.sent_at.display(),
            sent_at_iso: w.sent_at.iso(),
            expires_at: w.expires_at.display(),
            expires_at_iso: w.expires_at.iso(),
        }
    }
}

#[utoipa::path(get, path = "/me/invitations", tag = "Me", summary = "The pending invitations addressed to the token's owner (whose address must be proven), newest first", params(PageQuery), responses((status = 200, body = Page<InvitationForMe>), super::error::Refusals))]
pub async fn list_my_invitations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    q: PageQuery,
) -> Answer<Json<Page<InvitationForMe>>> {
    let page = crate::invitations::service::waiting_for(&state.db, &caller, &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(Page::of(page, InvitationForMe::from)))
}

/// The workspace an accepted invitation joined.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Joined {
    pub workspace_id: String,
}

#[utoipa::path(post, path = "/me/invitations/{invitation}/accept", tag = "Me", summary = "Accepts an invitation addressed to the token's owner", params(MyInvitationPath), responses((status = 200, body = Joined), super::error::Refusals))]
pub async fn accept_my_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<MyInvitationPath>,
) -> Answer<Json<Joined>> {
    let workspace_id = crate::invitations::service::accept_waiting(&state.db, &caller, &p.invitation).await?;
    Ok(Json(Joined { workspace_id }))
}

#[utoipa::path(post, path = "/me/invitations/{invitation}/decline", tag = "Me", summary = "Declines an invitation addressed to the token's owner", params(MyInvitationPath), responses((status = 204, description = "Done"), super::error::Refusals))]
pub async fn decline_my_invitation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<MyInvitationPath>,
) -> Answer<axum::http::StatusCode> {
    crate::invitations::service::decline_waiting(&state.db, &caller, &p.invitation).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
