//! One error shape for every API answer that is not a success:
//! `{"error": {"code": "…", "message": "…", "field": "…"}}`, with the status
//! and the codes of the app's one vocabulary (`ErrorCode`).

use crate::error::{AppError, ErrorCode, FieldError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field that needs fixing, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 429: seconds until trying again makes sense (also sent as `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// Names a form's field as the API calls it.
    pub fn renamed_field(mut self, from: &str, to: &str) -> Self {
        if self.field.as_deref() == Some(from) {
            self.field = Some(to.into());
        }
        for e in &mut self.errors {
            if e.field == from {
                e.field = to.into();
            }
        }
        self
    }

    pub fn on_field(mut self, field: &str) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        e.log();
        let message = match &e {
            AppError::Unauthenticated => "Send an API token: Authorization: Bearer <token>".to_string(),
            other => other.to_string(),
        };
        let mut error = ApiError::new(e.code(), message);
        error.retry_after = e.retry_after();
        if let AppError::Invalid(errors) = e {
            error.field = errors.first().map(|f| f.field.clone()).filter(|f| !f.is_empty());
            error.errors = errors;
        }
        error
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

/// Every refusal's body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// The refusals any route can answer with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Refusals {
    /// The request could not be read (bad JSON, a bad `limit` or `next_token`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No API token, or one that is not valid (`unauthenticated`, `invalid_token`).
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The token's owner lacks the grant; the message names it.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such workspace (or not one the token's owner is in), or no such item in it.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The invitation was accepted or withdrawn (`gone`).
    #[response(status = 410)]
    Gone(ErrorBody),
    /// It clashes with what is there (`already_member`, `conflict`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// A value is not acceptable; `field` names it (`invalid`, `invalid_email`).
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// Too many attempts; `Retry-After` (and `retry_after`) says how many seconds to wait.
    #[response(status = 429)]
    RateLimited(ErrorBody),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut res = (status, Json(ErrorBody { error: self })).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        res
    }
}
