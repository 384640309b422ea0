//! `/workspaces/{ws}/groups`: groups, their members and the roles they hold.

use super::Page;
use super::extract::{
    Answer, Body, Caller, GroupMemberPath, GroupPath, GroupRolePath, InWorkspace, Params, created, workspace,
};
use super::page::{PageQuery, list_error};
use crate::access::Access;
use crate::groups::Group;
use crate::groups::service as groups;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

async fn find_group(state: &AppState, access: &Access, key: &str) -> Answer<Group> {
    Ok(groups::find(&state.db, access, key).await?)
}

#[utoipa::path(get, path = "/workspaces/{ws}/groups", tag = "Groups", summary = "The workspace's groups", params(InWorkspace, PageQuery), responses((status = 200, body = Page<Group>), super::error::Refusals))]
pub async fn list_groups(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    q: PageQuery,
) -> Answer<Json<Page<Group>>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let page = groups::page(&state.db, &access, &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(Page::of(page, |g| g)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct GroupName {
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    name: String,
}

#[utoipa::path(post, path = "/workspaces/{ws}/groups", tag = "Groups", summary = "Creates a group", params(InWorkspace), request_body = GroupName, responses((status = 201, body = Group), super::error::Refusals))]
pub async fn create_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    Body(b): Body<GroupName>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(created(groups::create(&state.db, &access, &b.name).await?))
}

#[utoipa::path(get, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "One group, by id or name", params(GroupPath), responses((status = 200, body = Group), super::error::Refusals))]
pub async fn get_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupPath>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(Json(find_group(&state, &access, &p.group).await?))
}

#[utoipa::path(patch, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "Renames a group", params(GroupPath), request_body = GroupName, responses((status = 200, body = Group), super::error::Refusals))]
pub async fn rename_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupPath>,
    Body(b): Body<GroupName>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    groups::rename(&state.db, &access, &group.id, &b.name).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}", tag = "Groups", summary = "Deletes a group", params(GroupPath), responses((status = 204, description = "Done"), super::error::Refusals))]
pub async fn delete_group(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupPath>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    groups::delete(&state.db, &access, &group.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/workspaces/{ws}/groups/{group}/members/{user}", tag = "Groups", summary = "Adds a member to a group", params(GroupMemberPath), responses((status = 200, body = Group), super::error::Refusals))]
pub async fn add_group_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupMemberPath>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    let member = crate::members::service::find(&state.db, &access, &p.user).await?;
    groups::add_member(&state.db, &access, &group.id, &member.user_id).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}/members/{user}", tag = "Groups", summary = "Takes a member out of a group", params(GroupMemberPath), responses((status = 200, body = Group), super::error::Refusals))]
pub async fn remove_group_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupMemberPath>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    let member = crate::members::service::find(&state.db, &access, &p.user).await?;
    groups::remove_member(&state.db, &access, &group.id, &member.user_id).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(put, path = "/workspaces/{ws}/groups/{group}/roles/{role}", tag = "Groups", summary = "Gives a group a GROUP role", params(GroupRolePath), responses((status = 200, body = Group), super::error::Refusals))]
pub async fn grant_group_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupRolePath>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    groups::grant_role(&state.db, &access, &group.id, &p.role).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/groups/{group}/roles/{role}", tag = "Groups", summary = "Takes a role away from a group", params(GroupRolePath), responses((status = 200, body = Group), super::error::Refusals))]
pub async fn revoke_group_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<GroupRolePath>,
) -> Answer<Json<Group>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let group = find_group(&state, &access, &p.group).await?;
    groups::revoke_role(&state.db, &access, &group.id, &p.role).await?;
    Ok(Json(find_group(&state, &access, &group.id).await?))
}
