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

#[utoipa::path(get, path = "/workspaces/{ws}/policy", tag = "Workspaces", summary = "Who may be invited, and how many seats there are", params(InWorkspace), responses((status = 200, body = crate::workspaces::Policy), super::error::Refusals))]
pub async fn get_policy(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
) -> Answer<Json<crate::workspaces::Policy>> {
    let access = workspace(&state, &caller, &p.ws).await?;
    Ok(Json(crate::workspaces::service::read_policy(&state.db, &access).await?))
}

/// What changes; a field left out stays as it is.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PolicyChange {
    /// `example.com`, or `*.example.com` for it and its subdomains; empty for any address.
    #[serde(default)]
    allowed_domains: Option<Vec<String>>,
    /// A number of seats (1 or more), or null for no limit.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    seat_limit: Option<serde_json::Value>,
}

#[utoipa::path(patch, path = "/workspaces/{ws}/policy", tag = "Workspaces", summary = "Sets who may be invited and how many seats there are (owners)", params(InWorkspace), request_body = PolicyChange, responses((status = 200, body = crate::workspaces::Policy), super::error::Refusals))]
pub async fn set_policy(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    Body(change): Body<serde_json::Value>,
) -> Answer<Json<crate::workspaces::Policy>> {
    use crate::error::AppError;
    // An object only (serde would take a list for a struct's fields).
    let change: PolicyChange = match change {
        serde_json::Value::Object(_) => serde_json::from_value(change)
            .map_err(|e| AppError::BadRequest(format!("The policy could not be read: {e}")))?,
        _ => return Err(AppError::BadRequest("Send the policy as a JSON object".into()).into()),
    };
    let access = workspace(&state, &caller, &p.ws).await?;
    let now = crate::workspaces::service::read_policy(&state.db, &access).await?;
    let seat_limit = match change.seat_limit {
        None => now.seat_limit,
        Some(serde_json::Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| AppError::field("seat_limit", "Give a whole number of seats, or null for no limit"))?,
        ),
    };
    let domains = change.allowed_domains.unwrap_or(now.allowed_domains);
    Ok(Json(
        crate::workspaces::service::set_policy(
            &state.db,
            state.config.max_seats_per_workspace,
            &access,
            &domains,
            seat_limit,
        )
        .await?,
    ))
}
