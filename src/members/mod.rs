//! The people in a workspace: who belongs, who owns it, and each member's
//! standing (`Access`) when they act there.

#[cfg(feature = "ssr")]
pub mod service;

use crate::access::{Access, Permission, Resource};
use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

/// A member of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_owner: bool,
    pub joined_at: Timestamp,
    /// Roles given to this member directly (target USER).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Groups this member is in, besides `everyone`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Their address is outside the domains the workspace now invites (they
    /// stay; this marks them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_domains: bool,
}

/// Which members a list keeps: those whose name or email holds `query` (any
/// case), only owners, only those holding role `role`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberFilter {
    pub query: String,
    pub owners: bool,
    pub role: Option<String>,
}

/// Whether `viewer` may remove `member` from a workspace that has `owners`
/// owners: who manages people may remove others, an owner only if they own
/// it too, and never the last owner. The server enforces it; pages use it to
/// offer Remove only where it will work.
pub fn may_remove(viewer: &Access, member: &Member, owners: usize) -> bool {
    Remover {
        manages: viewer.can(Permission::Write, Resource::UserManagement),
        user_id: &viewer.user.id,
        is_owner: viewer.is_owner,
    }
    .may_remove(member, owners)
}

/// Who would remove a member, as the rule in [`may_remove`] sees them.
pub struct Remover<'a> {
    /// Holds WRITE on USER_MANAGEMENT.
    pub manages: bool,
    pub user_id: &'a str,
    pub is_owner: bool,
}

impl Remover<'_> {
    pub fn may_remove(&self, member: &Member, owners: usize) -> bool {
        self.manages && member.user_id != self.user_id && (!member.is_owner || (self.is_owner && owners > 1))
    }
}

/// What a person reads after removing someone.
pub fn removed_notice(name: &str, workspace: &str) -> String {
    format!("{name} was removed from {workspace}")
}

/// What a person reads after changing someone's roles.
pub fn roles_saved_notice(name: &str) -> String {
    format!("Roles for {name} saved")
}

/// What a person reads after making someone an owner.
pub fn owner_notice(name: &str, workspace: &str) -> String {
    format!("{name} is now an owner of {workspace}")
}

/// What a person reads after taking ownership away (their own included).
pub fn no_longer_owner_notice(name: &str, workspace: &str) -> String {
    format!("{name} is no longer an owner of {workspace}")
}

/// The question asked before removing someone.
pub fn remove_question(name: &str, workspace: &str) -> String {
    format!("Remove {name} from {workspace}? They lose access to its boards at once.")
}

/// The question asked before taking ownership away: `own` when it is the
/// caller's own.
pub fn revoke_owner_question(name: &str, workspace: &str, own: bool) -> String {
    if own {
        format!(
            "Give up ownership of {workspace}? You stay a member with your roles; only an owner can make you an owner again."
        )
    } else {
        format!("Remove {name} as an owner of {workspace}? They stay a member with their roles.")
    }
}

/// The question asked before leaving a workspace.
pub fn leave_question(workspace: &str) -> String {
    format!("Leave {workspace}? You lose access to its boards at once, until someone invites you again.")
}
