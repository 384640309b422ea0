//! Roles and grants: what each member may do in a workspace.

pub mod model;
#[cfg(feature = "ssr")]
pub mod service;

pub mod api;

pub use model::{Grant, Grants, Permission, Resource, RoleRow, Target};
