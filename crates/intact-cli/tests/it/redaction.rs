//! Metadata, withheld items, salted commitments, the private ledger and disclosures — through
//! the real binary.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use intact_testkit::{repo, s, text};

use crate::intact;

const ADDRESS: &str = "99 Invented Street, Placeholder Town";

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    src: PathBuf,
    originals: PathBuf,
    metadata: PathBuf,
    trust: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_owned();
    let src = root.join("src");
    let originals = root.join("originals");
    for (rel, published, original) in [
        (
            "t/testimony-1.txt",
            "Witness one lives at [REDACTED].\n",
            Some(format!("Witness one lives at {ADDRESS}.\n")),
        ),
        ("t/testimony-2.txt", "Witness two, no redaction.\n", None),
        ("p/photo-1.bin", "synthetic image bytes", None),
    ] {
        let f = src.join(rel);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, published).unwrap();
        if let Some(o) = original {
            let of = originals.join(rel);
            std::fs::create_dir_all(of.parent().unwrap()).unwrap();
            std::fs::write(of, o).unwrap();
        }
    }
    let w = originals.join("withheld/helper.txt");
    std::fs::create_dir_all(w.parent().unwrap()).unwrap();
    std::fs::write(&w, "Statement of a helper (synthetic), Fictional Name Q.\n").unwrap();
    let metadata = root.join("metadata.csv");
    std::fs::write(
        &metadata,
        "path,id,case_no,doc_type,title,date,redaction_status,redaction_categories,legal_basis,redaction_regions,reason,original\n\
         t/testimony-1.txt,T-1,77,testimony,Testimony one,1990-05,partial,witness home address,Synthetic Art. 1,1,,\n\
         t/testimony-2.txt,T-2,77,testimony,Testimony two,1990,none,,,,,\n\
         p/photo-1.bin,P-1,77,photograph,Photo one,,none,,,,,\n\
         ,W-1,77,testimony,Helper statement,1990,withheld,identity of a person who helped,Synthetic Art. 2,,protect the helper,withheld/helper.txt\n",
    )
    .unwrap();
    let trust = root.join("allowed_signers");
    std::fs::write(&trust, intact_cli::demo::demo_allowed_signers()).unwrap();
    Fixture {
        _tmp: tmp,
        root,
        src,
        originals,
        metadata,
        trust,
    }
}

fn pack(f: &Fixture, out: &Path, extra: &[&str]) -> Output {
    let key = repo().join("keys/demo-office.key");
    let mut args = vec![
        "pack",
        "--no-deny-list",
        s(&f.src),
        "--collection",
        "c",
        "--release",
        "r1",
        "--key",
        s(&key),
        "--created",
        "2026-03-01T00:00:00Z",
        "-o",
        s(out),
        "--metadata",
        s(&f.metadata),
    ];
    args.extend_from_slice(extra);
    intact(&args)
}

#[test]
fn metadata_withheld_items_and_commitments_end_to_end() {
    let f = fixture();
    let out = f.root.join("b.zip");
    let ledger = f.root.join("ledger.json");
    let o = pack(
        &f,
        &out,
        &["--originals", s(&f.originals), "--ledger", s(&ledger)],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        std::fs::metadata(&ledger).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        intact(&["verify", s(&out), "--trust", s(&f.trust)])
            .status
            .code(),
        Some(0)
    );

    // The manifest records metadata, the redaction record and the withheld item without payload.
    let o = intact(&["inspect", s(&out), "--json"]);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["by_status"]["partial"], 1);
    assert_eq!(r["by_status"]["withheld"], 1);
    assert_eq!(r["withheld"][0]["id"], "W-1");
    assert_eq!(r["withheld"][0]["path"], serde_json::Value::Null);
    assert_eq!(r["withheld"][0]["committed"], true);
    let t1 = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "T-1")
        .unwrap();
    assert_eq!(t1["categories"][0], "witness home address");
    assert_eq!(t1["committed"], true);

    // Nothing private is in the bundle: no ledger bytes, salt, unsalted original digest, original text.
    let bundle = std::fs::read(&out).unwrap();
    let contains = |needle: &[u8]| bundle.windows(needle.len()).any(|w| w == needle);
    let l: serde_json::Value = serde_json::from_slice(&std::fs::read(&ledger).unwrap()).unwrap();
    let entries = l["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for e in entries {
        for field in ["salt", "original_sha256"] {
            let v = e[field].as_str().unwrap();
            assert!(!contains(v.as_bytes()), "{field} found in the bundle");
            assert!(
                !contains(&hex_decode(v)),
                "raw {field} bytes found in the bundle"
            );
        }
        assert!(contains(e["commitment"].as_str().unwrap().as_bytes()));
    }
    for original in ["t/testimony-1.txt", "withheld/helper.txt"] {
        let bytes = std::fs::read(f.originals.join(original)).unwrap();
        let d = intact::digest::Sha256Digest::of(&bytes);
        assert!(
            !contains(d.to_hex().as_bytes()) && !contains(&d.0),
            "unsalted digest of {original} in the bundle"
        );
    }
    assert!(!contains(ADDRESS.as_bytes()));
    assert!(!contains(b"Fictional Name Q"));
    assert!(!contains(b"ledger"), "the ledger's name is in the bundle");

    // A disclosure verifies for the right original and fails for any other file.
    let disclosure = f.root.join("d.json");
    let o = intact(&[
        "redaction",
        "prove",
        "--ledger",
        s(&ledger),
        "--original",
        s(&f.originals.join("t/testimony-1.txt")),
        "--bundle",
        s(&out),
        "--item",
        "T-1",
        "-o",
        s(&disclosure),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let d: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&disclosure).unwrap()).unwrap();
    assert_eq!(
        d["salt"],
        entries.iter().find(|e| e["item_id"] == "T-1").unwrap()["salt"]
    );
    assert!(
        !String::from_utf8_lossy(&std::fs::read(&disclosure).unwrap()).contains(
            entries.iter().find(|e| e["item_id"] == "W-1").unwrap()["salt"]
                .as_str()
                .unwrap()
        )
    );
    let check = |original: &Path| {
        intact(&[
            "redaction",
            "verify",
            s(&disclosure),
            "--original",
            s(original),
            "--bundle",
            s(&out),
            "--trust",
            s(&f.trust),
        ])
    };
    let o = check(&f.originals.join("t/testimony-1.txt"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("MATCH"));
    for other in [
        f.src.join("t/testimony-1.txt"),
        f.src.join("t/testimony-2.txt"),
        f.originals.join("withheld/helper.txt"),
    ] {
        let o = check(&other);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}: {}",
            other.display(),
            text(&o)
        );
    }
    // prove refuses a wrong original, and never overwrites.
    let o = intact(&[
        "redaction",
        "prove",
        "--ledger",
        s(&ledger),
        "--original",
        s(&f.src.join("t/testimony-1.txt")),
        "--bundle",
        s(&out),
        "--item",
        "T-1",
        "-o",
        s(&f.root.join("d2.json")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!f.root.join("d2.json").exists());
    let o = intact(&[
        "redaction",
        "prove",
        "--ledger",
        s(&ledger),
        "--original",
        s(&f.originals.join("t/testimony-1.txt")),
        "--bundle",
        s(&out),
        "--item",
        "T-1",
        "-o",
        s(&disclosure),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

fn hex_decode(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn metadata_problems_are_all_reported_and_nothing_written() {
    let f = fixture();
    std::fs::write(
        &f.metadata,
        "path,id,case_no,doc_type,title,date,redaction_status\n\
         t/testimony-1.txt,T-1,77,testimony,One,1990-13,none\n\
         t/nope.txt,T-1,77,testimony,Two,1990,none\n\
         p/photo-1.bin,P-1,77,photograph,,1990,secret\n",
    )
    .unwrap();
    let out = f.root.join("b.zip");
    let o = pack(&f, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    for want in [
        "line 2: date: not YYYY",
        "line 3: id: the same id as line 2",
        "line 4: missing required field 'title'",
        "line 4: redaction_status: not none, partial or withheld",
        // in the same report: the payload's problems (all at once, docs/METADATA.md)
        "line 3: path: no such file in the source",
    ] {
        assert!(t.contains(want), "missing '{want}':\n{t}");
    }
    // no message repeats a cell's value
    assert!(!t.contains("secret") && !t.contains("T-1"), "{t}");
    assert!(!out.exists());
    // Unknown path and a file without a row.
    std::fs::write(&f.metadata, "path,id,case_no,doc_type,title,redaction_status\nt/nope.txt,T-9,77,testimony,X,none\nt/testimony-1.txt,T-1,77,testimony,One,none\n").unwrap();
    let t = text(&pack(&f, &out, &[]));
    assert!(
        t.contains("line 2: path: no such file in the source"),
        "{t}"
    );
    assert!(t.contains("data/p/photo-1.bin has no metadata row"), "{t}");
    assert!(!out.exists());
    // --allow-missing-metadata packs the undescribed files with default ids.
    std::fs::write(&f.metadata, "path,id,case_no,doc_type,title,redaction_status\nt/testimony-1.txt,T-1,77,testimony,One,none\n").unwrap();
    let o = pack(&f, &out, &["--allow-missing-metadata"]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn withheld_file_in_source_is_refused() {
    let f = fixture();
    std::fs::write(
        &f.metadata,
        "path,id,case_no,doc_type,title,redaction_status,redaction_categories,legal_basis,reason\n\
         t/testimony-1.txt,T-1,77,testimony,One,withheld,witness home address,Art. 1,protect\n\
         t/testimony-2.txt,T-2,77,testimony,Two,none,,,\n\
         p/photo-1.bin,P-1,77,photograph,P,none,,,\n",
    )
    .unwrap();
    let out = f.root.join("b.zip");
    let o = pack(&f, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("withheld but its file is in the source"),
        "{}",
        text(&o)
    );
    assert!(!out.exists());
}

#[test]
fn private_files_can_never_be_packed() {
    let f = fixture();
    let out = f.root.join("b.zip");
    // Ledger inside SRC, existing ledger, ledger == output; originals inside SRC; metadata inside SRC.
    let inside = f.src.join("ledger.json");
    let o = pack(
        &f,
        &out,
        &["--originals", s(&f.originals), "--ledger", s(&inside)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("must not be inside the source"),
        "{}",
        text(&o)
    );
    let existing = f.root.join("old-ledger.json");
    std::fs::write(&existing, "keep").unwrap();
    let o = pack(
        &f,
        &out,
        &["--originals", s(&f.originals), "--ledger", s(&existing)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep");
    let o = pack(
        &f,
        &out,
        &["--originals", s(&f.originals), "--ledger", s(&out)],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = pack(
        &f,
        &out,
        &[
            "--originals",
            s(&f.src),
            "--ledger",
            s(&f.root.join("l.json")),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("must not overlap"), "{}", text(&o));
    let meta_inside = f.src.join("meta.csv");
    std::fs::copy(&f.metadata, &meta_inside).unwrap();
    let key = repo().join("keys/demo-office.key");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&f.src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out),
        "--metadata",
        s(&meta_inside),
        "--allow-missing-metadata",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("would be published"), "{}", text(&o));
    assert!(!out.exists());
    std::fs::remove_file(&meta_inside).unwrap();
    // A missing original of a redacted item: refused, no ledger, no bundle.
    std::fs::remove_file(f.originals.join("t/testimony-1.txt")).unwrap();
    let ledger = f.root.join("new-ledger.json");
    let o = pack(
        &f,
        &out,
        &["--originals", s(&f.originals), "--ledger", s(&ledger)],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("original of redacted item 'T-1'"),
        "{}",
        text(&o)
    );
    assert!(!ledger.exists() && !out.exists());
}
