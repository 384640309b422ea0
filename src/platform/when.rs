//! Times as people read them. Formatted on the server so that the server's and
//! the browser's render of a page are the same.

use time::OffsetDateTime;
use time::macros::format_description;

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// "26 Nov 2026, 14:05 UTC"
pub fn display(ms: i64) -> String {
    at(ms)
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

/// "26 November 2026"
pub fn date(ms: i64) -> String {
    at(ms)
        .format(format_description!("[day padding:none] [month repr:long] [year]"))
        .unwrap_or_default()
}

/// RFC 3339, for `<time datetime>`.
pub fn iso(ms: i64) -> String {
    at(ms)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_read_well() {
        let ms = 1_795_692_300_000; // 2026-11-26 11:25 UTC
        assert_eq!(super::display(ms), "26 Nov 2026, 11:25 UTC");
        assert_eq!(super::date(ms), "26 November 2026");
        assert_eq!(super::iso(ms), "2026-11-26T11:25:00Z");
    }
}
