//! Findings and the scan report (serde-serializable; the JSON shape is documented in
//! `docs/REDACTION.md` and is stable).

use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use super::exceptions::Exception;
use super::rules::RuleId;

fn path_lossy<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

/// One reason the gate refuses a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Finding {
    /// The file, relative to the scanned source directory (for manifest fields: the metadata
    /// file or an empty path).
    #[serde(serialize_with = "path_lossy")]
    pub file: PathBuf,
    /// Where in the file, e.g. `page 2 text`, `object 12 0 (incremental update 1)`,
    /// `EXIF tag Artist`, `word/comments.xml`, `file name`.
    pub location: String,
    /// The rule that fired.
    pub rule: RuleId,
    /// For deny-list matches: the masked deny-list entry (`J*** D**`); never the clear text.
    pub masked: Option<String>,
}

impl Finding {
    /// A finding without a masked value.
    pub fn new(file: impl Into<PathBuf>, location: impl Into<String>, rule: RuleId) -> Self {
        Finding {
            file: file.into(),
            location: location.into(),
            rule,
            masked: None,
        }
    }

    /// The human one-line form `FILE: LOCATION: RULE[: masked]`.
    pub fn line(&self) -> String {
        let file = if self.file.as_os_str().is_empty() {
            "(manifest)".to_string()
        } else {
            self.file.to_string_lossy().into_owned()
        };
        match &self.masked {
            Some(m) => format!("{file}: {}: {}: {m}", self.location, self.rule),
            None => format!("{file}: {}: {}", self.location, self.rule),
        }
    }
}

/// A finding waived by a reviewed exception, with the exception's written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excepted {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

/// The result of a scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GateReport {
    /// Regular files whose content was scanned.
    pub files_scanned: u64,
    /// Whether a deny-list was used (without one only structural rules ran).
    pub deny_list_used: bool,
    /// The rules that ran.
    pub rules: Vec<RuleId>,
    /// Findings that block publication.
    pub findings: Vec<Finding>,
    /// Findings waived by a reviewed exception (record them in the manifest).
    pub excepted: Vec<Excepted>,
    /// Exceptions that matched no finding (stale; review and remove them).
    pub unused_exceptions: Vec<Exception>,
}

impl GateReport {
    /// True when nothing blocks publication.
    pub fn clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// Sort findings and excepted findings into a stable order.
    pub fn sort(&mut self) {
        self.findings.sort();
        self.findings.dedup();
        self.excepted.sort_by(|a, b| a.finding.cmp(&b.finding));
    }
}
