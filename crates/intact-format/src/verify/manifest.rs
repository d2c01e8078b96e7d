//! The check `manifest` (FORMAT.md §5 and §4.3): the item records of `intact/manifest.json`, the
//! BagIt payload manifest `manifest-sha256.txt`, and that the two agree.
//!
//! Both files grow with the number of items, so each is read when this check needs it and
//! dropped once checked: the two are never in memory together, and what the `payload` check
//! needs of them is kept as one [`ExpectedList`].

use crate::bag;
use crate::bagpath::BagPath;
use crate::bundle::Bundle;
use crate::canonical;
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::manifest::{ItemView, Manifest, ManifestView, MANIFEST_FORMAT};
use crate::merkle;
use crate::problem::{Check, Problem};
use crate::release::Statement;

use super::container::read_tag_file;
use super::sorted::{merge_join, sorted_unique, ExpectedList, Joined, Unique};

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

/// The item records of `manifest.json`, checked.
struct Items {
    /// The published items' paths, digests and sizes, sorted by path (`None`: no readable
    /// `manifest.json`, so `manifest-sha256.txt` stands for it).
    expected: Option<ExpectedList>,
    summary: Option<ItemsSummary>,
    manifest: Option<Manifest>,
}

/// Check `manifest` (FORMAT.md §5, §4.3): reads `manifest.json` and checks its item records
/// against the `statement`'s release, then reads `manifest-sha256.txt` and checks its lines
/// and that the two list the same payload files with the same digests. `keep_manifest`: also
/// return the parsed `manifest.json`. A manifest that cannot be read is a `container` problem.
pub(super) fn check_manifest(
    bundle: &Bundle,
    limits: &Limits,
    statement: Option<&Statement>,
    keep_manifest: bool,
) -> (Vec<Problem>, Manifests) {
    let mut problems = Vec::new();
    let mut digests = Vec::new();
    let mut read = |path: &str, problems: &mut Vec<Problem>| {
        let file = match read_tag_file(bundle, bundle.members.get_str(path)?, limits) {
            Ok(f) => f,
            Err(p) => {
                problems.push(p);
                return None;
            }
        };
        digests.push((path.to_owned(), file.digest));
        Some(file.bytes)
    };
    let items_json = read(bag::ITEMS_PATH, &mut problems);
    let hint = statement.map_or(0, |s| s.item_count);
    let (found, items) = check_item_records(items_json.as_deref(), statement, hint, keep_manifest);
    problems.extend(found);
    drop(items_json);
    let payload_manifest = read(bag::MANIFEST_PATH, &mut problems);
    let (found, expected) = check_payload_manifest(payload_manifest.as_deref(), items.expected);
    problems.extend(found);
    let manifests = Manifests {
        digests,
        expected,
        items: items.summary,
        manifest: items.manifest,
    };
    (problems, manifests)
}

/// FORMAT.md §5 on the bytes of `manifest.json` (`None`: missing or unreadable): read in place
/// when canonical and in the simple form `intact pack` writes, else parsed the general way
/// (which also says what is wrong with them), then each record checked. `hint`: how many items
/// to expect.
fn check_item_records(
    bytes: Option<&[u8]>,
    statement: Option<&Statement>,
    hint: u64,
    keep_manifest: bool,
) -> (Vec<Problem>, Items) {
    let mut problems = Vec::new();
    let Some(bytes) = bytes else {
        problems.push(problem(bag::ITEMS_PATH, "missing"));
        let none = Items {
            expected: None,
            summary: None,
            manifest: None,
        };
        return (problems, none);
    };
    let mut parsed: Option<Manifest> = None;
    let view = match ManifestView::read_canonical(bytes, usize::try_from(hint).unwrap_or(0)) {
        Some(v) => Some(v),
        None => {
            let (found, m) = parse_manifest_json(bytes);
            problems.extend(found);
            parsed = m;
            parsed.as_ref().map(ManifestView::of)
        }
    };
    let Some(mut view) = view else {
        let none = Items {
            expected: None,
            summary: None,
            manifest: None,
        };
        return (problems, none);
    };
    problems.extend(view_problems(&view, statement));
    problems.extend(manifest_order(&view.items));
    let summary = ItemsSummary {
        count: view.items.len() as u64,
        payload_bytes: view.payload_bytes(),
        merkle_root: view.merkle_root(),
    };
    view.leaves = Vec::new();
    let expected = expected_of(&view);
    let read_in_place = parsed.is_none();
    drop(view);
    let manifest = if !keep_manifest {
        None
    } else if parsed.is_some() {
        parsed
    } else if read_in_place {
        // The view was read in place, so this cannot fail; if it did, the bundle is not valid.
        let full = serde_json::from_slice::<Manifest>(bytes).ok();
        if full.is_none() {
            problems.push(problem(bag::ITEMS_PATH, "cannot be read as a manifest"));
        }
        full
    } else {
        None
    };
    let items = Items {
        expected: Some(expected),
        summary: Some(summary),
        manifest,
    };
    (problems, items)
}

/// Parses `manifest.json` the general way (when it cannot be read in place), saying whether it
/// is canonical and why it does not parse.
fn parse_manifest_json(bytes: &[u8]) -> (Vec<Problem>, Option<Manifest>) {
    let p = bag::ITEMS_PATH;
    let mut problems = Vec::new();
    if !canonical::is_canonical(bytes) {
        problems.push(problem(p, "not canonical JSON (RFC 8785)"));
    }
    match serde_json::from_slice(bytes) {
        Ok(m) => (problems, Some(m)),
        Err(e) => {
            problems.push(problem(p, format!("not a valid manifest: {e}")));
            (problems, None)
        }
    }
}

/// FORMAT.md §5: the format id, the release the records belong to, the change records, and
/// each item record: a valid unique id; a published item complete, at a valid `data/` path
/// listed once, with a well-formed digest; a withheld item with none of those.
fn view_problems(m: &ManifestView, statement: Option<&Statement>) -> Vec<Problem> {
    let p = bag::ITEMS_PATH;
    let mut problems = Vec::new();
    if m.format != MANIFEST_FORMAT {
        problems.push(problem(
            p,
            format!("format '{}' is not {MANIFEST_FORMAT}", m.format),
        ));
    }
    if let Some(s) = statement {
        if m.collection != s.collection || m.release != s.release {
            problems.push(problem(
                p,
                "collection or release differs from release.json",
            ));
        }
    }
    for message in m.change_problems() {
        problems.push(problem(p, message));
    }
    // Ids and paths are unique; in sorted order (as pack writes paths) that needs no set.
    let mut ids = Unique::default();
    let mut paths = Unique::default();
    for (i, item) in m.items.iter().enumerate() {
        let mut add = |message: String| problems.push(problem(&format!("{p} item {i}"), message));
        if item.id.is_empty() || item.id.chars().any(char::is_control) {
            add("empty id or id with control characters".into());
        }
        if !ids.insert(&item.id) {
            add(format!("duplicate id '{}'", item.id));
        }
        let published = [
            item.path.is_some(),
            item.sha256.is_some(),
            item.size.is_some(),
            item.has_media_type,
        ];
        if item.withheld {
            if published.iter().any(|x| *x) {
                add("withheld item carries a path, digest, size or media type".into());
            }
            continue;
        }
        if !published.iter().all(|x| *x) {
            add("published item needs path, sha256, size and media_type".into());
            continue;
        }
        if let Some(path) = &item.path {
            match BagPath::parse(path) {
                Ok(bp) if bp.is_payload() => {
                    if !paths.insert(path) {
                        add(format!("path {path} listed twice"));
                    }
                }
                _ => add(format!("path '{path}' is not a valid data/ path")),
            }
        }
        if !matches!(item.sha256, Some(Some(_))) {
            add("sha256 is not 64 lowercase hex digits".into());
        }
    }
    problems
}

/// FORMAT.md §5 "manifest order": published items sorted by path, then withheld items sorted
/// by id. The first record out of that order is a problem (repeats are reported as such).
fn manifest_order(items: &[ItemView]) -> Option<Problem> {
    // (withheld, path or id) must never decrease.
    let mut last: Option<(bool, &str)> = None;
    for (i, item) in items.iter().enumerate() {
        let key = match (item.withheld, item.path.as_deref()) {
            (true, _) => (true, &*item.id),
            (false, Some(path)) => (false, path),
            (false, None) => continue, // incomplete: reported as such
        };
        if last.is_some_and(|l| key < l) {
            let message = if key.0 == last.is_some_and(|l| l.0) {
                if key.0 {
                    "out of manifest order: withheld items are sorted by id"
                } else {
                    "out of manifest order: published items are sorted by path"
                }
            } else {
                "out of manifest order: published items come before withheld items"
            };
            return Some(problem(&format!("{} item {i}", bag::ITEMS_PATH), message));
        }
        last = Some(key);
    }
    None
}

/// The payload files the records list, sorted by path: (path, sha256, size), the last record
/// for a path counting.
fn expected_of(view: &ManifestView) -> ExpectedList {
    let mut records: Vec<&ItemView> = view.items.iter().filter(|i| i.path.is_some()).collect();
    records = sorted_unique(records, |i| i.path.as_deref().unwrap_or_default());
    let mut expected = ExpectedList::default();
    expected.reserve(
        records.len(),
        records
            .iter()
            .map(|i| i.path.as_deref().map_or(0, str::len))
            .sum(),
    );
    for i in records {
        expected.push(
            i.path.as_deref().unwrap_or_default(),
            i.sha256.flatten(),
            i.size,
        );
    }
    expected
}

/// FORMAT.md §4.3 on the bytes of `manifest-sha256.txt` (`None`: missing or unreadable): its
/// lines, each under `data/`, and — when `manifest.json` could be read (`items`) — the same
/// paths and digests as its records. Returns the payload files to expect: `items`, or this
/// manifest's lines when there is no `items` to stand for.
fn check_payload_manifest(
    bytes: Option<&[u8]>,
    items: Option<ExpectedList>,
) -> (Vec<Problem>, ExpectedList) {
    let p = bag::MANIFEST_PATH;
    let have_items = items.is_some();
    let mut expected = items.unwrap_or_default();
    let text = match bytes.map(std::str::from_utf8) {
        None => return (vec![problem(p, "missing")], expected),
        Some(Err(_)) => return (vec![problem(p, "not UTF-8")], expected),
        Some(Ok(text)) => text,
    };
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
    (problems, expected)
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

    /// `check_manifest` on a fixture bundle after `edit`, with the fixture's statement.
    fn check(edit: impl FnOnce(&mut fixture::Files)) -> (Vec<Problem>, Manifests) {
        let mut files = fixture::files();
        edit(&mut files);
        let b = fixture::bundle(&files);
        check_manifest(&b, &Limits::DEFAULT, Some(&fixture::statement()), true)
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
        let (problems, _) = check_item_records(
            Some(&fixture::files()[bag::ITEMS_PATH]),
            Some(&other),
            2,
            false,
        );
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
