//! Boards: what members come to see and review.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    pub content: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// Everything the Boards page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardsPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub boards: Vec<Board>,
    /// What a plain form post left to say, shown once.
    pub notice: Option<String>,
}
