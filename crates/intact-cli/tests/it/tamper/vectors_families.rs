//! The proof and release-log conformance families (docs/CONFORMANCE.md):
//! `tests/vectors/proofs/cases/<name>/` (a cited `file`, its `proof.json`, `allowed_signers`,
//! `expect.json`, `README`) and `tests/vectors/logs/cases/<name>/` (`log.tar`, the parent of a
//! release log `log/`; optional `state.json`, a mirror state; `allowed_signers`, `expect.json`,
//! `README`). Built deterministically from the tamper tests' base bundle; each case declares its
//! verdict (and, for proofs, the first failing step of FORMAT.md §13), and the generator fails
//! when intact disagrees. The committed families must equal what the generator makes.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::vectors_gen::{read_all, tar_of};
use super::*;

/// The steps of a proof check (FORMAT.md §13), in order: a case's `check` is the first that fails.
const PROOF_STEPS: [&str; 4] = ["proof", "file", "inclusion", "signatures"];

struct ProofCase {
    name: &'static str,
    readme: &'static str,
    file: Vec<u8>,
    proof: Vec<u8>,
    allowed_signers: String,
    check: Option<&'static str>,
}

struct LogCase {
    name: &'static str,
    readme: &'static str,
    /// The release log directory's parent (holding `log/`), as a tar file.
    log: Vec<u8>,
    state: Option<Vec<u8>>,
    valid: bool,
}

fn run_intact(args: &[&OsStr]) -> std::process::Output {
    crate::intact(args)
}

/// `intact cite` of `path` in `zip`: the proof's bytes.
fn cite(fx: &Fixture, zip: &Path, path: &str) -> Vec<u8> {
    let out = fx.scratch("proof.json");
    let o = run_intact(&[
        OsStr::new("cite"),
        zip.as_os_str(),
        OsStr::new(path),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "cite: {}", stderr(&o));
    std::fs::read(out).unwrap()
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut t = serde_json::to_string_pretty(v).unwrap();
    t.push('\n');
    t.into_bytes()
}

fn proof_cases(fx: &Fixture) -> Vec<ProofCase> {
    let path = "data/case-12/testimony.txt";
    let file = fx.files[path].clone();
    let proof = cite(fx, &fx.zip, path);
    let v: Value = serde_json::from_slice(&proof).unwrap();
    let office = allowed_signers_line("demo-office");
    let case = |name, readme, file: Vec<u8>, proof, check| ProofCase {
        name,
        readme,
        file,
        proof,
        allowed_signers: office.clone(),
        check,
    };
    let edited = |edit: &dyn Fn(&mut Value)| {
        let mut w = v.clone();
        edit(&mut w);
        pretty(&w)
    };
    let sig_text = v["signatures"][0]["signature"].as_str().unwrap().to_owned();
    let mut out = vec![
        case("valid-proof", "Valid: intact cite's proof of data/case-12/testimony.txt.", file.clone(), proof.clone(), None),
        case("valid-proof-in-compact-layout", "Valid: the same proof written as compact JSON (FORMAT.md §13: any JSON layout).", file.clone(), serde_json::to_vec(&v).unwrap(), None),
        case("valid-proof-of-the-last-item", "Valid: a proof of the bundle's last item (a short audit path).", fx.files["data/misc/deep/er/nested.csv"].clone(), cite(fx, &fx.zip, "data/misc/deep/er/nested.csv"), None),
        case("proof-unknown-field", "Not valid: the proof has a field FORMAT.md §13 does not define.", file.clone(), edited(&|w| w["note"] = json!("x")), Some("proof")),
        case("proof-other-format-id", "Not valid: proof is intact-proof/2.", file.clone(), edited(&|w| w["proof"] = json!("intact-proof/2")), Some("proof")),
        case("proof-bundle-id-not-the-statement-digest", "Not valid: bundle_id is not the SHA-256 of release_json.", file.clone(), edited(&|w| w["bundle_id"] = json!("0".repeat(64))), Some("proof")),
        case("proof-release-json-not-canonical", "Not valid: release_json pretty-printed (FORMAT.md §13 step 2: canonical).", file.clone(), edited(&|w| {
            let r: Value = serde_json::from_str(w["release_json"].as_str().unwrap()).unwrap();
            let text = serde_json::to_string_pretty(&r).unwrap();
            w["bundle_id"] = json!(sha_hex(text.as_bytes()));
            w["release_json"] = json!(text);
        }), Some("proof")),
        case("proof-not-json", "Not valid: the proof cut in half.", file.clone(), proof[..proof.len() / 2].to_vec(), Some("proof")),
        case("file-one-byte-appended", "Not valid: the file has one byte more than the item.", file.clone().into_iter().chain([b'x']).collect(), proof.clone(), Some("file")),
        case("file-another-item", "Not valid: the proof is about another file of the release.", fx.files["data/README.txt"].clone(), proof.clone(), Some("file")),
        case("inclusion-leaf-index-changed", "Not valid: leaf_index points at another leaf.", file.clone(), edited(&|w| w["leaf_index"] = json!(w["leaf_index"].as_u64().unwrap() ^ 1)), Some("inclusion")),
        case("inclusion-audit-path-hash-changed", "Not valid: the first audit path hash changed.", file.clone(), edited(&|w| w["audit_path"][0] = json!("0".repeat(64))), Some("inclusion")),
        case("inclusion-audit-path-one-hash-too-many", "Not valid: one more hash on the audit path (FORMAT.md §13 step 4: the path is fully consumed).", file.clone(), edited(&|w| w["audit_path"].as_array_mut().unwrap().push(json!("0".repeat(64)))), Some("inclusion")),
        case("proof-tree-size-not-the-item-count", "Not valid: tree_size one more than the statement's item_count (FORMAT.md §13 step 1).", file.clone(), edited(&|w| w["tree_size"] = json!(w["tree_size"].as_u64().unwrap() + 1)), Some("proof")),
        case("proof-leaf-index-past-the-tree", "Not valid: leaf_index equal to tree_size (FORMAT.md §13 step 1).", file.clone(), edited(&|w| w["leaf_index"] = w["tree_size"].clone()), Some("proof")),
        case("signatures-file-named-after-another-key", "Not valid: the signature's file is named after another key (FORMAT.md §13 step 5).", file.clone(), edited(&|w| w["signatures"][0]["file"] = json!(format!("intact/signatures/{}.sig", "a".repeat(64)))), Some("signatures")),
        case("signatures-file-outside-the-signatures-directory", "Not valid: the signature's file is not under intact/signatures/.", file.clone(), edited(&|w| {
            let f = w["signatures"][0]["file"].as_str().unwrap().replace("intact/signatures/", "intact/");
            w["signatures"][0]["file"] = json!(f);
        }), Some("signatures")),
        case("signatures-armor-with-crlf-line-ends", "Not valid: the signature's armor with CR LF line ends (FORMAT.md §7: exactly the armor).", file.clone(), edited(&|w| w["signatures"][0]["signature"] = json!(sig_text.replace('\n', "\r\n"))), Some("signatures")),
        case("signatures-none", "Not valid: no signature.", file.clone(), edited(&|w| w["signatures"] = json!([])), Some("signatures")),
    ];
    let mut untrusted = case(
        "signatures-signer-not-trusted",
        "Not valid: signed by demo-office, only demo-registrar trusted.",
        file,
        proof,
        Some("signatures"),
    );
    untrusted.allowed_signers = allowed_signers_line("demo-registrar");
    out.push(untrusted);
    out
}

/// `intact pack` of `src` as release `release` of the fixture's collection.
fn pack_release(
    fx: &Fixture,
    src: &Path,
    release: &str,
    created: &str,
    extra: &[&OsStr],
) -> PathBuf {
    let out = fx.scratch(&format!("{release}.zip"));
    let key = key("demo-office");
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("pack"),
        OsStr::new("--no-deny-list"),
        src.as_os_str(),
        OsStr::new("--collection"),
        OsStr::new(COLLECTION),
        OsStr::new("--release"),
        OsStr::new(release),
        OsStr::new("--key"),
        key.as_os_str(),
        OsStr::new("--created"),
        OsStr::new(created),
        OsStr::new("-o"),
        out.as_os_str(),
    ];
    args.extend_from_slice(extra);
    let o = run_intact(&args);
    assert!(o.status.success(), "pack {release}: {}", stderr(&o));
    out
}

fn append(fx: &Fixture, log: &Path, zip: &Path) {
    let o = run_intact(&[
        OsStr::new("log"),
        OsStr::new("append"),
        log.as_os_str(),
        zip.as_os_str(),
        OsStr::new("--trust"),
        fx.trust.as_os_str(),
    ]);
    assert!(o.status.success(), "log append: {}", stderr(&o));
}

fn copy_dir(from: &Path, to: &Path) {
    let o = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success(), "cp: {}", stderr(&o));
}

/// A release log of two releases: r1 (the base bundle) and r2, which supersedes README.txt by a
/// new version under the same id and withdraws data/case-31/one hundred done.txt while an item of r2 reuses
/// its id. Returns the log's parent directory.
fn two_release_log(fx: &Fixture) -> PathBuf {
    let root = fx.scratch("log-root");
    let log = root.join("log");
    append(fx, &log, &fx.zip);
    let src = fx.scratch("r2-src");
    write_source(
        &src,
        &[
            ("README.txt", b"Synthetic release, second stage.\n".to_vec()),
            (
                "case-31/one hundred done.txt",
                b"New notes, a new document under the withdrawn id.\n".to_vec(),
            ),
        ],
    );
    let changes = fx.scratch("changes.csv");
    std::fs::write(
        &changes,
        "id,action,by,reason\nREADME.txt,superseded,README.txt,re-issued\ncase-31/one hundred done.txt,withdrawn,,withdrawn: a new document reuses the id\n",
    )
    .unwrap();
    let r2 = pack_release(
        fx,
        &src,
        "r2",
        "2026-03-01T00:00:00Z",
        &[
            OsStr::new("--previous"),
            log.as_os_str(),
            OsStr::new("--changes"),
            changes.as_os_str(),
        ],
    );
    append(fx, &log, &r2);
    root
}

fn state(seq: u64, release: &str, bundle_id: &str, created: &str) -> Vec<u8> {
    pretty(
        &json!({"state": "intact-mirror-state/1", "collection": COLLECTION, "seq": seq, "release": release, "bundle_id": bundle_id, "created": created}),
    )
}

fn log_cases(fx: &Fixture) -> Vec<LogCase> {
    let base = two_release_log(fx);
    let id_of = |seq: &str| {
        sha_hex(&std::fs::read(base.join("log").join(seq).join("release.json")).unwrap())
    };
    let (id1, id2) = (id_of("000001"), id_of("000002"));
    let edited = |edit: &dyn Fn(&Path)| {
        let root = fx.scratch("log-case");
        std::fs::create_dir_all(&root).unwrap();
        copy_dir(&base.join("log"), &root.join("log"));
        edit(&root.join("log"));
        tar_of(&root)
    };
    let case = |name, readme, log, state, valid| LogCase {
        name,
        readme,
        log,
        state,
        valid,
    };
    let sig_of = |log: &Path, seq: &str| {
        let dir = log.join(seq).join("signatures");
        std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    };
    vec![
        case("valid-two-releases-with-change-records", "Valid: r1, then r2 superseding README.txt by a new version under the same id and withdrawing case-31/one hundred done.txt while an item of r2 reuses that id (FORMAT.md §14).", edited(&|_| {}), None, true),
        case("valid-mirror-state-at-the-first-release", "Valid: a mirror that verified entry 1 before (state seq 1) sees entry 2 added.", edited(&|_| {}), Some(state(1, RELEASE, &id1, CREATED)), true),
        case("valid-mirror-state-at-the-head", "Valid: a mirror state at the head (seq 2).", edited(&|_| {}), Some(state(2, "r2", &id2, "2026-03-01T00:00:00Z")), true),
        case("mirror-state-rollback", "Not valid: the mirror verified entry 2 before, the log now ends at entry 1 (rollback).", edited(&|l| std::fs::remove_dir_all(l.join("000002")).unwrap()), Some(state(2, "r2", &id2, "2026-03-01T00:00:00Z")), false),
        case("mirror-state-fork", "Not valid: the mirror state has another release.json digest at entry 1 (fork).", edited(&|_| {}), Some(state(1, RELEASE, &"0".repeat(64), CREATED)), false),
        case("entry-without-signatures-directory", "Not valid: entry 2 has no signatures/ (FORMAT.md §14: every entry carries its signatures).", edited(&|l| std::fs::remove_dir_all(l.join("000002/signatures")).unwrap()), None, false),
        case("entry-with-an-extra-file", "Not valid: entry 1 holds a README besides its three parts.", edited(&|l| std::fs::write(l.join("000001/README"), "x\n").unwrap()), None, false),
        case("entry-named-with-seven-digits", "Not valid: entry 2 named 0000002.", edited(&|l| std::fs::rename(l.join("000002"), l.join("0000002")).unwrap()), None, false),
        case("entry-gap", "Not valid: entries 000001 and 000003, no 000002.", edited(&|l| std::fs::rename(l.join("000002"), l.join("000003")).unwrap()), None, false),
        case("entries-swapped", "Not valid: the two entries swapped (entry 1 has a previous link).", edited(&|l| {
            std::fs::rename(l.join("000001"), l.join("tmp")).unwrap();
            std::fs::rename(l.join("000002"), l.join("000001")).unwrap();
            std::fs::rename(l.join("tmp"), l.join("000002")).unwrap();
        }), None, false),
        case("entry-manifest-json-changed", "Not valid: a byte of entry 1's manifest.json changed.", edited(&|l| {
            let p = l.join("000001/manifest.json");
            let mut b = std::fs::read(&p).unwrap();
            let i = offset_of(&b, b"text/plain");
            b[i] = b'T';
            std::fs::write(p, b).unwrap();
        }), None, false),
        case("entry-signature-armor-with-crlf", "Not valid: entry 1's signature re-armored with CR LF line ends (FORMAT.md §7).", edited(&|l| {
            let p = sig_of(l, "000001");
            let t = std::fs::read_to_string(&p).unwrap();
            std::fs::write(p, t.replace('\n', "\r\n")).unwrap();
        }), None, false),
        case("entry-signature-named-after-another-key", "Not valid: entry 1's signature file renamed (FORMAT.md §7: named after its own key).", edited(&|l| {
            let p = sig_of(l, "000001");
            std::fs::rename(&p, p.with_file_name(format!("{}.sig", "a".repeat(64)))).unwrap();
        }), None, false),
        case("entry-release-json-of-another-release", "Not valid: entry 2's release.json replaced by entry 1's.", edited(&|l| {
            std::fs::copy(l.join("000001/release.json"), l.join("000002/release.json")).unwrap();
        }), None, false),
    ]
}

fn first_proof_failure(report: &Value) -> Option<String> {
    let failed: Vec<&str> = report["problems"]
        .as_array()?
        .iter()
        .filter_map(|p| p["check"].as_str())
        .collect();
    PROOF_STEPS
        .iter()
        .find(|s| failed.contains(s))
        .map(|s| (*s).to_owned())
}

fn expect_json(valid: bool, check: Option<&str>, options: Option<Value>) -> Vec<u8> {
    let mut e = serde_json::Map::new();
    e.insert("valid".into(), json!(valid));
    if let Some(c) = check {
        e.insert("check".into(), json!(c));
    }
    if let Some(o) = options {
        e.insert("options".into(), o);
    }
    pretty(&Value::Object(e))
}

/// Writes the proof family under `out`; returns the disagreements with intact.
fn write_proofs(fx: &Fixture, out: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    for c in proof_cases(fx) {
        let dir = out.join(c.name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("file"), &c.file).unwrap();
        std::fs::write(dir.join("proof.json"), &c.proof).unwrap();
        std::fs::write(dir.join("allowed_signers"), &c.allowed_signers).unwrap();
        std::fs::write(dir.join("README"), format!("{}\n", c.readme)).unwrap();
        std::fs::write(
            dir.join("expect.json"),
            expect_json(c.check.is_none(), c.check, None),
        )
        .unwrap();
        let o = run_intact(&[
            OsStr::new("check"),
            dir.join("file").as_os_str(),
            OsStr::new("--proof"),
            dir.join("proof.json").as_os_str(),
            OsStr::new("--trust"),
            dir.join("allowed_signers").as_os_str(),
            OsStr::new("--json"),
        ]);
        let report: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
        let want = if c.check.is_none() { 0 } else { 1 };
        let got = first_proof_failure(&report);
        if o.status.code() != Some(want) || got.as_deref() != c.check {
            wrong.push(format!("proofs/{}: intact exits {:?}, first failing step {got:?}; the case wants {want} and {:?}: {}", c.name, o.status.code(), c.check, stderr(&o)));
        }
    }
    wrong
}

/// Writes the log family under `out`; returns the disagreements with intact.
fn write_logs(fx: &Fixture, out: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    for c in log_cases(fx) {
        let dir = out.join(c.name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("log.tar"), &c.log).unwrap();
        std::fs::write(
            dir.join("allowed_signers"),
            allowed_signers_line("demo-office"),
        )
        .unwrap();
        std::fs::write(dir.join("README"), format!("{}\n", c.readme)).unwrap();
        let options = c.state.as_ref().map(|_| json!({"state": "state.json"}));
        if let Some(s) = &c.state {
            std::fs::write(dir.join("state.json"), s).unwrap();
        }
        std::fs::write(dir.join("expect.json"), expect_json(c.valid, None, options)).unwrap();
        let work = fx.scratch("log-run");
        std::fs::create_dir_all(&work).unwrap();
        let o = Command::new("tar")
            .arg("-xf")
            .arg(dir.join("log.tar"))
            .arg("-C")
            .arg(&work)
            .output()
            .unwrap();
        assert!(o.status.success(), "tar: {}", stderr(&o));
        let mut args: Vec<std::ffi::OsString> = vec![
            "log".into(),
            "verify".into(),
            work.join("log").into(),
            "--trust".into(),
            dir.join("allowed_signers").into(),
            "--json".into(),
        ];
        if c.state.is_some() {
            let s = work.join("state.json");
            std::fs::copy(dir.join("state.json"), &s).unwrap();
            args.extend(["--state".into(), s.into()]);
        }
        let o = crate::intact(&args);
        let want = if c.valid { 0 } else { 1 };
        if o.status.code() != Some(want) {
            wrong.push(format!(
                "logs/{}: intact exits {:?}, the case wants {want}: {}{}",
                c.name,
                o.status.code(),
                stdout_text(&o),
                stderr(&o)
            ));
        }
    }
    wrong
}

fn stdout_text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Compares a freshly made family with the committed one (or, with
/// `INTACT_REGENERATE_VECTORS=1`, replaces the committed one).
fn compare_or_regenerate(fresh: &Path, committed: &Path) {
    if std::env::var_os("INTACT_REGENERATE_VECTORS").is_some() {
        if committed.exists() {
            std::fs::remove_dir_all(committed).unwrap();
        }
        std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
        copy_dir(fresh, committed);
        return;
    }
    let made = read_all(fresh);
    let have: BTreeMap<PathBuf, Vec<u8>> = if committed.exists() {
        read_all(committed)
    } else {
        BTreeMap::new()
    };
    let differ: Vec<_> = made
        .keys()
        .chain(have.keys())
        .filter(|p| made.get(*p) != have.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "{} differs from the generator (regenerate with INTACT_REGENERATE_VECTORS=1 cargo test -p intact-cli --test it vectors_families::): {differ:?}",
        committed.display()
    );
}

#[test]
fn committed_proof_and_log_vectors_equal_the_generator() {
    let fx = Fixture::new();
    let repo = intact_testkit::repo();
    let proofs = fx.scratch("proof-cases");
    let logs = fx.scratch("log-cases");
    let mut wrong = write_proofs(&fx, &proofs);
    wrong.extend(write_logs(&fx, &logs));
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    compare_or_regenerate(&proofs, &repo.join("tests/vectors/proofs/cases"));
    compare_or_regenerate(&logs, &repo.join("tests/vectors/logs/cases"));
}

/// `scripts/conformance.sh` with intact's adapters agrees with every committed proof and log
/// case (verdicts, and for proofs the first failing step).
#[test]
fn conformance_runner_agrees_on_every_proof_and_log_case() {
    let repo = intact_testkit::repo();
    for (family, adapter) in [
        ("proofs", "conformance-intact-proof.sh"),
        ("logs", "conformance-intact-log.sh"),
    ] {
        let o = intact_testkit::Cmd::new("bash")
            .arg(repo.join("scripts/conformance.sh"))
            .args(["--family", family])
            .arg(repo.join("scripts").join(adapter))
            .env("INTACT", env!("CARGO_BIN_EXE_intact"))
            .output();
        let out = stdout_text(&o);
        assert!(
            o.status.success(),
            "{family}: conformance.sh disagreed:\n{out}{}",
            stderr(&o)
        );
        let n = std::fs::read_dir(repo.join("tests/vectors").join(family).join("cases"))
            .unwrap()
            .count();
        let last = out.lines().last().unwrap_or("");
        assert_eq!(last, format!("agreed on {n} of {n} cases"), "{family}");
        assert!(n >= 10, "{family}: {n} cases");
    }
}
