//! The Activity tab: the workspace's audit trail, newest first, filtered by
//! kind, actor, target and dates (all in the URL, so a filtered view is a
//! link), a page at a time, and exported whole as CSV or JSON Lines.

use crate::audit::{self, AuditEvent, AuditFilter, ExportFormat, KINDS};
use crate::components::{Frame, INPUT, PRIMARY_BUTTON, PageError, PeopleTabs};
use crate::domain::url_encode;
use crate::error::AppError;
use crate::pages::title_text;
use crate::pages::workspace::WorkspaceRoute;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::accounts::session;

/// How many events one page shows.
pub const PAGE: usize = 50;

/// What the Activity page shows, all of it in its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub filter: AuditFilter,
    /// The page after or before a cursor.
    pub after: String,
    pub before: String,
}

impl ActivityView {
    fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        ActivityView {
            filter: AuditFilter::from_query(&get),
            after: get("after").unwrap_or_default(),
            before: get("before").unwrap_or_default(),
        }
    }

    #[cfg(feature = "ssr")]
    fn window(&self) -> crate::domain::Window {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        crate::domain::Window {
            after: some(&self.after),
            before: some(&self.before).filter(|_| self.after.is_empty()),
            limit: PAGE,
        }
    }
}

/// Everything the Activity page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPageData {
    pub frame: Frame,
    pub events: Vec<AuditEvent>,
    pub next: Option<String>,
    pub previous: Option<String>,
    /// What is wrong with the filter, by field; nothing is read until it is right.
    pub problem: Option<(String, String)>,
}

/// The Activity page in one call.
#[server(endpoint = "activity_page")]
pub async fn activity_page(
    workspace_id: String,
    #[server(default)] view: ActivityView,
) -> Result<ActivityPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    audit::service::authorize(&access)?;
    let (events, next, previous, problem) = match view.filter.selection() {
        Ok(selection) => {
            let page = audit::service::page(&state.db, &access, &selection, &view.window()).await?;
            (page.items, page.next, page.previous, None)
        }
        Err((field, message)) => (Vec::new(), None, None, Some((field.to_string(), message))),
    };
    Ok(ActivityPageData {
        frame: super::workspace::frame(&state, access).await?,
        events,
        next,
        previous,
        problem,
    })
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let query = use_query_map();
    let view = Memo::new(move |_| query.with(|q| ActivityView::from_query(|k| q.get(k))));
    let page = Resource::new(move || (ws.id.get(), view.get()), |(id, view)| activity_page(id, view));
    view! {
        <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => Either::Left(view! { <Activity data view=view.get_untracked()/> }),
                    Err(error) => Either::Right(view! { <PageError error/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Activity(data: ActivityPageData, view: ActivityView) -> impl IntoView {
    let id = data.frame.access.workspace_id.clone();
    let base = format!("/w/{id}/activity");
    let problem = data.problem.clone();
    let filtered = !view.filter.is_empty();
    let link = "inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50";
    let page_link = |key: &str, cursor: &str| format!("{base}{}", view.filter.to_query(&[(key, cursor)]));
    let newer = data.previous.as_deref().map(|c| page_link("before", c));
    let older = data.next.as_deref().map(|c| page_link("after", c));
    let exports = [
        (ExportFormat::Csv, "Export CSV"),
        (ExportFormat::JsonLines, "Export JSON Lines"),
    ]
    .map(|(format, label)| (audit::export_href(&id, &view.filter, format), label));
    let empty = if filtered {
        "Nothing matches these filters."
    } else {
        "Nothing has happened here yet."
    };
    view! {
        <Title text=title_text("Activity", problem.is_some())/>
        <div class="space-y-8">
            <div class="space-y-4">
                <div>
                    <h1 class="text-2xl font-semibold">"Activity"</h1>
                    <p class="mt-1 text-sm text-zinc-600">"Who did what in this workspace, from where, and what changed. Times are in UTC."</p>
                </div>
                <PeopleTabs workspace_id=id.clone() current="Activity"/>
            </div>
            <Filters filter=view.filter.clone() base=base.clone() problem/>
            <section aria-labelledby="events-title" class="space-y-3">
                <div class="flex flex-wrap items-center justify-between gap-3">
                    <h2 id="events-title" class="text-lg font-semibold">{if filtered { "Matching events" } else { "Events" }}</h2>
                    <div class="flex gap-2">
                        {exports.into_iter().map(|(href, label)| view! {
                            <a href=href class=link download="">{label}</a>
                        }).collect_view()}
                    </div>
                </div>
                {if data.events.is_empty() {
                    Either::Left(view! { <p class="rounded-lg border border-zinc-200 bg-white p-6 text-sm text-zinc-700 shadow-sm">{empty}</p> })
                } else {
                    Either::Right(view! {
                        <ol class="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-sm">
                            {data.events.into_iter().map(|event| view! { <EventRow event/> }).collect_view()}
                        </ol>
                    })
                }}
                {(newer.is_some() || older.is_some()).then(|| view! {
                    <nav aria-label="Events: pages" class="flex justify-between gap-3">
                        {match newer {
                            Some(href) => Either::Left(view! { <a href=href class=link rel="prev">"Newer"</a> }),
                            None => Either::Right(view! { <span></span> }),
                        }}
                        {older.map(|href| view! { <a href=href class=link rel="next">"Older"</a> })}
                    </nav>
                })}
            </section>
        </div>
    }
}

/// The filter form: a plain GET form, so the filters land in the URL.
#[component]
fn Filters(filter: AuditFilter, base: String, problem: Option<(String, String)>) -> impl IntoView {
    let error_of = |field: &str| problem.as_ref().filter(|(f, _)| f == field).map(|(_, m)| m.clone());
    let described = |field: &str| error_of(field).map(|_| format!("filter-{field}-error"));
    let invalid = |field: &str| error_of(field).map(|_| "true");
    let message = |field: &'static str| {
        error_of(field).map(|m| view! { <p id=format!("filter-{field}-error") class="text-sm text-red-700">{m}</p> })
    };
    let label = "block text-sm font-medium text-zinc-900";
    let kind = filter.kind.trim().to_ascii_lowercase();
    view! {
        <search>
            <form method="get" action=base.clone() class="grid gap-4 rounded-lg border border-zinc-200 bg-white p-5 shadow-sm sm:grid-cols-2 lg:grid-cols-3" aria-label="Filter events">
                <div class="space-y-1.5">
                    <label for="filter-kind" class=label>"Kind"</label>
                    <select id="filter-kind" name="kind" class=INPUT aria-invalid=invalid("kind") aria-describedby=described("kind")>
                        <option value="" selected=kind.is_empty()>"Every kind"</option>
                        {KINDS.iter().map(|(k, text)| view! {
                            <option value=*k selected=kind == *k>{*text}</option>
                        }).collect_view()}
                    </select>
                    {message("kind")}
                </div>
                <div class="space-y-1.5">
                    <label for="filter-actor" class=label>"Done by"</label>
                    <input id="filter-actor" name="actor" type="text" inputmode="email" autocomplete="off" placeholder="ann@example.com" value=filter.actor.clone() class=INPUT/>
                </div>
                <div class="space-y-1.5">
                    <label for="filter-target" class=label>"Done to"</label>
                    <input id="filter-target" name="target" type="text" autocomplete="off" placeholder="An address or a name" value=filter.target.clone() class=INPUT/>
                </div>
                <div class="space-y-1.5">
                    <label for="filter-from" class=label>"From"</label>
                    <input id="filter-from" name="from" type="date" value=filter.from.clone() class=INPUT aria-invalid=invalid("from") aria-describedby=described("from")/>
                    {message("from")}
                </div>
                <div class="space-y-1.5">
                    <label for="filter-to" class=label>"To"</label>
                    <input id="filter-to" name="to" type="date" value=filter.to.clone() class=INPUT aria-invalid=invalid("to") aria-describedby=described("to")/>
                    {message("to")}
                </div>
                <div class="flex items-end gap-3">
                    <button type="submit" class=PRIMARY_BUTTON>"Filter"</button>
                    {(!filter.is_empty()).then(|| view! { <a href=base.clone() class="text-sm font-medium text-indigo-700 underline">"Clear filters"</a> })}
                </div>
            </form>
        </search>
    }
}

#[component]
fn EventRow(event: AuditEvent) -> impl IntoView {
    let change = event.change();
    let who = event.actor.clone().unwrap_or_else(|| "Nobody (automatic)".to_string());
    let how = match (&event.token, &event.ip) {
        (Some(token), Some(ip)) => Some(format!("with API token \u{201c}{token}\u{201d} from {ip}")),
        (Some(token), None) => Some(format!("with API token \u{201c}{token}\u{201d}")),
        (None, Some(ip)) => Some(format!("from {ip}")),
        (None, None) => None,
    };
    let target = (!event.target.is_empty()).then(|| event.target.clone());
    let filter_by = |field: &str, value: &str| format!("?{field}={}", url_encode(value));
    let target_link = target.as_deref().map(|t| filter_by("target", t));
    view! {
        <li class="grid gap-1 p-4 text-sm sm:grid-cols-[11rem_1fr] sm:gap-4">
            <time datetime=event.at.iso() class="text-zinc-600">{event.at.display()}</time>
            <div class="min-w-0 space-y-1">
                <p class="break-words">
                    <span class="font-medium">{audit::kind_label(&event.kind).to_string()}</span>
                    {target.map(|t| view! {
                        " \u{00b7} "
                        <a href=target_link.unwrap_or_default() class="text-indigo-700 underline" title="Show only events about this">{t}</a>
                    })}
                </p>
                {change.map(|c| view! { <p class="break-words text-zinc-800">{c}</p> })}
                <p class="break-words text-zinc-600">
                    "By " {who}
                    {how.map(|h| view! { " " {h} })}
                </p>
            </div>
        </li>
    }
}
