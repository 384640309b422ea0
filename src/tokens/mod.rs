//! API tokens: what scripts, the SDKs and the CLI present instead of a session.
//! A token acts with its owner's grants, never more.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    /// Written at most once a minute.
    pub last_used_at: Option<Timestamp>,
}

/// A token just created: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// What a person reads after making a token.
pub fn created_notice(name: &str) -> String {
    format!("Token \u{201c}{name}\u{201d} created")
}

/// What a person reads after revoking a token.
pub fn revoked_notice(name: &str) -> String {
    format!("Token \u{201c}{name}\u{201d} revoked")
}

/// The question asked before revoking a token.
pub fn revoke_question(name: &str) -> String {
    format!("Revoke the token {name}? Scripts using it are refused from now on.")
}
