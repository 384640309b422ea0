//! One module per screen.

pub mod accept;
pub mod auth;
pub mod boards;
pub mod home;
pub mod not_found;
pub mod users;
pub mod workspace;

use leptos::prelude::*;

/// The page title, with "Error: " in front while a form on it has errors.
pub fn page_title(
    title: &'static str,
    has_errors: Signal<bool>,
) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    move || {
        if has_errors.get() {
            format!("Error: {title} · Boardroom")
        } else {
            format!("{title} · Boardroom")
        }
    }
}
