use crate::error::{AppError, FieldError};
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
            {move || error.get().map(|message| view! {
                <p id=error_id.clone() class="whitespace-pre-line text-sm font-medium text-red-700">
                    <span class="sr-only">"Error: "</span>
                    {message}
                </p>
            })}
            {children()}
        </div>
    }
}

/// "There is a problem", listing each error and linking to its field (ids are
/// `{form}-{field}`). It takes focus when a post brings it (`autofocus` on
/// a page loaded after a plain post; an island focuses it itself), as people
/// using a screen reader need to hear it.
#[component]
pub fn ErrorSummary(form: &'static str, #[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    move || {
        let errors = errors.get();
        (!errors.is_empty()).then(|| {
            let problems = errors
                .into_iter()
                .map(|e| match e.field.is_empty() {
                    false => leptos::either::Either::Left(view! {
                        <li><a class="font-medium text-red-800 underline" href=format!("#{form}-{}", e.field)>{e.message}</a></li>
                    }),
                    true => leptos::either::Either::Right(view! { <li class="text-red-800">{e.message}</li> }),
                })
                .collect_view();
            view! {
                <div
                    id=format!("{form}-summary")
                    tabindex="-1"
                    autofocus=true
                    role="alert"
                    aria-labelledby=format!("{form}-summary-title")
                    class="rounded-md border-2 border-red-700 bg-red-50 p-4 focus:outline-none focus:ring-4 focus:ring-amber-400"
                >
                    <h2 id=format!("{form}-summary-title") class="text-base font-semibold text-red-900">"There is a problem"</h2>
                    <ul class="mt-2 list-disc space-y-1 pl-5 text-sm">{problems}</ul>
                </div>
            }
        })
    }
}

/// `aria-invalid` for an input whose field has `error`.
pub fn aria_invalid(error: Signal<Option<String>>) -> impl Fn() -> &'static str + Send + Sync + Clone + 'static {
    move || {
        if error.get().is_some() { "true" } else { "false" }
    }
}
