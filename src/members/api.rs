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
    Ok(UsersPageData {
        context,
        members,
        pending,
        notice: request::take_notice(),
    })
}
