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
