//! Server functions for roles; the seed's `create_role` and its companions.

use super::{RoleRow, RolesPageData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

/// Adds a grant to a role (creating it): `permission` READ|WRITE, `resource`
/// DATA|DATA_EXECUTION|USER_MANAGEMENT|BUSINESS_INFO, `target` USER|GROUP.
#[server(endpoint = "create_role")]
pub async fn create_role(
    workspace_id: String,
    role_name: String,
    permission: String,
    resource: String,
    target: String,
) -> Result<RoleRow, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let row = super::service::create_role(&state.db, &access, &role_name, &permission, &resource, &target).await?;
    request::notice_for_plain_form(&format!(
        "The role {} now grants {} on {} to {}",
        row.name, row.permission, row.resource, row.target
    ));
    Ok(row)
}

#[server(endpoint = "list_roles")]
pub async fn list_roles(workspace_id: String) -> Result<Vec<RoleRow>, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::list_roles(&state.db, &access).await
}

#[server(endpoint = "delete_role")]
pub async fn delete_role(workspace_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::delete_role(&state.db, &access, &role_name).await?;
    request::notice_for_plain_form(&format!("The role {role_name} was deleted"));
    Ok(role_name)
}

/// The Roles page in one call.
#[server(endpoint = "roles_page")]
pub async fn roles_page(workspace_id: String) -> Result<RolesPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = crate::workspaces::service::context_for(&state.db, &state.config, &access).await?;
    let roles = super::service::list_roles(&state.db, &access).await?;
    Ok(RolesPageData {
        context,
        roles,
        notice: request::take_notice(),
    })
}
