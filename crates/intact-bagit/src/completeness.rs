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

/// Payload manifest entries by path: the manifest file and line of every payload manifest that
/// lists the path, in manifest order.
type Listed<'m> = BTreeMap<&'m str, Vec<(&'m str, usize)>>;

/// Checks presence and listing, RFC 8493 §3 items 2–4, then fetch.txt against the payload
/// manifests (§2.2.3). Returns the listed paths that are present as regular files (the ones
/// fixity can hash).
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
    let listed = listed_payload_files(&payload_manifests);
    let names = NameIndex::of(payload);
    let explained = check_listed_payload_present(
        payload,
        &listed,
        &names,
        fetch_entries,
        &mut present,
        problems,
    );
    check_payload_listed(
        version,
        payload,
        &payload_manifests,
        &listed,
        &explained,
        problems,
    );
    check_name_collisions(&names, problems);
    check_listed_tag_files_present(bag, manifests, &mut present, problems);
    check_fetch_listed(&payload_manifests, &listed, fetch_entries, problems);
    present
}

/// Every path the payload manifests list, with where each lists it.
fn listed_payload_files<'m>(payload_manifests: &[&'m Manifest]) -> Listed<'m> {
    let mut listed: Listed<'m> = BTreeMap::new();
    for m in payload_manifests {
        for e in &m.entries {
            listed
                .entry(e.path.as_str())
                .or_default()
                .push((m.file.as_str(), e.line));
        }
    }
    listed
}

/// The payload's file names grouped by their Unicode NFC form and by their case-folded NFC form:
/// the names a normalizing or a case-insensitive file system would take for one.
struct NameIndex<'p> {
    by_nfc: BTreeMap<String, Vec<&'p str>>,
    by_folded: BTreeMap<String, Vec<&'p str>>,
}

impl<'p> NameIndex<'p> {
    fn of(payload: &'p Payload) -> Self {
        let mut by_nfc: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut by_folded: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for path in payload.files.keys() {
            by_nfc.entry(nfc(path)).or_default().push(path);
            by_folded.entry(folded(path)).or_default().push(path);
        }
        NameIndex { by_nfc, by_folded }
    }

    /// The first payload file whose name has the same NFC form as `path`.
    fn same_nfc(&self, path: &str) -> Option<&'p str> {
        self.by_nfc.get(&nfc(path)).and_then(|v| v.first().copied())
    }

    /// The first payload file whose name is `path` up to normalization and letter case.
    fn same_folded(&self, path: &str) -> Option<&'p str> {
        self.by_folded
            .get(&folded(path))
            .and_then(|v| v.first().copied())
    }
}

/// RFC 8493 §3 item 3: every file listed in every payload manifest is present. A listed path
/// that is a directory, is still to be fetched, or was already rejected (a symlink, a special
/// file) is reported as such; a missing one is explained when it can be
/// ([`missing_payload_file`]). Adds the present files to `present`; returns the payload files
/// that explained a missing name (they are not reported again as unlisted).
fn check_listed_payload_present<'p>(
    payload: &'p Payload,
    listed: &Listed,
    names: &NameIndex<'p>,
    fetch_entries: &[FetchEntry],
    present: &mut BTreeSet<String>,
    problems: &mut Vec<Problem>,
) -> BTreeSet<&'p str> {
    let to_fetch: HashMap<&str, &FetchEntry> =
        fetch_entries.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut explained: BTreeSet<&str> = BTreeSet::new();
    for (&path, places) in listed {
        if payload.files.contains_key(path) {
            present.insert(path.to_owned());
            continue;
        }
        if payload.rejected.contains(path) {
            continue;
        }
        let (file, line) = places[0];
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
        problems.push(missing_payload_file(path, places, names, &mut explained));
    }
    explained
}

/// The problem for a listed payload file that is not in the bag: when another payload file
/// differs from it only in Unicode normalization or letter case, the bag assumes a file system
/// that would take one for the other (that file goes into `explained`); when it is a system's
/// hidden metadata file, the bag depends on that system; otherwise it is simply missing.
fn missing_payload_file<'p>(
    path: &str,
    places: &[(&str, usize)],
    names: &NameIndex<'p>,
    explained: &mut BTreeSet<&'p str>,
) -> Problem {
    let (file, line) = places[0];
    if let Some(other) = names.same_nfc(path) {
        explained.insert(other);
        Problem::error(
            Code::AssumesNormalizingFs,
            file,
            Some(line),
            format!(
                "{path:?} is listed but only {other:?} exists; the two names differ only in Unicode normalization. \
                 On a file system that keeps names as written (Linux, Windows) they are two different files; \
                 this bag assumes one that normalizes names (macOS HFS+)"
            ),
        )
    } else if let Some(other) = names.same_folded(path) {
        explained.insert(other);
        Problem::error(
            Code::AssumesCaseInsensitiveFs,
            file,
            Some(line),
            format!(
                "{path:?} is listed but only {other:?} exists; on a case-sensitive file system (Linux) \
                 {path:?} and {other:?} are two files; this bag assumes a case-insensitive one (macOS, Windows)"
            ),
        )
    } else if let Some(origin) = payload::system_file_origin(path) {
        Problem::error(
            Code::MissingSystemFile,
            file,
            Some(line),
            format!(
                "{path:?} is listed but missing; it is {origin} metadata, which that system creates and hides \
                 and other systems and copy tools drop, so the bag depends on the system it was made on"
            ),
        )
    } else {
        let names: Vec<&str> = places.iter().map(|(f, _)| *f).collect();
        Problem::error(
            Code::MissingFile,
            file,
            Some(line),
            format!(
                "{path:?} is listed in {} but is not in the bag",
                names.join(", ")
            ),
        )
    }
}

/// RFC 8493 §3 item 4: every payload file is listed in every payload manifest (an error from
/// BagIt 1.0 on, a warning before, when older versions allowed a file in just one manifest); a
/// file in none is unlisted, unless it explained a missing name. Also warns about system
/// metadata files (`.DS_Store`, `Thumbs.db`, ...) in the payload.
fn check_payload_listed(
    version: Version,
    payload: &Payload,
    payload_manifests: &[&Manifest],
    listed: &Listed,
    explained: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) {
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
}

/// Payload file names that a normalizing (macOS) or case-insensitive (macOS, Windows) file
/// system could not hold side by side: the bag cannot be unpacked there intact.
fn check_name_collisions(names: &NameIndex, problems: &mut Vec<Problem>) {
    for group in names.by_nfc.values().filter(|g| g.len() > 1) {
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
    for group in names.by_folded.values().filter(|g| g.len() > 1) {
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
}

/// RFC 8493 §3 item 2: every file listed in every tag manifest is present, as a regular file
/// reached without symlinks. Adds the present ones to `present`.
fn check_listed_tag_files_present(
    bag: &Path,
    manifests: &[Manifest],
    present: &mut BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
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
}

/// RFC 8493 §2.2.3: every file in fetch.txt is listed in the payload manifests, or it could not
/// be verified once fetched.
fn check_fetch_listed(
    payload_manifests: &[&Manifest],
    listed: &Listed,
    fetch_entries: &[FetchEntry],
    problems: &mut Vec<Problem>,
) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    const V097: Version = Version {
        major: 0,
        minor: 97,
    };

    fn payload(files: &[&str]) -> Payload {
        Payload {
            files: files.iter().map(|f| (f.to_string(), 1)).collect(),
            ..Payload::default()
        }
    }

    fn manifest(file: &str, kind: Kind, paths: &[&str]) -> Manifest {
        Manifest {
            file: file.into(),
            kind,
            algorithm_name: "md5".into(),
            algorithm: None,
            entries: paths
                .iter()
                .enumerate()
                .map(|(i, p)| crate::manifest::Entry {
                    checksum: String::new(),
                    path: p.to_string(),
                    line: i + 1,
                })
                .collect(),
        }
    }

    fn fetch_entry(path: &str) -> FetchEntry {
        FetchEntry {
            url: "https://example.org/x".into(),
            length: None,
            path: path.into(),
            line: 1,
        }
    }

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn listed_payload_files_keeps_every_place() {
        let a = manifest("manifest-md5.txt", Kind::Payload, &["data/a", "data/b"]);
        let b = manifest("manifest-sha1.txt", Kind::Payload, &["data/a"]);
        let listed = listed_payload_files(&[&a, &b]);
        assert_eq!(
            listed["data/a"],
            vec![("manifest-md5.txt", 1), ("manifest-sha1.txt", 1)]
        );
        assert_eq!(listed["data/b"], vec![("manifest-md5.txt", 2)]);
    }

    #[test]
    fn name_index_matches_normalization_then_case() {
        let p = payload(&["data/Cafe\u{301}", "data/README"]);
        let names = NameIndex::of(&p);
        assert_eq!(names.same_nfc("data/Caf\u{e9}"), Some("data/Cafe\u{301}"));
        assert_eq!(names.same_nfc("data/readme"), None);
        assert_eq!(names.same_folded("data/readme"), Some("data/README"));
        assert_eq!(names.same_folded("data/other"), None);
    }

    #[test]
    fn listed_payload_present_sorts_out_each_case() {
        let mut p = payload(&["data/here", "data/README"]);
        p.dirs.insert("data/dir".into());
        p.rejected.insert("data/link".into());
        let m = manifest(
            "manifest-md5.txt",
            Kind::Payload,
            &[
                "data/here",
                "data/dir",
                "data/link",
                "data/later",
                "data/readme",
                "data/gone",
            ],
        );
        let listed = listed_payload_files(&[&m]);
        let names = NameIndex::of(&p);
        let (mut present, mut problems) = (BTreeSet::new(), Vec::new());
        let explained = check_listed_payload_present(
            &p,
            &listed,
            &names,
            &[fetch_entry("data/later")],
            &mut present,
            &mut problems,
        );
        assert_eq!(present, BTreeSet::from(["data/here".to_string()]));
        assert_eq!(explained, BTreeSet::from(["data/README"]));
        // in path order: dir, gone, later, (link: already reported), readme
        assert_eq!(
            codes(&problems),
            vec![
                "not-a-file",
                "missing-file",
                "not-yet-fetched",
                "assumes-case-insensitive-fs"
            ]
        );
        assert_eq!(problems[2].severity, Severity::Warning);
    }

    #[test]
    fn missing_payload_file_explains_what_it_can() {
        let p = payload(&["data/Cafe\u{301}", "data/README"]);
        let names = NameIndex::of(&p);
        let places = [("manifest-md5.txt", 3), ("manifest-sha1.txt", 4)];
        let mut explained = BTreeSet::new();
        let problem = |path| {
            let mut explained = BTreeSet::new();
            let p = missing_payload_file(path, &places, &names, &mut explained);
            (p.code.as_str(), p.line, p.message)
        };
        assert_eq!(problem("data/Caf\u{e9}").0, "assumes-normalizing-fs");
        assert_eq!(problem("data/readme").0, "assumes-case-insensitive-fs");
        assert_eq!(problem("data/.DS_Store").0, "missing-system-file");
        let (code, line, message) = problem("data/gone");
        assert_eq!((code, line), ("missing-file", Some(3)));
        assert!(
            message.contains("manifest-md5.txt, manifest-sha1.txt"),
            "{message}"
        );
        missing_payload_file("data/readme", &places, &names, &mut explained);
        assert_eq!(explained, BTreeSet::from(["data/README"]));
    }

    #[test]
    fn payload_listed_in_every_manifest_from_1_0() {
        let p = payload(&["data/a", "data/b", "data/c", "data/.DS_Store"]);
        let m1 = manifest(
            "manifest-md5.txt",
            Kind::Payload,
            &["data/a", "data/b", "data/.DS_Store"],
        );
        let m2 = manifest(
            "manifest-sha1.txt",
            Kind::Payload,
            &["data/a", "data/.DS_Store"],
        );
        let manifests = [&m1, &m2];
        let listed = listed_payload_files(&manifests);
        let explained = BTreeSet::from(["data/c"]);
        let mut problems = Vec::new();
        check_payload_listed(
            Version::V1_0,
            &p,
            &manifests,
            &listed,
            &BTreeSet::new(),
            &mut problems,
        );
        assert_eq!(
            codes(&problems),
            vec!["system-file", "not-in-every-manifest", "unlisted-file"]
        );
        assert_eq!(problems[1].severity, Severity::Error);
        assert!(problems[1].message.ends_with("manifest-sha1.txt"));

        let mut problems = Vec::new();
        check_payload_listed(V097, &p, &manifests, &listed, &explained, &mut problems);
        assert_eq!(
            codes(&problems),
            vec!["system-file", "not-in-every-manifest"]
        );
        assert_eq!(problems[1].severity, Severity::Warning);
    }

    #[test]
    fn payload_without_payload_manifests_is_not_unlisted() {
        let p = payload(&["data/a"]);
        let mut problems = Vec::new();
        check_payload_listed(
            Version::V1_0,
            &p,
            &[],
            &Listed::new(),
            &BTreeSet::new(),
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn name_collisions() {
        let p = payload(&["data/Caf\u{e9}", "data/Cafe\u{301}", "data/a", "data/A"]);
        let mut problems = Vec::new();
        check_name_collisions(&NameIndex::of(&p), &mut problems);
        // the two spellings of Café differ in normalization only, not in case
        assert_eq!(
            codes(&problems),
            vec!["normalization-collision", "case-collision"]
        );
        assert_eq!(problems[1].file, Path::new("data/A"));
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn listed_tag_files_present() {
        let bag = tempfile::tempdir().unwrap();
        std::fs::write(bag.path().join("bag-info.txt"), "").unwrap();
        std::fs::create_dir(bag.path().join("extra")).unwrap();
        let tags = manifest(
            "tagmanifest-md5.txt",
            Kind::Tag,
            &["bag-info.txt", "extra", "missing.txt"],
        );
        let payload_manifest = manifest("manifest-md5.txt", Kind::Payload, &["missing.txt"]);
        let (mut present, mut problems) = (BTreeSet::new(), Vec::new());
        check_listed_tag_files_present(
            bag.path(),
            &[tags, payload_manifest],
            &mut present,
            &mut problems,
        );
        assert_eq!(present, BTreeSet::from(["bag-info.txt".to_string()]));
        assert_eq!(codes(&problems), vec!["not-a-file", "missing-file"]);
        assert_eq!(problems[1].line, Some(3));
    }

    #[cfg(unix)]
    #[test]
    fn listed_tag_files_are_not_reached_through_symlinks() {
        let bag = tempfile::tempdir().unwrap();
        std::fs::create_dir(bag.path().join("real")).unwrap();
        std::fs::write(bag.path().join("real/t.txt"), "").unwrap();
        std::os::unix::fs::symlink("real", bag.path().join("link")).unwrap();
        std::os::unix::fs::symlink("real/t.txt", bag.path().join("t.txt")).unwrap();
        let tags = manifest("tagmanifest-md5.txt", Kind::Tag, &["link/t.txt", "t.txt"]);
        let (mut present, mut problems) = (BTreeSet::new(), Vec::new());
        check_listed_tag_files_present(bag.path(), &[tags], &mut present, &mut problems);
        assert!(present.is_empty());
        assert_eq!(codes(&problems), vec!["symlink", "symlink"]);
    }

    #[test]
    fn fetch_entries_must_be_in_a_payload_manifest() {
        let m = manifest("manifest-md5.txt", Kind::Payload, &["data/a"]);
        let listed = listed_payload_files(&[&m]);
        let fetch = [fetch_entry("data/a"), fetch_entry("data/b")];
        let mut problems = Vec::new();
        check_fetch_listed(&[&m], &listed, &fetch, &mut problems);
        assert_eq!(codes(&problems), vec!["fetch-not-in-manifest"]);
        assert!(problems[0].message.contains("data/b"));
        // without payload manifests there is nothing to check against
        let mut problems = Vec::new();
        check_fetch_listed(&[], &Listed::new(), &fetch, &mut problems);
        assert!(problems.is_empty());
    }
}
