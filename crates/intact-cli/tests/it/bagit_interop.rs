//! Interoperability with bagit-python 1.9.0 (installed by .ci/run into .venv-bagit): it accepts
//! our extracted bundles, and a bag it makes packs with `--from-bag` and verifies.

use std::path::PathBuf;
use std::process::Command;

use intact_testkit::{repo, s, text};

use crate::intact;

fn bagit_py() -> PathBuf {
    let p = std::env::var_os("INTACT_BAGIT_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv-bagit/bin/bagit.py"));
    assert!(
        p.exists(),
        "bagit-python is missing at {}: run .ci/run (it installs bagit==1.9.0 into .venv-bagit) or set INTACT_BAGIT_PY",
        p.display()
    );
    p
}

#[test]
fn bagit_python_accepts_extracted_bundles() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    assert!(intact(&["demo", "--out", s(&demo)]).status.success());
    for bundle in [
        demo.join("release-1.zip"),
        repo().join("tests/vectors/v1-small/bundle.zip"),
    ] {
        let x = tmp.path().join(format!(
            "x-{}",
            bundle.file_stem().unwrap().to_string_lossy()
        ));
        assert!(Command::new("unzip")
            .args(["-q", s(&bundle), "-d", s(&x)])
            .status()
            .unwrap()
            .success());
        let bag = std::fs::read_dir(&x)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let o = Command::new(bagit_py())
            .args(["--validate", s(&bag)])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "bagit-python rejected {}: {}",
            bundle.display(),
            text(&o)
        );
        let o = intact(&["bagit", "validate", s(&bag)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    // And it notices a changed byte in an extracted bundle.
    let x = tmp.path().join("x-release-1");
    let bag = std::fs::read_dir(&x)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let victim = bag.join("data/README.txt");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    let o = Command::new(bagit_py())
        .args(["--validate", s(&bag)])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(
        intact(&["bagit", "validate", s(&bag)]).status.code(),
        Some(1)
    );
}

#[test]
fn a_bag_made_by_bagit_python_packs_with_from_bag_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = tmp.path().join("bag");
    std::fs::create_dir_all(bag.join("sub")).unwrap();
    std::fs::write(bag.join("a.txt"), "SYNTHETIC file a\n").unwrap();
    std::fs::write(bag.join("sub/b.txt"), "SYNTHETIC file b\n").unwrap();
    let o = Command::new(bagit_py())
        .args([
            "--contact-name",
            "Placeholder Archivist",
            "--source-organization",
            "Synthetic Office",
            "--md5",
            "--sha512",
            s(&bag),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = tmp.path().join("b.zip");
    let key = repo().join("keys/demo-office.key");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&bag),
        "--from-bag",
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let trust = tmp.path().join("trust");
    std::fs::write(&trust, intact_cli::demo::demo_allowed_signers()).unwrap();
    let o = intact(&["verify", s(&out), "--trust", s(&trust), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["item_count"], 2);
    // The source bag's bag-info fields are kept; its Payload-Oxum is regenerated.
    let info = Command::new("unzip")
        .args(["-p", s(&out), "c-r/bag-info.txt"])
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Source-Organization: Synthetic Office"),
        "{info}"
    );
    assert!(
        info.contains("Contact-Name: Placeholder Archivist"),
        "{info}"
    );
    assert_eq!(info.matches("Payload-Oxum").count(), 1, "{info}");
    // An invalid source bag is refused, naming the problem.
    std::fs::write(bag.join("data/a.txt"), "changed\n").unwrap();
    let out2 = tmp.path().join("b2.zip");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&bag),
        "--from-bag",
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out2),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("data/a.txt"), "{}", text(&o));
    assert!(!out2.exists());
}
