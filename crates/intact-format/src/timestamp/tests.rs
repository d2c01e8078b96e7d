//! Unit tests of the token checks, over the committed vectors (`tests/vectors/timestamps/`:
//! tokens made by OpenSSL over the `release.json` of `tests/vectors/v1-small`).

use std::path::{Path, PathBuf};

use der::{Decode, Encode};

use super::*;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/timestamps/cases")
}

fn release_json() -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/v1-small/bundle.zip");
    let b = crate::bundle::Bundle::open(&p).unwrap();
    b.read(b.get(crate::bag::RELEASE_PATH).unwrap(), 1 << 20)
        .unwrap()
}

/// A case's token and roots.
fn case(name: &str) -> (Vec<u8>, TsaRoots) {
    let d = cases().join(name);
    let roots = TsaRoots::load(&d.join("tsa-roots.pem"), &Limits::DEFAULT).unwrap();
    (std::fs::read(d.join("token.tsr")).unwrap(), roots)
}

fn check_case(name: &str) -> Result<Stamp, TokenError> {
    let (t, r) = case(name);
    check_token(&t, &release_json(), None, &r, &Limits::DEFAULT)
}

#[test]
fn good_tokens_say_when_and_by_whom() {
    for name in ["good-ecdsa-p256", "good-rsa-pkcs1-v1-5", "good-rsa-pss"] {
        let s = check_case(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(s.tsa.contains("CN=Test TSA 1"), "{name}: {}", s.tsa);
        assert_eq!(s.policy, "1.3.6.1.4.1.99999.1");
        assert!(s.time.year() >= 2026);
        assert!(s.to_string().starts_with("existed no later than 20"), "{s}");
        // Over any other statement the same token proves nothing.
        let (t, r) = case(name);
        let e = check_token(&t, b"{}", None, &r, &Limits::DEFAULT).unwrap_err();
        assert_eq!(e.name(), "imprint");
    }
}

#[test]
fn every_refused_vector_is_refused_for_its_reason() {
    let mut seen = 0;
    for e in std::fs::read_dir(cases()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let expect: serde_json::Value = serde_json::from_slice(
            &std::fs::read(cases().join(&name).join("expect.json")).unwrap(),
        )
        .unwrap();
        let got = check_case(&name).err().map(|e| e.name());
        assert_eq!(serde_json::json!(got), expect["token"]["reason"], "{name}");
        seen += 1;
    }
    assert!(seen >= 11);
}

#[test]
fn the_nonce_must_be_the_one_sent() {
    let (t, r) = case("good-ecdsa-p256");
    let parsed = token::read_token(&t, &Limits::DEFAULT).unwrap();
    let nonce = parsed.tst.nonce.as_ref().unwrap().as_bytes().to_vec();
    let rj = release_json();
    assert!(check_token(&t, &rj, Some(&nonce), &r, &Limits::DEFAULT).is_ok());
    let mut other = nonce.clone();
    other[0] ^= 1;
    let e = check_token(&t, &rj, Some(&other), &r, &Limits::DEFAULT).unwrap_err();
    assert_eq!(e, TokenError::Nonce);
    // A reply's token is checked without roots too: all but the chain.
    assert!(check_reply_token(&t, &rj, &nonce, None, &Limits::DEFAULT).is_ok());
    let (expired, _) = case("refused-gentime-outside-certificate-validity");
    let p = token::read_token(&expired, &Limits::DEFAULT).unwrap();
    let n = p.tst.nonce.as_ref().unwrap().as_bytes().to_vec();
    let e = check_reply_token(&expired, &rj, &n, None, &Limits::DEFAULT).unwrap_err();
    assert_eq!(e.name(), "validity", "{e}");
}

#[test]
fn tokens_are_read_within_the_limit() {
    let (t, r) = case("good-ecdsa-p256");
    let small = Limits {
        timestamp_token_bytes: t.len() as u64 - 1,
        ..Limits::DEFAULT
    };
    let e = check_token(&t, &release_json(), None, &r, &small).unwrap_err();
    assert!(matches!(e, TokenError::TooLarge { .. }), "{e}");
    for bad in [&b""[..], b"\x30\x00", b"\x30\x80\x00\x00", &t[..10]] {
        let e = check_token(bad, &release_json(), None, &r, &Limits::DEFAULT).unwrap_err();
        assert_eq!(e.name(), "unreadable");
    }
    // A chain longer than the limit allows is not followed.
    let short = Limits {
        tsa_chain_depth: 1,
        ..Limits::DEFAULT
    };
    let e = check_token(&t, &release_json(), None, &r, &short).unwrap_err();
    assert_eq!(e.name(), "untrusted", "{e}");
}

#[test]
fn the_tsa_certificate_must_have_timestamping_alone_and_critical() {
    let (t, _) = case("refused-certificate-without-timestamping-usage");
    let p = token::read_token(&t, &Limits::DEFAULT).unwrap();
    let certs = p.certificates(None);
    let e = chain::check_timestamping_usage(certs[0]).unwrap_err();
    assert!(matches!(e, TokenError::Usage(_)), "{e}");
    let (good, _) = case("good-ecdsa-p256");
    let p = token::read_token(&good, &Limits::DEFAULT).unwrap();
    let cert = p.certificates(None)[0].clone();
    chain::check_timestamping_usage(&cert).unwrap();
    // The same extension, not critical; and with a second purpose.
    let mut noncritical = cert.clone();
    for ext in noncritical.tbs_certificate.extensions.as_mut().unwrap() {
        if ext.extn_id == oids::EXT_KEY_USAGE {
            ext.critical = false;
        }
    }
    let e = chain::check_timestamping_usage(&noncritical).unwrap_err();
    assert!(e.to_string().contains("not critical"), "{e}");
    let mut two = cert.clone();
    for ext in two.tbs_certificate.extensions.as_mut().unwrap() {
        if ext.extn_id == oids::EXT_KEY_USAGE {
            let eku = x509_cert::ext::pkix::ExtendedKeyUsage(vec![
                oids::TIME_STAMPING,
                der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"),
            ]);
            ext.extn_value = der::asn1::OctetString::new(eku.to_der().unwrap()).unwrap();
        }
    }
    let e = chain::check_timestamping_usage(&two).unwrap_err();
    assert!(e.to_string().contains("alone"), "{e}");
}

#[test]
fn requests_carry_the_imprint_a_nonce_and_cert_req() {
    let rj = release_json();
    let r = request(&rj, [0xff; 16]);
    let req = x509_tsp::TimeStampReq::from_der(&r.der).unwrap();
    assert_eq!(req.message_imprint.hash_algorithm.oid, oids::SHA256);
    assert_eq!(
        req.message_imprint.hashed_message.as_bytes(),
        crate::digest::Sha256Digest::of(&rj).0
    );
    assert!(req.cert_req);
    assert_eq!(req.nonce.unwrap().as_bytes(), &r.nonce[..]);
    assert_eq!(r.nonce.len(), 16);
    assert_eq!(r.nonce[0], 0x7f, "positive, no leading zero");
    assert_eq!(request(&rj, [0; 16]).nonce[0], 0x40);
}

#[test]
fn replies_grant_a_token_or_say_why_not() {
    use cmpv2::status::{PkiStatus, PkiStatusInfo};
    let (t, _) = case("good-ecdsa-p256");
    let token = x509_tsp::TimeStampToken::from_der(&t).unwrap();
    let reply = |status, token| {
        x509_tsp::TimeStampResp {
            status: PkiStatusInfo {
                status,
                status_string: None,
                fail_info: None,
            },
            time_stamp_token: token,
        }
        .to_der()
        .unwrap()
    };
    let ok = reply(PkiStatus::Accepted, Some(token.clone()));
    assert_eq!(read_reply(&ok, &Limits::DEFAULT).unwrap(), t);
    let mods = reply(PkiStatus::GrantedWithMods, Some(token));
    assert_eq!(read_reply(&mods, &Limits::DEFAULT).unwrap(), t);
    let refused = reply(PkiStatus::Rejection, None);
    assert!(matches!(
        read_reply(&refused, &Limits::DEFAULT),
        Err(ReplyError::Refused { .. })
    ));
    let empty = reply(PkiStatus::Accepted, None);
    assert_eq!(
        read_reply(&empty, &Limits::DEFAULT),
        Err(ReplyError::NoToken)
    );
    assert!(matches!(
        read_reply(b"<html>", &Limits::DEFAULT),
        Err(ReplyError::Unreadable(_))
    ));
    let small = Limits {
        timestamp_token_bytes: 0,
        ..Limits::DEFAULT
    };
    let (rsa, _) = case("good-rsa-pkcs1-v1-5");
    let big = reply(
        PkiStatus::Accepted,
        Some(x509_tsp::TimeStampToken::from_der(&rsa).unwrap()),
    );
    assert!(big.len() > 1024);
    assert!(matches!(
        read_reply(&big, &small),
        Err(ReplyError::TooLarge { .. })
    ));
}

#[test]
fn roots_files_are_pem_certificates_within_bounds() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("roots.pem");
    for empty in ["", "\n", "\r\n\r\n", " "] {
        std::fs::write(&p, empty).unwrap();
        assert!(matches!(
            TsaRoots::load(&p, &Limits::DEFAULT),
            Err(RootsError::Empty { .. })
        ));
    }
    std::fs::write(
        &p,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let e = TsaRoots::load(&p, &Limits::DEFAULT).unwrap_err();
    assert!(e.to_string().starts_with(&p.display().to_string()), "{e}");
    let good = cases().join("good-ecdsa-p256/tsa-roots.pem");
    let small = Limits {
        tsa_certs_bytes: 10,
        ..Limits::DEFAULT
    };
    assert!(matches!(
        TsaRoots::load(&good, &small),
        Err(RootsError::TooLarge { .. })
    ));
    let missing = TsaRoots::load(&d.path().join("nope.pem"), &Limits::DEFAULT).unwrap_err();
    assert!(matches!(missing, RootsError::Read { .. }));
    assert_eq!(TsaRoots::load(&good, &Limits::DEFAULT).unwrap().len(), 1);
}

#[test]
fn evidence_keeps_the_earliest_trusted_time() {
    let rj = release_json();
    let (ec, ec_roots) = case("good-ecdsa-p256");
    let (rsa, _) = case("good-rsa-pkcs1-v1-5");
    let t_ec = check_token(&ec, &rj, None, &ec_roots, &Limits::DEFAULT).unwrap();
    let e = judge(
        [("a", &b"junk"[..]), ("b", &ec[..]), ("c", &rsa[..])],
        &rj,
        &ec_roots,
        &Limits::DEFAULT,
    );
    assert_eq!(e.trusted, 1);
    assert_eq!(e.earliest_time, Some(t_ec.time));
    assert_eq!(e.checks[0].reason, Some("unreadable"));
    assert_eq!(e.checks[2].reason, Some("untrusted"));
    let mut later = TimeEvidence::default();
    let mut s = t_ec.clone();
    s.time += time::Duration::hours(1);
    later.add("late", Ok(s));
    later.add("early", Ok(t_ec.clone()));
    assert_eq!(later.earliest_time, Some(t_ec.time));
    assert_eq!(later.trusted, 2);
}
