//! Server functions for workspaces.

use super::{SettingsPageData, WorkspaceContext};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

/// The frame of a workspace page: the signed-in member, the workspace, the others.
#[server(endpoint = "get_workspace_context")]
pub async fn get_workspace_context(workspace_id: String) -> Result<WorkspaceContext, AppError> {
    let user = request::require_user().await?;
    let state = request::state()?;
    super::service::context(&state.db, &state.config, &user, &workspace_id).await
}

/// Creates a workspace owned by the caller and opens it.
#[server(endpoint = "create_workspace")]
pub async fn create_workspace(workspace: String) -> Result<(), AppError> {
    let user = request::require_user().await?;
    let state = request::state()?;
    let name =
        crate::domain::Title::parse(&workspace, "workspace name").map_err(|m| AppError::field("workspace", m))?;
    let mut tx = state.db.begin().await?;
    let workspace = super::service::create(&mut tx, &user, &name).await?;
    tx.commit().await?;
    request::redirect(&format!("/w/{}/boards", workspace.id));
    Ok(())
}

/// Where a signed-in person starts (their first workspace, or creating one);
/// `None` when nobody is signed in.
#[server(endpoint = "home_path")]
pub async fn home_path() -> Result<Option<String>, AppError> {
    let Some(user) = request::current_user().await? else {
        return Ok(None);
    };
    let state = request::state()?;
    Ok(Some(super::service::home_path(&state.db, &user.id).await?))
}

/// Renames the workspace.
#[server(endpoint = "rename_workspace")]
pub async fn rename_workspace(workspace_id: String, workspace: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::rename(&state.db, &access, &workspace).await?;
    request::notice_for_plain_form(&format!("Workspace renamed to {name}"));
    Ok(name)
}

/// The Settings page in one call.
#[server(endpoint = "settings_page")]
pub async fn settings_page(workspace_id: String) -> Result<SettingsPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = super::service::context_for(&state.db, &state.config, &access).await?;
    let info = match super::service::info(&state.db, &access).await {
        Ok(info) => Some(info),
        Err(AppError::Forbidden(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(SettingsPageData {
        context,
        info,
        notice: request::take_notice(),
    })
}
