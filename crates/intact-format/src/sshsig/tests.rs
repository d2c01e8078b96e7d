//! Unit tests of the SSHSIG armor and blob, cross-checked with `ssh-keygen` (OpenSSH 9.2p1).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// A key of `kind` (`ed25519`, `ecdsa`, `rsa`) in `dir`, and a signature by it over `msg`
/// in `namespace`, as ssh-keygen writes it.
fn ssh_keygen_sign(dir: &Path, kind: &str, namespace: &str, msg: &[u8]) -> (PathBuf, Vec<u8>) {
    let key = dir.join(format!("key-{kind}"));
    if !key.exists() {
        let mut c = Command::new("ssh-keygen");
        c.args(["-q", "-t", kind, "-N", "", "-f"]).arg(&key);
        if kind == "rsa" {
            c.args(["-b", "1024"]);
        }
        assert!(c.status().unwrap().success());
    }
    let m = dir.join("message");
    std::fs::write(&m, msg).unwrap();
    let _ = std::fs::remove_file(dir.join("message.sig"));
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(&key)
        .arg(&m)
        .status()
        .unwrap();
    assert!(ok.success());
    (key, std::fs::read(dir.join("message.sig")).unwrap())
}

/// Whether `ssh-keygen -Y check-novalidate` reads `sig` as a good signature over `msg`.
fn ssh_keygen_reads(dir: &Path, sig: &[u8], msg: &[u8], namespace: &str) -> bool {
    let s = dir.join("candidate.sig");
    std::fs::write(&s, sig).unwrap();
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "check-novalidate", "-n", namespace, "-s"])
        .arg(&s)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    // ssh-keygen may exit before reading the message (a signature it cannot read).
    let _ = child.stdin.take().unwrap().write_all(msg);
    child.wait().unwrap().success()
}

#[test]
fn armor_is_byte_for_byte_what_ssh_keygen_writes() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["ed25519", "ecdsa", "rsa"] {
        for len in [0, 1, 70, 1000] {
            let msg = vec![b'x'; len];
            let (_, sig) = ssh_keygen_sign(dir.path(), kind, "intact-release", &msg);
            let blob = dearmor_as_ssh_keygen(&sig).unwrap();
            assert_eq!(armor(&blob).as_bytes(), sig.as_slice(), "{kind}");
            let parsed = read_exact(&sig).unwrap();
            assert_eq!(parsed.namespace, "intact-release");
            assert_eq!(parsed.hash_algorithm, "sha512");
            assert_eq!(parsed.kind.is_ed25519(), kind == "ed25519", "{kind}");
        }
    }
}

/// Armor variants of a good signature: whether ssh-keygen reads each is what
/// `dearmor_as_ssh_keygen` says; every one but the original is refused by `read_exact`, and
/// the ones ssh-keygen reads re-armor to the original.
#[test]
fn armor_variants_agree_with_ssh_keygen() {
    let dir = tempfile::tempdir().unwrap();
    let msg = b"release statement";
    let (_, sig) = ssh_keygen_sign(dir.path(), "ed25519", "intact-release", msg);
    let text = String::from_utf8(sig.clone()).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let wrap = |n: usize, nl: &str| {
        let mut s = String::from("-----BEGIN SSH SIGNATURE-----\n");
        for c in body.as_bytes().chunks(n) {
            s.push_str(std::str::from_utf8(c).unwrap());
            s.push_str(nl);
        }
        s + "-----END SSH SIGNATURE-----\n"
    };
    let variants = [
        text.replace('\n', "\r\n"),
        format!("\n{text}"),
        format!("{text}\n"),
        format!("{text}junk after the end\n"),
        format!("note before\n{text}"),
        text.trim_end().to_string(),
        wrap(64, "\n"),
        wrap(76, "\n"),
        wrap(70, "\r\n"),
        text.replace("\n-----END", "\n\n-----END"),
        text.replace("==\n", "\n"),
        text.replacen('\n', "\n ", 2),
        text.replace("-----END SSH SIGNATURE-----", "-----END SSH SIGNATURE"),
        text.replace("BEGIN SSH", "BEGIN  SSH"),
    ];
    for v in &variants {
        let reads = ssh_keygen_reads(dir.path(), v.as_bytes(), msg, "intact-release");
        let ours = read_as_ssh_keygen(v.as_bytes());
        assert_eq!(ours.is_ok(), reads, "{v:?}");
        if let Ok((_, canonical)) = ours {
            assert_eq!(canonical.as_bytes(), sig.as_slice());
        }
        assert!(read_exact(v.as_bytes()).is_err(), "{v:?}");
    }
    assert!(ssh_keygen_reads(dir.path(), &sig, msg, "intact-release"));
    assert!(read_exact(&sig).is_ok());
}

#[test]
fn b64_pton_is_openssh_s() {
    assert_eq!(b64_pton(b"").unwrap(), b"");
    assert_eq!(b64_pton(b" Zm9v\n").unwrap(), b"foo");
    assert_eq!(b64_pton(b"Zm8=").unwrap(), b"fo");
    assert_eq!(b64_pton(b"Zg==").unwrap(), b"f");
    assert_eq!(b64_pton(b"Zg= =\n").unwrap(), b"f");
    assert_eq!(b64_pton(b"Zm9v\x0b").unwrap(), b"foo");
    for bad in [
        &b"Zg"[..],  // unpadded partial quantum
        b"Zh==",     // leftover bits not zero
        b"Zm9=",     // leftover bits not zero
        b"Zg=",      // one = where two are needed
        b"Z===",     // = in the second position
        b"Zg==Zg==", // data after padding
        b"Zm9v!",    // not base64
        b"Zm9v\xc3\xa9",
    ] {
        assert!(b64_pton(bad).is_none(), "{bad:?}");
    }
}

/// An SSHSIG blob with the given fields.
fn blob(version: u32, key: &[u8], ns: &str, reserved: &[u8], hash: &str, sig: &[u8]) -> Vec<u8> {
    let mut b = b"SSHSIG".to_vec();
    b.extend(version.to_be_bytes());
    for f in [key, ns.as_bytes(), reserved, hash.as_bytes(), sig] {
        b.extend((f.len() as u32).to_be_bytes());
        b.extend(f);
    }
    b
}

fn string(parts: &[&[u8]]) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        b.extend((p.len() as u32).to_be_bytes());
        b.extend(*p);
    }
    b
}

#[test]
fn blob_fields_are_checked_one_by_one() {
    let key = string(&[b"ssh-ed25519", &[7; 32]]);
    let sig = string(&[b"ssh-ed25519", &[9; 64]]);
    let good = blob(1, &key, "intact-release", b"", "sha512", &sig);
    let parsed = parse_blob(&good).unwrap();
    assert_eq!(parsed.key_blob, key);
    assert_eq!(parsed.kind, KeyKind::Ed25519);
    assert!(parse_blob(&blob(1, &key, "intact-release", b"", "sha256", &sig)).is_ok());
    let mut trailing = good.clone();
    trailing.push(0);
    let rsa_key = string(&[b"ssh-rsa", &[1, 0, 1], &[0x7f; 10]]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            blob(0, &key, "intact-release", b"", "sha512", &sig),
            "version 0",
        ),
        (
            blob(2, &key, "intact-release", b"", "sha512", &sig),
            "version 2",
        ),
        (
            blob(1, &key, "intact-release", b"x", "sha512", &sig),
            "reserved",
        ),
        (
            blob(1, &key, "intact-release", b"", "sha1", &sig),
            "hash algorithm",
        ),
        (trailing, "after the signature blob"),
        (good[..good.len() - 1].to_vec(), "past the end"),
        (
            blob(
                1,
                &string(&[b"ssh-ed25519", &[7; 31]]),
                "intact-release",
                b"",
                "sha512",
                &sig,
            ),
            "not 32 bytes",
        ),
        (
            blob(
                1,
                &[key.clone(), vec![0]].concat(),
                "intact-release",
                b"",
                "sha512",
                &sig,
            ),
            "after the key",
        ),
        (
            blob(
                1,
                &key,
                "intact-release",
                b"",
                "sha512",
                &string(&[b"ssh-ed25519", &[9; 63]]),
            ),
            "signature of 63 bytes",
        ),
        (
            blob(
                1,
                &key,
                "intact-release",
                b"",
                "sha512",
                &string(&[b"ssh-rsa", &[9; 64]]),
            ),
            "signature type",
        ),
        (
            blob(1, &rsa_key, "intact-release", b"", "sha512", &sig),
            "RSA key outside",
        ),
        (
            blob(
                1,
                &string(&[b"ssh-foo", &[1]]),
                "intact-release",
                b"",
                "sha512",
                &sig,
            ),
            "unknown key type",
        ),
        (
            b"SSHSIG\0\0\0\x01\0\0\0\x0bssh-rsa".to_vec(),
            "past the end",
        ),
    ];
    for (b, why) in cases {
        match parse_blob(&b) {
            Err(SigError::Blob(m)) => assert!(m.contains(why), "{why}: {m}"),
            other => panic!("{why}: {other:?}"),
        }
    }
}

/// The attacker's file of issue 14: an SSHSIG prefix naming `ssh-rsa`, then text. It was
/// "unsupported-key" (not counted, not invalid); it is malformed now, wrapped or not.
#[test]
fn an_rsa_prefix_with_text_after_it_is_malformed() {
    let mut b = b"SSHSIG\0\0\0\x01".to_vec();
    b.extend(string(&[b"ssh-rsa"]));
    b.extend(b"hidden text riding along");
    let canonical = armor(&b);
    assert!(matches!(
        read_exact(canonical.as_bytes()),
        Err(SigError::Blob(_))
    ));
    let dressed = format!("a note\n{canonical}more text\n");
    assert_eq!(read_exact(dressed.as_bytes()), Err(SigError::NoBegin));
}

#[test]
fn well_formed_signatures_by_other_key_types_parse() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, name) in [("ecdsa", "ecdsa-sha2-nistp256"), ("rsa", "ssh-rsa")] {
        let (_, sig) = ssh_keygen_sign(dir.path(), kind, "intact-release", b"m");
        let s = read_exact(&sig).unwrap();
        assert_eq!(s.key_type, name);
        assert!(!s.kind.is_ed25519());
    }
    let (_, sig) = ssh_keygen_sign(dir.path(), "ed25519", "git", b"m");
    assert_eq!(read_exact(&sig).unwrap().namespace, "git");
}

/// Found by the `sshsig_blob` fuzz target (fuzz/regressions/sshsig_blob/): an `ssh-rsa` key blob
/// whose modulus is the empty mpint made the bit count subtract below zero (a panic in a debug
/// build, a wrapped count in a release build). It is an RSA key outside 1024 to 16384 bits.
#[test]
fn an_rsa_key_with_an_empty_modulus_is_refused_without_a_panic() {
    for (e, n) in [
        (&b"\x01\x00\x01"[..], &b""[..]),
        (b"", b""),
        (b"\x03", b"\x7f"),
    ] {
        let key = string(&[b"ssh-rsa", e, n]);
        match parse_key_blob(&key, None) {
            Err(SigError::Blob(m)) => assert!(m.contains("RSA key outside"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
