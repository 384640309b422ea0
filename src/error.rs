//! The one error type every server function returns, readable by a person and by code.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message that belongs next to one form field.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What went wrong, in words a person can act on.
///
/// Internal failures carry no detail: the cause is logged on the server and the
/// browser only learns that something failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields need fixing; nothing was changed.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    #[error("Sign in to continue")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; `retry_after` says in how many seconds to try again.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    #[error("Something went wrong on our side. Try again in a moment")]
    Internal,
    /// The request could not be carried to the server function (network, encoding).
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

/// A wait as people say it: "40 seconds", "1 minute", "12 minutes".
pub fn in_a_while(secs: u64) -> String {
    let (n, unit) = if secs < 90 {
        (secs, "second")
    } else {
        (secs.div_ceil(60), "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn first_message(errors: &[FieldError]) -> &str {
    errors.first().map(|e| e.message.as_str()).unwrap_or("Check the form")
}

impl AppError {
    /// A single field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// Too many attempts of one kind: try again in `retry_after`.
    pub fn rate_limited(retry_after: std::time::Duration) -> Self {
        let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
        AppError::RateLimited {
            message: format!("Too many attempts. Try again in {}", in_a_while(secs)),
            retry_after: secs,
        }
    }

    /// The message for `field`, if this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// Every field error, or the whole error as one line with no field.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(errors) => errors.clone(),
            other => vec![FieldError {
                field: String::new(),
                message: other.to_string(),
            }],
        }
    }

    /// The HTTP status this error is reported with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::field("", format!("The form was incomplete: {msg}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;
