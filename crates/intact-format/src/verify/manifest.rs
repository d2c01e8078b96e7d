//! The check `manifest` (FORMAT.md §5 and §4.3): the item records of `intact/manifest.json`, the
//! BagIt payload manifest `manifest-sha256.txt`, and that the two agree.
//!
//! Both files grow with the number of items. Each is first hashed as a stream; one whose digest
//! is not the one `release.json` pins is not parsed (FORMAT.md §9.1: `tag-files` reports it
//! changed). `manifest.json` is then read one record at a time ([`super::records`]), never
//! held; `manifest-sha256.txt` is held while its lines are checked, and dropped before
//! `manifest.json` is read. What the `payload` check needs of them is kept as one
//! [`ExpectedList`].

use crate::bag;
use crate::bundle::{Bundle, Member};
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::manifest::{Manifest, MANIFEST_FORMAT};
use crate::merkle;
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::read::is_changed;
use super::records::{read_records, Expecting, ReadError, Records};
use super::sorted::{merge_join, sorted_unique, ExpectedList, Joined};

/// What `manifest.json` commits to, for the `merkle` check.
pub(super) struct ItemsSummary {
    pub(super) count: u64,
    pub(super) payload_bytes: u64,
    pub(super) merkle_root: merkle::Hash,
}

/// What the `manifest` check found out, for the checks after it.
pub(super) struct Manifests {
    /// The digests of the two manifests, when they could be read (for `tag-files` and
    /// `tag-manifest`).
    pub(super) digests: Vec<(String, Sha256Digest)>,
    /// The payload files the manifests list, sorted by path.
    pub(super) expected: ExpectedList,
    /// What `manifest.json` commits to, when it could be read.
    pub(super) items: Option<ItemsSummary>,
    /// The parsed `manifest.json`, when the caller asked for it and it parses.
    pub(super) manifest: Option<Manifest>,
}

/// One of the two manifests, as far as it may be parsed.
enum Found<T> {
    /// Missing, or unreadable (a `container` problem says why).
    Missing,
    /// Its digest is not the one `release.json` pins: not parsed.
    Changed,
    Read(T),
}

/// Check `manifest` (FORMAT.md §5, §4.3): reads `manifest-sha256.txt` and checks its lines, then
/// reads `manifest.json` and checks its item records against the `statement`'s release, and
/// that the two list the same payload files with the same digests. `keep_manifest`: also
/// return the parsed `manifest.json`. A manifest that cannot be read is a `container` problem.
pub(super) fn check_manifest(
    bundle: &Bundle,
    limits: &Limits,
    statement: Option<&Statement>,
    keep_manifest: bool,
) -> (Vec<Problem>, Manifests) {
    let mut problems = Vec::new();
    let mut digests = Vec::new();
    // Each manifest hashed first: (member, digest, whether its bytes may be read again).
    let mut pass = |path: &str, limit: u64, problems: &mut Vec<Problem>| {
        let m = bundle.get(path)?;
        match hash_first(bundle, m, limit) {
            Ok((d, crc)) => {
                digests.push((path.to_owned(), d));
                if let Some(p) = &crc {
                    problems.push(p.clone());
                }
                Some((m, d, crc.is_none()))
            }
            Err(p) => {
                problems.push(p);
                None
            }
        }
    };
    let records = match pass(bag::ITEMS_PATH, limits.manifest_bytes, &mut problems) {
        None => Found::Missing,
        Some((_, d, _)) if is_changed(bag::ITEMS_PATH, &d, statement) => Found::Changed,
        Some((_, _, false)) => Found::Missing,
        Some((m, d, true)) => {
            read_item_records(bundle, m, &d, limits, keep_manifest, &mut problems)
        }
    };
    let (found, records) = check_item_records(records, statement, limits);
    problems.extend(found);
    let (summary, manifest, expected) = match records {
        Some(r) => (
            Some(ItemsSummary {
                count: r.count,
                payload_bytes: r.payload_bytes,
                merkle_root: r.merkle_root,
            }),
            r.manifest,
            Some((r.expected, r.paths_valid)),
        ),
        None => (None, None, None),
    };
    let txt = match pass(
        bag::MANIFEST_PATH,
        limits.payload_manifest_bytes,
        &mut problems,
    ) {
        None => Found::Missing,
        Some((_, d, _)) if is_changed(bag::MANIFEST_PATH, &d, statement) => Found::Changed,
        Some((_, _, false)) => Found::Missing,
        Some((m, d, true)) => match read_again(bundle, m, &d, limits.payload_manifest_bytes) {
            Ok(bytes) => Found::Read(bytes),
            Err(p) => {
                problems.push(p);
                Found::Missing
            }
        },
    };
    let (found, expected) = check_payload_manifest(txt, expected, limits);
    problems.extend(found);
    let manifests = Manifests {
        digests,
        expected,
        items: summary,
        manifest,
    };
    (problems, manifests)
}

/// The SHA-256 of a manifest, hashed as a stream within `limit` bytes (nothing is held), and
/// the `container` problem of a ZIP CRC-32 that does not match it (the digest still says
/// whether the file is the one `release.json` pins).
fn hash_first(
    bundle: &Bundle,
    m: &Member,
    limit: u64,
) -> Result<(Sha256Digest, Option<Problem>), Problem> {
    let cannot = |e: String| {
        Problem::new(
            Check::Container,
            m.path.as_str(),
            format!("cannot read: {e}"),
        )
    };
    let size = bundle.size(m).map_err(|e| cannot(e.to_string()))?;
    if size > limit {
        return Err(cannot(format!(
            "{size} bytes is more than the {limit} allowed for this file"
        )));
    }
    match bundle.hash(m) {
        Err(e) => Err(cannot(e.to_string())),
        Ok((d, _)) if d.size != size => Err(cannot("file changed size while being read".into())),
        Ok((d, false)) => Ok((
            d.sha256,
            Some(cannot("ZIP CRC-32 does not match the content".into())),
        )),
        Ok((d, true)) => Ok((d.sha256, None)),
    }
}

/// The bytes of a manifest whose digest was `digest` when hashed, read again whole.
fn read_again(
    bundle: &Bundle,
    m: &Member,
    digest: &Sha256Digest,
    limit: u64,
) -> Result<Vec<u8>, Problem> {
    let cannot = |e: String| {
        Problem::new(
            Check::Container,
            m.path.as_str(),
            format!("cannot read: {e}"),
        )
    };
    let bytes = bundle.read(m, limit).map_err(cannot)?;
    if Sha256Digest::of(&bytes) != *digest {
        return Err(cannot("file changed while being read".into()));
    }
    Ok(bytes)
}

/// Reads the records of `manifest.json`, whose digest was `digest` when hashed.
fn read_item_records(
    bundle: &Bundle,
    m: &Member,
    digest: &Sha256Digest,
    limits: &Limits,
    keep: bool,
    problems: &mut Vec<Problem>,
) -> Found<Result<Records, ReadError>> {
    let p = bag::ITEMS_PATH;
    match bundle.reader(m) {
        Err(e) => {
            problems.push(Problem::new(
                Check::Container,
                p,
                format!("cannot read: {e}"),
            ));
            Found::Missing
        }
        Ok(r) => match read_records(
            r,
            || bundle.reader(m),
            digest,
            limits,
            keep,
            expecting(bundle),
        ) {
            Err(ReadError::Io(e)) => {
                problems.push(Problem::new(
                    Check::Container,
                    p,
                    format!("cannot read: {e}"),
                ));
                Found::Missing
            }
            other => Found::Read(other),
        },
    }
}

/// What the bundle's payload files say `manifest.json` holds: a record for each.
fn expecting(bundle: &Bundle) -> Expecting {
    let payload = bundle.members.under("data/");
    Expecting {
        records: payload.len(),
        path_bytes: payload.iter().map(|m| m.path.as_str().len()).sum(),
    }
}

/// FORMAT.md §5 on what was read of `manifest.json`: canonical form, the format id, the
/// release the records belong to, the change records, and each record's problems. Returns the
/// records when they could be read.
fn check_item_records(
    records: Found<Result<Records, ReadError>>,
    statement: Option<&Statement>,
    limits: &Limits,
) -> (Vec<Problem>, Option<Records>) {
    let p = bag::ITEMS_PATH;
    let r = match records {
        Found::Missing => return (vec![problem(p, "missing")], None),
        Found::Changed => return (Vec::new(), None),
        Found::Read(Err(ReadError::TooMany)) => {
            let m = format!(
                "more than the {} item records a verifier reads; not read further",
                limits.items
            );
            return (vec![problem(p, m)], None);
        }
        Found::Read(Err(ReadError::Invalid(e))) => {
            return (vec![problem(p, format!("not a valid manifest: {e}"))], None)
        }
        Found::Read(Err(ReadError::Io(e))) => {
            return (
                vec![Problem::new(
                    Check::Container,
                    p,
                    format!("cannot read: {e}"),
                )],
                None,
            )
        }
        Found::Read(Ok(r)) => r,
    };
    let mut problems = Vec::new();
    if !r.canonical {
        problems.push(problem(p, "not canonical JSON (RFC 8785)"));
    }
    if r.format != MANIFEST_FORMAT {
        problems.push(problem(
            p,
            format!("format '{}' is not {MANIFEST_FORMAT}", r.format),
        ));
    }
    if let Some(s) = statement {
        if r.collection != s.collection || r.release != s.release {
            problems.push(problem(
                p,
                "collection or release differs from release.json",
            ));
        }
    }
    for message in &r.change_problems {
        problems.push(problem(p, message.clone()));
    }
    for (i, message) in &r.problems {
        problems.push(problem(&format!("{p} item {i}"), message.clone()));
    }
    if r.unlisted > 0 {
        problems.push(problem(
            p,
            format!("{} more problems with item records, not listed", r.unlisted),
        ));
    }
    (problems, Some(r))
}

/// FORMAT.md §4.3 on `manifest-sha256.txt`: its lines (at most [`Limits::items`]), each under
/// `data/`, and — when `manifest.json` could be read (`items`) — the same paths and digests as
/// its records. Returns the payload files to expect: `items`, or this manifest's lines when
/// there is no `items` to stand for. At most [`Limits::problems_per_file`] problems are listed.
fn check_payload_manifest(
    txt: Found<Vec<u8>>,
    items: Option<(ExpectedList, bool)>,
    limits: &Limits,
) -> (Vec<Problem>, ExpectedList) {
    let p = bag::MANIFEST_PATH;
    let have_items = items.is_some();
    let (mut expected, paths_valid) = items.unwrap_or_default();
    let bytes = match txt {
        Found::Missing => return (vec![problem(p, "missing")], expected),
        Found::Changed => return (Vec::new(), expected),
        Found::Read(bytes) => bytes,
    };
    // The usual case, without parsing: the file is exactly what the records list (every
    // record's path a valid payload path), so every line parses and agrees with them.
    if have_items && paths_valid && expected.is_manifest_text(&bytes) {
        return (Vec::new(), expected);
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return (vec![problem(p, "not UTF-8")], expected);
    };
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    if lines > limits.items {
        let m = format!(
            "{lines} lines is more than the {} a verifier reads; not read further",
            limits.items
        );
        return (vec![problem(p, m)], expected);
    }
    // The paths are borrowed from the text, not copied.
    let (entries, mut problems) = bag::parse_manifest_in_place(text, Check::Manifest, p);
    for (path, _) in &entries {
        if !path.starts_with("data/") {
            problems.push(problem(path, "payload manifest lists a file outside data/"));
        }
    }
    let entries = sorted_unique(entries, |e| e.0);
    if have_items {
        problems.extend(disagreements(&entries, &expected));
    } else {
        expected.reserve(entries.len(), entries.iter().map(|e| e.0.len()).sum());
        for (path, d) in &entries {
            expected.push(path, Some(*d), None);
        }
    }
    (at_most(problems, limits.problems_per_file, p), expected)
}

/// The first `limit` of `problems`, and one more that says how many were left out.
fn at_most(mut problems: Vec<Problem>, limit: usize, path: &str) -> Vec<Problem> {
    if problems.len() > limit {
        let more = problems.len() - limit;
        problems.truncate(limit);
        problems.push(problem(path, format!("{more} more problems, not listed")));
    }
    problems
}

/// Where `manifest-sha256.txt`'s lines (`entries`) and `manifest.json`'s records (`items`)
/// disagree, in path order as a walk of both finds them: lines not in `manifest.json` and
/// digests that differ, then records not in `manifest-sha256.txt`.
fn disagreements(entries: &[(&str, Sha256Digest)], items: &ExpectedList) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut not_in_txt = Vec::new();
    merge_join(
        entries,
        items.as_slice(),
        |e| e.0,
        |e| items.path(e),
        |joined| match joined {
            Joined::Left((path, _)) => problems.push(problem(
                path,
                "in manifest-sha256.txt but not in manifest.json",
            )),
            Joined::Right(e) => not_in_txt.push(items.path(e)),
            Joined::Both((path, d), e) => {
                if e.sha256.is_some_and(|e| e != *d) {
                    problems.push(problem(
                        path,
                        "manifest-sha256.txt and manifest.json give different digests",
                    ));
                }
            }
        },
    );
    for path in not_in_txt {
        problems.push(problem(
            path,
            "in manifest.json but not in manifest-sha256.txt",
        ));
    }
    problems
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem::new(Check::Manifest, path, message)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::canonical;

    /// `check_manifest` on a fixture bundle after `edit`, within `limits`, with the fixture's
    /// statement sealed again over the edited files (so that they are not changed files).
    fn check_within(
        edit: impl FnOnce(&mut fixture::Files),
        limits: &Limits,
    ) -> (Vec<Problem>, Manifests) {
        let mut files = fixture::files();
        edit(&mut files);
        fixture::seal(&mut files, |_| {});
        let s: Statement = serde_json::from_slice(&files[bag::RELEASE_PATH]).unwrap();
        let b = fixture::bundle(&files);
        check_manifest(&b, limits, Some(&s), true)
    }

    fn check(edit: impl FnOnce(&mut fixture::Files)) -> (Vec<Problem>, Manifests) {
        check_within(edit, &Limits::DEFAULT)
    }

    /// The (path, message) of each problem, each checked to be a `manifest` problem.
    fn found(problems: &[Problem]) -> Vec<(&str, &str)> {
        assert!(
            problems.iter().all(|p| p.check == Check::Manifest),
            "{problems:?}"
        );
        problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect()
    }

    fn edit_items(f: &mut fixture::Files, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut v: serde_json::Value = serde_json::from_slice(&f[bag::ITEMS_PATH]).unwrap();
        edit(&mut v);
        f.insert(bag::ITEMS_PATH.into(), canonical::to_canonical(&v).unwrap());
    }

    #[test]
    fn passes_agreeing_manifests_and_says_what_to_expect() {
        let (problems, m) = check(|_| {});
        assert_eq!(problems, []);
        let paths: Vec<&str> = m
            .expected
            .as_slice()
            .iter()
            .map(|e| m.expected.path(e))
            .collect();
        assert_eq!(paths, ["data/a.txt", "data/b/c.txt"]);
        assert_eq!(m.expected.as_slice()[0].size, Some(6));
        let items = m.items.unwrap();
        assert_eq!((items.count, items.payload_bytes), (2, 10));
        assert_eq!(items.merkle_root, fixture::manifest().merkle_root());
        assert_eq!(m.manifest, Some(fixture::manifest()));
        let names: Vec<&str> = m.digests.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, [bag::ITEMS_PATH, bag::MANIFEST_PATH]);
    }

    /// The entries of a payload manifest, as the records would list them.
    fn listed(entries: &[(&str, &[u8])]) -> ExpectedList {
        let mut l = ExpectedList::default();
        for (path, content) in entries {
            l.push(path, Some(Sha256Digest::of(content)), Some(1));
        }
        l.sort_unique();
        l
    }

    /// `check_payload_manifest` the quick way (when it applies) and by parsing every line: the
    /// same problems and the same list.
    fn payload_manifest_both_ways(text: &[u8], entries: &[(&str, &[u8])]) -> Vec<Problem> {
        let run = |quick: bool| {
            let txt = Found::Read(text.to_vec());
            let (p, e) =
                check_payload_manifest(txt, Some((listed(entries), quick)), &Limits::DEFAULT);
            let e: Vec<_> = e
                .as_slice()
                .iter()
                .map(|x| (e.path(x).to_owned(), x.sha256, x.size))
                .collect();
            (p, e)
        };
        let (quick, parsed) = (run(true), run(false));
        assert_eq!(quick, parsed, "{}", String::from_utf8_lossy(text));
        quick.0
    }

    fn manifest_text(entries: &[(&str, &[u8])]) -> Vec<u8> {
        entries
            .iter()
            .map(|(p, c)| format!("{}  {p}\n", Sha256Digest::of(c).to_hex()))
            .collect::<String>()
            .into_bytes()
    }

    const ENTRIES: [(&str, &[u8]); 3] = [
        ("data/a b.txt", b"1"),
        ("data/b/c.txt", b"2"),
        ("data/é", b"3"),
    ];

    /// The text the records list is read without parsing, and finds what parsing it finds.
    #[test]
    fn the_payload_manifest_the_records_list_needs_no_parsing() {
        let text = manifest_text(&ENTRIES);
        assert_eq!(payload_manifest_both_ways(&text, &ENTRIES), []);
        assert_eq!(payload_manifest_both_ways(b"", &[]), []);
        let e = listed(&ENTRIES);
        assert!(e.is_manifest_text(&text));
        for other in [
            &text[..text.len() - 1],
            &[text.as_slice(), b"\n"].concat(),
            &[b" ", text.as_slice()].concat(),
            &manifest_text(&ENTRIES[..2]),
            &text.to_ascii_uppercase(),
        ] {
            assert!(!e.is_manifest_text(other));
            assert_ne!(payload_manifest_both_ways(other, &ENTRIES), []);
        }
        // A path with a space first, a `%`, or no digest, never matches.
        for path in [" data/x", "data/%41"] {
            let odd = [(path, b"1".as_slice())];
            assert!(!listed(&odd).is_manifest_text(&manifest_text(&odd)));
        }
        let mut none = ExpectedList::default();
        none.push("data/a", None, Some(1));
        assert!(!none.is_manifest_text(format!("{}  data/a\n", "0".repeat(64)).as_bytes()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        /// Any change to the payload manifest is judged the same with and without the quick way.
        #[test]
        fn the_quick_payload_manifest_agrees_with_parsing(
            at in proptest::num::usize::ANY,
            edit in 0u8..3,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let mut text = manifest_text(&ENTRIES);
            super::super::fixture::edit_at(&mut text, at, edit, byte);
            payload_manifest_both_ways(&text, &ENTRIES);
        }
    }

    #[test]
    fn fails_missing_manifests_and_falls_back_on_the_other() {
        let (problems, m) = check(|f| {
            f.remove(bag::ITEMS_PATH);
        });
        assert_eq!(found(&problems), [(bag::ITEMS_PATH, "missing")]);
        assert_eq!(
            m.expected.as_slice().len(),
            2,
            "manifest-sha256.txt stands for it"
        );
        assert_eq!(m.expected.as_slice()[0].size, None);
        assert!(m.items.is_none() && m.manifest.is_none());
        let (problems, m) = check(|f| {
            f.remove(bag::MANIFEST_PATH);
        });
        assert_eq!(found(&problems), [(bag::MANIFEST_PATH, "missing")]);
        assert_eq!(m.expected.as_slice().len(), 2);
    }

    #[test]
    fn fails_a_manifest_over_its_limit_as_a_container_problem() {
        let b = fixture::bundle(&fixture::files());
        let limits = Limits {
            manifest_bytes: 10,
            ..Limits::DEFAULT
        };
        let (problems, m) = check_manifest(&b, &limits, None, false);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].check, Check::Container);
        assert!(problems[0].message.contains("more than the 10 allowed"));
        assert_eq!(found(&problems[1..]), [(bag::ITEMS_PATH, "missing")]);
        assert_eq!(m.digests.len(), 1, "only manifest-sha256.txt was read");
    }

    #[test]
    fn does_not_parse_a_manifest_whose_digest_is_not_the_one_pinned() {
        let mut files = fixture::files();
        files.insert(bag::ITEMS_PATH.into(), b"[[[[not json".to_vec());
        files.insert(bag::MANIFEST_PATH.into(), b"junk".to_vec());
        let b = fixture::bundle(&files);
        let (problems, m) = check_manifest(&b, &Limits::DEFAULT, Some(&fixture::statement()), true);
        assert_eq!(problems, [], "tag-files reports both changed");
        assert!(m.items.is_none() && m.manifest.is_none());
        assert_eq!(
            m.digests,
            [
                (bag::ITEMS_PATH.into(), Sha256Digest::of(b"[[[[not json")),
                (bag::MANIFEST_PATH.into(), Sha256Digest::of(b"junk"))
            ]
        );
        // Unpinned (no statement), the same files are parsed and fail.
        let (problems, _) = check_manifest(&b, &Limits::DEFAULT, None, false);
        assert!(problems[0].message.starts_with("not a valid manifest"));
        assert!(problems
            .iter()
            .any(|p| p.message == "not '<sha256>  <path>'"));
    }

    #[test]
    fn a_wrong_crc_is_a_container_problem_and_the_digest_still_counts() {
        let files = fixture::files();
        let mut w = crate::container::Writer::new(std::io::Cursor::new(Vec::new()));
        for (p, b) in &files {
            w.add(&format!("{}/{p}", fixture::TOP), b).unwrap();
        }
        let mut zip = w.finish().unwrap().into_inner();
        // A byte of manifest.json changed in place: the CRC-32 in the headers is now wrong.
        let needle = br#""media_type":"text/plain""#;
        let at = zip.windows(needle.len()).position(|w| w == needle).unwrap();
        zip[at + 14] = b'T';
        let path = std::path::Path::new("t.zip");
        let b = Bundle::open_zip(path, Box::new(zip), &Limits::DEFAULT).unwrap();
        let s = fixture::statement();
        let (problems, m) = check_manifest(&b, &Limits::DEFAULT, Some(&s), false);
        assert_eq!(
            problems,
            [Problem::new(
                Check::Container,
                bag::ITEMS_PATH,
                "cannot read: ZIP CRC-32 does not match the content"
            )],
            "changed, so not parsed: tag-files says so"
        );
        assert_eq!(m.digests[0].0, bag::ITEMS_PATH);
        assert!(is_changed(bag::ITEMS_PATH, &m.digests[0].1, Some(&s)));
    }

    #[test]
    fn reads_no_more_records_or_lines_than_the_limit() {
        let limits = Limits {
            items: 1,
            ..Limits::DEFAULT
        };
        let (problems, m) = check_within(|_| {}, &limits);
        assert_eq!(
            found(&problems),
            [
                (
                    bag::ITEMS_PATH,
                    "more than the 1 item records a verifier reads; not read further"
                ),
                (
                    bag::MANIFEST_PATH,
                    "2 lines is more than the 1 a verifier reads; not read further"
                ),
            ]
        );
        assert!(m.items.is_none());
    }

    #[test]
    fn lists_at_most_the_limit_of_problems_per_file() {
        let limits = Limits {
            problems_per_file: 1,
            ..Limits::DEFAULT
        };
        let (problems, _) = check_within(
            |f| {
                edit_items(f, |v| {
                    v["items"][0]["sha256"] = "x".into();
                    v["items"][1]["sha256"] = "y".into();
                });
                f.insert(bag::MANIFEST_PATH.into(), b"a\nb\n".to_vec());
            },
            &limits,
        );
        assert_eq!(
            found(&problems),
            [
                (
                    "intact/manifest.json item 0",
                    "sha256 is not 64 lowercase hex digits"
                ),
                (
                    bag::ITEMS_PATH,
                    "1 more problems with item records, not listed"
                ),
                ("manifest-sha256.txt:1", "not '<sha256>  <path>'"),
                (bag::MANIFEST_PATH, "3 more problems, not listed"),
            ]
        );
    }

    #[test]
    fn fails_json_that_is_not_a_canonical_manifest() {
        let (problems, m) = check(|f| {
            f.get_mut(bag::ITEMS_PATH).unwrap().push(b'\n');
        });
        assert_eq!(
            found(&problems),
            [(bag::ITEMS_PATH, "not canonical JSON (RFC 8785)")]
        );
        assert!(m.items.is_some(), "still read");
        let (problems, m) = check(|f| {
            f.insert(bag::ITEMS_PATH.into(), b"[]".to_vec());
        });
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("not a valid manifest: "));
        assert!(m.items.is_none());
    }

    #[test]
    fn fails_records_that_break_the_item_rules() {
        let (problems, _) = check(|f| {
            edit_items(f, |v| {
                v["format"] = "x".into();
                v["items"][1]["id"] = v["items"][0]["id"].clone();
                v["items"][0]["path"] = "meta/a.txt".into();
                v["items"][1]["sha256"] = "XYZ".into();
            })
        });
        let found = found(&problems);
        assert_eq!(
            found[0],
            (bag::ITEMS_PATH, "format 'x' is not intact-manifest/1")
        );
        assert!(found.contains(&("intact/manifest.json item 1", "duplicate id 'a.txt'")));
        assert!(found.contains(&(
            "intact/manifest.json item 0",
            "path 'meta/a.txt' is not a valid data/ path"
        )));
        assert!(found.contains(&(
            "intact/manifest.json item 1",
            "sha256 is not 64 lowercase hex digits"
        )));
    }

    #[test]
    fn fails_items_out_of_manifest_order() {
        let withheld = serde_json::json!({"id": "w-1", "redaction": {"status": "withheld"}});
        let mut w2 = withheld.clone();
        w2["id"] = "w-2".into();
        type Edit = fn(&mut serde_json::Value, &serde_json::Value, &serde_json::Value);
        let cases: [(Edit, Option<&str>); 4] = [
            (
                |v, _, _| v["items"].as_array_mut().unwrap().swap(0, 1),
                None,
            ),
            (
                |v, a, b| {
                    v["items"]
                        .as_array_mut()
                        .unwrap()
                        .extend([a.clone(), b.clone()])
                },
                Some(""),
            ),
            (
                |v, a, b| {
                    v["items"]
                        .as_array_mut()
                        .unwrap()
                        .extend([b.clone(), a.clone()])
                },
                Some("withheld items are sorted by id"),
            ),
            (
                |v, a, _| v["items"].as_array_mut().unwrap().insert(1, a.clone()),
                Some("published items come before withheld items"),
            ),
        ];
        for (edit, want) in cases {
            let (problems, _) = check(|f| edit_items(f, |v| edit(v, &withheld, &w2)));
            let order: Vec<_> = found(&problems)
                .into_iter()
                .filter(|(_, m)| m.starts_with("out of manifest order"))
                .collect();
            match want {
                None => assert_eq!(
                    order,
                    [(
                        "intact/manifest.json item 1",
                        "out of manifest order: published items are sorted by path"
                    )]
                ),
                Some("") => assert_eq!(order, []),
                Some(m) => {
                    assert_eq!(order.len(), 1, "{order:?}");
                    assert!(order[0].1.ends_with(m), "{order:?}");
                }
            }
        }
    }

    #[test]
    fn fails_records_of_another_release_or_incomplete() {
        let mut other = fixture::statement();
        other.release = "r2".into();
        let b = fixture::bundle(&fixture::files());
        let (problems, _) = check_manifest(&b, &Limits::DEFAULT, Some(&other), false);
        assert_eq!(
            found(&problems),
            [(
                bag::ITEMS_PATH,
                "collection or release differs from release.json"
            )]
        );
        let (problems, _) = check(|f| {
            edit_items(f, |v| {
                v["items"][0].as_object_mut().unwrap().remove("media_type");
                v["items"][1]["redaction"] = serde_json::json!({"status": "withheld"});
            })
        });
        assert_eq!(
            found(&problems),
            [
                (
                    "intact/manifest.json item 0",
                    "published item needs path, sha256, size and media_type"
                ),
                (
                    "intact/manifest.json item 1",
                    "withheld item carries a path, digest, size or media type"
                ),
            ]
        );
    }

    #[test]
    fn fails_payload_manifest_lines() {
        let (problems, _) = check(|f| {
            let text = String::from_utf8(f[bag::MANIFEST_PATH].clone()).unwrap();
            let text = format!(
                "{}  bagit.txt\n{}",
                "ab".repeat(32),
                text.replace('\n', "\r\n")
            );
            f.insert(bag::MANIFEST_PATH.into(), text.into_bytes());
        });
        let lines = found(&problems);
        assert!(lines.contains(&(
            "manifest-sha256.txt:2",
            "line ends in CR LF (lines end in LF only)"
        )));
        assert!(lines.contains(&("bagit.txt", "payload manifest lists a file outside data/")));
        assert!(lines.contains(&(
            "bagit.txt",
            "in manifest-sha256.txt but not in manifest.json"
        )));
        let (problems, _) = check(|f| {
            f.insert(bag::MANIFEST_PATH.into(), vec![0xff]);
        });
        assert_eq!(found(&problems), [(bag::MANIFEST_PATH, "not UTF-8")]);
    }

    #[test]
    fn fails_manifests_that_disagree() {
        let (problems, _) = check(|f| {
            let text = String::from_utf8(f[bag::MANIFEST_PATH].clone()).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            lines[0] = format!("{}  data/a.txt", "ab".repeat(32));
            lines[1] = format!("{}  data/z.txt", "cd".repeat(32));
            f.insert(
                bag::MANIFEST_PATH.into(),
                (lines.join("\n") + "\n").into_bytes(),
            );
        });
        assert_eq!(
            found(&problems),
            [
                (
                    "data/a.txt",
                    "manifest-sha256.txt and manifest.json give different digests"
                ),
                (
                    "data/z.txt",
                    "in manifest-sha256.txt but not in manifest.json"
                ),
                (
                    "data/b/c.txt",
                    "in manifest.json but not in manifest-sha256.txt"
                ),
            ]
        );
    }
}
