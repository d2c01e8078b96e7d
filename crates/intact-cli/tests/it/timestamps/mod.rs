//! Trusted time (FORMAT.md §16, docs/TRUST.md) against a real TSA: `openssl ts -reply` on
//! 127.0.0.1 behind the test kit's HTTP front ([`intact_testkit::tsa`]), with a root and TSA
//! certificates made by `openssl` for each run. Every token intact stores is also checked by
//! `openssl ts -verify`; tokens that must be refused are refused with the reason that names
//! what is wrong.

mod cli;
mod log;
mod refused;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use intact_testkit::tsa::{Answer, KeyKind, Pki, Signer, Tsa};
use intact_testkit::{s, stderr, write_file};

use crate::intact;

/// A temp dir with a small source tree, the demo office's policy, and a bundle packed from it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        intact_testkit::trust_file(dir.path());
        Env { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn policy(&self) -> PathBuf {
        self.path("allowed_signers")
    }

    /// Packs release `release` (created as given) signed by the demo office into `NAME.zip`.
    pub fn pack(&self, release: &str, created: &str) -> PathBuf {
        let src = self.path(&format!("src-{release}"));
        write_file(&src.join("a.txt"), format!("SYNTHETIC item of {release}\n"));
        let out = self.path(&format!("{release}.zip"));
        let key = intact_testkit::demo_key();
        let o = intact(&[
            "pack",
            "--no-deny-list",
            s(&src),
            "--collection",
            "coll",
            "--release",
            release,
            "--key",
            s(&key),
            "--created",
            created,
            "-o",
            s(&out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    }

    /// `intact timestamp TARGET --tsa URL…`.
    pub fn stamp(&self, target: &Path, urls: &[&str]) -> std::process::Output {
        let mut args = vec!["timestamp", s(target)];
        for u in urls {
            args.extend(["--tsa", u]);
        }
        intact(&args)
    }

    /// `intact verify --json` with the demo policy and `extra` flags: exit code and report.
    pub fn verify(&self, bundle: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
        let policy = self.policy();
        let mut args = vec!["verify", s(bundle), "--trust", s(&policy), "--json"];
        args.extend(extra);
        let o = intact(&args);
        let v = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", intact_testkit::stdout(&o), stderr(&o)));
        (o.status.code().unwrap_or(-1), v)
    }
}

/// A PKI and its TSA serving `answer` (the PKI shared, for its root).
pub fn tsa(kind: KeyKind, answer: Answer) -> (Arc<Pki>, Tsa) {
    let pki = Arc::new(Pki::new(kind));
    let t = Tsa::start(pki.clone(), answer);
    (pki, t)
}

/// The bundle's `intact/release.json` bytes.
pub fn release_json(bundle: &Path) -> Vec<u8> {
    let b = intact::bundle::Bundle::open(bundle).unwrap();
    let m = b.get(intact::bag::RELEASE_PATH).unwrap();
    b.read(m, 1 << 20).unwrap()
}

/// The statuses of a report's tokens, with their reasons.
pub fn token_reasons(v: &serde_json::Value) -> Vec<String> {
    v["timestamps"]["checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| match c["reason"].as_str() {
                    Some(r) => format!("refused:{r}"),
                    None => c["status"].as_str().unwrap_or("?").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A good token over `bundle` from a fresh EC TSA, by `intact timestamp`; the PKI and the path.
pub fn stamped(env: &Env, bundle: &Path, signer: Signer) -> (Arc<Pki>, PathBuf) {
    let (pki, t) = tsa(KeyKind::Ec, Answer::Sign(signer));
    let o = env.stamp(bundle, &[&t.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = intact::timestamp::store::sidecars(bundle)
        .unwrap()
        .pop()
        .unwrap();
    (pki, file)
}

/// Every JSON document of trusted time, for the schema test (`schemas.rs`): `timestamp`,
/// `verify` with a trusted and a refused token, `log append --tsa`, `log verify --tsa-certs`.
pub fn schema_documents() -> Vec<(&'static str, String, serde_json::Value)> {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, t) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let json = |args: &[&str]| -> serde_json::Value {
        let o = intact(args);
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    };
    let mut docs = Vec::new();
    let v = json(&["timestamp", s(&b), "--tsa", &t.url, "--json"]);
    docs.push(("timestamps.schema.json", "timestamp --json".into(), v));
    std::fs::write(env.path("r1.zip.2.tsr"), b"garbage").unwrap();
    let (_, v) = env.verify(
        &b,
        &["--tsa-certs", s(&pki.root()), "--require-timestamp", "2"],
    );
    assert_eq!(v["timestamps"]["trusted"], 1, "{v}");
    docs.push(("verify-report.schema.json", "verify --tsa-certs".into(), v));
    let log = env.path("log");
    let policy = env.policy();
    let v = json(&[
        "log",
        "append",
        s(&log),
        s(&b),
        "--trust",
        s(&policy),
        "--tsa",
        &t.url,
        "--json",
    ]);
    docs.push((
        "log-append-report.schema.json",
        "log append --tsa".into(),
        v,
    ));
    let v = json(&[
        "log",
        "verify",
        s(&log),
        "--trust",
        s(&policy),
        "--tsa-certs",
        s(&pki.root()),
        "--json",
    ]);
    assert_eq!(v["releases"][0]["timestamps"]["trusted"], 1, "{v}");
    docs.push((
        "log-verify-report.schema.json",
        "log verify --tsa-certs".into(),
        v,
    ));
    docs
}

/// A good token over `bundle` from a TSA over `pki`, by `intact timestamp`.
pub fn stamped_by(env: &Env, bundle: &Path, pki: Arc<Pki>) -> (Arc<Pki>, PathBuf) {
    let t = Tsa::start(pki.clone(), Answer::Sign(Signer::Good));
    let o = env.stamp(bundle, &[&t.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = intact::timestamp::store::sidecars(bundle)
        .unwrap()
        .pop()
        .unwrap();
    (pki, file)
}
