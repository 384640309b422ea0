use leptos::prelude::*;

#[component]
pub fn AccountIcon() -> impl IntoView {
    view! {
        <svg aria-hidden="true" class="h-6 w-6" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6">
            <circle cx="12" cy="8" r="4"/>
            <path d="M4 20c1.5-4 4.5-6 8-6s6.5 2 8 6" stroke-linecap="round"/>
        </svg>
    }
}

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <span class="inline-flex items-center gap-2 font-semibold text-zinc-900">
            <span aria-hidden="true" class="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-on-accent">"B"</span>
            "Boardroom"
        </span>
    }
}
