//! One error shape for every API answer that is not a success:
//! `{"error": {"code": "…", "message": "…", "field": "…"}}`.

use crate::error::{AppError, FieldError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field that needs fixing, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            errors: Vec::new(),
        }
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
        let message = e.to_string();
        match e {
            AppError::Invalid(errors) => ApiError {
                status: 422,
                code: "invalid".into(),
                field: errors.first().map(|f| f.field.clone()).filter(|f| !f.is_empty()),
                message,
                errors,
            },
            AppError::Unauthenticated => ApiError::new(
                401,
                "unauthenticated",
                "Send an API token: Authorization: Bearer <token>",
            ),
            AppError::Forbidden(_) => ApiError::new(403, "forbidden", message),
            AppError::NotFound(_) => ApiError::new(404, "not_found", message),
            AppError::Conflict(_) => ApiError::new(409, "conflict", message),
            AppError::RateLimited => ApiError::new(429, "rate_limited", message),
            AppError::Internal | AppError::Transport(_) => ApiError::new(500, "internal", message),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: &'a ApiError,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(Envelope { error: &self })).into_response()
    }
}
