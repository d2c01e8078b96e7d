//! The scrub report: per file, what was removed, its size and SHA-256 before and after, what
//! could not be fixed and why, and what needs a person's decision (manifests/schema/
//! scrub-report.schema.json). Every string in it is one of scrub's own words or a path as
//! given; nothing is copied from a file's contents (the CLI masks paths against a deny-list).

use serde::Serialize;

/// Size and SHA-256 of a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub size: u64,
    pub sha256: String,
}

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Fingerprint {
        use sha2::{Digest as _, Sha256};
        Fingerprint {
            size: bytes.len() as u64,
            sha256: Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        }
    }
}

/// Something scrub found and did not fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotFixed {
    /// What it is (`EXIF`, `IPTC (APP13)`, `the file`).
    pub what: String,
    /// Why it was left.
    pub why: String,
}

impl NotFixed {
    pub fn new(what: &str, why: &str) -> NotFixed {
        NotFixed {
            what: what.to_owned(),
            why: why.to_owned(),
        }
    }
}

/// The kind of a file, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Tiff,
    Pdf,
    Office,
    Other,
}

/// What scrub did with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Metadata was removed; the output differs from the input.
    Scrubbed,
    /// A kind scrub edits, with nothing to remove: copied unchanged.
    Clean,
    /// A kind scrub does not edit (or could not read): copied unchanged, see `not_fixed`.
    NotScrubbed,
    /// A kind scrub does not edit and that carries no metadata it knows of: copied unchanged.
    Copied,
    /// Not copied at all (a symbolic link or special file).
    Skipped,
}

/// One file of the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The path relative to SRC (SRC's own name when SRC is a file).
    pub path: String,
    pub kind: Kind,
    pub status: Status,
    pub before: Fingerprint,
    /// Absent when the file was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Fingerprint>,
    pub removed: Vec<String>,
    pub not_fixed: Vec<NotFixed>,
    /// Content a person must decide about (never removed by scrub).
    pub needs_decision: Vec<String>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct ScrubReport {
    /// `intact-scrub/1`.
    pub report: &'static str,
    /// `intact scrub <version>`.
    pub tool: String,
    pub files: Vec<FileReport>,
    pub scrubbed: usize,
    pub clean: usize,
    pub copied: usize,
    pub not_scrubbed: usize,
    pub skipped: usize,
}

impl ScrubReport {
    pub fn new(files: Vec<FileReport>) -> ScrubReport {
        let count = |s: Status| files.iter().filter(|f| f.status == s).count();
        ScrubReport {
            report: "intact-scrub/1",
            tool: format!("intact scrub {}", env!("CARGO_PKG_VERSION")),
            scrubbed: count(Status::Scrubbed),
            clean: count(Status::Clean),
            copied: count(Status::Copied),
            not_scrubbed: count(Status::NotScrubbed),
            skipped: count(Status::Skipped),
            files,
        }
    }

    /// Whether everything scrub found was fixed (nothing left for a person).
    pub fn complete(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.not_fixed.is_empty() && f.needs_decision.is_empty())
    }

    /// The report as text, one block per file that was not clean.
    pub fn text(&self) -> String {
        let mut t = String::new();
        for f in &self.files {
            let after = f
                .after
                .as_ref()
                .map(|a| format!("{} bytes sha256:{}", a.size, a.sha256))
                .unwrap_or_else(|| "not copied".into());
            t.push_str(&format!(
                "{}: {}\n  before: {} bytes sha256:{}\n  after:  {after}\n",
                f.path,
                status_word(f.status),
                f.before.size,
                f.before.sha256
            ));
            if !f.removed.is_empty() {
                t.push_str(&format!("  removed: {}\n", f.removed.join(", ")));
            }
            for n in &f.not_fixed {
                t.push_str(&format!("  not fixed: {}: {}\n", n.what, n.why));
            }
            for d in &f.needs_decision {
                t.push_str(&format!("  needs a person's decision: {d}\n"));
            }
        }
        t.push_str(&format!(
            "{} files: {} scrubbed, {} clean, {} copied, {} not scrubbed, {} skipped\n",
            self.files.len(),
            self.scrubbed,
            self.clean,
            self.copied,
            self.not_scrubbed,
            self.skipped
        ));
        t
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Scrubbed => "scrubbed",
        Status::Clean => "clean (copied unchanged)",
        Status::NotScrubbed => "NOT scrubbed (copied unchanged)",
        Status::Copied => "copied unchanged (a kind scrub does not edit)",
        Status::Skipped => "skipped (not copied)",
    }
}
