//! `intact check --log`: the file looked up in every valid release of a log directory (a
//! release log, or a directory of bundles), and whether it is current, or a later release's
//! signed change record superseded or withdrew it (with that record's reason).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{
    bundle_problems, check_threshold, file_name, hash_file, into_release, lookup, new_report,
    not_found, release_info, skip_payload, ChangedBy, CheckError, CheckMode, CheckProblem,
    CheckReport, CheckStep, ItemStatus, Release,
};
use crate::bag;
use crate::fs::At as _;
use crate::manifest::{Change, ChangeAction, Item};
use crate::verify::{self, Verified, VerifyError, VerifyOptions};

/// One release source of a log directory. A later layout (statements stored beside their
/// manifests) becomes another variant with its own `load`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseSource {
    /// A bundle ZIP, or an extracted bundle directory.
    Bundle(PathBuf),
    /// An entry of a release log directory (`NNNNNN/` with release.json, manifest.json and
    /// signatures; docs/RELEASES.md).
    Logged(PathBuf),
}

impl ReleaseSource {
    pub fn path(&self) -> &Path {
        match self {
            ReleaseSource::Bundle(p) | ReleaseSource::Logged(p) => p,
        }
    }

    pub(crate) fn load(&self, opts: &VerifyOptions) -> Result<Verified, VerifyError> {
        match self {
            ReleaseSource::Bundle(p) => verify::verify_full(p, opts),
            ReleaseSource::Logged(p) => crate::log::verify_entry(p, opts).map_err(|e| match e {
                crate::log::LogError::Verify(v) => v,
                other => VerifyError::Io {
                    path: p.clone(),
                    source: std::io::Error::other(other.to_string()),
                },
            }),
        }
    }
}

/// The release sources of `dir`: the entries of a release log (`000001/`, …), or else every
/// `*.zip` file directly in `dir` and every directory that is an extracted bundle (holds
/// `intact/release.json`, itself or in its one subdirectory), sorted by name.
pub fn discover_log(dir: &Path) -> Result<Vec<ReleaseSource>, CheckError> {
    if crate::log::is_log_dir(dir) {
        // What an entry is, the log's own reader says (`log verify` reports the rest).
        let (entries, _) = crate::log::entry_dirs(dir)?;
        return Ok(entries
            .into_iter()
            .map(|(_, p)| ReleaseSource::Logged(p))
            .collect());
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).at(dir)? {
        let e = e.at(dir)?;
        let p = e.path();
        let ft = e.file_type().at(&p)?;
        let name = e.file_name().to_string_lossy().to_ascii_lowercase();
        let is_zip = ft.is_file() && name.ends_with(".zip");
        if is_zip || (ft.is_dir() && is_bundle_dir(&p)) {
            out.push(ReleaseSource::Bundle(p));
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(out)
}

/// Whether `p` is an extracted bundle: it holds `intact/release.json`, itself or in its one
/// subdirectory.
fn is_bundle_dir(p: &Path) -> bool {
    if p.join(bag::RELEASE_PATH).is_file() {
        return true;
    }
    let Ok(rd) = std::fs::read_dir(p) else {
        return false;
    };
    let subs: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    subs.len() == 1 && subs[0].join(bag::RELEASE_PATH).is_file()
}

/// Whether following `previous` links from `from` reaches the release with bundle id `to`.
fn chain_reaches(from: &Release, to: &str, by_id: &HashMap<&str, &Release>) -> bool {
    let mut cur = from;
    for _ in 0..by_id.len() {
        let Some(prev) = &cur.statement.previous else {
            return false;
        };
        if prev.sha256 == to {
            return true;
        }
        match by_id.get(prev.sha256.as_str()) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    false
}

/// Whether `a` comes after `b`: by `previous` links when they connect them, else by `created`.
fn is_later(a: &Release, b: &Release, by_id: &HashMap<&str, &Release>) -> bool {
    if chain_reaches(a, &b.bundle_id, by_id) {
        return true;
    }
    if chain_reaches(b, &a.bundle_id, by_id) {
        return false;
    }
    a.statement.created > b.statement.created
}

/// `intact check FILE --log DIR`: looks the file's digest up in every valid release of a log.
pub fn check_log(file: &Path, dir: &Path, opts: &VerifyOptions) -> Result<CheckReport, CheckError> {
    check_log_timed(file, dir, opts, None)
}

/// [`check_log`], each release judged with trusted time when `time` is given (FORMAT.md §16.3:
/// [`crate::timestamp::check::load_source`]).
pub fn check_log_timed(
    file: &Path,
    dir: &Path,
    opts: &VerifyOptions,
    time: Option<&crate::timestamp::TimeOptions>,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Log, file, &d);
    let entries = discover_log(dir)?;
    let vopts = skip_payload(opts);
    let mut releases: Vec<Release> = Vec::new();
    for entry in &entries {
        let src = entry.path();
        let v = match crate::timestamp::check::load_source(entry, &vopts, time) {
            Ok(v) => v,
            Err(e) => {
                r.skipped.push(CheckProblem {
                    check: CheckStep::Bundle,
                    source: src.to_owned(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        r.releases.push(release_info(src, &v.report));
        if !v.report.valid {
            r.skipped.extend(bundle_problems(src, &v.report));
            continue;
        }
        if let Some(rel) = into_release(src, v) {
            if !releases.iter().any(|o| o.bundle_id == rel.bundle_id) {
                releases.push(rel);
            }
        }
    }
    releases.sort_by(|a, b| {
        (a.statement.created.as_str(), &a.source).cmp(&(b.statement.created.as_str(), &b.source))
    });
    let by_id: HashMap<&str, &Release> =
        releases.iter().map(|r| (r.bundle_id.as_str(), r)).collect();
    let name = file_name(file);
    let mut same_name = Vec::new();
    for rel in &releases {
        let (found, names) = lookup(rel, &d, &name);
        for mut a in found {
            let (status, changed) = item_status(rel, &a.item, &releases, &by_id);
            a.status = Some(status);
            match status {
                ItemStatus::Current => {}
                ItemStatus::Superseded => a.superseded_by = changed,
                ItemStatus::Withdrawn => a.withdrawn_by = changed,
            }
            r.found.push(a);
        }
        same_name.extend(names);
    }
    if r.found.is_empty() {
        r.same_name = same_name;
        let what = format!(
            "the {} valid release(s) in {}",
            releases.len(),
            dir.display()
        );
        not_found(&mut r, dir, &what);
    }
    r.valid = !r.found.is_empty();
    Ok(r)
}

/// Where `item` of `rel` stands: superseded or withdrawn when a later release of the same
/// collection carries a change record for exactly this version (its id, `rel`'s release id and
/// its sha256) — the earliest such release, with the record's reason — and current otherwise.
/// A later release that does not list the item changes nothing: releases carry only new items.
fn item_status(
    rel: &Release,
    item: &Item,
    releases: &[Release],
    by_id: &HashMap<&str, &Release>,
) -> (ItemStatus, Option<ChangedBy>) {
    let is_record = |c: &&Change| {
        c.id == item.id && c.release == rel.statement.release && c.sha256 == item.sha256
    };
    let first = releases
        .iter()
        .filter(|o| {
            o.bundle_id != rel.bundle_id
                && o.statement.collection == rel.statement.collection
                && is_later(o, rel, by_id)
        })
        .filter_map(|o| o.manifest.changes.iter().find(is_record).map(|c| (o, c)))
        .min_by(|(a, _), (b, _)| {
            if is_later(a, b, by_id) {
                Ordering::Greater
            } else if is_later(b, a, by_id) {
                Ordering::Less
            } else {
                Ordering::Equal
            }
        });
    let Some((o, c)) = first else {
        return (ItemStatus::Current, None);
    };
    let by_sha256 = c.by.as_deref().and_then(|by| {
        o.manifest
            .items
            .iter()
            .find(|i| i.id == by)
            .and_then(|i| i.sha256.clone())
    });
    let status = match c.action {
        ChangeAction::Superseded => ItemStatus::Superseded,
        ChangeAction::Withdrawn => ItemStatus::Withdrawn,
    };
    let changed = ChangedBy {
        source: o.source.clone(),
        release: o.statement.release.clone(),
        created: o.statement.created.clone(),
        bundle_id: o.bundle_id.clone(),
        action: c.action,
        by: c.by.clone(),
        sha256: by_sha256,
        reason: c.reason.clone(),
    };
    (status, Some(changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;
    use crate::release::{Previous, Statement};

    fn item(id: &str, sha: &str) -> Item {
        Item {
            id: id.into(),
            path: Some(format!("data/{id}")),
            sha256: Some(sha.into()),
            size: Some(1),
            media_type: None,
            metadata: None,
            redaction: None,
        }
    }

    fn change(id: &str, sha: &str, action: ChangeAction, by: Option<&str>, why: &str) -> Change {
        Change {
            id: id.into(),
            release: "r1".into(),
            sha256: Some(sha.into()),
            action,
            by: by.map(Into::into),
            reason: why.into(),
        }
    }

    /// Release `n` (`r<n>`, bundle id `b<n>`), following `r<n-1>`.
    fn release(n: u32, items: Vec<Item>, changes: Vec<Change>) -> Release {
        let name = format!("r{n}");
        Release {
            source: PathBuf::from(format!("{name}.zip")),
            statement: Statement {
                format: "intact-release/1".into(),
                collection: "c".into(),
                release: name.clone(),
                created: format!("2026-0{n}-01T00:00:00Z"),
                previous: (n > 1).then(|| Previous {
                    release: format!("r{}", n - 1),
                    sha256: format!("b{}", n - 1),
                }),
                item_count: items.len() as u64,
                payload_bytes: 0,
                merkle_root: String::new(),
                tag_files: Default::default(),
                gate: None,
            },
            bundle_id: format!("b{n}"),
            manifest: Manifest {
                format: String::new(),
                collection: "c".into(),
                release: name,
                items,
                changes,
                exceptions: Vec::new(),
            },
            signers: Vec::new(),
        }
    }

    fn status_of(releases: &[Release], id: &str) -> (ItemStatus, Option<ChangedBy>) {
        let by_id: HashMap<&str, &Release> =
            releases.iter().map(|r| (r.bundle_id.as_str(), r)).collect();
        let it = releases[0].manifest.items.iter().find(|i| i.id == id);
        item_status(&releases[0], it.unwrap(), releases, &by_id)
    }

    #[test]
    fn only_a_change_record_for_this_version_ends_an_item() {
        let items = vec![
            item("a", "a1"),
            item("b", "b1"),
            item("c", "c1"),
            item("e", "e1"),
        ];
        let r1 = release(1, items, vec![]);
        // r2 only adds d; r3 supersedes a, withdraws b, and has a record for another version
        // of e (e0), which is not e1.
        let r2 = release(2, vec![item("d", "d1")], vec![]);
        let r3 = release(
            3,
            vec![item("a", "a3")],
            vec![
                change(
                    "a",
                    "a1",
                    ChangeAction::Superseded,
                    Some("a"),
                    "re-redacted",
                ),
                change("b", "b1", ChangeAction::Withdrawn, None, "court order"),
                change("e", "e0", ChangeAction::Withdrawn, None, "other version"),
            ],
        );
        let rs = [r1, r2, r3];
        for id in ["c", "e"] {
            let (st, by) = status_of(&rs, id);
            assert_eq!((st, by.is_none()), (ItemStatus::Current, true), "{id}");
        }
        let (st, by) = status_of(&rs, "a");
        assert_eq!(st, ItemStatus::Superseded);
        let by = by.unwrap();
        assert_eq!(
            (by.release.as_str(), by.reason.as_str()),
            ("r3", "re-redacted")
        );
        assert_eq!(
            (by.by.as_deref(), by.sha256.as_deref()),
            (Some("a"), Some("a3"))
        );
        let (st, by) = status_of(&rs, "b");
        assert_eq!(st, ItemStatus::Withdrawn);
        let by = by.unwrap();
        assert_eq!(
            (by.release.as_str(), by.reason.as_str()),
            ("r3", "court order")
        );
        assert_eq!(by.action, ChangeAction::Withdrawn);
    }

    #[test]
    fn the_earliest_later_record_is_named() {
        let r1 = release(1, vec![item("a", "a1")], vec![]);
        let rec = |why| change("a", "a1", ChangeAction::Superseded, Some("a"), why);
        // A fork: r2 and another r2 both follow r1 with a record for a; the one created first
        // (here listed last) is named.
        let mut r2 = release(2, vec![item("a", "a2")], vec![rec("first")]);
        let mut other = release(3, vec![item("a", "a2b")], vec![rec("second")]);
        other.statement.previous = r2.statement.previous.clone();
        r2.statement.created = "2026-02-01T00:00:00Z".into();
        other.statement.created = "2026-02-02T00:00:00Z".into();
        let rs = [r1, other, r2];
        let (_, by) = status_of(&rs, "a");
        assert_eq!(by.unwrap().reason, "first");
    }
}
