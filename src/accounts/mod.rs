//! People and their sessions: sign up, sign in, sign out, and who is calling.

pub mod api;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod identities;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod profile;
#[cfg(feature = "ssr")]
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod verification;

/// One of a person's sessions, as their sessions list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SessionInfo {
    pub id: String,
    /// Browser and system, from the User-Agent: "Firefox on Linux".
    pub device: String,
    pub ip: String,
    pub signed_in: crate::domain::Timestamp,
    pub last_seen: crate::domain::Timestamp,
    /// The session of the browser asking.
    pub current: bool,
}
