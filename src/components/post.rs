//! A server function's form inside an island. It is a plain form posting to
//! the function (without WebAssembly it posts, and the server redirects
//! back); once the island wakes, the form's fields are sent as they are,
//! form-encoded, and the answer is read as JSON into the function's output.
//! Leptos' `ActionForm` would instead read the form into the function's
//! arguments and encode them again, which costs the browser a query-string
//! codec and a second JSON reader per function.

use crate::error::AppError;
use leptos::html::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

/// A server function `S` as an island's forms send it: whether an answer is
/// awaited, and what to do with each answer, read as `T` (the function's
/// output, or as much of it as the island uses).
pub struct Posted<S: ServerFn + 'static, T: 'static = <S as ServerFn>::Output> {
    pending: RwSignal<bool>,
    then: StoredValue<Then<T>>,
    function: std::marker::PhantomData<fn() -> S>,
}

/// What to do with each answer. Shared by the server's render, so `Send`.
type Then<T> = std::sync::Arc<dyn Fn(Result<T, AppError>) + Send + Sync>;

impl<S: ServerFn + 'static, T: 'static> Clone for Posted<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static, T: 'static> Copy for Posted<S, T> {}

impl<S, T> Posted<S, T>
where
    S: ServerFn<Error = AppError> + 'static,
    T: DeserializeOwned + 'static,
{
    /// Runs `then` with each answer the function gives.
    pub fn new(then: impl Fn(Result<T, AppError>) + Send + Sync + 'static) -> Self {
        Posted {
            pending: RwSignal::new(false),
            then: StoredValue::new(std::sync::Arc::new(then)),
            function: std::marker::PhantomData,
        }
    }

    /// Whether an answer is awaited.
    pub fn pending(&self) -> ReadSignal<bool> {
        self.pending.read_only()
    }

    /// Sends `form`'s fields to the function, as the form would post them.
    pub fn send(self, form: &web_sys::HtmlFormElement) {
        let Some(body) = form_body(form) else {
            return;
        };
        self.pending.set(true);
        post(
            S::url(),
            body,
            Box::new(move |answer| {
                self.pending.set(false);
                // A form taken away meanwhile (its row redrawn) leaves the
                // answer unheard; the lists are read again all the same.
                if let Some(then) = self.then.try_get_value() {
                    then(answer.and_then(|text| decode(&text)));
                }
            }),
        );
    }
}

/// A form's way to a server function: where it posts without WebAssembly,
/// and what sends it once the island is awake.
#[derive(Clone)]
pub struct Sender {
    url: &'static str,
    send: Callback<web_sys::HtmlFormElement>,
}

impl Sender {
    pub(super) fn url(&self) -> &'static str {
        self.url
    }

    pub(super) fn send(&self, form: web_sys::HtmlFormElement) {
        self.send.run(form);
    }
}

impl<S, T> From<Posted<S, T>> for Sender
where
    S: ServerFn<Error = AppError> + 'static,
    T: DeserializeOwned + 'static,
{
    fn from(posted: Posted<S, T>) -> Self {
        Sender {
            url: S::url(),
            send: Callback::new(move |form: web_sys::HtmlFormElement| posted.send(&form)),
        }
    }
}

/// Reads a server function's JSON output.
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(|e| AppError::Transport(e.to_string()))
}

/// Posts `body` to `url` and hands `done` the answer's text, or the
/// function's error.
fn post(url: &'static str, body: String, done: Box<dyn FnOnce(Result<String, AppError>)>) {
    leptos::task::spawn_local(async move { done(fetch_text(url, body).await) });
}

/// The form-encoded body `form` would post.
fn form_body(form: &web_sys::HtmlFormElement) -> Option<String> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let params = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data).ok()?;
    Some(String::from(params.to_string()))
}

/// Form-encodes `pairs`, for [`call`].
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let params = web_sys::UrlSearchParams::new().expect("URLSearchParams");
    for (key, value) in pairs {
        params.append(key, value);
    }
    String::from(params.to_string())
}

/// Posts a form-encoded `body` to the server function at `url` and reads its
/// JSON answer: the output, or the function's error.
pub async fn call<T: DeserializeOwned>(url: &str, body: String) -> Result<T, AppError> {
    decode(&fetch_text(url, body).await?)
}

/// Posts a form-encoded `body` to the server function at `url`: the
/// answer's text, or the function's error.
#[cfg(feature = "hydrate")]
async fn fetch_text(url: &str, body: String) -> Result<String, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = |what: &str| AppError::Transport(what.to_string());
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body.into());
    let headers = web_sys::Headers::new().map_err(|_| failed("headers"))?;
    let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
    let _ = headers.set("Accept", "application/json");
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| failed("request"))?;
    let response: web_sys::Response = JsFuture::from(window().fetch_with_request(&request))
        .await
        .map_err(|_| failed("the server could not be reached"))?
        .unchecked_into();
    let text = match response.text() {
        Ok(text) => JsFuture::from(text).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    }
    .unwrap_or_default();
    if response.ok() {
        Ok(text)
    } else {
        Err(serde_json::from_str(&text)
            .unwrap_or_else(|_| failed(&format!("the server answered {}", response.status()))))
    }
}

/// On the server an island's forms are only drawn: nothing is sent from there.
#[cfg(not(feature = "hydrate"))]
async fn fetch_text(_url: &str, _body: String) -> Result<String, AppError> {
    Err(AppError::Transport("not in a browser".to_string()))
}

/// A server function's form (`posted`, a [`Posted`]); `attr:` attributes
/// (id, class, novalidate) go on the form.
#[component]
pub fn PostForm(
    #[prop(into)] posted: Sender,
    #[prop(optional)] node_ref: NodeRef<Form>,
    children: Children,
) -> impl IntoView {
    let url = posted.url();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        use wasm_bindgen::JsCast;
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
            posted.send(form);
        }
    };
    view! {
        <form action=url method="post" node_ref=node_ref on:submit=on_submit>
            {children()}
        </form>
    }
}
