//! The transparency-log vectors' generator (`tests/vectors/tlog/cases/`, FORMAT.md §15.7):
//! signed checkpoints, cosignatures, consistency and inclusion proofs, valid and not, as files
//! another implementation can check without Rust.
//!
//! Each case is `tests/vectors/tlog/cases/<name>/` with the inputs its `expect.json` names and
//! the verdict (`valid`). Keys come from fixed seeds and Ed25519 is deterministic, so the tree
//! is byte-for-byte reproducible. `committed_tlog_vectors_equal_the_generator` regenerates it
//! into a temp dir and requires the committed tree to be identical (with
//! `INTACT_REGENERATE_VECTORS=1` it rewrites the committed tree), and
//! `every_committed_tlog_case_holds` checks each committed case with intact's own verifiers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use intact_format::merkle::{self, Hash};
use intact_format::tlog::checkpoint::encode_hash;
use intact_format::tlog::proofs::{ConsistencyDocument, InclusionDocument};
use intact_format::tlog::{cosignature, Checkpoint, KeyType, Note, SignerKey, VerifierKey};
use serde_json::{json, Value};

const ORIGIN: &str = "archive.example/releases";

type Case = BTreeMap<String, Vec<u8>>;

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, KeyType::Ed25519, &[0x11; 32]).unwrap()
}

fn witness_key() -> SignerKey {
    SignerKey::from_seed("witness.example/w1", KeyType::Cosignature, &[0x22; 32]).unwrap()
}

/// The leaves of a log of `n` releases (synthetic statements).
fn leaf_data(n: usize, fork_at: Option<usize>) -> Vec<String> {
    (0..n)
        .map(|i| match fork_at {
            Some(f) if i >= f => format!("{{\"release\":\"forked-{i}\"}}"),
            _ => format!("{{\"release\":\"r{i}\"}}"),
        })
        .collect()
}

fn hashes(data: &[String]) -> Vec<Hash> {
    data.iter()
        .map(|d| merkle::leaf_hash(d.as_bytes()))
        .collect()
}

fn signed(leaves: &[Hash], key: &SignerKey) -> Note {
    let cp = Checkpoint {
        origin: ORIGIN.into(),
        size: leaves.len() as u64,
        root: merkle::root(leaves),
        extensions: vec![],
    };
    Note::sign(&cp.to_text(), key).unwrap()
}

fn case(files: &[(&str, Vec<u8>)], expect: Value) -> Case {
    let mut c: Case = files
        .iter()
        .map(|(n, b)| (n.to_string(), b.clone()))
        .collect();
    c.insert(
        "log.vkey".into(),
        format!("{}\n", log_key().verifier().encode()).into_bytes(),
    );
    let mut e = serde_json::to_vec_pretty(&expect).unwrap();
    e.push(b'\n');
    c.insert("expect.json".into(), e);
    c
}

fn checkpoint_cases(out: &mut BTreeMap<String, Case>) {
    let l = hashes(&leaf_data(5, None));
    let good = signed(&l, &log_key());
    let g = String::from_utf8(good.to_bytes()).unwrap();
    let expect = |valid: bool, why: &str| {
        let mut e = json!({"kind": "checkpoint", "valid": valid, "why": why});
        if valid {
            e["origin"] = json!(ORIGIN);
            e["size"] = json!(5);
            e["root"] = json!(encode_hash(&merkle::root(&l)));
        }
        e
    };
    let other = SignerKey::from_seed(ORIGIN, KeyType::Ed25519, &[0x33; 32]).unwrap();
    let mut cases: Vec<(&str, String, bool, &str)> = vec![
        ("checkpoint-signed", g.clone(), true, "a checkpoint signed by the log key"),
        (
            "checkpoint-other-key-same-name",
            String::from_utf8(signed(&l, &other).to_bytes()).unwrap(),
            false,
            "signed by another key of the same name: its key id differs, no signature by the log key",
        ),
        ("checkpoint-size-changed", g.replacen("\n5\n", "\n6\n", 1), false, "the size changed after signing"),
        ("checkpoint-size-leading-zero", g.replacen("\n5\n", "\n05\n", 1), false, "a size with a leading zero is not a checkpoint"),
        ("checkpoint-no-blank-line", g.replacen("\n\n", "\n", 1), false, "no blank line before the signatures"),
        ("checkpoint-crlf", g.replacen(&format!("{ORIGIN}\n"), &format!("{ORIGIN}\r\n"), 1), false, "a carriage return is a control character"),
        ("checkpoint-root-short", g.replacen(&encode_hash(&merkle::root(&l)), "AAAA", 1), false, "the root hash is not 32 bytes"),
        ("checkpoint-empty-extension", g.replacen("\n\n", "\n\n\n", 1), false, "an empty line after the root (an empty extension line)"),
    ];
    let mut ext = Checkpoint::parse(&good.text).unwrap();
    ext.extensions = vec!["intact-extension example".into()];
    let n = Note::sign(&ext.to_text(), &log_key()).unwrap();
    cases.push((
        "checkpoint-with-extension",
        String::from_utf8(n.to_bytes()).unwrap(),
        true,
        "an extension line is signed with the rest and ignored by readers",
    ));
    for (name, note, valid, why) in cases {
        out.insert(
            name.into(),
            case(
                &[("checkpoint.note", note.into_bytes())],
                expect(valid, why),
            ),
        );
    }
}

fn cosignature_cases(out: &mut BTreeMap<String, Case>) {
    let l = hashes(&leaf_data(3, None));
    let mut note = signed(&l, &log_key());
    let w = witness_key();
    note.add_signature(cosignature::cosign(&note.text, 1_767_225_600, &w).unwrap());
    let good = String::from_utf8(note.to_bytes()).unwrap();
    let wv = format!("{}\n", w.verifier().encode()).into_bytes();
    let mut changed_time = note.clone();
    changed_time.signatures[1].signature[7] ^= 1;
    let mut other_cp = signed(&hashes(&leaf_data(4, None)), &log_key());
    other_cp.signatures.push(note.signatures[1].clone());
    for (name, n, valid, why) in [
        (
            "cosignature-valid",
            good,
            true,
            "the log key's signature and a witness's cosignature/v1 at 1767225600",
        ),
        (
            "cosignature-time-changed",
            String::from_utf8(changed_time.to_bytes()).unwrap(),
            false,
            "the timestamp bytes changed: the signed message differs",
        ),
        (
            "cosignature-other-checkpoint",
            String::from_utf8(other_cp.to_bytes()).unwrap(),
            false,
            "a cosignature of another checkpoint copied under this one",
        ),
    ] {
        let mut e = json!({"kind": "cosignature", "valid": valid, "why": why});
        if valid {
            e["time"] = json!(1_767_225_600u64);
        }
        out.insert(
            name.into(),
            case(
                &[
                    ("checkpoint.note", n.into_bytes()),
                    ("witness.vkey", wv.clone()),
                ],
                e,
            ),
        );
    }
}

fn consistency_cases(out: &mut BTreeMap<String, Case>) {
    for (old, new, fork) in [
        (3usize, 7usize, false),
        (4, 7, false),
        (6, 7, false),
        (1, 9, false),
        (5, 5, false),
        (3, 7, true),
        (4, 8, true),
    ] {
        let honest = leaf_data(new, None);
        let l = hashes(&honest);
        let proof = ConsistencyDocument::build(old as u64, &l).unwrap();
        // In a fork the old checkpoint is of another history of the same size.
        let old_leaves = if fork {
            hashes(&leaf_data(old, Some(old - 1)))
        } else {
            l[..old].to_vec()
        };
        let name = format!(
            "consistency-{old}-to-{new}{}",
            if fork { "-fork" } else { "" }
        );
        let why = if fork {
            "the older checkpoint's last leaf differs: the proof from the newer log cannot reach its root"
        } else {
            "the older tree is a prefix of the newer"
        };
        out.insert(
            name,
            case(
                &[
                    ("leaves.json", serde_json::to_vec_pretty(&honest).unwrap()),
                    ("old.note", signed(&old_leaves, &log_key()).to_bytes()),
                    ("new.note", signed(&l, &log_key()).to_bytes()),
                    ("proof.json", proof.to_json().into_bytes()),
                ],
                json!({"kind": "consistency", "valid": !fork, "why": why}),
            ),
        );
    }
}

fn inclusion_cases(out: &mut BTreeMap<String, Case>) {
    let data = leaf_data(6, None);
    let l = hashes(&data);
    let head = signed(&l, &log_key());
    for (i, leaf, valid, why) in [
        (0usize, data[0].clone(), true, "the first release"),
        (4, data[4].clone(), true, "a release in the right subtree"),
        (
            5,
            data[5].clone(),
            true,
            "the last release of a tree that is not a power of two",
        ),
        (
            2,
            "{\"release\":\"forged\"}".to_string(),
            false,
            "another release.json than the one logged",
        ),
    ] {
        let id = intact_format::digest::Sha256Digest::of(data[i].as_bytes()).to_hex();
        let doc = InclusionDocument::build(i as u64, &l, &id, &head).unwrap();
        out.insert(
            format!("inclusion-{i}-of-6{}", if valid { "" } else { "-forged" }),
            case(
                &[
                    ("release.json", leaf.into_bytes()),
                    ("proof.json", doc.to_json().into_bytes()),
                ],
                json!({"kind": "inclusion", "valid": valid, "why": why}),
            ),
        );
    }
}

/// Every case, by directory name.
pub fn tlog_vectors() -> BTreeMap<String, Case> {
    let mut out = BTreeMap::new();
    checkpoint_cases(&mut out);
    cosignature_cases(&mut out);
    consistency_cases(&mut out);
    inclusion_cases(&mut out);
    for c in out.values_mut() {
        let readme = String::from_utf8_lossy(&c["expect.json"]).into_owned();
        let v: Value = serde_json::from_str(&readme).unwrap();
        c.insert(
            "README".into(),
            format!("{}\n", v["why"].as_str().unwrap()).into_bytes(),
        );
    }
    out
}

/// intact's verdict on a case directory: `Ok(details)` when valid.
fn judge(dir: &Path) -> Result<Value, String> {
    let read = |n: &str| std::fs::read(dir.join(n)).map_err(|e| format!("{n}: {e}"));
    let key = VerifierKey::parse(&String::from_utf8_lossy(&read("log.vkey")?))
        .map_err(|e| e.to_string())?;
    let expect: Value = serde_json::from_slice(&read("expect.json")?).unwrap();
    let signed_cp = |n: &str| -> Result<Checkpoint, String> {
        intact_format::tlog::proofs::signed_checkpoint(&read(n)?, &key).map_err(|e| e.to_string())
    };
    match expect["kind"].as_str() {
        Some("checkpoint") => {
            let cp = signed_cp("checkpoint.note")?;
            Ok(json!({"origin": cp.origin, "size": cp.size, "root": encode_hash(&cp.root)}))
        }
        Some("cosignature") => {
            signed_cp("checkpoint.note")?;
            let note = Note::parse(&read("checkpoint.note")?).map_err(|e| e.to_string())?;
            let w = VerifierKey::parse(&String::from_utf8_lossy(&read("witness.vkey")?))
                .map_err(|e| e.to_string())?;
            let ws = [w];
            let (valid, _) = cosignature::cosigners(&note, &ws);
            valid
                .first()
                .map(|(_, t)| json!({"time": t}))
                .ok_or_else(|| "no valid cosignature".into())
        }
        Some("consistency") => {
            let (old, new) = (signed_cp("old.note")?, signed_cp("new.note")?);
            let d = ConsistencyDocument::parse(&read("proof.json")?).map_err(|e| e.to_string())?;
            d.check(&old, &new)
                .map(|_| json!({}))
                .map_err(|e| e.to_string())
        }
        Some("inclusion") => {
            let d = InclusionDocument::parse(&read("proof.json")?).map_err(|e| e.to_string())?;
            d.check_signed(&read("release.json")?, &key)
                .map(|_| json!({}))
                .map_err(|e| e.to_string())
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

fn committed() -> PathBuf {
    intact_testkit::repo().join("tests/vectors/tlog/cases")
}

fn write_all(root: &Path, cases: &BTreeMap<String, Case>) {
    for (name, files) in cases {
        let d = root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        for (f, b) in files {
            std::fs::write(d.join(f), b).unwrap();
        }
    }
}

#[test]
fn committed_tlog_vectors_equal_the_generator() {
    let made = tlog_vectors();
    assert!(made.len() >= 20, "{} cases", made.len());
    if std::env::var_os("INTACT_REGENERATE_VECTORS").is_some() {
        let dest = committed();
        if dest.exists() {
            std::fs::remove_dir_all(&dest).unwrap();
        }
        write_all(&dest, &made);
        return;
    }
    let mut have: BTreeMap<String, Case> = BTreeMap::new();
    for e in walkdir::WalkDir::new(committed()).min_depth(2).max_depth(2) {
        let e = e.unwrap();
        let case = e
            .path()
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let file = e.file_name().to_string_lossy().into_owned();
        have.entry(case)
            .or_default()
            .insert(file, std::fs::read(e.path()).unwrap());
    }
    assert!(
        have == made,
        "tests/vectors/tlog/cases differs from the generator (regenerate with \
         INTACT_REGENERATE_VECTORS=1 cargo test -p intact-cli --test it tlog_vectors_gen::)"
    );
}

#[test]
fn every_committed_tlog_case_holds() {
    let mut n = 0;
    for e in std::fs::read_dir(committed()).unwrap() {
        let dir = e.unwrap().path();
        let expect: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expect.json")).unwrap()).unwrap();
        let got = judge(&dir);
        assert_eq!(
            got.is_ok(),
            expect["valid"] == true,
            "{}: {got:?}",
            dir.display()
        );
        if let Ok(details) = got {
            for (k, v) in details.as_object().unwrap() {
                assert_eq!(&expect[k], v, "{}: {k}", dir.display());
            }
        }
        n += 1;
    }
    assert!(n >= 20);
}
