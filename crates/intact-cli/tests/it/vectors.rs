//! Golden vectors (tests/vectors/README.md): the small bundle re-packs byte for byte, verifies,
//! and has the bundle id and Merkle root the spec states; Merkle roots for fixed leaf lists.

use std::path::{Path, PathBuf};

use intact_testkit::repo;

use crate::intact;

fn vectors() -> PathBuf {
    repo().join("tests/vectors")
}

fn regenerate() -> bool {
    std::env::var_os("INTACT_REGENERATE_VECTORS").is_some()
}

fn expected() -> serde_json::Value {
    let text =
        std::fs::read_to_string(vectors().join("v1-small/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

fn pack_small(out: &Path) {
    let src = vectors().join("v1-small/src");
    let key = repo().join("keys/demo-office.key");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        src.to_str().unwrap(),
        "--collection",
        "vector-collection",
        "--release",
        "v1-small",
        "--key",
        key.to_str().unwrap(),
        "--created",
        "2026-01-15T09:00:00Z",
        "-o",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        o.status.success(),
        "pack failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn small_bundle_repacks_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b.zip");
    pack_small(&out);
    let committed = vectors().join("v1-small/bundle.zip");
    if regenerate() {
        std::fs::copy(&out, &committed).unwrap();
    }
    let a = std::fs::read(&out).unwrap();
    let b = std::fs::read(&committed).expect("tests/vectors/v1-small/bundle.zip");
    assert!(
        a == b,
        "re-packed vector differs from the committed bundle.zip"
    );
}

#[test]
fn small_bundle_verifies_with_stated_id_and_root() {
    let exp = expected();
    let tmp = tempfile::tempdir().unwrap();
    let trust = tmp.path().join("allowed_signers");
    std::fs::write(
        &trust,
        format!("{}\n", exp["allowed_signers"].as_str().unwrap()),
    )
    .unwrap();
    let bundle = vectors().join("v1-small/bundle.zip");
    let o = intact(&[
        "verify",
        bundle.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["bundle_id"], exp["bundle_id"]);
    assert_eq!(report["merkle_root"], exp["merkle_root"]);
    assert_eq!(report["item_count"], exp["item_count"]);
    assert_eq!(report["signers"][0], "demo-office");
    // The allowed_signers line of the vectors is the demo key's.
    let demo = intact_cli::demo::demo_allowed_signers();
    assert!(demo.contains(exp["allowed_signers"].as_str().unwrap()));
}

#[test]
fn merkle_vectors() {
    let text = std::fs::read_to_string(vectors().join("merkle.json")).expect("merkle.json");
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let leaves: Vec<[u8; 32]> = c["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| intact::merkle::leaf_hash(l.as_str().unwrap().as_bytes()))
            .collect();
        let root = intact::digest::hex(&intact::merkle::root(&leaves));
        assert_eq!(
            root,
            c["root"].as_str().unwrap(),
            "leaves {:?}",
            c["leaves"]
        );
    }
}
