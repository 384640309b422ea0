//! What every capability stands on, on the server: configuration, database,
//! tokens, rate limits, shared state and the HTTP stack.

pub mod config;
pub mod crypto;
pub mod db;
pub mod http;
pub mod ratelimit;
pub mod request;
pub mod state;
pub mod when;
