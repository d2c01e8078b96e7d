//! Reviewed exceptions.
//!
//! An exception waives one rule for one file, with a written reason. File format: UTF-8 text,
//! one exception per line, three TAB-separated fields `path<TAB>rule<TAB>reason`, where `path` is
//! the file's path relative to the scanned source directory (with `/` separators), `rule` a rule
//! id and `reason` a non-empty free text. `#` comment lines and blank lines are ignored.
//! `deny-list-match` can never be excepted: a withheld string must be removed, not waived.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::denylist::DenyList;
use super::error::GateError;
use super::report::Finding;
use super::rules::RuleId;

/// One reviewed exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exception {
    #[serde(serialize_with = "ser_path")]
    pub path: PathBuf,
    pub rule: RuleId,
    pub reason: String,
}

fn ser_path<S: serde::Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

/// Deny-list findings in the reasons of `exceptions`: a reason is recorded in the manifest with
/// the finding it waives, so it must hold no withheld string (the finding names the exception
/// by its path and rule, never the reason).
pub fn scan_reasons(deny: &DenyList, exceptions: &[Exception]) -> Vec<Finding> {
    exceptions
        .iter()
        .flat_map(|e| {
            deny.find(&e.reason).into_iter().map(|masked| Finding {
                file: PathBuf::new(),
                location: format!("exception reason for {} {}", e.path.display(), e.rule),
                rule: RuleId::DenyListMatch,
                masked: Some(masked),
            })
        })
        .collect()
}

/// Deny-list findings in what the manifest records of each excepted finding besides the reason
/// ([`scan_reasons`]): its location (a member or field name, say).
pub fn scan_excepted(deny: &DenyList, excepted: &[super::report::Excepted]) -> Vec<Finding> {
    excepted
        .iter()
        .flat_map(|x| {
            let f = &x.finding;
            deny.find_in_name(&f.location)
                .into_iter()
                .map(|masked| Finding {
                    file: f.file.clone(),
                    location: format!("location of the excepted {} finding", f.rule),
                    rule: RuleId::DenyListMatch,
                    masked: Some(masked),
                })
        })
        .collect()
}

/// Load an exception file.
pub fn load_exceptions(path: &Path) -> Result<Vec<Exception>, GateError> {
    let text = std::fs::read_to_string(path).map_err(|source| GateError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_exceptions(path, &text)
}

/// Parse exception text; `origin` names it in errors.
pub fn parse_exceptions(origin: &Path, text: &str) -> Result<Vec<Exception>, GateError> {
    let err = |line: usize, reason: &str| GateError::Exceptions {
        path: origin.to_path_buf(),
        line,
        reason: reason.to_string(),
    };
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, '\t').collect();
        if parts.len() != 3 {
            return Err(err(n, "expected path<TAB>rule<TAB>reason"));
        }
        let path = PathBuf::from(parts[0].trim());
        if path.as_os_str().is_empty()
            || path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(err(
                n,
                "path must be relative to the source directory, without `..`",
            ));
        }
        let rule: RuleId = parts[1]
            .trim()
            .parse()
            .map_err(|_| err(n, "unknown rule id"))?;
        if !rule.exceptable() {
            return Err(err(n, "deny-list-match can never be excepted"));
        }
        let reason = parts[2].trim();
        if reason.is_empty() {
            return Err(err(n, "the reason must not be empty"));
        }
        out.push(Exception {
            path,
            rule,
            reason: reason.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{build_report, ScanOptions};

    fn opts(reason: &str) -> ScanOptions {
        ScanOptions {
            deny: Some(DenyList::from_entries(&["Ivan Fictitious"]).unwrap()),
            exceptions: vec![Exception {
                path: PathBuf::from("a.pdf"),
                rule: RuleId::PdfAnnotation,
                reason: reason.into(),
            }],
            ..Default::default()
        }
    }

    /// What the manifest records of an exception (its reason, the waived finding's location)
    /// is matched too, and the report shows neither in clear.
    #[test]
    fn reasons_and_excepted_locations_are_matched() {
        let annotation = Finding::new("a.pdf", "annotation", RuleId::PdfAnnotation);
        let r = build_report(vec![annotation], 1, &opts("asked IVAN FICTITIOUS"), None);
        assert!(!r.clean());
        assert_eq!(
            r.findings[0].location,
            "exception reason for a.pdf pdf-annotation"
        );
        assert_eq!(r.excepted[0].reason, "asked [withheld #1, 15 chars]");

        let named = Finding::new(
            "a.pdf",
            "annotation by Ivan_Fictitious",
            RuleId::PdfAnnotation,
        );
        let r = build_report(vec![named], 1, &opts("reviewed"), None);
        assert!(!r.clean());
        assert_eq!(
            r.findings[0].location,
            "location of the excepted pdf-annotation finding"
        );
        assert_eq!(
            r.excepted[0].finding.location,
            "annotation by [withheld #1, 15 chars]"
        );
        let r = build_report(
            vec![Finding::new("a.pdf", "annotation", RuleId::PdfAnnotation)],
            1,
            &opts("reviewed"),
            None,
        );
        assert!(r.clean());
    }
}
