//! Unit tests of the `allowed_signers` reader, cross-checked with `ssh-keygen -Y verify`
//! (OpenSSH 9.2p1).

use std::path::Path;
use std::process::{Command, Stdio};

use super::*;
use crate::trust::{self, Revocations, SignatureStatus};

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZoXAmiVS3fpWEfZKDj1Y8wIHzskT/pFfdDtphOFlg3";

/// A fresh key of `kind` in `dir`: its public line (`type base64`).
fn keygen(dir: &Path, kind: &str) -> String {
    let n = std::fs::read_dir(dir).unwrap().count();
    let key = dir.join(format!("k{n}-{kind}"));
    let mut c = Command::new("ssh-keygen");
    c.args(["-q", "-t", kind, "-N", "", "-f"]).arg(&key);
    if kind == "rsa" {
        c.args(["-b", "1024"]);
    }
    assert!(c.status().unwrap().success());
    let text = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    text.split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether ssh-keygen verifies `sig` over `msg` for principal `alice` in `intact-release` with
/// `policy` as allowed_signers, at 2026-06-01 00:00 UTC.
fn ssh_keygen_verifies(dir: &Path, policy: &str, sig: &Path, msg: &[u8]) -> bool {
    let p = dir.join("allowed_signers");
    std::fs::write(&p, policy).unwrap();
    let mut child = Command::new("ssh-keygen")
        .env("TZ", "UTC")
        .args(["-Y", "verify", "-I", "alice", "-n", "intact-release"])
        .args(["-O", "verify-time=20260601000000"])
        .arg("-f")
        .arg(&p)
        .arg("-s")
        .arg(sig)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    // ssh-keygen may exit before reading the message (a signature it cannot read).
    let _ = child.stdin.take().unwrap().write_all(msg);
    child.wait().unwrap().success()
}

/// Whether intact finds `armored` a valid signature over `msg` under `policy`, at the same time.
fn intact_verifies(policy: &str, armored: &[u8], msg: &[u8]) -> bool {
    let Ok(policy) = TrustPolicy::parse(policy, Path::new("allowed_signers")) else {
        return false;
    };
    let sig = crate::sshsig::read_exact(armored).unwrap();
    let file = format!("d/{}", crate::sign::signature_file_name(&sig.key_blob));
    let at = parse_ssh_time("20260601Z").unwrap();
    let c = trust::check_signature(
        &file,
        "d/",
        armored,
        msg,
        &policy,
        &Revocations::default(),
        at,
    );
    c.status == SignatureStatus::Valid
}

/// Every option form 9.2p1 reads (and near misses it refuses): intact admits the signature
/// exactly when ssh-keygen does.
#[test]
fn options_mean_what_they_mean_to_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let pubkey = keygen(dir.path(), "ed25519");
    let msg = b"statement";
    std::fs::write(dir.path().join("m"), msg).unwrap();
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", "intact-release", "-f"])
        .arg(dir.path().join("k0-ed25519"))
        .arg(dir.path().join("m"))
        .status()
        .unwrap();
    assert!(ok.success());
    let sig_path = dir.path().join("m.sig");
    let sig = std::fs::read(&sig_path).unwrap();
    let cases = [
        ("", true),
        ("namespaces=\"intact-release\"", true),
        ("namespaces=\" intact-release\"", false),
        ("namespaces=\"intact-release \"", false),
        ("NAMESPACES=\"intact-*\"", true),
        ("namespaces=\"git,intact-rel?ase\"", true),
        ("namespaces=\"git,!intact-release,*\"", false),
        ("namespaces=\"git\"", false),
        ("namespaces=\"\"", false),
        ("namespaces=intact-release", false),
        ("namespaces=\"a\\\"b,intact-release\"", true),
        ("namespaces=\"intact-release\",namespaces=\"git\"", false),
        ("cert-authority", false),
        ("cert-authority,namespaces=\"intact-release\"", false),
        ("cert-authorityx", false),
        ("valid-after=\"20260101Z\"", true),
        ("Valid-After=\"20260101z\"", true),
        ("valid-after=\"20260101UTC\"", true),
        ("valid-after=\"202601010000utc\"", true),
        ("valid-after=\"20260101000000Z\"", true),
        ("valid-after=\"20270101Z\"", false),
        ("valid-before=\"20260101Z\"", false),
        ("valid-before=\"20270101Z\",valid-after=\"20260101Z\"", true),
        (
            "valid-after=\"20260101Z\",valid-before=\"20250101Z\"",
            false,
        ),
        ("valid-after=\"20260531Z\"", true),
        ("valid-after=\"20260532Z\"", false),
        ("valid-after=\"20260231Z\"", true),
        ("valid-after=\"2026 6 1Z\"", true),
        ("valid-after=\"20261301Z\"", false),
        ("valid-after=\"19700101Z\"", false),
        ("valid-after=\"2026Z\"", false),
        ("valid-after=\"20260101Z\",", false),
        (",namespaces=\"intact-release\"", true),
        ("frobnicate", false),
        ("namespaces=\"intact-release\"x", false),
    ];
    for (opts, expected) in cases {
        let line = format!("alice {opts} {pubkey} comment\n");
        let line = line.replace("alice  ", "alice ");
        let theirs = ssh_keygen_verifies(dir.path(), &line, &sig_path, msg);
        assert_eq!(theirs, expected, "ssh-keygen on {line:?}");
        assert_eq!(
            intact_verifies(&line, &sig, msg),
            expected,
            "intact on {line:?}"
        );
    }
    // Principals, quotes, blanks, comments and line ends as ssh-keygen reads them.
    for (text, expected) in [
        (format!("\"alice\" {pubkey}\n"), true),
        (format!("\"bob,alice\" {pubkey}\n"), true),
        (format!("  \t# c\n\n \nalice\t{pubkey}\r\n"), true),
        (format!("alice {pubkey}"), true),
        (format!("alice {pubkey}\0 anything\n"), true),
        (format!("# c\0\nalice {pubkey}\n"), true),
        (format!("al\"ice\" {pubkey}\n"), true),
        (format!("alice rsa-sha2-256 {}\n", &pubkey[12..]), false),
    ] {
        assert_eq!(
            ssh_keygen_verifies(dir.path(), &text, &sig_path, msg),
            expected,
            "{text:?}"
        );
        assert_eq!(intact_verifies(&text, &sig, msg), expected, "{text:?}");
    }
}

/// Lines for ECDSA, RSA and DSA keys are read (issue 14: they made intact exit 2) and never
/// match an Ed25519 signature; they name no release principal.
#[test]
fn lines_for_other_key_types_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for kind in ["ecdsa", "rsa", "dsa"] {
        let line = keygen(dir.path(), kind);
        text.push_str(&format!("other-{kind} {line} comment\n"));
    }
    let rsa = keygen(dir.path(), "rsa");
    text.push_str(&format!("other-rsa2 rsa-sha2-512 {}\n", &rsa[8..]));
    text.push_str(&format!("alice {KEY}\n"));
    let p = TrustPolicy::parse(&text, Path::new("p")).unwrap();
    assert_eq!(p.signers.len(), 5);
    assert!(!p.signers[0].kind.is_ed25519());
    assert_eq!(p.signers[3].key_type, "rsa-sha2-512");
    assert_eq!(p.release_principals(), ["alice"]);
}

#[test]
fn lines_ssh_keygen_cannot_read_name_the_line() {
    let ecdsa_b64 = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA";
    for bad in [
        format!("alice frobnicate {KEY}"),
        format!("alice valid-after=\"2026Z\" {KEY}"),
        format!("alice valid-after=20260101Z {KEY}"),
        format!("alice valid-after=\"20260101\" {KEY}"),
        format!("alice namespaces=intact-release {KEY}"),
        "alice ssh-ed25519 notbase64!".to_string(),
        format!("alice ssh-ed25519 {ecdsa_b64}"),
        format!(
            "alice {}",
            KEY.replace("ssh-ed25519", "ecdsa-sha2-nistp256")
        ),
        format!("alice {}=", KEY.trim_end_matches('3')),
        "alice".to_string(),
        format!("\"alice {KEY}"),
        format!("alice namespaces=\"x {KEY}"),
    ] {
        let text = format!("# ok\n{bad}\n");
        match TrustPolicy::parse(&text, Path::new("policy")) {
            Err(TrustError::Malformed { line, .. }) => assert_eq!(line, 2, "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert!(matches!(
        TrustPolicy::parse("# nothing\n", Path::new("p")),
        Err(TrustError::Empty { .. })
    ));
}

#[test]
fn namespace_lists_and_patterns() {
    assert_eq!(match_pattern_list("intact-release", "intact-*"), 1);
    assert_eq!(match_pattern_list("intact-release", "git"), 0);
    assert_eq!(
        match_pattern_list("intact-release", "*,!intact-release"),
        -1
    );
    assert_eq!(match_pattern_list("intact-release", "!git,intact-*"), 1);
    assert_eq!(match_pattern_list("intact-release", "i?tact-r*e"), 1);
    assert_eq!(match_pattern_list("intact-release", " intact-release"), 0);
    let long = format!("intact-release,{}", "*".repeat(1023));
    assert_eq!(match_pattern_list("intact-release", &long), 0);
    assert!(pattern_match(&[b'*'; 5000], b"intact-release"));
}

#[test]
fn times_in_utc_as_ssh_keygen_reads_them() {
    let t = |s: &str| parse_ssh_time(s).map(|t| t.unix_timestamp());
    assert_eq!(t("20260101Z"), Ok(1767225600));
    assert_eq!(t("20260101utc"), Ok(1767225600));
    assert_eq!(t("202601010001Z"), Ok(1767225660));
    assert_eq!(t("20260101000061Z"), Ok(1767225661));
    assert_eq!(t("20260229Z"), t("20260301Z"));
    assert!(t("20260101").is_err());
    assert!(t("19700101Z").is_err());
    assert!(t("2026010Z").is_err());
    assert!(t("2026-1-1Z").is_err());
    for odd in [
        "2026010é",
        "é",
        "2026010\u{301}Z",
        "20260101éutc",
        "\u{301}",
    ] {
        assert!(t(odd).is_err(), "{odd}");
    }
}

proptest::proptest! {
    #[test]
    fn policy_parser_never_panics(s in "\\PC{0,200}") {
        let _ = TrustPolicy::parse(&s, Path::new("p"));
        let _ = parse_ssh_time(&s);
        let _ = TrustPolicy::parse(&format!("a valid-after=\"{s}\",namespaces=\"{s}\" {KEY}\n"), Path::new("p"));
    }

    #[test]
    fn sshsig_readers_never_panic(b in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
        let _ = crate::sshsig::parse_blob(&b);
        let _ = crate::sshsig::b64_pton(&b);
        let _ = crate::sshsig::read_as_ssh_keygen(&b);
        let _ = crate::sshsig::read_exact(crate::sshsig::armor(&b).as_bytes());
    }
}
