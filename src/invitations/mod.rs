//! Invitations: inviting people by email, renewing, revoking, and accepting
//! through the emailed link.

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// What became of the invitation's email.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    /// Waiting for the delivery worker (or being retried).
    Queued,
    Sent,
    /// Every attempt failed; the link can still be shared by hand.
    Failed,
    /// The invitation was created without an email.
    NotRequested,
}

/// A row of the pending list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    pub delivery: Delivery,
    /// What accepting grants (USER-target role names).
    pub roles: Vec<String>,
}

/// An address that could not be invited, and why (a whole sentence naming it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedAddress {
    pub email: String,
    pub reason: String,
    /// For code: `invalid_email`, `already_member`, `conflict` or `rate_limited`.
    pub code: String,
    /// With `rate_limited`: seconds until it can be sent again.
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// What one press of Send did, address by address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    /// New invitations.
    pub sent: Vec<String>,
    /// Addresses that already had a pending invitation: renewed and sent again.
    pub resent: Vec<String>,
    /// Addresses that could not be invited, each with the reason.
    pub failed: Vec<FailedAddress>,
}

impl InviteReport {
    /// The confirmation a person reads, e.g. "Invitation sent to jane@x.com".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match self.sent.as_slice() {
            [] => {}
            [one] => parts.push(format!("Invitation sent to {one}")),
            many => parts.push(format!("{} invitations sent", many.len())),
        }
        match self.resent.as_slice() {
            [] => {}
            [one] => parts.push(format!(
                "{one} already had a pending invitation, so it was renewed and sent again"
            )),
            many => parts.push(format!("{} pending invitations renewed and sent again", many.len())),
        }
        parts.join(". ")
    }
}

/// What the accept page shows about an invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace_id: String,
    pub workspace_name: String,
    pub inviter_name: String,
    pub inviter_email: String,
    pub email: String,
    pub expires_at: String,
    /// An account with the invited email exists.
    pub account_exists: bool,
    /// Who is signed in in this browser, if anyone.
    pub signed_in_as: Option<String>,
    /// The signed-in person already belongs to the workspace.
    pub already_member: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_read_like_sentences() {
        let one = InviteReport {
            sent: vec!["jane@x.com".into()],
            ..Default::default()
        };
        assert_eq!(one.summary(), "Invitation sent to jane@x.com");
        let many = InviteReport {
            sent: vec!["a@x.com".into(), "b@x.com".into(), "c@x.com".into()],
            ..Default::default()
        };
        assert_eq!(many.summary(), "3 invitations sent");
        let renewed = InviteReport {
            resent: vec!["a@x.com".into()],
            ..Default::default()
        };
        assert!(
            renewed
                .summary()
                .starts_with("a@x.com already had a pending invitation")
        );
    }
}
