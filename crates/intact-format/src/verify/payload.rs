//! The check `payload` (FORMAT.md §9): every payload file listed, present, and of the listed
//! size and SHA-256; none unlisted.

use rayon::prelude::*;

use crate::bundle::{Bundle, Member};
use crate::digest::Sha256Digest;
use crate::problem::{Check, Problem};
use crate::progress::Progress;

use super::sorted::{merge_join, ExpectedList, Joined};

/// Check `payload` (FORMAT.md §9, the ZIP CRC-32 of §2.8): every file the manifests list
/// (`expected`) is among the `payload` members and every member is listed; with `hash`, each
/// listed file is hashed (in parallel, reported to `progress`) and must have the listed size
/// and SHA-256 and, in a ZIP, its CRC-32.
pub(super) fn check_payload(
    bundle: &Bundle,
    payload: &[Member],
    expected: ExpectedList,
    hash: bool,
    progress: &dyn Progress,
) -> Vec<Problem> {
    let mut missing = Vec::new();
    let mut unlisted = Vec::new();
    let mut listed: Vec<(&Member, Option<Sha256Digest>, Option<u64>)> =
        Vec::with_capacity(payload.len());
    merge_join(
        expected.as_slice(),
        payload,
        |e| expected.path(e),
        |m| m.path.as_str(),
        |joined| match joined {
            Joined::Left(e) => missing.push(expected.path(e)),
            Joined::Right(m) => unlisted.push(m.path.as_str()),
            Joined::Both(e, m) => listed.push((m, e.sha256, e.size)),
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
    if hash {
        problems.extend(content_problems(bundle, &listed, progress));
    }
    problems
}

/// Hashes each `listed` member (with the digest and size the manifests give) and reports, in
/// path order, those whose content is not what was listed.
fn content_problems(
    bundle: &Bundle,
    listed: &[(&Member, Option<Sha256Digest>, Option<u64>)],
    progress: &dyn Progress,
) -> Vec<Problem> {
    progress.start(
        listed.len() as u64,
        listed.iter().map(|(m, _, _)| m.size).sum::<u64>(),
    );
    let mut problems: Vec<Problem> = listed
        .par_iter()
        .with_min_len(16)
        .filter_map(|(m, want, want_size)| {
            let mut msgs = Vec::new();
            let hashed = bundle.hash_with(m, progress);
            progress.advance(1, 0);
            match hashed {
                Err(e) => msgs.push(format!("cannot read: {e}")),
                Ok((d, crc_ok)) => {
                    if let Some(size) = want_size {
                        if *size != d.size {
                            msgs.push(format!("size {} but the manifest says {size}", d.size));
                        }
                    }
                    if let Some(want) = want {
                        if *want != d.sha256 {
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
            (!msgs.is_empty())
                .then(|| Problem::new(Check::Payload, m.path.as_str(), msgs.join("; ")))
        })
        .collect();
    progress.finish();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
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
        let p = check_payload(&b, b.members.under("data/"), expected(), true, &Silent);
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
        let p = check_payload(&b, b.members.under("data/"), expected(), false, &Silent);
        assert_eq!(p, []);
    }
}
