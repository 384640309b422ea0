use crate::domain::Timestamp;
use crate::error::AppError;
use crate::roles::RoleChoice;
use leptos::prelude::*;

/// A page that could not be shown, with the reason; the response carries the
/// error's status (403 for a missing grant, 404 for what isn't there).
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(code) = axum::http::StatusCode::from_u16(error.code().status())
    {
        res.set_status(code);
    }
    let title = match error {
        AppError::Forbidden(_) => "You don't have access to this page",
        AppError::NotFound(_) => "Not found",
        AppError::Unauthenticated => "Sign in to continue",
        _ => "This page could not be shown",
    };
    view! {
        <section role="alert" class="rounded-lg border border-zinc-200 bg-white p-8 shadow-sm">
            <h1 class="text-xl font-semibold">{title}</h1>
            <p class="mt-2 text-zinc-700">{format!("{error}.")}</p>
        </section>
    }
}

/// What a plain form post left to say, shown once when the page loads.
#[component]
pub fn PageNotice(notice: Option<String>) -> impl IntoView {
    notice.map(|m| {
        view! {
            <p role="status" class="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium text-green-900">{m}</p>
        }
    })
}

/// The tabs of the people pages: Users, Roles, Groups.
#[component]
pub fn PeopleTabs(workspace_id: String, current: &'static str) -> impl IntoView {
    let tabs = [("Users", "users"), ("Roles", "roles"), ("Groups", "groups")];
    view! {
        <nav aria-label="People" class="flex gap-1 border-b border-zinc-200">
            {tabs
                .into_iter()
                .map(|(label, path)| {
                    let here = label == current;
                    view! {
                        <a
                            href=format!("/w/{workspace_id}/{path}")
                            aria-current=here.then_some("page")
                            class="-mb-px border-b-2 border-transparent px-4 py-2 text-sm font-medium text-zinc-600 hover:text-zinc-900 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700"
                        >
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Small labels: roles, groups, "Owner".
#[component]
pub fn Chips(items: Vec<String>, #[prop(optional)] empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <span class="text-zinc-500" data-testid="chips">{empty}</span> }.into_any();
    }
    view! {
        <span class="flex flex-wrap gap-1" data-testid="chips">
            {items
                .into_iter()
                .map(|i| view! { <span class="chip">{i}</span> })
                .collect_view()}
        </span>
    }
    .into_any()
}

/// Checkboxes for picking role names; they post as `roles[0]`, `roles[1]`, …
#[component]
pub fn RolePicker(
    /// Distinguishes the inputs' ids on a page with several pickers.
    id: String,
    choices: Vec<RoleChoice>,
    chosen: Vec<String>,
    legend: &'static str,
    /// When given, the boxes follow this signal (so a form can clear them after it is sent).
    #[prop(optional)]
    selected: Option<RwSignal<Vec<String>>>,
) -> impl IntoView {
    if choices.is_empty() {
        return view! { <p class="text-sm text-zinc-600">"No roles for people yet. Create one on the Roles tab."</p> }
            .into_any();
    }
    view! {
        <fieldset id=id.clone()>
            <legend class="text-sm font-medium text-zinc-900">{legend}</legend>
            <div class="mt-2 flex flex-wrap gap-x-5 gap-y-2">
                {choices
                    .into_iter()
                    .enumerate()
                    .map(|(i, choice)| {
                        let allows = choice.allows();
                        let name = choice.name;
                        let input_id = format!("{id}-{i}");
                        let checked = chosen.contains(&name);
                        let (is_on, toggle) = (name.clone(), name.clone());
                        view! {
                            <label for=input_id.clone() class="flex items-start gap-2 text-sm text-zinc-800">
                                <input
                                    id=input_id.clone()
                                    type="checkbox"
                                    name=format!("roles[{i}]")
                                    value=name.clone()
                                    checked=checked
                                    prop:checked=move || selected.map(|s| s.get().contains(&is_on)).unwrap_or(checked)
                                    on:change=move |ev| {
                                        if let Some(s) = selected {
                                            let on = event_target_checked(&ev);
                                            s.update(|v| {
                                                v.retain(|n| *n != toggle);
                                                if on {
                                                    v.push(toggle.clone());
                                                }
                                            });
                                        }
                                    }
                                    class="mt-0.5 h-4 w-4 rounded border-zinc-300 accent-indigo-600"
                                />
                                <span>
                                    {name}
                                    <span class="block text-xs text-zinc-600">{allows}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}

/// A moment, as the reader's clock would put it. The server writes it in UTC
/// ("26 Nov 2026, 14:05 UTC"), and so does the first render in the browser,
/// so the two agree; the page's script then rewrites every `<time datetime>`
/// in the reader's time zone, relative when recent ("3 hours ago", "in 6
/// days"), with the full local date and time as its tooltip, and keeps it
/// current.
#[component]
pub fn Moment(at: Timestamp) -> impl IntoView {
    view! { <time datetime=at.iso()>{at.display()}</time> }
}
