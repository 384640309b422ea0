//! The audit trail: what was done in a workspace, by whom (a person, through
//! a browser or an API token), from which address, to whom, and what
//! changed. Written inside the change it describes; read on the Activity
//! page, through `GET /api/v1/workspaces/{ws}/audit-events` and as an export.

#[cfg(feature = "ssr")]
pub mod service;

#[cfg(feature = "ssr")]
pub use service::{Change, commit, commit_change, listed, recent_times, record};

use crate::domain::{EmailAddress, Timestamp};
use serde::{Deserialize, Serialize};

/// Every kind of event the trail holds: its name (as stored, filtered on and
/// exported) and how the Activity page words it.
pub const KINDS: &[(&str, &str)] = &[
    ("invitation.create", "Invited"),
    ("invitation.resend", "Invitation resent"),
    ("invitation.link", "Invitation link copied"),
    ("invitation.roles", "Invitation's roles changed"),
    ("invitation.revoke", "Invitation withdrawn"),
    ("invitation.restore", "Invitation restored"),
    ("invitation.decline", "Invitation declined"),
    ("invitation.accept", "Invitation accepted"),
    ("member.roles", "Roles changed"),
    ("member.remove", "Removed"),
    ("member.leave", "Left"),
    ("owner.grant", "Made an owner"),
    ("owner.revoke", "No longer an owner"),
    ("token.create", "API token created"),
    ("token.revoke", "API token revoked"),
    ("policy.change", "Invitation policy changed"),
    ("workspace.create", "Workspace created"),
    ("workspace.rename", "Workspace renamed"),
    ("group.create", "Group created"),
    ("group.rename", "Group renamed"),
    ("group.delete", "Group deleted"),
    ("group.member.add", "Added to a group"),
    ("group.member.remove", "Taken out of a group"),
    ("group.role.grant", "Role given to a group"),
    ("group.role.revoke", "Role taken from a group"),
    ("board.create", "Board created"),
    ("board.update", "Board changed"),
    ("board.delete", "Board deleted"),
    ("board.run", "Board run"),
];

/// How the Activity page words a kind (the name itself for one it does not know).
pub fn kind_label(kind: &str) -> &str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or(kind, |(_, label)| label)
}

/// One thing done in a workspace.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: String,
    /// When, in milliseconds since the Unix epoch.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub at: Timestamp,
    /// What was done: one of the kinds listed in the API's documentation,
    /// e.g. `invitation.create`.
    pub kind: String,
    /// Who did it (their address then); absent when nobody did (an expiry)
    /// or for a trail written before actors were recorded.
    pub actor: Option<String>,
    /// The API token they did it with; absent when done in a browser.
    pub token: Option<String>,
    /// The address the request came from.
    pub ip: Option<String>,
    /// To whom or what: an address, or a group, board or workspace's name.
    pub target: String,
    /// What changed, as it was before and after (roles, names, the policy).
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEvent {
    /// `before → after`, or nothing when the event changed no value.
    pub fn change(&self) -> Option<String> {
        match (&self.before, &self.after) {
            (None, None) => None,
            (b, a) => Some(format!(
                "{} \u{2192} {}",
                b.as_deref().unwrap_or("\u{2014}"),
                a.as_deref().unwrap_or("\u{2014}")
            )),
        }
    }
}

/// Which events to read: every field empty is every event. The page's URL,
/// the export's and the API's query all spell it the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// One of `KINDS`.
    pub kind: String,
    /// The address of who acted.
    pub actor: String,
    /// The address or name acted on.
    pub target: String,
    /// The first day (`2026-12-01`, UTC) or moment (`2026-12-01T09:30:00Z`).
    pub from: String,
    /// The last day (the whole of it), or the moment to stop before.
    pub to: String,
}

/// A filter's problem: the field, and what is wrong with it.
pub type FilterError = (&'static str, String);

/// A filter as the database reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub kind: Option<String>,
    pub actor: Option<String>,
    pub target: Option<String>,
    /// At or after, in milliseconds.
    pub since: Option<i64>,
    /// Before, in milliseconds.
    pub until: Option<i64>,
}

impl AuditFilter {
    /// The filter a query string names; other parameters are ignored.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).unwrap_or_default();
        AuditFilter {
            kind: get("kind"),
            actor: get("actor"),
            target: get("target"),
            from: get("from"),
            to: get("to"),
        }
    }

    /// Each field by its name in a query string.
    pub fn fields(&self) -> [(&'static str, &str); 5] {
        [
            ("kind", &self.kind),
            ("actor", &self.actor),
            ("target", &self.target),
            ("from", &self.from),
            ("to", &self.to),
        ]
    }

    /// The query string for this filter (with `?`), plus `extra` pairs.
    pub fn to_query(&self, extra: &[(&str, &str)]) -> String {
        let pairs: Vec<String> = self
            .fields()
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::domain::url_encode(v)))
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields().iter().all(|(_, v)| v.trim().is_empty())
    }

    /// What the database is asked for, or the first field that is wrong.
    pub fn selection(&self) -> Result<Selection, FilterError> {
        let kind = some(&self.kind)
            .map(|k| {
                let k = k.to_ascii_lowercase();
                if KINDS.iter().any(|(known, _)| *known == k) {
                    Ok(k)
                } else {
                    Err((
                        "kind",
                        format!("There is no kind of event called \u{201c}{}\u{201d}", self.kind.trim()),
                    ))
                }
            })
            .transpose()?;
        // Addresses are kept in lower case; names are kept as written.
        let person = |raw: &str| match EmailAddress::parse(raw) {
            Ok(email) => email.as_str().to_string(),
            Err(_) => raw.trim().to_string(),
        };
        let since = some(&self.from)
            .map(|raw| moment(raw, false).ok_or(("from", bad_date(raw))))
            .transpose()?;
        let until = some(&self.to)
            .map(|raw| moment(raw, true).ok_or(("to", bad_date(raw))))
            .transpose()?;
        if let (Some(s), Some(u)) = (since, until)
            && u <= s
        {
            return Err(("to", "The end of the dates comes before their start".into()));
        }
        Ok(Selection {
            kind,
            actor: some(&self.actor).map(person),
            target: some(&self.target).map(person),
            since,
            until,
        })
    }
}

fn some(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|s| !s.is_empty())
}

fn bad_date(raw: &str) -> String {
    format!(
        "\u{201c}{}\u{201d} is not a date: write it as 2026-12-31, or a moment as 2026-12-31T09:30:00Z",
        raw.trim()
    )
}

/// Milliseconds at a date's start (or, for `end`, the next day's start), or
/// at a moment given in UTC (`…Z`).
fn moment(raw: &str, end: bool) -> Option<i64> {
    let raw = raw.trim();
    let (date, time) = match raw.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (raw, None),
    };
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let month: u32 = parts.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
    let day: u32 = parts.next()?.parse().ok()?;
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let start = Timestamp::from_civil(year, month, day);
    let Some(time) = time else {
        return Some(if end { start + 86_400_000 } else { start });
    };
    let time = time.strip_suffix(['Z', 'z'])?;
    let mut hms = time.split(':');
    let h: i64 = hms.next()?.parse().ok().filter(|h| (0..24).contains(h))?;
    let m: i64 = hms.next()?.parse().ok().filter(|m| (0..60).contains(m))?;
    let s: i64 = match hms.next() {
        Some(s) => s.parse().ok().filter(|s| (0..60).contains(s))?,
        None => 0,
    };
    if hms.next().is_some() {
        return None;
    }
    Some(start + ((h * 60 + m) * 60 + s) * 1000)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The formats an export comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" => Some(ExportFormat::JsonLines),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::JsonLines => "jsonl",
        }
    }
}

/// The link that downloads what `filter` selects as `format`.
pub fn export_href(workspace_id: &str, filter: &AuditFilter, format: ExportFormat) -> String {
    format!(
        "/w/{workspace_id}/activity/export{}",
        filter.to_query(&[("format", format.extension())])
    )
}

/// The export's columns, in order.
pub const CSV_HEADER: &str = "id,at,kind,actor,token,ip,target,before,after\r\n";

impl AuditEvent {
    /// The event as one CSV record (RFC 4180, CRLF). A field a spreadsheet
    /// would take for a formula (`=`, `+`, `-`, `@` first) is kept as text
    /// with a leading `'` (OWASP's advice).
    pub fn csv_record(&self) -> String {
        let fields = [
            self.id.as_str(),
            &self.at.iso(),
            &self.kind,
            self.actor.as_deref().unwrap_or_default(),
            self.token.as_deref().unwrap_or_default(),
            self.ip.as_deref().unwrap_or_default(),
            &self.target,
            self.before.as_deref().unwrap_or_default(),
            self.after.as_deref().unwrap_or_default(),
        ];
        let mut line = fields.map(csv_field).join(",");
        line.push_str("\r\n");
        line
    }
}

fn csv_field(raw: &str) -> String {
    let text = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_dates_kinds_and_people() {
        let f = AuditFilter {
            kind: " Invitation.Create ".into(),
            actor: "Ann@Example.COM".into(),
            target: "Design team".into(),
            from: "2026-12-01".into(),
            to: "2026-12-01".into(),
        };
        let s = f.selection().unwrap();
        assert_eq!(s.kind.as_deref(), Some("invitation.create"));
        assert_eq!(s.actor.as_deref(), Some("ann@example.com"));
        assert_eq!(s.target.as_deref(), Some("Design team"));
        assert_eq!(Timestamp(s.since.unwrap()).iso(), "2026-12-01T00:00:00Z");
        assert_eq!(Timestamp(s.until.unwrap()).iso(), "2026-12-02T00:00:00Z");
        let at = AuditFilter {
            from: "2024-02-29T23:59:30Z".into(),
            ..AuditFilter::default()
        };
        assert_eq!(
            Timestamp(at.selection().unwrap().since.unwrap()).iso(),
            "2024-02-29T23:59:30Z"
        );
        for (field, bad) in [
            (
                "kind",
                AuditFilter {
                    kind: "invitation.eaten".into(),
                    ..Default::default()
                },
            ),
            (
                "from",
                AuditFilter {
                    from: "2026-02-30".into(),
                    ..Default::default()
                },
            ),
            (
                "from",
                AuditFilter {
                    from: "yesterday".into(),
                    ..Default::default()
                },
            ),
            (
                "to",
                AuditFilter {
                    to: "2026-12-01T25:00Z".into(),
                    ..Default::default()
                },
            ),
            (
                "to",
                AuditFilter {
                    from: "2026-12-02".into(),
                    to: "2026-12-01".into(),
                    ..Default::default()
                },
            ),
        ] {
            assert_eq!(bad.selection().unwrap_err().0, field, "{bad:?}");
        }
        assert_eq!(AuditFilter::default().selection().unwrap(), Selection::default());
    }

    #[test]
    fn csv_records_quote_and_defuse() {
        let event = AuditEvent {
            id: "e1".into(),
            at: Timestamp(0),
            kind: "member.roles".into(),
            actor: Some("ann@example.com".into()),
            token: Some("=HYPERLINK(\"x\")".into()),
            ip: None,
            target: "bob@example.com".into(),
            before: Some("Viewer, Editor".into()),
            after: Some("-Admin".into()),
        };
        assert_eq!(
            event.csv_record(),
            "e1,1970-01-01T00:00:00Z,member.roles,ann@example.com,\"'=HYPERLINK(\"\"x\"\")\",,bob@example.com,\"Viewer, Editor\",'-Admin\r\n"
        );
        assert_eq!(event.change().as_deref(), Some("Viewer, Editor \u{2192} -Admin"));
    }
}
