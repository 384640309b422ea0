use crate::components::{
    AuthCard, ErrorSummary, Field, Frame, INPUT, Logo, PRIMARY_BUTTON, TopBar, aria_invalid, field_error, form_errors,
};
use crate::error::AppError;
use crate::pages::page_title;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_params_map;

#[cfg(feature = "ssr")]
use crate::{accounts::session, state};

/// The frame of a workspace page for a member whose standing is known: the
/// workspace bar, the account menu and the other workspaces.
#[cfg(feature = "ssr")]
pub async fn frame(state: &state::AppState, access: crate::access::Access) -> Result<Frame, AppError> {
    Ok(Frame {
        workspaces: crate::accounts::session::workspaces_of(state, &access.user).await?,
        invitation_lifetime: in_words(state.config.invitation_ttl),
        access,
    })
}

/// A lifetime as people say it: "7 days", "48 hours", "30 minutes".
pub fn in_words(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (n, unit) = if secs.is_multiple_of(86_400) {
        (secs / 86_400, "day")
    } else if secs.is_multiple_of(3_600) {
        (secs / 3_600, "hour")
    } else if secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The frame of a workspace page: the signed-in member, the workspace, the others.
#[server(endpoint = "get_workspace_context")]
pub async fn get_workspace_frame(workspace_id: String) -> Result<Frame, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    frame(&state, access).await
}

/// Creates a workspace owned by the caller and opens it.
#[server(endpoint = "create_workspace")]
pub async fn create_workspace(workspace: String) -> Result<(), AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let name =
        crate::domain::Title::parse(&workspace, "workspace name").map_err(|m| AppError::field("workspace", m))?;
    let mut tx = state.db.begin().await?;
    let made = crate::members::service::found(&mut tx, &user, &name).await?;
    tx.commit().await?;
    state::redirect(&format!("/w/{}/boards", made.id));
    Ok(())
}

/// The current workspace's id, as the route names it, for every page inside
/// it. Each page loads what it shows (its frame included) in one resource of
/// its own: Leptos can stall a server render when one resource is read in
/// several suspense boundaries, so the layout's resource stays the layout's.
#[derive(Clone, Copy)]
pub struct WorkspaceRoute {
    pub id: Memo<String>,
}

/// The frame of every workspace page. The page inside is created once, here,
/// outside any suspense, so that it and its resources live as long as the route.
#[component]
pub fn WorkspaceLayout() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("wid").unwrap_or_default());
    let frame = Resource::new(move || id.get(), get_workspace_frame);
    provide_context(WorkspaceRoute { id });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match frame.await {
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
        <main id="main" tabindex="-1" class="mx-auto max-w-6xl px-4 py-8 focus:outline-none"><Outlet/></main>
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
                    <button type="submit" class=format!("{PRIMARY_BUTTON} w-full")>"Create workspace"</button>
                </ActionForm>
            </div>
        </AuthCard>
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn lifetimes_read_as_words() {
        assert_eq!(super::in_words(Duration::from_secs(7 * 86_400)), "7 days");
        assert_eq!(super::in_words(Duration::from_secs(3_600)), "1 hour");
        assert_eq!(super::in_words(Duration::from_secs(90 * 60)), "90 minutes");
    }
}
