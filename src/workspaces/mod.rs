//! Workspaces, who belongs to them, and what each member may do there.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use crate::accounts::CurrentUser;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub is_owner: bool,
}

/// Everything a workspace page's frame needs: who is looking, where, and where
/// else they could go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceContext {
    pub user: CurrentUser,
    pub workspace: WorkspaceSummary,
    pub workspaces: Vec<WorkspaceSummary>,
    /// How long invitation links live, in words ("7 days").
    pub invitation_lifetime: String,
}

impl WorkspaceContext {
    /// Until roles arrive, owners manage people and boards; every member views.
    pub fn can_manage(&self) -> bool {
        self.workspace.is_owner
    }
}
