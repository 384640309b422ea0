//! Roles and grants: what each member may do in a workspace.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub mod api;

pub use model::{Grant, Grants, Permission, Resource, RoleRow, Target};

/// Everything the Roles page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RolesPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub roles: Vec<RoleRow>,
    pub notice: Option<String>,
}
