//! Groups: sets of members that receive GROUP-target roles together. Every
//! workspace has the built-in group `everyone`, which every member is in.

#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// A member as a group lists them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
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
    /// Listed members, by name, up to the first hundred (none for
    /// `everyone`, which has them all).
    pub members: Vec<GroupMember>,
    /// How many listed members it has.
    pub member_count: i64,
    /// Role names the group holds (target GROUP).
    pub roles: Vec<String>,
}

/// What a person reads after a group is made.
pub fn created_notice(name: &str) -> String {
    format!("Group {name} created")
}

/// What a person reads after a group is renamed.
pub fn renamed_notice(name: &str) -> String {
    format!("Group renamed to {name}")
}

/// What a person reads after a group is deleted.
pub fn deleted_notice(name: &str) -> String {
    format!("Group {name} deleted")
}

/// What a person reads after someone joins a group.
pub fn added_notice(person: &str, group: &str) -> String {
    format!("{person} added to {group}")
}

/// What a person reads after someone leaves a group.
pub fn removed_notice(person: &str, group: &str) -> String {
    format!("{person} removed from {group}")
}

/// What a person reads after a group is given a role.
pub fn granted_notice(group: &str, role: &str) -> String {
    format!("{group} now holds {role}")
}

/// What a person reads after a role is taken from a group.
pub fn revoked_notice(group: &str, role: &str) -> String {
    format!("{group} no longer holds {role}")
}

/// Who loses what a group grants: `n` members.
fn affected(n: i64) -> String {
    match n {
        0 => "Nobody will".to_string(),
        1 => "1 member will".to_string(),
        n => format!("{n} members will"),
    }
}

/// The question asked before deleting a group of `members` members.
pub fn delete_question(group: &str, members: i64) -> String {
    format!(
        "Delete the group {group}? {} lose what it grants, unless another role gives it to them.",
        affected(members)
    )
}

/// The question asked before taking `role` from a group whose loss reaches
/// `members` members (every member, for `everyone`).
pub fn revoke_role_question(role: &str, group: &str, members: i64) -> String {
    format!(
        "Take {role} away from {group}? {} lose what it grants, unless another role gives it to them.",
        affected(members)
    )
}

/// The question asked before taking someone out of a group.
pub fn remove_member_question(person: &str, group: &str) -> String {
    format!("Remove {person} from {group}? They lose what the group grants, unless another role gives it.")
}
