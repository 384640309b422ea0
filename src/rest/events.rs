//! `/workspaces/{ws}/events`: the workspace's changes as server-sent events
//! (`boardroom-cli watch`), as the Users page hears them.

use super::extract::{Answer, Caller, InWorkspace, Params};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;

/// One event of the stream: a kind of change and the id it is about.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ChangeEvent {
    /// `ready` first; then `invitation.created`, `invitation.renewed`,
    /// `invitation.deleted`, `invitation.restored`, `invitation.roles`,
    /// `invitation.link`, `invitation.declined`, `invitation.accepted`,
    /// `email.sent`, `email.failed`, `member.roles`, `member.removed`,
    /// `member.left`, `member.owner`, `member.groups`; `resync` when changes
    /// may have been missed (read everything again); `ended` when the token's
    /// owner may no longer watch, after which the stream closes.
    pub kind: String,
    /// The invitation's or the member's id.
    pub id: String,
}

#[utoipa::path(
    get,
    path = "/workspaces/{ws}/events",
    tag = "Users",
    summary = "The workspace's changes, as they happen (server-sent events)",
    description = "A `text/event-stream` that stays open: each event's name is its kind and its data a `ChangeEvent` (JSON). It carries ids, never names or addresses: read the lists again to see what changed. Needs READ on USER_MANAGEMENT, checked again before every event.",
    params(InWorkspace),
    responses((status = 200, content_type = "text/event-stream", body = ChangeEvent), super::error::Refusals)
)]
pub async fn watch_workspace(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: axum::http::HeaderMap,
    Params(p): Params<InWorkspace>,
) -> Answer<Response> {
    // The token `Caller` accepted, to check again before every event.
    let secret = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    Ok(crate::live::open(&state, caller, crate::live::Credential::Token(secret), &p.ws).await?)
}
