//! Roles: names standing for grants, and who holds them.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use model::RoleRow;

use crate::access::Grant;
use serde::{Deserialize, Serialize};

/// A role offered in a picker: its name and, in words, what it allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub name: String,
    /// What it allows, in words: "See boards; Run boards".
    pub allows: String,
}

impl RoleChoice {
    /// Role `name`, allowing `grants` (in any order).
    pub fn new(name: String, grants: &[Grant]) -> Self {
        let allows = Grant::ALL
            .iter()
            .filter(|g| grants.contains(g))
            .map(|g| g.label())
            .collect::<Vec<_>>()
            .join("; ");
        RoleChoice { name, allows }
    }
}

/// What a person reads after a role gains a grant.
pub fn created_notice(row: &RoleRow) -> String {
    format!(
        "The role {} now grants {} on {} to {}",
        row.name, row.permission, row.resource, row.target
    )
}

/// What a person reads after a role is deleted.
pub fn deleted_notice(name: &str) -> String {
    format!("The role {name} was deleted")
}

/// The question asked before deleting a role.
pub fn delete_question(name: &str) -> String {
    format!("Delete the role {name}? This can't be undone.")
}
