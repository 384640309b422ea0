//! People and their sessions: sign up, sign in, sign out.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// The signed-in person, as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
}
