//! The deny-list: withheld strings that must not appear anywhere in a published file.
//!
//! Format: a private UTF-8 file, one withheld string per line. Lines whose first non-blank
//! character is `#` are comments; blank lines are ignored; leading and trailing whitespace of a
//! line is ignored, and so is a note after a TAB and `#` (`intact deny-list expand` writes
//! `SPELLING<TAB># entry N: RULE`). Each entry is normalized (see [`super::text::normalize`]): an entry that
//! normalizes to fewer than 3 characters is a load error (it would match almost everything),
//! reported with the file and line number but never the line's content.
//!
//! An entry is only ever shown by its number and length: [`mask`] (`[withheld #3, 15 chars]`),
//! the one form every finding, report and message uses (docs/REDACTION.md, "Never printed").

use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::error::GateError;
use super::names::{punctuation_as_spaces, readings, squashed};
use super::text::normalize;

/// Minimum normalized length of an entry, in characters.
pub const MIN_ENTRY_CHARS: usize = 3;

/// Minimum length of an entry written without its spaces and punctuation for it to be matched
/// that way in names (`ivanfictitious.txt`): shorter ones would match inside unrelated names.
pub const MIN_SQUASHED_CHARS: usize = 8;

#[derive(Clone)]
struct Entry {
    masked: String,
}

/// A loaded deny-list. Its `Debug` form never shows the entries.
#[derive(Clone)]
pub struct DenyList {
    entries: Vec<Entry>,
    matcher: AhoCorasick,
    /// The entry of each pattern: an entry with ASCII punctuation has a second pattern with
    /// spaces in its place, for the readings of names ([`readings`]).
    pattern_entry: Vec<usize>,
    /// Per pattern: whether it matches only at a word boundary at its start and at its end
    /// ([`initial_sides`]).
    bounded: Vec<(bool, bool)>,
    /// Entries of at least [`MIN_SQUASHED_CHARS`] with their spaces and punctuation removed
    /// ([`squashed`]), for names only; `None` when no entry qualifies.
    squashed: Option<(AhoCorasick, Vec<usize>)>,
}

impl std::fmt::Debug for DenyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DenyList {{ {} entries }}", self.entries.len())
    }
}

/// The masked form of the `number`th entry (1-based, in file order; comments and blank lines
/// are not counted) whose text, as written in the deny-list, is `chars` characters long:
/// `[withheld #3, 15 chars]`. It gives away nothing of the entry but its length, and lets the
/// office find the entry in its own list.
pub fn mask(number: usize, chars: usize) -> String {
    format!("[withheld #{number}, {chars} chars]")
}

/// The entry lines of deny-list text (0-based line index, entry): a line, trimmed, up to a TAB
/// followed by `#` (the rest is a note: `intact deny-list expand` writes the entry and rule
/// there); blank lines and comments skipped.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.lines().enumerate().filter_map(|(i, raw)| {
        let raw = raw.trim();
        let line = raw
            .match_indices('\t')
            .find(|&(i, _)| raw[i + 1..].trim_start().starts_with('#'))
            .map_or(raw, |(i, _)| raw[..i].trim());
        (!line.is_empty() && !line.starts_with('#')).then_some((i, line))
    })
}

/// Whether a normalized pattern begins and ends with a one-letter word (an initial:
/// `r aliyev`, `aliyev r`). Such a side matches only at a word boundary: `R. Aliyev` is not in
/// `Aynur Aliyev`, nor `Aliyev R.` in `Aliyev Rauf`. Other entries match anywhere as substrings.
pub fn initial_sides(normalized: &str) -> (bool, bool) {
    let one_letter = |w: Option<&str>| {
        w.is_some_and(|w| {
            let mut c = w.chars();
            c.next().is_some_and(char::is_alphabetic) && c.next().is_none()
        })
    };
    let mut words = normalized.split(' ').filter(|w| !w.is_empty());
    let first = words.next();
    let last = words.next_back();
    (one_letter(first) && last.is_some(), one_letter(last))
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

    /// The entries of deny-list text as written, each with its line number.
    pub fn entries(text: &str) -> Vec<(usize, String)> {
        lines(text).map(|(i, l)| (i + 1, l.to_string())).collect()
    }

    /// Parse deny-list text; `origin` names it in errors.
    pub fn parse(origin: &Path, text: &str) -> Result<DenyList, GateError> {
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        let (mut squashed_patterns, mut squashed_entry) = (Vec::new(), Vec::new());
        for (i, line) in lines(text) {
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
            entries.push(Entry {
                masked: mask(entries.len() + 1, line.chars().count()),
            });
            let spaced = normalize(&punctuation_as_spaces(&n)).trim().to_string();
            if spaced != n && spaced.chars().count() >= MIN_ENTRY_CHARS {
                patterns.push(spaced);
                pattern_entry.push(entries.len() - 1);
            }
            let sq = squashed(&n);
            if sq != n && sq.chars().count() >= MIN_SQUASHED_CHARS {
                squashed_patterns.push(sq);
                squashed_entry.push(entries.len() - 1);
            }
            patterns.push(n);
            pattern_entry.push(entries.len() - 1);
        }
        if entries.is_empty() {
            return Err(GateError::DenyList {
                path: origin.to_path_buf(),
                line: 0,
                reason: "the deny-list has no entries".to_string(),
            });
        }
        let build = |patterns: &[String]| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(patterns)
                .map_err(|e| GateError::DenyList {
                    path: origin.to_path_buf(),
                    line: 0,
                    reason: format!("cannot build the matcher: {e}"),
                })
        };
        let bounded = patterns.iter().map(|p| initial_sides(p)).collect();
        let matcher = build(&patterns)?;
        let squashed = if squashed_patterns.is_empty() {
            None
        } else {
            Some((build(&squashed_patterns)?, squashed_entry))
        };
        Ok(DenyList {
            entries,
            matcher,
            pattern_entry,
            bounded,
            squashed,
        })
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

    /// The masked forms of the entries that occur in `text` (after normalization), in the
    /// deny-list's order, each once.
    pub fn find(&self, text: &str) -> Vec<String> {
        let mut hit = vec![false; self.entries.len()];
        self.mark(text, &mut hit);
        self.masks_of(&hit)
    }

    /// The masked forms of the entries that occur in any reading of `text` that the gate gives
    /// a name ([`readings`]: separators as spaces, percent-decoded, camel case split; and, for
    /// entries of at least [`MIN_SQUASHED_CHARS`], without spaces and punctuation at all), in
    /// the deny-list's order, each once.
    pub fn find_in_name(&self, text: &str) -> Vec<String> {
        let mut hit = vec![false; self.entries.len()];
        for r in readings(text) {
            self.mark(&r, &mut hit);
        }
        if let Some((matcher, entry)) = &self.squashed {
            for m in matcher.find_overlapping_iter(&squashed(&normalize(text))) {
                if let Some(h) = entry
                    .get(m.pattern().as_usize())
                    .and_then(|&e| hit.get_mut(e))
                {
                    *h = true;
                }
            }
        }
        self.masks_of(&hit)
    }

    /// Whether any reading of `text` ([`readings`]) holds an entry: the test every string the
    /// gate shows a person passes before it is shown.
    pub fn holds(&self, text: &str) -> bool {
        readings(text).iter().any(|r| {
            let hay = normalize(r);
            !r.is_empty()
                && self
                    .matcher
                    .find_overlapping_iter(&hay)
                    .any(|m| self.at_boundaries(&hay, &m))
        }) || self.squashed.as_ref().is_some_and(|(matcher, _)| {
            matcher
                .find_overlapping_iter(&squashed(&normalize(text)))
                .next()
                .is_some()
        })
    }

    fn mark(&self, text: &str, hit: &mut [bool]) {
        if text.is_empty() {
            return;
        }
        let hay = normalize(text);
        for m in self.matcher.find_overlapping_iter(&hay) {
            if !self.at_boundaries(&hay, &m) {
                continue;
            }
            let entry = self.pattern_entry.get(m.pattern().as_usize());
            if let Some(h) = entry.and_then(|&e| hit.get_mut(e)) {
                *h = true;
            }
        }
    }

    /// Whether match `m` in normalized `hay` meets its pattern's word boundaries.
    fn at_boundaries(&self, hay: &str, m: &aho_corasick::Match) -> bool {
        let (start, end) = self
            .bounded
            .get(m.pattern().as_usize())
            .copied()
            .unwrap_or((false, false));
        let apart = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        (!start || apart(hay[..m.start()].chars().next_back()))
            && (!end || apart(hay[m.end()..].chars().next()))
    }

    fn masks_of(&self, hit: &[bool]) -> Vec<String> {
        self.entries
            .iter()
            .zip(hit)
            .filter(|(_, h)| **h)
            .map(|(e, _)| e.masked.clone())
            .collect()
    }
}
