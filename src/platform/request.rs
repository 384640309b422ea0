//! Helpers for server functions: the shared state, the signed-in user, cookies
//! and the redirect a plain (pre-hydration) form post gets back.

use super::state::AppState;
use crate::accounts::service::{self as accounts, User};
use crate::error::{AppError, AppResult};
use axum::http::{HeaderValue, header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};

pub const SESSION_COOKIE: &str = "boardroom_session";

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| {
        // Seen when a page's client hangs up mid-render and its owner is dropped.
        tracing::warn!("no app state in the server function's context (request abandoned?)");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of cookie `name` in a set of request headers.
fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// The session cookie's value in a set of request headers.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// What one request has already looked up, so that a page whose server
/// functions each ask "who is this?" asks the database once.
#[derive(Clone, Default)]
pub struct RequestCache {
    user: std::sync::Arc<tokio::sync::OnceCell<Option<User>>>,
}

/// The signed-in user, if any.
pub async fn current_user() -> AppResult<Option<User>> {
    let Some(token) = parts().and_then(|p| session_token(&p.headers)) else {
        return Ok(None);
    };
    let state = state()?;
    let lookup = || accounts::user_for_session(&state.db, &token);
    match use_context::<RequestCache>() {
        Some(cache) => cache.user.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> AppResult<User> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in caller's standing in `workspace_id`, with the shared state:
/// where every workspace server function starts.
pub async fn workspace_access(workspace_id: &str) -> AppResult<(AppState, crate::workspaces::service::Access)> {
    let user = require_user().await?;
    let state = state()?;
    let access = crate::workspaces::service::access(&state.db, &user, workspace_id).await?;
    Ok((state, access))
}

/// The caller's address, for rate limits.
pub fn client_ip() -> IpAddr {
    parts()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Counts an attempt against `limit` for this caller and `what`.
pub fn rate_limit(state: &AppState, what: &str, limit: super::ratelimit::Limit) -> AppResult<()> {
    let key = format!("{what}:{}", client_ip());
    state.limiter.check(&key, limit).map_err(AppError::rate_limited)
}

/// Sets (or, with `None`, clears) the session cookie on the response.
pub fn set_session_cookie(state: &AppState, token: Option<&str>) {
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    let cookie = match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            30 * 24 * 3600
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Whether the call came from a plain HTML form (before the page's WASM loaded),
/// which gets a redirect back instead of data.
pub fn is_plain_form_post() -> bool {
    parts()
        .and_then(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

pub const NOTICE_COOKIE: &str = "boardroom_notice";

/// For a plain form post (which is sent back to its page), leaves `message` in a
/// one-minute cookie for that page to show once. After hydration the page shows
/// the server function's result itself. Only the server sets this cookie, so no
/// crafted link can make the page show words of someone else's choosing.
pub fn notice_for_plain_form(message: &str) {
    if !is_plain_form_post() {
        return;
    }
    let value: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    let cookie = format!("{NOTICE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Reads and clears the notice a plain form post left.
pub fn take_notice() -> Option<String> {
    let raw = cookie(&parts()?.headers, NOTICE_COOKIE)?;
    if let Some(res) = use_context::<ResponseOptions>() {
        res.append_header(
            header::SET_COOKIE,
            HeaderValue::from_static("boardroom_notice=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    let message: String = url::form_urlencoded::parse(format!("m={raw}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()?;
    (!message.is_empty()).then_some(message)
}

/// Sends the browser to `path`: a 302 for a plain form post, a client-side
/// navigation after hydration.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
