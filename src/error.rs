//! One error vocabulary for the whole app: `ErrorCode` says what kind of
//! failure it is and carries its HTTP status; `AppError` is what server
//! functions and services return, readable by a person and by code. The REST
//! API answers with the same codes.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Every kind of failure the app reports, as the API spells it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request could not be read (bad JSON, a bad query or path).
    BadRequest,
    /// No credentials came with the request.
    Unauthenticated,
    /// An API token that is not (or no longer) valid.
    InvalidToken,
    /// A state-changing request from another site.
    CrossSite,
    /// The caller lacks the grant (or ownership) the action needs.
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// The request took too long and was stopped.
    Timeout,
    /// It clashes with what is there.
    Conflict,
    /// The person is already a member.
    AlreadyMember,
    /// The invitation was accepted or withdrawn.
    Gone,
    /// A value is not acceptable; the field says which.
    Invalid,
    /// An email address is not one.
    InvalidEmail,
    /// Too many attempts; try again after `retry_after` seconds.
    RateLimited,
    /// The address is outside the domains the workspace invites.
    DomainNotAllowed,
    /// Every seat of the workspace is taken.
    SeatLimitReached,
    Internal,
}

impl ErrorCode {
    /// The one mapping from a kind of failure to its HTTP status.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated | ErrorCode::InvalidToken => 401,
            ErrorCode::CrossSite | ErrorCode::Forbidden | ErrorCode::DomainNotAllowed => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 408,
            ErrorCode::Conflict | ErrorCode::AlreadyMember | ErrorCode::SeatLimitReached => 409,
            ErrorCode::Gone => 410,
            ErrorCode::Invalid | ErrorCode::InvalidEmail => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }

    /// The code as the API writes it: `already_member`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::CrossSite => "cross_site",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Conflict => "conflict",
            ErrorCode::AlreadyMember => "already_member",
            ErrorCode::Gone => "gone",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::DomainNotAllowed => "domain_not_allowed",
            ErrorCode::SeatLimitReached => "seat_limit_reached",
            ErrorCode::Internal => "internal",
        }
    }
}

/// A message that belongs next to one form field.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// What caused an internal failure: kept for the log line, never sent.
#[derive(Clone, Default)]
pub struct Cause(Option<Arc<dyn std::error::Error + Send + Sync>>);

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(e) => write!(f, "{e}"),
            None => f.write_str("unknown"),
        }
    }
}

/// Two failures are alike whatever caused them.
impl PartialEq for Cause {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Cause {}

/// What went wrong, in words a person can act on.
///
/// Internal failures carry no detail to the browser: their cause is logged on
/// the server where the error is answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields need fixing; nothing was changed.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    #[error("Sign in to continue")]
    Unauthenticated,
    /// The request could not be read (a list's cursor, say).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The workspace does not invite this address's domain.
    #[error("{0}")]
    DomainNotAllowed(String),
    /// The workspace has no seat free.
    #[error("{0}")]
    NoSeats(String),
    /// Too many attempts; `retry_after` says in how many seconds to try again.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    #[error("Something went wrong on our side. Try again in a moment")]
    Internal(#[serde(skip)] Cause),
    /// The request could not be carried to the server function (network, encoding).
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

fn first_message(errors: &[FieldError]) -> &str {
    errors.first().map(|e| e.message.as_str()).unwrap_or("Check the form")
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

impl AppError {
    /// A single field error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// Every problem of a form at once: each (field, problem) pair whose
    /// problem is there.
    pub fn fields<'a>(problems: impl IntoIterator<Item = (&'a str, Option<String>)>) -> Self {
        AppError::Invalid(
            problems
                .into_iter()
                .filter_map(|(field, problem)| {
                    problem.map(|message| FieldError {
                        field: field.into(),
                        message,
                    })
                })
                .collect(),
        )
    }

    /// An internal failure, with what caused it for the log.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(Cause(Some(Arc::from(cause.into()))))
    }

    /// Too many attempts of one kind: try again in `retry_after`.
    pub fn rate_limited(retry_after: std::time::Duration) -> Self {
        let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
        AppError::RateLimited {
            message: format!("Too many attempts. Try again in {}", in_a_while(secs)),
            retry_after: secs,
        }
    }

    /// What kind of failure this is.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(_) => ErrorCode::Invalid,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::DomainNotAllowed(_) => ErrorCode::DomainNotAllowed,
            AppError::NoSeats(_) => ErrorCode::SeatLimitReached,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Internal(_) | AppError::Transport(_) => ErrorCode::Internal,
        }
    }

    /// For `RateLimited`: seconds until trying again makes sense.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
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

    /// Writes an internal failure's cause to the log; other failures are the
    /// caller's to read, not the operator's.
    pub fn log(&self) {
        #[cfg(feature = "ssr")]
        if let AppError::Internal(cause) = self {
            tracing::error!(cause = ?cause, "internal error");
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

    /// Answering a server function with an error: besides the body, the
    /// response gets the error's status (server functions would otherwise
    /// answer every error with 500) and, for 429, `Retry-After`. A plain form
    /// post keeps the redirect back to its page that Leptos gives it.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        {
            use leptos::prelude::use_context;
            self.log();
            let plain_form = use_context::<axum::http::request::Parts>()
                .and_then(|p| {
                    p.headers
                        .get(axum::http::header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v.contains("text/html"))
                })
                .unwrap_or(false);
            if !plain_form && let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(status) = axum::http::StatusCode::from_u16(self.code().status()) {
                    res.set_status(status);
                }
                if let Some(secs) = self.retry_after() {
                    res.insert_header(axum::http::header::RETRY_AFTER, secs.into());
                }
            }
        }
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
    }
}

#[cfg(feature = "ssr")]
impl From<crate::platform::db::KeysetError> for AppError {
    fn from(err: crate::platform::db::KeysetError) -> Self {
        match err {
            crate::platform::db::KeysetError::Cursor => AppError::BadRequest(
                "This page of the list is out of date or was not copied whole. Start again from the first page".into(),
            ),
            crate::platform::db::KeysetError::Db(e) => AppError::internal(e),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::internal(err)
    }
}

pub type AppResult<T> = Result<T, AppError>;
