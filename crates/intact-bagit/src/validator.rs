//! Validation of a whole bag: reads the tag files, walks the payload, and runs the completeness
//! and fixity checks in order, collecting every problem into one report.

use std::io::ErrorKind;
use std::path::Path;

use super::algorithm::Algorithm;
use super::completeness;
use super::declaration;
use super::encoding::TagEncoding;
use super::error::BagitError;
use super::fetch::{self, FetchEntry};
use super::fixity;
use super::manifest::{self, Kind, Manifest};
use super::metadata::{self, Oxum};
use super::payload::{self, Payload};
use super::report::{BagReport, Code, Problem};
use super::version::Version;

/// How much to check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// Check only bagit.txt, the metadata file and `Payload-Oxum` against the payload's file
    /// count and total size on disk: no manifests, no hashing.
    pub fast: bool,
}

/// The names in the bag root, sorted; a name that is not UTF-8 is a warning and is left out.
/// `Err` when `dir` is missing, not a directory, or cannot be listed.
fn read_bag_root(dir: &Path) -> Result<(Vec<String>, Vec<Problem>), BagitError> {
    let meta = std::fs::metadata(dir).map_err(|e| match e.kind() {
        ErrorKind::NotFound => BagitError::NotFound {
            path: dir.to_path_buf(),
        },
        _ => BagitError::Io {
            path: dir.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(BagitError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut root_names: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let read_dir = std::fs::read_dir(dir).map_err(|e| BagitError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    for item in read_dir {
        let item = item.map_err(|e| BagitError::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
        match item.file_name().into_string() {
            Ok(name) => root_names.push(name),
            Err(name) => problems.push(Problem::warning(
                Code::NonUtf8Filename,
                name,
                None,
                "file name in the bag root is not UTF-8; it is ignored",
            )),
        }
    }
    root_names.sort();
    Ok((root_names, problems))
}

/// What the bag declaration says, with the defaults used when it is missing.
struct Declared {
    /// The version whose rules apply (BagIt 1.0 when not declared).
    version: Version,
    /// `BagIt-Version` as written.
    version_text: Option<String>,
    /// The tag file encoding; `None` when declared but not one intact can decode.
    encoding: Option<TagEncoding>,
}

/// The bag declaration, `bagit.txt` (RFC 8493 §2.1.1). Without one, this is not a bag, and the
/// rest is checked by the BagIt 1.0 rules in UTF-8.
fn read_declaration(dir: &Path, problems: &mut Vec<Problem>) -> Declared {
    let mut declared = Declared {
        version: Version::V1_0,
        version_text: None,
        encoding: Some(TagEncoding::Utf8),
    };
    match read_tag_file(dir, declaration::FILE, problems) {
        Some(bytes) => {
            let (decl, p) = declaration::parse(&bytes);
            problems.extend(p);
            declared.version = decl.version.unwrap_or(Version::V1_0);
            declared.version_text = decl.version_text;
            if decl.encoding_name.is_some() {
                declared.encoding = decl.encoding;
            }
        }
        None => {
            if !problems
                .iter()
                .any(|p| p.file == Path::new(declaration::FILE))
            {
                problems.push(Problem::error(
                    Code::MissingBagitTxt,
                    declaration::FILE,
                    None,
                    "bagit.txt is missing, so this is not a bag; checking the rest by the BagIt 1.0 rules",
                ));
            }
        }
    }
    declared
}

/// The bag metadata file (RFC 8493 §2.2.2) and the `Payload-Oxum` values in it, each with its
/// line; a malformed or repeated one is a problem. Also returns whether any `Payload-Oxum`
/// element was there, well-formed or not.
fn read_payload_oxums(
    dir: &Path,
    metadata_file: &str,
    version: Version,
    encoding: Option<TagEncoding>,
    problems: &mut Vec<Problem>,
) -> (Vec<(Oxum, usize)>, bool) {
    let mut oxums: Vec<(Oxum, usize)> = Vec::new();
    let Some(text) = read_tag_text(dir, metadata_file, encoding, problems) else {
        return (oxums, false);
    };
    let (elements, p) = metadata::parse(&text, metadata_file, version);
    problems.extend(p);
    let found: Vec<&metadata::Element> = metadata::find(&elements, "Payload-Oxum").collect();
    if found.len() > 1 {
        problems.push(Problem::warning(
            Code::RepeatedPayloadOxum,
            metadata_file,
            Some(found[1].line),
            "Payload-Oxum appears more than once; each value is checked",
        ));
    }
    let seen = !found.is_empty();
    for e in found {
        match Oxum::parse(&e.value) {
            Some(o) => oxums.push((o, e.line)),
            None => problems.push(Problem::error(
                Code::MalformedPayloadOxum,
                metadata_file,
                Some(e.line),
                format!("Payload-Oxum {:?} is not OctetCount.StreamCount", e.value),
            )),
        }
    }
    (oxums, seen)
}

/// The fetch file, `fetch.txt` (RFC 8493 §2.2.3): read in both modes, since files still to
/// fetch make Payload-Oxum uncheckable. intact does not fetch: the file is always a warning
/// saying how many entries are not present.
fn read_fetch(
    dir: &Path,
    version: Version,
    encoding: Option<TagEncoding>,
    payload: &Payload,
    problems: &mut Vec<Problem>,
) -> Vec<FetchEntry> {
    let Some(text) = read_tag_text(dir, fetch::FILE, encoding, problems) else {
        return Vec::new();
    };
    let (entries, p) = fetch::parse(&text, version);
    problems.extend(p);
    let lines = super::encoding::lines(&text)
        .iter()
        .filter(|l| !l.trim().is_empty())
        .count();
    let absent = entries
        .iter()
        .filter(|e| !payload.files.contains_key(&e.path))
        .count();
    problems.push(Problem::warning(
        Code::FetchFile,
        fetch::FILE,
        None,
        format!(
            "fetch.txt lists {lines} file(s) to download, {absent} of them not present; intact does not fetch, it only checks what is here"
        ),
    ));
    entries
}

/// Validates the bag in `dir`. `Err` only when `dir` itself cannot be read; everything about the
/// bag's content is in the report.
///
/// The steps follow RFC 8493: the bag declaration (§2.1.1), the bag metadata and its
/// Payload-Oxum (§2.2.2), the payload (§2.1.2), fetch.txt (§2.2.3); then, unless `fast`, the
/// manifests (§2.1.3, §2.2.1), completeness and validity (§3).
pub fn validate(dir: &Path, opts: &ValidateOptions) -> Result<BagReport, BagitError> {
    let (root_names, mut problems) = read_bag_root(dir)?;
    let declared = read_declaration(dir, &mut problems);
    let (version, encoding) = (declared.version, declared.encoding);
    let metadata_file = version.metadata_file_name();
    let (oxums, oxum_seen) =
        read_payload_oxums(dir, metadata_file, version, encoding, &mut problems);
    let payload = payload::scan(dir, &mut problems);
    let fetch_entries = read_fetch(dir, version, encoding, &payload, &mut problems);
    let pending_fetch = fetch_entries
        .iter()
        .any(|e| !payload.files.contains_key(&e.path));

    check_oxum(
        &payload,
        &oxums,
        metadata_file,
        pending_fetch,
        &mut problems,
    );
    if opts.fast && !oxum_seen {
        problems.push(Problem::error(
            Code::NoPayloadOxum,
            metadata_file,
            None,
            format!("fast validation needs a Payload-Oxum in {metadata_file}; a full validation checks the manifests"),
        ));
    }

    let mut algorithms = Vec::new();
    if !opts.fast {
        let manifests = read_manifests(dir, &root_names, version, encoding, &mut problems);
        algorithms = payload_algorithms(&manifests);
        check_payload_manifest_exists(&root_names, &mut problems);
        let present = completeness::check(
            dir,
            version,
            &payload,
            &manifests,
            &fetch_entries,
            &mut problems,
        );
        fixity::check(dir, &manifests, &present, &mut problems);
    }

    Ok(BagReport {
        bag: dir.to_path_buf(),
        version: declared.version_text,
        problems,
        files: payload.count(),
        bytes: payload.bytes(),
        algorithms,
    })
}

/// The algorithms of the payload manifests, sorted, without repeats.
fn payload_algorithms(manifests: &[Manifest]) -> Vec<String> {
    let mut algorithms = manifests
        .iter()
        .filter(|m| m.kind == Kind::Payload)
        .map(|m| m.algorithm_name.clone())
        .collect::<Vec<_>>();
    algorithms.sort();
    algorithms.dedup();
    algorithms
}

/// A bag has at least one payload manifest (RFC 8493 §2.1.3).
fn check_payload_manifest_exists(root_names: &[String], problems: &mut Vec<Problem>) {
    if !root_names
        .iter()
        .any(|n| manifest::classify(n).is_some_and(|m| m.kind == Kind::Payload))
    {
        problems.push(Problem::error(
            Code::NoPayloadManifest,
            "",
            None,
            "the bag has no payload manifest (manifest-ALG.txt)",
        ));
    }
}

fn check_oxum(
    payload: &Payload,
    oxums: &[(Oxum, usize)],
    file: &str,
    pending_fetch: bool,
    problems: &mut Vec<Problem>,
) {
    let (bytes, count) = (payload.bytes(), payload.count());
    for &(oxum, line) in oxums {
        if oxum.octets == bytes && oxum.streams == count {
            continue;
        }
        if pending_fetch {
            problems.push(Problem::warning(
                Code::PayloadOxumUnchecked,
                file,
                Some(line),
                "Payload-Oxum cannot be checked until the files in fetch.txt are fetched",
            ));
        } else {
            problems.push(Problem::error(
                Code::PayloadOxumMismatch,
                file,
                Some(line),
                format!(
                    "Payload-Oxum says {} bytes in {} files; the payload has {bytes} bytes in {count} files",
                    oxum.octets, oxum.streams
                ),
            ));
        }
    }
}

fn read_manifests(
    dir: &Path,
    root_names: &[String],
    version: Version,
    encoding: Option<TagEncoding>,
    problems: &mut Vec<Problem>,
) -> Vec<Manifest> {
    let mut manifests = Vec::new();
    for name in root_names {
        let Some(m) = manifest::classify(name) else {
            continue;
        };
        let algorithm = Algorithm::from_name(&m.algorithm_name);
        if algorithm.is_none() {
            problems.push(Problem::warning(
                Code::UnknownAlgorithm,
                name,
                None,
                format!(
                    "algorithm {:?} is not one intact computes (md5, sha1, sha224, sha256, sha384, sha512); its checksums are not verified",
                    m.algorithm_name
                ),
            ));
        }
        let Some(text) = read_tag_text(dir, name, encoding, problems) else {
            continue;
        };
        let (entries, p) = manifest::parse(&text, name, m.kind, algorithm, version);
        problems.extend(p);
        manifests.push(Manifest {
            file: name.clone(),
            kind: m.kind,
            algorithm_name: m.algorithm_name,
            algorithm,
            entries,
        });
    }
    manifests
}

/// Reads a tag file in the bag root. `None` when it is absent (no problem) or unusable (a problem
/// is added): tag files must be regular files, not symlinks.
fn read_tag_file(dir: &Path, name: &str, problems: &mut Vec<Problem>) -> Option<Vec<u8>> {
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            problems.push(Problem::error(
                Code::Symlink,
                name,
                None,
                "tag file is a symlink; intact does not follow symlinks",
            ));
            return None;
        }
        Ok(m) if !m.is_file() => {
            problems.push(Problem::error(
                Code::NotAFile,
                name,
                None,
                "tag file is not a regular file",
            ));
            return None;
        }
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => return None,
        Err(e) => {
            problems.push(Problem::error(
                Code::UnreadableFile,
                name,
                None,
                format!("cannot read: {e}"),
            ));
            return None;
        }
    }
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            problems.push(Problem::error(
                Code::UnreadableFile,
                name,
                None,
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

/// Reads and decodes a tag file with the declared encoding. `None` when absent or undecodable.
fn read_tag_text(
    dir: &Path,
    name: &str,
    encoding: Option<TagEncoding>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let bytes = read_tag_file(dir, name, problems)?;
    let Some(encoding) = encoding else {
        problems.push(Problem::error(
            Code::UnsupportedEncoding,
            name,
            None,
            "not read: bagit.txt declares an encoding intact cannot decode",
        ));
        return None;
    };
    match encoding.decode(&bytes) {
        Ok(decoded) => {
            if decoded.had_bom && encoding == TagEncoding::Utf8 {
                problems.push(Problem::warning(
                    Code::TagFileBom,
                    name,
                    Some(1),
                    "UTF-8 tag file starts with a byte-order mark, which BagIt does not use",
                ));
            }
            Some(decoded.text)
        }
        Err(super::encoding::DecodeError::Invalid { offset }) => {
            problems.push(Problem::error(
                Code::InvalidEncoding,
                name,
                None,
                format!(
                    "not valid in the declared tag file encoding (bad byte at offset {offset})"
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code.as_str()).collect()
    }

    fn bag(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn bag_root_names_sorted() {
        let dir = bag(&[("b.txt", ""), ("a.txt", ""), ("data/x", "")]);
        let (names, problems) = read_bag_root(dir.path()).unwrap();
        assert_eq!(names, vec!["a.txt", "b.txt", "data"]);
        assert!(problems.is_empty());
    }

    #[test]
    fn bad_bag_root() {
        let dir = bag(&[("file", "")]);
        assert!(matches!(
            read_bag_root(&dir.path().join("absent")),
            Err(BagitError::NotFound { .. })
        ));
        assert!(matches!(
            read_bag_root(&dir.path().join("file")),
            Err(BagitError::NotADirectory { .. })
        ));
    }

    #[test]
    fn declaration_read() {
        let dir = bag(&[(
            "bagit.txt",
            "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
        )]);
        let mut problems = Vec::new();
        let declared = read_declaration(dir.path(), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            declared.version,
            Version {
                major: 0,
                minor: 97
            }
        );
        assert_eq!(declared.version_text.as_deref(), Some("0.97"));
        assert_eq!(declared.encoding, Some(TagEncoding::Utf8));
    }

    #[test]
    fn missing_declaration_means_bagit_1_0_in_utf8() {
        let dir = bag(&[]);
        let mut problems = Vec::new();
        let declared = read_declaration(dir.path(), &mut problems);
        assert_eq!(codes(&problems), vec!["missing-bagit-txt"]);
        assert_eq!(declared.version, Version::V1_0);
        assert_eq!(declared.version_text, None);
        assert_eq!(declared.encoding, Some(TagEncoding::Utf8));
    }

    #[test]
    fn payload_oxums_read() {
        let dir = bag(&[(
            "bag-info.txt",
            "Payload-Oxum: 12.3\npayload-oxum: +12.3\nPayload-Oxum: 4.1\n",
        )]);
        let mut problems = Vec::new();
        let (oxums, seen) = read_payload_oxums(
            dir.path(),
            "bag-info.txt",
            Version::V1_0,
            Some(TagEncoding::Utf8),
            &mut problems,
        );
        assert!(seen);
        let values: Vec<(u64, u64, usize)> = oxums
            .iter()
            .map(|(o, l)| (o.octets, o.streams, *l))
            .collect();
        assert_eq!(values, vec![(12, 3, 1), (4, 1, 3)]);
        assert_eq!(
            codes(&problems),
            vec!["repeated-payload-oxum", "malformed-payload-oxum"]
        );
        assert_eq!(problems[1].line, Some(2));
    }

    #[test]
    fn no_payload_oxum_is_not_seen() {
        let dir = bag(&[("bag-info.txt", "Contact-Name: A\n")]);
        let mut problems = Vec::new();
        let read = |dir: &Path, problems: &mut Vec<Problem>| {
            read_payload_oxums(
                dir,
                "bag-info.txt",
                Version::V1_0,
                Some(TagEncoding::Utf8),
                problems,
            )
        };
        assert_eq!(read(dir.path(), &mut problems), (Vec::new(), false));
        let empty = bag(&[]);
        assert_eq!(read(empty.path(), &mut problems), (Vec::new(), false));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn fetch_read_and_counted() {
        let dir = bag(&[
            (
                "fetch.txt",
                "https://example.org/a 1 data/a\nhttps://example.org/b - data/b\n",
            ),
            ("data/a", "x"),
        ]);
        let mut problems = Vec::new();
        let payload = payload::scan(dir.path(), &mut problems);
        let entries = read_fetch(
            dir.path(),
            Version::V1_0,
            Some(TagEncoding::Utf8),
            &payload,
            &mut problems,
        );
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["data/a", "data/b"]);
        assert_eq!(codes(&problems), vec!["fetch-file"]);
        assert_eq!(problems[0].severity, Severity::Warning);
        assert!(
            problems[0]
                .message
                .contains("2 file(s) to download, 1 of them not present"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn payload_algorithms_sorted_once() {
        let m = |file: &str, kind, name: &str| Manifest {
            file: file.into(),
            kind,
            algorithm_name: name.into(),
            algorithm: None,
            entries: Vec::new(),
        };
        let manifests = [
            m("manifest-sha256.txt", Kind::Payload, "sha256"),
            m("manifest-md5.txt", Kind::Payload, "md5"),
            m("tagmanifest-sha1.txt", Kind::Tag, "sha1"),
            m("manifest-md5.txt", Kind::Payload, "md5"),
        ];
        assert_eq!(payload_algorithms(&manifests), vec!["md5", "sha256"]);
    }

    #[test]
    fn payload_manifest_must_exist() {
        let mut problems = Vec::new();
        check_payload_manifest_exists(&["manifest-md5.txt".into()], &mut problems);
        assert!(problems.is_empty());
        check_payload_manifest_exists(
            &["bagit.txt".into(), "tagmanifest-md5.txt".into()],
            &mut problems,
        );
        assert_eq!(codes(&problems), vec!["no-payload-manifest"]);
    }
}
