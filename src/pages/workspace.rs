use crate::components::{
    AuthCard, ErrorSummary, Field, INPUT, Logo, PRIMARY_BUTTON, TopBar, aria_invalid, field_error, form_errors,
};
use crate::pages::page_title;
use crate::workspaces::api::{CreateWorkspace, get_workspace_context};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;

/// The current workspace's id, for every page inside it. Each page loads what
/// it shows (the workspace context included) in one resource of its own:
/// Leptos can stall a server render when one resource is read in several
/// suspense boundaries, so the layout's resource stays the layout's.
#[derive(Clone, Copy)]
pub struct CurrentWorkspace {
    pub id: Memo<String>,
}

/// The frame of every workspace page. The page inside is created once, here,
/// outside any suspense, so that it and its resources live as long as the route.
#[component]
pub fn WorkspaceLayout() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("wid").unwrap_or_default());
    let context = Resource::new(move || id.get(), get_workspace_context);
    provide_context(CurrentWorkspace { id });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match context.await {
                    Ok(ctx) => view! { <TopBar ctx/> }.into_any(),
                    // The page below says why (and sets the response's status).
                    Err(_) => view! {
                        <Title text="Workspace not available · Boardroom"/>
                        <header class="border-b border-zinc-200 bg-white">
                            <div class="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4">
                                <a href="/" class="shrink-0"><Logo/></a>
                                <a class="ml-auto text-sm font-medium text-indigo-700 underline" href="/">"Go to your workspaces"</a>
                            </div>
                        </header>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
        <main class="mx-auto max-w-6xl px-4 py-8"><Outlet/></main>
    }
}

#[component]
pub fn NewWorkspacePage() -> impl IntoView {
    let action = ServerAction::<CreateWorkspace>::new();
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "workspace");
    view! {
        <Title text=page_title("New workspace", Signal::derive(move || !errors.get().is_empty()))/>
        <AuthCard>
            <h1 class="text-2xl font-semibold">"New workspace"</h1>
            <div class="mt-6 space-y-6">
                <ErrorSummary form="workspace" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-5">
                    <Field id="workspace-workspace" label="Workspace name" hint="Names are unique: this is how people and scripts find it." error=name_error>
                        <input id="workspace-workspace" name="workspace" type="text" class=INPUT aria-invalid=aria_invalid(name_error)/>
                    </Field>
                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full") disabled=move || action.pending().get()>"Create workspace"</button>
                </ActionForm>
            </div>
        </AuthCard>
    }
}
