//! Reading the tag files, in the order of trust and within [`Limits`] (FORMAT.md §9.1).
//!
//! `release.json` is read first (it is small, and it is what the signatures cover); it pins
//! the other tag files by digest. Only the tag files the format names are read: those of §1,
//! the signatures, and those `release.json` pins. Each is read within its own bound, all of
//! them within one total, and a pinned file whose digest is not the one pinned keeps its
//! digest (for the `tag-files` check, which reports it changed) but not its bytes: what an
//! attacker changed is never parsed. Any other file outside `data/` is not read at all (the
//! `bag` check reports it). The two files that grow with the number of items are read by the
//! `manifest` check ([`super::manifest`]), on the same rule.

use std::collections::{BTreeMap, BTreeSet};

use crate::bag;
use crate::bundle::{Bundle, Member};
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::problem::{Check, Problem};
use crate::release::Statement;

/// A tag file that was read: its digest, and its bytes unless it is pinned by `release.json`
/// with another digest (then it is not parsed).
pub(super) struct TagFile {
    pub(super) bytes: Option<Vec<u8>>,
    pub(super) digest: Sha256Digest,
}

/// The tag files that were read, by bag path (not the two that grow with the number of items,
/// which the `manifest` check reads one after the other).
#[derive(Default)]
pub(super) struct TagFiles {
    read: BTreeMap<String, TagFile>,
    /// Members the format names that were not read (a problem says why).
    unread: BTreeSet<String>,
}

/// The digest of every tag file that was read, by bag path.
pub(super) type TagDigests = BTreeMap<String, Sha256Digest>;

/// What is known of one tag file the checks look for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Found<'a> {
    /// Not in the bundle.
    Missing,
    /// In the bundle but not read: too large, past the total, or unreadable (a `container`
    /// problem says why).
    Unread,
    /// Its digest is not the one `release.json` pins: reported by `tag-files`, not parsed.
    Changed,
    Bytes(&'a [u8]),
}

impl TagFiles {
    /// The tag file at `path`, as far as the checks may look at it.
    pub(super) fn get(&self, path: &str) -> Found<'_> {
        match self.read.get(path) {
            None if self.unread.contains(path) => Found::Unread,
            None => Found::Missing,
            Some(TagFile { bytes: None, .. }) => Found::Changed,
            Some(TagFile { bytes: Some(b), .. }) => Found::Bytes(b),
        }
    }

    /// The bytes of the tag file at `path`, when it was read and may be parsed.
    pub(super) fn bytes(&self, path: &str) -> Option<&[u8]> {
        match self.get(path) {
            Found::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The digest of every tag file read.
    pub(super) fn digests(&self) -> TagDigests {
        self.read
            .iter()
            .map(|(p, f)| (p.clone(), f.digest))
            .collect()
    }

    fn insert(&mut self, path: &str, file: TagFile) {
        self.read.insert(path.to_owned(), file);
    }

    /// Reading the member at `path` failed with problem `p`.
    fn not_read(&mut self, path: &str, p: Problem, problems: &mut Vec<Problem>) {
        self.unread.insert(path.to_owned());
        problems.push(p);
    }
}

/// The tag files that grow with the number of items, read by the `manifest` check.
pub(super) fn is_large(path: &str) -> bool {
    path == bag::ITEMS_PATH || path == bag::MANIFEST_PATH
}

/// Whether the format names the tag file at `path` (FORMAT.md §1, §4.5): one of §1's, a
/// signature, or one that the `statement` pins.
pub(super) fn is_named(path: &str, statement: Option<&Statement>) -> bool {
    const NAMED: [&str; 6] = [
        bag::BAGIT_PATH,
        bag::BAG_INFO_PATH,
        bag::MANIFEST_PATH,
        bag::TAGMANIFEST_PATH,
        bag::ITEMS_PATH,
        bag::RELEASE_PATH,
    ];
    NAMED.contains(&path)
        || path.starts_with(bag::SIGNATURES_DIR)
        || statement.is_some_and(|s| s.tag_files.contains_key(path))
}

/// Reads `release.json` within [`Limits::release_bytes`]: first, before anything it pins.
pub(super) fn read_release(bundle: &Bundle, limits: &Limits) -> (Vec<Problem>, TagFiles) {
    let mut tags = TagFiles::default();
    let mut problems = Vec::new();
    if let Some(m) = bundle.get(bag::RELEASE_PATH) {
        match read_whole(bundle, m, limits.release_bytes) {
            Ok(f) => tags.insert(bag::RELEASE_PATH, f),
            Err(p) => tags.not_read(bag::RELEASE_PATH, p, &mut problems),
        }
    }
    (problems, tags)
}

/// Reads the small tag files the format names (all but `release.json`, already in `tags`, and
/// the two manifests), in path order, each within its bound and all within
/// [`Limits::tag_bytes`]; the signatures only when there are at most
/// [`Limits::signature_files`]. A file whose digest is not the one the `statement` pins keeps
/// no bytes. Returns the problems: files that could not be read (`container`), and too many
/// signature files (`signatures`).
pub(super) fn read_tag_files(
    bundle: &Bundle,
    statement: Option<&Statement>,
    limits: &Limits,
    tags: &mut TagFiles,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let signatures = bundle.members_under(bag::SIGNATURES_DIR).count();
    let read_signatures = signatures <= limits.signature_files;
    if !read_signatures {
        problems.push(Problem::new(
            Check::Signatures,
            bag::SIGNATURES_DIR.trim_end_matches('/'),
            format!(
                "{signatures} signature files is more than the {} allowed; none was read",
                limits.signature_files
            ),
        ));
    }
    // A tag file's size is known as listed; one that cannot be found now is not counted here,
    // and reading it reports why.
    let size = |m: &Member| bundle.size(m).unwrap_or(0);
    let mut total = bundle.get(bag::RELEASE_PATH).map_or(0, size);
    let wanted = bundle.members.values().filter(|m| {
        let p = m.path.as_str();
        !m.path.is_payload()
            && p != bag::RELEASE_PATH
            && !is_large(p)
            && is_named(p, statement)
            && (read_signatures || !p.starts_with(bag::SIGNATURES_DIR))
    });
    for m in wanted {
        let p = m.path.as_str();
        let limit = if p.starts_with(bag::SIGNATURES_DIR) {
            limits.signature_bytes
        } else {
            limits.tag_file_bytes
        };
        let size = size(m);
        if size <= limit {
            total = total.saturating_add(size);
            if total > limits.tag_bytes {
                let message = format!(
                    "not read: the tag files come to more than the {} bytes allowed in all",
                    limits.tag_bytes
                );
                tags.not_read(p, container_problem(p, message), &mut problems);
                continue;
            }
        }
        match read_whole(bundle, m, limit) {
            Ok(f) => tags.insert(p, unless_changed(p, f, statement)),
            Err(e) => tags.not_read(p, e, &mut problems),
        }
    }
    problems
}

/// `file`, without its bytes when the `statement` pins `path` with another digest.
pub(super) fn unless_changed(path: &str, file: TagFile, statement: Option<&Statement>) -> TagFile {
    if is_changed(path, &file.digest, statement) {
        TagFile {
            bytes: None,
            digest: file.digest,
        }
    } else {
        file
    }
}

/// Whether the `statement` pins `path` with a digest other than `digest`.
pub(super) fn is_changed(path: &str, digest: &Sha256Digest, statement: Option<&Statement>) -> bool {
    statement
        .and_then(|s| s.tag_files.get(path))
        .is_some_and(|want| *want != digest.to_hex())
}

/// Reads a whole tag file within `limit` bytes; one that cannot be read is a `container`
/// problem (FORMAT.md §2.8), whichever check reads it.
pub(super) fn read_whole(bundle: &Bundle, m: &Member, limit: u64) -> Result<TagFile, Problem> {
    match bundle.read(m, limit) {
        Ok(bytes) => Ok(TagFile {
            digest: Sha256Digest::of(&bytes),
            bytes: Some(bytes),
        }),
        Err(e) => Err(container_problem(
            m.path.as_str(),
            format!("cannot read: {e}"),
        )),
    }
}

fn container_problem(path: &str, message: String) -> Problem {
    Problem::new(Check::Container, path, message)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    /// Reads the fixture bundle after `edit`, within `limits`, with the fixture's statement.
    fn read(edit: impl FnOnce(&mut fixture::Files), limits: &Limits) -> (Vec<Problem>, TagFiles) {
        let mut files = fixture::files();
        edit(&mut files);
        let b = fixture::bundle(&files);
        let (mut problems, mut tags) = read_release(&b, limits);
        let s = fixture::statement();
        problems.extend(read_tag_files(&b, Some(&s), limits, &mut tags));
        (problems, tags)
    }

    #[test]
    fn reads_the_small_tag_files_the_format_names() {
        let (problems, tags) = read(|_| {}, &Limits::DEFAULT);
        assert_eq!(problems, []);
        assert!(tags.bytes(bag::RELEASE_PATH).is_some());
        assert!(tags.bytes(bag::BAGIT_PATH).is_some());
        assert!(tags.bytes(bag::TAGMANIFEST_PATH).is_some());
        assert_eq!(
            tags.get(bag::ITEMS_PATH),
            Found::Missing,
            "the manifest check's"
        );
        assert_eq!(tags.get("data/a.txt"), Found::Missing);
        let sigs = tags
            .read
            .keys()
            .filter(|k| k.starts_with(bag::SIGNATURES_DIR));
        assert_eq!(sigs.count(), 1);
    }

    #[test]
    fn does_not_read_a_file_the_format_does_not_name() {
        let (problems, tags) = read(
            |f| {
                f.insert("notes.txt".into(), vec![b'x'; 10]);
            },
            &Limits::DEFAULT,
        );
        assert_eq!(problems, []);
        assert_eq!(tags.get("notes.txt"), Found::Missing);
        assert!(!tags.digests().contains_key("notes.txt"));
    }

    #[test]
    fn keeps_no_bytes_of_a_pinned_file_with_another_digest() {
        let (problems, tags) = read(
            |f| {
                f.insert(bag::BAGIT_PATH.into(), b"junk".to_vec());
            },
            &Limits::DEFAULT,
        );
        assert_eq!(problems, []);
        assert_eq!(tags.get(bag::BAGIT_PATH), Found::Changed);
        assert_eq!(tags.digests()[bag::BAGIT_PATH], Sha256Digest::of(b"junk"));
    }

    #[test]
    fn refuses_a_tag_file_over_its_bound_or_the_total() {
        let limits = Limits {
            tag_file_bytes: 200,
            ..Limits::DEFAULT
        };
        let (problems, tags) = read(
            |f| {
                f.insert(bag::TAGMANIFEST_PATH.into(), vec![b'x'; 201]);
            },
            &limits,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].check, Check::Container);
        assert_eq!(problems[0].path, bag::TAGMANIFEST_PATH);
        assert!(problems[0]
            .message
            .contains("201 bytes is more than the 200 allowed"));
        assert_eq!(tags.get(bag::TAGMANIFEST_PATH), Found::Unread);

        let files = fixture::files();
        let size = |p: &str| files[p].len() as u64;
        let limits = Limits {
            tag_bytes: size(bag::RELEASE_PATH) + size(bag::BAG_INFO_PATH) + size(bag::BAGIT_PATH),
            ..Limits::DEFAULT
        };
        let (problems, tags) = read(|_| {}, &limits);
        // In path order: bag-info.txt and bagit.txt fit, the rest do not.
        assert!(tags.bytes(bag::BAGIT_PATH).is_some());
        assert!(!problems.is_empty());
        for p in &problems {
            assert_eq!(p.check, Check::Container);
            assert!(p.message.contains("more than the"), "{p:?}");
            assert_eq!(tags.get(&p.path), Found::Unread);
        }
        assert!(problems.iter().any(|p| p.path == bag::TAGMANIFEST_PATH));
    }

    #[test]
    fn reads_no_signature_when_there_are_too_many() {
        let limits = Limits {
            signature_files: 2,
            ..Limits::DEFAULT
        };
        let (problems, tags) = read(
            |f| {
                for i in 0..3 {
                    f.insert(format!("{}{i}.sig", bag::SIGNATURES_DIR), b"x".to_vec());
                }
            },
            &limits,
        );
        assert_eq!(
            problems,
            [Problem::new(
                Check::Signatures,
                "intact/signatures",
                "4 signature files is more than the 2 allowed; none was read"
            )]
        );
        assert!(!tags.read.keys().any(|k| k.starts_with(bag::SIGNATURES_DIR)));
        assert!(tags.bytes(bag::BAGIT_PATH).is_some(), "the others are read");
    }
}
