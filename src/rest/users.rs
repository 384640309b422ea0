//! `/workspaces/{ws}/users`: the members (`get_all_workspace_users`), one
//! member, removing one (`remove_user_from_workspace`), and their roles.

use super::ApiError;
use super::Page;
use super::extract::{Answer, Body, Caller, InWorkspace, Params, RolesBody, UserPath, role_names, workspace};
use super::page::{PageQuery, list_error};
use crate::access::{Access, Permission, Resource};
use crate::error::ErrorCode;
use crate::members::service as members;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// A member as the API shows them.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    /// When they joined, as people read it: "26 Nov 2026, 14:05 UTC".
    pub joined_at: String,
    /// The same, RFC 3339.
    pub joined_at_iso: String,
    /// This member is the token's owner.
    pub is_you: bool,
    /// The token's owner may remove this member.
    pub removable: bool,
    /// Roles given to this member directly (target USER).
    pub roles: Vec<String>,
    /// Groups this member is in, besides `everyone`.
    pub groups: Vec<String>,
    /// Their address is outside the domains the workspace now invites.
    pub outside_domains: bool,
}

impl Member {
    fn of(m: crate::members::Member, viewer: &Access, owners: usize) -> Self {
        Member {
            is_you: m.user_id == viewer.user.id,
            removable: crate::members::may_remove(viewer, &m, owners),
            joined_at: m.joined_at.display(),
            joined_at_iso: m.joined_at.iso(),
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            is_owner: m.is_owner,
            roles: m.roles,
            groups: m.groups,
            outside_domains: m.outside_domains,
        }
    }
}

async fn member(state: &AppState, access: &Access, key: &str) -> Answer<Member> {
    let found = members::find(&state.db, access, key).await?;
    let owners = members::owner_count(&state.db, &access.workspace_id).await?;
    Ok(Member::of(found, access, owners))
}

#[utoipa::path(get, path = "/workspaces/{ws}/users", tag = "Users", summary = "The members (get_all_workspace_users)", params(InWorkspace, PageQuery), responses((status = 200, body = Page<Member>), super::error::Refusals))]
pub async fn list_users(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    q: PageQuery,
) -> Answer<Json<Page<Member>>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let page = members::page(&state.db, &access, &Default::default(), &q.window())
        .await
        .map_err(list_error)?;
    let owners = members::owner_count(&state.db, &access.workspace_id).await?;
    Ok(Json(Page::of(page, |m| Member::of(m, &access, owners))))
}

#[utoipa::path(get, path = "/workspaces/{ws}/users/{user}", tag = "Users", summary = "One member, by user id or email", params(UserPath), responses((status = 200, body = Member), super::error::Refusals))]
pub async fn get_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<UserPath>,
) -> Answer<Json<Member>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(Json(member(&state, &access, &p.user).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/users/{user}", tag = "Users", summary = "Removes a member (remove_user_from_workspace)", params(UserPath), responses((status = 204, description = "Done"), super::error::Refusals))]
pub async fn remove_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<UserPath>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &p.ws).await?;
    // The grant the action needs is named before the lookup's own.
    access.authorize(Permission::Write, Resource::UserManagement, "remove members")?;
    let found = members::find(&state.db, &access, &p.user).await?;
    if found.user_id == caller.id {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "To leave a workspace yourself, use its Settings page",
        ));
    }
    members::remove(&state.db, &access, &found.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/workspaces/{ws}/users/{user}/roles", tag = "Users", summary = "Replaces the roles a member holds directly", params(UserPath), request_body = RolesBody, responses((status = 200, body = Member), super::error::Refusals))]
pub async fn set_user_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<UserPath>,
    Body(b): Body<RolesBody>,
) -> Answer<Json<Member>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let found = members::find(&state.db, &access, &p.user).await?;
    members::set_roles(&state.db, &access, &found.user_id, &role_names(b.roles)).await?;
    Ok(Json(member(&state, &access, &found.user_id).await?))
}
