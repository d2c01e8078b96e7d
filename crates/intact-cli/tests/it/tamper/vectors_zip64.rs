//! The ZIP64 boundary as conformance vectors (FORMAT.md §2.4 and §2.10): bundles of exactly
//! 65,534 entries (no ZIP64 record anywhere) and 65,535 entries (0xFFFF in the end record's
//! counts, the ZIP64 end record and locator before it), both as `intact pack` writes them, both
//! valid. At 25 MB each they are too large to commit: `tests/vectors/zip64/SHA256SUMS` pins
//! them, and this test (slow, run by `scripts/bench.sh`) regenerates them, checks the pins, the
//! end records and `intact verify`. With `INTACT_ZIP64_OUT=DIR` it also writes them there as
//! conformance cases (`DIR/<name>/bundle.zip`, `allowed_signers`, `expect.json`, `README`).

use std::ffi::OsStr;
use std::path::Path;

use super::*;

/// Entries besides the payload: bagit.txt, bag-info.txt, both manifests, manifest.json,
/// release.json and one signature.
const TAG_ENTRIES: usize = 7;

/// Packs `entries - 7` one-line files (`d000/f00000.txt` …, content the number and LF) as
/// collection `zip64`, release `r<entries>`, created 2026-01-15T09:00:00Z, by demo-office.
fn pack_entries(dir: &Path, entries: usize) -> Vec<u8> {
    let src = dir.join(format!("src-{entries}"));
    for i in 0..entries - TAG_ENTRIES {
        let d = src.join(format!("d{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&d).unwrap();
        }
        std::fs::write(d.join(format!("f{i:05}.txt")), format!("{i}\n")).unwrap();
    }
    let out = dir.join(format!("{entries}.zip"));
    let release = format!("r{entries}");
    let o = crate::intact(&[
        OsStr::new("pack"),
        OsStr::new("--no-deny-list"),
        src.as_os_str(),
        OsStr::new("--collection"),
        OsStr::new("zip64"),
        OsStr::new("--release"),
        OsStr::new(&release),
        OsStr::new("--key"),
        key("demo-office").as_os_str(),
        OsStr::new("--created"),
        OsStr::new("2026-01-15T09:00:00Z"),
        OsStr::new("-o"),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "pack: {}", stderr(&o));
    std::fs::read(out).unwrap()
}

/// The pinned SHA-256 of a case, from `tests/vectors/zip64/SHA256SUMS` (`<hex>  <name>.zip`).
fn pin(name: &str) -> String {
    let sums =
        std::fs::read_to_string(intact_testkit::repo().join("tests/vectors/zip64/SHA256SUMS"))
            .unwrap();
    sums.lines()
        .find_map(|l| l.strip_suffix(&format!("  {name}.zip")))
        .unwrap_or_else(|| panic!("no pin for {name}"))
        .to_owned()
}

#[test]
#[ignore = "slow (two bundles of 65,534 and 65,535 entries): scripts/bench.sh runs it"]
fn zip64_boundary_bundles_equal_their_pins() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        ("valid-65534-entries-no-zip64", 65_534usize, false),
        ("valid-65535-entries-zip64-end-records", 65_535, true),
    ];
    for (name, entries, zip64) in cases {
        let zip = pack_entries(tmp.path(), entries);
        // The end record's entry counts, and whether a ZIP64 end record precedes its locator.
        let n = zip.len();
        let count = u16::from_le_bytes([zip[n - 14], zip[n - 13]]);
        let has_zip64 = zip[n - 98..n - 94] == 0x0606_4b50u32.to_le_bytes();
        assert_eq!(has_zip64, zip64, "{name}: ZIP64 end record");
        let want_count = if zip64 { 0xFFFF } else { entries as u16 };
        assert_eq!(count, want_count, "{name}: end record count");
        let path = tmp.path().join(format!("{name}.zip"));
        std::fs::write(&path, &zip).unwrap();
        let trust = tmp.path().join("allowed_signers");
        std::fs::write(&trust, allowed_signers_line("demo-office")).unwrap();
        let o = crate::intact(&[
            OsStr::new("verify"),
            path.as_os_str(),
            OsStr::new("--trust"),
            trust.as_os_str(),
        ]);
        assert!(o.status.success(), "{name}: verify: {}", stderr(&o));
        if let Some(out) = std::env::var_os("INTACT_ZIP64_OUT") {
            let dir = Path::new(&out).join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("bundle.zip"), &zip).unwrap();
            std::fs::write(
                dir.join("allowed_signers"),
                allowed_signers_line("demo-office"),
            )
            .unwrap();
            std::fs::write(dir.join("expect.json"), "{\n  \"valid\": true\n}\n").unwrap();
            let readme = format!("Valid: {entries} entries as intact pack writes them (FORMAT.md §2.4: ZIP64 end records from 65,535 entries on).\n");
            std::fs::write(dir.join("README"), readme).unwrap();
        }
        assert_eq!(sha_hex(&zip), pin(name), "{name}: not the pinned bytes");
    }
}
