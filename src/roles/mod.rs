//! Roles: names standing for grants, and who holds them.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub use model::RoleRow;

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
