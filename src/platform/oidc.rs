//! The company's OpenID Connect provider, as a client sees it: discovery
//! (again hourly, for its keys), the authorization request (code flow with
//! PKCE, state and nonce), and the answer's checks (the code traded for
//! tokens with the PKCE verifier; the ID token's signature, issuer,
//! audience, expiry, nonce and `at_hash`), with the `openidconnect` crate.
//! What an identity may do here is the sign-in's business (`sso`).

use super::config::{Config, OidcSettings};
use super::crypto;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EmptyAdditionalClaims, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the provider sends the browser back.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

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

    /// Where to send the browser to sign in: the provider's authorization
    /// URL (code flow, PKCE S256, scopes openid, email and profile), and
    /// the state, nonce and PKCE verifier its answer is checked against.
    pub async fn authorize(&self) -> Result<Authorization, String> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                || CsrfToken::new(crypto::new_token()),
                || Nonce::new(crypto::new_token()),
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the code for tokens and checks the ID token; asks the userinfo
    /// endpoint for the address when the ID token does not carry it.
    pub async fn identify(&self, code: String, pkce_verifier: String, nonce: String) -> Result<Identity, String> {
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| e.to_string())?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| format!("the code exchange failed: {e}"))?;
        let id_token = tokens.id_token().ok_or("the provider sent no ID token")?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce))
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
                .request_async(&self.http)
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
}

/// A sign-in request to send the browser with, and what its answer is
/// checked against.
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
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
