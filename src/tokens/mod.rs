//! API tokens: what scripts, the SDKs and the CLI present instead of a session.
//! A token acts with its owner's grants, never more.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

/// Everything the API tokens page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPageData {
    pub user: crate::accounts::CurrentUser,
    pub tokens: Vec<ApiToken>,
    /// Where "back" goes: the person's first workspace, or creating one.
    pub home: String,
    pub notice: Option<String>,
}
