//! One module per screen.

pub mod accept;
pub mod account;
pub mod activity;
pub mod auth;
pub mod boards;
pub mod confirm;
pub mod groups;
pub mod home;
pub mod import;
pub mod not_found;
pub mod roles;
pub mod settings;
pub mod tokens;
pub mod users;
pub mod workspace;

use leptos::prelude::*;

/// The page title, with "Error: " in front when a form on it has errors.
///
/// The server writes the `<title>` after the page's body, when the page's own
/// reactive values may already be gone; so it is worked out now.
pub fn page_title(title: &str, has_errors: Signal<bool>) -> String {
    title_text(title, has_errors.get_untracked())
}

/// The page title, with "Error: " in front when `has_errors`.
pub fn title_text(title: &str, has_errors: bool) -> String {
    if has_errors {
        format!("Error: {title} · Boardroom")
    } else {
        format!("{title} · Boardroom")
    }
}
