//! `intact site` through the binary: on the demo's log and mirror — the page sets, the
//! documents' pages and files, deterministic output, the atomic write, and no site from a log
//! or a mirror that is not valid. (The pages in a browser: scripts/test-site.sh; the JS core
//! over the vectors: `site_core`.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use intact_testkit::{code, s, sha_hex, stderr, stdout};

use crate::intact;

/// Runs the demo once per test into a temp dir: `(tmp, demo dir)`.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("demo");
    let o = intact(&["demo", "--out", s(&d)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (tmp, d)
}

fn site(d: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let log = d.join("log");
    let trust = d.join("keys/allowed_signers");
    let mut args = vec!["site", s(&log), "-o", s(out), "--trust", s(&trust)];
    args.extend_from_slice(extra);
    intact(&args)
}

/// Every file of a tree: relative path → bytes.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn page(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_demo_site_has_three_page_sets_a_page_per_document_and_the_signed_files() {
    let (_t, d) = demo();
    let out = d.join("site");
    let all = tree(&out);
    for lang in ["hy", "en", "ru"] {
        assert!(all.contains_key(&format!("{lang}/index.html")), "{lang}");
        assert!(all.contains_key(&format!("{lang}/release/release-1.html")));
        assert!(
            page(&out, &format!("{lang}/index.html")).contains(&format!("<html lang=\"{lang}\">"))
        );
    }
    // one page per item record in each language, and a proof per published item
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("log/000001/manifest.json")).unwrap())
            .unwrap();
    let items = manifest["items"].as_array().unwrap();
    for (n, item) in items.iter().enumerate() {
        let html = page(&out, &format!("en/doc/release-1/{n}.html"));
        assert!(html.contains(item["id"].as_str().unwrap()), "{n}");
        let withheld = item["redaction"]["status"] == "withheld";
        let proof = format!("proofs/release-1/{n}.intact-proof.json");
        assert_eq!(all.contains_key(&proof), !withheld, "{proof}");
        if withheld {
            // the record is shown; no file, no proof, no verifier
            assert!(
                html.contains("status-withheld") && !html.contains("id=\"verify\""),
                "{n}"
            );
            if let Some(reason) = item["redaction"]["reason"].as_str() {
                assert!(html.contains(&html_escape(reason)), "{n}: reason");
            }
        } else {
            let path = item["path"].as_str().unwrap();
            let copy = &all[&format!("files/release-1/{path}")];
            assert_eq!(&sha_hex(copy), item["sha256"].as_str().unwrap(), "{path}");
            let proof_doc: serde_json::Value = serde_json::from_slice(&all[&proof]).unwrap();
            assert_eq!(proof_doc["item"], *item);
        }
    }
    // the proofs are the ones intact checks
    let (n, item) = items
        .iter()
        .enumerate()
        .find(|(_, i)| i["redaction"]["status"] == "partial")
        .unwrap();
    let file = out
        .join("files/release-1")
        .join(item["path"].as_str().unwrap());
    let proof = out.join(format!("proofs/release-1/{n}.intact-proof.json"));
    let o = intact(&[
        "check",
        s(&file),
        "--proof",
        s(&proof),
        "--trust",
        s(&d.join("keys/allowed_signers")),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // a partly redacted testimony shows its categories, legal basis and region count
    let html = page(&out, &format!("ru/doc/release-1/{n}.html"));
    let red = &item["redaction"];
    for c in red["categories"].as_array().unwrap() {
        assert!(html.contains(&html_escape(c.as_str().unwrap())), "{c}");
    }
    assert!(html.contains(&html_escape(red["legal_basis"].as_str().unwrap())));
    if let Some(r) = red["regions"].as_u64() {
        assert!(html.contains(&format!("<dd>{r}</dd>")));
    }
    // citations: two styles, BibTeX and CSL-JSON
    assert!(
        html.contains("id=\"cite-text\"")
            && html.contains("@misc{")
            && html.contains("&quot;type&quot;: &quot;document&quot;")
    );
    // history: the second release's change records are on both items' pages
    let m2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("log/000002/manifest.json")).unwrap())
            .unwrap();
    let changes = m2["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for c in changes {
        let n = items.iter().position(|i| i["id"] == c["id"]).unwrap();
        let html = page(&out, &format!("en/doc/release-1/{n}.html"));
        let word = if c["action"] == "superseded" {
            "Superseded by"
        } else {
            "Withdrawn"
        };
        assert!(html.contains(word), "{}: {word}", c["id"]);
        assert!(
            html.contains(&html_escape(c["reason"].as_str().unwrap())),
            "{}: reason",
            c["id"]
        );
    }
    // nothing outside the site: no external script, stylesheet or font
    for (name, bytes) in &all {
        if name.ends_with(".html") {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                !text.contains("src=\"http")
                    && !text.contains("href=\"http")
                    && !text.contains("@import"),
                "{name}"
            );
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[test]
fn the_same_log_gives_the_same_bytes_and_a_site_is_replaced_only_when_forced() {
    let (t, d) = demo();
    let a = t.path().join("a");
    let b = t.path().join("b");
    for out in [&a, &b] {
        let o = site(&d, out, &["--bundles", s(&d.join("mirror"))]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
    assert_eq!(
        ta,
        tree(&d.join("site")),
        "intact demo's site is the same site"
    );
    // an existing output: refused (exit 2), untouched; with --force replaced whole
    std::fs::write(a.join("marker"), "x").unwrap();
    let o = site(&d, &a, &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(a.join("marker").exists());
    let o = site(&d, &a, &["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!a.join("marker").exists() && !a.join("files").exists());
    // nothing left beside it
    let left: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn files_are_linked_on_a_mirror_url_or_copied_from_a_tree_only_when_they_are_the_signed_ones() {
    let (t, d) = demo();
    let out = t.path().join("linked");
    let o = site(&d, &out, &["--files", "https://mirror.example/releases/"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!out.join("files").exists());
    let html = page(&out, "en/doc/release-1/1.html");
    assert!(
        html.contains(
            "https:&#x2f;&#x2f;mirror.example&#x2f;releases&#x2f;release-1&#x2f;data&#x2f;"
        ),
        "{html}"
    );
    // a mirror tree: extracted bundles under <release>/
    let mirror = t.path().join("tree");
    for (r, zip) in [
        ("release-1", "release-1.zip"),
        ("release-2", "release-2.zip"),
    ] {
        let x = t.path().join(format!("x-{r}"));
        let o = intact(&[
            "extract",
            s(&d.join(zip)),
            "--to",
            s(&x),
            "--trust",
            s(&d.join("keys/allowed_signers")),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let top = std::fs::read_dir(&x)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::create_dir_all(&mirror).unwrap();
        std::fs::rename(top, mirror.join(r)).unwrap();
    }
    let copied = t.path().join("copied");
    let o = site(&d, &copied, &["--files", s(&mirror), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(r["files_copied"].as_u64().unwrap() > 30, "{r}");
    // one byte changed in the tree: refused (exit 1), no site
    let victim = walkdir::WalkDir::new(mirror.join("release-1/data"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_type().is_file() && e.metadata().unwrap().len() > 0)
        .unwrap()
        .into_path();
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    let bad = t.path().join("bad");
    let o = site(&d, &bad, &["--files", s(&mirror)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("is not the signed"), "{}", stderr(&o));
    assert!(!bad.exists());
}

#[test]
fn no_site_is_built_from_a_log_or_a_mirror_that_is_not_valid() {
    let (t, d) = demo();
    // a mirrored bundle with one byte changed
    let mirror = d.join("mirror/release-1.zip");
    let copy = t.path().join("tampered.zip");
    intact_cli::demo::tamper_one_byte(&mirror, &copy).unwrap();
    std::fs::rename(&copy, &mirror).unwrap();
    let out = t.path().join("s1");
    let o = site(&d, &out, &["--bundles", s(&d.join("mirror"))]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!out.exists());
    // an untrusting policy
    let other = t.path().join("other_signers");
    std::fs::write(
        &other,
        intact_testkit::allowed_signers_line("demo-archivist"),
    )
    .unwrap();
    let out = t.path().join("s2");
    let o = intact(&[
        "site",
        s(&d.join("log")),
        "-o",
        s(&out),
        "--trust",
        s(&other),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!out.exists());
    // the log's statement changed
    let rel = d.join("log/000002/release.json");
    let text = std::fs::read_to_string(&rel)
        .unwrap()
        .replace("2026-06-01", "2026-06-02");
    std::fs::write(&rel, text).unwrap();
    let out = t.path().join("s3");
    let o = site(&d, &out, &[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!out.exists());
}
