//! A role: a name standing for one or more grants, given to members (target
//! USER) or to groups (target GROUP).

use crate::access::{Permission, Resource, Target};
use serde::{Deserialize, Serialize};

/// One row of a role: one grant, given to members or to groups.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub permission: Permission,
    pub resource: Resource,
    pub target: Target,
}
