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
/// `{form}-{field}`). It takes focus when a post brings it (`autofocus` on
/// a page loaded after a plain post; an island focuses it itself), as people
/// using a screen reader need to hear it.
#[component]
pub fn ErrorSummary(form: &'static str, #[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
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
                id=format!("{form}-summary")
                tabindex="-1"
                autofocus=true
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
                                Some(href) => leptos::either::Either::Left(view! { <li><a class="font-medium text-red-800 underline" href=href>{p.message}</a></li> }),
                                None => leptos::either::Either::Right(view! { <li class="text-red-800">{p.message}</li> }),
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// `aria-invalid` for an input whose field has `error`.
pub fn aria_invalid(error: Signal<Option<String>>) -> impl Fn() -> &'static str + Send + Sync + Clone + 'static {
    move || {
        if error.get().is_some() { "true" } else { "false" }
    }
}
