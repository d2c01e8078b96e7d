//! The check `bag` (FORMAT.md §4): the BagIt declaration, `Payload-Oxum`, and no tag file the
//! format does not know. `Payload-Oxum` is compared once the payload's size is known: a tree's
//! payload files are sized as they are hashed.

use crate::bag;
use crate::bundle::{Bundle, Member};
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::payload::Hashed;
use super::read::{is_named, Found, TagFiles};

/// What the check `bag` found before the payload's size is known: the problems of the
/// declaration and of unexpected tag files, and what `bag-info.txt` says of the payload. A
/// tree's payload files are not looked at until they are hashed, so [`Bag::problems`] is given
/// the payload's size then.
pub(super) struct Bag {
    declaration: Vec<Problem>,
    oxum: Oxum,
    unexpected: Vec<Problem>,
}

/// What `bag-info.txt` says of the payload.
enum Oxum {
    /// Its `Payload-Oxum`: bytes and files.
    Says(u64, u64),
    /// Nothing to compare: missing, unreadable as FORMAT.md §4.2 requires (the problem), or not
    /// the file `release.json` pins (`tag-files` reports that; it is not parsed).
    Problem(Problem),
    Unchecked,
}

impl Bag {
    /// The problems of the check, in the order found: the declaration's, `Payload-Oxum`'s
    /// against `payload` (bytes and files; `None` when a file's size could not be found, which
    /// `payload` reports), then the unexpected files.
    pub(super) fn problems(self, payload: Option<(u64, u64)>) -> Vec<Problem> {
        let mut problems = self.declaration;
        match (self.oxum, payload) {
            (Oxum::Problem(p), _) => problems.push(p),
            (Oxum::Says(bytes, files), Some(actual)) if (bytes, files) != actual => {
                problems.push(problem(
                    bag::BAG_INFO_PATH,
                    format!(
                        "Payload-Oxum {bytes}.{files} but the payload has {}.{}",
                        actual.0, actual.1
                    ),
                ))
            }
            _ => {}
        }
        problems.extend(self.unexpected);
        problems
    }
}

/// Check `bag` (FORMAT.md §4.1, §4.2, §4.5): `bagit.txt` is exactly the v1 declaration,
/// `bag-info.txt` has a `Payload-Oxum` (compared with the payload by [`Bag::problems`]), and
/// every tag file of the `bundle` is one of the format's or one that the `statement` pins. A
/// file whose digest is not the one `release.json` pins is not parsed (`tag-files` reports it
/// changed).
pub(super) fn check_bag(bundle: &Bundle, tags: &TagFiles, statement: Option<&Statement>) -> Bag {
    let mut declaration = Vec::new();
    match tags.get(bag::BAGIT_PATH) {
        Found::Missing => declaration.push(problem(bag::BAGIT_PATH, "missing")),
        Found::Bytes(b) if b != bag::BAGIT_TXT.as_bytes() => declaration.push(problem(
            bag::BAGIT_PATH,
            "not the BagIt 1.0 declaration FORMAT.md requires",
        )),
        Found::Bytes(_) | Found::Changed | Found::Unread => {}
    }
    let oxum = payload_oxum(tags.get(bag::BAG_INFO_PATH));
    let mut unexpected = Vec::new();
    let tag_members = bundle.members.values().filter(|m| !m.path.is_payload());
    for name in tag_members.map(|m| m.path.as_str()) {
        if !is_named(name, statement) {
            unexpected.push(problem(
                name,
                "unexpected file (not part of the format, not pinned by release.json)",
            ));
        }
    }
    Bag {
        declaration,
        oxum,
        unexpected,
    }
}

/// FORMAT.md §4.2: `bag-info.txt` has a `Payload-Oxum` (the payload's bytes and files).
fn payload_oxum(bag_info: Found) -> Oxum {
    let p = bag::BAG_INFO_PATH;
    let text = match bag_info {
        Found::Missing => return Oxum::Problem(problem(p, "missing")),
        Found::Changed | Found::Unread => return Oxum::Unchecked,
        Found::Bytes(b) => match std::str::from_utf8(b) {
            Err(_) => return Oxum::Problem(problem(p, "not UTF-8")),
            Ok(text) => text,
        },
    };
    match bag::read_bag_info(text) {
        Err(why) => Oxum::Problem(problem(p, format!("not as FORMAT.md §4.2 requires: {why}"))),
        Ok((bytes, files)) => Oxum::Says(bytes, files),
    }
}

/// The payload's bytes and files: each member's size as listed, or as `hashed` read it, or
/// looked up; `None` when one cannot be found (the `payload` check reports that file).
pub(super) fn payload_totals(
    bundle: &Bundle,
    payload: &[Member],
    hashed: Option<&[Hashed]>,
) -> Option<(u64, u64)> {
    let mut bytes = 0u64;
    for (i, m) in payload.iter().enumerate() {
        let read = match hashed.and_then(|h| h.get(i)) {
            Some(Hashed::Read(Ok((d, _)))) => Some(d.size),
            _ => None,
        };
        let size = match m.listed_size().or(read) {
            Some(n) => n,
            None => bundle.size(m).ok()?,
        };
        bytes = bytes.saturating_add(size);
    }
    Some((bytes, payload.len() as u64))
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
        let payload = b.members.under("data/");
        let totals = payload_totals(&b, payload, None);
        let problems = check_bag(&b, &tags, Some(&s)).problems(totals);
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
