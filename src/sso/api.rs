//! Server functions for signing in through the company's identity provider.

use crate::error::AppError;
use leptos::prelude::*;

/// The name of the company's identity provider, when signing in through it
/// is set up (the sign-in and invitation pages offer it then).
#[server(endpoint = "company_sign_in")]
pub async fn company_sign_in() -> Result<Option<String>, AppError> {
    let state = crate::state::state()?;
    Ok(state.oidc.as_ref().map(|p| p.display_name().to_string()))
}
