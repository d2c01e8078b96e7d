//! Tokens that must not count: over another release, from an untrusted TSA, with any one
//! byte changed, by a certificate without the timeStamping usage, with a genTime outside the
//! TSA certificate's validity. Each is refused by intact with the reason that names it, and by
//! `openssl ts -verify` too.

use intact::limits::Limits;
use intact::timestamp::{check_token, TokenError, TsaRoots};
use intact_testkit::tsa::{KeyKind, Pki, Signer};
use intact_testkit::{s, text};

use super::*;

/// A token over `data` made by `pki` (openssl query, openssl reply by `signer`).
fn token(pki: &Pki, data: &[u8], signer: Signer) -> Vec<u8> {
    pki.token_of(&pki.reply(&pki.query(data), signer))
}

fn roots(pki: &Pki) -> TsaRoots {
    TsaRoots::load(&pki.root(), &Limits::DEFAULT).unwrap()
}

#[test]
fn a_token_over_another_release_is_refused() {
    let env = Env::new();
    let r1 = env.pack("r1", "2026-02-01T10:00:00Z");
    let r2 = env.pack("r2", "2026-02-02T10:00:00Z");
    let (pki, file) = stamped(&env, &r2, Signer::Good);
    std::fs::copy(&file, env.path("r1.zip.tsr")).unwrap();
    let (code, v) = env.verify(&r1, &["--tsa-certs", s(&pki.root()), "--require-timestamp"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(token_reasons(&v), ["refused:imprint"]);
    let tok = std::fs::read(&file).unwrap();
    assert!(!pki.openssl_verify(&release_json(&r1), &tok));
    assert!(pki.openssl_verify(&release_json(&r2), &tok));
}

#[test]
fn a_token_from_an_untrusted_tsa_is_refused() {
    let pki = Pki::new(KeyKind::Ec);
    let other = Pki::new(KeyKind::Ec);
    let data = b"{\"release\":\"synthetic\"}";
    let t = token(&pki, data, Signer::Good);
    assert!(check_token(&t, data, None, &roots(&pki), &Limits::DEFAULT).is_ok());
    let e = check_token(&t, data, None, &roots(&other), &Limits::DEFAULT).unwrap_err();
    assert_eq!(e.name(), "untrusted", "{e}");
    // A root file holding the TSA certificate's issuer name but another key does not help.
    assert!(!other.openssl_verify(data, &t));
}

#[test]
fn every_one_byte_change_is_refused() {
    for kind in [KeyKind::Ec, KeyKind::Rsa] {
        let pki = Pki::new(kind);
        let data = b"{\"release\":\"synthetic one byte\"}";
        let t = token(&pki, data, Signer::Good);
        let r = roots(&pki);
        check_token(&t, data, None, &r, &Limits::DEFAULT).unwrap();
        for i in 0..t.len() {
            for flip in [0x01u8, 0x80] {
                let mut bad = t.clone();
                bad[i] ^= flip;
                let res = check_token(&bad, data, None, &r, &Limits::DEFAULT);
                assert!(res.is_err(), "{kind:?}: byte {i} ^ {flip:#x} still trusted");
            }
        }
        // openssl agrees on a sample (it is slow to spawn for every byte).
        for i in [t.len() / 3, t.len() / 2, t.len() - 5] {
            let mut bad = t.clone();
            bad[i] ^= 0x01;
            assert!(!pki.openssl_verify(data, &bad), "{kind:?}: byte {i}");
        }
        // Cut short, or with a byte after the end: not a token.
        let e = check_token(&t[..t.len() - 1], data, None, &r, &Limits::DEFAULT).unwrap_err();
        assert_eq!(e.name(), "unreadable");
        let long = [t.clone(), vec![0]].concat();
        assert!(check_token(&long, data, None, &r, &Limits::DEFAULT).is_err());
    }
}

#[test]
fn a_certificate_without_the_timestamping_usage_is_refused() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, file) = stamped(&env, &b, Signer::Good);
    let good = std::fs::read(&file).unwrap();
    // The same TSTInfo, signed by the same key under the certificate without the usage
    // (openssl cms; openssl ts refuses to sign with it).
    let noeku = pki.cms_token(&good, "noeku.crt", false);
    std::fs::write(&file, &noeku).unwrap();
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root()), "--require-timestamp"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(token_reasons(&v), ["refused:usage"]);
    assert!(!pki.openssl_verify(&release_json(&b), &noeku));
    // The same re-signing under the right certificate is a good token: the refusal above is
    // the usage, not the way the token was made.
    let resigned = pki.cms_token(&good, "tsa.crt", false);
    std::fs::write(&file, &resigned).unwrap();
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root()), "--require-timestamp"]);
    assert_eq!(code, 0, "{v}");
    assert!(pki.openssl_verify(&release_json(&b), &resigned));
}

#[test]
fn rsa_pss_tokens_are_verified() {
    let pki = Pki::new(KeyKind::Rsa);
    let data = b"{\"release\":\"pss\"}";
    let t = token(&pki, data, Signer::Good);
    let pss = pki.cms_token(&t, "tsa.crt", true);
    let r = roots(&pki);
    let stamp = check_token(&pss, data, None, &r, &Limits::DEFAULT).unwrap();
    assert!(stamp.tsa.contains("Test TSA 1"), "{}", stamp.tsa);
    let mut bad = pss.clone();
    let n = bad.len() - 3;
    bad[n] ^= 1;
    let e = check_token(&bad, data, None, &r, &Limits::DEFAULT).unwrap_err();
    assert!(matches!(e, TokenError::Signature(_)), "{e}");
}

#[test]
fn a_gen_time_outside_the_certificate_validity_is_refused() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let (pki, t) = tsa(
        KeyKind::Ec,
        intact_testkit::tsa::Answer::Sign(Signer::Expired),
    );
    // intact timestamp checks the reply: a token by a certificate expired at genTime is not
    // stored (exit 2).
    let o = env.stamp(&b, &[&t.url]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!env.path("r1.zip.tsr").exists());
    // Stored by other means, verify refuses it.
    let tok = token(&pki, &release_json(&b), Signer::Expired);
    std::fs::write(env.path("r1.zip.tsr"), &tok).unwrap();
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root()), "--require-timestamp"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(token_reasons(&v), ["refused:validity"]);
    assert!(!pki.openssl_verify(&release_json(&b), &tok));
}

#[test]
fn oversized_and_garbage_token_files_are_refused_not_errors() {
    let env = Env::new();
    let b = env.pack("r1", "2026-02-01T10:00:00Z");
    let pki = Pki::new(KeyKind::Ec);
    std::fs::write(env.path("r1.zip.tsr"), b"not a token").unwrap();
    std::fs::write(env.path("r1.zip.2.tsr"), vec![0x30; 70_000]).unwrap();
    let (code, v) = env.verify(&b, &["--tsa-certs", s(&pki.root())]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        token_reasons(&v),
        ["refused:unreadable", "refused:too-large"]
    );
    // A roots file that is no PEM is an input error (exit 2) naming the file.
    let bad = env.path("bad.pem");
    std::fs::write(&bad, "not pem").unwrap();
    let o = intact(&[
        "verify",
        s(&b),
        "--trust",
        s(&env.policy()),
        "--tsa-certs",
        s(&bad),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("bad.pem"), "{}", text(&o));
}
