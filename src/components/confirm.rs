//! Asking before destroying. A form that destroys something names what will
//! happen (`question`) and the button that does it (`button`). Sending it
//! first asks in a modal `<dialog>` with focus on Cancel: Escape or Cancel
//! changes nothing and puts focus back on the button pressed; confirming
//! sends the form and moves focus to the page's main region, away from the
//! next row's destructive button. Without WebAssembly the form posts as it
//! is and the server asks on its own page (`/confirm`).

use super::post::Sender;
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlFormElement, SubmitEvent};

/// The form being asked about, and the button that sent it.
type Asked = (HtmlFormElement, Option<HtmlElement>);

thread_local! {
    /// What the open question is about. The dialog is modal, so one question
    /// at most is open at a time, in the browser only.
    static ASKED: std::cell::RefCell<Option<Asked>> = const { std::cell::RefCell::new(None) };
}

/// The question, as a modal dialog; `answered(true)` once confirmed.
#[component]
fn Question(
    question: String,
    button: String,
    dialog: NodeRef<Dialog>,
    answered: impl Fn(bool) + 'static,
) -> impl IntoView {
    let label = question.clone();
    view! {
        <dialog
            node_ref=dialog
            aria-label=label
            class="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-zinc-950/60"
            on:close=move |_| answered(dialog.get_untracked().is_some_and(|d| d.return_value() == "ok"))
        >
            <form method="dialog">
                <p class="text-base font-medium">{question}</p>
                <div class="mt-6 flex flex-wrap justify-end gap-3">
                    <button value="cancel" class="btn-secondary">"Cancel"</button>
                    <button value="ok" class="btn-danger">{button}</button>
                </div>
            </form>
        </dialog>
    }
}

/// Opens `dialog` with focus on Cancel, remembering what asked.
fn ask(dialog: NodeRef<Dialog>, ev: &SubmitEvent) {
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
        return;
    };
    let Some(dialog) = dialog.get_untracked() else {
        return;
    };
    ev.prevent_default();
    ASKED.with_borrow_mut(|asked| *asked = Some((form, ev.submitter())));
    dialog.set_return_value("");
    if dialog.show_modal().is_ok()
        && let Ok(Some(cancel)) = dialog.query_selector("button[value=cancel]")
        && let Ok(cancel) = cancel.dyn_into::<HtmlElement>()
    {
        let _ = cancel.focus();
    }
}

/// What was asked about, once answered: `None` (focus back on the button
/// pressed) unless confirmed.
fn answer(ok: bool) -> Option<Asked> {
    let (form, submitter) = ASKED.with_borrow_mut(Option::take)?;
    if !ok {
        if let Some(button) = submitter {
            let _ = button.focus();
        }
        return None;
    }
    if let Some(main) = document()
        .get_element_by_id("main")
        .and_then(|m| m.dyn_into::<HtmlElement>().ok())
    {
        let _ = main.focus();
    }
    Some((form, submitter))
}

/// Asks before the form in `children` is sent; once confirmed it is sent as
/// it was, with `confirmed=yes`, so that the server does not ask again. For
/// pages rendered on the server only.
#[island]
pub fn AskFirst(question: String, button: String, children: Children) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let answered = move |ok| {
        let Some((form, submitter)) = answer(ok) else {
            return;
        };
        let field = match form.query_selector("input[name=confirmed]") {
            Ok(Some(field)) => field,
            _ => {
                let Ok(field) = document().create_element("input") else {
                    return;
                };
                let _ = field.set_attribute("type", "hidden");
                let _ = field.set_attribute("name", "confirmed");
                let _ = form.append_child(&field);
                field
            }
        };
        let _ = field.set_attribute("value", "yes");
        let _ = form.set_attribute("data-confirmed", "yes");
        let _ = match submitter {
            Some(button) => form.request_submit_with_submitter(Some(&button)),
            None => form.request_submit(),
        };
    };
    let on_submit = move |ev: SubmitEvent| {
        // Sent again once confirmed: let it go.
        if let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
            && form.has_attribute("data-confirmed")
        {
            let _ = form.remove_attribute("data-confirmed");
            return;
        }
        ask(dialog, &ev);
    };
    view! {
        <div on:submit=on_submit>{children()}</div>
        <Question question button dialog answered/>
    }
}

/// A server function's form (`posted`, a [`Posted`](super::Posted)) that asks
/// first: with WebAssembly, it is sent once confirmed; without, it posts as
/// it is.
#[component]
pub fn ConfirmForm(
    #[prop(into)] posted: Sender,
    question: String,
    button: String,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let url = posted.url();
    let answered = move |ok| {
        if let Some((form, _)) = answer(ok) {
            posted.send(form);
        }
    };
    view! {
        <form action=url method="post" data-confirm=question.clone() on:submit=move |ev| ask(dialog, &ev)>
            {children()}
        </form>
        <Question question button dialog answered/>
    }
}
