//! The check `bag` (FORMAT.md §4): the BagIt declaration, `Payload-Oxum`, and no tag file the
//! format does not know.

use crate::bag;
use crate::bundle::Member;
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::container::TagFiles;

/// The tag files every bundle has (FORMAT.md §1), besides its signatures.
const KNOWN_TAG_FILES: [&str; 6] = [
    bag::BAGIT_PATH,
    bag::BAG_INFO_PATH,
    bag::MANIFEST_PATH,
    bag::TAGMANIFEST_PATH,
    bag::ITEMS_PATH,
    bag::RELEASE_PATH,
];

/// Check `bag` (FORMAT.md §4.1, §4.2, §4.5): `bagit.txt` is exactly the v1 declaration,
/// `bag-info.txt`'s `Payload-Oxum` matches the `payload` members, and every tag file is one of
/// the format's or one that the `statement` pins.
pub(super) fn check_bag(
    tags: &TagFiles,
    payload: &[Member],
    statement: Option<&Statement>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    match tags.bytes(bag::BAGIT_PATH) {
        None => problems.push(problem(bag::BAGIT_PATH, "missing")),
        Some(b) if b != bag::BAGIT_TXT.as_bytes() => problems.push(problem(
            bag::BAGIT_PATH,
            "not the BagIt 1.0 declaration FORMAT.md requires",
        )),
        Some(_) => {}
    }
    problems.extend(payload_oxum_problem(
        tags.bytes(bag::BAG_INFO_PATH),
        payload,
    ));
    for (name, _) in tags.iter() {
        let known = KNOWN_TAG_FILES.contains(&name)
            || name.starts_with(bag::SIGNATURES_DIR)
            || statement.is_some_and(|s| s.tag_files.contains_key(name));
        if !known {
            problems.push(problem(
                name,
                "unexpected file (not part of the format, not pinned by release.json)",
            ));
        }
    }
    problems
}

/// FORMAT.md §4.2: `bag-info.txt` has a `Payload-Oxum` equal to the payload's bytes and files.
fn payload_oxum_problem(bag_info: Option<&[u8]>, payload: &[Member]) -> Option<Problem> {
    let p = bag::BAG_INFO_PATH;
    let text = match bag_info.map(std::str::from_utf8) {
        None => return Some(problem(p, "missing")),
        Some(Err(_)) => return Some(problem(p, "not UTF-8")),
        Some(Ok(text)) => text,
    };
    let actual = (
        payload.iter().map(|m| m.size).sum::<u64>(),
        payload.len() as u64,
    );
    match bag::payload_oxum(text) {
        None => Some(problem(p, "no valid Payload-Oxum")),
        Some(ox) if ox != actual => Some(problem(
            p,
            format!(
                "Payload-Oxum {}.{} but the payload has {}.{}",
                ox.0, ox.1, actual.0, actual.1
            ),
        )),
        Some(_) => None,
    }
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem::new(Check::Bag, path, message)
}

#[cfg(test)]
mod tests {
    use super::super::container::check_container;
    use super::super::fixture;
    use super::*;
    use crate::limits::Limits;

    /// `check_bag` on a fixture bundle after `edit`, with the fixture's statement.
    fn check(edit: impl FnOnce(&mut fixture::Files)) -> Vec<Problem> {
        let mut files = fixture::files();
        edit(&mut files);
        let b = fixture::bundle(&files);
        let (_, tags) = check_container(&b, &Limits::DEFAULT);
        let problems = check_bag(&tags, b.members.under("data/"), Some(&fixture::statement()));
        assert!(problems.iter().all(|p| p.check == Check::Bag));
        problems
    }

    #[test]
    fn passes_a_valid_bag() {
        assert_eq!(check(|_| {}), []);
    }

    #[test]
    fn fails_another_declaration() {
        let p = check(|f| {
            f.insert(bag::BAGIT_PATH.into(), b"BagIt-Version: 0.97\n".to_vec());
        });
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, bag::BAGIT_PATH);
        assert!(p[0].message.contains("not the BagIt 1.0 declaration"));
        let p = check(|f| {
            f.remove(bag::BAGIT_PATH);
        });
        assert_eq!(p, [problem(bag::BAGIT_PATH, "missing")]);
    }

    #[test]
    fn fails_a_payload_oxum_that_does_not_match() {
        let p = check(|f| {
            f.insert("data/new.txt".into(), b"12345".to_vec());
        });
        assert_eq!(
            p,
            [problem(
                bag::BAG_INFO_PATH,
                "Payload-Oxum 10.2 but the payload has 15.3"
            )]
        );
        let p = check(|f| {
            f.insert(bag::BAG_INFO_PATH.into(), b"Label: x\n".to_vec());
        });
        assert_eq!(p, [problem(bag::BAG_INFO_PATH, "no valid Payload-Oxum")]);
        let p = check(|f| {
            f.insert(bag::BAG_INFO_PATH.into(), vec![0xff]);
        });
        assert_eq!(p, [problem(bag::BAG_INFO_PATH, "not UTF-8")]);
    }

    #[test]
    fn fails_a_tag_file_the_statement_does_not_pin() {
        let p = check(|f| {
            f.insert("notes.txt".into(), b"x".to_vec());
            f.insert("intact/signatures/any.sig".into(), b"x".to_vec());
        });
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "notes.txt");
        assert!(p[0].message.starts_with("unexpected file"));
    }
}
