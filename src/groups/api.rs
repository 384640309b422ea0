//! Server functions for groups.

use super::{Group, GroupsPageData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

#[server(endpoint = "list_groups")]
pub async fn list_groups(workspace_id: String) -> Result<Vec<Group>, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    super::service::list(&state.db, &access).await
}

#[server(endpoint = "create_group")]
pub async fn create_group(workspace_id: String, name: String) -> Result<Group, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let group = super::service::create(&state.db, &access, &name).await?;
    request::notice_for_plain_form(&format!("Group {} created", group.name));
    Ok(group)
}

#[server(endpoint = "rename_group")]
pub async fn rename_group(workspace_id: String, group_id: String, name: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::rename(&state.db, &access, &group_id, &name).await?;
    request::notice_for_plain_form(&format!("Group renamed to {name}"));
    Ok(name)
}

#[server(endpoint = "delete_group")]
pub async fn delete_group(workspace_id: String, group_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let name = super::service::delete(&state.db, &access, &group_id).await?;
    request::notice_for_plain_form(&format!("Group {name} deleted"));
    Ok(name)
}

#[server(endpoint = "add_group_member")]
pub async fn add_group_member(workspace_id: String, group_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let (person, group) = super::service::add_member(&state.db, &access, &group_id, &user_id).await?;
    let said = format!("{person} added to {group}");
    request::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "remove_group_member")]
pub async fn remove_group_member(workspace_id: String, group_id: String, user_id: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let (person, group) = super::service::remove_member(&state.db, &access, &group_id, &user_id).await?;
    let said = format!("{person} removed from {group}");
    request::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "grant_group_role")]
pub async fn grant_group_role(workspace_id: String, group_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let group = super::service::grant_role(&state.db, &access, &group_id, &role_name).await?;
    let said = format!("{group} now holds {}", role_name.trim());
    request::notice_for_plain_form(&said);
    Ok(said)
}

#[server(endpoint = "revoke_group_role")]
pub async fn revoke_group_role(workspace_id: String, group_id: String, role_name: String) -> Result<String, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let group = super::service::revoke_role(&state.db, &access, &group_id, &role_name).await?;
    let said = format!("{group} no longer holds {}", role_name.trim());
    request::notice_for_plain_form(&said);
    Ok(said)
}

/// The Groups page in one call.
#[server(endpoint = "groups_page")]
pub async fn groups_page(workspace_id: String) -> Result<GroupsPageData, AppError> {
    let (state, access) = request::workspace_access(&workspace_id).await?;
    let context = crate::workspaces::service::context_for(&state.db, &state.config, &access).await?;
    let groups = super::service::list(&state.db, &access).await?;
    let people = super::service::people(&state.db, &access).await?;
    let group_roles =
        crate::roles::service::names_for(&state.db, &access.workspace_id, crate::roles::Target::Group).await?;
    Ok(GroupsPageData {
        context,
        groups,
        people,
        group_roles,
        notice: request::take_notice(),
    })
}
