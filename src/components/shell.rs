use super::{AccountIcon, Logo};
use crate::access::Access;
use crate::accounts::api::SignOut;
use crate::domain::User;
use crate::workspaces::WorkspaceSummary;
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// What the frame of every workspace page shows: the caller's standing there,
/// where else they could go, and how long invitation links live.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub access: Access,
    pub workspaces: Vec<WorkspaceSummary>,
    /// How long invitation links live, in words ("7 days").
    pub invitation_lifetime: String,
}

/// The bar at the top of every workspace page: the workspace, its sections, and
/// the account menu at the top right.
#[component]
pub fn TopBar(ctx: Frame) -> impl IntoView {
    let base = format!("/w/{}", ctx.access.workspace_id);
    let tab = "rounded-md px-3 py-1.5 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 aria-[current=page]:bg-zinc-100 aria-[current=page]:font-semibold";
    view! {
        <header class="border-b border-zinc-200 bg-white">
            // Below `sm` the sections fold into the account menu, which lists them too.
            <div class="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:gap-6">
                <a href="/" class="shrink-0"><Logo/></a>
                <span class="min-w-0 truncate text-sm font-medium text-zinc-600" data-testid="workspace-name">{ctx.access.workspace_name.clone()}</span>
                <nav aria-label="Workspace" class="hidden gap-1 text-sm sm:flex">
                    <A href=format!("{base}/boards") attr:class=tab>"Boards"</A>
                    <A href=format!("{base}/users") attr:class=tab>"Users"</A>
                    <A href=format!("{base}/settings") attr:class=tab>"Settings"</A>
                </nav>
                <AccountMenu user=ctx.access.user.clone() workspace_id=Some(ctx.access.workspace_id.clone()) workspaces=ctx.workspaces/>
            </div>
        </header>
    }
}

/// The bar at the top of the signed-in pages outside a workspace (API tokens).
#[component]
pub fn AccountBar(user: User, workspaces: Vec<WorkspaceSummary>) -> impl IntoView {
    view! {
        <header class="border-b border-zinc-200 bg-white">
            <div class="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:gap-6">
                <a href="/" class="shrink-0"><Logo/></a>
                <span class="min-w-0 truncate text-sm font-medium text-zinc-600">"Your account"</span>
                <AccountMenu user workspace_id=None workspaces/>
            </div>
        </header>
    }
}

/// The account menu at the top right: who is signed in, where they can go,
/// and Sign out (see `MenuButton`).
#[component]
fn AccountMenu(user: User, workspace_id: Option<String>, workspaces: Vec<WorkspaceSummary>) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let item = "block px-4 py-2 text-sm text-zinc-800 hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600";
    let sections = workspace_id.as_ref().map(|id| {
        let base = format!("/w/{id}");
        view! {
            <a href=format!("{base}/users") class=item>"Users"</a>
            <a href=format!("{base}/boards") class=item>"Boards"</a>
            <a href=format!("{base}/settings") class=item>"Settings"</a>
        }
    });
    let others: Vec<_> = workspaces
        .into_iter()
        .filter(|w| Some(&w.id) != workspace_id.as_ref())
        .collect();
    view! {
        <MenuButton>
            <div class="absolute right-0 z-20 mt-2 w-64 max-w-[calc(100vw-2rem)] overflow-hidden rounded-md border border-zinc-200 bg-white py-1 shadow-lg">
                <div class="border-b border-zinc-100 px-4 py-2">
                    <p class="truncate text-sm font-semibold text-zinc-900">{user.name}</p>
                    <p class="truncate text-sm text-zinc-600">{user.email}</p>
                </div>
                {sections}
                <a href="/account" class=item>"Account"</a>
                <a href="/account/tokens" class=item>"API tokens"</a>
                <div class="border-t border-zinc-100 py-1">
                    <p class="px-4 pt-1 text-xs font-medium uppercase tracking-wide text-zinc-600">"Workspaces"</p>
                    {others
                        .into_iter()
                        .map(|w| view! { <a href=format!("/w/{}/boards", w.id) class=item>{w.name}</a> })
                        .collect_view()}
                    <a href="/workspaces/new" class=item>"New workspace"</a>
                </div>
                <div class="border-t border-zinc-100 pt-1">
                    <ActionForm action=sign_out>
                        <button type="submit" class=format!("{item} w-full text-left")>"Sign out"</button>
                    </ActionForm>
                </div>
            </div>
        </MenuButton>
    }
}

/// The account icon, opening what `children` list below it. It is a
/// `<details>`, so it opens without WebAssembly; once awake, Escape closes
/// it with focus back on the icon, and so does a click or focus anywhere
/// outside it.
#[island]
fn MenuButton(children: Children) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let menu = NodeRef::<leptos::html::Details>::new();
    let outside = move |target: Option<web_sys::EventTarget>| {
        let inside = target
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .zip(menu.get_untracked())
            .is_some_and(|(node, menu)| menu.contains(Some(&node)));
        if !inside && let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    };
    let on_click = window_event_listener(leptos::ev::click, move |ev| outside(ev.target()));
    let on_focus = window_event_listener(leptos::ev::focusin, move |ev| outside(ev.target()));
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape"
            && let Some(menu) = menu.get_untracked()
            && menu.open()
        {
            menu.set_open(false);
            if let Ok(Some(icon)) = menu.query_selector("summary")
                && let Ok(icon) = icon.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = icon.focus();
            }
        }
    });
    // The menu is there for the page's life.
    std::mem::forget((on_click, on_focus, on_key));
    view! {
        <details node_ref=menu class="relative ml-auto shrink-0">
            <summary
                class="flex h-9 w-9 cursor-pointer list-none items-center justify-center rounded-full bg-zinc-100 text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden"
                aria-label="Account menu"
                title="Account"
            >
                <AccountIcon/>
            </summary>
            {children()}
        </details>
    }
}

/// The centred card the sign-in, sign-up and invitation pages sit in.
#[component]
pub fn AuthCard(children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-screen flex-col items-center bg-zinc-50 px-4 py-12">
            <header class="mb-8"><a href="/" class="block"><Logo/></a></header>
            <main id="main" tabindex="-1" class="w-full max-w-md rounded-lg focus:outline-none border border-zinc-200 bg-white p-8 shadow-sm">{children()}</main>
        </div>
    }
}
