use crate::components::{AuthCard, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::workspaces::api::home_path;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// Signed in: straight to the first workspace. Otherwise, what Boardroom is.
#[component]
pub fn HomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| home_path());
    view! {
        <Title text="Boardroom"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(Some(path)) => view! { <Redirect path=path/> }.into_any(),
                    _ => view! { <Landing/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <AuthCard>
            <h1 class="text-2xl font-semibold">"Invite your team to your boards"</h1>
            <p class="mt-3 text-zinc-700">"Boardroom is a self-hosted workspace: invite people by email, and they see and review your boards as their roles allow."</p>
            <div class="mt-8 flex gap-3">
                <a href="/signup" class=PRIMARY_BUTTON>"Create an account"</a>
                <a href="/signin" class=SECONDARY_BUTTON>"Sign in"</a>
            </div>
        </AuthCard>
    }
}
