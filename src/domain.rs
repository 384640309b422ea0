//! Values that parse once and can be trusted everywhere after: email addresses,
//! names, passwords, people and moments. Compiled for the browser too, so forms
//! and server agree.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A trimmed, lowercased email address of a plausible shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = lowercase(raw.trim());
        if email.is_empty() {
            return Err("Enter an email address".into());
        }
        if email.len() > Self::MAX_LEN {
            return Err(format!("{email} is longer than {} characters", Self::MAX_LEN));
        }
        let well_formed = match email.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !local.starts_with('.')
                    && !local.ends_with('.')
                    && !local.contains("..")
                    && local
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
                    && domain.contains('.')
                    && domain.split('.').all(|label| {
                        !label.is_empty()
                            && label.len() <= 63
                            && !label.starts_with('-')
                            && !label.ends_with('-')
                            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                    })
            }
            None => false,
        };
        if well_formed {
            Ok(EmailAddress(email))
        } else {
            Err(format!(
                "Enter an email address in the correct format, like name@example.com{}",
                if raw.trim().is_empty() {
                    String::new()
                } else {
                    format!(" (\u{201c}{}\u{201d} is not)", raw.trim())
                }
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// `text` in lower case, by Unicode's default case mapping. In the browser
/// the browser's own mapping does it (`String.prototype.toLowerCase`, the
/// same rules), which spares the WebAssembly Rust's copy of the case tables.
pub fn lowercase(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// Splits what a person typed or pasted into an email field (commas, semicolons,
/// spaces or newlines between addresses), dropping blanks and repeats while keeping order.
pub fn split_email_list(raw: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .filter(|s| seen.insert(lowercase(s)))
        .map(str::to_string)
        .collect()
}

/// A person's display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, String> {
        // Checked before trimming, so that what is refused does not depend on
        // where in the text it stands (a leading form feed is refused too).
        if raw.chars().any(char::is_control) {
            return Err("Name must not contain control characters".into());
        }
        let name = raw.trim();
        if name.is_empty() {
            return Err("Enter your name".into());
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(format!("Name must be {} characters or fewer", Self::MAX_LEN));
        }
        Ok(PersonName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A workspace or board name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Title(String);

impl Title {
    pub const MAX_LEN: usize = 80;

    /// `what` names the thing in messages, e.g. "workspace name".
    pub fn parse(raw: &str, what: &str) -> Result<Self, String> {
        // Checked before trimming, as the API document states them.
        if raw.chars().any(char::is_control) {
            return Err(format!("The {what} must not contain control characters"));
        }
        let title = raw.trim();
        if title.is_empty() {
            return Err(format!("Enter a {what}"));
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(format!("The {what} must be {} characters or fewer", Self::MAX_LEN));
        }
        Ok(Title(title.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: checked for length only, as current guidance advises.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n == 0 {
            return Err("Enter a password".into());
        }
        if n < Self::MIN_LEN {
            return Err(format!("Password must be at least {} characters", Self::MIN_LEN));
        }
        if n > Self::MAX_LEN {
            return Err(format!("Password must be {} characters or fewer", Self::MAX_LEN));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            EmailAddress::parse("  Jane@Example.COM ").unwrap().as_str(),
            "jane@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused_with_the_format_hint() {
        for bad in [
            "jane",
            "jane@",
            "@x.com",
            "jane@x",
            "ja ne@x.com",
            "jane@x..com",
            ".j@x.com",
            "j@-x.com",
        ] {
            let err = EmailAddress::parse(bad).unwrap_err();
            assert!(err.contains("like name@example.com"), "{bad}: {err}");
        }
        assert_eq!(EmailAddress::parse("  ").unwrap_err(), "Enter an email address");
    }

    #[test]
    fn email_lists_split_on_commas_and_newlines_without_repeats() {
        assert_eq!(
            split_email_list("a@x.com, b@x.com\nA@x.com;c@x.com  "),
            vec!["a@x.com", "b@x.com", "c@x.com"]
        );
    }

    #[test]
    fn passwords_need_eight_characters() {
        assert!(NewPassword::parse("1234567").is_err());
        assert!(NewPassword::parse("12345678").is_ok());
    }

    #[test]
    fn names_refuse_control_characters_wherever_they_stand() {
        for raw in ["\u{c}abc", "abc\n", "a\u{7f}b", "\tabc", "abc\u{85}"] {
            assert!(Title::parse(raw, "workspace name").is_err(), "{raw:?}");
            assert!(PersonName::parse(raw).is_err(), "{raw:?}");
        }
        assert_eq!(Title::parse("  Acme  ", "workspace name").unwrap().as_str(), "Acme");
        assert_eq!(PersonName::parse(" Ada ").unwrap().as_str(), "Ada");
    }

    #[test]
    fn name_lengths_count_what_was_sent() {
        let eighty = "a".repeat(80);
        assert!(Title::parse(&eighty, "workspace name").is_ok());
        assert!(Title::parse(&format!(" {eighty}"), "workspace name").is_err());
    }
}

/// A person with an account, as everything else refers to them.
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// `text` as a URL's query holds it.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A moment, as milliseconds since the Unix epoch: how every time is stored
/// and passed around. Pages and the API word it; nothing else does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl From<i64> for Timestamp {
    fn from(millis: i64) -> Self {
        Timestamp(millis)
    }
}

impl Timestamp {
    pub fn millis(self) -> i64 {
        self.0
    }

    /// (year, month 1–12, day, hour, minute, second) in UTC.
    fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let secs = self.0.div_euclid(1000);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Howard Hinnant's days-to-civil, for the proleptic Gregorian calendar.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (
            year,
            month,
            day,
            (rem / 3600) as u32,
            (rem % 3600 / 60) as u32,
            (rem % 60) as u32,
        )
    }

    /// "26 Nov 2026, 14:05 UTC"
    pub fn display(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, mo, d, h, mi, _) = self.civil();
        format!("{d} {} {y}, {h:02}:{mi:02} UTC", MONTHS[(mo - 1) as usize])
    }

    /// Milliseconds at the start of a day (UTC) of the proleptic Gregorian
    /// calendar: `civil`'s inverse (Howard Hinnant's days-from-civil).
    pub fn from_civil(year: i64, month: u32, day: u32) -> i64 {
        let y = year - i64::from(month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400_000
    }

    /// RFC 3339 in UTC, for `<time datetime>` and the API: "2026-11-26T14:05:00Z".
    pub fn iso(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

#[cfg(test)]
mod time_tests {
    use super::Timestamp;

    #[test]
    fn moments_read_well() {
        let t = Timestamp(1_795_692_300_000); // 2026-11-26 11:25 UTC
        assert_eq!(t.display(), "26 Nov 2026, 11:25 UTC");
        assert_eq!(t.iso(), "2026-11-26T11:25:00Z");
        assert_eq!(Timestamp(0).iso(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(951_782_400_000).iso(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp(4_102_444_799_000).display(), "31 Dec 2099, 23:59 UTC");
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 12, 31), (2100, 3, 1)] {
            let iso = Timestamp(Timestamp::from_civil(y, m, d)).iso();
            assert_eq!(iso, format!("{y:04}-{m:02}-{d:02}T00:00:00Z"));
        }
    }
}

/// Which page of a list to read: the first, the one after a cursor, or the
/// one before it, of at most `limit` items. Cursors are opaque: they come from
/// the `Listing` before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub after: Option<String>,
    pub before: Option<String>,
    pub limit: usize,
}

impl Window {
    pub fn first(limit: usize) -> Self {
        Window {
            after: None,
            before: None,
            limit,
        }
    }
}

/// One page of a list, the cursors of the pages on either side (when there
/// are any), and how many items the whole list holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
}

impl<T> Listing<T> {
    /// A list with nothing in it.
    pub fn empty() -> Self {
        Listing {
            items: Vec::new(),
            total: 0,
            next: None,
            previous: None,
        }
    }
}

/// The kinds of change a workspace's event stream names (besides `ready`,
/// `resync` and `ended`): what the Users page reads its lists again for.
pub const CHANGE_KINDS: [&str; 15] = [
    "invitation.created",
    "invitation.renewed",
    "invitation.deleted",
    "invitation.restored",
    "invitation.roles",
    "invitation.link",
    "invitation.declined",
    "invitation.accepted",
    "email.sent",
    "email.failed",
    "member.roles",
    "member.removed",
    "member.left",
    "member.owner",
    "member.groups",
];
