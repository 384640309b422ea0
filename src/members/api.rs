//! Server functions for members.

use super::{Member, UsersPageData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

/// Everyone in the workspace.
#[server(endpoint = "list_members")]
pub async fn list_members(workspace_id: String) -> Result<Vec<Member>, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::list(&state.db, &access).await
}

/// Removes someone from the workspace.
#[server(endpoint = "remove_member")]
pub async fn remove_member(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::remove(&state.db, &access, &user_id).await?;
    request::notice_for_plain_form(&format!("{name} was removed from {}", access.workspace_name));
    Ok(name)
}

/// Replaces the roles a member holds directly.
#[server(endpoint = "set_member_roles")]
pub async fn set_member_roles(
    workspace_id: String,
    user_id: String,
    #[server(default)] roles: Vec<String>,
) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = crate::roles::service::set_member_roles(&state.db, &access, &user_id, &roles).await?;
    request::notice_for_plain_form(&format!("Roles for {name} saved"));
    Ok(name)
}

/// Makes a member an owner too (owners only).
#[server(endpoint = "grant_ownership")]
pub async fn grant_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::grant_ownership(&state.db, &access, &user_id).await?;
    request::notice_for_plain_form(&format!("{name} is now an owner of {}", access.workspace_name));
    Ok(name)
}

/// Takes ownership away from a member, or gives up one's own (owners only;
/// never the last owner).
#[server(endpoint = "revoke_ownership")]
pub async fn revoke_ownership(workspace_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::revoke_ownership(&state.db, &access, &user_id).await?;
    request::notice_for_plain_form(&format!("{name} is no longer an owner of {}", access.workspace_name));
    Ok(name)
}

/// The caller leaves the workspace and goes to their next one.
#[server(endpoint = "leave_workspace")]
pub async fn leave_workspace(workspace_id: String) -> Result<(), AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::leave(&state.db, &access).await?;
    request::redirect(&crate::workspaces::service::home_path(&state.db, &access.user.id).await?);
    Ok(())
}

/// The Users page in one call.
#[server(endpoint = "users_page")]
pub async fn users_page(workspace_id: String) -> Result<UsersPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = crate::workspaces::service::context_for(&state.db, &state.config, &access).await?;
    let members = super::service::list(&state.db, &access).await?;
    let pending = match crate::invitations::service::pending(&state.db, &access).await {
        Ok(list) => Some(list),
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    let user_roles =
        crate::roles::service::names_for(&state.db, &access.workspace_id, crate::roles::Target::User).await?;
    Ok(UsersPageData {
        context,
        members,
        pending,
        user_roles,
        notice: request::take_notice(),
    })
}
