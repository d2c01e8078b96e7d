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

    fn load(&self, opts: &VerifyOptions) -> Result<Verified, VerifyError> {
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
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Log, file, &d);
    let entries = discover_log(dir)?;
    let vopts = skip_payload(opts);
    let mut releases: Vec<Release> = Vec::new();
    for entry in &entries {
        let src = entry.path();
        let v = match entry.load(&vopts) {
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
