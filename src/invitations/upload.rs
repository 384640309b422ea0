//! `POST /w/{wid}/users/import`: a spreadsheet uploaded (or pasted) on the
//! Users page, kept for its preview; the browser is sent to the preview.
//! A plain form, so it works without JavaScript.

use crate::accounts::session::SignedIn;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

pub const PATH: &str = "/w/{wid}/users/import";

/// Why an upload could not be read, as the page's `problem` names it.
pub const EMPTY: &str = "empty";
pub const NOT_TEXT: &str = "not_text";
pub const TOO_LARGE: &str = "too_large";

pub async fn upload(
    State(state): State<AppState>,
    Path(wid): Path<String>,
    signed_in: Option<axum::Extension<SignedIn>>,
    multipart: Multipart,
) -> Response {
    let page = format!("/w/{wid}/users/import");
    // The session guard in front of /w/ sends anyone else to sign in.
    let Some(axum::Extension(SignedIn(user))) = signed_in else {
        return Redirect::to(&format!("/signin?next={}", crate::domain::url_encode(&page))).into_response();
    };
    // Refused (not a member, or without the grant): the page says why.
    let Ok(access) = crate::members::service::access(&state.db, &user, &wid).await else {
        return Redirect::to(&page).into_response();
    };
    let source = match read(multipart).await {
        Ok(source) => source,
        Err(problem) => return Redirect::to(&format!("{page}?problem={problem}")).into_response(),
    };
    match super::batch::keep_import(&state.db, &access, &source).await {
        Ok(id) => Redirect::to(&format!("{page}?upload={id}")).into_response(),
        Err(e) => {
            e.log();
            Redirect::to(&page).into_response()
        }
    }
}

/// The file's text (or, without a file, what was pasted).
async fn read(mut multipart: Multipart) -> Result<String, &'static str> {
    let (mut file, mut pasted) = (Vec::new(), String::new());
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|_| TOO_LARGE)?;
        if bytes.len() > super::bulk::MAX_BYTES {
            return Err(TOO_LARGE);
        }
        match name.as_str() {
            "file" => file = bytes.to_vec(),
            "csv" => pasted = String::from_utf8(bytes.to_vec()).map_err(|_| NOT_TEXT)?,
            _ => {}
        }
    }
    let text = if file.is_empty() {
        pasted
    } else {
        String::from_utf8(file).map_err(|_| NOT_TEXT)?
    };
    if text.trim().is_empty() {
        return Err(EMPTY);
    }
    Ok(text)
}
