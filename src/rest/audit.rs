//! `/workspaces/{ws}/audit-events`: the workspace's audit trail, newest first.

use super::ApiError;
use super::extract::{Answer, Caller, InWorkspace, Params, workspace};
use super::page::{PageQuery, list_error};
use crate::accounts::session::SignedIn;
use crate::audit::ExportFormat;
use crate::audit::{AuditEvent, AuditFilter};
use crate::error::AppError;
use crate::error::ErrorCode;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Which events: every parameter left out is every event.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditQuery {
    /// One kind, e.g. `invitation.create`, `member.roles`, `token.create`.
    kind: Option<String>,
    /// Who acted: their address.
    actor: Option<String>,
    /// Who or what was acted on: an address, or a group's, board's or workspace's name.
    target: Option<String>,
    /// From this day (`2026-12-01`, UTC) or moment (`2026-12-01T09:30:00Z`).
    from: Option<String>,
    /// To the end of this day, or up to this moment.
    to: Option<String>,
}

/// A query string's parameters, each read by name (the first of a name).
fn parameters(query: &str) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    move |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
}

/// A page of events, newest first.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Pass back as `next_token` for the next page; absent on the last.
    pub next_token: Option<String>,
}

#[utoipa::path(get, path = "/workspaces/{ws}/audit-events", tag = "Workspaces", summary = "The workspace's audit trail, newest first", params(InWorkspace, AuditQuery, PageQuery), responses((status = 200, body = AuditPage), super::error::Refusals))]
pub async fn list_audit_events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    q: PageQuery,
    RawQuery(query): RawQuery,
) -> Answer<Json<AuditPage>> {
    let get = parameters(query.as_deref().unwrap_or_default());
    let selection = AuditFilter::from_query(get)
        .selection()
        .map_err(|(field, message)| ApiError::new(ErrorCode::BadRequest, message).on_field(field))?;
    let access = workspace(&state, &caller, &p.ws).await?;
    let page = crate::audit::service::page(&state.db, &access, &selection, &q.window())
        .await
        .map_err(list_error)?;
    Ok(Json(AuditPage {
        items: page.items,
        next_token: page.next,
    }))
}

/// What an export is read as, with the same filters as the list.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ExportQuery {
    /// `csv` (the default) or `jsonl` (JSON Lines: one event, as the list shows it, per line).
    format: Option<String>,
}

#[utoipa::path(get, path = "/workspaces/{ws}/audit-events/export", tag = "Workspaces", summary = "Every event the filters select, newest first, streamed as CSV or JSON Lines", params(InWorkspace, AuditQuery, ExportQuery), responses((status = 200, description = "The events, as CSV (text/csv) or JSON Lines (application/jsonl)", content_type = "text/csv"), super::error::Refusals))]
pub async fn export_audit_events(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Params(p): Params<InWorkspace>,
    RawQuery(query): RawQuery,
) -> Answer<axum::response::Response> {
    let access = workspace(&state, &caller, &p.ws).await?;
    respond(&state, &access, query.as_deref().unwrap_or_default())
}

/// The Activity page's export links: `/w/{wid}/activity/export?format=csv|jsonl&…`,
/// for the signed-in browser.
pub const EXPORT_PAGE_PATH: &str = "/w/{wid}/activity/export";

pub async fn download_activity(
    State(state): State<AppState>,
    Path(wid): Path<String>,
    RawQuery(query): RawQuery,
    signed_in: Option<axum::Extension<SignedIn>>,
) -> Response {
    match answer(&state, &wid, query.as_deref().unwrap_or_default(), signed_in).await {
        Ok(res) => res,
        Err(refused) => refused.into_response(),
    }
}

async fn answer(
    state: &AppState,
    wid: &str,
    query: &str,
    signed_in: Option<axum::Extension<SignedIn>>,
) -> Result<Response, ApiError> {
    let Some(axum::Extension(SignedIn(user))) = signed_in else {
        return Err(AppError::Unauthenticated.into());
    };
    let access = crate::members::service::access(&state.db, &user, wid).await?;
    respond(state, &access, query)
}

/// The download of what `query` (its filters and `format`) selects in the
/// caller's workspace: for the Activity page's links and for the API.
pub fn respond(state: &AppState, access: &crate::access::Access, query: &str) -> Result<Response, ApiError> {
    let bad = |field: &str, message: String| ApiError::new(ErrorCode::BadRequest, message).on_field(field);
    let get = parameters(query);
    let format = ExportFormat::parse(get("format").as_deref().unwrap_or("csv"))
        .ok_or_else(|| bad("format", "Choose a format: csv or jsonl".into()))?;
    let selection = AuditFilter::from_query(get)
        .selection()
        .map_err(|(field, message)| bad(field, message))?;
    let body = crate::audit::service::export(state.db.clone(), access, selection, format)?;
    let stream = futures_util::StreamExt::map(body, |chunk| chunk.map_err(|e| std::io::Error::other(e.to_string())));
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::JsonLines => ("application/jsonl; charset=utf-8", "jsonl"),
    };
    let slug: String = access
        .workspace_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let day = &crate::domain::Timestamp(crate::platform::time::now_ms()).iso()[..10];
    let disposition = format!(
        "attachment; filename=\"{}-activity-{day}.{extension}\"",
        slug.trim_matches('-')
    );
    let mut res = axum::body::Body::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
