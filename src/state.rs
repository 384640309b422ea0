//! What every request handler and server function can reach: the app's shared
//! state, and the request a server function is answering (its cookies, its
//! address, how it wants to be answered).

use crate::error::{AppError, AppResult};
use crate::mail::Mailer;
use crate::platform::config::Config;
use crate::platform::db::Db;
use crate::platform::ratelimit::{Limit, RateLimiter};
use axum::extract::FromRef;
use axum::http::{HeaderValue, header, request::Parts};
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub assets: Arc<crate::platform::assets::Assets>,
    pub db: Db,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    pub limiter: Arc<RateLimiter>,
}

/// The shared state, inside a server function.
pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| {
        // Seen when a page's client hangs up mid-render and its owner is dropped.
        tracing::warn!("no app state in the server function's context (request abandoned?)");
        AppError::internal("no app state in context")
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of cookie `name` in a set of request headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// The value of cookie `name` on the request being answered.
pub fn request_cookie(name: &str) -> Option<String> {
    cookie(&parts()?.headers, name)
}

/// Adds a `Set-Cookie` to the response being made.
pub fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
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

/// Counts an attempt against `limit` for this caller's address and `what`.
pub fn rate_limit(state: &AppState, what: &str, limit: Limit) -> AppResult<()> {
    let key = format!("{what}:{}", client_ip());
    state.limiter.check(&key, limit).map_err(AppError::rate_limited)
}

/// Whether the call came from a plain HTML form (before the page's WASM loaded),
/// which gets a redirect back instead of data.
pub fn is_plain_form_post() -> bool {
    parts().is_some_and(|p| accepts_html(&p.headers))
}

/// Whether a request asks for a page (as a browser's plain form post does).
pub fn accepts_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
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
    set_cookie(&format!(
        "{NOTICE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
    ));
}

/// Reads and clears the notice a plain form post left.
pub fn take_notice() -> Option<String> {
    let raw = request_cookie(NOTICE_COOKIE)?;
    set_cookie("boardroom_notice=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    let message: String = url::form_urlencoded::parse(format!("m={raw}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()?;
    (!message.is_empty()).then_some(message)
}

pub const UNDO_COOKIE: &str = "boardroom_undo";

/// For a plain form post, leaves the id of what it withdrew in a one-minute
/// cookie, so that the page it returns to can offer to undo it beside the
/// notice. Ids only (the server made them); anything else is ignored.
pub fn undo_for_plain_form(id: &str) {
    if is_plain_form_post() && is_plain_id(id) {
        set_cookie(&format!(
            "{UNDO_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        ));
    }
}

/// Reads and clears what a plain form post left to undo.
pub fn take_undo() -> Option<String> {
    let id = request_cookie(UNDO_COOKIE)?;
    set_cookie(&format!("{UNDO_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    is_plain_id(&id).then_some(id)
}

fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Sends the browser to `path`: a 302 for a plain form post, a client-side
/// navigation after hydration.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
