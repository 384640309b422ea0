//! The router and what wraps every request: one log line each (tokens redacted),
//! a same-origin check on state-changing requests, sign-in for workspace pages,
//! and protective headers.

use super::request::session_token;
use super::state::AppState;
use crate::app::{App, shell};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::time::Instant;

/// The app's page routes, listed once per process.
///
/// Listing them renders the app once with resources suppressed, and Leptos 0.8
/// keeps that switch in one process-wide flag (leptos-rs/leptos#4773): a page
/// whose resource is first polled while any listing runs waits forever. So no
/// listing may run while pages are being served, however many routers a
/// process builds (the tests build one per app).
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    // Runs once per request: each page render and server-function call gets
    // the shared state and a fresh cache.
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(super::request::RequestCache::default());
        }
    };
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", crate::rest::router())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ));
    if let Some(mailbox) = state.mailer.dev_mailbox.clone() {
        router = router.route("/dev/mailbox", get(move || std::future::ready(mailbox.page())));
    }
    router
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session_for_workspace_pages,
        ))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(same_origin_only))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// The path as it may be logged: invitation tokens are cut out, queries dropped.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/invite/") {
        Some(_) => "/invite/[token]".to_string(),
        None => path.to_string(),
    }
}

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let res = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    res
}

/// No request may hold a visitor (or a worker) forever: after 30 seconds the
/// answer is 408 (in the API's error shape under `/api/v1`).
async fn time_limit(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    match tokio::time::timeout(std::time::Duration::from_secs(30), next.run(req)).await {
        Ok(res) => res,
        Err(_) if api => {
            crate::rest::ApiError::new(408, "timeout", "The request took too long and was stopped").into_response()
        }
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "The request took too long and was stopped").into_response(),
    }
}

/// Server functions answer every error with 500; this gives each its honest
/// status (422, 401, 403, 404, 409, 429) from the one mapping in `AppError`.
async fn error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let crate::error::AppError::RateLimited { retry_after, .. } = error {
            parts.headers.insert(header::RETRY_AFTER, retry_after.into());
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Browsers say where a request comes from; a state-changing request from
/// another site is refused (CSRF). Clients that are not browsers send neither
/// header and are judged by their credentials alone.
async fn same_origin_only(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_by_fetch = matches!(fetch_site, Some("cross-site") | Some("same-site"));
    let cross_by_origin = match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            origin == "null"
                || url::Url::parse(origin)
                    .ok()
                    .and_then(|u| {
                        let origin_host = match u.port() {
                            Some(p) => format!("{}:{p}", u.host_str()?),
                            None => u.host_str()?.to_string(),
                        };
                        Some(origin_host != host)
                    })
                    .unwrap_or(true)
        }
        _ => false,
    };
    if cross_by_fetch || cross_by_origin {
        let message = "Cross-site requests are not accepted";
        if req.uri().path().starts_with("/api/v1/") {
            return crate::rest::ApiError::new(403, "cross_site", message).into_response();
        }
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    next.run(req).await
}

/// Workspace pages need a signed-in person: the others go to sign in and come back.
async fn require_session_for_workspace_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let guarded = req.method() == Method::GET
        && (path.starts_with("/w/") || path.starts_with("/workspaces/") || path.starts_with("/account/"));
    if guarded {
        let user = match session_token(req.headers()) {
            Some(token) => crate::accounts::service::user_for_session(&state.db, &token)
                .await
                .ok()
                .flatten(),
            None => None,
        };
        if user.is_none() {
            let here = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!(
                "/signin?next={}",
                url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            );
            return Redirect::to(&target).into_response();
        }
    }
    next.run(req).await
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Invitation links carry their token in the path: never send it to another site.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn invitation_tokens_never_reach_the_log() {
        assert_eq!(super::loggable_path("/invite/abcDEF123"), "/invite/[token]");
        assert_eq!(super::loggable_path("/w/1/users"), "/w/1/users");
    }
}
