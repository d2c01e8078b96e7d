//! Payload manifests `manifest-ALG.txt` (RFC 8493 §2.1.3) and tag manifests
//! `tagmanifest-ALG.txt` (§2.2.1): one `CHECKSUM FILEPATH` line per file.

use std::collections::HashMap;

use super::algorithm::Algorithm;
use super::encoding;
use super::filepath;
use super::report::{Code, Problem};
use super::version::Version;

/// The payload directory every payload path starts with.
pub const PAYLOAD_PREFIX: &str = "data/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Payload,
    Tag,
}

/// What a file name in the bag root says about a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestName {
    pub kind: Kind,
    /// The algorithm as named in the file name, e.g. `sha256`.
    pub algorithm_name: String,
}

/// Recognizes `manifest-ALG.txt` and `tagmanifest-ALG.txt`.
pub fn classify(file_name: &str) -> Option<ManifestName> {
    let (kind, rest) = if let Some(r) = file_name.strip_prefix("tagmanifest-") {
        (Kind::Tag, r)
    } else {
        (Kind::Payload, file_name.strip_prefix("manifest-")?)
    };
    let alg = rest.strip_suffix(".txt")?;
    if alg.is_empty() {
        return None;
    }
    Some(ManifestName {
        kind,
        algorithm_name: alg.to_owned(),
    })
}

/// A parsed manifest file of either kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// File name in the bag root, e.g. `manifest-md5.txt`.
    pub file: String,
    pub kind: Kind,
    pub algorithm_name: String,
    /// `None` when the algorithm is not one this validator can compute.
    pub algorithm: Option<Algorithm>,
    pub entries: Vec<Entry>,
}

/// One usable manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Lowercase hex.
    pub checksum: String,
    /// Decoded, checked, normalized path relative to the bag root.
    pub path: String,
    /// 1-based line number.
    pub line: usize,
}

/// Parses a decoded manifest. Lines that cannot be used (malformed, unsafe, in the wrong area
/// of the bag, repeated) are problems and are left out of the entries; the first of repeated
/// lines is kept.
pub fn parse(
    text: &str,
    file: &str,
    kind: Kind,
    algorithm: Option<Algorithm>,
    version: Version,
) -> (Vec<Entry>, Vec<Problem>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, line) in encoding::lines(text).into_iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            problems.push(Problem::warning(
                Code::BlankLine,
                file,
                Some(n),
                format!("blank line in {file}"),
            ));
            continue;
        }
        let Some(entry) = parse_line(line, file, n, algorithm, version, &mut problems) else {
            continue;
        };
        match kind {
            Kind::Payload if !entry.path.starts_with(PAYLOAD_PREFIX) => {
                problems.push(Problem::error(
                    Code::PathNotInPayload,
                    file,
                    Some(n),
                    format!("{:?} is not in the payload directory data/; a payload manifest lists only payload files", entry.path),
                ));
                continue;
            }
            Kind::Tag if entry.path.starts_with(PAYLOAD_PREFIX) => {
                problems.push(Problem::error(
                    Code::PayloadFileInTagManifest,
                    file,
                    Some(n),
                    format!(
                        "{:?} is a payload file; a tag manifest must not list payload files",
                        entry.path
                    ),
                ));
                continue;
            }
            _ => {}
        }
        if let Some(&first) = seen.get(&entry.path) {
            let first_entry = &entries[first];
            if first_entry.checksum == entry.checksum {
                let message = format!(
                    "{:?} is listed again (first on line {}) with the same checksum",
                    entry.path, first_entry.line
                );
                problems.push(if version.forbids_duplicate_entries() {
                    Problem::error(Code::DuplicateEntry, file, Some(n), message)
                } else {
                    Problem::warning(Code::DuplicateEntry, file, Some(n), message)
                });
            } else {
                problems.push(Problem::error(
                    Code::ConflictingEntry,
                    file,
                    Some(n),
                    format!(
                        "{:?} is listed again (first on line {}) with a different checksum",
                        entry.path, first_entry.line
                    ),
                ));
            }
            continue;
        }
        seen.insert(entry.path.clone(), entries.len());
        entries.push(entry);
    }
    (entries, problems)
}

/// Parses one non-blank line: `CHECKSUM`, one or more spaces or tabs, `FILEPATH`.
pub fn parse_line(
    line: &str,
    file: &str,
    n: usize,
    algorithm: Option<Algorithm>,
    version: Version,
    problems: &mut Vec<Problem>,
) -> Option<Entry> {
    let malformed = |why: &str| {
        Problem::error(
            Code::MalformedManifestLine,
            file,
            Some(n),
            format!("{why}: {line:?}"),
        )
    };
    let Some(split) = line.find([' ', '\t']) else {
        problems.push(malformed("line is not `CHECKSUM FILEPATH`"));
        return None;
    };
    let checksum = &line[..split];
    if checksum.is_empty() || !checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
        problems.push(malformed("checksum is not hexadecimal"));
        return None;
    }
    if let Some(a) = algorithm {
        if checksum.len() != a.hex_len() {
            problems.push(Problem::error(
                Code::MalformedChecksum,
                file,
                Some(n),
                format!(
                    "{} checksum has {} hex digits, expected {}",
                    a.name(),
                    checksum.len(),
                    a.hex_len()
                ),
            ));
            return None;
        }
    }
    let after = &line[split..];
    let mut raw = after.trim_start_matches([' ', '\t']);
    let separator_len = after.len() - raw.len();
    if separator_len == 1 && raw.starts_with('*') && raw.len() > 1 {
        raw = &raw[1..];
        problems.push(Problem::warning(
            Code::Md5sumBinaryMarker,
            file,
            Some(n),
            format!("`*` before {raw:?} is md5sum's binary-mode marker, not part of the path (BagIt has no such marker)"),
        ));
    }
    if raw.is_empty() {
        problems.push(malformed("line has no file path"));
        return None;
    }
    match filepath::check(raw, version) {
        Ok(checked) => {
            for (code, message) in checked.warnings {
                problems.push(Problem::warning(code, file, Some(n), message));
            }
            Some(Entry {
                checksum: checksum.to_ascii_lowercase(),
                path: checked.path,
                line: n,
            })
        }
        Err(rejected) => {
            problems.push(Problem::error(
                rejected.code,
                file,
                Some(n),
                rejected.message,
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    const V097: Version = Version {
        major: 0,
        minor: 97,
    };
    const MD5: &str = "b1946ac92492d2347c6235b4d2611184";

    fn run(text: &str, kind: Kind, version: Version) -> (Vec<Entry>, Vec<&'static str>) {
        let (e, p) = parse(
            text,
            "manifest-md5.txt",
            kind,
            Some(Algorithm::Md5),
            version,
        );
        (e, p.iter().map(|p| p.code.as_str()).collect())
    }

    #[test]
    fn classifies_file_names() {
        assert_eq!(
            classify("manifest-md5.txt"),
            Some(ManifestName {
                kind: Kind::Payload,
                algorithm_name: "md5".into()
            })
        );
        assert_eq!(
            classify("tagmanifest-sha256.txt"),
            Some(ManifestName {
                kind: Kind::Tag,
                algorithm_name: "sha256".into()
            })
        );
        assert_eq!(classify("manifest-.txt"), None);
        assert_eq!(classify("bag-info.txt"), None);
        assert_eq!(classify("manifest-md5.txt.bak"), None);
    }

    #[test]
    fn parses_separators_and_spaces_in_names() {
        let text = format!(
            "{MD5}  data/a b.txt\n{}\tdata/c\r\n{MD5} data/d",
            MD5.to_uppercase()
        );
        let (e, codes) = run(&text, Kind::Payload, V097);
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(
            e.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            ["data/a b.txt", "data/c", "data/d"]
        );
        assert_eq!(e[1].checksum, MD5);
        assert_eq!(e[2].line, 3);
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(
            run("justonefield\n", Kind::Payload, V097).1,
            ["malformed-manifest-line"]
        );
        assert_eq!(
            run("xyz data/a\n", Kind::Payload, V097).1,
            ["malformed-manifest-line"]
        );
        assert_eq!(
            run(" data/a\n", Kind::Payload, V097).1,
            ["malformed-manifest-line"]
        );
        assert_eq!(
            run(&format!("{MD5}   \n"), Kind::Payload, V097).1,
            ["malformed-manifest-line"]
        );
        assert_eq!(
            run("abcd data/a\n", Kind::Payload, V097).1,
            ["malformed-checksum"]
        );
        assert_eq!(
            run(
                &format!("{MD5} data/a\n\n{MD5} data/b\n"),
                Kind::Payload,
                V097
            )
            .1,
            ["blank-line"]
        );
    }

    #[test]
    fn md5sum_marker_and_dot_slash() {
        let (e, codes) = run(&format!("{MD5} *data/hello.txt\n"), Kind::Payload, V097);
        assert_eq!(codes, ["md5sum-binary-marker"]);
        assert_eq!(e[0].path, "data/hello.txt");
        let (e, codes) = run(&format!("{MD5}  ./data/hello.txt\n"), Kind::Payload, V097);
        assert_eq!(codes, ["dot-slash-prefix"]);
        assert_eq!(e[0].path, "data/hello.txt");
    }

    #[test]
    fn area_rules() {
        assert_eq!(
            run(&format!("{MD5} bagit.txt\n"), Kind::Payload, V097).1,
            ["path-not-in-payload"]
        );
        assert_eq!(
            run(&format!("{MD5} data/a\n"), Kind::Tag, V097).1,
            ["payload-file-in-tag-manifest"]
        );
        assert_eq!(
            run(&format!("{MD5} ../../../README.md\n"), Kind::Payload, V097).1,
            ["unsafe-path"]
        );
        assert_eq!(
            run(&format!("{MD5} /tmp/foo\n"), Kind::Payload, V097).1,
            ["unsafe-path"]
        );
        assert_eq!(
            run(&format!("{MD5} ~root/foo\n"), Kind::Payload, V097).1,
            ["unsafe-path"]
        );
    }

    #[test]
    fn duplicates_depend_on_version() {
        let text = format!("{MD5} data/a\n{MD5} data/a\n");
        let (e, p) = parse(&text, "m", Kind::Payload, Some(Algorithm::Md5), V097);
        assert_eq!(e.len(), 1);
        assert_eq!(
            (p[0].code, p[0].severity),
            (Code::DuplicateEntry, Severity::Warning)
        );
        let (_, p) = parse(
            &text,
            "m",
            Kind::Payload,
            Some(Algorithm::Md5),
            Version::V1_0,
        );
        assert_eq!(
            (p[0].code, p[0].severity),
            (Code::DuplicateEntry, Severity::Error)
        );
        let text = format!("{MD5} data/a\ndeadbeefdeadbeefdeadbeefdeadbeef data/a\n");
        assert_eq!(run(&text, Kind::Payload, V097).1, ["conflicting-entry"]);
    }

    #[test]
    fn percent_decoding_for_1_0_only() {
        let text = format!("{MD5} data/a%0Ab%25\n");
        assert_eq!(
            run(&text, Kind::Payload, Version::V1_0).0[0].path,
            "data/a\nb%"
        );
        assert_eq!(run(&text, Kind::Payload, V097).0[0].path, "data/a%0Ab%25");
    }
}
