//! The people in a workspace: listing and removing them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// The viewer may remove this member: never themselves, an owner only if the
    /// viewer is one too, and never the last owner.
    pub removable: bool,
    /// Roles given to this member directly (target USER).
    pub roles: Vec<String>,
    /// Groups this member is in, besides `everyone`.
    pub groups: Vec<String>,
}

/// Everything the Users page shows, loaded in one call (one resource, read in
/// one place: Leptos can stall a server render when one resource is read in
/// several suspense boundaries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub members: Vec<Member>,
    /// `None` for members who may not see invitations.
    pub pending: Option<Vec<crate::invitations::PendingInvitation>>,
    /// Roles that can be given to people (target USER), for the pickers.
    pub user_roles: Vec<String>,
    /// What a plain form post left to say, shown once.
    pub notice: Option<String>,
}
