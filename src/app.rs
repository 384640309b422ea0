//! The page shell and the routes.

use crate::pages::accept::AcceptInvitationPage;
use crate::pages::account::{AccountPage, ConfirmEmailChangePage};
use crate::pages::activity::ActivityPage;
use crate::pages::auth::{
    CheckInboxPage, ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage,
};
use crate::pages::boards::{BoardPage, BoardsPage};
use crate::pages::confirm::ConfirmPage;
use crate::pages::groups::GroupsPage;
use crate::pages::home::HomePage;
use crate::pages::import::ImportPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::roles::RolesPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tokens::TokensPage;
use crate::pages::users::UsersPage;
use crate::pages::workspace::{NewWorkspacePage, WorkspaceLayout};
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::SsrMode;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around every page (rendered on the server only).
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = use_context::<crate::state::AppState>()
        .map(|state| state.assets.stylesheet())
        .unwrap_or_else(|| format!("/pkg/{}.css", options.output_name));
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <leptos_meta::MetaTags/>
            </head>
            <body class="min-h-screen bg-zinc-50 text-zinc-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // First in the body, so that it is the first thing Tab reaches.
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-semibold focus:text-indigo-700 focus:shadow-lg focus:outline-2 focus:outline-indigo-600">
            "Skip to main content"
        </a>
        <Router>
            // Every page is rendered whole before it is sent (Async), so that it
            // reads and works as it arrives, with or without scripts.
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async/>
                <Route path=path!("/check-inbox") view=CheckInboxPage ssr=SsrMode::Async/>
                <Route path=path!("/verify/:token") view=VerifyEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/workspaces/new") view=NewWorkspacePage ssr=SsrMode::Async/>
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/account/tokens") view=TokensPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm-email/:token") view=ConfirmEmailChangePage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=AcceptInvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm") view=ConfirmPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/w/:wid") view=WorkspaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=BoardsPage ssr=SsrMode::Async/>
                    <Route path=path!("boards") view=BoardsPage ssr=SsrMode::Async/>
                    <Route path=path!("boards/:bid") view=BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("users/import") view=ImportPage ssr=SsrMode::Async/>
                    <Route path=path!("roles") view=RolesPage ssr=SsrMode::Async/>
                    <Route path=path!("groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("activity") view=ActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=SettingsPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
