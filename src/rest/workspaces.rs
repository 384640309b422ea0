//! `/workspaces`: the workspaces a token's owner belongs to.

use super::ApiError;
use super::Page;
use super::extract::{Answer, Body, Caller, InWorkspace, Params, created, workspace};
use super::page::{PageQuery, list_error};
use crate::state::AppState;
use crate::workspaces::WorkspaceSummary;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

#[utoipa::path(get, path = "/workspaces", tag = "Workspaces", summary = "The workspaces the token's owner belongs to", params(PageQuery), responses((status = 200, body = Page<WorkspaceSummary>), super::error::Refusals))]
pub async fn list_workspaces(
    State(state): State<AppState>,
    Caller(caller): Caller,
    q: PageQuery,
) -> Answer<Json<Page<WorkspaceSummary>>> {
    let page = crate::members::service::workspaces_page(&state.db, &caller.id, &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(Page::of(page, |w| w)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWorkspace {
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    name: String,
}

#[utoipa::path(post, path = "/workspaces", tag = "Workspaces", summary = "Creates a workspace the token's owner owns", request_body = NewWorkspace, responses((status = 201, body = WorkspaceSummary), super::error::Refusals))]
pub async fn create_workspace(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Body(body): Body<NewWorkspace>,
) -> Answer<Response> {
    let name = crate::domain::Title::parse(&body.name, "workspace name")
        .map_err(|m| ApiError::from(crate::error::AppError::field("name", m)))?;
    let mut tx = state.db.begin().await?;
    let made = crate::members::service::found(&mut tx, &caller, &name)
        .await
        .map_err(|e| ApiError::from(e).renamed_field("workspace", "name"))?;
    tx.commit().await?;
    Ok(created(made))
}

#[utoipa::path(get, path = "/workspaces/{ws}", tag = "Workspaces", summary = "One workspace, by id or by name", params(InWorkspace), responses((status = 200, body = WorkspaceSummary), super::error::Refusals))]
pub async fn get_workspace(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
) -> Answer<Json<WorkspaceSummary>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(Json(WorkspaceSummary {
        id: access.workspace_id,
        name: access.workspace_name,
        is_owner: access.is_owner,
    }))
}
