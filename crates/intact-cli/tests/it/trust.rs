//! Trust policy tests (docs/TRUST.md): k-of-n thresholds, co-signing, offline signing with
//! `ssh-keygen -Y sign`, validity windows, namespaces and revocation — the real binary on temp
//! dirs, with keys made by `ssh-keygen`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intact_testkit::{hex, repo, s, stderr, stdout, write_file};
use sha2::{Digest as _, Sha256};

use crate::intact;

mod exact;

/// A temp dir with a small synthetic source tree and three ssh-keygen keys (a, b, c).
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        for (p, body) in [
            ("a/testimony-1.txt", "SYNTHETIC testimony one\n"),
            ("b/photo.bin", "synthetic bytes (placeholder for an image)"),
            ("readme.txt", "SYNTHETIC sample\n"),
        ] {
            write_file(&src.join(p), body);
        }
        let env = Env { dir };
        for k in ["a", "b", "c"] {
            env.keygen(k);
        }
        env
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn keygen(&self, name: &str) -> PathBuf {
        let key = self.path(name);
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", s(&key)])
            .status()
            .unwrap();
        assert!(st.success());
        key
    }

    /// `ssh-ed25519 AAAA…` of a key made by `keygen`.
    fn pubkey(&self, name: &str) -> String {
        let t = std::fs::read_to_string(self.path(&format!("{name}.pub"))).unwrap();
        let mut w = t.split_whitespace();
        format!("{} {}", w.next().unwrap(), w.next().unwrap())
    }

    fn policy(&self, lines: &[String]) -> PathBuf {
        let p = self.path("allowed_signers");
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    }

    /// Policy: principals alice (a), bob (b), carol (c), all for intact-release.
    fn three(&self) -> PathBuf {
        self.policy(&[
            format!("alice namespaces=\"intact-release\" {}", self.pubkey("a")),
            format!("bob {}", self.pubkey("b")),
            format!("carol namespaces=\"git,intact-*\" {}", self.pubkey("c")),
        ])
    }

    /// Packs the source, created 2026-02-01T10:00:00Z, signed by `keys` (none: --unsigned).
    fn pack(&self, out: &str, keys: &[&str]) -> PathBuf {
        let out = self.path(out);
        let src = self.path("src");
        let mut args = vec![
            "pack",
            "--no-deny-list",
            s(&src),
            "--collection",
            "coll",
            "--release",
            "r1",
            "--created",
            "2026-02-01T10:00:00Z",
            "-o",
            s(&out),
        ];
        let keys: Vec<PathBuf> = keys.iter().map(|k| self.path(k)).collect();
        if keys.is_empty() {
            args.push("--unsigned");
        }
        for k in &keys {
            args.push("--key");
            args.push(s(k));
        }
        let o = intact(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    }

    fn sign(&self, bundle: &Path, key: &str) -> Output {
        intact(&["sign", s(bundle), "--key", s(&self.path(key))])
    }

    /// `ssh-keygen -Y sign` over `file`, namespace `ns`; returns the .sig path.
    fn ssh_sign(&self, key: &str, ns: &str, file: &Path) -> PathBuf {
        let sig = PathBuf::from(format!("{}.sig", s(file)));
        let _ = std::fs::remove_file(&sig);
        let o = Command::new("ssh-keygen")
            .args([
                "-q",
                "-Y",
                "sign",
                "-n",
                ns,
                "-f",
                s(&self.path(key)),
                s(file),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        sig
    }
}

/// `intact verify --json`: exit code and report.
fn verify_json(bundle: &Path, policy: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["verify", s(bundle), "--trust", s(policy), "--json"];
    args.extend_from_slice(extra);
    let o = intact(&args);
    let code = o.status.code().unwrap();
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&o), stderr(&o)));
    (code, v)
}

/// Status of every signature in a report, as (principal or fingerprint, status).
fn statuses(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["principal"]
                    .as_str()
                    .or(s["fingerprint"].as_str())
                    .unwrap_or("?")
                    .to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every member of a ZIP bundle: name → bytes.
fn members(zip: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let f = std::fs::File::open(zip).unwrap();
    let c = intact::container::read(&f).unwrap();
    let bytes = std::fs::read(zip).unwrap();
    c.members
        .iter()
        .map(|m| {
            let start = m.data_offset as usize;
            (
                m.name.clone(),
                bytes[start..start + m.size as usize].to_vec(),
            )
        })
        .collect()
}

fn release_json(zip: &Path) -> Vec<u8> {
    members(zip)
        .into_iter()
        .find(|(n, _)| n.ends_with("/intact/release.json"))
        .unwrap()
        .1
}

#[test]
fn two_of_three_threshold_and_cosigning_keeps_every_other_byte() {
    let e = Env::new();
    let policy = e.three();
    let bundle = e.pack("b.zip", &["a"]);
    let before = members(&bundle);
    let (code, v) = verify_json(&bundle, &policy, &["--threshold", "2"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["signers"], serde_json::json!(["alice"]));
    assert_eq!(v["threshold"], 2);

    let o = e.sign(&bundle, "b");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("(unchanged)"), "{}", stdout(&o));
    let after = members(&bundle);
    // Every member but the tag manifest is byte-identical; one signature file is new.
    let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(new.len(), 1);
    assert!(new[0].contains("/intact/signatures/"));
    for (name, bytes) in &before {
        if name.ends_with("/tagmanifest-sha256.txt") {
            assert_ne!(after[name], *bytes);
        } else {
            assert_eq!(after[name], *bytes, "{name} changed");
        }
    }
    let (code, v) = verify_json(&bundle, &policy, &["--threshold", "2"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signers"], serde_json::json!(["alice", "bob"]));
    assert_eq!(
        v["bundle_id"].as_str().unwrap(),
        hex(&Sha256::digest(release_json(&bundle)))
    );
    // 3 of 3 needs carol too.
    let (code, _) = verify_json(&bundle, &policy, &["--threshold", "3"]);
    assert_eq!(code, 1);
    assert!(e.sign(&bundle, "c").status.success());
    let (code, v) = verify_json(&bundle, &policy, &["--threshold", "3"]);
    assert_eq!(code, 0, "{v}");
    // The co-signed bundle is still a plain BagIt bag.
    let o = intact(&["bagit", "validate", s(&unzip(&bundle, &e.path("x")))]);
    assert!(o.status.success(), "{}", stdout(&o));
}

fn unzip(zip: &Path, dir: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    assert!(Command::new("unzip")
        .args(["-q", s(zip), "-d", s(dir)])
        .status()
        .unwrap()
        .success());
    std::fs::read_dir(dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
}

#[test]
fn signing_twice_with_one_key_is_refused_and_changes_nothing() {
    let e = Env::new();
    let bundle = e.pack("b.zip", &["a"]);
    let before = std::fs::read(&bundle).unwrap();
    let o = e.sign(&bundle, "a");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already signed by key SHA256:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&bundle).unwrap(), before);
    // Nor through attach.
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    let sig = e.ssh_sign("a", "intact-release", &stmt);
    let o = intact(&["attach", s(&bundle), s(&sig)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already signed"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&bundle).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(e.dir.path())
        .unwrap()
        .filter_map(|d| d.ok())
        .filter(|d| d.file_name().to_string_lossy().starts_with(".intact-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn same_principal_with_two_keys_counts_once() {
    let e = Env::new();
    let policy = e.policy(&[
        format!("alice {}", e.pubkey("a")),
        format!("alice {}", e.pubkey("b")),
        format!("bob {}", e.pubkey("c")),
    ]);
    let bundle = e.pack("b.zip", &["a", "b"]);
    let (code, v) = verify_json(&bundle, &policy, &["--threshold", "2"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["signers"], serde_json::json!(["alice"]));
    assert_eq!(
        statuses(&v),
        vec![
            ("alice".into(), "valid".into()),
            ("alice".into(), "valid".into())
        ]
    );
    assert!(e.sign(&bundle, "c").status.success());
    let (code, _) = verify_json(&bundle, &policy, &["--threshold", "2"]);
    assert_eq!(code, 0);
}

#[test]
fn threshold_larger_than_the_policy_is_a_usage_error() {
    let e = Env::new();
    // carol's key may only sign git commits: two principals may sign releases.
    let policy = e.policy(&[
        format!("alice {}", e.pubkey("a")),
        format!("bob {}", e.pubkey("b")),
        format!("carol namespaces=\"git\" {}", e.pubkey("c")),
    ]);
    let bundle = e.pack("b.zip", &["a", "b"]);
    for (k, want) in [
        ("3", "allowed to sign releases"),
        ("0", "threshold must be at least 1"),
    ] {
        let o = intact(&[
            "verify",
            s(&bundle),
            "--trust",
            s(&policy),
            "--threshold",
            k,
        ]);
        assert_eq!(o.status.code(), Some(2), "{k}");
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        assert!(
            k != "0" || !stderr(&o).contains("is larger than"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
    let o = intact(&[
        "verify",
        s(&bundle),
        "--trust",
        s(&policy),
        "--threshold",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn windows_namespaces_and_untrusted_keys_do_not_count() {
    let e = Env::new();
    e.keygen("d");
    e.keygen("f");
    // created is 2026-02-01T10:00:00Z.
    let policy = e.policy(&[
        format!("expired valid-before=\"20260131235959Z\" {}", e.pubkey("a")),
        format!("future valid-after=\"20260201100001Z\" {}", e.pubkey("b")),
        format!("gitonly namespaces=\"git\" {}", e.pubkey("c")),
        format!(
            "good valid-after=\"20260101Z\",valid-before=\"20260301Z\" {}",
            e.pubkey("d")
        ),
    ]);
    let bundle = e.pack("b.zip", &["a", "b", "c", "d", "f"]);
    let (code, v) = verify_json(&bundle, &policy, &[]);
    assert_eq!(code, 0, "{v}");
    let fp_f = fingerprint(&e.path("f.pub"));
    assert_eq!(
        statuses(&v),
        vec![
            (fp_f.clone(), "untrusted-key".into()),
            ("expired".into(), "outside-validity".into()),
            ("future".into(), "outside-validity".into()),
            ("gitonly".into(), "namespace-not-allowed".into()),
            ("good".into(), "valid".into()),
        ]
    );
    assert_eq!(v["signers"], serde_json::json!(["good"]));
    // Every signature carries its fingerprint and key type.
    for sig in v["signatures"].as_array().unwrap() {
        assert!(sig["fingerprint"].as_str().unwrap().starts_with("SHA256:"));
        assert_eq!(sig["key_type"], "ssh-ed25519");
    }
    // The human report lists every signature with its status.
    let o = intact(&["verify", s(&bundle), "--trust", s(&policy)]);
    let text = stdout(&o);
    for status in [
        "untrusted-key",
        "outside-validity",
        "namespace-not-allowed",
        "valid",
    ] {
        assert!(text.contains(&format!(": {status}: ")), "{status}: {text}");
    }
    assert!(text.contains(&fp_f), "{text}");

    // --at moves the window check: in January "expired" counts and "good" is still valid;
    // in April neither does.
    let (code, v) = verify_json(&bundle, &policy, &["--at", "2026-01-15T00:00:00Z"]);
    assert_eq!(code, 0);
    assert_eq!(v["signers"], serde_json::json!(["expired", "good"]));
    let (code, v) = verify_json(&bundle, &policy, &["--at", "2026-04-01T00:00:00+02:00"]);
    assert_eq!(code, 0);
    assert_eq!(v["signers"], serde_json::json!(["future"]));
    let o = intact(&[
        "verify",
        s(&bundle),
        "--trust",
        s(&policy),
        "--at",
        "yesterday",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--at"));
}

fn fingerprint(pubfile: &Path) -> String {
    let o = Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f", s(pubfile)])
        .output()
        .unwrap();
    stdout(&o).split_whitespace().nth(1).unwrap().to_owned()
}

#[test]
fn revoked_keys_do_not_count() {
    let e = Env::new();
    let policy = e.three();
    let bundle = e.pack("b.zip", &["a", "b"]);
    let fp_b = fingerprint(&e.path("b.pub"));
    // created is 2026-02-01T10:00:00Z.
    for (list, bob) in [
        (format!("{fp_b}\n"), "revoked"),
        (
            format!("# retired\n{} key retired\n", e.pubkey("b")),
            "revoked",
        ),
        (format!("{fp_b} 2026-02-01 lost laptop\n"), "revoked"),
        (
            format!("{fp_b} 2026-02-01T10:00:00Z lost laptop\n"),
            "revoked",
        ),
        (
            format!("{fp_b} 2026-02-01T10:00:01Z lost laptop\n"),
            "valid",
        ),
        (
            format!("{} 2026-03-01 lost laptop\n", e.pubkey("b")),
            "valid",
        ),
        (format!("{} 2025-12-31\n", e.pubkey("b")), "revoked"),
    ] {
        let r = e.path("revoked");
        std::fs::write(&r, &list).unwrap();
        let (code, v) = verify_json(&bundle, &policy, &["--threshold", "2", "--revoked", s(&r)]);
        assert_eq!(
            statuses(&v),
            vec![("alice".into(), "valid".into()), ("bob".into(), bob.into())],
            "{list}"
        );
        assert_eq!(code, if bob == "valid" { 0 } else { 1 }, "{list}");
        if bob == "revoked" && list.contains("lost laptop") {
            let d = v["signatures"].as_array().unwrap()[1]["detail"].to_string()
                + &v["signatures"].as_array().unwrap()[0]["detail"].to_string();
            assert!(d.contains("lost laptop"), "{d}");
        }
    }
    // A dated revocation is checked against --at when given.
    let r = e.path("revoked");
    std::fs::write(&r, format!("{fp_b} 2026-03-01 lost laptop\n")).unwrap();
    let (code, _) = verify_json(
        &bundle,
        &policy,
        &[
            "--threshold",
            "2",
            "--revoked",
            s(&r),
            "--at",
            "2026-03-02T00:00:00Z",
        ],
    );
    assert_eq!(code, 1);
}

#[test]
fn bad_policy_and_revocation_lines_name_file_and_line() {
    let e = Env::new();
    let bundle = e.pack("b.zip", &["a"]);
    let good = format!("alice {}", e.pubkey("a"));
    for (policy, want) in [
        (format!("{good}\nbob ssh-ed25519 AAAAnotakey\n"), ":2:"),
        (
            format!("# c\n\n{good}\nbob valid-before=2026 {}\n", e.pubkey("b")),
            ":4:",
        ),
        (
            format!(
                "bob namespaces=\"intact-release {}\n{good}\n",
                e.pubkey("b")
            ),
            ":1:",
        ),
        (format!("{good}\nbob frobnicate {}\n", e.pubkey("b")), ":2:"),
        // Unquoted values and times without Z: ssh-keygen would skip or misread them.
        (
            format!("{good}\nbob valid-before=20260101Z {}\n", e.pubkey("b")),
            ":2:",
        ),
        (
            format!("{good}\nbob valid-before=\"20260101\" {}\n", e.pubkey("b")),
            ":2:",
        ),
        (
            format!("{good}\nbob namespaces=intact-release {}\n", e.pubkey("b")),
            ":2:",
        ),
    ] {
        let p = e.path("allowed_signers");
        std::fs::write(&p, &policy).unwrap();
        let o = intact(&["verify", s(&bundle), "--trust", s(&p)]);
        assert_eq!(o.status.code(), Some(2), "{policy}");
        assert!(
            stderr(&o).contains(&format!("allowed_signers{want}")),
            "{}",
            stderr(&o)
        );
    }
    let policy = e.policy(&[good]);
    for (list, want) in [
        ("SHA256:tooshort\n".to_string(), ":1:"),
        (
            format!("# x\n{} 2026-13-45 bad date\n", e.pubkey("b")),
            ":2:",
        ),
        (
            format!("{} user@host 2026-03-01 lost\n", e.pubkey("b")),
            ":1:",
        ),
        ("somebody 2026-03-01\n".to_string(), ":1:"),
        (format!("SHA256:{}\n", "!".repeat(43)), ":1:"),
    ] {
        let r = e.path("revoked");
        std::fs::write(&r, &list).unwrap();
        let o = intact(&[
            "verify",
            s(&bundle),
            "--trust",
            s(&policy),
            "--revoked",
            s(&r),
        ]);
        assert_eq!(o.status.code(), Some(2), "{list}");
        assert!(
            stderr(&o).contains(&format!("revoked{want}")),
            "{list}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn offline_signing_statement_ssh_keygen_sign_and_attach() {
    let e = Env::new();
    let policy = e.three();
    let bundle = e.pack("u.zip", &[]);
    // statement: stdout and -o both give the exact release.json inside.
    let inside = release_json(&bundle);
    let o = intact(&["statement", s(&bundle)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(o.stdout, inside);
    let stmt = e.path("release.json");
    let o = intact(&["statement", s(&bundle), "-o", s(&stmt)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&stmt).unwrap(), inside);
    // And from the extracted directory.
    let tree = unzip(&bundle, &e.path("tree"));
    assert_eq!(intact(&["statement", s(&tree)]).stdout, inside);

    let before = members(&bundle);
    let sig = e.ssh_sign("a", "intact-release", &stmt);
    let o = intact(&["attach", s(&bundle), s(&sig)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = members(&bundle);
    for (name, bytes) in &before {
        if !name.ends_with("/tagmanifest-sha256.txt") {
            assert_eq!(after[name], *bytes, "{name} changed");
        }
    }
    let added = after.keys().find(|k| !before.contains_key(*k)).unwrap();
    assert_eq!(after[added], std::fs::read(&sig).unwrap());
    let (code, v) = verify_json(&bundle, &policy, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signers"], serde_json::json!(["alice"]));
    let sig_b = e.ssh_sign("b", "intact-release", &stmt);
    assert!(intact(&["attach", s(&bundle), s(&sig_b)]).status.success());
    let (code, _) = verify_json(&bundle, &policy, &["--threshold", "2"]);
    assert_eq!(code, 0);
    // Attach works whatever the trust policy: the key need not be trusted (yet).
    e.keygen("d");
    let sig_d = e.ssh_sign("d", "intact-release", &stmt);
    assert!(intact(&["attach", s(&bundle), s(&sig_d)]).status.success());
}

#[test]
fn attach_refuses_bad_signatures_and_changes_nothing() {
    let e = Env::new();
    let bundle = e.pack("u.zip", &[]);
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    let before = std::fs::read(&bundle).unwrap();
    let attach = |sig: &Path, want: &str| {
        let o = intact(&["attach", s(&bundle), s(sig)]);
        assert_eq!(o.status.code(), Some(2), "{want}");
        let err = stderr(&o);
        assert!(err.contains(want), "{want}: {err}");
        assert!(err.contains(s(sig)), "{err}");
        assert_eq!(std::fs::read(&bundle).unwrap(), before, "{want}");
    };
    // Namespace git.
    let git = e.ssh_sign("a", "git", &stmt);
    attach(&git, "namespace 'git'");
    // Truncated.
    let good = e.ssh_sign("a", "intact-release", &stmt);
    let text = std::fs::read_to_string(&good).unwrap();
    let cut = e.path("cut.sig");
    std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
    attach(&cut, "truncated");
    // Armor intact but the body cut short.
    let lines: Vec<&str> = text.lines().collect();
    let short = e.path("short.sig");
    std::fs::write(
        &short,
        format!("{}\n{}\n{}\n", lines[0], lines[1], lines[lines.len() - 1]),
    )
    .unwrap();
    attach(&short, "not base64 as ssh-keygen reads it");
    // Not SSHSIG at all.
    let junk = e.path("junk.sig");
    std::fs::write(&junk, "-----BEGIN PGP SIGNATURE-----\nxx\n").unwrap();
    attach(&junk, "not an SSH signature");
    // Over another release.json.
    let other = e.path("other.json");
    std::fs::write(&other, b"{\"format\":\"intact-release/1\"}").unwrap();
    let other_sig = e.ssh_sign("a", "intact-release", &other);
    attach(&other_sig, "another release.json");
    // An ECDSA key: ssh-keygen signs, intact accepts Ed25519 only.
    let ec = e.path("ec");
    assert!(Command::new("ssh-keygen")
        .args(["-q", "-t", "ecdsa", "-N", "", "-f", s(&ec)])
        .status()
        .unwrap()
        .success());
    let ec_sig = e.ssh_sign("ec", "intact-release", &stmt);
    attach(&ec_sig, "key type ecdsa-sha2-nistp256 is not accepted");
    // A directory bundle is not rewritten.
    let tree = unzip(&bundle, &e.path("tree"));
    let o = intact(&["attach", s(&tree), s(&good)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bundle ZIP"), "{}", stderr(&o));
    let o = intact(&["sign", s(&tree), "--key", s(&e.path("a"))]);
    assert!(stderr(&o).contains("bundle ZIP"), "{}", stderr(&o));
}

#[test]
fn a_tampered_bundle_is_not_signed() {
    let e = Env::new();
    let bundle = e.pack("b.zip", &["a"]);
    // Change one payload byte in place (same size): the ZIP still opens.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let needle = b"SYNTHETIC testimony one";
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at] = b'X';
    std::fs::write(&bundle, &bytes).unwrap();
    for args in [
        vec!["sign", s(&bundle), "--key", s(&e.path("b"))],
        vec!["statement", s(&bundle)],
    ] {
        let o = intact(&args);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("not internally consistent"),
            "{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("data/a/testimony-1.txt"),
            "{}",
            stderr(&o)
        );
        assert!(o.stdout.is_empty());
    }
    assert_eq!(std::fs::read(&bundle).unwrap(), bytes);
}

#[test]
fn signatures_made_by_intact_sign_verify_with_ssh_keygen() {
    let e = Env::new();
    let bundle = e.pack("b.zip", &["a"]);
    assert!(e.sign(&bundle, "b").status.success());
    let policy = e.three();
    let bag = unzip(&bundle, &e.path("x"));
    let fp = fingerprint(&e.path("b.pub"));
    let sig = std::fs::read_dir(bag.join("intact/signatures"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .find(|p| {
            let o = Command::new("ssh-keygen")
                .args(["-Y", "find-principals", "-s", s(p), "-f", s(&policy)])
                .output()
                .unwrap();
            stdout(&o).trim() == "bob"
        })
        .expect("bob's signature");
    let v = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ssh-keygen -Y verify -f '{}' -I bob -n intact-release -s '{}' < '{}'",
            s(&policy),
            s(&sig),
            s(&bag.join("intact/release.json"))
        ))
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(stdout(&v).contains(&fp), "{}", stdout(&v));
}

/// An `sk-ssh-ed25519@openssh.com` SSHSIG made in software exactly as a FIDO token makes one
/// (PROTOCOL.u2f: the token signs SHA256(application) ‖ flags ‖ counter ‖ SHA256(message)).
pub(crate) fn sk_signature(seed: u8, message: &[u8], flags: u8) -> (String, String) {
    use ed25519_dalek::Signer as _;
    use ssh_key::public::{Ed25519PublicKey, KeyData, SkEd25519};
    use ssh_key::{Algorithm, HashAlg, LineEnding, PublicKey, Signature, SshSig};
    let sk = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let app = "ssh:";
    let key = KeyData::SkEd25519(SkEd25519::new(
        Ed25519PublicKey(sk.verifying_key().to_bytes()),
        app,
    ));
    let signed = SshSig::signed_data("intact-release", HashAlg::Sha512, message).unwrap();
    let counter = 42u32.to_be_bytes();
    let mut data = Sha256::digest(app.as_bytes()).to_vec();
    data.push(flags);
    data.extend_from_slice(&counter);
    data.extend_from_slice(&Sha256::digest(&signed));
    let mut raw = sk.sign(&data).to_bytes().to_vec();
    raw.push(flags);
    raw.extend_from_slice(&counter);
    let sig = Signature::new(Algorithm::SkEd25519, raw).unwrap();
    let sshsig = SshSig::new(key.clone(), "intact-release", HashAlg::Sha512, sig).unwrap();
    (
        PublicKey::new(key, "").to_openssh().unwrap(),
        sshsig.to_pem(LineEnding::LF).unwrap(),
    )
}

#[test]
fn hardware_key_signatures_attach_and_verify_like_ssh_keygen() {
    let e = Env::new();
    let bundle = e.pack("u.zip", &[]);
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    // flags 0x01: the token attested user presence (a touch).
    let (pubkey, armored) = sk_signature(7, &release_json(&bundle), 0x01);
    assert!(pubkey.starts_with("sk-ssh-ed25519@openssh.com "));
    let policy = e.policy(&[format!("token {pubkey}")]);
    let sig = e.path("sk.sig");
    std::fs::write(&sig, &armored).unwrap();
    // ssh-keygen accepts it: the construction is what a FIDO token produces.
    let v = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ssh-keygen -Y verify -f '{}' -I token -n intact-release -s '{}' < '{}'",
            s(&policy),
            s(&sig),
            s(&stmt)
        ))
        .output()
        .unwrap();
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    let o = intact(&["attach", s(&bundle), s(&sig)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("sk-ssh-ed25519@openssh.com"),
        "{}",
        stdout(&o)
    );
    let (code, v) = verify_json(&bundle, &policy, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signatures"][0]["key_type"], "sk-ssh-ed25519@openssh.com");
}

#[test]
fn hardware_key_signature_over_another_statement_is_refused() {
    let e = Env::new();
    let bundle = e.pack("u.zip", &[]);
    let before = std::fs::read(&bundle).unwrap();
    let (_, armored) = sk_signature(9, b"{\"format\":\"intact-release/1\"}", 0x01);
    let sig = e.path("sk.sig");
    std::fs::write(&sig, &armored).unwrap();
    let o = intact(&["attach", s(&bundle), s(&sig)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("another release.json"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&bundle).unwrap(), before);
}

#[test]
fn demo_policy_threshold_and_revocation_files_work() {
    let e = Env::new();
    let keys = repo().join("keys");
    // Private keys are committed world-readable; ssh-keygen wants them private.
    for k in ["demo-office", "demo-registrar"] {
        let dst = e.path(k);
        std::fs::copy(keys.join(format!("{k}.key")), &dst).unwrap();
        std::fs::set_permissions(&dst, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
    }
    let bundle = e.pack("demo.zip", &["demo-office"]);
    let stmt = e.path("release.json");
    assert!(intact(&["statement", s(&bundle), "-o", s(&stmt)])
        .status
        .success());
    let sig = e.ssh_sign("demo-registrar", "intact-release", &stmt);
    assert!(intact(&["attach", s(&bundle), s(&sig)]).status.success());
    let policy = keys.join("allowed_signers.demo");
    let revoked = keys.join("revoked.demo");
    let (code, v) = verify_json(
        &bundle,
        &policy,
        &["--threshold", "2", "--revoked", s(&revoked)],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["signers"],
        serde_json::json!(["demo-office", "demo-registrar"])
    );
    // The demo revocation list revokes demo-archivist from 2026-06-01.
    let arch = e.path("demo-archivist");
    std::fs::copy(keys.join("demo-archivist.key"), &arch).unwrap();
    std::fs::set_permissions(&arch, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    assert!(e.sign(&bundle, "demo-archivist").status.success());
    let (code, v) = verify_json(
        &bundle,
        &policy,
        &["--threshold", "3", "--revoked", s(&revoked)],
    );
    assert_eq!(code, 0, "{v}");
    let (code, v) = verify_json(
        &bundle,
        &policy,
        &[
            "--threshold",
            "3",
            "--revoked",
            s(&revoked),
            "--at",
            "2026-07-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 1);
    assert!(statuses(&v).contains(&("demo-archivist".into(), "revoked".into())));
}
