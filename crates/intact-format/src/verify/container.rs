//! The checks `container` (FORMAT.md §2) and `names` (§3), and reading the tag files.
//!
//! The rules themselves are applied when the bundle is opened ([`Bundle::open`] and
//! [`crate::container::read`]): a member that breaks one never becomes a member, so no later
//! check can read it. These two checks report what opening found, and `container` adds any tag
//! file that cannot be read (too large, cut short, or with a wrong CRC-32).

use std::collections::BTreeMap;

use crate::bag;
use crate::bundle::{Bundle, Member};
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::problem::{Check, Problem};

/// A tag file read whole, and its digest.
pub(super) struct TagFile {
    pub(super) bytes: Vec<u8>,
    pub(super) digest: Sha256Digest,
}

/// The tag files (every member outside `data/`) that could be read, by bag path, except the two
/// that grow with the number of items (`manifest.json`, `manifest-sha256.txt`): the `manifest`
/// check reads those one after the other, so that they are never in memory together.
pub(super) struct TagFiles(BTreeMap<String, TagFile>);

impl TagFiles {
    /// The bytes of the tag file at `path`, when it exists and could be read.
    pub(super) fn bytes(&self, path: &str) -> Option<&[u8]> {
        self.0.get(path).map(|f| f.bytes.as_slice())
    }

    /// Every tag file read, in path order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &TagFile)> {
        self.0.iter().map(|(p, f)| (p.as_str(), f))
    }

    /// The digest of every tag file read.
    pub(super) fn digests(&self) -> TagDigests {
        self.iter().map(|(p, f)| (p.to_owned(), f.digest)).collect()
    }
}

/// The digest of every tag file that could be read, by bag path.
pub(super) type TagDigests = BTreeMap<String, Sha256Digest>;

/// Check `container` (FORMAT.md §2; §2 "extracted bundle" for a tree): the ZIP rules opening
/// found broken, then each tag file that cannot be read. Returns the tag files that could be
/// read (but the two large ones, see [`TagFiles`]).
pub(super) fn check_container(bundle: &Bundle, limits: &Limits) -> (Vec<Problem>, TagFiles) {
    let mut problems: Vec<Problem> = bundle
        .problems
        .iter()
        .filter(|p| p.check == Check::Container)
        .cloned()
        .collect();
    let mut tags = BTreeMap::new();
    let small = bundle
        .members
        .values()
        .filter(|m| !m.path.is_payload() && !is_large(m.path.as_str()));
    for m in small {
        match read_tag_file(bundle, m, limits) {
            Ok(f) => {
                tags.insert(m.path.as_str().to_owned(), f);
            }
            Err(p) => problems.push(p),
        }
    }
    (problems, TagFiles(tags))
}

/// Check `names` (FORMAT.md §3): the member names opening refused (unsafe, duplicate, or
/// colliding on case-insensitive or normalizing file systems).
pub(super) fn check_names(bundle: &Bundle) -> Vec<Problem> {
    bundle
        .problems
        .iter()
        .filter(|p| p.check == Check::Names)
        .cloned()
        .collect()
}

/// Whether the tag file at `path` grows with the number of items (and so is read on its own).
fn is_large(path: &str) -> bool {
    path == bag::ITEMS_PATH || path == bag::MANIFEST_PATH
}

/// Reads a whole tag file within its limit; one that cannot be read is a `container` problem
/// (FORMAT.md §2.8), whichever check reads it.
pub(super) fn read_tag_file(
    bundle: &Bundle,
    m: &Member,
    limits: &Limits,
) -> Result<TagFile, Problem> {
    let limit = match m.path.as_str() {
        bag::RELEASE_PATH => limits.release_bytes,
        bag::ITEMS_PATH => limits.manifest_bytes,
        _ => limits.tag_file_bytes,
    };
    match bundle.read(m, limit) {
        Ok(bytes) => Ok(TagFile {
            digest: Sha256Digest::of(&bytes),
            bytes,
        }),
        Err(e) => Err(Problem::new(
            Check::Container,
            m.path.as_str(),
            format!("cannot read: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn passes_a_valid_bundle_and_reads_its_small_tag_files() {
        let b = fixture::bundle(&fixture::files());
        let (problems, tags) = check_container(&b, &Limits::DEFAULT);
        assert_eq!(problems, []);
        assert!(tags.bytes(bag::RELEASE_PATH).is_some());
        assert!(tags.bytes(bag::BAGIT_PATH).is_some());
        assert!(
            tags.bytes(bag::ITEMS_PATH).is_none(),
            "read by the manifest check"
        );
        assert!(tags.bytes("data/a.txt").is_none());
        assert_eq!(check_names(&b), []);
    }

    #[test]
    fn fails_a_tag_file_over_its_limit() {
        let b = fixture::bundle(&fixture::files());
        let limits = Limits {
            release_bytes: 10,
            ..Limits::DEFAULT
        };
        let (problems, tags) = check_container(&b, &limits);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].check, Check::Container);
        assert_eq!(problems[0].path, bag::RELEASE_PATH);
        assert!(problems[0].message.contains("more than the 10 allowed"));
        assert!(tags.bytes(bag::RELEASE_PATH).is_none());
    }

    #[test]
    fn fails_more_than_one_top_directory() {
        let b = fixture::zip_bundle(&[("t/bagit.txt", b"x"), ("u/other", b"y")]);
        let (problems, _) = check_container(&b, &Limits::DEFAULT);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].check, Check::Container);
        assert!(problems[0]
            .message
            .contains("more than one top-level directory"));
    }

    #[test]
    fn fails_a_symbolic_link_in_a_tree() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("t");
        std::fs::create_dir_all(top.join("data")).unwrap();
        std::fs::write(top.join("bagit.txt"), bag::BAGIT_TXT).unwrap();
        std::os::unix::fs::symlink("../bagit.txt", top.join("data/link")).unwrap();
        let b = Bundle::open(&top).unwrap();
        let (problems, _) = check_container(&b, &Limits::DEFAULT);
        assert_eq!(
            problems,
            [Problem::new(
                Check::Container,
                "t/data/link",
                "symbolic link"
            )]
        );
    }

    #[test]
    fn fails_an_empty_directory_and_a_special_file_in_a_tree() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("t");
        std::fs::create_dir_all(top.join("data/empty/inner")).unwrap();
        std::fs::write(top.join("bagit.txt"), bag::BAGIT_TXT).unwrap();
        std::os::unix::net::UnixListener::bind(top.join("data/socket")).unwrap();
        let b = Bundle::open(&top).unwrap();
        let (problems, _) = check_container(&b, &Limits::DEFAULT);
        assert_eq!(
            problems,
            [
                Problem::new(
                    Check::Container,
                    "t/data/empty/inner",
                    "empty directory (a bundle holds only files)"
                ),
                Problem::new(
                    Check::Container,
                    "t/data/socket",
                    "special file (not a regular file)"
                ),
            ]
        );
        // A bag without payload files still has its (empty) data/ directory.
        let top = dir.path().join("u");
        std::fs::create_dir_all(top.join("data")).unwrap();
        std::fs::write(top.join("bagit.txt"), bag::BAGIT_TXT).unwrap();
        let b = Bundle::open(&top).unwrap();
        assert_eq!(check_container(&b, &Limits::DEFAULT).0, []);
    }

    #[test]
    fn names_fails_an_unsafe_or_colliding_name() {
        let b = fixture::zip_bundle(&[
            ("t/data/A.txt", b"x"),
            ("t/data/a.txt", b"y"),
            ("t/data/a\\b", b"z"),
        ]);
        let problems = check_names(&b);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.check == Check::Names));
        assert_eq!(problems[0].path, "t/data/a.txt");
        assert!(problems[0].message.contains("collides with 'data/A.txt'"));
        assert_eq!(problems[1].path, "t/data/a\\b");
        assert!(problems[1].message.contains("unsafe name: backslash"));
        assert_eq!(check_container(&b, &Limits::DEFAULT).0, []);
    }
}
