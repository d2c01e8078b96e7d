//! The BagIt 1.0 layer of a bundle (RFC 8493, FORMAT.md §4): `bagit.txt`, `bag-info.txt`,
//! and the `manifest-sha256.txt` / `tagmanifest-sha256.txt` line format.

use crate::bagpath::BagPath;
use crate::digest::Sha256Digest;
use crate::problem::{Check, Problem};

/// The only `bagit.txt` a v1 bundle has.
pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// Tag files of a bundle, by bag-relative path.
pub const BAGIT_PATH: &str = "bagit.txt";
pub const BAG_INFO_PATH: &str = "bag-info.txt";
pub const MANIFEST_PATH: &str = "manifest-sha256.txt";
pub const TAGMANIFEST_PATH: &str = "tagmanifest-sha256.txt";
pub const ITEMS_PATH: &str = "intact/manifest.json";
pub const RELEASE_PATH: &str = "intact/release.json";
pub const SIGNATURES_DIR: &str = "intact/signatures/";

/// The `bag-info.txt` of a bundle: labels in a fixed order, so the bytes are reproducible.
pub fn bag_info(
    collection: &str,
    release: &str,
    created_date: &str,
    payload_bytes: u64,
    payload_files: u64,
    extra: &[(String, String)],
) -> String {
    let mut s = String::new();
    s.push_str("Bag-Software-Agent: intact (format intact-release/1)\n");
    s.push_str(&format!("Bagging-Date: {created_date}\n"));
    s.push_str(&format!("External-Identifier: {collection}/{release}\n"));
    for (label, value) in extra {
        s.push_str(&format!("{label}: {value}\n"));
    }
    s.push_str(&format!("Payload-Oxum: {payload_bytes}.{payload_files}\n"));
    s
}

/// Reads `Payload-Oxum` (octets, file count) from a `bag-info.txt` that follows FORMAT.md §4.2
/// ([`read_bag_info`]); `None` when it does not.
pub fn payload_oxum(bag_info: &str) -> Option<(u64, u64)> {
    read_bag_info(bag_info).ok()
}

/// The label every bundle's `bag-info.txt` carries exactly once.
const OXUM_LABEL: &str = "Payload-Oxum";

/// FORMAT.md §4.2, the grammar of `bag-info.txt` as `intact pack` writes it: every line
/// `label ": " value LF` (a label of at least one character, no colon, no leading or trailing
/// space; no control character but the LFs, so no CR or TAB; no continuation or blank line; the
/// last line ends in LF), and exactly
/// one label `Payload-Oxum` (compared without regard to ASCII case, as BagIt validators find
/// it, and spelled so), whose value the BagIt validator's parser reads
/// ([`intact_bagit::parse::Oxum`]). Returns (octets, file count) or why the file breaks it.
pub fn read_bag_info(text: &str) -> Result<(u64, u64), String> {
    if text.contains('\r') {
        return Err("a CR (lines end in LF only)".into());
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(format!(
            "control character U+{:04X} (pack never writes one)",
            c as u32
        ));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("the last line has no LF".into());
    }
    let mut oxum: Option<(u64, u64)> = None;
    for (i, line) in text.split_terminator('\n').enumerate() {
        let n = i + 1;
        let Some((label, value)) = line.split_once(':') else {
            return Err(format!("line {n} is not `Label: value` (no colon)"));
        };
        if label.is_empty() || label.starts_with(' ') || label.ends_with(' ') {
            return Err(format!(
                "line {n}: an empty label, a continuation line or a blank around the label"
            ));
        }
        let Some(value) = value.strip_prefix(' ') else {
            return Err(format!("line {n}: the colon is not followed by one space"));
        };
        if label.eq_ignore_ascii_case(OXUM_LABEL) {
            if label != OXUM_LABEL {
                return Err(format!(
                    "line {n}: the label is spelled {label:?}, not {OXUM_LABEL}"
                ));
            }
            if oxum.is_some() {
                return Err(format!("line {n}: a second {OXUM_LABEL}"));
            }
            let o = intact_bagit::parse::Oxum::parse(value)
                .ok_or_else(|| format!("line {n}: {value:?} is not OctetCount.StreamCount"))?;
            oxum = Some((o.octets, o.streams));
        }
    }
    oxum.ok_or_else(|| format!("no {OXUM_LABEL}"))
}

/// One manifest line per entry, `<hex>  <path>` (two spaces, as `sha256sum` writes), LF ends.
pub fn write_manifest<'a>(
    entries: impl IntoIterator<Item = (&'a BagPath, &'a Sha256Digest)>,
) -> String {
    let mut s = String::new();
    for (path, digest) in entries {
        s.push_str(&digest.to_hex());
        s.push_str("  ");
        s.push_str(&path.manifest_form());
        s.push('\n');
    }
    s
}

/// Parses a v1 manifest strictly: every line `<64 lowercase hex>  <path>` ending in LF (not
/// CR LF), paths valid by FORMAT.md §3, sorted by path, no path twice. A line that cannot be
/// used is a problem of `check` at `<file>:<line>` (1-based).
pub fn parse_manifest(
    text: &str,
    check: Check,
    file: &str,
) -> (Vec<(BagPath, Sha256Digest)>, Vec<Problem>) {
    let (entries, problems) = parse_manifest_in_place(text, check, file);
    let entries = entries
        .into_iter()
        .filter_map(|(p, d)| BagPath::parse(p).ok().map(|p| (p, d)))
        .collect();
    (entries, problems)
}

/// [`parse_manifest`] without a copy of each path: the paths are slices of `text`, each valid by
/// FORMAT.md §3 (a path written with `%` never is: `%25`, `%0A` and `%0D` decode to characters
/// the names rule refuses, and any other `%` stays one). Entries are in line order; the second
/// of two lines with the same path is left out (and reported).
pub fn parse_manifest_in_place<'a>(
    text: &'a str,
    check: Check,
    file: &str,
) -> (Vec<(&'a str, Sha256Digest)>, Vec<Problem>) {
    let mut entries: Vec<(&str, Sha256Digest)> =
        Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut problems = Vec::new();
    // Paths seen so far: only needed once a line is out of order (in sorted input, a path
    // listed twice is the line right before).
    let mut seen: Option<std::collections::HashSet<&str>> = None;
    let at = |line: usize| format!("{file}:{line}");
    if !text.is_empty() && !text.ends_with('\n') {
        problems.push(Problem::new(
            check,
            at(text.lines().count()),
            "last line has no LF",
        ));
    }
    for (i, line) in text.split_terminator('\n').enumerate() {
        let n = i + 1;
        let bad = |m: String| Problem::new(check, at(n), m);
        let line = match line.strip_suffix('\r') {
            Some(l) => {
                problems.push(bad("line ends in CR LF (lines end in LF only)".into()));
                l
            }
            None => line,
        };
        // The usual line: 64 hex digits (so no space before them), two spaces, the path.
        let usual = if line.as_bytes().get(64..66) == Some(b"  ".as_slice()) {
            Sha256Digest::from_hex(&line[..64]).map(|d| (d, &line[66..]))
        } else {
            None
        };
        let (digest, path) = match usual {
            Some(found) => found,
            None => {
                let Some((hex, path)) = line.split_once("  ") else {
                    problems.push(bad("not '<sha256>  <path>'".into()));
                    continue;
                };
                let Some(digest) = Sha256Digest::from_hex(hex) else {
                    problems.push(bad(format!("'{hex}' is not a lowercase hex SHA-256")));
                    continue;
                };
                (digest, path)
            }
        };
        if path.starts_with(' ') {
            problems.push(bad(format!(
                "path '{path}' starts with a space, which BagIt readers take as part of the \
                 separator (so they read another path)"
            )));
            continue;
        }
        let parsed = if path.contains('%') {
            BagPath::from_manifest_form(path).map(|_| path)
        } else {
            BagPath::parse(path).map(|_| path)
        };
        match parsed {
            Ok(p) => {
                let in_order = seen.is_none() && entries.last().is_none_or(|(prev, _)| *prev < p);
                let twice = if in_order {
                    false
                } else {
                    let set = seen.get_or_insert_with(|| entries.iter().map(|(p, _)| *p).collect());
                    !set.insert(p)
                };
                if twice {
                    problems.push(bad(format!("{p} listed twice")));
                } else {
                    if entries.last().is_some_and(|(prev, _)| *prev > p) {
                        problems.push(bad(format!(
                            "{p} is out of order (lines are sorted by path)"
                        )));
                    }
                    entries.push((p, digest));
                }
            }
            Err(e) => problems.push(bad(format!("path '{path}': {e}"))),
        }
    }
    (entries, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `bag_manifest` fuzz target (fuzz/regressions/bag_manifest/): with three
    /// spaces after the digest, the path read was ` data/…` (a valid name outside `data/`) where
    /// every BagIt reader reads `data/…`, so one line named two different files.
    #[test]
    fn a_path_starting_with_a_space_is_refused() {
        let d = Sha256Digest::of(b"").to_hex();
        for line in [format!("{d}   data/a.txt\n"), format!("{d}   bagit.txt\n")] {
            let (entries, problems) = parse_manifest(&line, Check::TagManifest, "m");
            assert!(entries.is_empty(), "{line}");
            assert_eq!(problems.len(), 1);
            assert!(
                problems[0].message.contains("starts with a space"),
                "{problems:?}"
            );
        }
    }

    #[test]
    fn manifest_round_trip() {
        let p = BagPath::parse("data/a b/Վ.txt").unwrap();
        let d = Sha256Digest::of(b"x");
        let text = write_manifest([(&p, &d)]);
        assert_eq!(text, format!("{}  data/a b/Վ.txt\n", d.to_hex()));
        let (entries, problems) = parse_manifest(&text, Check::Manifest, "m");
        assert!(problems.is_empty());
        assert_eq!(entries, vec![(p, d)]);
    }

    #[test]
    fn manifest_problems_have_line_numbers() {
        let d = Sha256Digest::of(b"x").to_hex();
        let text = format!("{d}  data/a\n{d} data/b\nZZ  data/c\n{d}  ../x\n{d}  data/a\n");
        let (entries, problems) = parse_manifest(&text, Check::TagManifest, "m");
        assert_eq!(entries.len(), 1);
        let lines: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(lines, vec!["m:2", "m:3", "m:4", "m:5"]);
        assert!(problems.iter().all(|p| p.check == Check::TagManifest));
    }

    #[test]
    fn manifest_lines_must_be_sorted_and_end_in_lf_only() {
        let d = Sha256Digest::of(b"x").to_hex();
        let parse = |t: &str| parse_manifest(t, Check::Manifest, "m");
        let (entries, problems) = parse(&format!("{d}  data/b\n{d}  data/a\n"));
        assert_eq!(entries.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "m:2");
        assert!(problems[0].message.contains("out of order"));
        let (entries, problems) = parse(&format!("{d}  data/a\r\n{d}  data/b\n"));
        assert_eq!(entries.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "m:1");
        assert!(problems[0].message.contains("CR LF"));
        let (_, problems) = parse(&format!("{d}  data/a"));
        assert_eq!(problems[0].path, "m:1");
        assert_eq!(problems[0].message, "last line has no LF");
    }

    #[test]
    fn oxum() {
        let info = bag_info("c", "r", "2026-01-01", 123, 4, &[]);
        assert_eq!(payload_oxum(&info), Some((123, 4)));
        assert_eq!(payload_oxum("Payload-Oxum: x.1\n"), None);
    }

    #[test]
    fn bag_info_follows_the_grammar_pack_writes() {
        let extra = [("Contact-Name".to_owned(), String::new())];
        let info = bag_info("c", "r", "2026-01-01", 5, 1, &extra);
        assert_eq!(read_bag_info(&info), Ok((5, 1)));
        let ox = "Payload-Oxum: 5.1\n";
        for bad in [
            format!("no colon here\n{ox}"),
            format!("\n{ox}"),
            format!("A: b\n  folded\n{ox}"),
            format!(": empty label\n{ox}"),
            format!("Label : x\n{ox}"),
            format!("Label:x\n{ox}"),
            format!("A: b\r\n{ox}"),
            format!("A: b\tc\n{ox}"),
            format!("A\u{85}: b\n{ox}"),
            "Payload-Oxum: 5.1".to_owned(),
            format!("{ox}{ox}"),
            format!("payload-oxum: 5.1\n{ox}"),
            "payload-oxum: 5.1\n".to_owned(),
            "Payload-Oxum:  5.1\n".to_owned(),
            "A: b\n".to_owned(),
            String::new(),
        ] {
            assert!(read_bag_info(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn oxum_is_parsed_as_the_bagit_validator_does() {
        // Rust's integer parsing takes a leading `+`; RFC 8493 §2.2.2 has digits only.
        assert_eq!(payload_oxum("Payload-Oxum: +12.+3\n"), None);
        assert_eq!(
            intact_bagit::parse::Oxum::parse("+12.+3"),
            None,
            "the validator agrees"
        );
        assert_eq!(payload_oxum("Payload-Oxum: 12.3\n"), Some((12, 3)));
    }

    proptest::proptest! {
        #[test]
        fn parse_manifest_never_panics(s in "\\PC{0,200}") {
            let _ = parse_manifest(&s, Check::Manifest, "m");
        }
    }
}
