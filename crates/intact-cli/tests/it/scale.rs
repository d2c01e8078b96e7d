//! Scale: a release of more than 65,535 items needs ZIP64 end records. It is packed and verified
//! in-process through the library (fast even in debug builds), then one item is cited and
//! checked with its proof through the CLI.

use std::path::Path;

use intact::pack::PackOptions;

use intact::sign::SigningKey;
use intact::trust::{Revocations, TrustPolicy};
use intact::verify::VerifyOptions;
use intact_testkit::rawzip::{u16_at, u32_at};
use intact_testkit::repo;

use crate::intact_cmd;

const ITEMS: usize = 66_000;

#[test]
fn more_than_65535_items_pack_verify_cite_and_check() {
    // 66,000 files: on tmpfs when there is one (creating and deleting them on a busy disk can
    // take longer than everything else in this test).
    let shm = Path::new("/dev/shm");
    let tmp = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let src = tmp.path().join("src");
    // 66 folders of 1,000 files of 1 to 16 bytes, each content unique.
    for i in 0..ITEMS {
        let dir = src.join(format!("d{:02}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let content = format!("{i:x}{}", "#".repeat(i % 11));
        std::fs::write(dir.join(format!("f{i:05}.txt")), content).unwrap();
    }

    let out = tmp.path().join("big.zip");
    let mut opts = PackOptions::new(
        src.clone(),
        out.clone(),
        "scale",
        "r1",
        intact::release::parse_rfc3339("2026-03-01T00:00:00Z").unwrap(),
    );
    let key = repo().join("keys/demo-office.key");
    opts.keys = vec![SigningKey::load(&key, &intact::sign::NoPassphrase).unwrap()];
    let summary = intact::pack(&opts).unwrap();
    assert_eq!(summary.items, ITEMS as u64);

    // ZIP64: the classic end record saturates the entry count, and the ZIP64 locator precedes it.
    let bytes = std::fs::read(&out).unwrap();
    let eocd = bytes.len() - 22;
    assert_eq!(u32_at(&bytes, eocd), 0x0605_4b50);
    assert_eq!(
        u16_at(&bytes, eocd + 10),
        0xFFFF,
        "entry count not saturated"
    );
    assert_eq!(u32_at(&bytes, eocd - 20), 0x0706_4b50, "no ZIP64 locator");
    let z64 = eocd - 20 - 56;
    assert_eq!(u32_at(&bytes, z64), 0x0606_4b50, "no ZIP64 end record");
    let entries = u64::from_le_bytes(bytes[z64 + 32..z64 + 40].try_into().unwrap());
    // Payload plus bagit.txt, bag-info.txt, two manifests, manifest.json, release.json, a signature.
    assert_eq!(entries, ITEMS as u64 + 7);
    drop(bytes);

    let trust = repo().join("keys/allowed_signers.demo");
    let vopts = VerifyOptions {
        policy: TrustPolicy::load(&trust).unwrap(),
        revocations: Revocations::default(),
        threshold: 1,
        at: None,
        skip_payload: false,
        skip_threshold: false,
    };
    let report = intact::verify(&out, &vopts).unwrap();
    assert!(
        report.valid,
        "{:?}",
        &report.problems[..report.problems.len().min(5)]
    );
    assert_eq!(report.item_count, Some(ITEMS as u64));

    let proof = tmp.path().join("item.proof.json");
    let item = "data/d65/f65432.txt";
    let o = intact_cmd()
        .args(["cite".as_ref(), out.as_os_str(), item.as_ref()])
        .args(["--trust".as_ref(), trust.as_os_str()])
        .args(["--out".as_ref(), proof.as_os_str()])
        .output();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = intact_cmd()
        .args(["check".as_ref(), src.join("d65/f65432.txt").as_os_str()])
        .args(["--proof".as_ref(), proof.as_os_str()])
        .args(["--trust".as_ref(), trust.as_os_str()])
        .output();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
