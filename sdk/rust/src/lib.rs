//! A typed, async client for Boardroom's REST API (`/api/v1`).
//!
//! The seed's calls keep their names:
//!
//! ```no_run
//! # async fn demo() -> Result<(), boardroom_sdk::Error> {
//! use boardroom_sdk::{Client, Workspace};
//! let client = Client::new("http://127.0.0.1:3000", "brd_…")?;
//! let acme = Workspace::name("Acme");
//! let rol1 = client.create_role(&acme, "test_role", "WRITE", "DATA", "USER").await?;
//! client.invite_user(&acme, "jon@gmail.com", &[rol1.name.as_str()]).await?;
//! let pending = client.get_pending_invitations(&acme).await?;
//! client.delete_pending_invitation(&acme, "jon@gmail.com").await?;
//! let users = client.get_all_workspace_users(&acme).await?;
//! client.remove_user_from_workspace(&acme, "jon@gmail.com").await.ok();
//! # Ok(()) }
//! ```

mod types;

pub use types::*;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What went wrong: the API's refusal (with its code), the workspace's uuid
/// and name disagreeing, or the request not getting through.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message} ({status} {code})")]
    Api {
        status: u16,
        code: ErrorCode,
        message: String,
        field: Option<String>,
    },
    #[error("The workspace {uuid} is named {actual:?}, not {given:?}")]
    WorkspaceMismatch {
        uuid: String,
        actual: String,
        given: String,
    },
    #[error("{0}")]
    Config(String),
    #[error("The request could not be completed: {0}")]
    Transport(#[from] reqwest::Error),
}

impl Error {
    /// The API's error code, for refusals.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// The API's error codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    Unauthenticated,
    InvalidToken,
    Forbidden,
    NotFound,
    AlreadyMember,
    Conflict,
    /// The invitation was accepted or withdrawn.
    Gone,
    Invalid,
    InvalidEmail,
    RateLimited,
    Internal,
    Other(String),
}

impl ErrorCode {
    fn parse(code: &str) -> ErrorCode {
        match code {
            "bad_request" => ErrorCode::BadRequest,
            "unauthenticated" => ErrorCode::Unauthenticated,
            "invalid_token" => ErrorCode::InvalidToken,
            "forbidden" => ErrorCode::Forbidden,
            "not_found" => ErrorCode::NotFound,
            "already_member" => ErrorCode::AlreadyMember,
            "conflict" => ErrorCode::Conflict,
            "gone" => ErrorCode::Gone,
            "invalid" => ErrorCode::Invalid,
            "invalid_email" => ErrorCode::InvalidEmail,
            "rate_limited" => ErrorCode::RateLimited,
            "internal" => ErrorCode::Internal,
            other => ErrorCode::Other(other.to_string()),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::AlreadyMember => "already_member",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Gone => "gone",
            ErrorCode::Invalid => "invalid",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Other(s) => s,
        };
        f.write_str(s)
    }
}

/// Which workspace: by uuid, by name, or both (which must then agree), as
/// the seed's `uuid=` and `name=`.
#[derive(Clone, Debug)]
pub enum Workspace {
    Uuid(String),
    Name(String),
    Both { uuid: String, name: String },
}

impl Workspace {
    pub fn uuid(uuid: impl Into<String>) -> Self {
        Workspace::Uuid(uuid.into())
    }
    pub fn name(name: impl Into<String>) -> Self {
        Workspace::Name(name.into())
    }
    pub fn both(uuid: impl Into<String>, name: impl Into<String>) -> Self {
        Workspace::Both {
            uuid: uuid.into(),
            name: name.into(),
        }
    }
}

fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// One Boardroom server and the API token to act with.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(base_url: &str, token: &str) -> Result<Client, Error> {
        if base_url.trim().is_empty() {
            return Err(Error::Config("Give the server's address (BOARDROOM_URL)".into()));
        }
        if token.trim().is_empty() {
            return Err(Error::Config("Give an API token (BOARDROOM_TOKEN)".into()));
        }
        Ok(Client {
            base: format!("{}/api/v1", base_url.trim_end_matches('/')),
            token: token.trim().to_string(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()?,
        })
    }

    /// From `BOARDROOM_URL` and `BOARDROOM_TOKEN`.
    pub fn from_env() -> Result<Client, Error> {
        Client::new(
            &std::env::var("BOARDROOM_URL").unwrap_or_default(),
            &std::env::var("BOARDROOM_TOKEN").unwrap_or_default(),
        )
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, Error> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await?;
        let status = res.status().as_u16();
        let text = res.text().await?;
        if (200..300).contains(&status) {
            let text = if text.is_empty() { "null" } else { text.as_str() };
            return serde_json::from_str(text).map_err(|e| Error::Api {
                status,
                code: ErrorCode::Other("unreadable".into()),
                message: format!("The answer could not be read: {e}"),
                field: None,
            });
        }
        let parsed: Option<ErrorEnvelope> = serde_json::from_str(&text).ok();
        Err(match parsed {
            Some(e) => Error::Api {
                status,
                code: ErrorCode::parse(&e.error.code),
                message: e.error.message,
                field: e.error.field,
            },
            None => Error::Api {
                status,
                code: ErrorCode::Other("http".into()),
                message: text,
                field: None,
            },
        })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.send(Method::GET, path, None::<&()>).await
    }

    async fn all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let query = match &next {
                Some(t) => format!("?limit=200&next_token={}", seg(t)),
                None => "?limit=200".to_string(),
            };
            let page: Page<T> = self.get(&format!("{path}{query}")).await?;
            items.extend(page.items);
            match page.next_token {
                Some(t) => next = Some(t),
                None => return Ok(items),
            }
        }
    }

    /// The path of a workspace, checking that a uuid and a name agree.
    async fn ws(&self, ws: &Workspace) -> Result<String, Error> {
        Ok(match ws {
            Workspace::Uuid(u) => format!("/workspaces/{}", seg(u)),
            Workspace::Name(n) => format!("/workspaces/{}", seg(n)),
            Workspace::Both { uuid, name } => {
                let found: WorkspaceInfo = self.get(&format!("/workspaces/{}", seg(uuid))).await?;
                if !found.name.eq_ignore_ascii_case(name) {
                    return Err(Error::WorkspaceMismatch {
                        uuid: uuid.clone(),
                        actual: found.name,
                        given: name.clone(),
                    });
                }
                format!("/workspaces/{}", seg(uuid))
            }
        })
    }

    // Workspaces

    pub async fn list_workspaces(&self) -> Result<Vec<WorkspaceInfo>, Error> {
        self.all("/workspaces").await
    }

    pub async fn create_workspace(&self, name: &str) -> Result<WorkspaceInfo, Error> {
        self.send(Method::POST, "/workspaces", Some(&serde_json::json!({ "name": name })))
            .await
    }

    pub async fn get_workspace(&self, ws: &Workspace) -> Result<WorkspaceInfo, Error> {
        let path = self.ws(ws).await?;
        self.get(&path).await
    }

    // Roles

    /// The seed's `create_role`: adds a grant (`permission` READ|WRITE on
    /// `resource` DATA|DATA_EXECUTION|USER_MANAGEMENT|BUSINESS_INFO, for
    /// `target` USER|GROUP) to role `role_name`, creating it.
    pub async fn create_role(
        &self,
        ws: &Workspace,
        role_name: &str,
        permission: &str,
        resource: &str,
        target: &str,
    ) -> Result<RoleGrant, Error> {
        let path = format!("{}/roles", self.ws(ws).await?);
        let body = serde_json::json!({
            "role_name": role_name, "permission": permission, "resource": resource, "target": target,
        });
        self.send(Method::POST, &path, Some(&body)).await
    }

    pub async fn get_roles(&self, ws: &Workspace) -> Result<Vec<Role>, Error> {
        let path = format!("{}/roles", self.ws(ws).await?);
        self.all(&path).await
    }

    pub async fn get_role(&self, ws: &Workspace, role: &str) -> Result<Role, Error> {
        let path = format!("{}/roles/{}", self.ws(ws).await?, seg(role));
        self.get(&path).await
    }

    pub async fn delete_role(&self, ws: &Workspace, role: &str) -> Result<(), Error> {
        let path = format!("{}/roles/{}", self.ws(ws).await?, seg(role));
        self.send(Method::DELETE, &path, None::<&()>).await
    }

    // Invitations

    /// The seed's `invite_user`: invites `email`, to be given `roles` on accepting.
    pub async fn invite_user(&self, ws: &Workspace, email: &str, roles: &[&str]) -> Result<InvitationCreated, Error> {
        self.invite_user_with(ws, email, roles, true).await
    }

    /// `invite_user`, choosing whether the email is sent; without it the
    /// answer carries the link to hand over.
    pub async fn invite_user_with(
        &self,
        ws: &Workspace,
        email: &str,
        roles: &[&str],
        send_email: bool,
    ) -> Result<InvitationCreated, Error> {
        let path = format!("{}/invitations", self.ws(ws).await?);
        let body = serde_json::json!({ "email": email, "roles": roles, "send_email": send_email });
        self.send(Method::POST, &path, Some(&body)).await
    }

    pub async fn get_pending_invitations(&self, ws: &Workspace) -> Result<Vec<PendingInvitation>, Error> {
        let path = format!("{}/invitations", self.ws(ws).await?);
        self.all(&path).await
    }

    pub async fn delete_pending_invitation(&self, ws: &Workspace, email: &str) -> Result<(), Error> {
        let path = format!("{}/invitations/{}", self.ws(ws).await?, seg(email));
        self.send(Method::DELETE, &path, None::<&()>).await
    }

    pub async fn resend_invitation(&self, ws: &Workspace, email: &str) -> Result<PendingInvitation, Error> {
        let path = format!("{}/invitations/{}/resend", self.ws(ws).await?, seg(email));
        self.send(Method::POST, &path, None::<&()>).await
    }

    pub async fn set_invitation_roles(
        &self,
        ws: &Workspace,
        email: &str,
        roles: &[&str],
    ) -> Result<PendingInvitation, Error> {
        let path = format!("{}/invitations/{}/roles", self.ws(ws).await?, seg(email));
        self.send(Method::PUT, &path, Some(&serde_json::json!({ "roles": roles })))
            .await
    }

    // Members

    pub async fn get_all_workspace_users(&self, ws: &Workspace) -> Result<Vec<User>, Error> {
        let path = format!("{}/users", self.ws(ws).await?);
        self.all(&path).await
    }

    pub async fn get_user(&self, ws: &Workspace, email: &str) -> Result<User, Error> {
        let path = format!("{}/users/{}", self.ws(ws).await?, seg(email));
        self.get(&path).await
    }

    pub async fn change_user_roles(&self, ws: &Workspace, email: &str, roles: &[&str]) -> Result<User, Error> {
        let path = format!("{}/users/{}/roles", self.ws(ws).await?, seg(email));
        self.send(Method::PUT, &path, Some(&serde_json::json!({ "roles": roles })))
            .await
    }

    pub async fn remove_user_from_workspace(&self, ws: &Workspace, email: &str) -> Result<(), Error> {
        let path = format!("{}/users/{}", self.ws(ws).await?, seg(email));
        self.send(Method::DELETE, &path, None::<&()>).await
    }

    // Groups

    pub async fn list_groups(&self, ws: &Workspace) -> Result<Vec<Group>, Error> {
        let path = format!("{}/groups", self.ws(ws).await?);
        self.all(&path).await
    }

    pub async fn create_group(&self, ws: &Workspace, name: &str) -> Result<Group, Error> {
        let path = format!("{}/groups", self.ws(ws).await?);
        self.send(Method::POST, &path, Some(&serde_json::json!({ "name": name })))
            .await
    }

    pub async fn get_group(&self, ws: &Workspace, group: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}", self.ws(ws).await?, seg(group));
        self.get(&path).await
    }

    pub async fn rename_group(&self, ws: &Workspace, group: &str, name: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}", self.ws(ws).await?, seg(group));
        self.send(Method::PATCH, &path, Some(&serde_json::json!({ "name": name })))
            .await
    }

    pub async fn delete_group(&self, ws: &Workspace, group: &str) -> Result<(), Error> {
        let path = format!("{}/groups/{}", self.ws(ws).await?, seg(group));
        self.send(Method::DELETE, &path, None::<&()>).await
    }

    pub async fn add_group_member(&self, ws: &Workspace, group: &str, email: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}/members/{}", self.ws(ws).await?, seg(group), seg(email));
        self.send(Method::PUT, &path, None::<&()>).await
    }

    pub async fn remove_group_member(&self, ws: &Workspace, group: &str, email: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}/members/{}", self.ws(ws).await?, seg(group), seg(email));
        self.send(Method::DELETE, &path, None::<&()>).await
    }

    pub async fn grant_group_role(&self, ws: &Workspace, group: &str, role: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}/roles/{}", self.ws(ws).await?, seg(group), seg(role));
        self.send(Method::PUT, &path, None::<&()>).await
    }

    pub async fn revoke_group_role(&self, ws: &Workspace, group: &str, role: &str) -> Result<Group, Error> {
        let path = format!("{}/groups/{}/roles/{}", self.ws(ws).await?, seg(group), seg(role));
        self.send(Method::DELETE, &path, None::<&()>).await
    }
}
