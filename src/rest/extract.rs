//! What each route reads from a request, with every problem answered in the
//! API's one error shape rather than axum's plain-text rejections.

use super::ApiError;
use crate::domain::User;
use crate::error::ErrorCode;
use crate::platform::ratelimit::Limit;
use crate::state::AppState;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// The person whose API token came with the request.
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(secret) = presented else {
            return Err(crate::error::AppError::Unauthenticated.into());
        };
        if let Some(user) = crate::tokens::service::user_for_token(&state.db, secret).await? {
            return Ok(Caller(user));
        }
        // Guessing tokens is slowed down per address.
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default();
        state
            .limiter
            .check(&format!("api_token:{ip}"), Limit::SIGN_IN)
            .await
            .map_err(crate::error::AppError::rate_limited)?;
        Err(ApiError::new(
            ErrorCode::InvalidToken,
            "This API token is not valid: it may have been revoked or mistyped",
        ))
    }
}

/// A JSON body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(axum::extract::rejection::JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                ErrorCode::BadRequest,
                "Send the body as JSON, with the header Content-Type: application/json",
            )),
            Err(rejection) => Err(ApiError::new(ErrorCode::BadRequest, rejection.body_text())),
        }
    }
}

/// The route's path parameters. Escapes that do not decode to UTF-8, and
/// control characters (which no name, email or id holds), are refused before
/// anything is looked up.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::RawPathParams;
        use axum::extract::rejection::RawPathParamsRejection;
        let bad = |message: String| ApiError::new(ErrorCode::BadRequest, message);
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| match rejection {
                RawPathParamsRejection::InvalidUtf8InPathParam(e) => bad(format!(
                    "A part of the path is not UTF-8 text once its %-escapes are decoded ({})",
                    e.body_text()
                )),
                other => bad(other.body_text()),
            })?;
        for (name, value) in &raw {
            if value.chars().any(char::is_control) {
                return Err(bad(format!("The path's {name} holds a control character")));
            }
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Params(v))
            .map_err(|rejection| bad(rejection.body_text()))
    }
}

/// What a route answers: a value, or the API's error.
pub type Answer<T> = Result<T, ApiError>;

/// The caller's standing in the workspace a path names (by id or name).
pub async fn workspace(state: &AppState, caller: &User, key: &str) -> Answer<crate::access::Access> {
    Ok(crate::members::service::resolve(&state.db, caller, key).await?)
}

/// 201 with `value`.
pub fn created<T: serde::Serialize>(value: T) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::CREATED, Json(value)).into_response()
}

/// A role as a script names it: its name, or the object `create_role` returned.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum RoleRef {
    Name(String),
    Object {
        #[serde(alias = "role_name")]
        name: String,
    },
}

pub fn role_names(refs: Vec<RoleRef>) -> Vec<String> {
    refs.into_iter()
        .map(|r| match r {
            RoleRef::Name(n) | RoleRef::Object { name: n } => n,
        })
        .collect()
}

/// A body of role names (or role objects).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RolesBody {
    pub roles: Vec<RoleRef>,
}

macro_rules! path_params {
    ($($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident),+ })+) => {
        $(
            $(#[$doc])*
            #[derive(serde::Deserialize, utoipa::IntoParams)]
            #[into_params(parameter_in = Path)]
            pub struct $name {
                $(
                    $(#[$fdoc])*
                    #[param(min_length = 1, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]+$")]
                    pub $field: String,
                )+
            }
        )+
    };
}

path_params! {
    /// An invitation addressed to the token's owner.
    MyInvitationPath {
        /// The invitation's id, as `GET /me/invitations` lists it.
        invitation
    }
    /// A workspace.
    InWorkspace {
        /// The workspace: its id, or its name.
        ws
    }
    /// A role of a workspace.
    RolePath {
        /// The workspace: its id, or its name.
        ws,
        /// A role name, or the id of one of its grants (as `create_role` returned).
        role
    }
    /// An invitation of a workspace.
    InvitationPath {
        /// The workspace: its id, or its name.
        ws,
        /// The invitation's id, or the invited email.
        invitation
    }
    /// A member of a workspace.
    UserPath {
        /// The workspace: its id, or its name.
        ws,
        /// The member's user id, or email.
        user
    }
    /// A group of a workspace.
    GroupPath {
        /// The workspace: its id, or its name.
        ws,
        /// The group's id, or name.
        group
    }
    /// A member of a group.
    GroupMemberPath {
        /// The workspace: its id, or its name.
        ws,
        /// The group's id, or name.
        group,
        /// The member's user id, or email.
        user
    }
    /// A role a group holds.
    GroupRolePath {
        /// The workspace: its id, or its name.
        ws,
        /// The group's id, or name.
        group,
        /// The role's name.
        role
    }
}
