//! The trusted-time vectors (`tests/vectors/timestamps/cases/`, FORMAT.md §16): RFC 3161
//! tokens over the `release.json` of `tests/vectors/v1-small`, good and bad, with the TSA roots
//! to check them against and what a verifier must say.
//!
//! TSA signatures are not deterministic (ECDSA nonces, genTime), so the tokens are committed as
//! data: [`generate`] makes them with OpenSSL (`openssl ts -reply`, and `openssl cms` for the
//! certificate OpenSSL's TSA refuses to sign with) only when `INTACT_REGENERATE_VECTORS=1`;
//! otherwise `committed_timestamp_vectors_say_what_they_expect` checks every committed case, in
//! the library and through `intact verify`, and that the committed cases are the generator's.
//!
//! Each case directory holds `token.tsr` (a DER TimeStampToken), `tsa-roots.pem`, optionally
//! `revoked`, `expect.json` (`token`: `status` and `reason` as `verify --json` reports them;
//! `verify`: the options and the verdict of `intact verify v1-small/bundle.zip --trust
//! <its allowed_signers> --tsa-certs tsa-roots.pem` with the token beside the bundle) and a
//! one-line `README`.

use std::path::{Path, PathBuf};

use intact_testkit::tsa::{KeyKind, Pki, Signer};
use intact_testkit::{repo, s, stderr};
use serde_json::{json, Value};

/// One case: its files and what it expects.
struct TsVector {
    name: &'static str,
    readme: &'static str,
    token: Vec<u8>,
    roots: Vec<u8>,
    revoked: Option<String>,
    /// `None`: trusted; else the refusal reason.
    refused: Option<&'static str>,
    verify_valid: bool,
}

/// The case names, in the order the generator makes them.
const NAMES: [&str; 11] = [
    "good-ecdsa-p256",
    "good-rsa-pkcs1-v1-5",
    "good-rsa-pss",
    "refused-over-another-release",
    "refused-untrusted-tsa",
    "refused-one-byte-changed-in-the-signature",
    "refused-one-byte-changed-in-the-tstinfo",
    "refused-certificate-without-timestamping-usage",
    "refused-gentime-outside-certificate-validity",
    "revoked-before-the-trusted-time",
    "revoked-after-the-trusted-time",
];

fn committed() -> PathBuf {
    repo().join("tests/vectors/timestamps/cases")
}

fn v1_small() -> PathBuf {
    repo().join("tests/vectors/v1-small/bundle.zip")
}

fn release_json() -> Vec<u8> {
    let b = intact::bundle::Bundle::open(&v1_small()).unwrap();
    b.read(b.get(intact::bag::RELEASE_PATH).unwrap(), 1 << 20)
        .unwrap()
}

/// The demo office's key as a revocation line from `date`.
fn revocation(date: &str) -> String {
    let p = std::fs::read_to_string(repo().join("keys/demo-office.key.pub")).unwrap();
    let mut w = p.split_whitespace();
    format!(
        "{} {} {date} key retired\n",
        w.next().unwrap(),
        w.next().unwrap()
    )
}

/// Makes every case with OpenSSL.
fn generate() -> Vec<TsVector> {
    let rj = release_json();
    let ec = Pki::new(KeyKind::Ec);
    let rsa = Pki::new(KeyKind::Rsa);
    let other = Pki::new(KeyKind::Ec);
    let tok = |p: &Pki, data: &[u8], signer| p.token_of(&p.reply(&p.query(data), signer));
    let root = |p: &Pki| std::fs::read(p.root()).unwrap();
    let good_ec = tok(&ec, &rj, Signer::Good);
    let good_rsa = tok(&rsa, &rj, Signer::Good);
    let flip = |t: &[u8], at: usize| {
        let mut t = t.to_vec();
        t[at] ^= 0x01;
        t
    };
    // The last byte of the token is in the signature; the imprint's first byte is in the TSTInfo.
    let imprint_at = good_ec
        .windows(32)
        .position(|w| w == intact::digest::Sha256Digest::of(&rj).0)
        .unwrap();
    let v = |name, readme, token, roots, refused, verify_valid| TsVector {
        name,
        readme,
        token,
        roots,
        revoked: None,
        refused,
        verify_valid,
    };
    let mut cases = vec![
        v(
            NAMES[0],
            "A token by an ECDSA P-256 TSA (openssl ts -reply).",
            good_ec.clone(),
            root(&ec),
            None,
            true,
        ),
        v(
            NAMES[1],
            "A token by an RSA TSA, PKCS#1 v1.5 (openssl ts -reply).",
            good_rsa.clone(),
            root(&rsa),
            None,
            true,
        ),
        v(
            NAMES[2],
            "The RSA token's TSTInfo signed with RSASSA-PSS (openssl cms -sign -cades).",
            rsa.cms_token(&good_rsa, "tsa.crt", true),
            root(&rsa),
            None,
            true,
        ),
        v(
            NAMES[3],
            "A good token over another release.json.",
            tok(&ec, b"{\"another\":\"release\"}", Signer::Good),
            root(&ec),
            Some("imprint"),
            false,
        ),
        v(
            NAMES[4],
            "A good token, checked against another TSA's root.",
            good_ec.clone(),
            root(&other),
            Some("untrusted"),
            false,
        ),
        v(
            NAMES[5],
            "The good ECDSA token with one bit of its signature changed.",
            flip(&good_ec, good_ec.len() - 2),
            root(&ec),
            Some("signature"),
            false,
        ),
        v(
            NAMES[6],
            "The good ECDSA token with one bit of its message imprint changed.",
            flip(&good_ec, imprint_at),
            root(&ec),
            Some("imprint"),
            false,
        ),
        v(
            NAMES[7],
            "The TSTInfo signed by the TSA key under a certificate without the timeStamping usage.",
            ec.cms_token(&good_ec, "noeku.crt", false),
            root(&ec),
            Some("usage"),
            false,
        ),
        v(
            NAMES[8],
            "A token by a TSA certificate valid 2000-2001 only.",
            tok(&ec, &rj, Signer::Expired),
            root(&ec),
            Some("validity"),
            false,
        ),
    ];
    let mut before = v(NAMES[9], "A good token; the key is revoked from 2026-06-01, after the release's created (2026-01-15) but before the token's time: not valid.", good_ec.clone(), root(&ec), None, false);
    before.revoked = Some(revocation("2026-06-01"));
    let mut after = v(
        NAMES[10],
        "A good token; the key is revoked from 2099-01-01, after the token's time: valid.",
        good_ec,
        root(&ec),
        None,
        true,
    );
    after.revoked = Some(revocation("2099-01-01"));
    cases.extend([before, after]);
    cases
}

/// Writes the cases into `dir`.
fn write_cases(cases: &[TsVector], dir: &Path) {
    for c in cases {
        let d = dir.join(c.name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("token.tsr"), &c.token).unwrap();
        std::fs::write(d.join("tsa-roots.pem"), &c.roots).unwrap();
        std::fs::write(d.join("README"), format!("{}\n", c.readme)).unwrap();
        let mut options = serde_json::Map::new();
        if let Some(r) = &c.revoked {
            std::fs::write(d.join("revoked"), r).unwrap();
            options.insert("revoked".into(), json!("revoked"));
        }
        let expect = json!({
            "release_json": "../../../v1-small/bundle.zip#intact/release.json",
            "token": {
                "status": if c.refused.is_some() { "refused" } else { "trusted" },
                "reason": c.refused,
            },
            "verify": { "options": options, "require_timestamp": 1, "valid": c.verify_valid },
        });
        let text = serde_json::to_string_pretty(&expect).unwrap() + "\n";
        std::fs::write(d.join("expect.json"), text).unwrap();
    }
}

#[test]
fn committed_timestamp_vectors_say_what_they_expect() {
    if std::env::var_os("INTACT_REGENERATE_VECTORS").is_some() {
        let dest = committed();
        if dest.exists() {
            std::fs::remove_dir_all(&dest).unwrap();
        }
        write_cases(&generate(), &dest);
    }
    let mut names: Vec<String> = std::fs::read_dir(committed())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
    want.sort();
    assert_eq!(
        names, want,
        "tests/vectors/timestamps/cases is not the generator's"
    );
    let rj = release_json();
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("allowed_signers");
    std::fs::write(&policy, intact_testkit::allowed_signers_line("demo-office")).unwrap();
    let mut failed = Vec::new();
    for name in NAMES {
        let d = committed().join(name);
        let expect: Value =
            serde_json::from_slice(&std::fs::read(d.join("expect.json")).unwrap()).unwrap();
        let token = std::fs::read(d.join("token.tsr")).unwrap();
        // The library.
        let roots =
            intact::timestamp::TsaRoots::load(&d.join("tsa-roots.pem"), &Default::default())
                .unwrap();
        let got = intact::timestamp::check_token(&token, &rj, None, &roots, &Default::default());
        let reason = got.as_ref().err().map(|e| e.name());
        if json!(reason) != expect["token"]["reason"] {
            failed.push(format!("{name}: library says {got:?}"));
        }
        // The command line, with the token beside a copy of the bundle.
        let bundle = tmp.path().join(format!("{name}.zip"));
        std::fs::copy(v1_small(), &bundle).unwrap();
        std::fs::write(tmp.path().join(format!("{name}.zip.tsr")), &token).unwrap();
        let roots_pem = d.join("tsa-roots.pem");
        let mut args = vec![
            "verify",
            s(&bundle),
            "--trust",
            s(&policy),
            "--tsa-certs",
            s(&roots_pem),
            "--require-timestamp",
            "--json",
        ];
        let revoked = d.join("revoked");
        if revoked.exists() {
            args.extend(["--revoked", s(&revoked)]);
        }
        let o = crate::intact(&args);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e} {}", stderr(&o)));
        let check = &v["timestamps"]["checks"][0];
        if v["valid"] != expect["verify"]["valid"]
            || check["status"] != expect["token"]["status"]
            || check["reason"] != expect["token"]["reason"]
        {
            failed.push(format!(
                "{name}: verify says valid {} token {check}",
                v["valid"]
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
