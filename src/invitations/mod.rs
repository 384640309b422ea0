//! Invitations: inviting people by email, renewing, revoking, and accepting
//! through the emailed link.

pub mod api;
#[cfg(feature = "ssr")]
pub mod batch;
pub mod bulk;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod upload;

use crate::domain::Timestamp;
use crate::error::{ErrorCode, in_a_while};
use serde::{Deserialize, Serialize};

/// What became of the invitation's email.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    /// The inviter's name.
    pub invited_by: String,
    /// When it was last sent (or renewed).
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
    /// Outside the domains the workspace now invites: it cannot be
    /// accepted, renewed or handed over, only withdrawn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
    pub delivery: Delivery,
    /// Why the email was given up on (with `Delivery::Failed`): the SMTP
    /// server's last answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_error: Option<String>,
    /// What accepting grants (USER-target role names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// When the invited person declined it (a declined invitation is closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declined_at: Option<Timestamp>,
}

/// An open invitation addressed to the signed-in person, as their own list
/// shows it: who invited them, to what, with which roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct WaitingInvitation {
    pub id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub inviter_name: String,
    pub inviter_email: String,
    /// What accepting grants (role names).
    pub roles: Vec<String>,
    pub sent_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A pending invitation's link, handed to the inviter instead of emailed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLink {
    pub invitation_id: String,
    pub email: String,
    pub url: String,
    /// The link works until then.
    pub expires_at: Timestamp,
}

/// What a person reads in the row when they are handed an invitation's link.
pub fn shared_link_notice(link: &SharedLink) -> String {
    format!("New link for {} below; the emailed link no longer works", link.email)
}

/// What the invite form is filled with again after a post: the addresses
/// that could not be invited (or all of them, when nothing could be done),
/// the roles ticked, and why each address failed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteEcho {
    pub emails: String,
    pub roles: Vec<String>,
    pub failed: Vec<String>,
}

/// What the invited person reads after declining.
/// " as viewer", " as viewer and editor", " as a, b and c"; nothing without roles.
pub fn as_roles_words(roles: &[String]) -> String {
    match roles {
        [] => String::new(),
        [one] => format!(" as {one}"),
        [init @ .., last] => format!(" as {} and {last}", init.join(", ")),
    }
}

pub fn declined_notice(workspace: &str) -> String {
    format!("You declined the invitation to join {workspace}")
}

/// The question asked before declining.
pub fn decline_question(workspace: &str, inviter: &str) -> String {
    format!("Decline the invitation to join {workspace}? The link stops working, and {inviter} sees that you declined.")
}

/// Which pending invitations a list keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingState {
    #[default]
    All,
    /// Not expired, and its email not given up on.
    Waiting,
    Expired,
    /// Its newest email could not be delivered.
    NotDelivered,
    /// Closed: the invited person declined it.
    Declined,
}

impl PendingState {
    pub const ALL: [PendingState; 5] = [
        PendingState::All,
        PendingState::Waiting,
        PendingState::Expired,
        PendingState::NotDelivered,
        PendingState::Declined,
    ];

    /// How a URL or a form names it.
    pub fn as_str(self) -> &'static str {
        match self {
            PendingState::All => "",
            PendingState::Waiting => "waiting",
            PendingState::Expired => "expired",
            PendingState::NotDelivered => "undelivered",
            PendingState::Declined => "declined",
        }
    }

    pub fn parse(raw: &str) -> Self {
        PendingState::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .unwrap_or_default()
    }

    /// What a person reads in the filter.
    pub fn label(self) -> &'static str {
        match self {
            PendingState::All => "All",
            PendingState::Waiting => "Waiting",
            PendingState::Expired => "Expired",
            PendingState::NotDelivered => "Not delivered",
            PendingState::Declined => "Declined",
        }
    }
}

/// Which pending invitations a list keeps: those whose address holds
/// `query` (any case), in `state`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationFilter {
    pub query: String,
    pub state: PendingState,
}

/// Why one address could not be invited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteFailure {
    /// Not an email address; the reason says what is wrong with it.
    InvalidEmail(String),
    AlreadyMember {
        workspace: String,
    },
    /// Someone else invited it at the same moment.
    InvitedMeanwhile,
    /// It was sent its invitation moments ago.
    TooSoon {
        retry_after: u64,
    },
    /// Outside the domains the workspace invites.
    DomainNotAllowed {
        workspace: String,
    },
    /// Every seat is taken (members plus open invitations).
    NoSeats {
        used: i64,
        limit: i64,
    },
    /// The hourly limit of the workspace (or, with `per_person`, of the inviter).
    OverLimit {
        limit: u32,
        per_person: bool,
        workspace: String,
        retry_after: u64,
    },
}

impl InviteFailure {
    /// What a person reads about `email`.
    pub fn sentence(&self, email: &str) -> String {
        match self {
            InviteFailure::InvalidEmail(reason) => reason.clone(),
            InviteFailure::AlreadyMember { workspace } => format!("{email} is already a member of {workspace}"),
            InviteFailure::InvitedMeanwhile => format!("{email} was invited by someone else a moment ago"),
            InviteFailure::DomainNotAllowed { workspace } => crate::workspaces::domain_refusal(email, workspace),
            InviteFailure::NoSeats { used, limit } => {
                format!(
                    "{email} was not invited: {}",
                    crate::workspaces::seats_refusal(*used, *limit)
                )
            }
            InviteFailure::TooSoon { retry_after } => format!(
                "An invitation was sent to {email} moments ago. You can send it again in {}",
                in_a_while(*retry_after)
            ),
            InviteFailure::OverLimit {
                limit,
                per_person,
                workspace,
                retry_after,
            } => {
                let (who, whose) = if *per_person {
                    ("You have".to_string(), "one person")
                } else {
                    (format!("{workspace} has"), "a workspace")
                };
                format!(
                    "{who} sent {limit} invitations in the last hour, the most {whose} may. Try again in {}",
                    in_a_while(*retry_after)
                )
            }
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            InviteFailure::InvalidEmail(_) => ErrorCode::InvalidEmail,
            InviteFailure::AlreadyMember { .. } => ErrorCode::AlreadyMember,
            InviteFailure::InvitedMeanwhile => ErrorCode::Conflict,
            InviteFailure::DomainNotAllowed { .. } => ErrorCode::DomainNotAllowed,
            InviteFailure::NoSeats { .. } => ErrorCode::SeatLimitReached,
            InviteFailure::TooSoon { .. } | InviteFailure::OverLimit { .. } => ErrorCode::RateLimited,
        }
    }

    /// For the limits: seconds until it may be sent.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            InviteFailure::TooSoon { retry_after } | InviteFailure::OverLimit { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }
}

/// An address that could not be invited, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedAddress {
    pub email: String,
    pub failure: InviteFailure,
    /// The whole sentence, naming the address.
    #[serde(default)]
    pub reason: String,
}

impl FailedAddress {
    pub fn new(email: String, failure: InviteFailure) -> Self {
        let reason = failure.sentence(&email);
        FailedAddress { email, failure, reason }
    }
}

/// An address typed into the invite form that the workspace knows already.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownAddress {
    /// As typed.
    pub typed: String,
    /// A member's address (sending is refused); otherwise one with a pending
    /// invitation (renewed and sent again).
    pub member: bool,
}

/// How many addresses the invite form asks about at once.
pub const KNOWN_AT_ONCE: usize = 50;

/// What one press of Send did, address by address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    /// New invitations.
    pub sent: Vec<String>,
    /// Addresses that already had a pending invitation: renewed and sent again.
    pub resent: Vec<String>,
    /// Addresses that could not be invited, each with the reason.
    pub failed: Vec<FailedAddress>,
    /// The invitations as they were written, new and renewed.
    #[serde(default)]
    pub written: Vec<PendingInvitation>,
}

/// What a person reads after an invitation is withdrawn.
pub fn deleted_notice(email: &str) -> String {
    format!("Invitation to {email} deleted")
}

/// What a person reads after a withdrawn invitation is restored.
pub fn restored_notice(email: &str) -> String {
    format!("Invitation to {email} restored")
}

/// What a person reads after an invitation is sent again.
pub fn resent_notice(email: &str) -> String {
    format!("Invitation to {email} sent again")
}

/// What a person reads after an invitation's roles change.
pub fn roles_saved_notice(email: &str) -> String {
    format!("Roles for {email}'s invitation saved")
}

/// The one message for every invitation link that cannot be used: unknown,
/// expired, withdrawn or used. Nothing in it tells which.
pub const INVALID_LINK: &str = "This invitation link can't be used. It may have expired, been withdrawn or already \
     been used, or it was not copied whole. Ask the person who invited you to send a new one";

impl InviteReport {
    /// The confirmation a person reads, e.g. "Invitation sent to jane@x.com".
    pub fn summary(&self) -> String {
        sent_summary(&self.sent, &self.resent)
    }

    /// The confirmation, when anything was sent.
    pub fn notice(&self) -> Option<String> {
        sent_notice(&self.sent, &self.resent)
    }

    /// What the form is to be filled with again: the addresses that could not
    /// be invited, as one line to correct, and why each failed.
    pub fn to_correct(&self) -> (String, Vec<String>) {
        to_correct(self.failed.iter().map(|f| (f.email.as_str(), f.reason.as_str())))
    }
}

/// The confirmation a person reads of addresses `sent` an invitation and
/// `resent` theirs, e.g. "Invitation sent to jane@x.com".
pub fn sent_summary(sent: &[String], resent: &[String]) -> String {
    let mut parts = Vec::new();
    match sent {
        [] => {}
        [one] => parts.push(format!("Invitation sent to {one}")),
        many => parts.push(format!("{} invitations sent", many.len())),
    }
    match resent {
        [] => {}
        [one] => parts.push(format!(
            "{one} already had a pending invitation, so it was renewed and sent again"
        )),
        many => parts.push(format!("{} pending invitations renewed and sent again", many.len())),
    }
    parts.join(". ")
}

/// The confirmation, when anything was sent.
pub fn sent_notice(sent: &[String], resent: &[String]) -> Option<String> {
    (!sent.is_empty() || !resent.is_empty()).then(|| sent_summary(sent, resent))
}

/// The addresses that could not be invited (each with its reason) as one
/// line to correct, and the reasons.
pub fn to_correct<'a>(failed: impl Iterator<Item = (&'a str, &'a str)>) -> (String, Vec<String>) {
    let (emails, reasons): (Vec<&str>, Vec<String>) = failed.map(|(email, why)| (email, why.to_string())).unzip();
    (emails.join(", "), reasons)
}

/// The account, if any, that has an invited address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitedAccount {
    None,
    /// Its address was proven: the person signs in (or resets) to join.
    Proven,
    /// Started but never proven: whoever holds the link (and so the mailbox)
    /// may take it over.
    Unproven,
}

/// Why a link handed over cannot take over an account never confirmed.
pub const HANDED_OVER_CANNOT_CLAIM: &str = "An account with this address was started but never confirmed, and a link handed over rather than emailed can't confirm it. Ask for the invitation to be sent by email, then open the link in that email";

/// What the accept page shows about an invitation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub workspace_id: String,
    pub workspace_name: String,
    pub inviter_name: String,
    pub inviter_email: String,
    pub email: String,
    /// The name the inviter gave for them (from a spreadsheet), to start the
    /// sign-up form with; empty when none was given.
    pub suggested_name: String,
    pub expires_at: Timestamp,
    /// Whether an account with the invited email exists, and whether its
    /// address is proven.
    pub account: InvitedAccount,
    /// Whether this link was emailed to the address (and so proves its
    /// holder reads it), rather than handed to the inviter.
    pub link_proves_address: bool,
    /// Who is signed in in this browser, if anyone.
    pub signed_in_as: Option<String>,
    /// The signed-in person already belongs to the workspace.
    pub already_member: bool,
    /// The roles accepting gives, each with what it allows.
    pub roles: Vec<crate::roles::RoleChoice>,
    /// What every member of the workspace gets (the roles of the group
    /// everyone), each with what it allows.
    pub everyone_gets: Vec<crate::roles::RoleChoice>,
}

/// The question asked before withdrawing an invitation.
pub fn delete_question(email: &str) -> String {
    format!("Delete the invitation to {email}? The link in their email stops working.")
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
