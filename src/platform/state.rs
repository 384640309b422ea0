//! What every request handler and server function can reach.

use super::config::Config;
use super::db::Db;
use super::ratelimit::RateLimiter;
use crate::mail::Mailer;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    pub limiter: Arc<RateLimiter>,
}
