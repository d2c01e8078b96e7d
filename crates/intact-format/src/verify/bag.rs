//! The check `bag` (FORMAT.md §4): the BagIt declaration, `Payload-Oxum`, and no tag file the
//! format does not know.

use crate::bag;
use crate::bundle::{Bundle, Member};
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::read::{is_named, Found, TagFiles};

/// Check `bag` (FORMAT.md §4.1, §4.2, §4.5): `bagit.txt` is exactly the v1 declaration,
/// `bag-info.txt`'s `Payload-Oxum` matches the `payload` members, and every tag file of the
/// `bundle` is one of the format's or one that the `statement` pins. A file whose digest is not
/// the one `release.json` pins is not parsed (`tag-files` reports it changed).
pub(super) fn check_bag(
    bundle: &Bundle,
    tags: &TagFiles,
    payload: &[Member],
    statement: Option<&Statement>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    match tags.get(bag::BAGIT_PATH) {
        Found::Missing => problems.push(problem(bag::BAGIT_PATH, "missing")),
        Found::Bytes(b) if b != bag::BAGIT_TXT.as_bytes() => problems.push(problem(
            bag::BAGIT_PATH,
            "not the BagIt 1.0 declaration FORMAT.md requires",
        )),
        Found::Bytes(_) | Found::Changed | Found::Unread => {}
    }
    problems.extend(payload_oxum_problem(tags.get(bag::BAG_INFO_PATH), payload));
    let tag_members = bundle.members.values().filter(|m| !m.path.is_payload());
    for name in tag_members.map(|m| m.path.as_str()) {
        if !is_named(name, statement) {
            problems.push(problem(
                name,
                "unexpected file (not part of the format, not pinned by release.json)",
            ));
        }
    }
    problems
}

/// FORMAT.md §4.2: `bag-info.txt` has a `Payload-Oxum` equal to the payload's bytes and files.
fn payload_oxum_problem(bag_info: Found, payload: &[Member]) -> Option<Problem> {
    let p = bag::BAG_INFO_PATH;
    let text = match bag_info {
        Found::Missing => return Some(problem(p, "missing")),
        Found::Changed | Found::Unread => return None,
        Found::Bytes(b) => match std::str::from_utf8(b) {
            Err(_) => return Some(problem(p, "not UTF-8")),
            Ok(text) => text,
        },
    };
    let actual = (
        payload.iter().map(|m| m.size).sum::<u64>(),
        payload.len() as u64,
    );
    match bag::read_bag_info(text) {
        Err(why) => Some(problem(p, format!("not as FORMAT.md §4.2 requires: {why}"))),
        Ok(ox) if ox != actual => Some(problem(
            p,
            format!(
                "Payload-Oxum {}.{} but the payload has {}.{}",
                ox.0, ox.1, actual.0, actual.1
            ),
        )),
        Ok(_) => None,
    }
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem::new(Check::Bag, path, message)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::super::read::{read_release, read_tag_files};
    use super::*;
    use crate::limits::Limits;

    /// `check_bag` on a fixture bundle after `edit`, with the fixture's statement, sealed
    /// again (so that no tag file is changed) unless `seal` is false.
    fn check_sealed(edit: impl FnOnce(&mut fixture::Files), seal: bool) -> Vec<Problem> {
        let mut files = fixture::files();
        edit(&mut files);
        let mut s = fixture::statement();
        if seal {
            fixture::seal(&mut files, |_| {});
            s = serde_json::from_slice(&files[bag::RELEASE_PATH]).unwrap();
        }
        let b = fixture::bundle(&files);
        let (_, mut tags) = read_release(&b, &Limits::DEFAULT);
        read_tag_files(&b, Some(&s), &Limits::DEFAULT, &mut tags);
        let problems = check_bag(&b, &tags, b.members.under("data/"), Some(&s));
        assert!(problems.iter().all(|p| p.check == Check::Bag));
        problems
    }

    fn check(edit: impl FnOnce(&mut fixture::Files)) -> Vec<Problem> {
        check_sealed(edit, true)
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
        assert_eq!(
            p,
            [problem(
                bag::BAG_INFO_PATH,
                "not as FORMAT.md §4.2 requires: no Payload-Oxum"
            )]
        );
        let p = check(|f| {
            f.insert(bag::BAG_INFO_PATH.into(), vec![0xff]);
        });
        assert_eq!(p, [problem(bag::BAG_INFO_PATH, "not UTF-8")]);
    }

    #[test]
    fn does_not_parse_a_file_whose_digest_is_not_the_one_pinned() {
        let p = check_sealed(
            |f| {
                f.insert(bag::BAGIT_PATH.into(), b"junk".to_vec());
                f.insert(bag::BAG_INFO_PATH.into(), b"junk".to_vec());
            },
            false,
        );
        assert_eq!(p, [], "tag-files reports both changed");
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
