//! `/workspaces/{ws}/roles`: creating (`create_role`), reading and deleting roles.

use super::ApiError;
use super::Page;
use super::extract::{Answer, Body, Caller, InWorkspace, Params, RolePath, created, workspace};
use super::page::{PageQuery, list_error};
use crate::access::{Access, Permission, Resource, Target};
use crate::error::ErrorCode;
use crate::roles::RoleRow;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

/// A role: its name and every grant it carries.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Role {
    pub name: String,
    pub grants: Vec<RoleRow>,
}

fn by_name(rows: Vec<RoleRow>) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for row in rows {
        match roles.iter_mut().find(|r| r.name == row.name) {
            Some(r) => r.grants.push(row),
            None => roles.push(Role {
                name: row.name.clone(),
                grants: vec![row],
            }),
        }
    }
    roles
}

/// The role `key` names: a role name, or the id of one of its grants.
async fn find_role(state: &AppState, access: &Access, key: &str) -> Answer<Role> {
    let rows = crate::roles::service::find_role(&state.db, access, key).await?;
    by_name(rows)
        .pop()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("There is no role named {key}")))
}

#[utoipa::path(get, path = "/workspaces/{ws}/roles", tag = "Roles", summary = "The workspace's roles, each with its grants", params(InWorkspace, PageQuery), responses((status = 200, body = Page<Role>), super::error::Refusals))]
pub async fn list_roles(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    q: PageQuery,
) -> Answer<Json<Page<Role>>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let page = crate::roles::service::page(&state.db, &access, &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(Page::of(page, |grants| Role {
        name: grants[0].name.clone(),
        grants,
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRole {
    #[schema(min_length = 1, max_length = 64, pattern = "^[\\w .-]*[\\w.-][\\w .-]*$")]
    role_name: String,
    #[schema(value_type = Permission)]
    permission: String,
    #[schema(value_type = Resource)]
    resource: String,
    #[schema(value_type = Target)]
    target: String,
}

#[utoipa::path(post, path = "/workspaces/{ws}/roles", tag = "Roles", summary = "Adds a grant to a role, creating the role (create_role)", params(InWorkspace), request_body = NewRole, responses((status = 201, body = RoleRow), super::error::Refusals))]
pub async fn create_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    Body(b): Body<NewRole>,
) -> Answer<Response> {
    let access = workspace(&state, &caller, &p.ws).await?;
    let row =
        crate::roles::service::create_role(&state.db, &access, &b.role_name, &b.permission, &b.resource, &b.target)
            .await?;
    Ok(created(row))
}

#[utoipa::path(get, path = "/workspaces/{ws}/roles/{role}", tag = "Roles", summary = "One role, by name or by the id of one of its grants", params(RolePath), responses((status = 200, body = Role), super::error::Refusals))]
pub async fn get_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<RolePath>,
) -> Answer<Json<Role>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(Json(find_role(&state, &access, &p.role).await?))
}

#[utoipa::path(delete, path = "/workspaces/{ws}/roles/{role}", tag = "Roles", summary = "Deletes a role no one holds", params(RolePath), responses((status = 204, description = "Done"), super::error::Refusals))]
pub async fn delete_role(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<RolePath>,
) -> Answer<StatusCode> {
    let access = workspace(&state, &caller, &p.ws).await?;
    access.authorize(Permission::Write, Resource::UserManagement, "delete roles")?;
    let name = find_role(&state, &access, &p.role).await?.name;
    crate::roles::service::delete_role(&state.db, &access, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
