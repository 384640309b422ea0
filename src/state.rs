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
    /// The live views (event streams) open on this instance.
    pub watchers: Arc<crate::platform::changes::Watchers>,
    /// Set when the instance is told to stop: `/readyz` says so while
    /// requests are still served for `SHUTDOWN_GRACE`.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// The company's identity provider, when sign-in through it is set up.
    pub oidc: Option<Arc<crate::platform::oidc::Provider>>,
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
    parts().map_or(IpAddr::from([0, 0, 0, 0]), |p| ip_of(&p))
}

/// The address a request came from (for handlers outside a server function).
pub fn ip_of(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// Counts an attempt against `limit` for this caller's address and `what`.
pub async fn rate_limit(state: &AppState, what: &str, limit: Limit) -> AppResult<()> {
    rate_limit_key(state, &format!("{what}:{}", client_ip()), limit).await
}

/// Counts an attempt against `limit` for `key` (an address asked about, say).
/// A refusal says when to try again, in its words and in `Retry-After`.
pub async fn rate_limit_key(state: &AppState, key: &str, limit: Limit) -> AppResult<()> {
    state.limiter.check(key, limit).await.map_err(|wait| {
        let refused = AppError::rate_limited(wait);
        if let (Some(res), Some(secs)) = (use_context::<ResponseOptions>(), refused.retry_after()) {
            res.insert_header(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        refused
    })
}

/// Whether the call came from a form (a plain post, or one the page's script
/// sends asking for a page), which gets a redirect back instead of data.
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
pub const UNDO_COOKIE: &str = "boardroom_undo";

/// For a plain form post (which is sent back to its page), leaves `value` in
/// the one-minute cookie `name` for that page to read once (`take_left`).
/// (A script's or SDK's call gets the server function's result itself.) Only
/// the server sets these cookies, so no crafted link can put words or ids of
/// someone else's choosing on a page.
fn leave_for_next_page(name: &str, value: &str) {
    if !is_plain_form_post() {
        return;
    }
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    set_cookie(&format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"));
}

/// Reads and clears what a plain form post left in cookie `name`.
fn take_left(name: &str) -> Option<String> {
    let raw = request_cookie(name)?;
    set_cookie(&format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"));
    let value: String = url::form_urlencoded::parse(format!("m={raw}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()?;
    (!value.is_empty()).then_some(value)
}

/// For a plain form post, leaves `message` for the page it returns to, to show once.
pub fn notice_for_plain_form(message: &str) {
    leave_for_next_page(NOTICE_COOKIE, message);
}

/// Reads and clears the notice a plain form post left.
pub fn take_notice() -> Option<String> {
    take_left(NOTICE_COOKIE)
}

/// For a plain form post, leaves the id of what it withdrew and the words
/// naming it, so that the page it returns to can offer to undo it beside the
/// notice. Ids only (the server made them); anything else is ignored.
pub fn undo_for_plain_form(id: &str, what: &str) {
    if is_plain_id(id) {
        leave_for_next_page(UNDO_COOKIE, &format!("{id} {what}"));
    }
}

/// Reads and clears what a plain form post left to undo: its id and words.
pub fn take_undo() -> Option<(String, String)> {
    let left = take_left(UNDO_COOKIE)?;
    let (id, what) = left.split_once(' ').unwrap_or((&left, ""));
    is_plain_id(id).then(|| (id.to_string(), what.to_string()))
}

pub const ABOUT_COOKIE: &str = "boardroom_about";
pub const HANDOVER_COOKIE: &str = "boardroom_handover";
pub const ECHO_COOKIE: &str = "boardroom_echo";

/// For a plain form post about one row of a list (an invitation, a member),
/// leaves `message` for the page to show in that row, by its id.
pub fn row_notice_for_plain_form(id: &str, message: &str) {
    notice_for_plain_form(message);
    if is_plain_id(id) {
        leave_for_next_page(ABOUT_COOKIE, id);
    }
}

/// Reads and clears which row the notice a plain form post left is about.
pub fn take_about() -> Option<String> {
    take_left(ABOUT_COOKIE).filter(|id| is_plain_id(id))
}

/// For a plain form post, leaves what is shown once and never stored
/// readable (a new API token, an invitation link handed over), for the page
/// it returns to (HttpOnly, for one minute, read once).
pub fn handover_for_plain_form<T: serde::Serialize>(value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        leave_for_next_page(HANDOVER_COOKIE, &json);
    }
}

/// Reads and clears what a plain form post handed over.
pub fn take_handover<T: serde::de::DeserializeOwned>() -> Option<T> {
    serde_json::from_str(&take_left(HANDOVER_COOKIE)?).ok()
}

/// For a plain form post, leaves what its form is to be filled with again
/// on the page it returns to (what could not be done, to correct), unless it
/// is too long for a cookie.
pub fn echo_for_plain_form<T: serde::Serialize>(value: &T) {
    if let Ok(json) = serde_json::to_string(value)
        && json.len() <= 2048
    {
        leave_for_next_page(ECHO_COOKIE, &json);
    }
}

/// Reads and clears what a plain form post left to fill its form with.
pub fn take_echo<T: serde::de::DeserializeOwned>() -> Option<T> {
    serde_json::from_str(&take_left(ECHO_COOKIE)?).ok()
}

fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Sends the browser to `path` (a 302 for a form post; a script's call gets
/// the address in a header).
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
