use crate::boards::api::{CreateBoard, boards_page};
use crate::boards::{Board, BoardsPageData};
use crate::components::{
    ErrorSummary, Field, INPUT, PRIMARY_BUTTON, StatusMessage, aria_invalid, field_error, form_errors,
};
use crate::pages::page_title;
use crate::pages::workspace::CurrentWorkspace;
use crate::roles::{self, Permission};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
                    page.await.ok().map(|data| view! { <Boards data joined create/> })
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
                {data.boards.into_iter().map(|b| view! { <BoardCard board=b/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div>
            <h1 class="text-2xl font-semibold">"Boards"</h1>
            <p class="mt-1 text-sm text-zinc-600">{format!("What {} is working on.", ctx.workspace.name)}</p>
        </div>
        {said.map(|m| view! { <p class="rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium text-green-900" data-testid="page-notice">{m}</p> })}
        {ctx.can(Permission::Write, roles::Resource::Data).then(|| view! { <NewBoardForm action=create workspace_id=ctx.workspace.id.clone()/> })}
        {list}
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
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>"Create board"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn BoardCard(board: Board) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-zinc-200 bg-white p-5 shadow-sm">
            <h2 class="font-semibold">{board.name}</h2>
            <p class="mt-2 whitespace-pre-line text-sm text-zinc-700">{board.content}</p>
            <p class="mt-3 text-xs text-zinc-500">
                {board.created_by.map(|by| format!("By {by} · ")).unwrap_or_default()}
                {board.created_at}
            </p>
        </li>
    }
}
