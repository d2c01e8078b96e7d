//! `intact timestamp` and `verify --tsa-certs` end to end against the test TSA.

use intact_testkit::tsa::{Answer, KeyKind, Signer, Tsa};
use intact_testkit::{s, stderr, stdout, text};

use super::*;

#[test]
fn tokens_from_two_tsas_are_stored_beside_the_bundle_and_trusted() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let before = std::fs::read(&b).unwrap();
    let (ec, ec_tsa) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let (rsa, rsa_tsa) = tsa(KeyKind::Rsa, Answer::Sign(Signer::Good));
    let o = env.stamp(&b, &[&ec_tsa.url, &rsa_tsa.url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(stdout(&o).contains("2 token(s) stored"), "{}", stdout(&o));
    assert_eq!(
        std::fs::read(&b).unwrap(),
        before,
        "the bundle is not changed"
    );
    let first = env.path("r1.zip.tsr");
    let second = env.path("r1.zip.2.tsr");
    let rj = release_json(&b);
    // openssl agrees with each token intact stored.
    assert!(ec.openssl_verify(&rj, &std::fs::read(&first).unwrap()));
    assert!(rsa.openssl_verify(&rj, &std::fs::read(&second).unwrap()));
    // The request: SHA-256 of release.json, a nonce, certReq (openssl prints it).
    let q = ec_tsa.requests.lock().unwrap()[0].clone();
    let printed = openssl_print_query(&ec, &q);
    let digest = intact_testkit::sha_hex(&rj);
    let first: Vec<&str> = (0..7).map(|i| &digest[2 * i..2 * i + 2]).collect();
    assert!(printed.contains("Hash Algorithm: sha256"), "{printed}");
    assert!(printed.contains(&first.join(" ")), "{printed}");
    assert!(printed.contains("Certificate required: yes"), "{printed}");
    assert!(!printed.contains("Nonce: unspecified"), "{printed}");

    // Both roots trusted: both tokens count; the report says when.
    let roots = env.path("roots.pem");
    let pem = [
        std::fs::read(ec.root()).unwrap(),
        std::fs::read(rsa.root()).unwrap(),
    ]
    .concat();
    std::fs::write(&roots, pem).unwrap();
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&roots), "--require-timestamp", "2"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(token_reasons(&v), ["trusted", "trusted"]);
    assert_eq!(v["timestamps"]["trusted"], 2);
    assert!(v["timestamps"]["earliest_tsa"]
        .as_str()
        .unwrap()
        .contains("Test TSA 1"));
    let o = intact(&[
        "verify",
        s(&b),
        "--trust",
        s(&env.policy()),
        "--tsa-certs",
        s(&roots),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stdout(&o).contains("existed no later than"),
        "{}",
        stdout(&o)
    );
    // Only the EC root trusted: the RSA token is refused as untrusted, and 2 are not there.
    let (code, v) = env.verify(
        &b,
        &["--tsa-certs", s(&ec.root()), "--require-timestamp", "2"],
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(token_reasons(&v), ["trusted", "refused:untrusted"]);
    let (code, _) = env.verify(&b, &["--tsa-certs", s(&ec.root()), "--require-timestamp"]);
    assert_eq!(code, 0);
}

/// `openssl ts -query -in Q -text`.
fn openssl_print_query(pki: &intact_testkit::tsa::Pki, q: &[u8]) -> String {
    let f = pki.dir().join("printed.tsq");
    std::fs::write(&f, q).unwrap();
    let o = std::process::Command::new("openssl")
        .args(["ts", "-query", "-text", "-in", s(&f)])
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn without_require_timestamp_a_missing_token_changes_nothing() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, _t) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root())]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["timestamps"]["trusted"], 0);
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root()), "--require-timestamp"]);
    assert_eq!(code, 1, "{v}");
    let p = v["problems"].as_array().unwrap();
    assert!(p.iter().any(|p| p["check"] == "timestamps"), "{v}");
    // Without --tsa-certs the report has no timestamps at all (as before this feature).
    let (code, v) = env.verify(&b, &[]);
    assert_eq!(code, 0);
    assert!(v.get("timestamps").is_none());
    // --require-timestamp needs --tsa-certs; --at and --tsa-certs do not go together.
    let o = intact(&[
        "verify",
        s(&b),
        "--trust",
        s(&env.policy()),
        "--require-timestamp",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = intact(&[
        "verify",
        s(&b),
        "--trust",
        s(&env.policy()),
        "--tsa-certs",
        s(&pki.root()),
        "--at",
        "2026-03-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn keys_are_judged_at_the_trusted_time_not_the_declared_one() {
    let env = Env::new();
    // Declared long ago; stamped now. The key is revoked from 2026-06-01.
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, _file) = stamped(&env, &b, Signer::Good);
    let pubkey =
        std::fs::read_to_string(intact_testkit::repo().join("keys/demo-office.key.pub")).unwrap();
    let mut w = pubkey.split_whitespace();
    let key = format!("{} {}", w.next().unwrap(), w.next().unwrap());
    let revoked = env.path("revoked");
    std::fs::write(&revoked, format!("{key} 2026-06-01 lost laptop\n")).unwrap();
    let root = pki.root();
    // Without trusted time, the declared created (before the revocation) is believed.
    let (code, _) = env.verify(&b, &["--revoked", s(&revoked)]);
    assert_eq!(code, 0, "backdating is possible without a token");
    // With it, the release existed only from the token's time on: after the revocation.
    let (code, v) = env.verify(&b, &["--revoked", s(&revoked), "--tsa-certs", s(&root)]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["signatures"][0]["status"], "revoked", "{v}");
    // Revoked from a date after the token: the release was stamped before, and stays valid.
    std::fs::write(&revoked, format!("{key} 2099-01-01 rotated\n")).unwrap();
    let (code, v) = env.verify(&b, &["--revoked", s(&revoked), "--tsa-certs", s(&root)]);
    assert_eq!(code, 0, "{v}");
    // A release declared after the revocation, stamped before it... cannot be made here (the
    // TSA signs now); the reverse — declared after revocation, trusted time after too — fails
    // both ways.
    std::fs::write(&revoked, format!("{key} 2026-01-01 lost\n")).unwrap();
    let (code, _) = env.verify(&b, &["--revoked", s(&revoked), "--tsa-certs", s(&root)]);
    assert_eq!(code, 1);
    // A refused token does not move the time: the declared created is used.
    std::fs::write(&revoked, format!("{key} 2026-06-01 lost laptop\n")).unwrap();
    let (other, _t) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let (code, v) = env.verify(
        &b,
        &["--revoked", s(&revoked), "--tsa-certs", s(&other.root())],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(token_reasons(&v), ["refused:untrusted"]);
}

#[test]
fn network_and_http_errors_exit_2_and_store_nothing() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (_p1, err500) = tsa(KeyKind::Ec, Answer::Status(500));
    let (_p2, garbage) = tsa(KeyKind::Ec, Answer::Garbage);
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    };
    for url in [&err500.url, &garbage.url, &closed] {
        let o = env.stamp(&b, &[url]);
        assert_eq!(o.status.code(), Some(2), "{url}: {}", text(&o));
        assert!(
            stderr(&o).contains(url.trim_end_matches('/')),
            "{}",
            stderr(&o)
        );
        assert!(!env.path("r1.zip.tsr").exists());
    }
    // One TSA down, one up: the good token is stored, and the exit code is still 2.
    let (_p3, good) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let o = env.stamp(&b, &[&closed, &good.url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(env.path("r1.zip.tsr").exists());
    // Not a bundle: exit 2, and no request is sent.
    let o = env.stamp(&env.path("nothing.zip"), &[&good.url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(good.requests.lock().unwrap().len(), 1);
}

#[test]
fn check_bundle_judges_keys_at_the_trusted_time() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let item = env.path("src-r1/a.txt");
    let policy = env.policy();
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
    let check = |extra: &[&str]| {
        let mut args = vec!["check", s(&item), "--bundle", s(&b), "--trust", s(&policy)];
        args.extend(["--revoked", s(&revoked), "--json"]);
        args.extend(extra);
        let o = intact(&args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        (o.status.code(), v)
    };
    let (pki, _t) = tsa(KeyKind::Ec, Answer::Sign(Signer::Good));
    let root = pki.root();
    // No token: the declared created is believed, and one is required only when asked.
    assert_eq!(check(&[]).0, Some(0));
    assert_eq!(check(&["--tsa-certs", s(&root)]).0, Some(0));
    let (code, v) = check(&["--tsa-certs", s(&root), "--require-timestamp"]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["problems"][0]["check"], "timestamps", "{v}");
    // Stamped now, after the revocation: the release does not count.
    let (_pki2, _file) = stamped_by(&env, &b, pki.clone());
    let (code, v) = check(&["--tsa-certs", s(&root)]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["timestamps"]["trusted"], 1, "{v}");
    // The same release in a log: judged at the entry's trusted time.
    let log = env.path("log");
    let o = intact(&["log", "append", s(&log), s(&b), "--trust", s(&policy)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check_log = |extra: &[&str]| {
        let mut args = vec!["check", s(&item), "--log", s(&log), "--trust", s(&policy)];
        args.extend(["--revoked", s(&revoked), "--json"]);
        args.extend(extra);
        let o = intact(&args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        (o.status.code(), v)
    };
    assert_eq!(check_log(&[]).0, Some(0));
    assert_eq!(
        check_log(&["--tsa-certs", s(&root)]).0,
        Some(0),
        "no token yet"
    );
    let (code, v) = check_log(&["--tsa-certs", s(&root), "--require-timestamp"]);
    assert_eq!(code, Some(1), "{v}");
    let t = Tsa::start(pki.clone(), Answer::Sign(Signer::Good));
    let o = env.stamp(&log.join("000001"), &[&t.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (code, v) = check_log(&["--tsa-certs", s(&root)]);
    assert_eq!(code, Some(1), "revoked at the entry's trusted time: {v}");
    assert_eq!(v["releases"][0]["timestamps"]["trusted"], 1, "{v}");
    // A proof carries no tokens: --tsa-certs with --proof is a usage error.
    let o = intact(&[
        "check",
        s(&item),
        "--proof",
        s(&env.path("p.json")),
        "--trust",
        s(&policy),
        "--tsa-certs",
        s(&root),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
