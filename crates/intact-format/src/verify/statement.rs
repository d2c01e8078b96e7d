//! The check `statement` (FORMAT.md §6): `release.json` present, canonical and well-formed.

use crate::bag;
use crate::bagpath::BagPath;
use crate::canonical;
use crate::digest::Sha256Digest;
use crate::problem::{Check, Problem};
use crate::release::{self, Statement, RELEASE_FORMAT, REQUIRED_TAG_FILES};

/// Check `statement` (FORMAT.md §6) on the bytes of `release.json` (`None`: missing or
/// unreadable): canonical JSON, the format id, the ids, `created`, `merkle_root`, `previous`,
/// and `tag_files` pinning what it must and nothing it may not. Returns the statement when it
/// parses, even with problems, so that the later checks can still compare against it.
pub(super) fn check_statement(release_json: Option<&[u8]>) -> (Vec<Problem>, Option<Statement>) {
    let mut problems = Vec::new();
    let Some(bytes) = release_json else {
        problems.push(problem("missing: the bundle has no signed statement"));
        return (problems, None);
    };
    if !canonical::is_canonical(bytes) {
        problems.push(problem("not canonical JSON (RFC 8785)"));
    }
    let s: Statement = match serde_json::from_slice(bytes) {
        Ok(s) => s,
        Err(e) => {
            problems.push(problem(format!("not a valid statement: {e}")));
            return (problems, None);
        }
    };
    if s.format != RELEASE_FORMAT {
        problems.push(problem(format!(
            "format '{}' is not {RELEASE_FORMAT}",
            s.format
        )));
    }
    for id in [&s.collection, &s.release] {
        if !release::is_valid_id(id) {
            problems.push(problem(format!("'{id}' is not a valid id")));
        }
    }
    if release::parse_created(&s.created).is_none() {
        problems.push(problem(format!(
            "created '{}' is not YYYY-MM-DDTHH:MM:SSZ",
            s.created
        )));
    }
    if Sha256Digest::from_hex(&s.merkle_root).is_none() {
        problems.push(problem("merkle_root is not 64 lowercase hex digits"));
    }
    if let Some(prev) = &s.previous {
        if Sha256Digest::from_hex(&prev.sha256).is_none() || !release::is_valid_id(&prev.release) {
            problems.push(problem("previous is not {release, sha256}"));
        }
    }
    problems.extend(tag_files_problems(&s));
    (problems, Some(s))
}

/// FORMAT.md §6: `tag_files` pins at least the required tag files, never `release.json`, the
/// tag manifest, a signature or a payload file, each with a digest of 64 lowercase hex digits.
fn tag_files_problems(s: &Statement) -> Vec<Problem> {
    let mut problems = Vec::new();
    for req in REQUIRED_TAG_FILES {
        if !s.tag_files.contains_key(req) {
            problems.push(problem(format!("tag_files does not pin {req}")));
        }
    }
    for (k, v) in &s.tag_files {
        if BagPath::parse(k).map(|b| b.is_payload()).unwrap_or(true)
            || k == bag::RELEASE_PATH
            || k == bag::TAGMANIFEST_PATH
            || k.starts_with(bag::SIGNATURES_DIR)
        {
            problems.push(problem(format!("tag_files may not list '{k}'")));
        }
        if Sha256Digest::from_hex(v).is_none() {
            problems.push(problem(format!(
                "tag_files digest of {k} is not 64 lowercase hex digits"
            )));
        }
    }
    problems
}

fn problem(message: impl Into<String>) -> Problem {
    Problem::new(Check::Statement, bag::RELEASE_PATH, message)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    /// The messages of `check_statement` on `bytes`, each checked to be a `statement` problem
    /// at `release.json`.
    fn messages(bytes: Option<&[u8]>) -> Vec<String> {
        let (problems, _) = check_statement(bytes);
        for p in &problems {
            assert_eq!(
                (p.check, p.path.as_str()),
                (Check::Statement, bag::RELEASE_PATH)
            );
        }
        problems.into_iter().map(|p| p.message).collect()
    }

    fn edited(edit: impl FnOnce(&mut Statement)) -> Vec<String> {
        let mut s = fixture::statement();
        edit(&mut s);
        messages(Some(&canonical::to_canonical(&s).unwrap()))
    }

    #[test]
    fn passes_a_valid_statement() {
        let bytes = canonical::to_canonical(&fixture::statement()).unwrap();
        let (problems, s) = check_statement(Some(&bytes));
        assert_eq!(problems, []);
        assert_eq!(s, Some(fixture::statement()));
    }

    #[test]
    fn fails_a_missing_or_unparsable_statement() {
        assert_eq!(
            messages(None),
            ["missing: the bundle has no signed statement"]
        );
        let m = messages(Some(b"{\"format\":1}"));
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("not a valid statement: "), "{m:?}");
        let (_, s) = check_statement(Some(b"[]"));
        assert!(s.is_none());
    }

    #[test]
    fn fails_json_that_is_not_canonical_but_still_returns_it() {
        let mut bytes = canonical::to_canonical(&fixture::statement()).unwrap();
        bytes.push(b'\n');
        let (problems, s) = check_statement(Some(&bytes));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("not canonical JSON"));
        assert!(s.is_some());
    }

    #[test]
    fn fails_bad_fields() {
        let m = edited(|s| s.format = "intact-release/2".into());
        assert_eq!(m, ["format 'intact-release/2' is not intact-release/1"]);
        let m = edited(|s| s.release = "a/b".into());
        assert_eq!(m, ["'a/b' is not a valid id"]);
        let m = edited(|s| s.created = "2026-01-15".into());
        assert_eq!(m, ["created '2026-01-15' is not YYYY-MM-DDTHH:MM:SSZ"]);
        let m = edited(|s| s.merkle_root = "00".into());
        assert_eq!(m, ["merkle_root is not 64 lowercase hex digits"]);
        let m = edited(|s| {
            s.previous = Some(release::Previous {
                release: "r0".into(),
                sha256: "zz".into(),
            })
        });
        assert_eq!(m, ["previous is not {release, sha256}"]);
    }

    #[test]
    fn fails_tag_files_that_miss_or_list_the_wrong_files() {
        let m = edited(|s| {
            s.tag_files.remove(bag::BAGIT_PATH);
        });
        assert_eq!(m, ["tag_files does not pin bagit.txt"]);
        let m = edited(|s| {
            let d = "ab".repeat(32);
            s.tag_files.insert("data/a.txt".into(), d.clone());
            s.tag_files.insert(bag::TAGMANIFEST_PATH.into(), d);
            s.tag_files.insert("extra.txt".into(), "XY".into());
        });
        assert_eq!(
            m,
            [
                "tag_files may not list 'data/a.txt'",
                "tag_files digest of extra.txt is not 64 lowercase hex digits",
                "tag_files may not list 'tagmanifest-sha256.txt'",
            ]
        );
    }
}
