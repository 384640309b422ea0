use crate::boards::api::{CreateBoard, DeleteBoard, RunBoard, UpdateBoard, board_page, boards_page};
use crate::boards::{Board, BoardPageData, BoardsPageData};
use crate::components::{
    DANGER_BUTTON, ErrorSummary, Feedback, FeedbackView, Field, INPUT, PRIMARY_BUTTON, PageError, PageNotice,
    StatusMessage, aria_invalid, cleared_on_success, field_error, form_errors,
};
use crate::pages::page_title;
use crate::pages::workspace::CurrentWorkspace;
use crate::roles::{self, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn BoardsPage() -> impl IntoView {
    let ws = expect_context::<CurrentWorkspace>();
    let create = ServerAction::<CreateBoard>::new();
    let page = Resource::new(move || (ws.id.get(), create.version().get()), |(id, _)| boards_page(id));
    let notice = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(name)) = create.value().get() {
            notice.set(Some(format!("Board \u{201c}{name}\u{201d} created")));
        }
    });
    let joined = use_query_map().read_untracked().get("joined").is_some();
    let errors = form_errors(create.value());
    view! {
        <Title text=page_title("Boards", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <StatusMessage message=notice/>
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
    let ctx = data.context;
    let said = data
        .notice
        .or_else(|| joined.then(|| format!("You've joined {}.", ctx.workspace.name)));
    let list = if data.boards.is_empty() {
        view! { <p class="rounded-lg border border-dashed border-zinc-300 bg-white p-8 text-center text-zinc-600">"No boards yet."</p> }
            .into_any()
    } else {
        view! {
            <ul class="grid gap-4 sm:grid-cols-2" aria-label="Boards">
                {data.boards.into_iter().map(|b| view! { <BoardCard board=b workspace_id=ctx.workspace.id.clone()/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div>
            <h1 class="text-2xl font-semibold">"Boards"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("What {} is working on.", ctx.workspace.name)}</p>
        </div>
        <PageNotice notice=said/>
        {ctx.can(Permission::Write, roles::Resource::Data).then_some(view! { <NewBoardForm action=create workspace_id=ctx.workspace.id.clone()/> })}
        {list}
    }
}

#[component]
fn NewBoardForm(action: ServerAction<CreateBoard>, workspace_id: String) -> impl IntoView {
    let errors = form_errors(action.value());
    let name_error = field_error(errors, "name");
    let content_error = field_error(errors, "content");
    let form = cleared_on_success(action.value());
    view! {
        <section aria-labelledby="new-board-title" class="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
            <h2 id="new-board-title" class="text-lg font-semibold">"New board"</h2>
            <div class="mt-4 space-y-4">
                <ErrorSummary form="board" errors/>
                <ActionForm action node_ref=form attr:novalidate=true attr:class="space-y-4">
                    <input type="hidden" name="workspace_id" value=workspace_id/>
                    <Field id="board-name" label="Name" error=name_error>
                        <input id="board-name" name="name" type="text" class=INPUT aria-invalid=aria_invalid(name_error)/>
                    </Field>
                    <Field id="board-content" label="Content" error=content_error>
                        <textarea id="board-content" name="content" rows="4" class=INPUT aria-invalid=aria_invalid(content_error)></textarea>
                    </Field>
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>"Create board"</button>
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
                {board.created_at}
                {board.last_run.map(|r| format!(" · Last run {}", r.at))}
            </p>
        </li>
    }
}

/// One board: read it, and, as roles allow, edit, delete or run it.
#[component]
pub fn BoardPage() -> impl IntoView {
    let ws = expect_context::<CurrentWorkspace>();
    let params = use_params_map();
    let board_id = Memo::new(move |_| params.read().get("bid").unwrap_or_default());
    let update = ServerAction::<UpdateBoard>::new();
    let delete = ServerAction::<DeleteBoard>::new();
    let run = ServerAction::<RunBoard>::new();
    let page = Resource::new(
        move || {
            (
                ws.id.get(),
                board_id.get(),
                update.version().get() + run.version().get(),
            )
        },
        |(id, bid, _)| board_page(id, bid),
    );
    let feedback = Feedback::new();
    feedback.watch(update.value(), true, |name| {
        format!("Board \u{201c}{name}\u{201d} saved")
    });
    feedback.watch(run.value(), false, |name| format!("Board \u{201c}{name}\u{201d} ran"));
    feedback.watch(delete.value(), false, |name| {
        format!("Board \u{201c}{name}\u{201d} deleted")
    });
    let errors = form_errors(update.value());
    view! {
        <Title text=page_title("Board", Signal::derive(move || !errors.get().is_empty()))/>
        <div class="space-y-8">
            <FeedbackView feedback/>
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
    let ctx = data.context;
    let board = data.board;
    let ws = ctx.workspace.id.clone();
    let bid = board.id.clone();
    let errors = form_errors(update.value());
    let name_error = field_error(errors, "name");
    let content_error = field_error(errors, "content");
    let sees_runs = ctx.can(Permission::Read, roles::Resource::DataExecution);
    view! {
        <div>
            <p class="text-sm"><a class="text-indigo-700 underline" href=format!("/w/{ws}/boards")>"← All boards"</a></p>
            <h1 class="mt-2 text-2xl font-semibold">{board.name.clone()}</h1>
            <p class="mt-1 text-sm text-zinc-600">
                {board.created_by.clone().map(|by| format!("By {by} · ")).unwrap_or_default()}
                {board.created_at.clone()}
            </p>
        </div>
        <PageNotice notice=data.notice/>
        <article class="whitespace-pre-line rounded-lg border border-zinc-200 bg-white p-6 text-zinc-800 shadow-sm">{board.content.clone()}</article>
        { let (ws, bid) = (ws.clone(), bid.clone()); sees_runs.then_some(view! {
            <section aria-labelledby="run-title" class="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-zinc-200 bg-white p-5 shadow-sm">
                <div>
                    <h2 id="run-title" class="font-semibold">"Data"</h2>
                    <p class="text-sm text-zinc-700" data-testid="last-run">
                        {match board.last_run.clone() {
                            Some(r) => view! { "Last run "<time datetime=r.at_iso>{r.at}</time>{r.by.map(|b| format!(" by {b}"))} }.into_any(),
                            None => view! { "Never run" }.into_any(),
                        }}
                    </p>
                </div>
                { let (ws, bid) = (ws.clone(), bid.clone()); ctx.can(Permission::Write, roles::Resource::DataExecution).then_some(view! {
                    <ActionForm action=run>
                        <input type="hidden" name="workspace_id" value=ws.clone()/>
                        <input type="hidden" name="board_id" value=bid.clone()/>
                        <button type="submit" class=PRIMARY_BUTTON disabled=move || run.pending().get()>"Run"</button>
                    </ActionForm>
                })}
            </section>
        })}
        { let (ws, bid, ws_d, bid_d) = (ws.clone(), bid.clone(), ws.clone(), bid.clone()); ctx.can(Permission::Write, roles::Resource::Data).then_some(view! {
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
                        <button type="submit" class=PRIMARY_BUTTON disabled=move || update.pending().get()>"Save"</button>
                    </ActionForm>
                </div>
            </section>
            <ActionForm action=delete>
                <input type="hidden" name="workspace_id" value=ws_d/>
                <input type="hidden" name="board_id" value=bid_d/>
                <button type="submit" class=DANGER_BUTTON>"Delete board"</button>
            </ActionForm>
        })}
    }
}
