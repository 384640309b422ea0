//! Workspaces: what people are invited into. A workspace is addressed by its
//! id or by its name.

#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub is_owner: bool,
}

/// What BUSINESS_INFO covers: the workspace's name and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub owners: Vec<String>,
    pub members: i64,
}

/// Who may be invited into a workspace, and how many seats it has.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Invitations go only to addresses at these domains: `example.com`, or
    /// `*.example.com` for it and its subdomains. Empty: any address.
    pub allowed_domains: Vec<String>,
    /// The most members plus open (unexpired) invitations; null for no limit
    /// of the workspace's own (the host's `MAX_SEATS_PER_WORKSPACE` still holds).
    pub seat_limit: Option<i64>,
}

impl Policy {
    /// Whether `email` (lower case) may be invited.
    pub fn allows(&self, email: &str) -> bool {
        domain_allowed(&self.allowed_domains, email)
    }
}

/// Whether `email`'s domain is one of `allowed` (none listed: any).
pub fn domain_allowed(allowed: &[String], email: &str) -> bool {
    if allowed.is_empty() {
        return true;
    }
    let Some((_, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    allowed.iter().any(|rule| match rule.strip_prefix("*.") {
        Some(parent) => domain == parent || domain.ends_with(&format!(".{parent}")),
        None => domain == *rule,
    })
}

/// The domains as an owner typed them (one per entry, or separated by
/// commas or new lines): lower case, without repeats, each checked.
pub fn parse_domains(typed: &[String]) -> Result<Vec<String>, String> {
    let mut domains: Vec<String> = Vec::new();
    for entry in typed.iter().flat_map(|t| t.split([',', '\n', '\r'])) {
        let entry = entry.trim().trim_start_matches('@').to_ascii_lowercase();
        if entry.is_empty() {
            continue;
        }
        let bare = entry.strip_prefix("*.").unwrap_or(&entry);
        let valid = !bare.contains(char::is_whitespace)
            && bare.contains('.')
            && bare.len() <= 253
            && bare.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !valid {
            return Err(format!(
                "\u{201c}{entry}\u{201d} is not a domain: write it as example.com, or *.example.com to allow its subdomains too"
            ));
        }
        if !domains.contains(&entry) {
            domains.push(entry);
        }
    }
    if domains.len() > MAX_DOMAINS {
        return Err(format!("List at most {MAX_DOMAINS} domains"));
    }
    Ok(domains)
}

/// How many domains a workspace may list.
pub const MAX_DOMAINS: usize = 100;

/// What a person reads when an address is outside the workspace's domains.
pub fn domain_refusal(email: &str, workspace: &str) -> String {
    let domain = email.rsplit_once('@').map_or(email, |(_, d)| d);
    format!("{workspace} only invites addresses at its allowed domains, and {domain} is not one of them")
}

/// What a person reads when the workspace's seats are taken.
pub fn seats_refusal(used: i64, limit: i64) -> String {
    format!("{used} of {limit} seats used: withdraw an invitation or raise the limit")
}

/// What a person reads after renaming a workspace.
pub fn renamed_notice(name: &str) -> String {
    format!("Workspace renamed to {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_match_exactly_or_with_their_subdomains() {
        let allowed = parse_domains(&["Example.com, *.corp.example".into(), "@example.com".into()]).unwrap();
        assert_eq!(allowed, ["example.com", "*.corp.example"]);
        assert!(domain_allowed(&allowed, "ada@example.com"));
        assert!(!domain_allowed(&allowed, "ada@eu.example.com"));
        assert!(!domain_allowed(&allowed, "ada@notexample.com"));
        assert!(domain_allowed(&allowed, "ada@corp.example"));
        assert!(domain_allowed(&allowed, "ada@eu.corp.example"));
        assert!(!domain_allowed(&allowed, "ada@evilcorp.example"));
        assert!(domain_allowed(&[], "anyone@anywhere.test"));
        assert_eq!(
            parse_domains(&["not a domain".into()])
                .unwrap_err()
                .split('\u{201d}')
                .next(),
            Some("\u{201c}not a domain")
        );
        for bad in ["localhost", "exa mple.com", "-a.com", "*.", "a..com", "a_b.com"] {
            assert!(parse_domains(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
