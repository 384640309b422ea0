//! Sign-in through the company's OpenID Connect provider: the authorization
//! code flow with PKCE, state and nonce (the `openidconnect` crate), and the
//! rules that decide whose account an identity is.
//!
//! Owns the `identities` and `oidc_logins` tables.
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
use super::service::{self as accounts, Address, Client, HashedPassword, Lifetimes};
use crate::domain::{EmailAddress, PersonName, User};
use crate::error::AppError;
use crate::platform::config::{Config, OidcSettings};
use crate::platform::crypto;
use crate::platform::db::{self, Db};
use crate::platform::ratelimit::Limit;
use crate::platform::time::now_ms;
use crate::state::{self, AppState};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyAdditionalClaims, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Binds a sign-in to the browser that started it. Only sent to `/auth/oidc`.
pub const BROWSER_COOKIE: &str = "boardroom_oidc";
pub const START_PATH: &str = "/auth/oidc/start";
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// How long a person has at the provider.
const LOGIN_TTL: Duration = Duration::from_secs(600);
/// How long the provider's metadata and keys are kept before asking again.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);

type Discovered =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// The configured provider, discovered on first use (and again hourly, for
/// its keys).
pub struct Provider {
    settings: OidcSettings,
    redirect: RedirectUrl,
    http: openidconnect::reqwest::Client,
    discovered: tokio::sync::Mutex<Option<(Instant, Arc<Discovered>)>>,
}

impl Provider {
    pub fn new(settings: &OidcSettings, config: &Config) -> Result<Self, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // The crate's advice: a provider's redirect could lead anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("the HTTP client for OIDC: {e}"))?;
        let redirect = RedirectUrl::new(config.url_for(CALLBACK_PATH)).map_err(|e| e.to_string())?;
        Ok(Provider {
            settings: settings.clone(),
            redirect,
            http,
            discovered: tokio::sync::Mutex::new(None),
        })
    }

    /// What the sign-in button names.
    pub fn display_name(&self) -> &str {
        &self.settings.display_name
    }

    /// The provider's client, from discovery (which checks that the
    /// provider calls itself by the configured issuer).
    async fn client(&self) -> Result<Arc<Discovered>, String> {
        let mut cached = self.discovered.lock().await;
        if let Some((at, client)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_TTL
        {
            return Ok(client.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.as_str().trim_end_matches('/').to_string())
            .map_err(|e| e.to_string())?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| format!("discovery at {}: {e}", self.settings.issuer))?;
        let client = Arc::new(
            CoreClient::from_provider_metadata(
                metadata,
                ClientId::new(self.settings.client_id.clone()),
                Some(ClientSecret::new(self.settings.client_secret.expose().to_string())),
            )
            .set_redirect_uri(self.redirect.clone()),
        );
        *cached = Some((Instant::now(), client.clone()));
        Ok(client)
    }
}

/// Who the provider says signed in: its verified answer.
#[derive(Clone, Debug)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

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
    let Some(provider) = state.oidc.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Err(wait) = state
        .limiter
        .check(&format!("oidc:{}", client_ip(&parts)), Limit::ACCEPT)
    {
        return failed(AppError::rate_limited(wait));
    }
    let invitation = match form.invitation.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(token) => match crate::invitations::service::open_for_provider(&state.db, token).await {
            Ok((id, _)) => Some(id),
            Err(AppError::NotFound(_)) => return refused(Refusal::InvitationGone),
            Err(e) => return failed(e),
        },
        None => None,
    };
    let next = form.next.filter(|n| super::api::is_local_path(n));
    let client = match provider.client().await {
        Ok(client) => client,
        Err(e) => {
            tracing::warn!("company sign-in: {e}");
            return refused(Refusal::Failed);
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            || CsrfToken::new(crypto::new_token()),
            || Nonce::new(crypto::new_token()),
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
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
        .bind(crypto::token_hash(csrf.secret()))
        .bind(crypto::token_hash(&browser))
        .bind(nonce.secret())
        .bind(verifier.secret())
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
    let mut res = see_other(url.as_str());
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
    let Some(provider) = state.oidc.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Err(wait) = state
        .limiter
        .check(&format!("oidc:{}", client_ip(&parts)), Limit::ACCEPT)
    {
        return failed(AppError::rate_limited(wait));
    }
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
    let identity = match identify(&provider, &started, code).await {
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

/// Trades the code for tokens and checks the ID token; asks the userinfo
/// endpoint for the address when the ID token does not carry it.
async fn identify(provider: &Provider, started: &Started, code: String) -> Result<Identity, String> {
    let client = provider.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| e.to_string())?
        .set_pkce_verifier(PkceCodeVerifier::new(started.pkce_verifier.clone()))
        .request_async(&provider.http)
        .await
        .map_err(|e| format!("the code exchange failed: {e}"))?;
    let id_token = tokens.id_token().ok_or("the provider sent no ID token")?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(started.nonce.clone()))
        .map_err(|e| format!("the ID token was refused: {e}"))?;
    if let Some(expected) = claims.access_token_hash() {
        let signing = id_token
            .signing_alg()
            .and_then(|alg| Ok((alg, id_token.signing_key(&verifier)?)))
            .map_err(|e| format!("the ID token's signature: {e}"))?;
        let actual = AccessTokenHash::from_token(tokens.access_token(), signing.0, signing.1)
            .map_err(|e| format!("the access token's hash: {e}"))?;
        if actual != *expected {
            return Err("the access token does not match the ID token".into());
        }
    }
    let mut identity = Identity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified() == Some(true),
        name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
    };
    if identity.email.is_none()
        && let Ok(request) = client.user_info(tokens.access_token().clone(), Some(claims.subject().clone()))
    {
        let info: UserInfoClaims<EmptyAdditionalClaims, CoreGenderClaim> = request
            .request_async(&provider.http)
            .await
            .map_err(|e| format!("the userinfo request failed: {e}"))?;
        identity.email = info.email().map(|e| e.to_string());
        identity.email_verified = info.email_verified() == Some(true);
        if identity.name.is_none() {
            identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
        }
    }
    Ok(identity)
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
    let now = now_ms();
    let mut tx = db.begin().await?;
    let linked: Option<User> = sqlx::query_as(
        "SELECT u.id, u.email, u.name FROM identities i JOIN users u ON u.id = i.user_id \
         WHERE i.issuer = $1 AND i.subject = $2",
    )
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .fetch_optional(&mut *tx)
    .await?;
    let user = match linked {
        Some(user) => {
            sqlx::query("UPDATE identities SET last_used_at = $1 WHERE issuer = $2 AND subject = $3")
                .bind(now)
                .bind(&identity.issuer)
                .bind(&identity.subject)
                .execute(&mut *tx)
                .await?;
            user
        }
        None => {
            // Linking by address needs the provider's word that it is the
            // person's, and the account's proof of it here.
            let email = identity
                .email
                .as_deref()
                .filter(|_| identity.email_verified)
                .and_then(|e| EmailAddress::parse(e).ok())
                .ok_or(Failure::Refused(Refusal::Unverified))?;
            let found: Option<(String, String, String, Option<i64>)> =
                sqlx::query_as("SELECT id, email, name, email_verified_at FROM users WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let user = match found {
                Some((id, email, name, Some(proven))) if proven > 0 => User { id, email, name },
                Some(_) => return Err(Failure::Refused(Refusal::UnconfirmedAccount)),
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
            let linked = sqlx::query(
                "INSERT INTO identities (issuer, subject, user_id, email, created_at, last_used_at) \
                 VALUES ($1, $2, $3, $4, $5, $5)",
            )
            .bind(&identity.issuer)
            .bind(&identity.subject)
            .bind(&user.id)
            .bind(email.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await;
            db::or_clash(linked, || Failure::Refused(Refusal::OtherIdentity))?;
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
        if let Some(old) = super::session::session_token(&parts.headers) {
            accounts::end_session(&state.db, &old).await?;
        }
        let client = Client {
            ip: client_ip(parts).to_string(),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string(),
        };
        let token = accounts::create_session(&state.db, &user.id, &client, Lifetimes::of(&state.config)).await?;
        let target = match (joined, next) {
            (Some(workspace), _) => format!("/w/{workspace}/boards?joined=1"),
            (None, Some(next)) => next,
            (None, None) => crate::members::service::home_path(&state.db, &user.id).await?,
        };
        Ok::<_, AppError>((token, target))
    };
    let (token, target) = match done.await {
        Ok(done) => done,
        Err(e) => return failed(e),
    };
    let mut res = see_other(&target);
    let cookies = [
        super::session::session_cookie(&state.config, Some(&token)),
        format!("{BROWSER_COOKIE}=; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0"),
    ];
    for cookie in cookies {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
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

fn client_ip(parts: &Parts) -> std::net::IpAddr {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]))
}
