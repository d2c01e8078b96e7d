//! Hostile inputs against the bounds of FORMAT.md §9.1: each is answered "not valid" with the
//! problem that names the bound, as a ZIP and as an extracted tree, and nothing is parsed that
//! release.json pins with another digest. (The same attacks at full size, with peak RSS and
//! time measured, are in `scripts/bench.sh`; the bound on item records, a million, is tested on
//! the library with a smaller `Limits`.)

use std::path::{Path, PathBuf};

use intact_testkit::bundle::*;
use intact_testkit::sha_hex;
use serde_json::Value;

use super::harness::{verify, Fixture, Verdict};

/// Each problem of the `--json` report as (check, path, message), after requiring exit 1 both
/// ways and no panic.
fn problems(v: &Verdict) -> Vec<(String, String, String)> {
    assert_eq!(
        (v.code, v.json_code),
        (Some(1), Some(1)),
        "{}",
        v.describe()
    );
    assert!(!v.stderr.contains("panicked"), "{}", v.describe());
    let r = v.report.as_ref().expect("a JSON report");
    assert_eq!(r["valid"], Value::Bool(false));
    r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            (s("check"), s("path"), s("message"))
        })
        .collect()
}

/// The checks of the problems about the file at `path` (or a line or record of it), each
/// checked: the `tag-files` one says the file changed and was not parsed.
fn checks_about<'a>(found: &'a [(String, String, String)], path: &str) -> Vec<&'a str> {
    let about: Vec<_> = found
        .iter()
        .filter(|(_, p, _)| {
            p == path
                || p.starts_with(&format!("{path}:"))
                || p.starts_with(&format!("{path} item"))
        })
        .collect();
    for (c, _, m) in &about {
        if c == "tag-files" {
            assert!(m.starts_with("changed (not parsed): sha256 "), "{m}");
        }
    }
    about.iter().map(|(c, _, _)| c.as_str()).collect()
}

/// The tampered bundle as a ZIP and as an extracted tree.
fn both_forms(fx: &Fixture, files: &Files) -> [PathBuf; 2] {
    let zip = fx.scratch("limits").with_extension("zip");
    std::fs::write(&zip, zip_of(&fx.top, files)).unwrap();
    [zip, fx.extract(files)]
}

fn fixture_with(edit: impl FnOnce(&Fixture, &mut Files)) -> (Fixture, Files) {
    let fx = Fixture::new();
    let mut files = fx.files.clone();
    edit(&fx, &mut files);
    (fx, files)
}

#[test]
fn a_pinned_manifest_replaced_by_junk_is_reported_changed_and_not_parsed() {
    let (fx, files) = fixture_with(|_, f| {
        f.insert(ITEMS_JSON.into(), b"{\"items\":[[[[ junk".to_vec());
    });
    for path in both_forms(&fx, &files) {
        let found = problems(&verify(&path, &fx.trust));
        let about = checks_about(&found, ITEMS_JSON);
        assert_eq!(
            about,
            ["tag-files", "tag-manifest"],
            "only its digest is compared"
        );
    }
}

#[test]
fn a_pinned_small_tag_file_replaced_by_junk_is_not_parsed_either() {
    let (fx, files) = fixture_with(|_, f| {
        f.insert(BAGIT.into(), b"BagIt-Version: 0.97\n".to_vec());
        f.insert(BAG_INFO.into(), b"Payload-Oxum: 1.1\n".to_vec());
    });
    for path in both_forms(&fx, &files) {
        let found = problems(&verify(&path, &fx.trust));
        for f in [BAGIT, BAG_INFO] {
            let about = checks_about(&found, f);
            assert_eq!(about, ["tag-files", "tag-manifest"], "{f}: {found:?}");
        }
    }
}

#[test]
fn a_tag_file_over_its_bound_is_a_container_problem() {
    let (fx, files) = fixture_with(|_, f| {
        f.insert(BAG_INFO.into(), vec![b'x'; (1 << 20) + 1]);
    });
    for path in both_forms(&fx, &files) {
        let found = problems(&verify(&path, &fx.trust));
        assert!(
            found.iter().any(|(c, p, m)| c == "container"
                && p == BAG_INFO
                && m.contains("1048577 bytes is more than the 1048576 allowed")),
            "{found:?}"
        );
    }
}

#[test]
fn more_signature_files_than_the_bound_are_not_read() {
    let (fx, files) = fixture_with(|_, f| {
        for i in 0..256 {
            f.insert(format!("{SIG_DIR}{i:064x}.sig"), b"junk".to_vec());
        }
    });
    for path in both_forms(&fx, &files) {
        let found = problems(&verify(&path, &fx.trust));
        let sig: Vec<_> = found.iter().filter(|(c, _, _)| c == "signatures").collect();
        assert_eq!(
            sig[0].2, "257 signature files is more than the 256 allowed; none was read",
            "{found:?}"
        );
        assert!(
            !found.iter().any(|(_, p, _)| p.starts_with(SIG_DIR)),
            "no signature file is read, so none is reported: {found:?}"
        );
    }
}

#[test]
fn tag_files_past_the_total_bound_are_not_read() {
    // 40 pinned tag files of 1 MiB each, each within its own bound: 40 MiB in all.
    let (fx, files) = fixture_with(|_, f| {
        let mut r = json(f, RELEASE_JSON);
        for i in 0..40 {
            let name = format!("extra/{i:02}.bin");
            let bytes = vec![0u8; 1 << 20];
            r["tag_files"][&name] = Value::String(sha_hex(&bytes));
            f.insert(name, bytes);
        }
        f.insert(RELEASE_JSON.into(), canonical(&r));
        resign(f, "demo-office");
    });
    for path in both_forms(&fx, &files) {
        let found = problems(&verify(&path, &fx.trust));
        let over: Vec<_> = found
            .iter()
            .filter(|(c, _, m)| {
                c == "container"
                    && m == "not read: the tag files come to more than the 33554432 bytes allowed in all"
            })
            .collect();
        // In path order: bag-info.txt, bagit.txt and about 30 of the 40 fit.
        let extra = over
            .iter()
            .filter(|(_, p, _)| p.starts_with("extra/"))
            .count();
        assert!((8..=10).contains(&extra), "{found:?}");
    }
}

/// Writes a `manifest.json` of `n` tiny records into the tree at `top`, pinned by release.json
/// (which no longer verifies: the attacker cannot sign).
fn tiny_records(top: &Path, n: usize) {
    let mut m =
        String::from("{\"collection\":\"case-7\",\"format\":\"intact-manifest/1\",\"items\":[");
    for i in 0..n {
        if i > 0 {
            m.push(',');
        }
        m.push_str(&format!("{{\"id\":\"{i}\"}}"));
    }
    m.push_str("],\"release\":\"r1\"}");
    let release = top.join(RELEASE_JSON);
    let mut r: Value = serde_json::from_slice(&std::fs::read(&release).unwrap()).unwrap();
    r["tag_files"][ITEMS_JSON] = Value::String(sha_hex(m.as_bytes()));
    r["item_count"] = Value::from(n as u64);
    std::fs::write(&release, canonical(&r)).unwrap();
    std::fs::write(top.join(ITEMS_JSON), m).unwrap();
}

#[test]
fn problems_with_item_records_are_listed_up_to_the_bound() {
    let fx = Fixture::new();
    let top = fx.extract(&fx.files);
    tiny_records(&top, 5000);
    let found = problems(&verify(&top, &fx.trust));
    let records = found
        .iter()
        .filter(|(_, p, _)| p.starts_with(&format!("{ITEMS_JSON} item ")))
        .count();
    assert_eq!(records, 1000, "the first 1000");
    assert!(found.iter().any(|(c, p, m)| c == "manifest"
        && p == ITEMS_JSON
        && m == "4000 more problems with item records, not listed"));
}
