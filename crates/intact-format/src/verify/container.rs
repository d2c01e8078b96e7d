//! The checks `container` (FORMAT.md §2) and `names` (§3).
//!
//! The rules themselves are applied when the bundle is opened ([`Bundle::open`] and
//! [`crate::container::read`]): a member that breaks one never becomes a member, so no later
//! check can read it. These two checks report what opening found; a tag file that cannot be
//! read (too large, cut short, or with a wrong CRC-32) is added to `container` by whichever
//! step reads it ([`super::read`]).

use crate::bundle::Bundle;
use crate::problem::{Check, Problem};

/// Check `container` (FORMAT.md §2; §2 "extracted bundle" for a tree): the ZIP rules opening
/// found broken.
pub(super) fn check_container(bundle: &Bundle) -> Vec<Problem> {
    bundle
        .problems
        .iter()
        .filter(|p| p.check == Check::Container)
        .cloned()
        .collect()
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

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::bag;

    #[test]
    fn passes_a_valid_bundle() {
        let b = fixture::bundle(&fixture::files());
        assert_eq!(check_container(&b), []);
        assert_eq!(check_names(&b), []);
    }

    #[test]
    fn fails_more_than_one_top_directory() {
        let b = fixture::zip_bundle(&[("t/bagit.txt", b"x"), ("u/other", b"y")]);
        let problems = check_container(&b);
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
        let problems = check_container(&b);
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
        let problems = check_container(&b);
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
        assert_eq!(check_container(&b), []);
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
        assert_eq!(check_container(&b), []);
    }

    #[test]
    fn names_fails_a_file_that_is_also_a_directory_or_folds_to_one() {
        for (a, b) in [
            ("t/data/a", "t/data/a/y.txt"),
            ("t/data/a", "t/data/A/y.txt"),
            ("t/data/A/x", "t/data/a/y"),
            ("t/data/\u{fb01}", "t/data/fi/y"),
        ] {
            let mut entries = [(a, b"x".as_slice()), (b, b"y".as_slice())];
            entries.sort();
            let bundle = fixture::zip_bundle(&entries);
            let problems = check_names(&bundle);
            assert_eq!(problems.len(), 1, "{a} {b}: {problems:?}");
            assert_eq!(problems[0].check, Check::Names);
            assert!(problems[0].message.contains("collides"), "{problems:?}");
        }
        let fine = fixture::zip_bundle(&[("t/data/a-b", b"x"), ("t/data/a/y", b"y")]);
        assert_eq!(check_names(&fine), []);
    }
}
