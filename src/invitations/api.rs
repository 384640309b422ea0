//! Server functions for invitations. Each checks who is calling, then hands the
//! work to the service.

use super::{
    InvitationFilter, InvitationPreview, InviteReport, KnownAddress, PendingInvitation, SharedLink, WaitingInvitation,
};
use crate::domain::Window;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::session;
#[cfg(feature = "ssr")]
use crate::platform::ratelimit::Limit;
#[cfg(feature = "ssr")]
use crate::state;

/// Invites one or more people (`emails` separated by commas, spaces or
/// newlines), each to be given `roles` when they accept.
#[server(endpoint = "invite_user")]
pub async fn invite_user(
    workspace_id: String,
    emails: String,
    #[server(default)] roles: Vec<String>,
) -> Result<InviteReport, AppError> {
    let echo = |emails: String, failed: Vec<String>| {
        state::echo_for_plain_form(&super::InviteEcho {
            emails,
            roles: roles.clone(),
            failed,
        })
    };
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let report = match super::service::invite(&state.db, &state.config, &access, &emails, &roles).await {
        Ok(report) => report,
        Err(e) => {
            echo(emails.clone(), Vec::new());
            return Err(e);
        }
    };
    state.mailer.wake();
    if !report.failed.is_empty() {
        let (again, reasons) = report.to_correct();
        echo(again, reasons);
    }
    if let Some(notice) = report.notice() {
        state::notice_for_plain_form(&notice);
    }
    Ok(report)
}

/// Which of the addresses typed into the invite form are members' already,
/// or invited already: the form marks them before Send.
#[server(endpoint = "known_addresses")]
pub async fn known_addresses(
    workspace_id: String,
    #[server(default)] emails: Vec<String>,
) -> Result<Vec<KnownAddress>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    super::service::known(&state.db, &access, &emails).await
}

/// A page of the workspace's pending invitations, newest first (the first 200
/// unless the window says otherwise).
#[server(endpoint = "pending_invitations")]
pub async fn pending_invitations(
    workspace_id: String,
    #[server(default)] filter: InvitationFilter,
    #[server(default)] window: Option<Window>,
) -> Result<Vec<PendingInvitation>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let window = window.unwrap_or_else(|| Window::first(super::service::MAX_PAGE));
    Ok(super::service::page(&state.db, &access, &filter, &window).await?.items)
}

/// Withdraws a pending invitation.
#[server(endpoint = "delete_invitation")]
pub async fn delete_invitation(workspace_id: String, invitation_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let email = super::service::revoke(&state.db, &access, &invitation_id).await?;
    state::notice_for_plain_form(&super::deleted_notice(&email));
    state::undo_for_plain_form(&invitation_id, &email);
    Ok(email)
}

/// Undoes a withdrawal made moments ago.
#[server(endpoint = "restore_invitation")]
pub async fn restore_invitation(workspace_id: String, invitation_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let email = super::service::restore(&state.db, &state.config, &access, &invitation_id).await?;
    state.mailer.wake();
    state::notice_for_plain_form(&super::restored_notice(&email));
    Ok(email)
}

/// Renews an invitation and sends its email again with a new link.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(workspace_id: String, invitation_id: String) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let email = super::service::resend(&state.db, &state.config, &access, &invitation_id).await?;
    state.mailer.wake();
    state::row_notice_for_plain_form(&invitation_id, &super::resent_notice(&email));
    Ok(email)
}

/// Hands over a pending invitation's link instead of emailing it (a new link;
/// the emailed one stops working).
#[server(endpoint = "share_invitation_link")]
pub async fn share_invitation_link(workspace_id: String, invitation_id: String) -> Result<SharedLink, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let link = super::service::share_link(&state.db, &state.config, &access, &invitation_id).await?;
    state::row_notice_for_plain_form(&invitation_id, &super::shared_link_notice(&link));
    state::handover_for_plain_form(&link);
    Ok(link)
}

/// Turns the invitation down (no account needed: the link is enough).
/// Returns the workspace's name.
#[server(endpoint = "decline_invitation")]
pub async fn decline_invitation(token: String) -> Result<String, AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let workspace = super::service::decline(&state.db, &token).await?;
    state::notice_for_plain_form(&super::declined_notice(&workspace));
    Ok(workspace)
}

/// Changes what a pending invitation grants when accepted.
#[server(endpoint = "set_invitation_roles")]
pub async fn set_invitation_roles(
    workspace_id: String,
    invitation_id: String,
    #[server(default)] roles: Vec<String>,
) -> Result<String, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let email = super::service::set_roles(&state.db, &access, &invitation_id, &roles).await?;
    state::row_notice_for_plain_form(&invitation_id, &super::roles_saved_notice(&email));
    Ok(email)
}

/// What the accept page shows for `token`.
#[server(endpoint = "get_invitation_preview")]
pub async fn get_invitation_preview(token: String) -> Result<InvitationPreview, AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let viewer = session::current_user().await?;
    match super::service::preview(&state.db, &token, viewer.as_ref()).await {
        // Declined a moment ago without JavaScript: the page says so.
        Err(e) if e.code() == crate::error::ErrorCode::NotFound => Err(match state::take_notice() {
            Some(notice) => AppError::NotFound(notice),
            None => e,
        }),
        answer => answer,
    }
}

/// Accepts as the signed-in person.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let user = session::require_user().await?;
    let workspace_id = super::service::accept_as(&state.db, &token, &user).await?;
    state::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// Creates an account for the invited email and joins.
#[server(endpoint = "accept_invitation_new_account")]
pub async fn accept_invitation_new_account(token: String, name: String, password: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let (user, workspace_id) = super::service::accept_with_new_account(&state.db, &token, &name, &password).await?;
    session::start(&state, &user).await?;
    state::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// Takes over the invited address's unproven account (name and a new
/// password) and joins; every earlier session and token of it ends.
#[server(endpoint = "accept_invitation_claim")]
pub async fn accept_invitation_claim(token: String, name: String, password: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let (user, workspace_id) = super::service::accept_by_claiming(&state.db, &token, &name, &password).await?;
    session::start(&state, &user).await?;
    state::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// Signs in as the invited email's account and joins.
#[server(endpoint = "accept_invitation_sign_in")]
pub async fn accept_invitation_sign_in(token: String, password: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "sign_in", Limit::SIGN_IN).await?;
    let (user, workspace_id) = super::service::accept_with_password(&state.db, &token, &password).await?;
    session::start(&state, &user).await?;
    state::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(())
}

/// The invitations addressed to the signed-in person (the first 50, newest
/// first); empty until their address is proven.
#[server(endpoint = "invitations_for_me")]
pub async fn invitations_for_me() -> Result<Vec<WaitingInvitation>, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    match super::service::waiting_for(&state.db, &user, &Window::first(50)).await {
        Ok(listing) => Ok(listing.items),
        Err(AppError::Forbidden(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Accepts an invitation from the signed-in person's list and opens the workspace.
#[server(endpoint = "accept_invitation_for_me")]
pub async fn accept_invitation_for_me(invitation_id: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let workspace_id = super::service::accept_waiting(&state.db, &user, &invitation_id).await?;
    state::redirect(&format!("/w/{workspace_id}/boards?joined=1"));
    Ok(workspace_id)
}

/// Declines an invitation from the signed-in person's list.
#[server(endpoint = "decline_invitation_for_me")]
pub async fn decline_invitation_for_me(invitation_id: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let workspace = super::service::decline_waiting(&state.db, &user, &invitation_id).await?;
    state::notice_for_plain_form(&super::declined_notice(&workspace));
    Ok(workspace)
}
