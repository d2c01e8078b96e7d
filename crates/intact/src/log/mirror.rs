//! `log verify --bundles DIR`: a mirror's bundles checked against the log. Every bundle in DIR
//! is verified in full — each `*.zip` file and each folder holding one bag top directory — so
//! two copies of one release are both verified and both named; anything else in DIR (a
//! README, `lost+found`) is a note, not an error (docs/RELEASES.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Entry, LogError, LogProblem, ReleaseCheck};
use crate::fs::At as _;
use crate::progress::Progress;
use crate::verify::{self, VerifyOptions};

/// Something in the mirror directory that is not a bundle, so was not checked (not an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MirrorNote {
    pub path: PathBuf,
    pub message: String,
}

/// What `--bundles DIR` found besides the problems: the bundles no release names, and notes.
#[derive(Debug, Clone, Default)]
pub(super) struct Mirror {
    pub unlisted: Vec<PathBuf>,
    pub notes: Vec<MirrorNote>,
    /// How many bundles were verified in full against a release of the log.
    pub checked: usize,
}

/// What one entry of the mirror directory is.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// A bundle: a `*.zip` file, or a folder that is (or holds) a bag top directory.
    Bundle,
    /// Not a bundle; the reason.
    Other(String),
}

/// `--bundles DIR`: every bundle in DIR, found by its bundle id, verified in full against the
/// release of the log with that statement (each copy recorded in that release's `bundles`).
pub(super) fn check_mirror(
    dir: &Path,
    entries: &[Entry],
    releases: &mut [ReleaseCheck],
    trust: &VerifyOptions,
    problems: &mut Vec<LogProblem>,
    progress: &dyn Progress,
) -> Result<Mirror, LogError> {
    let mut mirror = Mirror::default();
    let mut index = index_bundles(dir, &mut mirror.notes, problems)?;
    for (e, rc) in entries.iter().zip(releases.iter_mut()) {
        let id = e.bundle_id();
        let Some(copies) = index.remove(&id) else {
            problems.push(LogProblem {
                seq: Some(e.seq),
                release: rc.release.clone(),
                path: dir.display().to_string(),
                message: format!("no bundle in the mirror has this release's statement (bundle id {id}): missing, or its release.json differs"),
            });
            continue;
        };
        for path in copies {
            problems.extend(verify_copy(
                &path,
                e.seq,
                rc.release.as_deref(),
                trust,
                progress,
            )?);
            mirror.checked += 1;
            rc.bundle.get_or_insert_with(|| path.clone());
            rc.bundles.push(path);
        }
    }
    mirror.unlisted = index.into_values().flatten().collect();
    mirror.unlisted.sort();
    Ok(mirror)
}

/// One mirrored copy of release `release` (entry `seq`) verified in full: its problems.
fn verify_copy(
    path: &Path,
    seq: u64,
    release: Option<&str>,
    trust: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<Vec<LogProblem>, LogError> {
    let report = verify::verify_report_with_progress(path, trust, progress)?;
    Ok(copy_problems(
        &report,
        seq,
        release,
        &path.display().to_string(),
    ))
}

/// A mirrored copy's verification report (entry `seq`, release `release`, at `at`: a path or
/// a URL) as the log's problems: each of the bundle's, or one when too few signatures held.
pub(super) fn copy_problems(
    report: &verify::VerifyReport,
    seq: u64,
    release: Option<&str>,
    at: &str,
) -> Vec<LogProblem> {
    let problem = |message: String| LogProblem {
        seq: Some(seq),
        release: release.map(str::to_owned),
        path: at.to_owned(),
        message,
    };
    let mut out: Vec<LogProblem> = report
        .problems
        .iter()
        .map(|p| {
            problem(format!(
                "bundle not valid: {}: {}: {}",
                p.path,
                p.check.name(),
                p.message
            ))
        })
        .collect();
    if out.is_empty() && !report.valid {
        out.push(problem(
            "bundle not valid: not enough trusted signatures".into(),
        ));
    }
    out
}

/// Every bundle directly in `dir`, by bundle id (all copies, in name order). What is not a
/// bundle becomes a note; a bundle whose statement cannot be read is a problem.
fn index_bundles(
    dir: &Path,
    notes: &mut Vec<MirrorNote>,
    problems: &mut Vec<LogProblem>,
) -> Result<BTreeMap<String, Vec<PathBuf>>, LogError> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(dir).at(dir)? {
        paths.push(e.at(dir)?.path());
    }
    paths.sort();
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for p in paths {
        match classify(&p) {
            Kind::Other(message) => notes.push(MirrorNote { path: p, message }),
            Kind::Bundle => match crate::inspect::read_contents(&p) {
                Ok(c) => out.entry(c.bundle_id()).or_default().push(p),
                Err(e) => problems.push(LogProblem {
                    seq: None,
                    release: None,
                    path: p.display().to_string(),
                    message: format!("unreadable bundle: {e}"),
                }),
            },
        }
    }
    Ok(out)
}

/// Whether `p` (an entry of the mirror directory, symlinks followed) is a bundle: a regular
/// file named `*.zip` (any case), or a folder that is a bag top directory (holds `bagit.txt`)
/// or holds one (a folder holding a bag top directory and anything else is a bundle that
/// cannot be read, so a problem, not a note).
fn classify(p: &Path) -> Kind {
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) => return Kind::Other(format!("not checked: cannot be read: {e}")),
    };
    let is_zip_name = p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip"));
    if meta.is_file() && is_zip_name {
        return Kind::Bundle;
    }
    if !meta.is_dir() {
        return Kind::Other(
            "not a bundle (bundles are *.zip files and folders holding one bag top directory)"
                .into(),
        );
    }
    if p.join("bagit.txt").is_file() {
        return Kind::Bundle;
    }
    let subs = match std::fs::read_dir(p) {
        Ok(rd) => rd,
        Err(e) => return Kind::Other(format!("not checked: folder cannot be listed: {e}")),
    };
    let holds_bag = subs
        .filter_map(Result::ok)
        .any(|s| s.path().is_dir() && s.path().join("bagit.txt").is_file());
    if holds_bag {
        Kind::Bundle
    } else {
        Kind::Other("not a bundle: a folder holding no bag top directory".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_are_zip_files_and_folders_holding_a_bag() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("r1.zip"), b"x").unwrap();
        std::fs::write(d.join("R2.ZIP"), b"x").unwrap();
        std::fs::write(d.join("README"), b"x").unwrap();
        std::fs::write(d.join("r1.zip.sha256"), b"x").unwrap();
        std::fs::create_dir_all(d.join("lost+found")).unwrap();
        std::fs::create_dir_all(d.join("tree.zip")).unwrap();
        std::fs::create_dir_all(d.join("holder/coll-r1")).unwrap();
        std::fs::write(d.join("holder/coll-r1/bagit.txt"), b"x").unwrap();
        std::fs::create_dir_all(d.join("coll-r2")).unwrap();
        std::fs::write(d.join("coll-r2/bagit.txt"), b"x").unwrap();
        for b in ["r1.zip", "R2.ZIP", "holder", "coll-r2"] {
            assert_eq!(classify(&d.join(b)), Kind::Bundle, "{b}");
        }
        for o in [
            "README",
            "r1.zip.sha256",
            "lost+found",
            "tree.zip",
            "missing.zip",
        ] {
            assert!(matches!(classify(&d.join(o)), Kind::Other(_)), "{o}");
        }
    }

    #[test]
    fn what_is_not_a_bundle_is_a_note_and_a_broken_bundle_a_problem() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        std::fs::write(d.join("README.txt"), b"mirror of the case archive").unwrap();
        std::fs::create_dir_all(d.join("lost+found")).unwrap();
        std::fs::write(d.join("broken.zip"), b"not a zip").unwrap();
        let (mut notes, mut problems) = (Vec::new(), Vec::new());
        let index = index_bundles(d, &mut notes, &mut problems).unwrap();
        assert!(index.is_empty());
        let noted: Vec<&Path> = notes.iter().map(|n| n.path.as_path()).collect();
        assert_eq!(noted, [d.join("README.txt"), d.join("lost+found")]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].path.ends_with("broken.zip"), "{problems:?}");
    }
}
