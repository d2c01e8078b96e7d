//! Trusted time in the release log: `log append --tsa`, `intact timestamp LOG/000001`, and
//! `log verify --tsa-certs --require-timestamp`.

use intact_testkit::tsa::{Answer, KeyKind, Signer};
use intact_testkit::{s, stdout, text};

use super::*;

fn log_verify(env: &Env, log: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let policy = env.policy();
    let mut args = vec!["log", "verify", s(log), "--trust", s(&policy), "--json"];
    args.extend(extra);
    let o = intact(&args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    (o.status.code().unwrap_or(-1), v)
}

#[test]
fn log_append_stamps_the_entry_and_log_verify_judges_it() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, t) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let log = env.path("log");
    let o = intact(&[
        "log",
        "append",
        s(&log),
        s(&b),
        "--trust",
        s(&env.policy()),
        "--tsa",
        &t.url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stdout(&o).contains("existed no later than"),
        "{}",
        stdout(&o)
    );
    let tok = std::fs::read(log.join("000001/timestamps/1.tsr")).unwrap();
    assert!(pki.openssl_verify(&release_json(&b), &tok));
    // A second token by `intact timestamp` on the entry.
    let o = env.stamp(&log.join("000001"), &[&t.url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(log.join("000001/timestamps/2.tsr").is_file());

    let root = pki.root();
    let (code, v) = log_verify(
        &env,
        &log,
        &["--tsa-certs", s(&root), "--require-timestamp", "2"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["releases"][0]["timestamps"]["trusted"], 2);
    // Without --tsa-certs the tokens are allowed in the entry and not judged.
    let (code, v) = log_verify(&env, &log, &[]);
    assert_eq!(code, 0, "{v}");
    assert!(v["releases"][0].get("timestamps").is_none());
    // Three required: not valid. Another file in timestamps/: a problem.
    let (code, _) = log_verify(
        &env,
        &log,
        &["--tsa-certs", s(&root), "--require-timestamp", "3"],
    );
    assert_eq!(code, 1);
    std::fs::write(log.join("000001/timestamps/notes.txt"), b"x").unwrap();
    let (code, v) = log_verify(&env, &log, &[]);
    assert_eq!(code, 1, "{v}");
    std::fs::remove_file(log.join("000001/timestamps/notes.txt")).unwrap();

    // Revoked from 2026-06-01: the entry's keys are judged at the token's time (now), so the
    // release does not count; without trusted time the declared created is believed.
    let pubkey =
        std::fs::read_to_string(intact_testkit::repo().join("keys/demo-office.key.pub")).unwrap();
    let mut w = pubkey.split_whitespace();
    let revoked = env.path("revoked");
    let line = format!(
        "{} {} 2026-06-01 lost\n",
        w.next().unwrap(),
        w.next().unwrap()
    );
    std::fs::write(&revoked, line).unwrap();
    let (code, _) = log_verify(&env, &log, &["--revoked", s(&revoked)]);
    assert_eq!(code, 0);
    let (code, v) = log_verify(
        &env,
        &log,
        &["--revoked", s(&revoked), "--tsa-certs", s(&root)],
    );
    assert_eq!(code, 1, "{v}");
}

#[test]
fn log_append_with_a_failing_tsa_appends_and_exits_2() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (_pki, t) = tsa(KeyKind::Ec, Answer::Status(503));
    let log = env.path("log");
    let o = intact(&[
        "log",
        "append",
        s(&log),
        s(&b),
        "--trust",
        s(&env.policy()),
        "--tsa",
        &t.url,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        log.join("000001/release.json").is_file(),
        "the entry stays appended"
    );
    assert!(!log.join("000001/timestamps").exists());
}
