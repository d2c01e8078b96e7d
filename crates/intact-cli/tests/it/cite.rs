//! `intact cite` and `intact check` (docs/CITING.md): the real binary on temp dirs — citing by
//! path and id, offline checks with a proof, lookups in a bundle and in a log of releases, every
//! kind of bad proof, and the committed proof vectors (tests/vectors/proofs/).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intact_testkit::{code, demo_key, repo, s, trust_file, write_file};
use intact_testkit::{stderr as err, stdout as out, text as all};
use serde_json::Value;

use crate::{intact, intact_cmd};

/// Runs `intact ARGS` in `dir` (or here).
fn run_in(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut c = intact_cmd().args(args);
    if let Some(d) = dir {
        c = c.current_dir(d);
    }
    c.output()
}

/// Writes a synthetic source tree of `files` (path, content).
fn source(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    for (p, body) in files {
        write_file(&dir.join(p), body);
    }
    dir.to_owned()
}

const FILES: [(&str, &str); 5] = [
    ("a/testimony-1.txt", "SYNTHETIC testimony one\n"),
    ("a/testimony-2.txt", "SYNTHETIC testimony two\n"),
    ("b/photo.bin", "synthetic bytes (placeholder for an image)"),
    ("c/exhibit.txt", "SYNTHETIC exhibit\n"),
    ("readme.txt", "SYNTHETIC sample\n"),
];

fn pack(src: &Path, out: &Path, key: &Path, release: &str, created: &str) {
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(src),
        "--collection",
        "test-coll",
        "--release",
        release,
        "--key",
        s(key),
        "--created",
        created,
        "-o",
        s(out),
    ]);
    assert!(o.status.success(), "pack: {}", err(&o));
}

/// A temp dir with a five-item bundle `r1.zip`, its source `src/`, and `allowed_signers`.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let src = source(&dir.path().join("src"), &FILES);
        pack(
            &src,
            &dir.path().join("r1.zip"),
            &demo_key(),
            "r1",
            "2026-02-01T10:00:00Z",
        );
        trust_file(dir.path());
        Fixture { dir }
    }
    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn bundle(&self) -> PathBuf {
        self.p("r1.zip")
    }
    fn trust(&self) -> PathBuf {
        self.p("allowed_signers")
    }
    /// Cites `data/<rel>` into `proofs/<name>` and returns the proof's path.
    fn cite(&self, rel: &str, name: &str) -> PathBuf {
        std::fs::create_dir_all(self.p("proofs")).unwrap();
        let proof = self.p("proofs").join(name);
        let o = intact(&[
            "cite",
            s(&self.bundle()),
            &format!("data/{rel}"),
            "-o",
            s(&proof),
            "--trust",
            s(&self.trust()),
        ]);
        assert!(o.status.success(), "cite: {}", all(&o));
        proof
    }
    fn check_proof(&self, file: &Path, proof: &Path) -> Output {
        intact(&[
            "check",
            s(file),
            "--proof",
            s(proof),
            "--trust",
            s(&self.trust()),
        ])
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn write_json(p: &Path, v: &Value) {
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

#[test]
fn cite_by_path_and_id_then_check_offline() {
    let f = Fixture::new();
    // Default proof name, in the current directory; no --trust needed.
    let o = run_in(
        Some(f.dir.path()),
        &["cite", "r1.zip", "data/a/testimony-1.txt"],
    );
    assert_eq!(code(&o), 0, "{}", all(&o));
    let text = out(&o);
    for want in [
        "test-coll / r1, created 2026-02-01T10:00:00Z",
        "a/testimony-1.txt",
        "no --trust given",
        "a_testimony-1.txt.intact-proof.json",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let proof = f.p("a_testimony-1.txt.intact-proof.json");
    let doc = read_json(&proof);
    assert_eq!(doc["proof"], "intact-proof/1");
    assert_eq!(doc["tree_size"], 5);
    assert_eq!(doc["item"]["path"], "data/a/testimony-1.txt");

    // It refuses to overwrite, and replaces with --force.
    let again = run_in(
        Some(f.dir.path()),
        &["cite", "r1.zip", "data/a/testimony-1.txt"],
    );
    assert_eq!(code(&again), 2, "{}", all(&again));
    assert!(err(&again).contains("output exists"));
    let forced = run_in(
        Some(f.dir.path()),
        &["cite", "r1.zip", "data/a/testimony-1.txt", "--force"],
    );
    assert_eq!(code(&forced), 0, "{}", all(&forced));

    // By id, with --trust, as JSON.
    let o = intact(&[
        "cite",
        s(&f.bundle()),
        "--id",
        "b/photo.bin",
        "-o",
        s(&f.p("photo.proof")),
        "--trust",
        s(&f.trust()),
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let c: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(c["citation"], "intact-cite/1");
    assert_eq!(c["collection"], "test-coll");
    assert_eq!(c["release"], "r1");
    assert_eq!(c["item"]["id"], "b/photo.bin");
    assert_eq!(c["trust_checked"], true);
    assert_eq!(c["signers"][0]["principal"], "demo-office");
    assert_eq!(c["signers"][0]["trusted"], true);
    assert_eq!(c["tree_size"], 5);
    assert!(c["text"].as_str().unwrap().contains("intact bundle "));

    let o = f.check_proof(&f.p("src/a/testimony-1.txt"), &proof);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let text = out(&o);
    for want in [
        "VALID",
        "test-coll / r1, created 2026-02-01T10:00:00Z",
        "item       a/testimony-1.txt",
        "signed by  demo-office (SHA256:",
        "redaction  none recorded",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let o = intact(&[
        "check",
        s(&f.p("src/b/photo.bin")),
        "--proof",
        s(&f.p("photo.proof")),
        "--trust",
        s(&f.trust()),
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["report"], "intact-check/1");
    assert_eq!(r["mode"], "proof");
    assert_eq!(r["valid"], true);
    assert_eq!(r["found"][0]["item"]["id"], "b/photo.bin");
    assert_eq!(r["found"][0]["signers"][0], "demo-office");
    assert_eq!(r["releases"][0]["signatures"][0]["status"], "valid");
}

#[test]
fn cite_bad_input() {
    let f = Fixture::new();
    let b = f.bundle();
    let xproof = f.p("x.proof");
    let cite = |args: &[&str]| {
        let mut a = vec!["cite", s(&b)];
        a.extend_from_slice(args);
        a.extend_from_slice(&["-o", s(&xproof)]);
        intact(&a)
    };
    let o = cite(&["data/nope.txt"]);
    assert_eq!(code(&o), 1);
    assert!(err(&o).contains("no item with path 'data/nope.txt'"));
    // A path relative to the payload names the item as `data/…` does (docs/CITING.md).
    let o = cite(&["a/testimony-1.txt"]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    std::fs::remove_file(&xproof).unwrap();
    let o = cite(&["a/nope.txt"]);
    assert_eq!(code(&o), 1);
    assert!(
        err(&o).contains("no item with path 'a/nope.txt' (nor 'data/a/nope.txt')"),
        "{}",
        err(&o)
    );
    let o = cite(&["--id", "nope"]);
    assert_eq!(code(&o), 1);
    let o = cite(&[]);
    assert_eq!(code(&o), 2, "PATH or --id is required");
    let o = cite(&["data/readme.txt", "--threshold", "2"]);
    assert_eq!(code(&o), 2, "--threshold needs --trust");
    assert!(!f.p("x.proof").exists());

    // Another policy: the bundle's signer is not trusted, so no citation.
    let other = f.p("other.key");
    let o = intact(&["keygen", "--out", s(&other), "--no-passphrase"]);
    assert!(o.status.success(), "{}", all(&o));
    std::fs::write(f.p("other_signers"), out(&o)).unwrap();
    let o = cite(&["data/readme.txt", "--trust", s(&f.p("other_signers"))]);
    assert_eq!(code(&o), 1, "{}", all(&o));
    assert!(all(&o).contains("NOT VALID"));

    // A tampered copy of the cited file in the bundle: refused even though payload hashing is
    // skipped for the other items.
    let mut bytes = std::fs::read(&b).unwrap();
    let needle = b"SYNTHETIC exhibit";
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at] = b'X';
    let bad = f.p("bad.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let o = intact(&["cite", s(&bad), "data/c/exhibit.txt", "-o", s(&f.p("y"))]);
    assert_eq!(code(&o), 1, "{}", all(&o));
    assert!(err(&o).contains("content changed"), "{}", err(&o));
    assert!(!f.p("y").exists());

    // Unreadable bundle.
    let o = intact(&["cite", s(&f.p("missing.zip")), "data/readme.txt"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn bad_proofs_are_refused_with_a_reason() {
    let f = Fixture::new();
    let proof = f.cite("a/testimony-1.txt", "t1.json");
    let file = f.p("src/a/testimony-1.txt");
    let doc = read_json(&proof);
    let variant = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut v = doc.clone();
        edit(&mut v);
        let p = f.p(name);
        write_json(&p, &v);
        p
    };
    let expect = |o: Output, want: &str| {
        assert_eq!(code(&o), 1, "{}", all(&o));
        assert!(all(&o).contains(want), "missing {want:?} in\n{}", all(&o));
        assert!(all(&o).contains("NOT VALID"));
    };

    // A proof for another item.
    expect(
        f.check_proof(&f.p("src/a/testimony-2.txt"), &proof),
        "is not the item the proof is about",
    );
    // Altered audit path.
    let p = variant("path.json", &|v| {
        let h = v["audit_path"][1].as_str().unwrap().to_string();
        let flipped = if h.starts_with('0') { "1" } else { "0" };
        v["audit_path"][1] = format!("{flipped}{}", &h[1..]).into();
    });
    expect(f.check_proof(&file, &p), "audit path does not lead");
    // Fewer hashes.
    let p = variant("short.json", &|v| {
        v["audit_path"].as_array_mut().unwrap().pop();
    });
    expect(f.check_proof(&file, &p), "audit path does not lead");
    // Altered item record (the file still matches its digest).
    let p = variant("item.json", &|v| {
        v["item"]["media_type"] = "application/pdf".into();
    });
    expect(f.check_proof(&file, &p), "audit path does not lead");
    let p = variant("meta.json", &|v| {
        v["item"]["metadata"] = serde_json::json!({"title": "A different title"});
    });
    expect(f.check_proof(&file, &p), "audit path does not lead");
    // Wrong leaf index.
    let p = variant("index.json", &|v| v["leaf_index"] = 1.into());
    expect(f.check_proof(&file, &p), "audit path does not lead");
    let p = variant("range.json", &|v| v["leaf_index"] = 5.into());
    expect(
        f.check_proof(&file, &p),
        "leaf_index 5 is not below tree_size 5",
    );
    // The statement swapped for another release's (same items, other release id).
    let src2 = f.p("src");
    pack(
        &src2,
        &f.p("r2.zip"),
        &demo_key(),
        "r2",
        "2026-03-01T10:00:00Z",
    );
    let o = intact(&[
        "cite",
        s(&f.p("r2.zip")),
        "data/a/testimony-1.txt",
        "-o",
        s(&f.p("r2-t1.json")),
    ]);
    assert!(o.status.success(), "{}", all(&o));
    let other = read_json(&f.p("r2-t1.json"));
    let p = variant("swapped.json", &|v| {
        v["release_json"] = other["release_json"].clone();
        v["bundle_id"] = other["bundle_id"].clone();
    });
    // Same items, so the same root: the swap is caught by the signatures, which are over r1.
    expect(f.check_proof(&file, &p), "does not match this release.json");
    let p = variant("swapped-only-statement.json", &|v| {
        v["release_json"] = other["release_json"].clone();
    });
    expect(
        f.check_proof(&file, &p),
        "is not the SHA-256 of release_json",
    );
    // A statement of a release with other items: the root differs.
    let src3 = source(&f.p("src3"), &FILES[..3]);
    pack(
        &src3,
        &f.p("r3.zip"),
        &demo_key(),
        "r3",
        "2026-04-01T10:00:00Z",
    );
    let o = intact(&[
        "cite",
        s(&f.p("r3.zip")),
        "data/a/testimony-1.txt",
        "-o",
        s(&f.p("r3-t1.json")),
    ]);
    assert!(o.status.success(), "{}", all(&o));
    let r3 = read_json(&f.p("r3-t1.json"));
    let p = variant("swapped3.json", &|v| {
        v["release_json"] = r3["release_json"].clone();
        v["bundle_id"] = r3["bundle_id"].clone();
        v["signatures"] = r3["signatures"].clone();
        v["tree_size"] = r3["tree_size"].clone();
    });
    expect(f.check_proof(&file, &p), "audit path does not lead");
    // Truncated, not JSON, another format.
    let text = std::fs::read(&proof).unwrap();
    let p = f.p("truncated.json");
    std::fs::write(&p, &text[..text.len() / 2]).unwrap();
    expect(f.check_proof(&file, &p), "not a readable intact proof");
    let p = f.p("notjson.json");
    std::fs::write(&p, b"%PDF-1.4 not a proof").unwrap();
    expect(f.check_proof(&file, &p), "not a readable intact proof");
    let p = variant("format.json", &|v| v["proof"] = "intact-proof/2".into());
    expect(f.check_proof(&file, &p), "is not intact-proof/1");
    // A signature by an untrusted key: sign the same files with another key.
    let key2 = f.p("k2.key");
    let o = intact(&["keygen", "--out", s(&key2), "--no-passphrase"]);
    assert!(o.status.success(), "{}", all(&o));
    pack(&src2, &f.p("k2.zip"), &key2, "r1", "2026-02-01T10:00:00Z");
    let o = intact(&[
        "cite",
        s(&f.p("k2.zip")),
        "data/a/testimony-1.txt",
        "-o",
        s(&f.p("k2.json")),
    ]);
    assert!(o.status.success(), "{}", all(&o));
    expect(
        f.check_proof(&file, &f.p("k2.json")),
        "0 valid signature(s) by trusted principals; 1 required",
    );
    // No signatures at all.
    let p = variant("unsigned.json", &|v| {
        v["signatures"] = serde_json::json!([])
    });
    expect(f.check_proof(&file, &p), "0 valid signature(s)");
    // A threshold the policy cannot meet is a usage error.
    let o = intact(&[
        "check",
        s(&file),
        "--proof",
        s(&proof),
        "--trust",
        s(&f.trust()),
        "--threshold",
        "2",
    ]);
    assert_eq!(code(&o), 2, "{}", all(&o));

    // Unreadable proof, unreadable file, trust file: exit 2.
    assert_eq!(code(&f.check_proof(&file, &f.p("nope.json"))), 2);
    assert_eq!(code(&f.check_proof(&f.p("nope.txt"), &proof)), 2);
    assert_eq!(code(&f.check_proof(&f.p("src"), &proof)), 2);
    let o = intact(&[
        "check",
        s(&file),
        "--proof",
        s(&proof),
        "--trust",
        s(&f.p("nope")),
    ]);
    assert_eq!(code(&o), 2);
    // Exactly one of --proof, --bundle, --log.
    let o = intact(&["check", s(&file), "--trust", s(&f.trust())]);
    assert_eq!(code(&o), 2);
    let o = intact(&[
        "check",
        s(&file),
        "--proof",
        s(&proof),
        "--bundle",
        s(&f.bundle()),
        "--trust",
        s(&f.trust()),
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn check_against_a_bundle() {
    let f = Fixture::new();
    let check = |file: &Path, bundle: &Path| {
        intact(&[
            "check",
            s(file),
            "--bundle",
            s(bundle),
            "--trust",
            s(&f.trust()),
        ])
    };
    let o = check(&f.p("src/c/exhibit.txt"), &f.bundle());
    assert_eq!(code(&o), 0, "{}", all(&o));
    assert!(out(&o).contains("item       c/exhibit.txt"), "{}", out(&o));

    // The extracted directory works too, with --json.
    let x = f.p("x");
    let u = Command::new("unzip")
        .args(["-q", s(&f.bundle()), "-d", s(&x)])
        .status()
        .unwrap();
    assert!(u.success());
    let o = intact(&[
        "check",
        s(&f.p("src/readme.txt")),
        "--bundle",
        s(&x),
        "--trust",
        s(&f.trust()),
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["mode"], "bundle");
    assert_eq!(r["found"][0]["item"]["path"], "data/readme.txt");

    // Same name, other content.
    let changed = source(
        &f.p("changed"),
        &[("exhibit.txt", "SYNTHETIC exhibit, edited\n")],
    );
    let o = check(&changed.join("exhibit.txt"), &f.bundle());
    assert_eq!(code(&o), 1, "{}", all(&o));
    assert!(out(&o).contains("no item of release r1 has this content"));
    assert!(out(&o).contains("same file name has different content: data/c/exhibit.txt"));
    // Another name, unknown content.
    let o = check(
        &changed.join("exhibit.txt").with_file_name("zz"),
        &f.bundle(),
    );
    assert_eq!(code(&o), 2, "missing file");
    std::fs::write(f.p("zz.txt"), "unrelated\n").unwrap();
    let o = check(&f.p("zz.txt"), &f.bundle());
    assert_eq!(code(&o), 1);
    assert!(!out(&o).contains("same file name"));

    // An altered manifest makes the bundle not valid: no lookup.
    let mut bytes = std::fs::read(f.bundle()).unwrap();
    let needle = b"\"media_type\":\"text/plain\"";
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at + 14] = b'T';
    std::fs::write(f.p("bad.zip"), &bytes).unwrap();
    let o = check(&f.p("src/c/exhibit.txt"), &f.p("bad.zip"));
    assert_eq!(code(&o), 1, "{}", all(&o));
    assert!(out(&o).contains("tag-files"), "{}", out(&o));
    // Unreadable bundle.
    assert_eq!(code(&check(&f.p("src/c/exhibit.txt"), &f.p("no.zip"))), 2);
}

#[test]
fn check_against_a_log_reports_releases_and_supersession() {
    let f = Fixture::new();
    let log = f.p("log");
    std::fs::create_dir_all(&log).unwrap();
    std::fs::copy(f.bundle(), log.join("r1.zip")).unwrap();
    // r2 carries only what is new: a corrected testimony-1 (its change record supersedes the
    // first version) and a new exhibit; its change record withdraws the photo.
    let src2 = source(
        &f.p("src2"),
        &[
            ("a/testimony-1.txt", "SYNTHETIC testimony one, corrected\n"),
            ("d/exhibit-2.txt", "SYNTHETIC second exhibit\n"),
        ],
    );
    let changes = f.p("changes-2.csv");
    std::fs::write(
        &changes,
        "id,action,by,reason\na/testimony-1.txt,superseded,a/testimony-1.txt,corrected transcript\nb/photo.bin,withdrawn,,duplicate\n",
    )
    .unwrap();
    let o = intact(&[
        "pack",
        s(&src2),
        "--collection",
        "test-coll",
        "--release",
        "r2",
        "--key",
        s(&demo_key()),
        "--created",
        "2026-03-01T10:00:00Z",
        "--previous",
        s(&f.bundle()),
        "--changes",
        s(&changes),
        "--no-deny-list",
        "-o",
        s(&f.p("r2.zip")),
    ]);
    assert!(o.status.success(), "pack r2: {}", all(&o));
    // r2 as an extracted directory in the log.
    let u = Command::new("unzip")
        .args(["-q", s(&f.p("r2.zip")), "-d", s(&log.join("r2"))])
        .status()
        .unwrap();
    assert!(u.success());
    // Not a bundle, and a broken bundle: ignored and skipped.
    std::fs::write(log.join("notes.txt"), "not a bundle\n").unwrap();
    std::fs::write(log.join("broken.zip"), "not a zip\n").unwrap();

    let trust = f.trust();
    let check = |file: &Path, json: bool| {
        let mut a = vec!["check", s(file), "--log", s(&log), "--trust", s(&trust)];
        if json {
            a.push("--json");
        }
        intact(&a)
    };
    let o = check(&f.p("src/a/testimony-1.txt"), false);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let text = out(&o);
    assert!(text.contains("broken.zip: skipped"), "{text}");
    assert!(
        text.contains("SUPERSEDED by release r2 (created 2026-03-01T10:00:00Z"),
        "{text}"
    );
    let new_digest = intact::digest::Sha256Digest::of(b"SYNTHETIC testimony one, corrected\n");
    assert!(
        text.contains(&format!(
            "item a/testimony-1.txt replaced by item a/testimony-1.txt (sha256 {new_digest}); reason: corrected transcript"
        )),
        "{text}"
    );

    // testimony-2 is only in r1; r2 not repeating it does not supersede it.
    let o = check(&f.p("src/a/testimony-2.txt"), true);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["mode"], "log");
    let found = r["found"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["release"], "r1");
    assert_eq!(found[0]["status"], "current");
    assert!(found[0]["superseded_by"].is_null());
    assert_eq!(r["skipped"][0]["check"], "bundle");

    let o = check(&f.p("src/b/photo.bin"), true);
    assert_eq!(code(&o), 0, "{}", all(&o));
    let r: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(r["found"][0]["status"], "withdrawn");
    assert!(r["found"][0]["superseded_by"].is_null());
    assert_eq!(r["found"][0]["withdrawn_by"]["release"], "r2");
    assert_eq!(r["found"][0]["withdrawn_by"]["reason"], "duplicate");

    // The corrected testimony is only in r2, and current.
    let o = check(&src2.join("a/testimony-1.txt"), false);
    assert_eq!(code(&o), 0, "{}", all(&o));
    assert!(out(&o).contains("not superseded"), "{}", out(&o));

    // Unknown content: exit 1, same-name items named.
    std::fs::write(f.p("testimony-2.txt"), "forged\n").unwrap();
    let o = check(&f.p("testimony-2.txt"), false);
    assert_eq!(code(&o), 1, "{}", all(&o));
    assert!(
        out(&o).contains("no item of the 2 valid release(s)"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("data/a/testimony-2.txt in release r1"));

    // An unreadable log directory.
    let o = intact(&[
        "check",
        s(&f.p("src/readme.txt")),
        "--log",
        s(&f.p("nolog")),
        "--trust",
        s(&f.trust()),
    ]);
    assert_eq!(code(&o), 2);
}

/// The committed proofs of tests/vectors/proofs/ verify against the committed source files, and
/// `intact cite` on the committed vector bundle reproduces them byte for byte.
#[test]
fn proof_vectors() {
    let vectors = repo().join("tests/vectors");
    let tmp = tempfile::tempdir().unwrap();
    let trust = trust_file(tmp.path());
    let list: Value = serde_json::from_slice(
        &std::fs::read(vectors.join("proofs/vectors.json")).expect("proofs/vectors.json"),
    )
    .unwrap();
    let cases = list.as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let name = case["proof"].as_str().unwrap();
        let path = case["path"].as_str().unwrap();
        let committed = vectors.join("proofs").join(name);
        let made = tmp.path().join(name);
        let o = intact(&[
            "cite",
            s(&vectors.join("v1-small/bundle.zip")),
            path,
            "-o",
            s(&made),
            "--trust",
            s(&trust),
        ]);
        assert!(o.status.success(), "{}", all(&o));
        if std::env::var_os("INTACT_REGENERATE_VECTORS").is_some() {
            std::fs::copy(&made, &committed).unwrap();
        }
        assert_eq!(
            std::fs::read(&made).unwrap(),
            std::fs::read(&committed).unwrap(),
            "{name}: cite no longer reproduces the committed proof"
        );
        let doc = read_json(&committed);
        assert_eq!(doc["leaf_index"], case["leaf_index"]);
        assert_eq!(doc["tree_size"], 5);
        let audit: Vec<&str> = doc["audit_path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        let want: Vec<&str> = case["audit_path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        assert_eq!(audit, want, "{name}: audit path");
        let file = vectors
            .join("v1-small/src")
            .join(path.strip_prefix("data/").unwrap());
        let o = intact(&[
            "check",
            s(&file),
            "--proof",
            s(&committed),
            "--trust",
            s(&trust),
        ]);
        assert_eq!(code(&o), 0, "{name}: {}", all(&o));
    }
}

/// Issue 14: a proof's `signatures[].file` is the signature's own bag path, and its text is
/// exactly the armor ssh-keygen writes; `../` paths and text after the armor are refused.
#[test]
fn proof_signature_names_and_armor_are_checked() {
    let f = Fixture::new();
    let proof = f.cite("a/testimony-1.txt", "t.proof");
    let file = f.p("src/a/testimony-1.txt");
    assert_eq!(code(&f.check_proof(&file, &proof)), 0);
    type Edit = fn(&mut Value);
    let edits: [(Edit, &str); 3] = [
        (
            |v| v["signatures"][0]["file"] = "../../../../etc/x.sig".into(),
            "not named after its key",
        ),
        (
            |v| {
                let name = v["signatures"][0]["file"]
                    .as_str()
                    .unwrap()
                    .replace("intact/", "");
                v["signatures"][0]["file"] = name.into();
            },
            "not named after its key",
        ),
        (
            |v| {
                let t = v["signatures"][0]["signature"].as_str().unwrap().to_owned();
                v["signatures"][0]["signature"] = format!("{t}hidden note\n").into();
            },
            "not exactly what ssh-keygen -Y sign writes",
        ),
    ];
    for (edit, want) in edits {
        let mut v = read_json(&proof);
        edit(&mut v);
        let bad = f.p("proofs/bad.proof");
        write_json(&bad, &v);
        let o = f.check_proof(&file, &bad);
        assert_eq!(code(&o), 1, "{want}: {}", all(&o));
        assert!(all(&o).contains(want), "{want}: {}", all(&o));
    }
}
