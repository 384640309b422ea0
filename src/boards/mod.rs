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
    /// When its data last ran and who ran it; shown to those with READ on
    /// DATA_EXECUTION (`None` otherwise, or if it never ran).
    pub last_run: Option<LastRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub at: String,
    pub at_iso: String,
    pub by: Option<String>,
}

/// One board's page, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub board: Board,
    pub notice: Option<String>,
}

/// Everything the Boards page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardsPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub boards: Vec<Board>,
    /// What a plain form post left to say, shown once.
    pub notice: Option<String>,
}
