use crate::components::AuthCard;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found · Boardroom"/>
        <AuthCard>
            <h1 class="text-xl font-semibold">"Page not found"</h1>
            <p class="mt-2 text-zinc-700">"If you typed the web address, check it is correct. If you pasted it, check you copied the entire address."</p>
            <p class="mt-6"><a class="font-medium text-indigo-700 underline" href="/">"Go to Boardroom"</a></p>
        </AuthCard>
    }
}
