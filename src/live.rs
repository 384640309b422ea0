//! A workspace's changes as server-sent events, for the people who may see
//! its users: the Users page (with the session cookie, at
//! `/w/{workspace}/events`) and scripts (with a token, at
//! `/api/v1/workspaces/{ws}/events`). Each event names a kind of change and
//! the id it is about (`{"kind": "invitation.created", "id": "…"}`), never a
//! name or an address: what is shown is read again through the lists' own
//! queries. The watcher's right to see the workspace's users is checked again
//! before every event, with the session or token the stream was opened
//! with, so a person removed, no longer allowed, signed out or whose token
//! was revoked hears nothing more: their stream ends.

use crate::access::{Permission, Resource};
use crate::domain::User;
use crate::error::{AppError, AppResult};
use crate::platform::changes::{Heard, Ticket};
use crate::platform::db::Db;
use crate::state::AppState;
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::convert::Infallible;
use tokio::sync::{broadcast, watch};

/// How many streams one person may hold open on one instance (a browser
/// opens one per tab of the Users page).
pub const STREAMS_PER_PERSON: usize = 8;

/// What a stream was opened with, checked again before every event: a
/// signed-out session or a revoked token hears nothing more.
pub enum Credential {
    /// The session cookie's value, and how long the session may go unused.
    Session(String, std::time::Duration),
    /// The API token presented.
    Token(String),
}

impl Credential {
    /// Whether it still stands for `user`.
    async fn holds(&self, db: &Db, user: &User) -> bool {
        let now = match self {
            Credential::Session(secret, idle) => crate::accounts::service::user_for_session(db, secret, *idle).await,
            Credential::Token(secret) => crate::tokens::service::user_for_token(db, secret).await,
        };
        matches!(now, Ok(Some(u)) if u.id == user.id)
    }
}

/// One open stream and what it needs to go on.
struct Watch {
    db: Db,
    user: User,
    credential: Credential,
    workspace_id: String,
    heard: broadcast::Receiver<Heard>,
    stopping: watch::Receiver<bool>,
    sent: u64,
    ended: bool,
    _ticket: Ticket,
}

/// Opens `user`'s stream of the changes in `workspace` (by id or name).
pub async fn open(state: &AppState, user: User, credential: Credential, workspace: &str) -> AppResult<Response> {
    let access = crate::members::service::resolve(&state.db, &user, workspace).await?;
    access.authorize(
        Permission::Read,
        Resource::UserManagement,
        "watch the workspace's people",
    )?;
    let ticket = state.watchers.admit(&user.id).ok_or_else(|| AppError::RateLimited {
        message: format!(
            "You have {STREAMS_PER_PERSON} live views open already, the most one person may; close one and try again"
        ),
        retry_after: 30,
    })?;
    // Subscribed before answering: nothing committed after this is missed.
    let watch = Watch {
        heard: state.db.changes().subscribe(),
        stopping: state.watchers.stopping(),
        db: state.db.clone(),
        user,
        credential,
        workspace_id: access.workspace_id.clone(),
        sent: 0,
        ended: false,
        _ticket: ticket,
    };
    let ready = Event::default()
        .event("ready")
        .data(serde_json::json!({ "workspace_id": access.workspace_id }).to_string());
    let events = futures_util::stream::once(async move { Ok::<_, Infallible>(ready) })
        .chain(futures_util::stream::unfold(watch, next));
    let mut res = Sse::new(events).keep_alive(KeepAlive::default()).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx and others pass each event on at once rather than buffer it.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// The next event for `w`, or the end of its stream.
async fn next(mut w: Watch) -> Option<(Result<Event, Infallible>, Watch)> {
    if w.ended || *w.stopping.borrow() {
        return None;
    }
    loop {
        let heard = tokio::select! {
            _ = w.stopping.wait_for(|stopping| *stopping) => return None,
            heard = w.heard.recv() => heard,
        };
        let event = match heard {
            Ok(Heard::Change(change)) if change.workspace_id == w.workspace_id => Event::default()
                .event(change.kind.as_str())
                .data(serde_json::json!({ "kind": change.kind, "id": change.id }).to_string()),
            Ok(Heard::Change(_)) => continue,
            // Missed notices: the watcher reads everything again.
            Ok(Heard::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("resync").data(r#"{"kind":"resync"}"#)
            }
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        if !still_allowed(&w).await {
            w.ended = true;
            let ended = Event::default().event("ended").data(r#"{"kind":"ended"}"#);
            return Some((Ok(ended), w));
        }
        w.sent += 1;
        return Some((Ok(event.id(w.sent.to_string())), w));
    }
}

/// Whether the watcher is still signed in (or their token stands), belongs
/// to the workspace and may see its users.
async fn still_allowed(w: &Watch) -> bool {
    if !w.credential.holds(&w.db, &w.user).await {
        return false;
    }
    match crate::members::service::resolve(&w.db, &w.user, &w.workspace_id).await {
        Ok(access) => access
            .authorize(Permission::Read, Resource::UserManagement, "watch")
            .is_ok(),
        Err(_) => false,
    }
}
