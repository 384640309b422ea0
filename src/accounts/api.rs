//! Server functions for accounts. Thin: they parse, call the service, set the cookie.

use crate::domain::User;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::session;
#[cfg(feature = "ssr")]
use crate::platform::ratelimit::Limit;
#[cfg(feature = "ssr")]
use crate::state;

/// The signed-in user, or `None`.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<User>, AppError> {
    session::current_user().await
}

/// Signs up: makes an account whose address is to be proven by the link
/// emailed to it (which also makes its first workspace and signs in), then
/// goes to the page that says so. An address that has an account already
/// gets the same answer (and an email saying so).
#[server(endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String, workspace: String) -> Result<String, AppError> {
    use super::verification;
    let state = state::state()?;
    state::rate_limit(&state, "sign_up", Limit::SIGN_UP).await?;
    let email = verification::sign_up(&state.db, &name, &email, &password, &workspace).await?;
    state.mailer.wake();
    state::handover_for_plain_form(&email.as_str());
    state::redirect("/check-inbox");
    Ok(verification::sent_notice(email.as_str()))
}

/// What the page that says to open the emailed link shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckInbox {
    /// The address the link went to, when known.
    pub email: Option<String>,
    /// Whether this browser is signed in to that (unproven) account.
    pub signed_in: bool,
    pub notice: Option<String>,
}

#[server(endpoint = "check_inbox_page")]
pub async fn check_inbox_page() -> Result<CheckInbox, AppError> {
    let notice = state::take_notice();
    Ok(match session::current_session().await? {
        Some((user, super::service::Standing::Unproven)) => CheckInbox {
            email: Some(user.email),
            signed_in: true,
            notice,
        },
        _ => CheckInbox {
            email: state::take_handover::<String>(),
            signed_in: false,
            notice,
        },
    })
}

/// Sends the link that proves `email` again, if its account is still
/// waiting for it; the answer is the same either way, and limited.
#[server(endpoint = "send_verification_again")]
pub async fn send_verification_again(email: String) -> Result<String, AppError> {
    use super::verification;
    let state = state::state()?;
    state::rate_limit(&state, "verify_again", Limit::RESET_PER_CLIENT).await?;
    let key = format!("verify_for:{}", crate::domain::lowercase(email.trim()));
    state::rate_limit_key(&state, &key, Limit::RESET_PER_ADDRESS).await?;
    let email = verification::send_again(&state.db, &email).await?;
    state.mailer.wake();
    let notice = verification::sent_notice(email.as_str());
    state::notice_for_plain_form(&notice);
    state::handover_for_plain_form(&email.as_str());
    Ok(notice)
}

/// Which address the proving link with `token` is for, or why it cannot be used.
#[server(endpoint = "verify_link")]
pub async fn verify_link(token: String) -> Result<String, AppError> {
    use super::links::{self, Purpose};
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    links::peek(&state.db, &token, Purpose::Verify)
        .await?
        .ok_or_else(|| AppError::NotFound(super::verification::LINK_DEAD.into()))
}

/// Proves the address through its link, makes the workspace the sign-up
/// named, signs in and opens it.
#[server(endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    let proven = super::verification::prove(&state.db, &token).await?;
    session::start(&state, &proven.user).await?;
    let target = match proven.workspace_id {
        Some(id) => format!("/w/{id}/boards"),
        None => crate::members::service::home_path(&state.db, &proven.user.id).await?,
    };
    state::redirect(&target);
    Ok(())
}

/// Signs in and goes to `next` (a local path) or the first workspace.
#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "sign_in", Limit::SIGN_IN).await?;
    let (user, standing) = super::service::authenticate(&state.db, &email, &password).await?;
    session::start(&state, &user).await?;
    if standing == super::service::Standing::Unproven {
        state::redirect("/check-inbox");
        return Ok(());
    }
    let target = match next.filter(|n| is_local_path(n)) {
        Some(n) => n,
        None => crate::members::service::home_path(&state.db, &user.id).await?,
    };
    state::redirect(&target);
    Ok(())
}

/// Ends this browser's session, then goes to `next` (a local path) or sign-in.
#[server(endpoint = "sign_out")]
pub async fn sign_out(next: Option<String>) -> Result<(), AppError> {
    let state = state::state()?;
    if let Some(token) = state::request_cookie(session::SESSION_COOKIE) {
        super::service::end_session(&state.db, &token).await?;
    }
    session::set_session_cookie(&state, None);
    state::redirect(&next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/signin".into()));
    Ok(())
}

/// Emails a link to choose a new password, if `email` has an account. The
/// answer is the same either way; it is limited per client and per address.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<String, AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "reset", Limit::RESET_PER_CLIENT).await?;
    let key = format!("reset_for:{}", crate::domain::lowercase(email.trim()));
    state::rate_limit_key(&state, &key, Limit::RESET_PER_ADDRESS).await?;
    let email = super::recovery::request(&state.db, &email).await?;
    state.mailer.wake();
    let notice = super::recovery::sent_notice(email.as_str());
    state::notice_for_plain_form(&notice);
    Ok(notice)
}

/// What the forgotten-password page shows after a plain form's post.
#[server(endpoint = "forgot_page")]
pub async fn forgot_page() -> Result<Option<String>, AppError> {
    Ok(state::take_notice())
}

/// Whose password the reset link with `token` would change (the page shows
/// the address), or why it cannot be used.
#[server(endpoint = "reset_link")]
pub async fn reset_link(token: String) -> Result<String, AppError> {
    use super::links::{self, Purpose};
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    links::peek(&state.db, &token, Purpose::Reset)
        .await?
        .ok_or_else(|| AppError::NotFound(super::recovery::LINK_DEAD.into()))
}

/// Sets a new password through a reset link, then goes to sign in: every
/// session of the account (this browser's too) has ended.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = state::state()?;
    state::rate_limit(&state, "accept", Limit::ACCEPT).await?;
    super::recovery::reset(&state.db, &token, &password).await?;
    state.mailer.wake();
    session::set_session_cookie(&state, None);
    state::redirect("/signin?reset=1");
    Ok(())
}

/// Whether `path` stays on this site (no scheme, no `//host`), so that a crafted
/// `next` cannot send someone elsewhere after signing in.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") && !path.contains(['\r', '\n'])
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_followed() {
        assert!(super::is_local_path("/w/1/users"));
        for p in ["//evil.com", "https://evil.com", "/\\evil.com", "evil", ""] {
            assert!(!super::is_local_path(p), "{p}");
        }
    }
}
