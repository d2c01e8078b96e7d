//! `intact/release.json` (FORMAT.md §6): the small signed statement that pins everything else.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Format id of `release.json`.
pub const RELEASE_FORMAT: &str = "intact-release/1";
/// SSHSIG namespace of release signatures.
pub const NAMESPACE: &str = "intact-release";
/// Largest `release.json` (FORMAT.md §6): [`Limits::DEFAULT`]`.release_bytes`.
///
/// [`Limits::DEFAULT`]: crate::limits::Limits::DEFAULT
pub const MAX_RELEASE_BYTES: u64 = crate::limits::Limits::DEFAULT.release_bytes;

/// Link to the release before this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Previous {
    pub release: String,
    /// Lowercase hex SHA-256 of the previous `release.json` (its bundle id).
    pub sha256: String,
}

/// The signed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub format: String,
    pub collection: String,
    pub release: String,
    /// RFC 3339, UTC, whole seconds: `YYYY-MM-DDTHH:MM:SSZ`.
    pub created: String,
    pub previous: Option<Previous>,
    pub item_count: u64,
    pub payload_bytes: u64,
    pub merkle_root: String,
    /// Bag-relative path → lowercase hex SHA-256.
    pub tag_files: BTreeMap<String, String>,
    /// What the leak gate checked before this release was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateOutcome>,
}

/// The leak gate's outcome recorded in the statement (FORMAT.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateOutcome {
    /// Rule ids that ran.
    pub rules: Vec<String>,
    pub files_scanned: u64,
    /// Whether a deny-list was used (its content never enters a bundle).
    pub deny_list: bool,
    /// Findings let through by reviewed exceptions (listed in manifest.json `exceptions`).
    pub exceptions: u64,
}

/// Tag files whose digests every statement must carry.
pub const REQUIRED_TAG_FILES: [&str; 4] = [
    crate::bag::BAGIT_PATH,
    crate::bag::BAG_INFO_PATH,
    crate::bag::MANIFEST_PATH,
    crate::bag::ITEMS_PATH,
];

/// Whether `s` may be a collection or release id: 1–64 of `A–Z a–z 0–9 . _ -`, starting with a
/// letter or digit (it names the bundle's top directory).
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

/// Parses `created` strictly (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn parse_created(s: &str) -> Option<time::OffsetDateTime> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::PrimitiveDateTime::parse(s, fmt)
        .ok()
        .map(|t| t.assume_utc())
}

/// Formats a time as `created` wants it.
pub fn format_created(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses any RFC 3339 time (as given on the command line) and normalizes it to UTC seconds.
pub fn parse_rfc3339(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .replace_nanosecond(0)
                .unwrap_or(t)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("case-archive_1.0"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id(&"a".repeat(65)));
    }

    #[test]
    fn created_round_trip() {
        let t = parse_rfc3339("2026-03-01T12:30:00+02:00").unwrap();
        let s = format_created(t);
        assert_eq!(s, "2026-03-01T10:30:00Z");
        assert_eq!(parse_created(&s), Some(t));
        assert_eq!(parse_created("2026-03-01T10:30:00+00:00"), None);
    }
}
