use crate::error::AppError;
use crate::roles::RoleChoice;
use leptos::either::Either;
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

/// What the last post on this page said, in the page's flow under its
/// heading, where it covers nothing: its notice in a status region that is
/// there from the first render (empty, it takes no room), so that screen
/// readers announce what arrives in it, and what went wrong with it (when no
/// form of the page shows that itself, see `post_error`) as an alert.
/// `beside` goes next to the notice, such as a way to undo what it reports.
/// A notice is shown once (it is gone on the next page) and can be
/// dismissed: Dismiss loads this page again, without it.
#[component]
pub fn PageNotice(
    notice: Option<String>,
    #[prop(default = None)] error: Option<String>,
    #[prop(default = None)] beside: Option<AnyView>,
) -> impl IntoView {
    let here = unanswered_page();
    let shown = notice.is_some() || error.is_some();
    view! {
        <div class="space-y-2">
            <div role="status" aria-live="polite" aria-atomic="true">
                {notice.map(|m| view! {
                    <p class="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium break-words text-green-900">{m}</p>
                })}
            </div>
            {error.map(|e| view! {
                <p role="alert" class="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-800">{e}</p>
            })}
            {shown.then(|| view! {
                <div class="flex flex-wrap items-center justify-end gap-3">
                    {beside}
                    <a href=here class="row-link">"Dismiss"</a>
                </div>
            })}
        </div>
    }
}

/// This page's address without what the redirect that answered a post added
/// to it (`__path`, `__err`): the page without its notice.
pub fn unanswered_page() -> String {
    let location = leptos_router::hooks::use_location();
    let mut query = location.query.get_untracked();
    query.remove("__path");
    query.remove("__err");
    format!("{}{}", location.pathname.get_untracked(), query.to_query_string())
}

/// Why the post this page is answering failed, as the redirect back names
/// it (`?__path=&__err=`), unless the server function is one of `shown`
/// (whose form shows its errors itself): the server function's path, and
/// the message.
pub fn post_error(shown: &[&str]) -> Option<(String, String)> {
    let error = use_context::<leptos::server::ServerActionError>()?;
    if shown.contains(&error.path()) {
        return None;
    }
    let decoded: AppError = leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(error.err());
    Some((error.path().to_string(), decoded.to_string()))
}

/// Why the post this page is answering failed, unless a form of the page
/// (one of the server functions `shown`) shows that itself.
pub fn unshown_error(shown: &[&str]) -> Option<String> {
    post_error(shown).map(|(_, message)| message)
}

/// The tabs of the people pages: Users, Roles, Groups, Activity.
#[component]
pub fn PeopleTabs(workspace_id: String, current: &'static str) -> impl IntoView {
    let tabs = [
        ("Users", "users"),
        ("Roles", "roles"),
        ("Groups", "groups"),
        ("Activity", "activity"),
    ];
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
        return Either::Left(view! { <span class="text-zinc-500">{empty}</span> });
    }
    Either::Right(view! {
        <span class="flex flex-wrap gap-1">
            {items
                .into_iter()
                .map(|i| view! { <span class="chip">{i}</span> })
                .collect_view()}
        </span>
    })
}

/// Checkboxes for picking role names; they post as `roles[0]`, `roles[1]`, …
#[component]
pub fn RolePicker(
    /// Distinguishes the inputs' ids on a page with several pickers.
    id: String,
    choices: Vec<RoleChoice>,
    chosen: Vec<String>,
    legend: &'static str,
) -> impl IntoView {
    if choices.is_empty() {
        return Either::Left(
            view! { <p class="text-sm text-zinc-600">"No roles for people yet. Create one on the Roles tab."</p> },
        );
    }
    Either::Right(view! {
        <fieldset id=id.clone()>
            <legend class="text-sm font-medium text-zinc-900">{legend}</legend>
            <div class="mt-2 flex flex-wrap gap-x-5 gap-y-2">
                {choices
                    .into_iter()
                    .enumerate()
                    .map(|(i, choice)| {
                        let allows = choice.allows.clone();
                        let name = choice.name;
                        let input_id = format!("{id}-{i}");
                        let checked = chosen.contains(&name);
                        view! {
                            <label for=input_id.clone() class="flex items-start gap-2 text-sm text-zinc-800">
                                <input
                                    id=input_id.clone()
                                    type="checkbox"
                                    name=format!("roles[{i}]")
                                    value=name.clone()
                                    checked=checked
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
    })
}
