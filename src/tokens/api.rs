//! Server functions for a person's own API tokens.

use super::{NewToken, TokensPageData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::platform::request;

/// Creates an API token; its secret is in the answer and nowhere else.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String) -> Result<NewToken, AppError> {
    let user = request::require_user().await?;
    let state = request::state()?;
    let (token, secret) = super::service::create(&state.db, &user.id, &name).await?;
    // A plain form post is sent back to the page, which shows this once.
    request::notice_for_plain_form(&format!(
        "Token \u{201c}{}\u{201d} created. Copy it now, it won't be shown again: {secret}",
        token.name
    ));
    Ok(NewToken { token, secret })
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: String) -> Result<String, AppError> {
    let user = request::require_user().await?;
    let state = request::state()?;
    let name = super::service::revoke(&state.db, &user.id, &token_id).await?;
    request::notice_for_plain_form(&format!("Token \u{201c}{name}\u{201d} revoked"));
    Ok(name)
}

/// The API tokens page in one call.
#[server(endpoint = "tokens_page")]
pub async fn tokens_page() -> Result<TokensPageData, AppError> {
    let user = request::require_user().await?;
    let state = request::state()?;
    Ok(TokensPageData {
        tokens: super::service::list(&state.db, &user.id).await?,
        home: crate::workspaces::service::home_path(&state.db, &user.id).await?,
        user: user.into(),
        notice: request::take_notice(),
    })
}
