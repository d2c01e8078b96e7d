//! Judging the tokens stored for one release (FORMAT.md §16.3): each checked on its own, and
//! the earliest time among the trusted ones — the time keys are then judged at.

use serde::Serialize;
use time::OffsetDateTime;

use super::{check_token, TokenError, TsaRoots};
use crate::limits::Limits;

/// Whether a token counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampStatus {
    /// Every check of FORMAT.md §16.2 passed: the release existed no later than `time`.
    Trusted,
    /// A check failed: the token proves nothing.
    Refused,
}

/// The result for one stored token.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampCheck {
    /// Where the token was read from (a path, or a log entry's `timestamps/NAME`).
    pub file: String,
    pub status: TimestampStatus,
    /// `genTime` in RFC 3339 (trusted tokens only).
    pub time: Option<String>,
    /// The TSA's name (trusted tokens only).
    pub tsa: Option<String>,
    /// Why it was refused: a stable name (`imprint`, `untrusted`, `signature`, …).
    pub reason: Option<&'static str>,
    /// "existed no later than T (TSA)", or what is wrong.
    pub detail: String,
}

impl TimestampCheck {
    /// A refused token.
    pub fn refused(file: &str, e: &TokenError) -> TimestampCheck {
        TimestampCheck {
            file: file.to_owned(),
            status: TimestampStatus::Refused,
            time: None,
            tsa: None,
            reason: Some(e.name()),
            detail: e.to_string(),
        }
    }
}

/// What the tokens of one release prove.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimeEvidence {
    /// One result per token, in the order given.
    pub checks: Vec<TimestampCheck>,
    /// How many are trusted.
    pub trusted: usize,
    /// The earliest trusted `genTime` (RFC 3339): the time keys are judged at.
    pub earliest: Option<String>,
    /// The TSA of the earliest trusted token.
    pub earliest_tsa: Option<String>,
    #[serde(skip)]
    pub earliest_time: Option<OffsetDateTime>,
}

impl TimeEvidence {
    /// Adds the result of one token.
    pub fn add(&mut self, file: &str, result: Result<super::Stamp, TokenError>) {
        let check = match result {
            Ok(stamp) => {
                self.trusted += 1;
                if self.earliest_time.is_none_or(|t| stamp.time < t) {
                    self.earliest_time = Some(stamp.time);
                    self.earliest = Some(crate::release::format_created(stamp.time));
                    self.earliest_tsa = Some(stamp.tsa.clone());
                }
                TimestampCheck {
                    file: file.to_owned(),
                    status: TimestampStatus::Trusted,
                    time: Some(crate::release::format_created(stamp.time)),
                    tsa: Some(stamp.tsa.clone()),
                    reason: None,
                    detail: stamp.to_string(),
                }
            }
            Err(e) => TimestampCheck::refused(file, &e),
        };
        self.checks.push(check);
    }
}

/// Checks every token of `tokens` (a name and its bytes) over `release_json` against `roots`.
pub fn judge<'a>(
    tokens: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    release_json: &[u8],
    roots: &TsaRoots,
    limits: &Limits,
) -> TimeEvidence {
    let mut evidence = TimeEvidence::default();
    for (file, bytes) in tokens {
        evidence.add(file, check_token(bytes, release_json, None, roots, limits));
    }
    evidence
}
