//! Workspaces, who belongs to them, and what each member may do there.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use crate::accounts::CurrentUser;
use crate::roles::{Grant, Grants, Permission, Resource};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// What the viewer may do here; the server checks again on every call.
    pub grants: Grants,
}

impl WorkspaceContext {
    /// Whether the viewer holds `permission` on `resource`, to show or hide a control.
    pub fn can(&self, permission: Permission, resource: Resource) -> bool {
        self.grants.allows(Grant::new(permission, resource))
    }
}

/// What BUSINESS_INFO covers: the workspace's name and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub owners: Vec<String>,
    pub members: i64,
}

/// Everything the Settings page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPageData {
    pub context: WorkspaceContext,
    /// `None` for members without READ on BUSINESS_INFO (they can still leave).
    pub info: Option<WorkspaceInfo>,
    pub notice: Option<String>,
}
