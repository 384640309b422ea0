//! Workspaces: what people are invited into. A workspace is addressed by its
//! id or by its name.

#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub is_owner: bool,
}

/// What BUSINESS_INFO covers: the workspace's name and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub owners: Vec<String>,
    pub members: i64,
}

/// What a person reads after renaming a workspace.
pub fn renamed_notice(name: &str) -> String {
    format!("Workspace renamed to {name}")
}
