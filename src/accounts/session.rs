//! Who is signed in: the session cookie, and the person it stands for, looked
//! up once per request.

use crate::domain::User;
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};
use leptos::prelude::*;

pub const SESSION_COOKIE: &str = "boardroom_session";

/// The session cookie's value in a set of request headers.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    state::cookie(headers, SESSION_COOKIE)
}

/// What one request has already looked up, so that a page whose server
/// functions each ask "who is this?" asks the database once.
#[derive(Clone, Default)]
pub struct RequestCache {
    user: std::sync::Arc<tokio::sync::OnceCell<Option<User>>>,
}

/// The signed-in user, if any.
pub async fn current_user() -> AppResult<Option<User>> {
    let Some(token) = state::request_cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let state = state::state()?;
    let lookup = || super::service::user_for_session(&state.db, &token);
    match use_context::<RequestCache>() {
        Some(cache) => cache.user.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> AppResult<User> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}

/// Sets (or, with `None`, clears) the session cookie on the response.
pub fn set_session_cookie(state: &AppState, token: Option<&str>) {
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    state::set_cookie(&match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            30 * 24 * 3600
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    });
}

/// Signs `user` in on this browser: a new session, and its cookie.
pub async fn start(state: &AppState, user: &User) -> AppResult<()> {
    let token = super::service::create_session(&state.db, &user.id).await?;
    set_session_cookie(state, Some(&token));
    Ok(())
}

/// The signed-in caller's standing in `workspace_id`, with the shared state:
/// where every workspace server function starts.
pub async fn workspace_access(workspace_id: &str) -> AppResult<(AppState, crate::access::Access)> {
    let user = require_user().await?;
    let state = state::state()?;
    let access = crate::members::service::access(&state.db, &user, workspace_id).await?;
    Ok((state, access))
}
