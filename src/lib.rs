//! Boardroom: self-hosted workspaces that people are invited into by email.
//!
//! The layers, each importing only those below it (README, "Architecture"):
//! the ground (`platform`, `mail`, `error`, `domain`, `access`, `audit`),
//! the request state (`state`), the capabilities (`roles`, `groups`,
//! `workspaces`, `members`, `accounts`, `tokens`, `invitations`, `boards`),
//! and what people and scripts meet (`pages`, `components`, `rest`, `app`,
//! `server`, `admin`).

#![recursion_limit = "256"]

pub mod access;
pub mod accounts;
pub mod app;
pub mod audit;
pub mod boards;
pub mod components;
pub mod domain;
pub mod error;
pub mod groups;
pub mod invitations;
pub mod members;
pub mod pages;
pub mod roles;
pub mod sso;
pub mod tokens;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod platform;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod state;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Lets end-to-end tests tell a hydrated page from a plain HTML one.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
