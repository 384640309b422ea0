//! Server functions for invitations. Each checks who is calling, then hands the
//! work to the service.

use super::{InvitationPreview, InviteReport, PendingInvitation};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::{ratelimit::Limit, request};

/// Invites one or more people (`emails` separated by commas, spaces or
/// newlines), each to be given `roles` when they accept.
#[server(endpoint = "invite_user")]
pub async fn invite_user(
    workspace_id: String,
    emails: String,
    #[server(default)] roles: Vec<String>,
) -> Result<InviteReport, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let report = super::service::invite(&state.db, &state.config, &access, &emails, &roles).await?;
    state.mailer.wake();
    request::notice_for_plain_form(&report.summary());
    Ok(report)
}

/// The workspace's pending invitations.
#[server(endpoint = "pending_invitations")]
pub async fn pending_invitations(workspace_id: String) -> Result<Vec<PendingInvitation>, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::pending(&state.db, &access).await
}

/// Withdraws a pending invitation.
#[server(endpoint = "delete_invitation")]
pub async fn delete_invitation(workspace_id: String, invitation_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let email = super::service::revoke(&state.db, &access, &invitation_id).await?;
    request::notice_for_plain_form(&format!("Invitation to {email} deleted"));
    Ok(email)
}

/// Renews an invitation and sends its email again with a new link.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(workspace_id: String, invitation_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let email = super::service::resend(&state.db, &state.config, &access, &invitation_id).await?;
    state.mailer.wake();
    request::notice_for_plain_form(&format!("Invitation to {email} sent again"));
    Ok(email)
}

/// Changes what a pending invitation grants when accepted.
#[server(endpoint = "set_invitation_roles")]
pub async fn set_invitation_roles(
    workspace_id: String,
    invitation_id: String,
    #[server(default)] roles: Vec<String>,
) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let email = crate::roles::service::set_invitation_roles(&state.db, &access, &invitation_id, &roles).await?;
    request::notice_for_plain_form(&format!("Roles for {email}'s invitation saved"));
    Ok(email)
}

/// What the accept page shows for `token`.
#[server(endpoint = "get_invitation_preview")]
pub async fn get_invitation_preview(token: String) -> Result<InvitationPreview, AppError> {
    let state = request::state()?;
    request::rate_limit(&state, "accept", Limit::ACCEPT)?;
    let viewer = request::current_user().await?;
    super::service::preview(&state.db, &token, viewer.as_ref()).await
}

/// Accepts as the signed-in person.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let state = request::state()?;
    request::rate_limit(&state, "accept", Limit::ACCEPT)?;
    let user = request::require_user().await?;
    let workspace_id = super::service::accept_as(&state.db, &token, &user).await?;
    request::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// Creates an account for the invited email and joins.
#[server(endpoint = "accept_invitation_new_account")]
pub async fn accept_invitation_new_account(token: String, name: String, password: String) -> Result<(), AppError> {
    let state = request::state()?;
    request::rate_limit(&state, "accept", Limit::ACCEPT)?;
    let (user, workspace_id) = super::service::accept_with_new_account(&state.db, &token, &name, &password).await?;
    let session = crate::accounts::service::create_session(&state.db, &user.id).await?;
    request::set_session_cookie(&state, Some(&session));
    request::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// Signs in as the invited email's account and joins.
#[server(endpoint = "accept_invitation_sign_in")]
pub async fn accept_invitation_sign_in(token: String, password: String) -> Result<(), AppError> {
    let state = request::state()?;
    request::rate_limit(&state, "sign_in", Limit::SIGN_IN)?;
    let (user, workspace_id) = super::service::accept_with_password(&state.db, &token, &password).await?;
    let session = crate::accounts::service::create_session(&state.db, &user.id).await?;
    request::set_session_cookie(&state, Some(&session));
    request::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}
