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
pub const UNDO_COOKIE: &str = "boardroom_undo";

/// For a plain form post (which is sent back to its page), leaves `value` in
/// the one-minute cookie `name` for that page to read once (`take_left`).
/// After hydration the page has the server function's result itself. Only
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

/// For a plain form post, leaves the id of what it withdrew, so that the page
/// it returns to can offer to undo it beside the notice. Ids only (the server
/// made them); anything else is ignored.
pub fn undo_for_plain_form(id: &str) {
    if is_plain_id(id) {
        leave_for_next_page(UNDO_COOKIE, id);
    }
}

/// Reads and clears what a plain form post left to undo.
pub fn take_undo() -> Option<String> {
    take_left(UNDO_COOKIE).filter(|id| is_plain_id(id))
}

fn is_plain_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Sends the browser to `path`: a 302 for a plain form post, a client-side
/// navigation after hydration.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}
