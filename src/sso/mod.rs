//! Signing in through the company's identity provider (OpenID Connect):
//! the flow, the rules that decide whose account an identity is, and what
//! the sign-in page says when it signs no one in.

pub mod api;
#[cfg(feature = "ssr")]
pub mod oidc;

/// Why a sign-in through the company's identity provider signed no one in:
/// the sign-in page is sent its code, and says what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanySignInRefusal {
    /// The provider's answer matched no sign-in started in this browser in
    /// the last ten minutes (or was used already).
    Expired,
    /// The person cancelled at the provider.
    Cancelled,
    /// The provider could not be reached, or would not say who this is.
    Failed,
    /// The provider did not vouch for the email address.
    Unverified,
    NoAccount,
    /// The address has an account whose address was never confirmed here.
    UnconfirmedAccount,
    /// The account is linked to another identity at this provider.
    OtherIdentity,
    /// The invitation being accepted was sent to another address.
    WrongAddress,
    /// The invitation being accepted is no longer open.
    InvitationGone,
    /// The workspace no longer invites the invitation's domain.
    DomainNotAllowed,
}

impl CompanySignInRefusal {
    pub const ALL: [CompanySignInRefusal; 10] = [
        Self::Expired,
        Self::Cancelled,
        Self::Failed,
        Self::Unverified,
        Self::NoAccount,
        Self::UnconfirmedAccount,
        Self::OtherIdentity,
        Self::WrongAddress,
        Self::InvitationGone,
        Self::DomainNotAllowed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Unverified => "unverified",
            Self::NoAccount => "no_account",
            Self::UnconfirmedAccount => "unconfirmed",
            Self::OtherIdentity => "other_identity",
            Self::WrongAddress => "wrong_address",
            Self::InvitationGone => "invitation_gone",
            Self::DomainNotAllowed => "domain_not_allowed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::Expired => {
                "That sign-in could not be finished: it was started in another browser, used already, or took longer than 10 minutes. Start again"
            }
            Self::Cancelled => "Sign-in with your company's account was cancelled",
            Self::Failed => {
                "Your company's sign-in did not confirm who you are. Try again; if it keeps failing, tell whoever runs Boardroom"
            }
            Self::Unverified => {
                "Your company's sign-in did not confirm your email address, so it can't be used here. Sign in with your password"
            }
            Self::NoAccount => {
                "No Boardroom account uses your company address yet. Ask a workspace owner to invite you, or create an account"
            }
            Self::UnconfirmedAccount => {
                "An account with your address was started but its address was never confirmed. Open the link we emailed to it, or reset your password, then use your company's sign-in"
            }
            Self::OtherIdentity => {
                "Your Boardroom account is linked to another identity at your company's sign-in. Sign in with that one, or with your password"
            }
            Self::WrongAddress => {
                "The invitation was sent to another address than the one your company's sign-in gave. Sign in with the invited address instead"
            }
            Self::InvitationGone => "The invitation can no longer be used: it was accepted, withdrawn or has expired",
            Self::DomainNotAllowed => {
                "The workspace now invites only addresses at its allowed domains, and yours is not one of them. Ask the person who invited you"
            }
        }
    }
}
