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
//!
//! When the server answers `429 Too Many Requests` (an invitation limit, say),
//! the client waits as its `Retry-After` says and tries again; [`Retry`] sets
//! how many times and how long it will wait.

mod types;

pub use types::*;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

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
        /// For `429`: how long the server asked to wait before trying again.
        retry_after: Option<Duration>,
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
    #[error("The answer could not be written: {0}")]
    Write(#[from] std::io::Error),
}

impl Error {
    /// The API's error code, for refusals.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// For a refusal to go faster: how long the server asked to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// How a client meets `429 Too Many Requests`: it waits as the answer's
/// `Retry-After` says, then sends the same request again (the server did
/// nothing with the refused one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// How many times one call is tried again.
    pub times: u32,
    /// The longest single wait accepted; an answer asking for longer is
    /// returned as the error at once.
    pub longest_wait: Duration,
}

impl Default for Retry {
    /// Five times, waiting up to two minutes each.
    fn default() -> Self {
        Retry {
            times: 5,
            longest_wait: Duration::from_secs(120),
        }
    }
}

impl Retry {
    /// Never: a `429` comes back as [`Error::Api`] with its `retry_after`.
    pub const NEVER: Retry = Retry {
        times: 0,
        longest_wait: Duration::ZERO,
    };
    /// For long jobs (a bulk import): as often and as long as the server asks.
    pub const PATIENTLY: Retry = Retry {
        times: u32::MAX,
        longest_wait: Duration::from_secs(24 * 3600),
    };
}

/// A wait about to begin, for showing it (a progress bar, a log line).
#[derive(Clone, Debug)]
pub struct Wait {
    /// How long.
    pub duration: Duration,
    /// Which retry this wait comes before (1 for the first).
    pub retry: u32,
    /// What the server said.
    pub message: String,
}

type OnWait = Arc<dyn Fn(&Wait) + Send + Sync>;

/// `Retry-After` in seconds (the form the server sends), or as an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
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
    /// The address is outside the domains the workspace invites.
    DomainNotAllowed,
    /// Every seat of the workspace is taken.
    SeatLimitReached,
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
            "domain_not_allowed" => ErrorCode::DomainNotAllowed,
            "seat_limit_reached" => ErrorCode::SeatLimitReached,
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
            ErrorCode::DomainNotAllowed => "domain_not_allowed",
            ErrorCode::SeatLimitReached => "seat_limit_reached",
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

/// What a failed call answered, as an error.
fn refusal(status: u16, wait: Option<Duration>, text: String) -> Error {
    let parsed: Option<ErrorEnvelope> = serde_json::from_str(&text).ok();
    match parsed {
        Some(e) => Error::Api {
            status,
            code: ErrorCode::parse(&e.error.code),
            message: e.error.message,
            field: e.error.field,
            retry_after: wait,
        },
        None => Error::Api {
            status,
            code: ErrorCode::Other("http".into()),
            message: text,
            field: None,
            retry_after: wait,
        },
    }
}

/// One change in a workspace: its kind (`invitation.created`, `email.sent`,
/// `member.removed`, …) and the id of the invitation or member it is about.
/// `resync` says changes may have been missed (read the lists again);
/// `ended` that the token's owner may no longer watch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: String,
    #[serde(default)]
    pub id: String,
}

/// An open stream of a workspace's changes (`Client::watch`).
pub struct Changes {
    res: reqwest::Response,
    buf: String,
}

impl Changes {
    /// The next change, or `None` once the stream has ended (the server
    /// stopped, or the token's owner may no longer watch).
    pub async fn next(&mut self) -> Result<Option<Change>, Error> {
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut data) = ("", None);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = Some(v.trim());
                    }
                }
                // `ready` says the stream is open; comments keep it alive.
                if event.is_empty() || event == "ready" {
                    continue;
                }
                let change = data
                    .and_then(|d| serde_json::from_str::<Change>(d).ok())
                    .unwrap_or_else(|| Change {
                        kind: event.to_string(),
                        id: String::new(),
                    });
                return Ok(Some(change));
            }
            match self.res.chunk().await? {
                Some(bytes) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                None => return Ok(None),
            }
        }
    }
}

/// One Boardroom server and the API token to act with.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
    retry: Retry,
    on_wait: Option<OnWait>,
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
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
            retry: Retry::default(),
            on_wait: None,
        })
    }

    /// How this client meets `429 Too Many Requests` (by default [`Retry::default`]).
    pub fn with_retry(mut self, retry: Retry) -> Client {
        self.retry = retry;
        self
    }

    /// Calls `show` before each wait for a `429`, with how long it will be.
    pub fn on_wait(mut self, show: impl Fn(&Wait) + Send + Sync + 'static) -> Client {
        self.on_wait = Some(Arc::new(show));
        self
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
        let mut retry = 0;
        loop {
            match self.send_once(method.clone(), path, body).await {
                Err(Error::Api {
                    status: 429,
                    retry_after: Some(wait),
                    message,
                    ..
                }) if retry < self.retry.times && wait <= self.retry.longest_wait => {
                    retry += 1;
                    if let Some(show) = &self.on_wait {
                        show(&Wait {
                            duration: wait,
                            retry,
                            message,
                        });
                    }
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn send_once<T: DeserializeOwned>(
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
        let wait = retry_after(res.headers());
        let text = res.text().await?;
        if (200..300).contains(&status) {
            let text = if text.is_empty() { "null" } else { text.as_str() };
            return serde_json::from_str(text).map_err(|e| Error::Api {
                status,
                code: ErrorCode::Other("unreadable".into()),
                message: format!("The answer could not be read: {e}"),
                field: None,
                retry_after: None,
            });
        }
        Err(refusal(status, wait, text))
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

    /// The workspace's changes as they happen (`watch`): an open stream that
    /// reports each change's kind and the id of what it is about.
    pub async fn watch(&self, ws: &Workspace) -> Result<Changes, Error> {
        let path = format!("{}/events", self.ws(ws).await?);
        // No overall time limit: the stream stays open.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .build()?;
        let res = http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = res.status().as_u16();
        if status != 200 {
            let wait = retry_after(res.headers());
            return Err(refusal(status, wait, res.text().await?));
        }
        Ok(Changes {
            res,
            buf: String::new(),
        })
    }

    // The token's owner

    /// Who the token acts for.
    pub async fn me(&self) -> Result<Me, Error> {
        self.get("/me").await
    }

    /// The pending invitations addressed to the token's owner, newest first
    /// (refused with 403 until their address is proven).
    pub async fn my_invitations(&self) -> Result<Vec<InvitationForMe>, Error> {
        self.all("/me/invitations").await
    }

    /// Accepts an invitation addressed to the token's owner, by its id.
    pub async fn accept_my_invitation(&self, invitation_id: &str) -> Result<Joined, Error> {
        let path = format!("/me/invitations/{}/accept", seg(invitation_id));
        self.send(Method::POST, &path, None::<&()>).await
    }

    /// Declines an invitation addressed to the token's owner, by its id.
    pub async fn decline_my_invitation(&self, invitation_id: &str) -> Result<(), Error> {
        let path = format!("/me/invitations/{}/decline", seg(invitation_id));
        self.send(Method::POST, &path, None::<&()>).await
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

    /// Who may be invited into the workspace, and how many seats it has.
    pub async fn get_policy(&self, ws: &Workspace) -> Result<Policy, Error> {
        let path = format!("{}/policy", self.ws(ws).await?);
        self.get(&path).await
    }

    /// Sets the allowed domains and the seat limit (owners): the whole
    /// policy, as [`Client::get_policy`] answers it.
    pub async fn set_policy(&self, ws: &Workspace, policy: &Policy) -> Result<Policy, Error> {
        let path = format!("{}/policy", self.ws(ws).await?);
        self.send(Method::PATCH, &path, Some(policy)).await
    }

    /// Invites many people, each with their own name, roles and groups,
    /// in requests of up to 100; with `dry_run`, only says what would become
    /// of each. The answer is one result per person, in order.
    pub async fn invite_batch(
        &self,
        ws: &Workspace,
        invitees: &[BatchInvitee],
        dry_run: bool,
    ) -> Result<Vec<BatchResult>, Error> {
        #[derive(Deserialize)]
        struct Answer {
            results: Vec<BatchResult>,
        }
        let path = format!("{}/invitations/batch", self.ws(ws).await?);
        let mut results = Vec::with_capacity(invitees.len());
        for chunk in invitees.chunks(100) {
            let body = serde_json::json!({ "invitations": chunk, "dry_run": dry_run });
            let answer: Answer = self.send(Method::POST, &path, Some(&body)).await?;
            results.extend(answer.results);
        }
        Ok(results)
    }

    // Activity

    /// One page (up to `limit`, at most 200) of the workspace's audit trail,
    /// newest first: pass the page's `next_token` back for the next.
    pub async fn audit_events_page(
        &self,
        ws: &Workspace,
        filter: &AuditFilter,
        limit: usize,
        next_token: Option<&str>,
    ) -> Result<AuditPage, Error> {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(filter.pairs());
        query.append_pair("limit", &limit.to_string());
        if let Some(token) = next_token {
            query.append_pair("next_token", token);
        }
        let path = format!("{}/audit-events?{}", self.ws(ws).await?, query.finish());
        self.get(&path).await
    }

    /// Every audit event `filter` selects, newest first (all pages).
    pub async fn audit_events(&self, ws: &Workspace, filter: &AuditFilter) -> Result<Vec<AuditEvent>, Error> {
        let mut events = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self.audit_events_page(ws, filter, 200, next.as_deref()).await?;
            events.extend(page.items);
            match page.next_token {
                Some(t) => next = Some(t),
                None => return Ok(events),
            }
        }
    }

    /// Writes every audit event `filter` selects to `out`, as CSV or JSON
    /// Lines, as the server streams it. Returns the bytes written.
    pub async fn export_audit_events(
        &self,
        ws: &Workspace,
        filter: &AuditFilter,
        format: ExportFormat,
        out: &mut impl std::io::Write,
    ) -> Result<u64, Error> {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(filter.pairs());
        query.append_pair(
            "format",
            match format {
                ExportFormat::Csv => "csv",
                ExportFormat::JsonLines => "jsonl",
            },
        );
        let path = format!("{}/audit-events/export?{}", self.ws(ws).await?, query.finish());
        let mut res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = res.status().as_u16();
        if !(200..300).contains(&status) {
            let wait = retry_after(res.headers());
            return Err(refusal(status, wait, res.text().await?));
        }
        let mut written = 0u64;
        while let Some(chunk) = res.chunk().await? {
            out.write_all(&chunk)?;
            written += chunk.len() as u64;
        }
        Ok(written)
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

    /// A new link for the pending invitation to `email`, to hand over yourself:
    /// the emailed link stops working and no email goes.
    pub async fn invitation_link(&self, ws: &Workspace, email: &str) -> Result<InvitationLink, Error> {
        let path = format!("{}/invitations/{}/link", self.ws(ws).await?, seg(email));
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
