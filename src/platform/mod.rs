//! What every capability stands on, on the server, knowing nothing of them:
//! configuration, the database pool, tokens and passwords, the clock, rate limits,
//! the built assets the pages load, the company's identity provider.

pub mod assets;
pub mod changes;
pub mod config;
pub mod crypto;
pub mod db;
pub mod metrics;
pub mod oidc;
pub mod proxy;
pub mod ratelimit;
pub mod time;
