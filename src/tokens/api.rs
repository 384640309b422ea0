//! Server functions for a person's own API tokens.

use super::NewToken;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{accounts::session, state};

/// Creates an API token; its secret is in the answer and nowhere else.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<NewToken, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let (token, secret) = super::service::create(&state.db, &user, &name).await?;
    // A plain form post is sent back to the page, which shows the secret once.
    state::notice_for_plain_form(&super::created_notice(&token.name));
    state::handover_for_plain_form(&secret);
    Ok(NewToken { token, secret })
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: String) -> Result<String, AppError> {
    let user = session::require_user().await?;
    let state = state::state()?;
    let name = super::service::revoke(&state.db, &user, &token_id).await?;
    state::notice_for_plain_form(&super::revoked_notice(&name));
    Ok(name)
}
