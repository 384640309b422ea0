use crate::access::{self, Permission};
use crate::boards::Board;
use crate::boards::api::{CreateBoard, DeleteBoard, RunBoard, UpdateBoard};
use crate::components::Frame;
use crate::components::{
    AskFirst, DANGER_BUTTON, ErrorSummary, Field, INPUT, LocalTime, PRIMARY_BUTTON, PageError, PageNotice,
    SECONDARY_BUTTON, aria_invalid, field_error, form_errors, unshown_error,
};
use crate::error::AppError;
use crate::invitations::WaitingInvitation;
use crate::invitations::api::{AcceptInvitationForMe, DeclineInvitationForMe};
use crate::pages::page_title;
use crate::pages::workspace::WorkspaceRoute;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::{accounts::session, boards::service, state};

/// Everything the Boards page shows, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardsPageData {
    pub frame: Frame,
    pub boards: Vec<Board>,
    /// Invitations into other workspaces addressed to the signed-in person.
    pub waiting: Vec<crate::invitations::WaitingInvitation>,
    /// What a plain form post left to say, shown once.
    pub notice: Option<String>,
}

/// One board's page, loaded in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPageData {
    pub frame: Frame,
    pub board: Board,
    pub notice: Option<String>,
}

/// The Boards page in one call.
#[server(endpoint = "boards_page")]
pub async fn boards_page(workspace_id: String) -> Result<BoardsPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let boards = service::list(&state.db, &access).await?;
    let waiting = crate::invitations::api::invitations_for_me().await?;
    Ok(BoardsPageData {
        frame: super::workspace::frame(&state, access).await?,
        boards,
        waiting,
        notice: state::take_notice(),
    })
}

/// One board's page in one call.
#[server(endpoint = "board_page")]
pub async fn board_page(workspace_id: String, board_id: String) -> Result<BoardPageData, AppError> {
    let (state, access) = session::workspace_access(&workspace_id).await?;
    let board = service::get(&state.db, &access, &board_id).await?;
    Ok(BoardPageData {
        frame: super::workspace::frame(&state, access).await?,
        board,
        notice: state::take_notice(),
    })
}

#[component]
pub fn BoardsPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let create = ServerAction::<CreateBoard>::new();
    let page = Resource::new(move || ws.id.get(), boards_page);
    let joined = use_query_map().read_untracked().get("joined").is_some();
    let errors = form_errors(create.value());
    view! {
        <Title text=page_title("Boards", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading boards…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <Boards data joined create/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Boards(data: BoardsPageData, joined: bool, create: ServerAction<CreateBoard>) -> impl IntoView {
    let ctx = data.frame;
    let said = data
        .notice
        .or_else(|| joined.then(|| format!("You've joined {}.", ctx.access.workspace_name)));
    let list = if data.boards.is_empty() {
        view! { <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-8 text-center text-zinc-600">"No boards yet."</p> }
            .into_any()
    } else {
        view! {
            <ul class="grid gap-4 sm:grid-cols-2" aria-label="Boards">
                {data.boards.into_iter().map(|b| view! { <BoardCard board=b workspace_id=ctx.access.workspace_id.clone()/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div>
            <h1 class="text-2xl font-semibold">"Boards"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("What {} is working on.", ctx.access.workspace_name)}</p>
        </div>
        <PageNotice notice=said error=unshown_error(&[CreateBoard::PATH, AcceptInvitationForMe::PATH, DeclineInvitationForMe::PATH])/>
        {(!data.waiting.is_empty()).then(|| view! { <WaitingForYou waiting=data.waiting.clone()/> })}
        {ctx.access.can(Permission::Write, access::Resource::Data).then_some(view! { <NewBoardForm action=create workspace_id=ctx.access.workspace_id.clone()/> })}
        {list}
    }
}

/// Invitations addressed to the signed-in person, to accept or decline here
/// (as GitHub's banner offers), each saying who invited them to what.
#[component]
fn WaitingForYou(waiting: Vec<WaitingInvitation>) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitationForMe>::new();
    let decline = ServerAction::<DeclineInvitationForMe>::new();
    let heading = if waiting.len() == 1 {
        "An invitation for you".to_string()
    } else {
        format!("{} invitations for you", waiting.len())
    };
    view! {
        <section aria-labelledby="waiting-title" class="rounded-lg border border-indigo-200 bg-indigo-50 p-5">
            <h2 id="waiting-title" class="font-semibold">{heading}</h2>
            <ul class="mt-3 divide-y divide-indigo-200" aria-labelledby="waiting-title">
                {waiting.into_iter().map(|w| {
                    let question = crate::invitations::decline_question(&w.workspace_name, &w.inviter_name);
                    let roles = crate::invitations::as_roles_words(&w.roles);
                    let accept_label = format!("Accept the invitation to {}", w.workspace_name);
                    let decline_label = format!("Decline the invitation to {}", w.workspace_name);
                    let (accept_id, decline_id) = (w.id.clone(), w.id.clone());
                    view! {
                        <li class="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between">
                            <p class="text-sm">
                                <strong>{w.inviter_name.clone()}</strong>{format!(" ({}) invited you to join ", w.inviter_email)}
                                <strong>{w.workspace_name.clone()}</strong>{format!("{roles}.")}
                                <span class="block text-xs text-zinc-700">"Expires "<LocalTime at=w.expires_at/></span>
                            </p>
                            <div class="flex shrink-0 items-center gap-2">
                                <ActionForm action=accept>
                                    <input type="hidden" name="invitation_id" value=accept_id/>
                                    <button type="submit" class=PRIMARY_BUTTON aria-label=accept_label>"Accept"</button>
                                </ActionForm>
                                <AskFirst question button="Decline invitation".to_string()>
                                    <ActionForm action=decline>
                                        <input type="hidden" name="invitation_id" value=decline_id/>
                                        <button type="submit" class=SECONDARY_BUTTON aria-label=decline_label>"Decline"</button>
                                    </ActionForm>
                                </AskFirst>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn NewBoardForm(action: ServerAction<CreateBoard>, workspace_id: String) -> impl IntoView {
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "name");
    let content_error = field_error(errors, "content");
    view! {
        <section aria-labelledby="new-board-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="new-board-title" class="text-lg font-semibold">"New board"</h2>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="board" errors/>
                <ActionForm action attr:novalidate=true attr:class="space-y-4">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <Field id="board-name" label="Name" error=name_error>
                        <input id="board-name" name="name" type="text" class=INPUT aria-invalid=aria_invalid(name_error)/>
                    </Field>
                    <Field id="board-content" label="Content" error=content_error>
                        <textarea id="board-content" name="content" rows="4" class=INPUT aria-invalid=aria_invalid(content_error)></textarea>
                    </Field>
                    <button type="submit" class=PRIMARY_BUTTON>"Create board"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn BoardCard(board: Board, workspace_id: String) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-zinc-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold"><a class="hover:underline" href=format!("/w/{workspace_id}/boards/{}", board.id)>{board.name}</a></h2>
            <p class="mt-2 line-clamp-4 whitespace-pre-line text-sm text-zinc-700">{board.content}</p>
            <p class="mt-3 text-xs text-zinc-500">
                {board.created_by.map(|by| format!("By {by} · ")).unwrap_or_default()}
                <LocalTime at=board.created_at/>
                {board.last_run.map(|r| view! { " · Last run " <LocalTime at=r.at/> })}
            </p>
        </li>
    }
}

/// One board: read it, and, as roles allow, edit, delete or run it.
#[component]
pub fn BoardPage() -> impl IntoView {
    let ws = expect_context::<WorkspaceRoute>();
    let params = use_params_map();
    let board_id = Memo::new(move |_| params.read().get("bid").unwrap_or_default());
    let update = ServerAction::<UpdateBoard>::new();
    let delete = ServerAction::<DeleteBoard>::new();
    let run = ServerAction::<RunBoard>::new();
    let page = Resource::new(move || (ws.id.get(), board_id.get()), |(id, bid)| board_page(id, bid));
    let errors = form_errors(update.value());
    view! {
        <Title text=page_title("Board", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <Transition fallback=|| view! { <p class="text-zinc-600">"Loading board…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(data) => view! { <BoardView data update delete run/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn BoardView(
    data: BoardPageData,
    update: ServerAction<UpdateBoard>,
    delete: ServerAction<DeleteBoard>,
    run: ServerAction<RunBoard>,
) -> impl IntoView {
    let ctx = data.frame;
    let board = data.board;
    let ws = ctx.access.workspace_id.clone();
    let bid = board.id.clone();
    let errors = form_errors(update.value());
    let name_error = field_error(errors, "name");
    let content_error = field_error(errors, "content");
    let sees_runs = ctx.access.can(Permission::Read, access::Resource::DataExecution);
    view! {
        <div>
            <p class="text-sm"><a class="text-indigo-700 underline" href=format!("/w/{ws}/boards")>"← All boards"</a></p>
            <h1 class="mt-2 text-2xl font-semibold">{board.name.clone()}</h1>
            <p class="mt-1 text-sm text-zinc-600">
                {board.created_by.clone().map(|by| format!("By {by} · ")).unwrap_or_default()}
                <LocalTime at=board.created_at/>
            </p>
        </div>
        <PageNotice notice=data.notice error=unshown_error(&[UpdateBoard::PATH])/>
        <article class="whitespace-pre-line rounded-lg border border-zinc-200 bg-white p-6 text-zinc-800 shadow-sm">{board.content.clone()}</article>
        { let (ws, bid) = (ws.clone(), bid.clone()); sees_runs.then_some(view! {
            <section aria-labelledby="run-title" class="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-zinc-200 bg-white p-5 shadow-sm">
                <div>
                    <h2 id="run-title" class="font-semibold">"Data"</h2>
                    <p class="text-sm text-zinc-700" data-testid="last-run">
                        {match board.last_run.clone() {
                            Some(r) => view! { "Last run "<LocalTime at=r.at/>{r.by.map(|b| format!(" by {b}"))} }.into_any(),
                            None => view! { "Never run" }.into_any(),
                        }}
                    </p>
                </div>
                { let (ws, bid) = (ws.clone(), bid.clone()); ctx.access.can(Permission::Write, access::Resource::DataExecution).then_some(view! {
                    <ActionForm action=run>
                        <input type="hidden" name="workspace_id" value=ws.clone()/>
                        <input type="hidden" name="board_id" value=bid.clone()/>
                        <button type="submit" class=PRIMARY_BUTTON>"Run"</button>
                    </ActionForm>
                })}
            </section>
        })}
        { let (ws, bid, ws_d, bid_d) = (ws.clone(), bid.clone(), ws.clone(), bid.clone()); let delete_question = crate::boards::delete_question(&board.name); ctx.access.can(Permission::Write, access::Resource::Data).then_some(view! {
            <section aria-labelledby="edit-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
                <h2 id="edit-title" class="text-lg font-semibold">"Edit board"</h2>
                <div class="mt-4 space-y-4">
                    <ErrorSummary form="board" errors/>
                    <ActionForm action=update attr:novalidate=true attr:class="space-y-4">
                        <input type="hidden" name="workspace_id" value=ws.clone()/>
                        <input type="hidden" name="board_id" value=bid.clone()/>
                        <Field id="board-name" label="Name" error=name_error>
                            <input id="board-name" name="name" type="text" value=board.name.clone() class=INPUT aria-invalid=aria_invalid(name_error)/>
                        </Field>
                        <Field id="board-content" label="Content" error=content_error>
                            <textarea id="board-content" name="content" rows="6" class=INPUT aria-invalid=aria_invalid(content_error)>{board.content.clone()}</textarea>
                        </Field>
                        <button type="submit" class=PRIMARY_BUTTON>"Save"</button>
                    </ActionForm>
                </div>
            </section>
            <AskFirst question=delete_question button="Delete board".to_string()>
                <ActionForm
                    action=delete
                >
                    <input type="hidden" name="workspace_id" value=ws_d/>
                    <input type="hidden" name="board_id" value=bid_d/>
                    <button type="submit" class=DANGER_BUTTON>"Delete board"</button>
                </ActionForm>
            </AskFirst>
        })}
    }
}
