//! The verification report (FORMAT.md §10): what `intact verify --json` prints.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::Kind;
use crate::problem::{Check, Problem};
use crate::release::{self, Statement};
use crate::trust::SignatureCheck;

/// Result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub check: Check,
    pub passed: bool,
    pub problems: usize,
}

/// The verification report (`--json` prints it; docs/FORMAT.md §10 documents it).
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub report: &'static str,
    pub bundle: PathBuf,
    pub kind: Option<Kind>,
    pub valid: bool,
    pub bundle_id: Option<String>,
    pub collection: Option<String>,
    pub release: Option<String>,
    pub created: Option<String>,
    pub previous: Option<release::Previous>,
    pub item_count: Option<u64>,
    pub payload_bytes: Option<u64>,
    pub merkle_root: Option<String>,
    pub threshold: usize,
    /// Distinct trusted principals with a valid signature.
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
    pub checks: Vec<CheckResult>,
    pub problems: Vec<Problem>,
    /// The stored time-stamp tokens and what they prove (FORMAT.md §16), when trusted TSA
    /// roots were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<crate::timestamp::TimeEvidence>,
}

impl VerifyReport {
    /// A report with nothing read yet (not valid).
    pub fn empty(path: &Path, threshold: usize) -> VerifyReport {
        VerifyReport {
            report: "intact-verify/1",
            bundle: path.to_owned(),
            kind: None,
            valid: false,
            bundle_id: None,
            collection: None,
            release: None,
            created: None,
            previous: None,
            item_count: None,
            payload_bytes: None,
            merkle_root: None,
            threshold,
            signers: Vec::new(),
            signatures: Vec::new(),
            checks: Vec::new(),
            problems: Vec::new(),
            timestamps: None,
        }
    }

    /// Copies what the statement says of the release into the report.
    pub(super) fn describe(&mut self, s: &Statement) {
        self.collection = Some(s.collection.clone());
        self.release = Some(s.release.clone());
        self.created = Some(s.created.clone());
        self.previous = s.previous.clone();
        self.item_count = Some(s.item_count);
        self.payload_bytes = Some(s.payload_bytes);
        self.merkle_root = Some(s.merkle_root.clone());
    }

    /// Ends the report with `problems`: one result per check of FORMAT.md §9 in that order,
    /// the problems listed by check (in the order each check found them), and the verdict.
    pub(super) fn finish(&mut self, mut problems: Vec<Problem>) {
        self.checks = Check::ALL
            .iter()
            .map(|c| {
                let n = problems.iter().filter(|p| p.check == *c).count();
                CheckResult {
                    check: *c,
                    passed: n == 0,
                    problems: n,
                }
            })
            .collect();
        // A stable sort: within one check, problems stay in the order they were found.
        problems.sort_by_key(|p| p.check);
        self.problems = problems;
        self.valid =
            self.problems.is_empty() && self.signers.len() >= self.threshold && self.kind.is_some();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_lists_every_check_and_orders_problems_by_check() {
        let mut r = VerifyReport::empty(Path::new("b.zip"), 0);
        r.kind = Some(Kind::Zip);
        r.finish(vec![
            Problem::new(Check::Payload, "data/b", "2"),
            Problem::new(Check::Container, "", "1"),
            Problem::new(Check::Payload, "data/a", "3"),
        ]);
        let order: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(order, ["1", "2", "3"]);
        assert_eq!(r.checks.len(), 10);
        assert_eq!(r.checks[8].check, Check::Payload);
        assert_eq!((r.checks[8].passed, r.checks[8].problems), (false, 2));
        assert!(r.checks[1].passed);
        assert!(!r.valid);
        r.finish(Vec::new());
        assert!(r.valid);
    }

    #[test]
    fn a_report_without_a_bundle_or_signers_is_not_valid() {
        let mut r = VerifyReport::empty(Path::new("b.zip"), 0);
        r.finish(Vec::new());
        assert!(!r.valid, "nothing was read");
        r.kind = Some(Kind::Directory);
        r.threshold = 1;
        r.finish(Vec::new());
        assert!(!r.valid, "no signer");
    }
}
