//! Groups: sets of members that receive GROUP-target roles together. Every
//! workspace has the built-in group `everyone`, which every member is in.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// A member as a group lists them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// `everyone`: holds every member, can be neither renamed nor deleted.
    pub builtin: bool,
    /// Listed members (empty for `everyone`, which has them all).
    pub members: Vec<GroupMember>,
    /// Role names the group holds (target GROUP).
    pub roles: Vec<String>,
}

/// Everything the Groups page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsPageData {
    pub context: crate::workspaces::WorkspaceContext,
    pub groups: Vec<Group>,
    /// The workspace's members, for adding to a group.
    pub people: Vec<GroupMember>,
    /// Roles that can be given to groups (target GROUP).
    pub group_roles: Vec<String>,
    pub notice: Option<String>,
}
