//! What the API answers with.

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub error: ApiErrorBody,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ApiErrorBody {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub is_owner: bool,
}

/// Who may be invited into a workspace, and how many seats it has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// `example.com`, or `*.example.com` for it and its subdomains; empty for any address.
    pub allowed_domains: Vec<String>,
    /// Members plus open invitations at most; `None` for no limit.
    pub seat_limit: Option<i64>,
}

/// One thing done in a workspace, from its audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: String,
    /// When, in milliseconds since the Unix epoch.
    pub at: i64,
    /// What was done, e.g. `invitation.create`, `member.roles`, `token.revoke`.
    pub kind: String,
    /// Who did it (their address then); `None` when nobody did.
    pub actor: Option<String>,
    /// The API token they did it with; `None` in a browser.
    pub token: Option<String>,
    /// The address the request came from.
    pub ip: Option<String>,
    /// To whom or what: an address, or a group's, board's or workspace's name.
    pub target: String,
    /// What changed, before and after.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Which audit events to read; `Default` is all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub kind: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    /// A day (`2026-12-01`, UTC) or a moment (`2026-12-01T09:30:00Z`).
    pub from: Option<String>,
    /// The last day (all of it), or the moment to stop before.
    pub to: Option<String>,
}

impl AuditFilter {
    pub(crate) fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("kind", &self.kind),
            ("actor", &self.actor),
            ("target", &self.target),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// The formats an audit export comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

/// One person in a batch of invitations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInvitee {
    pub email: String,
    /// Suggested to them when they sign up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub roles: Vec<String>,
    /// Groups (names) they join when they accept.
    pub groups: Vec<String>,
}

/// What became (or, in a dry run, would become) of one person in a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    pub email: String,
    /// `ready`, `will_resend`, `sent`, `resent`, or why not: `invalid_email`,
    /// `unknown_role`, `unknown_group`, `not_allowed`, `duplicate`,
    /// `already_member`, `domain_not_allowed`, `seat_limit_reached`,
    /// `too_soon`, `rate_limited`.
    pub status: String,
    pub code: Option<String>,
    pub message: Option<String>,
}

impl BatchResult {
    /// Whether the invitation went (or, in a dry run, would go).
    pub fn goes(&self) -> bool {
        matches!(self.status.as_str(), "ready" | "will_resend" | "sent" | "resent")
    }
}

/// One page of audit events, newest first.
#[derive(Clone, Debug, Deserialize)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Pass to the next call for the page after; `None` on the last.
    pub next_token: Option<String>,
}

/// One grant of a role, as `create_role` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub id: String,
    pub name: String,
    pub permission: String,
    pub resource: String,
    pub target: String,
}

/// A role and every grant it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub grants: Vec<RoleGrant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    pub invited_by: String,
    pub sent_at: String,
    pub sent_at_iso: String,
    pub expires_at: String,
    pub expires_at_iso: String,
    pub expired: bool,
    /// `Queued`, `Sent`, `Failed` or `NotRequested`.
    pub delivery: String,
    pub roles: Vec<String>,
}

/// The person a token acts for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub name: String,
    /// Whether the address is proven (a link emailed to it was opened).
    pub email_verified: bool,
}

/// An invitation addressed to the token's owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForMe {
    pub id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub invited_by: String,
    pub invited_by_email: String,
    pub roles: Vec<String>,
    pub sent_at: String,
    pub sent_at_iso: String,
    pub expires_at: String,
    pub expires_at_iso: String,
}

/// The workspace an accepted invitation joined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    pub workspace_id: String,
}

/// A pending invitation's link, to hand over yourself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLink {
    pub invitation: PendingInvitation,
    pub accept_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    /// `sent`, or `renewed` when one was pending already.
    pub status: String,
    pub invitation: PendingInvitation,
    /// With `send_email` off: the link to hand over.
    pub accept_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub is_owner: bool,
    pub joined_at: String,
    pub joined_at_iso: String,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub builtin: bool,
    pub members: Vec<GroupMember>,
    pub roles: Vec<String>,
}
