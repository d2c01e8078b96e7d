//! The release log as a witnessed transparency log (FORMAT.md §15, docs/TRANSPARENCY.md),
//! end to end through the binary: signed checkpoints, upgrade, mirror state consistency,
//! witnesses, a split view, a forged history after the log key is stolen, compare and prove.

use std::path::{Path, PathBuf};

use intact_format::tlog::proofs::InclusionDocument;
use intact_format::tlog::{Note, VerifierKey};
use intact_testkit::{s, text};

use crate::intact;
use crate::releases::{Fx, R1};

const ORIGIN: &str = "archive.example/releases";

pub(crate) struct Keys {
    pub(crate) log_secret: PathBuf,
    pub(crate) log_vkey: PathBuf,
    pub(crate) witness: PathBuf,
    pub(crate) witnesses: PathBuf,
}

pub(crate) fn keys(fx: &Fx) -> Keys {
    let log_secret = fx.p("log.key");
    let o = intact(&[
        "keygen",
        "--log",
        "--out",
        s(&log_secret),
        "--name",
        ORIGIN,
        "--allowed-signers",
        s(&fx.trust),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    // Beside allowed_signers as log.vkey, and beside the secret key.
    let log_vkey = fx.p("log.vkey");
    let vk = std::fs::read_to_string(&log_vkey).unwrap();
    assert_eq!(vk, std::fs::read_to_string(fx.p("log.key.vkey")).unwrap());
    assert!(VerifierKey::parse(&vk).unwrap().name == ORIGIN);
    let witness = fx.p("w1.key");
    let o = intact(&[
        "keygen",
        "--witness",
        "--out",
        s(&witness),
        "--name",
        "witness.example/w1",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let witnesses = fx.p("witnesses.txt");
    let w = std::fs::read_to_string(fx.p("w1.key.vkey")).unwrap();
    std::fs::write(&witnesses, format!("# the archive's witnesses\n{w}")).unwrap();
    Keys {
        log_secret,
        log_vkey,
        witness,
        witnesses,
    }
}

pub(crate) fn append_signed(fx: &Fx, k: &Keys, log: &Path, bundle: &Path) {
    let o = intact(&[
        "log",
        "append",
        s(log),
        s(bundle),
        "--trust",
        s(&fx.trust),
        "--log-signing-key",
        s(&k.log_secret),
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

fn verify(fx: &Fx, k: &Keys, log: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--log-key", s(&k.log_vkey)];
    args.extend_from_slice(extra);
    fx.log_verify(log, &args)
}

pub(crate) fn cosign(k: &Keys, log: &Path, state: &Path) -> std::process::Output {
    intact(&[
        "witness",
        "cosign",
        "--log",
        s(log),
        "--log-key",
        s(&k.log_vkey),
        "--key",
        s(&k.witness),
        "--state",
        s(state),
        "--json",
    ])
}

fn releases(fx: &Fx) -> (PathBuf, PathBuf, PathBuf) {
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let r2 = fx.ok_pack(
        "r2",
        "2026-02-01T00:00:00Z",
        &[("d.txt", "SYNTHETIC item d\n")],
        Some(&r1),
        None,
    );
    let r3 = fx.ok_pack(
        "r3",
        "2026-03-01T00:00:00Z",
        &[("e.txt", "SYNTHETIC item e\n")],
        Some(&r2),
        None,
    );
    (r1, r2, r3)
}

fn checkpoint(log: &Path, n: u64) -> PathBuf {
    log.join(format!("tlog/checkpoints/{n:06}"))
}

#[test]
fn upgrade_append_verify_with_state_prove_and_compare() {
    let fx = Fx::new();
    let k = keys(&fx);
    let (r1, r2, r3) = releases(&fx);
    let log = fx.p("log");
    let state = fx.p("mirror-state.json");
    for b in [&r1, &r2] {
        assert!(fx.append(&log, b).status.success());
    }
    // A layout-1 log and a format-1 mirror state, as every earlier version wrote them.
    let o = fx.log_verify(&log, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Appending with a log key to a layout-1 log with entries: upgrade first (exit 2).
    let o = intact(&[
        "log",
        "append",
        s(&log),
        s(&r3),
        "--trust",
        s(&fx.trust),
        "--log-signing-key",
        s(&k.log_secret),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = intact(&[
        "log",
        "upgrade",
        s(&log),
        "--log-signing-key",
        s(&k.log_secret),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let up: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(up["signed"], serde_json::json!([1, 2]));
    assert_eq!(
        std::fs::read_to_string(log.join("tlog/layout")).unwrap(),
        "intact-log/2\n"
    );
    // Upgrading again signs nothing new.
    let o = intact(&[
        "log",
        "upgrade",
        s(&log),
        "--log-signing-key",
        s(&k.log_secret),
        "--json",
    ]);
    let up: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(up["signed"], serde_json::json!([]));
    // A layout-2 log: appending without the key is refused, nothing written.
    let o = fx.append(&log, &r3);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!log.join("000003").exists());
    append_signed(&fx, &k, &log, &r3);
    assert!(checkpoint(&log, 3).is_file());
    // The mirror state gets the checkpoint of its entry.
    let o = intact(&[
        "log",
        "upgrade",
        s(&log),
        "--state",
        s(&state),
        "--log-key",
        s(&k.log_vkey),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(st["state"], "intact-mirror-state/2");
    assert!(st["checkpoint"]
        .as_str()
        .unwrap()
        .contains(&format!("{ORIGIN}\n2\n")));
    // Without the log key a layout-2 log is not valid; with it, and the state moves to 3.
    let o = fx.log_verify(&log, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = verify(&fx, &k, &log, &["--state", s(&state), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rep["tlog"]["layout"], 2);
    assert_eq!(rep["state_updated"], true);
    let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(st["checkpoint"]
        .as_str()
        .unwrap()
        .contains(&format!("{ORIGIN}\n3\n")));
    // An inclusion proof for r2 verifies against the signed head.
    let o = intact(&[
        "log",
        "prove",
        s(&log),
        "r2",
        "--log-key",
        s(&k.log_vkey),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc = InclusionDocument::parse(&o.stdout).unwrap();
    let vk = VerifierKey::parse(&std::fs::read_to_string(&k.log_vkey).unwrap()).unwrap();
    let rel = std::fs::read(log.join("000002/release.json")).unwrap();
    let cp = doc.check_signed(&rel, &vk).unwrap();
    let pf = fx.p("r2.log-proof.json");
    std::fs::write(&pf, &o.stdout).unwrap();
    let check = |rel: &Path, extra: &[&str]| {
        let mut a = vec![
            "log",
            "check-inclusion",
            s(&pf),
            "--release-json",
            s(rel),
            "--log-key",
            s(&k.log_vkey),
            "--json",
        ];
        a.extend_from_slice(extra);
        intact(&a)
    };
    let o = check(&log.join("000002/release.json"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        check(&log.join("000001/release.json"), &[]).status.code(),
        Some(1)
    );
    // The proof's checkpoint carries no cosignature: a policy of one witness refuses it.
    let o = check(
        &log.join("000002/release.json"),
        &["--witnesses", s(&k.witnesses)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!((doc.index, cp.size), (1, 3));
    assert!(doc
        .check_signed(
            &std::fs::read(log.join("000001/release.json")).unwrap(),
            &vk
        )
        .is_err());
    // Comparing checkpoint 1 (as printed, without its signature) with the head: consistent.
    let printed = fx.p("paper-appendix.txt");
    let n1 = Note::parse(&std::fs::read(checkpoint(&log, 1)).unwrap()).unwrap();
    std::fs::write(&printed, &n1.text).unwrap();
    let o = intact(&[
        "log",
        "compare",
        s(&printed),
        s(&checkpoint(&log, 3)),
        "--log",
        s(&log),
        "--log-key",
        s(&k.log_vkey),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(c["consistent"], true);
    assert_eq!(c["older"]["signed"], false);
    assert_eq!(c["proof"]["proof"], "intact-consistency/1");
    // A note signed only by keys the reader does not know counts as its text, unsigned; one
    // whose log-key signature does not verify is refused (exit 2).
    let mut unknown = n1.clone();
    unknown.signatures[0].name = "someone.example/else".into();
    std::fs::write(&printed, unknown.to_bytes()).unwrap();
    let cp3 = checkpoint(&log, 3);
    let args = [
        "log",
        "compare",
        s(&printed),
        s(&cp3),
        "--log",
        s(&log),
        "--log-key",
        s(&k.log_vkey),
        "--json",
    ];
    let o = intact(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut bad = n1.clone();
    bad.signatures[0].signature[0] ^= 1;
    std::fs::write(&printed, bad.to_bytes()).unwrap();
    assert_eq!(intact(&args).status.code(), Some(2));
}

#[test]
fn tampered_checkpoints_and_rollback_are_caught() {
    let fx = Fx::new();
    let k = keys(&fx);
    let (r1, r2, r3) = releases(&fx);
    let log = fx.p("log");
    for b in [&r1, &r2, &r3] {
        append_signed(&fx, &k, &log, b);
    }
    let state = fx.p("state.json");
    assert_eq!(
        verify(&fx, &k, &log, &["--state", s(&state)]).status.code(),
        Some(0)
    );
    // A checkpoint whose text is changed no longer verifies.
    let cp2 = checkpoint(&log, 2);
    let good = std::fs::read_to_string(&cp2).unwrap();
    std::fs::write(&cp2, good.replacen("\n2\n", "\n3\n", 1)).unwrap();
    let o = verify(&fx, &k, &log, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    std::fs::write(&cp2, &good).unwrap();
    // A checkpoint signed by another key is refused.
    let other = fx.p("other.key");
    assert!(
        intact(&["keygen", "--log", "--out", s(&other), "--name", ORIGIN])
            .status
            .success()
    );
    let o = fx.log_verify(&log, &["--log-key", s(&fx.p("other.key.vkey"))]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    // Anything else in tlog/ is refused, as anything else in the log is (FORMAT.md §14).
    for stray in [
        "tlog/notes.txt",
        "tlog/checkpoints/latest",
        "tlog/cosignatures/000001/x.sig",
    ] {
        std::fs::create_dir_all(log.join(stray).parent().unwrap()).unwrap();
        std::fs::write(log.join(stray), "SYNTHETIC\n").unwrap();
        let o = verify(&fx, &k, &log, &[]);
        assert_eq!(o.status.code(), Some(1), "{stray}: {}", text(&o));
        assert!(
            text(&o).contains("not part of a layout-2 log"),
            "{}",
            text(&o)
        );
        std::fs::remove_file(log.join(stray)).unwrap();
    }
    // Rollback: entry 3 and its checkpoint removed; the mirror's signed state catches it.
    std::fs::remove_dir_all(log.join("000003")).unwrap();
    let o = verify(&fx, &k, &log, &["--state", s(&state), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        text(&o).contains("for a size the log does not have"),
        "{}",
        text(&o)
    );
    std::fs::remove_file(checkpoint(&log, 3)).unwrap();
    let o = verify(&fx, &k, &log, &["--state", s(&state), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let rep2: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        rep2["tlog"]["evidence"][0]["kind"], "rollback",
        "{rep} {rep2}"
    );
    // Stripping the checkpoints (a downgrade to layout 1) does not escape the signed state.
    std::fs::remove_dir_all(log.join("tlog")).unwrap();
    let o = verify(&fx, &k, &log, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

/// Builds log B: r1, then `r2b` (another second release, signed by the same office), with
/// checkpoints signed by the same log key — what a log operator, or a thief of the log key,
/// shows to one audience while the others see log A.
fn forked_log(fx: &Fx, k: &Keys, r1: &Path, name: &str) -> PathBuf {
    let r2b = fx.ok_pack(
        &format!("{name}-r2b"),
        "2026-02-02T00:00:00Z",
        &[("x.txt", "SYNTHETIC other history\n")],
        Some(r1),
        None,
    );
    let b = fx.p(name);
    append_signed(fx, k, &b, r1);
    append_signed(fx, k, &b, &r2b);
    b
}

#[test]
fn split_view_is_caught_by_a_witness_and_a_mirror_requiring_a_cosignature() {
    let fx = Fx::new();
    let k = keys(&fx);
    let (r1, r2, _) = releases(&fx);
    let a = fx.p("log-a");
    append_signed(&fx, &k, &a, &r1);
    append_signed(&fx, &k, &a, &r2);
    let b = forked_log(&fx, &k, &r1, "log-b");
    // Each log on its own is valid: a mirror alone cannot tell.
    for l in [&a, &b] {
        assert_eq!(verify(&fx, &k, l, &[]).status.code(), Some(0));
    }
    // The witness cosigns A's head.
    let ws = fx.p("witness-state.json");
    let o = cosign(&k, &a, &ws);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Shown B, it refuses and writes the two signed checkpoints of the same size.
    let o = cosign(&k, &b, &ws);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["cosigned"], false);
    assert!(
        r["problems"][0].as_str().unwrap().starts_with("fork"),
        "{r}"
    );
    let ev = fx.p("witness-state.json.fork");
    let seen = std::fs::read(ev.join("seen.checkpoint")).unwrap();
    let shown = std::fs::read(ev.join("shown.checkpoint")).unwrap();
    let vk = VerifierKey::parse(&std::fs::read_to_string(&k.log_vkey).unwrap()).unwrap();
    let (sa, sb) = (Note::parse(&seen).unwrap(), Note::parse(&shown).unwrap());
    assert_eq!(sa.check_ed25519(&vk), Some(true));
    assert_eq!(sb.check_ed25519(&vk), Some(true));
    assert_ne!(sa.text, sb.text, "same size, same key, two roots");
    assert!(std::fs::read_dir(b.join("tlog/cosignatures"))
        .unwrap()
        .next()
        .is_none());
    // A mirror requiring one cosignature accepts A and refuses B.
    let req = ["--witnesses", s(&k.witnesses), "--witness-threshold", "1"];
    let o = verify(&fx, &k, &a, &req);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains(
            "head checkpoint (size 2) signed by the log key; cosigned by witness.example/w1"
        ),
        "{}",
        text(&o)
    );
    let o = verify(&fx, &k, &b, &req);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("0 valid cosignature(s)"), "{}", text(&o));
    // check --log with the same policy refuses to look anything up in B.
    let f = fx.p("src-r1/a.txt");
    let o = intact(&[
        "check",
        s(&f),
        "--log",
        s(&b),
        "--trust",
        s(&fx.trust),
        "--log-key",
        s(&k.log_vkey),
        "--witnesses",
        s(&k.witnesses),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = intact(&[
        "check",
        s(&f),
        "--log",
        s(&a),
        "--trust",
        s(&fx.trust),
        "--log-key",
        s(&k.log_vkey),
        "--witnesses",
        s(&k.witnesses),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Two mirrors compare their heads: not consistent, with both signed checkpoints.
    let o = intact(&[
        "log",
        "compare",
        s(&checkpoint(&a, 2)),
        s(&checkpoint(&b, 2)),
        "--log",
        s(&a),
        "--log-key",
        s(&k.log_vkey),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(c["consistent"], false);
    assert_eq!(c["evidence"]["kind"], "fork");
}

#[test]
fn forged_history_after_the_log_key_is_stolen_is_caught() {
    let fx = Fx::new();
    let k = keys(&fx);
    let (r1, r2, _) = releases(&fx);
    let honest = fx.p("log");
    append_signed(&fx, &k, &honest, &r1);
    append_signed(&fx, &k, &honest, &r2);
    let ws = fx.p("witness-state.json");
    assert_eq!(cosign(&k, &honest, &ws).status.code(), Some(0));
    let mirror_state = fx.p("mirror.json");
    let req = ["--witnesses", s(&k.witnesses), "--state", s(&mirror_state)];
    let o = verify(&fx, &k, &honest, &req);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // The thief rewrites entry 2 and appends on top, signing every checkpoint with the key.
    let forged = forked_log(&fx, &k, &r1, "forged");
    let r3f = fx.ok_pack(
        "r3f",
        "2026-03-02T00:00:00Z",
        &[("y.txt", "SYNTHETIC appended by the thief\n")],
        Some(&fx.p("forged-r2b.zip")),
        None,
    );
    append_signed(&fx, &k, &forged, &r3f);
    assert_eq!(verify(&fx, &k, &forged, &[]).status.code(), Some(0));
    // The witness that saw the honest log refuses, with evidence.
    let o = cosign(&k, &forged, &ws);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["previous_size"], 2);
    assert_eq!(r["evidence"].as_array().unwrap().len(), 3, "{r}");
    // The mirror that requires a cosignature and holds the honest checkpoint refuses too.
    let o = verify(&fx, &k, &forged, &req);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("fork") && t.contains("0 valid cosignature(s)"),
        "{t}"
    );
    // Once cosigned, the honest log still verifies with the witness policy.
    assert_eq!(verify(&fx, &k, &honest, &req).status.code(), Some(0));
}

/// Every JSON document of FORMAT.md §15 the binary writes, with the schema it must match (for
/// `schemas.rs`): keygen, append, upgrade, verify with state, witness report and state,
/// prove, compare (consistent and not).
pub(crate) fn documents() -> Vec<(&'static str, String, serde_json::Value)> {
    let fx = Fx::new();
    let k = keys(&fx);
    let mut docs = Vec::new();
    let json = |o: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
    };
    let o = intact(&[
        "keygen",
        "--witness",
        "--out",
        s(&fx.p("w2.key")),
        "--name",
        "w2",
        "--json",
    ]);
    docs.push((
        "note-keygen-report.schema.json",
        "keygen --witness".into(),
        json(&o),
    ));
    let (r1, r2, _) = releases(&fx);
    let a = fx.p("log-a");
    assert!(fx.append(&a, &r1).status.success());
    let o = intact(&[
        "log",
        "upgrade",
        s(&a),
        "--log-signing-key",
        s(&k.log_secret),
        "--json",
    ]);
    docs.push(("log-upgrade.schema.json", "log upgrade".into(), json(&o)));
    let o = intact(&[
        "log",
        "append",
        s(&a),
        s(&r2),
        "--trust",
        s(&fx.trust),
        "--log-signing-key",
        s(&k.log_secret),
        "--json",
    ]);
    docs.push((
        "log-append-report.schema.json",
        "log append --log-signing-key".into(),
        json(&o),
    ));
    let ws = fx.p("ws.json");
    docs.push((
        "witness-cosign.schema.json",
        "witness cosign".into(),
        json(&cosign(&k, &a, &ws)),
    ));
    let state = fx.p("state.json");
    let o = verify(
        &fx,
        &k,
        &a,
        &[
            "--witnesses",
            s(&k.witnesses),
            "--state",
            s(&state),
            "--json",
        ],
    );
    docs.push((
        "log-verify-report.schema.json",
        "log verify --witnesses".into(),
        json(&o),
    ));
    for (schema, p) in [
        ("mirror-state.schema.json", &state),
        ("witness-state.schema.json", &ws),
    ] {
        let v = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        docs.push((schema, p.display().to_string(), v));
    }
    let o = intact(&[
        "log",
        "prove",
        s(&a),
        "1",
        "--log-key",
        s(&k.log_vkey),
        "--json",
    ]);
    let pf = fx.p("inclusion.json");
    std::fs::write(&pf, &o.stdout).unwrap();
    let oc = intact(&[
        "log",
        "check-inclusion",
        s(&pf),
        "--release-json",
        s(&a.join("000001/release.json")),
        "--log-key",
        s(&k.log_vkey),
        "--witnesses",
        s(&k.witnesses),
        "--json",
    ]);
    assert_eq!(oc.status.code(), Some(0), "{}", text(&oc));
    docs.push((
        "log-inclusion-check.schema.json",
        "log check-inclusion".into(),
        json(&oc),
    ));
    docs.push(("log-inclusion.schema.json", "log prove".into(), json(&o)));
    let b = forked_log(&fx, &k, &r1, "log-b");
    let o = cosign(&k, &b, &ws);
    docs.push((
        "witness-cosign.schema.json",
        "witness cosign (fork)".into(),
        json(&o),
    ));
    let o = verify(&fx, &k, &b, &["--state", s(&state), "--json"]);
    docs.push((
        "log-verify-report.schema.json",
        "log verify (fork)".into(),
        json(&o),
    ));
    let f = fx.p("src-r1/a.txt");
    let o = intact(&[
        "check",
        s(&f),
        "--log",
        s(&b),
        "--trust",
        s(&fx.trust),
        "--log-key",
        s(&k.log_vkey),
        "--witnesses",
        s(&k.witnesses),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    docs.push((
        "log-checkpoints-report.schema.json",
        "check --log (refused)".into(),
        json(&o),
    ));
    for (what, x) in [
        ("consistent", checkpoint(&a, 1)),
        ("fork", checkpoint(&b, 2)),
    ] {
        let o = intact(&[
            "log",
            "compare",
            s(&x),
            s(&checkpoint(&a, 2)),
            "--log",
            s(&a),
            "--log-key",
            s(&k.log_vkey),
            "--json",
        ]);
        let v = json(&o);
        if let Some(p) = v.get("proof").filter(|p| !p.is_null()) {
            docs.push((
                "log-consistency.schema.json",
                "compare proof".into(),
                p.clone(),
            ));
        }
        docs.push((
            "log-compare.schema.json",
            format!("log compare ({what})"),
            v,
        ));
    }
    docs
}
