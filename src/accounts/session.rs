//! Who is signed in: the session cookie, and the person it stands for, looked
//! up once per request.

use super::service::Standing;
use crate::access::Access;
use crate::domain::User;
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

pub const SESSION_COOKIE: &str = "boardroom_session";

/// The session cookie's value in a set of request headers.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    state::cookie(headers, SESSION_COOKIE)
}

/// The signed-in person as the router's guard found them, carried in the
/// request so that the page does not look the session up again.
#[derive(Clone, Debug)]
pub struct SignedIn(pub User);

/// What one request has already looked up, so that the layout and the page of
/// one render (each loading its data) ask the database once: who is calling,
/// their standing in each workspace, and the workspaces they belong to.
#[derive(Clone, Default)]
pub struct RequestCache {
    user: Arc<OnceCell<Option<(User, Standing)>>>,
    access: Arc<Mutex<HashMap<String, Arc<OnceCell<Access>>>>>,
    workspaces: Arc<OnceCell<Vec<crate::workspaces::WorkspaceSummary>>>,
}

/// Who this browser's session is for, whether or not their address is
/// proven yet.
pub async fn current_session() -> AppResult<Option<(User, Standing)>> {
    if let Some(SignedIn(user)) = use_context::<axum::http::request::Parts>()
        .as_ref()
        .and_then(|p| p.extensions.get::<SignedIn>())
    {
        return Ok(Some((user.clone(), Standing::Proven)));
    }
    let Some(token) = state::request_cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let state = state::state()?;
    let lookup = || super::service::session_of(&state.db, &token, state.config.session_idle);
    match use_context::<RequestCache>() {
        Some(cache) => cache.user.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in user, if any, whose address is proven: an account whose
/// address is not may only be told to open the link emailed to it.
pub async fn current_user() -> AppResult<Option<User>> {
    Ok(current_session()
        .await?
        .and_then(|(user, standing)| (standing == Standing::Proven).then_some(user)))
}

/// The workspaces the signed-in `user` belongs to, looked up once a request.
pub async fn workspaces_of(state: &AppState, user: &User) -> AppResult<Vec<crate::workspaces::WorkspaceSummary>> {
    let lookup = || crate::members::service::workspaces_of(&state.db, &user.id);
    match use_context::<RequestCache>() {
        Some(cache) => cache.workspaces.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in user, or `Unauthenticated` (or, for an account whose
/// address is not proven, what it must do first).
pub async fn require_user() -> AppResult<User> {
    match current_session().await? {
        Some((user, Standing::Proven)) => Ok(user),
        Some((_, Standing::Unproven)) => Err(AppError::Forbidden(super::service::UNPROVEN.into())),
        None => Err(AppError::Unauthenticated),
    }
}

/// Sets (or, with `None`, clears) the session cookie on the response.
pub fn set_session_cookie(state: &AppState, token: Option<&str>) {
    state::set_cookie(&session_cookie(&state.config, token));
}

/// The `Set-Cookie` value that sets (or, with `None`, clears) the session cookie.
pub fn session_cookie(config: &crate::platform::config::Config, token: Option<&str>) -> String {
    let secure = if config.secure_cookies() { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            config.session_max.as_secs()
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Where a request comes from, for a session's record.
pub fn client_of(parts: &axum::http::request::Parts) -> super::service::Client {
    super::service::Client {
        ip: state::ip_of(parts).to_string(),
        user_agent: parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
    }
}

/// Signs `user` in on the browser that sent `parts`: the session it held
/// ends and a new one (a new id) begins. Returns the `Set-Cookie` value.
pub async fn begin(state: &AppState, parts: &axum::http::request::Parts, user: &User) -> AppResult<String> {
    if let Some(old) = session_token(&parts.headers) {
        super::service::end_session(&state.db, &old).await?;
    }
    let lifetimes = super::service::Lifetimes::of(&state.config);
    let token = super::service::create_session(&state.db, &user.id, &client_of(parts), lifetimes).await?;
    Ok(session_cookie(&state.config, Some(&token)))
}

/// Signs `user` in on this browser (the request a server function answers):
/// a new session, and its cookie.
pub async fn start(state: &AppState, user: &User) -> AppResult<()> {
    let parts =
        use_context::<axum::http::request::Parts>().unwrap_or_else(|| axum::http::Request::new(()).into_parts().0);
    state::set_cookie(&begin(state, &parts, user).await?);
    Ok(())
}

/// The signed-in caller's standing in `workspace_id`, with the shared state:
/// where every workspace server function starts.
pub async fn workspace_access(workspace_id: &str) -> AppResult<(AppState, Access)> {
    let user = require_user().await?;
    let state = state::state()?;
    let lookup = || crate::members::service::access(&state.db, &user, workspace_id);
    let access = match use_context::<RequestCache>() {
        Some(cache) => {
            let cell = cache
                .access
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(workspace_id.to_string())
                .or_default()
                .clone();
            cell.get_or_try_init(lookup).await?.clone()
        }
        None => lookup().await?,
    };
    Ok((state, access))
}
