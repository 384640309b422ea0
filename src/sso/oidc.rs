//! Sign-in through the company's OpenID Connect provider: the browser's way
//! there and back (the protocol itself is `platform::oidc`), and the rules
//! that decide whose account an identity is.
//!
//! Owns the `oidc_logins` table (the identities are the accounts module's).
//!
//! - `POST /auth/oidc/start` (a plain form: `next`, `invitation`) sends the
//!   browser to the provider. What the answer is checked against (state,
//!   nonce, PKCE verifier) waits in a single-use row for ten minutes, bound
//!   to this browser by a SameSite=Lax cookie.
//! - `GET /auth/oidc/callback` takes that row, trades the code for tokens,
//!   checks the ID token (signature, issuer, audience, expiry, nonce), and
//!   signs in whoever the identity belongs to.
//!
//! Identities are keyed by issuer and subject, never by email. An identity is
//! linked to an account by address only when the provider says the address
//! is verified and the account's address was proven here; an account is made
//! through the provider only to accept an invitation sent to that verified
//! address.

use super::CompanySignInRefusal as Refusal;
use crate::accounts::identities;
use crate::accounts::service::{self as accounts, Address, HashedPassword};
use crate::domain::{EmailAddress, PersonName, User};
use crate::error::AppError;
use crate::platform::crypto;
use crate::platform::db::Db;
pub use crate::platform::oidc::{CALLBACK_PATH, Identity};
use crate::platform::ratelimit::Limit;
use crate::platform::time::now_ms;
use crate::state::{self, AppState};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Binds a sign-in to the browser that started it. Only sent to `/auth/oidc`.
pub const BROWSER_COOKIE: &str = "boardroom_oidc";
pub const START_PATH: &str = "/auth/oidc/start";
/// How long a person has at the provider.
const LOGIN_TTL: Duration = Duration::from_secs(600);

#[derive(serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    invitation: Option<String>,
}

/// Sends the browser to the provider (a plain form's post, so it works
/// without JavaScript).
pub async fn start(State(state): State<AppState>, parts: Parts, Form(form): Form<StartForm>) -> Response {
    let provider = match provider_for(&state, &parts).await {
        Ok(provider) => provider,
        Err(e) => return failed(e),
    };
    let invitation = match form.invitation.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(token) => match crate::invitations::service::open_for_provider(&state.db, token).await {
            Ok((id, _)) => Some(id),
            Err(AppError::NotFound(_)) => return refused(Refusal::InvitationGone),
            Err(e) => return failed(e),
        },
        None => None,
    };
    let next = form.next.filter(|n| crate::accounts::api::is_local_path(n));
    let sent = match provider.authorize().await {
        Ok(sent) => sent,
        Err(e) => {
            tracing::warn!("company sign-in: {e}");
            return refused(Refusal::Failed);
        }
    };
    // Several tabs may sign in at once: one cookie serves them all.
    let browser = state::cookie(&parts.headers, BROWSER_COOKIE)
        .filter(|b| crypto::plausible_token(b))
        .unwrap_or_else(crypto::new_token);
    let now = now_ms();
    let saved = async {
        sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
            .bind(now)
            .execute(&state.db)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, browser_hash, nonce, pkce_verifier, next_path, invitation_id, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(crypto::token_hash(&sent.state))
        .bind(crypto::token_hash(&browser))
        .bind(&sent.nonce)
        .bind(&sent.pkce_verifier)
        .bind(&next)
        .bind(&invitation)
        .bind(now + LOGIN_TTL.as_millis() as i64)
        .execute(&state.db)
        .await
    };
    if let Err(e) = saved.await {
        return failed(e.into());
    }
    let secure = if state.config.secure_cookies() { "; Secure" } else { "" };
    let cookie = format!(
        "{BROWSER_COOKIE}={browser}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        LOGIN_TTL.as_secs()
    );
    let mut res = see_other(&sent.url);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(serde::Deserialize)]
pub struct Answer {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
}

/// A sign-in started here, as its row keeps it.
#[derive(sqlx::FromRow)]
struct Started {
    browser_hash: String,
    nonce: String,
    pkce_verifier: String,
    next_path: Option<String>,
    invitation_id: Option<String>,
    expires_at: i64,
}

/// The provider's answer: signs in whoever the identity belongs to (joining
/// the invitation's workspace, if one was being accepted), or goes back to
/// the sign-in page saying why not.
pub async fn callback(State(state): State<AppState>, parts: Parts, Query(answer): Query<Answer>) -> Response {
    let provider = match provider_for(&state, &parts).await {
        Ok(provider) => provider,
        Err(e) => return failed(e),
    };
    let started = match take_started(&state.db, &parts.headers, answer.state.as_deref()).await {
        Ok(Some(started)) => started,
        Ok(None) => return refused(Refusal::Expired),
        Err(e) => return failed(e),
    };
    if let Some(error) = answer.error {
        tracing::info!("company sign-in: the provider answered {error:?}");
        return refused(if error == "access_denied" {
            Refusal::Cancelled
        } else {
            Refusal::Failed
        });
    }
    let Some(code) = answer.code else {
        return refused(Refusal::Failed);
    };
    let identity = match provider.identify(code, started.pkce_verifier, started.nonce).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!("company sign-in refused: {e}");
            return refused(Refusal::Failed);
        }
    };
    let (user, joined) = match resolve(&state.db, &identity, started.invitation_id.as_deref()).await {
        Ok(found) => found,
        Err(Failure::Refused(why)) => {
            tracing::info!(issuer = %identity.issuer, "company sign-in refused: {}", why.code());
            return refused(why);
        }
        Err(Failure::App(e)) => return failed(e),
    };
    signed_in(&state, &parts, &user, joined, started.next_path).await
}

/// The sign-in the answer's `state` names, taken (so it cannot be used
/// twice), if this browser started it and it is not over.
async fn take_started(db: &Db, headers: &HeaderMap, answered: Option<&str>) -> Result<Option<Started>, AppError> {
    let (Some(answered), Some(browser)) = (answered, state::cookie(headers, BROWSER_COOKIE)) else {
        return Ok(None);
    };
    if !crypto::plausible_token(answered) {
        return Ok(None);
    }
    let started: Option<Started> = sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1 \
         RETURNING browser_hash, nonce, pkce_verifier, next_path, invitation_id, expires_at",
    )
    .bind(crypto::token_hash(answered))
    .fetch_optional(db)
    .await?;
    Ok(started.filter(|s| s.expires_at > now_ms() && crypto::token_matches(&browser, &s.browser_hash)))
}

/// Why `resolve` signed no one in.
#[derive(Debug)]
pub enum Failure {
    Refused(Refusal),
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::App(e.into())
    }
}

/// Whose account `identity` is, linking it or making the account where the
/// rules allow; accepts `invitation` (an id) as them. Returns the person and
/// the workspace they joined. One transaction.
pub async fn resolve(
    db: &Db,
    identity: &Identity,
    invitation: Option<&str>,
) -> Result<(User, Option<String>), Failure> {
    let mut tx = db.begin().await?;
    let user = match identities::linked(&mut tx, &identity.issuer, &identity.subject).await? {
        Some(user) => user,
        None => {
            // Linking by address needs the provider's word that it is the
            // person's, and the account's proof of it here.
            let email = identity
                .email
                .as_deref()
                .filter(|_| identity.email_verified)
                .and_then(|e| EmailAddress::parse(e).ok())
                .ok_or(Failure::Refused(Refusal::Unverified))?;
            let user = match identities::account_at(&mut tx, &email).await? {
                Some((user, true)) => user,
                Some((_, false)) => return Err(Failure::Refused(Refusal::UnconfirmedAccount)),
                // A new account only to accept an invitation to this address
                // (checked with the invitation below).
                None if invitation.is_some() => {
                    let name = identity
                        .name
                        .as_deref()
                        .and_then(|n| PersonName::parse(n).ok())
                        .or_else(|| PersonName::parse(email.as_str().split('@').next().unwrap_or_default()).ok())
                        .ok_or_else(|| AppError::internal("no name for the new account"))?;
                    accounts::create_user(&mut tx, &name, &email, &HashedPassword::unusable(), Address::Proven).await?
                }
                None => return Err(Failure::Refused(Refusal::NoAccount)),
            };
            if !identities::link(&mut tx, &identity.issuer, &identity.subject, &user, &email).await? {
                return Err(Failure::Refused(Refusal::OtherIdentity));
            }
            user
        }
    };
    let joined = match invitation {
        Some(id) => Some(
            crate::invitations::service::accept_through_provider(&mut tx, id, &user)
                .await
                .map_err(|e| match e {
                    AppError::Forbidden(_) => Failure::Refused(Refusal::WrongAddress),
                    AppError::NotFound(_) => Failure::Refused(Refusal::InvitationGone),
                    AppError::DomainNotAllowed(_) => Failure::Refused(Refusal::DomainNotAllowed),
                    e => Failure::App(e),
                })?,
        ),
        None => None,
    };
    tx.commit().await?;
    Ok((user, joined))
}

/// Starts `user`'s session in this browser (a new id, ending the one it
/// held), and opens the workspace joined, `next`, or their first workspace.
async fn signed_in(
    state: &AppState,
    parts: &Parts,
    user: &User,
    joined: Option<String>,
    next: Option<String>,
) -> Response {
    let done = async {
        let cookie = crate::accounts::session::begin(state, parts, user).await?;
        let target = match (joined, next) {
            (Some(workspace), _) => format!("/w/{workspace}/boards?joined=1"),
            (None, Some(next)) => next,
            (None, None) => crate::members::service::home_path(&state.db, &user.id).await?,
        };
        Ok::<_, AppError>((cookie, target))
    };
    let (cookie, target) = match done.await {
        Ok(done) => done,
        Err(e) => return failed(e),
    };
    let mut res = see_other(&target);
    let cookies = [
        cookie,
        format!("{BROWSER_COOKIE}=; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0"),
    ];
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// The provider, for a caller within the limit (starts and answers count
/// together, per address); 404 when company sign-in is not set up.
async fn provider_for(
    state: &AppState,
    parts: &Parts,
) -> Result<std::sync::Arc<crate::platform::oidc::Provider>, AppError> {
    let provider = state
        .oidc
        .clone()
        .ok_or_else(|| AppError::NotFound("Company sign-in is not set up here".into()))?;
    state
        .limiter
        .check(&format!("oidc:{}", state::ip_of(parts)), Limit::ACCEPT)
        .await
        .map_err(AppError::rate_limited)?;
    Ok(provider)
}

/// What went wrong here (the database, a limit), in the API's error shape.
fn failed(e: AppError) -> Response {
    crate::rest::ApiError::from(e).into_response()
}

/// Back to the sign-in page, which says why.
fn refused(why: Refusal) -> Response {
    see_other(&format!("/signin?sso={}", why.code()))
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
