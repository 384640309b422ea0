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
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The session cookie's value in a set of request headers.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The signed-in user, if any.
pub async fn current_user() -> AppResult<Option<User>> {
    let Some(token) = parts().and_then(|p| session_token(&p.headers)) else {
        return Ok(None);
    };
    let state = state()?;
    accounts::user_for_session(&state.db, &token).await
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> AppResult<User> {
    current_user().await?.ok_or(AppError::Unauthenticated)
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
    if state.limiter.check(&key, limit) {
        Ok(())
    } else {
        Err(AppError::RateLimited)
    }
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

/// For a plain form post, sends the browser back to the page it came from with
/// `key=value` in the query, so that the page can say what happened.
pub fn redirect_back_with(key: &str, value: &str) {
    if !is_plain_form_post() {
        return;
    }
    let referer = parts().and_then(|p| {
        p.headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let Some(mut url) = referer.and_then(|r| url::Url::parse(&r).ok()) else {
        return;
    };
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "__err" | "__path" | "notice" | "sent" | "resent"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair(key, value);
    let local = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    leptos_axum::redirect(&local);
}

/// Sends the browser to `path`: a 302 for a plain form post, a client-side
/// navigation after hydration.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
