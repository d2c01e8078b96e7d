//! Bundles built in memory for the checks' tests: a valid one, and the means to break it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bag;
use crate::bagpath::BagPath;
use crate::bundle::Bundle;
use crate::canonical;
use crate::container::Writer;
use crate::digest::{hex, Sha256Digest};
use crate::limits::Limits;
use crate::manifest::{Item, Manifest, MANIFEST_FORMAT};
use crate::release::{Statement, RELEASE_FORMAT};
use crate::sign::{self, NoPassphrase, SigningKey};
use crate::trust::{Revocations, TrustPolicy};

use super::VerifyOptions;

/// The top directory of every fixture bundle.
pub(super) const TOP: &str = "t";

/// The public half of `keys/demo-office.key`, trusted as `demo-office`.
const DEMO_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZoXAmiVS3fpWEfZKDj1Y8wIHzskT/pFfdDtphOFlg3";

/// A bundle's files by bag path.
pub(super) type Files = BTreeMap<String, Vec<u8>>;

/// The public demo signing key (its private half is committed on purpose: keys/README.md).
pub(super) fn key() -> SigningKey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../keys/demo-office.key");
    SigningKey::load(&path, &NoPassphrase).unwrap()
}

/// A policy that trusts the demo key as `demo-office`.
pub(super) fn policy() -> TrustPolicy {
    let line = format!("demo-office namespaces=\"intact-release\" {DEMO_KEY}\n");
    TrustPolicy::parse(&line, Path::new("trusted")).unwrap()
}

/// Options that require one signature by the demo key.
pub(super) fn options() -> VerifyOptions {
    VerifyOptions {
        policy: policy(),
        revocations: Revocations::default(),
        threshold: 1,
        at: None,
        skip_payload: false,
        skip_threshold: false,
    }
}

/// The item records of the fixture's two payload files.
pub(super) fn manifest() -> Manifest {
    let items = [("data/a.txt", &b"alpha\n"[..]), ("data/b/c.txt", b"see\n")]
        .iter()
        .map(|(path, bytes)| Item {
            id: path["data/".len()..].to_owned(),
            path: Some((*path).to_owned()),
            sha256: Some(Sha256Digest::of(bytes).to_hex()),
            size: Some(bytes.len() as u64),
            media_type: Some("text/plain".into()),
            metadata: None,
            redaction: None,
        })
        .collect();
    Manifest {
        format: MANIFEST_FORMAT.into(),
        collection: "c".into(),
        release: "r1".into(),
        items,
        changes: Vec::new(),
        exceptions: Vec::new(),
    }
}

/// A valid statement over [`manifest`], pinning the tag files of [`files`].
pub(super) fn statement() -> Statement {
    let files = files();
    serde_json::from_slice(&files[bag::RELEASE_PATH]).unwrap()
}

/// Every file of a valid, signed bundle.
pub(super) fn files() -> Files {
    let m = manifest();
    let mut f = Files::new();
    f.insert("data/a.txt".into(), b"alpha\n".to_vec());
    f.insert("data/b/c.txt".into(), b"see\n".to_vec());
    let listed: Vec<(BagPath, Sha256Digest)> = f
        .iter()
        .map(|(p, b)| (BagPath::parse(p).unwrap(), Sha256Digest::of(b)))
        .collect();
    f.insert(
        bag::MANIFEST_PATH.into(),
        bag::write_manifest(listed.iter().map(|(p, d)| (p, d))).into_bytes(),
    );
    f.insert(bag::BAGIT_PATH.into(), bag::BAGIT_TXT.as_bytes().to_vec());
    let info = bag::bag_info("c", "r1", "2026-01-15", 10, 2, &[]);
    f.insert(bag::BAG_INFO_PATH.into(), info.into_bytes());
    f.insert(bag::ITEMS_PATH.into(), canonical::to_canonical(&m).unwrap());
    let statement = Statement {
        format: RELEASE_FORMAT.into(),
        collection: "c".into(),
        release: "r1".into(),
        created: "2026-01-15T09:00:00Z".into(),
        previous: None,
        item_count: m.items.len() as u64,
        payload_bytes: m.payload_bytes(),
        merkle_root: hex(&m.merkle_root()),
        tag_files: BTreeMap::new(),
        gate: None,
    };
    f.insert(
        bag::RELEASE_PATH.into(),
        canonical::to_canonical(&statement).unwrap(),
    );
    seal(&mut f, |s| {
        for p in crate::release::REQUIRED_TAG_FILES {
            s.tag_files.insert(p.into(), String::new());
        }
    });
    f
}

/// Makes `files` consistent again after a change: `edit` the statement, pin the digests of the
/// tag files it pins, sign it anew, and list every tag file in the tag manifest.
pub(super) fn seal(files: &mut Files, edit: impl FnOnce(&mut Statement)) {
    let mut s: Statement = serde_json::from_slice(&files[bag::RELEASE_PATH]).unwrap();
    edit(&mut s);
    for (path, digest) in s.tag_files.iter_mut() {
        if let Some(b) = files.get(path) {
            *digest = Sha256Digest::of(b).to_hex();
        }
    }
    let release = canonical::to_canonical(&s).unwrap();
    files.retain(|p, _| !p.starts_with(bag::SIGNATURES_DIR));
    let key = key();
    let sig = key.sign_release(&release).unwrap();
    files.insert(
        sign::signature_path(key.public_key().key_data()),
        sig.into_bytes(),
    );
    files.insert(bag::RELEASE_PATH.into(), release);
    let mut tags = String::new();
    for (p, b) in files.iter() {
        if !p.starts_with("data/") && p != bag::TAGMANIFEST_PATH {
            tags.push_str(&format!("{}  {p}\n", Sha256Digest::of(b).to_hex()));
        }
    }
    files.insert(bag::TAGMANIFEST_PATH.into(), tags.into_bytes());
}

/// The files as a bundle ZIP in memory, under the top directory [`TOP`].
pub(super) fn bundle(files: &Files) -> Bundle {
    let entries: Vec<(String, &[u8])> = files
        .iter()
        .map(|(p, b)| (format!("{TOP}/{p}"), b.as_slice()))
        .collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    zip_bundle(&refs)
}

/// A bundle ZIP in memory with exactly these entries (full names, sorted).
pub(super) fn zip_bundle(entries: &[(&str, &[u8])]) -> Bundle {
    let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.add(name, bytes).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    Bundle::open_zip(&PathBuf::from("test.zip"), Box::new(zip), &Limits::DEFAULT).unwrap()
}

/// One blind edit of `bytes`, for the property tests that compare two readings of an edited
/// file: `edit` 0 replaces the byte at `at` (taken modulo the length and one) with `byte`, 1
/// inserts `byte` there, 2 removes the byte there.
pub(super) fn edit_at(bytes: &mut Vec<u8>, at: usize, edit: u8, byte: u8) {
    let at = at % (bytes.len() + 1);
    match edit {
        0 if at < bytes.len() => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        _ if at < bytes.len() => {
            bytes.remove(at);
        }
        _ => {}
    }
}
