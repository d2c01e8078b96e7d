//! Per-file collector of findings, with the resource bounds of one file's scan.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::denylist::DenyList;
use super::report::Finding;
use super::rules::RuleId;
use super::scan::Limits;
use super::text;

/// Collects the findings of one file and keeps its decompression budget.
pub struct Sink<'a> {
    file: PathBuf,
    deny: Option<&'a DenyList>,
    limits: Limits,
    prefix: Vec<String>,
    findings: BTreeSet<Finding>,
    decompressed: u64,
    budget_flagged: bool,
    depth: u32,
}

impl<'a> Sink<'a> {
    /// A collector for `file` (the path shown in findings).
    pub fn new(file: &Path, deny: Option<&'a DenyList>, limits: Limits) -> Self {
        Sink {
            file: file.to_path_buf(),
            deny,
            limits,
            prefix: Vec::new(),
            findings: BTreeSet::new(),
            decompressed: 0,
            budget_flagged: false,
            depth: 0,
        }
    }

    /// The bounds in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether a deny-list is in use.
    pub fn has_deny(&self) -> bool {
        self.deny.is_some()
    }

    fn loc(&self, location: &str) -> String {
        if self.prefix.is_empty() {
            location.to_string()
        } else {
            let mut s = self.prefix.join(": ");
            if !location.is_empty() {
                s.push_str(": ");
                s.push_str(location);
            }
            s
        }
    }

    /// Enter a nested container member (e.g. a zip member): its name prefixes locations.
    pub fn enter(&mut self, name: String) -> bool {
        if self.depth >= self.limits.max_nesting {
            return false;
        }
        self.depth += 1;
        self.prefix.push(name);
        true
    }

    /// Leave a nested member.
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.prefix.pop();
    }

    /// Record a structural finding.
    pub fn flag(&mut self, rule: RuleId, location: &str) {
        let f = Finding::new(self.file.clone(), self.loc(location), rule);
        self.findings.insert(f);
    }

    fn deny_hits(&self, s: &str) -> Vec<String> {
        match self.deny {
            Some(d) => d.find(s),
            None => Vec::new(),
        }
    }

    /// Scan text for deny-listed strings.
    pub fn text(&mut self, location: &str, s: &str) {
        for masked in self.deny_hits(s) {
            self.findings.insert(Finding {
                file: self.file.clone(),
                location: self.loc(location),
                rule: RuleId::DenyListMatch,
                masked: Some(masked),
            });
        }
    }

    /// [`Sink::text`] for a whole text file: each entry found is located by the line its match
    /// ends on (`text line 12`), found by halving (a few scans of prefixes of the text, only
    /// for a text that holds an entry at all).
    pub fn text_lines(&mut self, location: &str, s: &str) {
        let Some(deny) = self.deny else { return };
        let hits = deny.find(s);
        if hits.is_empty() {
            return;
        }
        // where each line ends (byte offsets just past its newline)
        let ends: Vec<usize> = s
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .chain(std::iter::once(s.len()))
            .collect();
        let prefix = self.loc(location);
        for masked in hits {
            // another reading of the same bytes found it already
            if self
                .findings
                .iter()
                .any(|f| f.masked.as_ref() == Some(&masked) && f.location.starts_with(&prefix))
            {
                continue;
            }
            let holds = |k: usize| deny.find(&s[..ends[k]]).contains(&masked);
            let (mut lo, mut hi) = (0, ends.len() - 1);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if holds(mid) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            let at = if holds(lo) {
                format!("{location} line {}", lo + 1)
            } else {
                location.to_owned()
            };
            self.findings.insert(Finding {
                file: self.file.clone(),
                location: self.loc(&at),
                rule: RuleId::DenyListMatch,
                masked: Some(masked),
            });
        }
    }

    /// Scan text, recording only entries not already found anywhere in this file (a backstop
    /// over raw bytes after the structured scans named precise locations).
    pub fn text_fallback(&mut self, location: &str, s: &str) {
        for masked in self.deny_hits(s) {
            let known = self
                .findings
                .iter()
                .any(|f| f.rule == RuleId::DenyListMatch && f.masked.as_ref() == Some(&masked));
            if !known {
                self.findings.insert(Finding {
                    file: self.file.clone(),
                    location: self.loc(location),
                    rule: RuleId::DenyListMatch,
                    masked: Some(masked),
                });
            }
        }
    }

    /// Scan bytes of unknown encoding (every plausible reading).
    pub fn bytes(&mut self, location: &str, b: &[u8]) {
        if self.deny.is_none() || b.is_empty() {
            return;
        }
        text::for_each_candidate(b, &mut |s| self.text(location, s));
    }

    /// Like [`Sink::bytes`] but only for entries not yet found in this file.
    pub fn bytes_fallback(&mut self, location: &str, b: &[u8]) {
        if self.deny.is_none() || b.is_empty() {
            return;
        }
        text::for_each_candidate(b, &mut |s| self.text_fallback(location, s));
    }

    /// Bytes that may still be decompressed for this file.
    pub fn budget_left(&self) -> u64 {
        self.limits
            .max_decompressed_bytes
            .saturating_sub(self.decompressed)
    }

    /// Account for `n` decompressed bytes.
    pub fn spend(&mut self, n: u64) {
        self.decompressed = self.decompressed.saturating_add(n);
    }

    /// Flag the decompression bound once per file.
    pub fn flag_budget(&mut self, location: &str) {
        if !self.budget_flagged {
            self.budget_flagged = true;
            self.flag(RuleId::DecompressionLimitExceeded, location);
        }
    }

    /// The findings collected so far, sorted.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings.into_iter().collect()
    }
}

/// Decompressed output would exceed the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Inflate zlib (or, failing that, raw deflate) data within `limit` bytes.
/// Returns `(data, complete)`; `Err(TooLarge)` when over the limit.
pub fn inflate(data: &[u8], limit: u64) -> Result<(Vec<u8>, bool), TooLarge> {
    use std::io::Read;
    let attempt = |raw: bool| -> Result<(Vec<u8>, bool), TooLarge> {
        let mut out = Vec::new();
        let res = if raw {
            flate2::read::DeflateDecoder::new(data)
                .take(limit.saturating_add(1))
                .read_to_end(&mut out)
        } else {
            flate2::read::ZlibDecoder::new(data)
                .take(limit.saturating_add(1))
                .read_to_end(&mut out)
        };
        if out.len() as u64 > limit {
            return Err(TooLarge);
        }
        Ok((out, res.is_ok()))
    };
    let (z, ok) = attempt(false)?;
    if ok || !z.is_empty() {
        return Ok((z, ok));
    }
    attempt(true)
}
