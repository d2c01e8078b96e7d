//! The checks `tag-files` (FORMAT.md §6 `tag_files`) and `tag-manifest` (§4.4): the two lists
//! of tag file digests, each against the tag files themselves.

use std::collections::BTreeSet;

use crate::bag;
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::read::TagDigests;

/// Check `tag-files` (FORMAT.md §6): every digest the statement pins in `tag_files` is the
/// SHA-256 of that tag file (`digests`: every tag file that could be read). A file with another
/// digest is reported changed; it was not parsed (FORMAT.md §9.1), so no other check says more
/// about it. A pinned file that is a member (`is_member`) but was not read has its problem
/// reported by the step that did not read it.
pub(super) fn check_tag_files(
    statement: Option<&Statement>,
    digests: &TagDigests,
    is_member: impl Fn(&str) -> bool,
) -> Vec<Problem> {
    let Some(s) = statement else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for (path, want) in &s.tag_files {
        match digests.get(path) {
            None if is_member(path) => {}
            None => problems.push(Problem::new(
                Check::TagFiles,
                path.as_str(),
                "listed in release.json tag_files but missing",
            )),
            Some(d) if d.to_hex() != *want => problems.push(Problem::new(
                Check::TagFiles,
                path.as_str(),
                format!(
                    "changed (not parsed): sha256 {} does not match release.json ({want})",
                    d.to_hex()
                ),
            )),
            Some(_) => {}
        }
    }
    problems
}

/// Check `tag-manifest` (FORMAT.md §4.4) on the bytes of `tagmanifest-sha256.txt` (`None`:
/// missing or unreadable): lines in the manifest format of §4.3, listing every tag file of
/// `digests` but itself, each with its digest, and no payload file. A listed file that is a
/// member (`is_member`) but was not read has its problem reported by the step that did not
/// read it (unexpected, too large, one signature too many).
pub(super) fn check_tag_manifest(
    text: Option<&[u8]>,
    digests: &TagDigests,
    is_member: impl Fn(&str) -> bool,
) -> Vec<Problem> {
    let p = bag::TAGMANIFEST_PATH;
    let text = match text.map(std::str::from_utf8) {
        None => return vec![Problem::new(Check::TagManifest, p, "missing")],
        Some(Err(_)) => return vec![Problem::new(Check::TagManifest, p, "not UTF-8")],
        Some(Ok(text)) => text,
    };
    let (entries, mut problems) = bag::parse_manifest(text, Check::TagManifest, p);
    let listed: BTreeSet<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
    for (path, want) in &entries {
        let message = if path.is_payload() {
            "payload file listed in the tag manifest"
        } else {
            match digests.get(path.as_str()) {
                None if is_member(path.as_str()) => continue,
                None => "listed in the tag manifest but missing",
                Some(d) if d != want => "sha256 does not match the tag manifest",
                Some(_) => continue,
            }
        };
        problems.push(Problem::new(Check::TagManifest, path.as_str(), message));
    }
    for name in digests.keys() {
        if name != p && !listed.contains(name.as_str()) {
            problems.push(Problem::new(
                Check::TagManifest,
                name.as_str(),
                "tag file not listed in the tag manifest",
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::digest::Sha256Digest;

    /// The digests of the fixture's tag files.
    fn digests() -> TagDigests {
        fixture::files()
            .iter()
            .filter(|(p, _)| !p.starts_with("data/"))
            .map(|(p, b)| (p.clone(), Sha256Digest::of(b)))
            .collect()
    }

    fn tag_manifest() -> Vec<u8> {
        fixture::files()[bag::TAGMANIFEST_PATH].clone()
    }

    #[test]
    fn tag_files_passes_matching_pins() {
        assert_eq!(
            check_tag_files(Some(&fixture::statement()), &digests(), |_| false),
            []
        );
        assert_eq!(check_tag_files(None, &digests(), |_| false), []);
    }

    #[test]
    fn tag_files_fails_a_pin_that_does_not_match() {
        let mut d = digests();
        d.insert(bag::BAGIT_PATH.into(), Sha256Digest::of(b"other"));
        d.remove(bag::BAG_INFO_PATH);
        let p = check_tag_files(Some(&fixture::statement()), &d, |_| false);
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|p| p.check == Check::TagFiles));
        assert_eq!(p[0].path, bag::BAG_INFO_PATH);
        assert!(p[0].message.contains("tag_files but missing"));
        assert_eq!(p[1].path, bag::BAGIT_PATH);
        assert!(p[1].message.contains("does not match release.json"));
    }

    #[test]
    fn tag_manifest_passes_a_complete_listing() {
        assert_eq!(
            check_tag_manifest(Some(&tag_manifest()), &digests(), |_| false),
            []
        );
    }

    #[test]
    fn tag_manifest_fails_a_missing_or_unreadable_file() {
        let p = check_tag_manifest(None, &digests(), |_| false);
        assert_eq!(
            p,
            [Problem::new(
                Check::TagManifest,
                bag::TAGMANIFEST_PATH,
                "missing"
            )]
        );
        let p = check_tag_manifest(Some(&[0xff]), &digests(), |_| false);
        assert_eq!(p[0].message, "not UTF-8");
    }

    #[test]
    fn tag_manifest_fails_wrong_missing_unlisted_and_payload_lines() {
        let mut d = digests();
        d.insert(bag::BAGIT_PATH.into(), Sha256Digest::of(b"other"));
        d.insert("notes.txt".into(), Sha256Digest::of(b"notes"));
        d.remove(bag::BAG_INFO_PATH);
        let mut text = String::from_utf8(tag_manifest()).unwrap();
        text.push_str(&format!("{}  data/zz.txt\n", "ab".repeat(32)));
        text.push_str("garbage\n");
        // A member that was not read (unexpected, say) is reported by the step that did not.
        text.push_str(&format!("{}  notes2.txt\n", "cd".repeat(32)));
        let p = check_tag_manifest(Some(text.as_bytes()), &d, |p| p == "notes2.txt");
        assert!(p.iter().all(|p| p.check == Check::TagManifest));
        let found: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "tagmanifest-sha256.txt:7",
                    "data/zz.txt is out of order (lines are sorted by path)"
                ),
                ("tagmanifest-sha256.txt:8", "not '<sha256>  <path>'"),
                ("bag-info.txt", "listed in the tag manifest but missing"),
                ("bagit.txt", "sha256 does not match the tag manifest"),
                ("data/zz.txt", "payload file listed in the tag manifest"),
                ("notes.txt", "tag file not listed in the tag manifest"),
            ]
        );
    }
}
