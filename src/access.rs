//! What a person may do in a workspace: grants (a permission on a resource),
//! what a member holds all told, and `Access`, the caller's standing in one
//! workspace with the one check every action makes.

use crate::domain::User;
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

macro_rules! spelled_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] #[cfg_attr(feature = "ssr", schema(rename = $text))] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The API's spelling, e.g. `DATA_EXECUTION`.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the API's spelling (any case, surrounding blanks ignored).
            pub fn parse(raw: &str) -> Result<Self, String> {
                let upper = raw.trim().to_ascii_uppercase();
                match upper.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!(
                        concat!("Choose a ", $what, ": {} (not \u{201c}{}\u{201d})"),
                        [$($text),+].join(", "),
                        raw.trim()
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spelled_enum!(
    /// READ sees; WRITE changes (and implies READ).
    Permission, "permission", { Read => "READ", Write => "WRITE" }
);
spelled_enum!(
    /// What a grant is about.
    Resource, "resource", {
        Data => "DATA",
        DataExecution => "DATA_EXECUTION",
        UserManagement => "USER_MANAGEMENT",
        BusinessInfo => "BUSINESS_INFO",
    }
);
spelled_enum!(
    /// Who a role is given to: members directly, or groups.
    Target, "target", { User => "USER", Group => "GROUP" }
);

/// One permission on one resource, e.g. WRITE on DATA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub permission: Permission,
    pub resource: Resource,
}

impl Grant {
    pub const fn new(permission: Permission, resource: Resource) -> Self {
        Grant { permission, resource }
    }

    /// Every grant there is, READ before WRITE.
    pub fn all() -> impl Iterator<Item = Grant> {
        Permission::ALL
            .iter()
            .flat_map(|p| Resource::ALL.iter().map(move |r| Grant::new(*p, *r)))
    }
}

impl Grant {
    /// Every grant, least privileged first: what the pages offer, in this order.
    pub const ALL: [Grant; 8] = [
        Grant::new(Permission::Read, Resource::Data),
        Grant::new(Permission::Read, Resource::DataExecution),
        Grant::new(Permission::Read, Resource::BusinessInfo),
        Grant::new(Permission::Read, Resource::UserManagement),
        Grant::new(Permission::Write, Resource::DataExecution),
        Grant::new(Permission::Write, Resource::Data),
        Grant::new(Permission::Write, Resource::BusinessInfo),
        Grant::new(Permission::Write, Resource::UserManagement),
    ];

    /// What the grant lets a person do, as the pages say it. The API and the
    /// SDKs keep the seed's spelling (`WRITE` on `DATA`).
    pub fn label(self) -> &'static str {
        use {Permission::*, Resource::*};
        match (self.permission, self.resource) {
            (Read, Data) => "See boards",
            (Read, DataExecution) => "See when boards ran",
            (Read, BusinessInfo) => "See workspace settings",
            (Read, UserManagement) => "See people, roles and groups",
            (Write, DataExecution) => "Run boards",
            (Write, Data) => "Create, edit and delete boards",
            (Write, BusinessInfo) => "Rename the workspace",
            (Write, UserManagement) => "Invite and remove people",
        }
    }

    /// One line more about the grant.
    pub fn description(self) -> &'static str {
        use {Permission::*, Resource::*};
        match (self.permission, self.resource) {
            (Read, Data) => "Can open the workspace's boards and read them.",
            (Read, DataExecution) => "Can see when each board last ran, and who ran it.",
            (Read, BusinessInfo) => "Can see the workspace's name, id, owners and size.",
            (Read, UserManagement) => "Can see who is a member, who is invited, and the roles and groups.",
            (Write, DataExecution) => "Can run boards to refresh their data.",
            (Write, Data) => "Can create boards, change them and delete them.",
            (Write, BusinessInfo) => "Can rename the workspace.",
            (Write, UserManagement) => "Can invite and remove people, change their roles, and manage roles and groups.",
        }
    }
}

impl Permission {
    /// What the permission lets a person do, as the pages say it.
    pub fn label(self) -> &'static str {
        match self {
            Permission::Read => "See",
            Permission::Write => "See and change",
        }
    }
}

impl Resource {
    /// What the resource is, as the pages say it.
    pub fn label(self) -> &'static str {
        match self {
            Resource::Data => "Boards",
            Resource::DataExecution => "Board runs",
            Resource::UserManagement => "People, roles and groups",
            Resource::BusinessInfo => "Workspace settings",
        }
    }
}

impl Target {
    /// Who the role is for, as the pages say it.
    pub fn label(self) -> &'static str {
        match self {
            Target::User => "People",
            Target::Group => "Groups",
        }
    }
}

impl fmt::Display for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.permission, self.resource)
    }
}

/// What a member holds, all roles and groups taken together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    held: BTreeSet<Grant>,
    /// Owners hold every grant.
    owner: bool,
}

impl Grants {
    pub fn owner() -> Self {
        Grants {
            held: BTreeSet::new(),
            owner: true,
        }
    }

    pub fn from_grants(grants: impl IntoIterator<Item = Grant>) -> Self {
        Grants {
            held: grants.into_iter().collect(),
            owner: false,
        }
    }

    /// Whether `wanted` is held; WRITE implies READ.
    pub fn allows(&self, wanted: Grant) -> bool {
        self.owner
            || self.held.contains(&wanted)
            || (wanted.permission == Permission::Read
                && self.held.contains(&Grant::new(Permission::Write, wanted.resource)))
    }
}

/// The caller's standing in one workspace: who they are, where, whether they
/// own it and what they hold. Every workspace action starts from one, and the
/// pages get it too, to show or hide a control (the server checks again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub workspace_id: String,
    pub workspace_name: String,
    pub user: User,
    pub is_owner: bool,
    pub grants: Grants,
}

impl Access {
    /// Whether the caller holds `permission` on `resource`.
    pub fn can(&self, permission: Permission, resource: Resource) -> bool {
        self.grants.allows(Grant::new(permission, resource))
    }

    /// The one check every action makes: refuses unless the caller holds
    /// `permission` on `resource`, naming what is missing. `doing` completes
    /// "You need … to …".
    pub fn authorize(&self, permission: Permission, resource: Resource, doing: &str) -> AppResult<()> {
        let grant = Grant::new(permission, resource);
        if self.grants.allows(grant) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("You need {grant} to {doing}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apis_spellings_parse_and_others_list_the_choices() {
        assert_eq!(Resource::parse("data_execution").unwrap(), Resource::DataExecution);
        assert_eq!(Permission::parse(" WRITE ").unwrap(), Permission::Write);
        let e = Resource::parse("DATUM").unwrap_err();
        assert_eq!(
            e,
            "Choose a resource: DATA, DATA_EXECUTION, USER_MANAGEMENT, BUSINESS_INFO (not \u{201c}DATUM\u{201d})"
        );
        assert!(
            Target::parse("TEAM")
                .unwrap_err()
                .starts_with("Choose a target: USER, GROUP")
        );
    }

    #[test]
    fn write_implies_read_but_not_the_other_way() {
        let g = Grants::from_grants([Grant::new(Permission::Write, Resource::Data)]);
        assert!(g.allows(Grant::new(Permission::Read, Resource::Data)));
        assert!(g.allows(Grant::new(Permission::Write, Resource::Data)));
        assert!(!g.allows(Grant::new(Permission::Read, Resource::UserManagement)));
        let r = Grants::from_grants([Grant::new(Permission::Read, Resource::Data)]);
        assert!(!r.allows(Grant::new(Permission::Write, Resource::Data)));
    }

    #[test]
    fn owners_hold_everything() {
        assert!(Grant::all().all(|g| Grants::owner().allows(g)));
        assert_eq!(Grant::all().count(), 8);
    }
}
