//! The deny-list: withheld strings that must not appear anywhere in a published file.
//!
//! Format: a private UTF-8 file, one withheld string per line. Lines whose first non-blank
//! character is `#` are comments; blank lines are ignored; leading and trailing whitespace of a
//! line is ignored. Each entry is normalized (see [`super::text::normalize`]): an entry that
//! normalizes to fewer than 3 characters is a load error (it would match almost everything),
//! reported with the file and line number but never the line's content.

use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::error::GateError;
use super::text::normalize;

/// Minimum normalized length of an entry, in characters.
pub const MIN_ENTRY_CHARS: usize = 3;

struct Entry {
    masked: String,
}

/// A loaded deny-list. Its `Debug` form never shows the entries.
pub struct DenyList {
    entries: Vec<Entry>,
    matcher: AhoCorasick,
}

impl std::fmt::Debug for DenyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DenyList {{ {} entries }}", self.entries.len())
    }
}

/// The masked form of a withheld string: per word, the first character then one `*` per further
/// character (`Ivan Fictitious` → `I*** F*********`).
pub fn mask(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let mut m = String::new();
            if let Some(first) = chars.next() {
                m.push(first);
            }
            m.extend(chars.map(|_| '*'));
            m
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl DenyList {
    /// Load a deny-list file (format in the module docs).
    pub fn load(path: &Path) -> Result<DenyList, GateError> {
        let bytes = std::fs::read(path).map_err(|source| GateError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| GateError::DenyList {
            path: path.to_path_buf(),
            line: 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            reason: "not valid UTF-8".to_string(),
        })?;
        DenyList::parse(path, &text)
    }

    /// Parse deny-list text; `origin` names it in errors.
    pub fn parse(origin: &Path, text: &str) -> Result<DenyList, GateError> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let n = normalize(line);
            let n = n.trim().to_string();
            if n.chars().count() < MIN_ENTRY_CHARS {
                return Err(GateError::DenyList {
                    path: origin.to_path_buf(),
                    line: i + 1,
                    reason: format!(
                        "entry normalizes to fewer than {MIN_ENTRY_CHARS} characters and would match almost everything"
                    ),
                });
            }
            entries.push(Entry { masked: mask(line) });
            patterns.push(n);
        }
        if entries.is_empty() {
            return Err(GateError::DenyList {
                path: origin.to_path_buf(),
                line: 0,
                reason: "the deny-list has no entries".to_string(),
            });
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| GateError::DenyList {
                path: origin.to_path_buf(),
                line: 0,
                reason: format!("cannot build the matcher: {e}"),
            })?;
        Ok(DenyList { entries, matcher })
    }

    /// Build from in-memory entries (for callers and tests); same rules as [`DenyList::parse`].
    pub fn from_entries<S: AsRef<str>>(entries: &[S]) -> Result<DenyList, GateError> {
        let text: Vec<&str> = entries.iter().map(|s| s.as_ref()).collect();
        DenyList::parse(&PathBuf::from("(in memory)"), &text.join("\n"))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries (never true for a loaded list).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The masked forms of the entries that occur in `text` (after normalization), sorted and
    /// deduplicated.
    pub fn find(&self, text: &str) -> Vec<String> {
        if text.is_empty() {
            return Vec::new();
        }
        let n = normalize(text);
        let mut hit = vec![false; self.entries.len()];
        for m in self.matcher.find_overlapping_iter(&n) {
            if let Some(h) = hit.get_mut(m.pattern().as_usize()) {
                *h = true;
            }
        }
        let mut out: Vec<String> = self
            .entries
            .iter()
            .zip(hit)
            .filter(|(_, h)| *h)
            .map(|(e, _)| e.masked.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}
