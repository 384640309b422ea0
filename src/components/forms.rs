use crate::error::{AppError, FieldError};
use leptos::html;
use leptos::prelude::*;

/// The field errors of the latest result of an action, or none.
pub fn form_errors<T, S>(value: S) -> Signal<Vec<FieldError>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(e)) => e.field_errors(),
        _ => Vec::new(),
    })
}

/// The messages for one field, joined into one line per message.
pub fn field_error(errors: Signal<Vec<FieldError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        let messages: Vec<String> = errors
            .get()
            .into_iter()
            .filter(|e| e.field == field)
            .map(|e| e.message)
            .collect();
        (!messages.is_empty()).then(|| messages.join("\n"))
    })
}

/// A labelled field: the label, an optional hint, the error (with its own id
/// for `aria-describedby`), then the input given as children.
#[component]
pub fn Field(
    /// The input's id.
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="space-y-1.5">
            <label for=id class="block text-sm font-medium text-zinc-900">{label}</label>
            {hint.map(|h| view! { <p id=format!("{id}-hint") class="text-sm text-zinc-600">{h}</p> })}
            <Show when=move || error.get().is_some()>
                <p id=error_id.clone() class="whitespace-pre-line text-sm font-medium text-red-700">
                    <span class="sr-only">"Error: "</span>
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
            {children()}
        </div>
    }
}

/// A problem to list in the error summary, linking to its field.
#[derive(Clone)]
pub struct FormProblem {
    pub href: Option<String>,
    pub message: String,
}

/// "There is a problem", listing each error and linking to its field (ids are
/// `{form}-{field}`); focused when it appears, as people using a screen reader
/// need to hear it.
#[component]
pub fn ErrorSummary(form: &'static str, #[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if !errors.get().is_empty()
            && let Some(el) = node.get()
        {
            let _ = el.focus();
        }
    });
    let problems = move || {
        errors
            .get()
            .into_iter()
            .map(|e| FormProblem {
                href: (!e.field.is_empty()).then(|| format!("#{form}-{}", e.field)),
                message: e.message,
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !errors.get().is_empty()>
            <div
                node_ref=node
                tabindex="-1"
                role="alert"
                aria-labelledby=format!("{form}-summary-title")
                class="rounded-md border-2 border-red-700 bg-red-50 p-4 focus:outline-none focus:ring-4 focus:ring-amber-400"
            >
                <h2 id=format!("{form}-summary-title") class="text-base font-semibold text-red-900">"There is a problem"</h2>
                <ul class="mt-2 list-disc space-y-1 pl-5 text-sm">
                    {move || {
                        problems()
                            .into_iter()
                            .map(|p| match p.href {
                                Some(href) => view! { <li><a class="font-medium text-red-800 underline" href=href>{p.message}</a></li> }.into_any(),
                                None => view! { <li class="text-red-800">{p.message}</li> }.into_any(),
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// A live region present from the first render, so that screen readers announce
/// the message when it arrives.
#[component]
pub fn StatusMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite" aria-atomic="true">
            {move || {
                message.get().map(|m| view! {
                    <p class="flex items-start gap-2 rounded-md border border-green-300 bg-green-50 px-4 py-3 text-sm font-medium text-green-900">
                        <svg aria-hidden="true" class="mt-0.5 h-4 w-4 flex-none" viewBox="0 0 20 20" fill="currentColor">
                            <path fill-rule="evenodd" d="M16.7 5.3a1 1 0 010 1.4l-8 8a1 1 0 01-1.4 0l-4-4a1 1 0 011.4-1.4L8 12.6l7.3-7.3a1 1 0 011.4 0z" clip-rule="evenodd"/>
                        </svg>
                        <span>{m}</span>
                    </p>
                })
            }}
        </div>
    }
}

/// `aria-invalid` for an input whose field has `error`.
pub fn aria_invalid(error: Signal<Option<String>>) -> impl Fn() -> &'static str + Send + Sync + Clone + 'static {
    move || {
        if error.get().is_some() { "true" } else { "false" }
    }
}

/// What the page's actions last said: a confirmation for the status region,
/// or a failure of a row action for an alert. Each finished action replaces
/// what the one before said.
#[derive(Clone, Copy)]
pub struct Feedback {
    pub notice: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
}

impl Feedback {
    pub fn new() -> Self {
        Feedback {
            notice: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    /// Reports a finished action: `say(value)` on success; on failure its
    /// message, unless `form_shows_errors` (its form has an error summary).
    pub fn watch<T, S>(self, value: S, form_shows_errors: bool, say: impl Fn(T) -> String + Send + Sync + 'static)
    where
        T: Send + Sync + 'static,
        S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    {
        Effect::new(move |_| match value.get() {
            Some(Ok(v)) => {
                self.error.set(None);
                self.notice.set(Some(say(v)));
            }
            Some(Err(e)) => {
                self.notice.set(None);
                self.error.set((!form_shows_errors).then(|| e.to_string()));
            }
            None => {}
        });
    }
}

impl Default for Feedback {
    fn default() -> Self {
        Self::new()
    }
}

/// The status region and the alert for a page's `Feedback`, at the foot of
/// the window: they take no room in the page while empty (nothing jumps when
/// a message arrives), and stay in sight however far the page is scrolled.
#[component]
pub fn FeedbackView(
    feedback: Feedback,
    /// Shown beside the notice, such as a way to undo what it reports.
    #[prop(optional, into)]
    beside: Option<ViewFn>,
) -> impl IntoView {
    view! {
        <div class="pointer-events-none fixed inset-x-4 bottom-4 z-30 space-y-2 sm:left-auto sm:right-6 sm:w-96">
            <StatusMessage message=feedback.notice/>
            {beside.map(|beside| move || beside.run())}
            {move || {
                feedback.error.get().map(|e| {
                    view! {
                        <p role="alert" class="pointer-events-auto rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm font-medium text-red-800">{e}</p>
                    }
                })
            }}
        </div>
    }
}

/// A form to pass as `ActionForm`'s `node_ref`: emptied each time its action
/// succeeds, so the next entry starts blank.
pub fn cleared_on_success<T, S>(value: S) -> NodeRef<html::Form>
where
    T: Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(f)) = (value.get(), form.get_untracked()) {
            f.reset();
        }
    });
    form
}

/// What was typed into input `id` before the page's WASM arrived: read once,
/// when the page hydrates, to start the signal its value is bound to (which
/// would otherwise replace it with the signal's empty start). Nothing on the
/// server, or when the input is not on the page yet.
pub fn typed_before_hydration(id: &str) -> String {
    input_before_hydration(id).map(|i| i.0).unwrap_or_default()
}

/// The values of `RolePicker` `id`'s boxes (`{id}-0`, `{id}-1`, …) that were
/// ticked before the page's WASM arrived (see `typed_before_hydration`).
pub fn ticked_before_hydration(id: &str) -> Vec<String> {
    (0..)
        .map_while(|i| input_before_hydration(&format!("{id}-{i}")))
        .filter(|(_, checked)| *checked)
        .map(|(value, _)| value)
        .collect()
}

/// The value and checkedness of input `id` in the page as the browser has it.
fn input_before_hydration(id: &str) -> Option<(String, bool)> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        document()
            .get_element_by_id(id)
            .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|input| (input.value(), input.checked()))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}
