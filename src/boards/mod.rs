//! Boards: what members come to see and review.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    pub content: String,
    /// The author's name (gone when their account is).
    pub created_by: Option<String>,
    pub created_at: Timestamp,
    /// When its data last ran and who ran it; shown to those with READ on
    /// DATA_EXECUTION (`None` otherwise, or if it never ran).
    pub last_run: Option<LastRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastRun {
    pub at: Timestamp,
    pub by: Option<String>,
}

/// What a person reads after something happened to a board: "Board “Q3” saved".
pub fn notice(name: &str, what: &str) -> String {
    format!("Board \u{201c}{name}\u{201d} {what}")
}

/// The question asked before deleting a board.
pub fn delete_question(name: &str) -> String {
    format!("Delete the board \u{201c}{name}\u{201d}? It can't be undone.")
}
