//! The check `payload` (FORMAT.md §9): every payload file listed, present, and of the listed
//! size and SHA-256; none unlisted.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::bundle::{Bundle, Directory, Member};
use crate::digest::{Sha256Digest, StreamDigest};
use crate::problem::{Check, Problem};
use crate::progress::{Progress, Silent};

use super::sorted::{merge_join, ExpectedList, Joined};

/// A payload member's content, hashed before the manifests were read ([`hash_members`]).
pub(super) enum Hashed {
    /// Not hashed: hashing was stopped before this member.
    Pending,
    /// The digest and size read, and whether a ZIP member's CRC-32 matched; or why the member
    /// could not be read.
    Read(Result<(StreamDigest, bool), String>),
}

// What a verifier holds per payload member while the tag files are checked (FORMAT.md §9.1).
const _: () = assert!(std::mem::size_of::<Hashed>() <= 64);

/// Whether and when the `payload` check hashes the listed files.
pub(super) enum Hashing<'a> {
    /// Not at all (`--skip-payload`).
    Skip,
    /// Now, in parallel, reporting to the progress.
    Now(&'a dyn Progress),
    /// Already: one result per payload member, in the same order (the [`hash_members`] of
    /// the same members). A member left [`Hashed::Pending`] that is listed is hashed now.
    Done(&'a [Hashed]),
}

/// Hashes every `payload` member in parallel, reporting to `progress`, before anything says
/// which are listed: the `payload` check is then only a comparison, and hashing runs beside
/// the checks of the tag files (two cores busy rather than one). Once `stop` is set, the
/// members not yet begun are left [`Hashed::Pending`]. Memory: one [`Hashed`] per member.
pub(super) fn hash_members(
    bundle: &Bundle,
    payload: &[Member],
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Vec<Hashed> {
    progress.start(
        payload.len() as u64,
        // A tree's payload files are sized as they are read: then the bytes are not known
        // ahead (0).
        payload
            .iter()
            .map(Member::listed_size)
            .sum::<Option<u64>>()
            .unwrap_or(0),
    );
    let hashed = payload
        .par_iter()
        .with_min_len(64)
        .map_init(Directory::default, |dir, m| {
            if stop.load(Ordering::Relaxed) {
                return Hashed::Pending;
            }
            let read = bundle.hash_in(m, progress, dir).map_err(|e| e.to_string());
            progress.advance(1, 0);
            Hashed::Read(read)
        })
        .collect();
    progress.finish();
    hashed
}

/// Check `payload` (FORMAT.md §9, the ZIP CRC-32 of §2.8): every file the manifests list
/// (`expected`) is among the `payload` members and every member is listed; unless `hashing`
/// is [`Hashing::Skip`], each listed file must have the listed size and SHA-256 and, in a ZIP,
/// its CRC-32.
pub(super) fn check_payload(
    bundle: &Bundle,
    payload: &[Member],
    expected: ExpectedList,
    hashing: Hashing,
) -> Vec<Problem> {
    let mut missing = Vec::new();
    let mut unlisted = Vec::new();
    let mut listed: Vec<Listed> = Vec::with_capacity(payload.len());
    merge_join(
        expected.as_slice(),
        payload,
        |e| expected.path(e),
        |m| m.path.as_str(),
        |joined| match joined {
            Joined::Left(e) => missing.push(expected.path(e)),
            Joined::Right(m) => unlisted.push(m.path.as_str()),
            Joined::Both(e, m) => listed.push((m, e.sha256, e.size, None)),
        },
    );
    let mut problems = Vec::with_capacity(missing.len() + unlisted.len());
    for p in missing {
        problems.push(Problem::new(
            Check::Payload,
            p,
            "missing: listed in the manifest but not in the bundle",
        ));
    }
    for p in unlisted {
        problems.push(Problem::new(
            Check::Payload,
            p,
            "not listed in the manifest (added or renamed file)",
        ));
    }
    drop(expected);
    match hashing {
        Hashing::Skip => {}
        Hashing::Now(progress) => problems.extend(content_problems(bundle, &listed, progress)),
        Hashing::Done(hashed) => {
            attach_hashed(payload, hashed, &mut listed);
            problems.extend(content_problems(bundle, &listed, &Silent));
        }
    }
    problems
}

/// A listed member: the digest and size the manifests give, and its content when hashed
/// already.
type Listed<'a, 'h> = (
    &'a Member,
    Option<Sha256Digest>,
    Option<u64>,
    Option<&'h Hashed>,
);

/// Gives each `listed` member its result among `hashed` (one per `payload` member, in order;
/// `listed` is a subsequence of `payload`).
fn attach_hashed<'h>(payload: &[Member], hashed: &'h [Hashed], listed: &mut [Listed<'_, 'h>]) {
    let mut results = payload.iter().zip(hashed);
    for entry in listed.iter_mut() {
        entry.3 = results
            .by_ref()
            .find(|(m, _)| std::ptr::eq(*m, entry.0))
            .map(|(_, h)| h);
    }
}

/// Hashes each `listed` member not hashed already (with the digest and size the manifests
/// give) and reports, in path order, those whose content is not what was listed.
fn content_problems(bundle: &Bundle, listed: &[Listed], progress: &dyn Progress) -> Vec<Problem> {
    let to_hash = listed
        .iter()
        .filter(|l| !matches!(l.3, Some(Hashed::Read(_))));
    // The bytes ahead: each file's as listed, or as the manifests give it (a tree's).
    let (files, bytes) = to_hash.fold((0, 0), |(n, b), l| {
        (n + 1, b + l.0.listed_size().or(l.2).unwrap_or(0))
    });
    if files > 0 {
        progress.start(files, bytes);
    }
    let mut problems: Vec<Problem> = listed
        .par_iter()
        .with_min_len(16)
        .filter_map(|(m, want, want_size, done)| {
            let read = match done {
                Some(Hashed::Read(read)) => read.clone(),
                _ => {
                    let read = bundle.hash_with(m, progress).map_err(|e| e.to_string());
                    progress.advance(1, 0);
                    read
                }
            };
            let msgs = content_messages(read, *want, *want_size);
            (!msgs.is_empty())
                .then(|| Problem::new(Check::Payload, m.path.as_str(), msgs.join("; ")))
        })
        .collect();
    if files > 0 {
        progress.finish();
    }
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

/// What is wrong with a member's content, read as `read`, against the listed digest and size.
fn content_messages(
    read: Result<(StreamDigest, bool), String>,
    want: Option<Sha256Digest>,
    want_size: Option<u64>,
) -> Vec<String> {
    let mut msgs = Vec::new();
    match read {
        Err(e) => msgs.push(format!("cannot read: {e}")),
        Ok((d, crc_ok)) => {
            if let Some(size) = want_size {
                if size != d.size {
                    msgs.push(format!("size {} but the manifest says {size}", d.size));
                }
            }
            if let Some(want) = want {
                if want != d.sha256 {
                    msgs.push(format!(
                        "content changed: sha256 {} but the manifest says {}",
                        d.sha256, want
                    ));
                }
            }
            if !crc_ok {
                msgs.push("ZIP CRC-32 does not match the content".into());
            }
        }
    }
    msgs
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::progress::Silent;

    /// The payload files of the fixture, as the manifests list them.
    fn expected() -> ExpectedList {
        let mut e = ExpectedList::default();
        for item in fixture::manifest().items {
            let sha = item.sha256.as_deref().and_then(Sha256Digest::from_hex);
            e.push(item.path.as_deref().unwrap(), sha, item.size);
        }
        e
    }

    /// `check_payload` on a fixture bundle after `edit`.
    fn check(edit: impl FnOnce(&mut fixture::Files)) -> Vec<Problem> {
        let mut files = fixture::files();
        edit(&mut files);
        let b = fixture::bundle(&files);
        let p = check_payload(
            &b,
            b.members.under("data/"),
            expected(),
            Hashing::Now(&Silent),
        );
        assert!(p.iter().all(|p| p.check == Check::Payload));
        p
    }

    #[test]
    fn passes_the_listed_files() {
        assert_eq!(check(|_| {}), []);
    }

    #[test]
    fn fails_missing_and_unlisted_files() {
        let p = check(|f| {
            let b = f.remove("data/a.txt").unwrap();
            f.insert("data/renamed.txt".into(), b);
        });
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].path, "data/a.txt");
        assert!(p[0].message.starts_with("missing"));
        assert_eq!(p[1].path, "data/renamed.txt");
        assert!(p[1].message.starts_with("not listed in the manifest"));
    }

    #[test]
    fn fails_changed_content_unless_not_hashed() {
        let p = check(|f| {
            f.insert("data/b/c.txt".into(), b"sea\n".to_vec());
            f.insert("data/a.txt".into(), b"alpha!\n".to_vec());
        });
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].path, "data/a.txt");
        assert!(p[0]
            .message
            .starts_with("size 7 but the manifest says 6; content changed"));
        assert_eq!(p[1].path, "data/b/c.txt");
        assert!(p[1].message.starts_with("content changed: sha256 "));
        let mut files = fixture::files();
        files.insert("data/a.txt".into(), b"alpha!\n".to_vec());
        let b = fixture::bundle(&files);
        let p = check_payload(&b, b.members.under("data/"), expected(), Hashing::Skip);
        assert_eq!(p, []);
    }

    /// Hashed before the manifests were read, or when the check runs: the same problems in the
    /// same order; a listed member left pending is hashed then, an unlisted one never.
    #[test]
    fn members_hashed_beforehand_give_the_same_problems() {
        let mut files = fixture::files();
        files.insert("data/b/c.txt".into(), b"sea\n".to_vec());
        files.insert("data/a.txt".into(), b"alpha!\n".to_vec());
        files.insert("data/unlisted.txt".into(), b"x".to_vec());
        let b = fixture::bundle(&files);
        let payload = b.members.under("data/");
        let now = check_payload(&b, payload, expected(), Hashing::Now(&Silent));
        assert_eq!(now.len(), 3, "{now:?}");
        let go = AtomicBool::new(false);
        let hashed = hash_members(&b, payload, &Silent, &go);
        assert!(hashed.iter().all(|h| matches!(h, Hashed::Read(Ok(_)))));
        let done = check_payload(&b, payload, expected(), Hashing::Done(&hashed));
        assert_eq!(done, now);
        let stop = AtomicBool::new(true);
        let pending = hash_members(&b, payload, &Silent, &stop);
        assert!(pending.iter().all(|h| matches!(h, Hashed::Pending)));
        let late = check_payload(&b, payload, expected(), Hashing::Done(&pending));
        assert_eq!(late, now);
        // A result that says the member could not be read is reported as such.
        let mut failed = hash_members(&b, payload, &Silent, &go);
        let at = payload
            .iter()
            .position(|m| m.path.as_str() == "data/a.txt")
            .unwrap();
        failed[at] = Hashed::Read(Err("gone".into()));
        let p = check_payload(&b, payload, expected(), Hashing::Done(&failed));
        assert_eq!(
            p[1],
            Problem::new(Check::Payload, "data/a.txt", "cannot read: gone")
        );
        assert_eq!(p[2], now[2]);
    }
}
