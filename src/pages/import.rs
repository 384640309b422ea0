//! Inviting from a spreadsheet: upload or paste a CSV, see what will become
//! of each row, then send. Plain forms throughout (upload → preview → send),
//! so it works without JavaScript.

use crate::components::{Frame, INPUT, PRIMARY_BUTTON, PageError, PageNotice, unshown_error};
use crate::error::AppError;
use crate::invitations::bulk::{self, BulkRow, RowResult, RowStatus};
use crate::pages::title_text;
use crate::pages::workspace::WorkspaceRoute;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, invitations::batch, state};

/// Everything the page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPageData {
    pub frame: Frame,
    /// The uploaded file being looked at, if any.
    pub upload: String,
    /// Its rows, each with what will (or did) become of it.
    pub rows: Vec<(BulkRow, RowResult)>,
    /// Whether it was sent (the statuses are then what happened).
    pub sent: bool,
    /// Why the file could not be read.
    pub problem: Option<String>,
    pub notice: Option<String>,
}

/// The page in one call: the upload form, or an uploaded file's preview (or
/// results).
#[server(endpoint = "import_page")]
pub async fn import_page(
    workspace_id: String,
    #[server(default)] upload: String,
    #[server(default)] problem: String,
) -> Result<ImportPageData, AppError> {
    use crate::access::{Permission, Resource};
    let (state, access) = session::workspace_access(&workspace_id).await?;
    access.authorize(Permission::Write, Resource::UserManagement, "invite people")?;
    let mut data = ImportPageData {
        frame: super::workspace::frame(&state, access.clone()).await?,
        upload: upload.clone(),
        rows: Vec::new(),
        sent: false,
        problem: match problem.as_str() {
            crate::invitations::upload::EMPTY => Some("Choose a file, or paste its rows".into()),
            crate::invitations::upload::NOT_TEXT => {
                Some("That file isn't text in UTF-8: save it from your spreadsheet as “CSV UTF-8”".into())
            }
            crate::invitations::upload::TOO_LARGE => Some(format!(
                "That file is too large: up to {} KB and {} rows",
                bulk::MAX_BYTES / 1024,
                bulk::MAX_ROWS
            )),
            _ => None,
        },
        notice: state::take_notice(),
    };
    if upload.is_empty() {
        return Ok(data);
    }
    let found = batch::import(&state.db, &access, &upload).await?;
    let rows = match found.rows {
        Ok(rows) => rows,
        Err(problem) => {
            data.problem = Some(problem);
            return Ok(data);
        }
    };
    let results = match found.results {
        Some(results) => {
            data.sent = true;
            results
        }
        None => batch::preview(&state.db, &state.config, &access, &rows).await?,
    };
    data.rows = rows.into_iter().zip(results).collect();
    Ok(data)
}

/// Sends an uploaded file's invitations (those that can go).
#[server(endpoint = "send_invitation_import")]
pub async fn send_invitation_import(workspace_id: String, upload: String) -> Result<Vec<RowResult>, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let results = batch::send_import(&state.db, &state.config, &access, &upload).await?;
    state.mailer.wake();
    let sent = results.iter().filter(|r| r.status.goes()).count();
    state::notice_for_plain_form(&match sent {
        1 => "1 invitation sent".to_string(),
        n => format!("{n} invitations sent"),
    });
    Ok(results)
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            (
                ws.id.get(),
                query.with(|q| {
                    (
                        q.get("upload").unwrap_or_default(),
                        q.get("problem").unwrap_or_default(),
                    )
                }),
            )
        },
        |(id, (upload, problem))| import_page(id, upload, problem),
    );
    view! {
        <Transition fallback=|| view! { <p class="text-zinc-600">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => Either::Left(view! { <Import data/> }),
                    Err(error) => Either::Right(view! { <PageError error/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Import(data: ImportPageData) -> impl IntoView {
    let id = data.frame.access.workspace_id.clone();
    let here = format!("/w/{id}/users/import");
    let users = format!("/w/{id}/users");
    let results: Vec<RowResult> = data.rows.iter().map(|(_, r)| r.clone()).collect();
    let totals = bulk::totals(&results);
    let going = results.iter().filter(|r| r.status.goes()).count();
    let has_rows = !data.rows.is_empty();
    let title = if data.sent {
        "Invitations sent"
    } else if has_rows {
        "Check, then send"
    } else {
        "Invite from a spreadsheet"
    };
    let send = ServerAction::<SendInvitationImport>::new();
    view! {
        <Title text=title_text(title, data.problem.is_some())/>
        <div class="space-y-8">
            <div>
                <p class="text-sm"><a href=users.clone() class="text-indigo-700 underline">"← Users"</a></p>
                <h1 class="mt-2 text-2xl font-semibold">{title}</h1>
                <p class="mt-1 text-sm text-zinc-600">
                    {format!("Up to {} people from a CSV file: one per row, as ", bulk::MAX_ROWS)}
                    <code class="rounded bg-zinc-100 px-1">"email,name,roles,groups"</code>
                    " (a header row is optional). Separate several roles or groups with “;”."
                </p>
            </div>
            <PageNotice notice=data.notice error=unshown_error(&[SendInvitationImport::PATH])/>
            {data.problem.clone().map(|p| view! {
                <div role="alert" class="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-800">{p}</div>
            })}
            {if has_rows {
                let rows = data.rows.clone();
                Either::Left(view! {
                    <section aria-labelledby="rows-title" class="space-y-4">
                        <h2 id="rows-title" class="text-lg font-semibold">{if data.sent { "What happened" } else { "What will happen" }}</h2>
                        <ul class="flex flex-wrap gap-2 text-sm" aria-label="Totals">
                            {totals.into_iter().map(|(status, n)| view! {
                                <li class=chip_class(status)>{format!("{}: {n}", status.label())}</li>
                            }).collect_view()}
                        </ul>
                        // On a phone, a card per row; wider, the table.
                        <ol class="space-y-2 sm:hidden" aria-label="Rows of the file">
                            {rows.iter().cloned().map(|(row, result)| view! { <RowCard row result/> }).collect_view()}
                        </ol>
                        <div class="hidden overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm sm:block" tabindex="0" role="region" aria-label="Rows of the file, scrollable">
                            <table class="min-w-full divide-y divide-zinc-200 text-sm">
                                <caption class="sr-only">"Rows of the file"</caption>
                                <thead class="bg-zinc-50 text-left text-zinc-700">
                                    <tr>
                                        <th scope="col" class="px-3 py-2 font-medium">"Line"</th>
                                        <th scope="col" class="px-3 py-2 font-medium">"Email"</th>
                                        <th scope="col" class="px-3 py-2 font-medium">"Name"</th>
                                        <th scope="col" class="px-3 py-2 font-medium">"Roles and groups"</th>
                                        <th scope="col" class="px-3 py-2 font-medium">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody class="divide-y divide-zinc-100">
                                    {rows.into_iter().map(|(row, result)| view! { <Row row result/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(!data.sent).then(|| view! {
                            <div class="flex flex-wrap items-center gap-4">
                                {(going > 0).then(|| view! {
                                    <ActionForm action=send>
                                        <input type="hidden" name="workspace_id" value=id.clone()/>
                                        <input type="hidden" name="upload" value=data.upload.clone()/>
                                        <button type="submit" class=PRIMARY_BUTTON>{format!("Send {going}")}</button>
                                    </ActionForm>
                                })}
                                <a href=here.clone() class="text-sm font-medium text-indigo-700 underline">"Upload another file"</a>
                            </div>
                        })}
                        {data.sent.then(|| view! {
                            <p class="text-sm"><a href=here.clone() class="font-medium text-indigo-700 underline">"Invite from another file"</a></p>
                        })}
                    </section>
                })
            } else {
                Either::Right(view! { <UploadForm action=here.clone()/> })
            }}
        </div>
    }
}

fn chip_class(status: RowStatus) -> &'static str {
    if status.goes() {
        "rounded-full bg-green-50 px-3 py-1 font-medium text-green-800 ring-1 ring-inset ring-green-200"
    } else {
        "rounded-full bg-amber-50 px-3 py-1 font-medium text-amber-900 ring-1 ring-inset ring-amber-200"
    }
}

/// A row's address as the file gave it (or, when it gave none, as the result names it).
fn shown_email(row: &BulkRow, result: &RowResult) -> String {
    if row.email.is_empty() {
        result.email.clone()
    } else {
        row.email.clone()
    }
}

/// What a row gives: "role viewer, group Design".
fn given(row: &BulkRow) -> String {
    row.roles
        .iter()
        .map(|r| format!("role {r}"))
        .chain(row.groups.iter().map(|g| format!("group {g}")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn Row(row: BulkRow, result: RowResult) -> impl IntoView {
    let (email, given) = (shown_email(&row, &result), given(&row));
    view! {
        <tr>
            <td class="px-3 py-2 text-zinc-600">{row.line}</td>
            <td class="px-3 py-2 break-all">{email}</td>
            <td class="px-3 py-2">{row.name}</td>
            <td class="px-3 py-2 text-zinc-700">{given}</td>
            <td class="px-3 py-2">
                <span class=if result.status.goes() { "font-medium text-green-800" } else { "font-medium text-amber-900" }>{result.status.label()}</span>
                {result.message.map(|m| view! { <span class="block text-zinc-600">{m}</span> })}
            </td>
        </tr>
    }
}

#[component]
fn RowCard(row: BulkRow, result: RowResult) -> impl IntoView {
    let (email, given) = (shown_email(&row, &result), given(&row));
    view! {
        <li class="space-y-1 rounded-lg border border-zinc-200 bg-white p-3 text-sm shadow-sm">
            <p class="font-medium break-words">{email}</p>
            {(!row.name.is_empty()).then(|| view! { <p>{row.name.clone()}</p> })}
            {(!given.is_empty()).then(|| view! { <p class="text-zinc-700">{given.clone()}</p> })}
            <p class=if result.status.goes() { "block font-semibold text-green-800" } else { "block font-semibold text-amber-900" }>{result.status.label()}</p>
            {result.message.map(|m| view! { <p class="text-zinc-600">{m}</p> })}
            <p class="text-xs text-zinc-600">{format!("Line {}", row.line)}</p>
        </li>
    }
}

/// The upload: a file, or its rows pasted. A plain multipart form.
#[component]
fn UploadForm(action: String) -> impl IntoView {
    view! {
        <section aria-labelledby="upload-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="upload-title" class="text-lg font-semibold">"Upload"</h2>
            <form method="post" action=action enctype="multipart/form-data" class="mt-4 space-y-4">
                <div class="space-y-1.5">
                    <label for="import-file" class="block text-sm font-medium text-zinc-900">"CSV file"</label>
                    <input id="import-file" name="file" type="file" accept=".csv,text/csv,text/plain" class="block text-sm"/>
                </div>
                <div class="space-y-1.5">
                    <label for="import-csv" class="block text-sm font-medium text-zinc-900">"Or paste its rows"</label>
                    <textarea id="import-csv" name="csv" rows="6" class=INPUT placeholder="ann@example.com,Ann Lee,viewer,Design"></textarea>
                </div>
                <button type="submit" class=PRIMARY_BUTTON>"Preview"</button>
            </form>
        </section>
    }
}
