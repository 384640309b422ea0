//! Inviting many people at once from a spreadsheet: the CSV a person
//! uploads or pastes (`email,name,roles,groups`), and what becomes of each
//! of its rows, as the preview and the batch API say it.

use serde::{Deserialize, Serialize};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 1000;
/// The most invitations one batch API request may hold.
pub const MAX_API_BATCH: usize = 100;
/// The most bytes one file may hold.
pub const MAX_BYTES: usize = 1 << 20;

/// One person to invite, as a row of the file (or an item of a batch).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRow {
    /// Where it is in the file (1 for the first line), or in the batch.
    pub line: usize,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    pub groups: Vec<String>,
}

/// What becomes (or became) of one row.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Will be invited (a dry run).
    Ready,
    /// Already invited: the invitation will be renewed and sent again.
    WillResend,
    /// Invited.
    Sent,
    /// Renewed and sent again.
    Resent,
    InvalidEmail,
    UnknownRole,
    UnknownGroup,
    /// A role or group the inviter may not give.
    NotAllowed,
    /// The address is on an earlier row too.
    Duplicate,
    AlreadyMember,
    DomainNotAllowed,
    SeatLimitReached,
    /// Sent an invitation moments ago, or invited by someone else meanwhile.
    TooSoon,
    /// Over the hourly invitation limit.
    RateLimited,
}

impl RowStatus {
    pub const ALL: [RowStatus; 14] = [
        RowStatus::Ready,
        RowStatus::WillResend,
        RowStatus::Sent,
        RowStatus::Resent,
        RowStatus::InvalidEmail,
        RowStatus::UnknownRole,
        RowStatus::UnknownGroup,
        RowStatus::NotAllowed,
        RowStatus::Duplicate,
        RowStatus::AlreadyMember,
        RowStatus::DomainNotAllowed,
        RowStatus::SeatLimitReached,
        RowStatus::TooSoon,
        RowStatus::RateLimited,
    ];

    /// Whether the row is (or was) sent.
    pub fn goes(self) -> bool {
        matches!(
            self,
            RowStatus::Ready | RowStatus::WillResend | RowStatus::Sent | RowStatus::Resent
        )
    }

    /// How the preview words it.
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Ready => "Ready",
            RowStatus::WillResend => "Already invited: will be sent again",
            RowStatus::Sent => "Sent",
            RowStatus::Resent => "Sent again",
            RowStatus::InvalidEmail => "Invalid address",
            RowStatus::UnknownRole => "Unknown role",
            RowStatus::UnknownGroup => "Unknown group",
            RowStatus::NotAllowed => "Not yours to give",
            RowStatus::Duplicate => "Duplicate in the file",
            RowStatus::AlreadyMember => "Already a member",
            RowStatus::DomainNotAllowed => "Domain not allowed",
            RowStatus::SeatLimitReached => "Over the seat limit",
            RowStatus::TooSoon => "Sent moments ago",
            RowStatus::RateLimited => "Over the hourly limit",
        }
    }
}

/// One row's outcome, in the order given.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    pub email: String,
    pub status: RowStatus,
    /// For a row that does not go: the API's error code (`validation_failed`,
    /// `domain_not_allowed`, `seat_limit_reached`, `conflict`, `forbidden`,
    /// `rate_limited`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For a row that does not go: why, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// How many rows have each status, in `RowStatus::ALL`'s order, those with
/// none left out.
pub fn totals(results: &[RowResult]) -> Vec<(RowStatus, usize)> {
    RowStatus::ALL
        .iter()
        .map(|s| (*s, results.iter().filter(|r| r.status == *s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The rows of a CSV file: `email,name,roles,groups`, with or without that
/// header (with it, the columns may come in any order, and others are
/// ignored), UTF-8 with or without a byte-order mark, comma-separated, fields
/// quoted as RFC 4180 says. Several roles or groups in one cell are separated
/// by `;` (or `|`). Blank lines are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<BulkRow>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_BYTES {
        return Err(format!(
            "This file is {} KB; a file may be up to {} KB",
            text.len() / 1024,
            MAX_BYTES / 1024
        ));
    }
    let records = records(text)?;
    let mut records = records
        .into_iter()
        .filter(|(_, r)| r.iter().any(|f| !f.trim().is_empty()));
    let Some(first) = records.next() else {
        return Err("The file has no rows: one address per row, as email,name,roles,groups".into());
    };
    // The header, if the first row is one, names the columns.
    let is_header = first.1.iter().any(|f| column(f) == Some(Column::Email));
    let columns: Vec<Option<Column>> = if is_header {
        first.1.iter().map(|f| column(f)).collect()
    } else {
        vec![
            Some(Column::Email),
            Some(Column::Name),
            Some(Column::Roles),
            Some(Column::Groups),
        ]
    };
    let rows: Vec<(usize, Vec<String>)> = if is_header {
        records.collect()
    } else {
        std::iter::once(first).chain(records).collect()
    };
    if rows.len() > MAX_ROWS {
        return Err(format!(
            "This file has {} rows; up to {MAX_ROWS} people can be invited from one file",
            rows.len()
        ));
    }
    if rows.is_empty() {
        return Err("The file has a header but no rows under it".into());
    }
    Ok(rows
        .into_iter()
        .map(|(line, fields)| {
            let mut row = BulkRow {
                line,
                ..BulkRow::default()
            };
            for (i, field) in fields.into_iter().enumerate() {
                match columns.get(i).copied().flatten() {
                    Some(Column::Email) => row.email = field.trim().to_string(),
                    Some(Column::Name) => row.name = field.trim().to_string(),
                    Some(Column::Roles) => row.roles = list(&field),
                    Some(Column::Groups) => row.groups = list(&field),
                    None => {}
                }
            }
            row
        })
        .collect())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Email,
    Name,
    Roles,
    Groups,
}

fn column(header: &str) -> Option<Column> {
    match header.trim().to_ascii_lowercase().replace(['_', '-'], " ").as_str() {
        "email" | "e mail" | "email address" | "address" => Some(Column::Email),
        "name" | "full name" => Some(Column::Name),
        "roles" | "role" => Some(Column::Roles),
        "groups" | "group" => Some(Column::Groups),
        _ => None,
    }
}

/// Names in one cell: separated by `;` or `|`, blanks dropped.
fn list(cell: &str) -> Vec<String> {
    cell.split([';', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The file's records, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let (mut fields, mut field) = (Vec::new(), String::new());
    let (mut line, mut start) = (1usize, 1usize);
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(format!("Line {start}: a quoted field is never closed"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_with_or_without_a_header() {
        let plain = parse_csv("\u{feff}ann@example.com,Ann,viewer;editor,Design\r\n\r\nbob@example.com\n").unwrap();
        assert_eq!(
            plain,
            vec![
                BulkRow {
                    line: 1,
                    email: "ann@example.com".into(),
                    name: "Ann".into(),
                    roles: vec!["viewer".into(), "editor".into()],
                    groups: vec!["Design".into()],
                },
                BulkRow {
                    line: 3,
                    email: "bob@example.com".into(),
                    ..BulkRow::default()
                },
            ]
        );
        let headed =
            parse_csv("Name,Email,Team,Groups\n\"Lovelace, Ada\",ada@example.com,x,\"Design | \"\"Ops\"\"\"\n")
                .unwrap();
        assert_eq!(headed.len(), 1);
        assert_eq!(headed[0].name, "Lovelace, Ada");
        assert_eq!(headed[0].email, "ada@example.com");
        assert_eq!(headed[0].groups, vec!["Design".to_string(), "\"Ops\"".to_string()]);
        assert_eq!(headed[0].line, 2);
        // A quoted field over two lines keeps the next row's line right.
        let multi = parse_csv("a@example.com,\"Two\nLines\"\nb@example.com\n").unwrap();
        assert_eq!((multi[1].line, multi[0].name.as_str()), (3, "Two\nLines"));
    }

    #[test]
    fn bad_files_are_named() {
        assert!(parse_csv("").unwrap_err().contains("no rows"));
        assert!(parse_csv("email,name\n").unwrap_err().contains("no rows under it"));
        assert!(parse_csv("a@example.com,\"open\n").unwrap_err().contains("Line 1"));
        let many: String = (0..=MAX_ROWS).map(|i| format!("p{i}@example.com\n")).collect();
        assert!(parse_csv(&many).unwrap_err().contains("1001 rows"));
    }
}
