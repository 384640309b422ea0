use crate::components::{AuthCard, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// Where a signed-in person starts (their first workspace, or creating one);
/// `None` when nobody is signed in.
#[server(endpoint = "home_path")]
pub async fn home_path() -> Result<Option<String>, AppError> {
    let Some(user) = crate::accounts::session::current_user().await? else {
        return Ok(None);
    };
    let state = crate::state::state()?;
    Ok(Some(crate::members::service::home_path(&state.db, &user.id).await?))
}

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
