//! Completeness (RFC 8493 §3): every file a manifest lists is present, every payload file is
//! listed, and names that only a case-insensitive or normalizing file system would match are
//! explained instead of reported as plain missing files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::fetch::{self, FetchEntry};
use super::manifest::{Kind, Manifest};
use super::payload::{self, Payload};
use super::report::{Code, Problem};
use super::version::Version;

/// Checks presence and listing. Returns the listed paths that are present as regular files
/// (the ones fixity can hash).
pub fn check(
    bag: &Path,
    version: Version,
    payload: &Payload,
    manifests: &[Manifest],
    fetch_entries: &[FetchEntry],
    problems: &mut Vec<Problem>,
) -> BTreeSet<String> {
    let mut present = BTreeSet::new();
    let payload_manifests: Vec<&Manifest> = manifests
        .iter()
        .filter(|m| m.kind == Kind::Payload)
        .collect();

    // path -> (manifest file, line) for every payload manifest listing it, in manifest order.
    let mut listed: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for m in &payload_manifests {
        for e in &m.entries {
            listed
                .entry(e.path.as_str())
                .or_default()
                .push((m.file.as_str(), e.line));
        }
    }
    let to_fetch: HashMap<&str, &FetchEntry> =
        fetch_entries.iter().map(|f| (f.path.as_str(), f)).collect();

    let mut by_nfc: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut by_folded: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for path in payload.files.keys() {
        by_nfc.entry(nfc(path)).or_default().push(path);
        by_folded.entry(folded(path)).or_default().push(path);
    }

    let mut explained: BTreeSet<&str> = BTreeSet::new();
    for (&path, places) in &listed {
        if payload.files.contains_key(path) {
            present.insert(path.to_owned());
            continue;
        }
        if payload.rejected.contains(path) {
            continue;
        }
        let (file, line) = places[0];
        let names: Vec<&str> = places.iter().map(|(f, _)| *f).collect();
        if payload.dirs.contains(path) {
            problems.push(Problem::error(
                Code::NotAFile,
                file,
                Some(line),
                format!("{path:?} is a directory; manifests list files only"),
            ));
            continue;
        }
        if let Some(f) = to_fetch.get(path) {
            problems.push(Problem::warning(
                Code::NotYetFetched,
                fetch::FILE,
                Some(f.line),
                format!(
                    "{path:?} is not present yet; fetch.txt says to download it from {}",
                    f.url
                ),
            ));
            continue;
        }
        let same_nfc = by_nfc.get(&nfc(path)).and_then(|v| v.first().copied());
        let same_folded = by_folded
            .get(&folded(path))
            .and_then(|v| v.first().copied());
        if let Some(other) = same_nfc {
            explained.insert(other);
            problems.push(Problem::error(
                Code::AssumesNormalizingFs,
                file,
                Some(line),
                format!(
                    "{path:?} is listed but only {other:?} exists; the two names differ only in Unicode normalization. \
                     On a file system that keeps names as written (Linux, Windows) they are two different files; \
                     this bag assumes one that normalizes names (macOS HFS+)"
                ),
            ));
        } else if let Some(other) = same_folded {
            explained.insert(other);
            problems.push(Problem::error(
                Code::AssumesCaseInsensitiveFs,
                file,
                Some(line),
                format!(
                    "{path:?} is listed but only {other:?} exists; on a case-sensitive file system (Linux) \
                     {path:?} and {other:?} are two files; this bag assumes a case-insensitive one (macOS, Windows)"
                ),
            ));
        } else if let Some(origin) = payload::system_file_origin(path) {
            problems.push(Problem::error(
                Code::MissingSystemFile,
                file,
                Some(line),
                format!(
                    "{path:?} is listed but missing; it is {origin} metadata, which that system creates and hides \
                     and other systems and copy tools drop, so the bag depends on the system it was made on"
                ),
            ));
        } else {
            problems.push(Problem::error(
                Code::MissingFile,
                file,
                Some(line),
                format!(
                    "{path:?} is listed in {} but is not in the bag",
                    names.join(", ")
                ),
            ));
        }
    }

    for path in payload.files.keys() {
        let count = listed.get(path.as_str()).map_or(0, Vec::len);
        if count == 0 {
            if !explained.contains(path.as_str()) && !payload_manifests.is_empty() {
                problems.push(Problem::error(
                    Code::UnlistedFile,
                    path,
                    None,
                    "payload file is not listed in any payload manifest",
                ));
            }
        } else if count < payload_manifests.len() {
            let missing_from: Vec<&str> = payload_manifests
                .iter()
                .filter(|m| !m.entries.iter().any(|e| e.path == *path))
                .map(|m| m.file.as_str())
                .collect();
            let message = format!("payload file is not listed in {}", missing_from.join(", "));
            problems.push(if version.requires_every_manifest() {
                Problem::error(Code::NotInEveryManifest, path, None, message)
            } else {
                Problem::warning(Code::NotInEveryManifest, path, None, message)
            });
        }
        if let Some(origin) = payload::system_file_origin(path) {
            problems.push(Problem::warning(
                Code::SystemFile,
                path,
                None,
                format!(
                    "{origin} metadata file in the payload; probably not meant to be preserved"
                ),
            ));
        }
    }

    for group in by_nfc.values().filter(|g| g.len() > 1) {
        problems.push(Problem::warning(
            Code::NormalizationCollision,
            group[0],
            None,
            format!(
                "{} differ only in Unicode normalization; a normalizing file system (macOS) cannot hold them all",
                quoted(group)
            ),
        ));
    }
    for group in by_folded.values().filter(|g| g.len() > 1) {
        if group.iter().map(|p| nfc(p)).collect::<BTreeSet<_>>().len() > 1 {
            problems.push(Problem::warning(
                Code::CaseCollision,
                group[0],
                None,
                format!(
                    "{} differ only in letter case; a case-insensitive file system (macOS, Windows) cannot hold them all",
                    quoted(group)
                ),
            ));
        }
    }

    for m in manifests.iter().filter(|m| m.kind == Kind::Tag) {
        for e in &m.entries {
            if let Some(link) = symlinked_ancestor(bag, &e.path) {
                problems.push(Problem::error(
                    Code::Symlink,
                    &m.file,
                    Some(e.line),
                    format!("{:?} is reached through the symlink {link:?}; intact does not follow symlinks", e.path),
                ));
                continue;
            }
            match std::fs::symlink_metadata(bag.join(&e.path)) {
                Ok(meta) if meta.is_file() => {
                    present.insert(e.path.clone());
                }
                Ok(meta) if meta.file_type().is_symlink() => problems.push(Problem::error(
                    Code::Symlink,
                    &m.file,
                    Some(e.line),
                    format!("{:?} is a symlink; intact does not follow symlinks", e.path),
                )),
                Ok(meta) if meta.is_dir() => problems.push(Problem::error(
                    Code::NotAFile,
                    &m.file,
                    Some(e.line),
                    format!("{:?} is a directory; manifests list files only", e.path),
                )),
                Ok(_) => problems.push(Problem::error(
                    Code::SpecialFile,
                    &m.file,
                    Some(e.line),
                    format!("{:?} is a special file, not a regular file", e.path),
                )),
                Err(_) => problems.push(Problem::error(
                    Code::MissingFile,
                    &m.file,
                    Some(e.line),
                    format!("tag file {:?} is listed but is not in the bag", e.path),
                )),
            }
        }
    }

    for f in fetch_entries {
        if !payload_manifests.is_empty() && !listed.contains_key(f.path.as_str()) {
            problems.push(Problem::error(
                Code::FetchNotInManifest,
                fetch::FILE,
                Some(f.line),
                format!("{:?} is in fetch.txt but in no payload manifest, so it could not be verified once fetched", f.path),
            ));
        }
    }
    present
}

/// The first directory on the way to `path` (relative to the bag) that is a symlink, if any.
fn symlinked_ancestor(bag: &Path, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    (1..segments.len())
        .map(|i| segments[..i].join("/"))
        .find(|prefix| {
            std::fs::symlink_metadata(bag.join(prefix)).is_ok_and(|m| m.file_type().is_symlink())
        })
}

fn nfc(path: &str) -> String {
    path.nfc().collect()
}

fn folded(path: &str) -> String {
    path.nfc().flat_map(char::to_lowercase).collect()
}

fn quoted(paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(" and ")
}
