//! The people in a workspace: listing and removing them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    pub joined_at: String,
    pub joined_at_iso: String,
    /// This row is the viewer's own.
    pub is_you: bool,
    /// The viewer may remove this member (never themselves, never the last owner).
    pub removable: bool,
}
