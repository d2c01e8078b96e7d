//! `log verify --bundles DIR`: a mirror's bundles checked against the log. Every bundle in DIR
//! is verified in full — each `*.zip` file and each folder holding one bag top directory — so
//! two copies of one release are both verified and both named; anything else in DIR (a
//! README, `lost+found`) is a note, not an error (docs/RELEASES.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fleet::{self, run_bounded, Fleet, Shared};
use super::{Entry, LogError, LogProblem, ReleaseCheck};
use crate::bundle::{Bundle, Member};
use crate::fs::At as _;
use crate::inspect::InspectError;
use crate::limits::Limits;
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
/// Bundles are indexed and verified several at once within `fleet`'s memory bound
/// (`fleet.rs`); problems and results are in the order of a run one at a time.
pub(super) fn check_mirror(
    dir: &Path,
    entries: &[Entry],
    releases: &mut [ReleaseCheck],
    trust: &VerifyOptions,
    problems: &mut Vec<LogProblem>,
    progress: &dyn Progress,
    fleet: &Fleet,
) -> Result<Mirror, LogError> {
    let mut mirror = Mirror::default();
    let mut index = index_bundles(dir, &mut mirror.notes, problems, fleet)?;
    let at = dir.display().to_string();
    let copies = Copies {
        entries,
        at: &at,
        progress,
        fleet,
    };
    mirror.checked = copies.verify(&mut index, releases, problems, |path, seq, release, p| {
        verify_copy(path, seq, release, trust, p)
    })?;
    mirror.unlisted = index.into_values().flatten().map(|i| i.path).collect();
    mirror.unlisted.sort();
    Ok(mirror)
}

/// A bundle of the mirror, indexed: where it is, its estimated verification memory
/// (`fleet::verify_estimate`), and its payload files and bytes (for the progress).
#[derive(Debug)]
pub(super) struct Indexed {
    pub path: PathBuf,
    pub estimate: u64,
    files: u64,
    /// The payload's bytes, when known ahead (not for a tree).
    bytes: Option<u64>,
}

impl Indexed {
    /// The bundle at `path`, opened as `b`.
    pub(super) fn of(path: PathBuf, b: &Bundle) -> Indexed {
        let payload = b.members.under("data/");
        Indexed {
            path,
            estimate: fleet::verify_estimate(b, &Limits::DEFAULT),
            files: payload.len() as u64,
            bytes: payload.iter().map(Member::listed_size).sum(),
        }
    }
}

/// Every copy of every release of the log verified, for a folder and for object storage.
pub(super) struct Copies<'a> {
    pub entries: &'a [Entry],
    /// What a missing release's problem names: the mirror folder or URL.
    pub at: &'a str,
    pub progress: &'a dyn Progress,
    pub fleet: &'a Fleet,
}

impl Copies<'_> {
    /// The copies in `index` of each release verified in full with `verify` (path, entry,
    /// release, progress: its problems), several at once within the fleet's bound; each is
    /// taken out of `index` (what is left no release names) and recorded in its release's
    /// `bundles`, its problems added in the order of the releases and then of the copies' names,
    /// as a release with no copy is. Returns how many were verified.
    pub(super) fn verify(
        &self,
        index: &mut BTreeMap<String, Vec<Indexed>>,
        releases: &mut [ReleaseCheck],
        problems: &mut Vec<LogProblem>,
        verify: impl Fn(&Path, u64, Option<&str>, &dyn Progress) -> Result<Vec<LogProblem>, LogError>
            + Sync,
    ) -> Result<usize, LogError> {
        let plan: Vec<Option<Vec<Indexed>>> = self
            .entries
            .iter()
            .map(|e| index.remove(&e.bundle_id()))
            .collect();
        let jobs: Vec<(usize, &Indexed)> = plan
            .iter()
            .enumerate()
            .flat_map(|(n, c)| c.iter().flatten().map(move |i| (n, i)))
            .collect();
        let estimates: Vec<u64> = jobs.iter().map(|(_, i)| i.estimate).collect();
        self.progress.start(
            jobs.iter().map(|(_, i)| i.files).sum(),
            // 0 (not known ahead) when a copy is a tree, whose files are sized as read
            jobs.iter()
                .map(|(_, i)| i.bytes)
                .sum::<Option<u64>>()
                .unwrap_or(0),
        );
        let shared = Shared(self.progress);
        let names: Vec<Option<String>> = releases.iter().map(|r| r.release.clone()).collect();
        let verified = run_bounded(&jobs, &estimates, self.fleet, |(n, i)| {
            let seq = self.entries[*n].seq;
            verify(&i.path, seq, names[*n].as_deref(), &shared)
        });
        self.progress.finish();
        let mut verified = verified?.into_iter();
        let mut checked = 0;
        for ((e, rc), copies) in self.entries.iter().zip(releases.iter_mut()).zip(plan) {
            let Some(copies) = copies else {
                let id = e.bundle_id();
                problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: rc.release.clone(),
                    path: self.at.to_owned(),
                    message: format!("no bundle in the mirror has this release's statement (bundle id {id}): missing, or its release.json differs"),
                });
                continue;
            };
            for (copy, found) in copies.into_iter().zip(verified.by_ref()) {
                problems.extend(found);
                checked += 1;
                rc.bundle.get_or_insert_with(|| copy.path.clone());
                rc.bundles.push(copy.path);
            }
        }
        Ok(checked)
    }
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

/// Every bundle directly in `dir`, by bundle id (all copies, in name order), read several at
/// once within `fleet`'s bound. What is not a bundle becomes a note; a bundle whose statement
/// cannot be read is a problem.
fn index_bundles(
    dir: &Path,
    notes: &mut Vec<MirrorNote>,
    problems: &mut Vec<LogProblem>,
    fleet: &Fleet,
) -> Result<BTreeMap<String, Vec<Indexed>>, LogError> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for e in std::fs::read_dir(dir).at(dir)? {
        paths.push(e.at(dir)?.path());
    }
    paths.sort();
    let mut bundles: Vec<PathBuf> = Vec::new();
    let mut estimates: Vec<u64> = Vec::new();
    for p in paths {
        match classify(&p) {
            Kind::Other(message) => notes.push(MirrorNote { path: p, message }),
            Kind::Bundle => {
                let len = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                estimates.push(fleet::index_estimate(&p, len));
                bundles.push(p);
            }
        }
    }
    let read = run_bounded(&bundles, &estimates, fleet, |p| {
        Ok::<_, LogError>(index_one(p))
    })?;
    let mut out: BTreeMap<String, Vec<Indexed>> = BTreeMap::new();
    for (p, r) in bundles.into_iter().zip(read) {
        match r {
            Ok((id, indexed)) => out.entry(id).or_default().push(indexed),
            Err(e) => problems.push(LogProblem {
                seq: None,
                release: None,
                path: p.display().to_string(),
                message: format!("unreadable bundle: {e}"),
            }),
        }
    }
    Ok(out)
}

/// The bundle at `p` opened, its statement and item records read (as `inspect` reads them):
/// its bundle id and what verifying it will take.
fn index_one(p: &Path) -> Result<(String, Indexed), InspectError> {
    let b = Bundle::open(p)?;
    let id = crate::inspect::contents_of(&b, p)?.bundle_id();
    Ok((id, Indexed::of(p.to_owned(), &b)))
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
        let index = index_bundles(d, &mut notes, &mut problems, &Fleet::default()).unwrap();
        assert!(index.is_empty());
        let noted: Vec<&Path> = notes.iter().map(|n| n.path.as_path()).collect();
        assert_eq!(noted, [d.join("README.txt"), d.join("lost+found")]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].path.ends_with("broken.zip"), "{problems:?}");
    }
}
