//! CLI tests: the real binary on temp dirs — keygen, pack, verify, demo, bad input, and the
//! standard-tools recipe of docs/FORMAT.md.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intact_testkit::{demo_key, repo, s, stderr, stdout, trust_file, write_file};

use crate::{intact, intact_cmd};

/// Runs `intact ARGS` with these environment variables set (and no others but the kit's).
fn intact_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = intact_cmd().args(args);
    for (k, v) in env {
        c = c.env(k, v);
    }
    c.output()
}

/// A small synthetic source tree.
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    for (p, body) in [
        ("a/testimony-1.txt", "SYNTHETIC testimony one\n"),
        ("a/testimony-2.txt", "SYNTHETIC testimony two\n"),
        ("b/photo.bin", "synthetic bytes (placeholder for an image)"),
        ("readme.txt", "SYNTHETIC sample\n"),
    ] {
        write_file(&src.join(p), body);
    }
    src
}

fn pack(src: &Path, out: &Path, key: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "pack",
        "--no-deny-list",
        s(src),
        "--collection",
        "test-coll",
        "--release",
        "r1",
        "--key",
        s(key),
        "--created",
        "2026-02-01T10:00:00Z",
        "-o",
        s(out),
    ];
    args.extend_from_slice(extra);
    intact(&args)
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part") || n.starts_with(".intact-"))
        .collect()
}

#[test]
fn demo_runs_and_rejects_the_tampered_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let o = intact(&["demo", "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Verify: VALID"), "{text}");
    assert!(text.contains("NOT VALID — rejected"), "{text}");
    assert!(text.contains("PUBLIC DEMO KEY"));
    assert!(out.join("release-1.zip").exists());
    let items = text
        .split("Packed ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse::<u32>()
        .unwrap();
    assert!(items >= 30);
    // Runs again over its own directory; refuses a foreign one.
    assert_eq!(intact(&["demo", "--out", s(&out)]).status.code(), Some(0));
    let foreign = tmp.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("precious.txt"), "keep").unwrap();
    let o = intact(&["demo", "--out", s(&foreign)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(foreign.join("precious.txt").exists());
}

#[test]
fn pack_is_deterministic_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(tmp.path());
    let (a, b) = (tmp.path().join("a.zip"), tmp.path().join("b.zip"));
    assert!(pack(&src, &a, &demo_key(), &[]).status.success());
    assert!(pack(&src, &b, &demo_key(), &[]).status.success());
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let trust = trust_file(tmp.path());
    let o = intact(&["verify", s(&a), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let last = stdout(&o).lines().last().unwrap().to_owned();
    for want in [
        "VALID",
        "test-coll",
        "r1",
        "4 items",
        "demo-office",
        "SHA256:",
    ] {
        assert!(last.contains(want), "{last}");
    }
    let o = intact(&["verify", s(&a), "--trust", s(&trust), "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["valid"], true);
    assert_eq!(r["checks"].as_array().unwrap().len(), 10);
    assert!(r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["passed"] == true));
}

#[test]
fn pack_bad_input_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o.zip");
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("missing", tmp.path().join("nope"), "does not exist"),
        (
            "empty",
            {
                let e = tmp.path().join("empty");
                std::fs::create_dir(&e).unwrap();
                e
            },
            "no files",
        ),
        (
            "symlink",
            {
                let src = tmp.path().join("withlink");
                std::fs::create_dir(&src).unwrap();
                std::fs::write(src.join("a.txt"), "x").unwrap();
                std::os::unix::fs::symlink("/etc/passwd", src.join("link")).unwrap();
                src
            },
            "symbolic link",
        ),
        (
            "bad name",
            {
                let src = tmp.path().join("badname");
                std::fs::create_dir(&src).unwrap();
                std::fs::write(src.join("a\\b.txt"), "x").unwrap();
                std::fs::write(src.join("CON.txt"), "x").unwrap();
                src
            },
            "reserved device name",
        ),
        (
            "collision",
            {
                let src = tmp.path().join("collide");
                std::fs::create_dir(&src).unwrap();
                std::fs::write(src.join("A.txt"), "x").unwrap();
                std::fs::write(src.join("a.txt"), "y").unwrap();
                src
            },
            "collides",
        ),
        (
            "superscript device name",
            {
                let src = tmp.path().join("superscript");
                std::fs::create_dir(&src).unwrap();
                std::fs::write(src.join("com\u{b9}.txt"), "x").unwrap();
                src
            },
            "Windows device name",
        ),
        (
            "file beside a directory of the same name but case",
            {
                let src = tmp.path().join("filedir");
                std::fs::create_dir_all(src.join("A")).unwrap();
                std::fs::write(src.join("A/y.txt"), "x").unwrap();
                std::fs::write(src.join("a"), "y").unwrap();
                src
            },
            "collides",
        ),
    ];
    for (name, src, want) in cases {
        let o = pack(&src, &out, &demo_key(), &[]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = stderr(&o);
        assert!(err.contains(want), "{name}: {err}");
        assert!(err.starts_with("intact: error: "), "{name}: {err}");
        assert!(!out.exists(), "{name}: output written");
        assert!(leftovers(tmp.path()).is_empty(), "{name}: temp file left");
    }
    // Unreadable source file: no output, no temp file.
    let src = source(tmp.path());
    let secret = src.join("a/testimony-1.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_err() {
        let o = pack(&src, &out, &demo_key(), &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("testimony-1.txt"), "{}", stderr(&o));
        assert!(!out.exists());
        assert!(leftovers(tmp.path()).is_empty());
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    // Output inside the source.
    let o = pack(&src, &src.join("x.zip"), &demo_key(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("inside the source"));
}

#[test]
fn pack_refuses_existing_output_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(tmp.path());
    let out = tmp.path().join("o.zip");
    std::fs::write(&out, "precious").unwrap();
    let o = pack(&src, &out, &demo_key(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exists"));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert!(pack(&src, &out, &demo_key(), &["--force"]).status.success());
    assert_ne!(std::fs::read(&out).unwrap(), b"precious");
}

#[test]
fn keys_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(tmp.path());
    let out = tmp.path().join("o.zip");
    // A public key.
    let o = pack(&src, &out, &repo().join("keys/demo-office.key.pub"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("public key"), "{}", stderr(&o));
    // Not Ed25519.
    let ecdsa = tmp.path().join("ecdsa");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ecdsa", "-N", "", "-f", s(&ecdsa)])
        .status()
        .unwrap();
    assert!(st.success());
    let o = pack(&src, &out, &ecdsa, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not supported"), "{}", stderr(&o));
    // Not a key at all; missing.
    let junk = tmp.path().join("junk");
    std::fs::write(&junk, "hello").unwrap();
    assert!(stderr(&pack(&src, &out, &junk, &[])).contains("not an OpenSSH private key"));
    assert!(stderr(&pack(&src, &out, &tmp.path().join("none"), &[])).contains("cannot read key"));
    assert!(!out.exists());
}

#[test]
fn keygen_writes_keys_ssh_keygen_reads_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("office.key");
    let o = intact(&[
        "keygen",
        "--out",
        s(&key),
        "--principal",
        "office",
        "--no-passphrase",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    assert!(
        line.starts_with("office namespaces=\"intact-release\" ssh-ed25519 "),
        "{line}"
    );
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let y = Command::new("ssh-keygen")
        .args(["-y", "-f", s(&key)])
        .output()
        .unwrap();
    assert!(y.status.success());
    let pub_text = std::fs::read_to_string(tmp.path().join("office.key.pub")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&y.stdout).split_whitespace().nth(1),
        pub_text.split_whitespace().nth(1)
    );
    // Never overwrites.
    let before = std::fs::read(&key).unwrap();
    let o = intact(&["keygen", "--out", s(&key), "--no-passphrase"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(std::fs::read(&key).unwrap(), before);
    // An encrypted key: ssh-keygen reads it with the passphrase; pack needs the right one.
    let enc = tmp.path().join("enc.key");
    let o = intact_env(
        &["keygen", "--out", s(&enc), "--principal", "clerk"],
        &[("INTACT_PASSPHRASE", "correct horse")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let y = Command::new("ssh-keygen")
        .args(["-y", "-P", "correct horse", "-f", s(&enc)])
        .output()
        .unwrap();
    assert!(y.status.success());
    let y = Command::new("ssh-keygen")
        .args(["-y", "-P", "wrong", "-f", s(&enc)])
        .output()
        .unwrap();
    assert!(!y.status.success());
    let src = source(tmp.path());
    let out = tmp.path().join("o.zip");
    let o = intact_env(
        &[
            "pack",
            "--no-deny-list",
            s(&src),
            "--collection",
            "c",
            "--release",
            "r",
            "--key",
            s(&enc),
            "-o",
            s(&out),
        ],
        &[("INTACT_PASSPHRASE", "wrong")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));
    assert!(!out.exists());
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&enc),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no passphrase"), "{}", stderr(&o));
    let pass = tmp.path().join("pass");
    std::fs::write(&pass, "correct horse\n").unwrap();
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&enc),
        "--passphrase-file",
        s(&pass),
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let trust = tmp.path().join("trust");
    std::fs::write(
        &trust,
        format!("clerk {}", pub_line(&tmp.path().join("enc.key.pub"))),
    )
    .unwrap();
    assert_eq!(
        intact(&["verify", s(&out), "--trust", s(&trust)])
            .status
            .code(),
        Some(0)
    );
    // Empty passphrase needs --no-passphrase.
    let o = intact_env(
        &["keygen", "--out", s(&tmp.path().join("e2"))],
        &[("INTACT_PASSPHRASE", "")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--no-passphrase"));
}

fn pub_line(p: &Path) -> String {
    let t = std::fs::read_to_string(p).unwrap();
    let mut w = t.split_whitespace();
    format!("{} {}\n", w.next().unwrap(), w.next().unwrap())
}

#[test]
fn ssh_keygen_made_keys_work_and_signatures_check_with_ssh_keygen() {
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("k");
    let st = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "pw", "-C", "x", "-f", s(&key)])
        .status()
        .unwrap();
    assert!(st.success());
    let src = source(tmp.path());
    let out = tmp.path().join("o.zip");
    let o = intact_env(
        &[
            "pack",
            "--no-deny-list",
            s(&src),
            "--collection",
            "c",
            "--release",
            "r",
            "--key",
            s(&key),
            "-o",
            s(&out),
        ],
        &[("INTACT_PASSPHRASE", "pw")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let trust = tmp.path().join("trust");
    std::fs::write(
        &trust,
        format!("staff {}", pub_line(&tmp.path().join("k.pub"))),
    )
    .unwrap();
    assert_eq!(
        intact(&["verify", s(&out), "--trust", s(&trust)])
            .status
            .code(),
        Some(0)
    );
    // ssh-keygen -Y verify accepts intact's signature.
    let x = tmp.path().join("x");
    assert!(Command::new("unzip")
        .args(["-q", s(&out), "-d", s(&x)])
        .status()
        .unwrap()
        .success());
    let bag = x.join("c-r");
    let sig = std::fs::read_dir(bag.join("intact/signatures"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let v = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ssh-keygen -Y verify -f '{}' -I staff -n intact-release -s '{}' < '{}'",
            s(&trust),
            s(&sig),
            s(&bag.join("intact/release.json"))
        ))
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", stderr(&v));
}

#[test]
fn verify_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let trust = trust_file(tmp.path());
    let src = source(tmp.path());
    let good = tmp.path().join("g.zip");
    assert!(pack(&src, &good, &demo_key(), &[]).status.success());
    // Trust file missing / malformed (line number).
    let o = intact(&["verify", s(&good), "--trust", s(&tmp.path().join("none"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("none"));
    let bad_trust = tmp.path().join("bad_trust");
    std::fs::write(
        &bad_trust,
        "# policy\nalice bogus-option ssh-ed25519 AAAA\n",
    )
    .unwrap();
    let o = intact(&["verify", s(&good), "--trust", s(&bad_trust)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad_trust:2:"), "{}", stderr(&o));
    // Bundle missing: I/O error.
    let o = intact(&[
        "verify",
        s(&tmp.path().join("missing.zip")),
        "--trust",
        s(&trust),
    ]);
    assert_eq!(o.status.code(), Some(2));
    // Not a ZIP, empty, truncated: not valid, one clear line naming the file.
    let bytes = std::fs::read(&good).unwrap();
    for (name, content, want) in [
        (
            "notzip.zip",
            b"this is not a zip file at all".to_vec(),
            "not a ZIP file",
        ),
        ("empty.zip", Vec::new(), "empty file"),
        ("trunc.zip", bytes[..bytes.len() / 2].to_vec(), "truncated"),
        ("trunc2.zip", bytes[..bytes.len() - 10].to_vec(), ""),
    ] {
        let p = tmp.path().join(name);
        std::fs::write(&p, content).unwrap();
        let o = intact(&["verify", s(&p), "--trust", s(&trust)]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let out = stdout(&o);
        let first = out.lines().next().unwrap();
        assert!(
            first.contains(name) && first.contains(want),
            "{name}: {out}"
        );
        assert!(out.contains("NOT VALID"), "{name}");
    }
    // Untrusted key only.
    let other = tmp.path().join("other");
    std::fs::write(
        &other,
        format!(
            "someone {}",
            pub_line(&repo().join("keys/demo-registrar.key.pub"))
        ),
    )
    .unwrap();
    let o = intact(&["verify", s(&good), "--trust", s(&other)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("no trusted signer"), "{}", stdout(&o));
    // Unsigned bundle.
    let unsigned = tmp.path().join("u.zip");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&src),
        "--collection",
        "c",
        "--release",
        "r",
        "--unsigned",
        "-o",
        s(&unsigned),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = intact(&["verify", s(&unsigned), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("unsigned"), "{}", stdout(&o));
}

/// The bash block between the recipe markers of docs/FORMAT.md.
fn recipe() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/FORMAT.md")).unwrap();
    let block = doc
        .split("<!-- recipe:begin -->")
        .nth(1)
        .unwrap()
        .split("<!-- recipe:end -->")
        .next()
        .unwrap();
    block
        .trim()
        .trim_start_matches("```bash")
        .trim_end_matches("```")
        .to_owned()
}

fn run_recipe(bundle: &Path, trust: &Path) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(recipe())
        .env("BUNDLE", bundle)
        .env("ALLOWED_SIGNERS", trust)
        .output()
        .unwrap()
}

#[test]
fn standard_tools_recipe_accepts_good_and_rejects_tampered() {
    for tool in ["unzip", "ssh-keygen", "jq", "sha256sum"] {
        assert!(
            Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {tool}"))
                .status()
                .unwrap()
                .success(),
            "{tool} is required (.ci/run installs it)"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let trust = trust_file(tmp.path());
    let demo = tmp.path().join("demo");
    assert!(intact(&["demo", "--out", s(&demo)]).status.success());
    let good = demo.join("release-1.zip");
    let o = run_recipe(&good, &trust);
    assert!(
        o.status.success(),
        "recipe failed on a good bundle: {}{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("verified: demo-case-archive release-1"));
    // The vector bundle too (non-ASCII names, a '%' name, an empty file).
    let o = run_recipe(&repo().join("tests/vectors/v1-small/bundle.zip"), &trust);
    assert!(
        o.status.success(),
        "recipe failed on the vector: {}{}",
        stdout(&o),
        stderr(&o)
    );
    // The demo's one-byte tamper.
    let o = run_recipe(&demo.join("release-1-tampered.zip"), &trust);
    assert!(!o.status.success(), "recipe accepted a tampered bundle");
    // An untrusted signer.
    let other = tmp.path().join("other");
    std::fs::write(
        &other,
        format!(
            "someone {}",
            pub_line(&repo().join("keys/demo-registrar.key.pub"))
        ),
    )
    .unwrap();
    assert!(!run_recipe(&good, &other).status.success());
}

#[test]
fn a_packed_bundle_is_world_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let src = source(tmp.path());
    let out = tmp.path().join("o.zip");
    assert!(pack(&src, &out, &demo_key(), &[]).status.success());
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o644
    );
}
