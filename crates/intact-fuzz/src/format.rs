//! Targets of the verifier library (`intact-format`): what a mirror reads from a bundle, a trust
//! policy or a proof.

use std::cell::RefCell;
use std::io::Read;
use std::path::Path;

use intact_format::allowed_signers::{self, TrustPolicy};
use intact_format::canonical;
use intact_format::container;
use intact_format::digest::Sha256Digest;
use intact_format::limits::Limits;
use intact_format::manifest::{Item, Manifest};
use intact_format::progress::Silent;
use intact_format::proof::{self, ProofDocument};
use intact_format::release::{self, Statement};
use intact_format::sshsig;
use intact_format::trust::Revocations;
use intact_format::verify::{self, VerifyOptions, VerifyReport};

/// The strict ZIP reader (FORMAT.md §2). Every member it returns lies inside the file; a
/// container it reads without a problem is read the same (names, sizes, CRCs, bytes) by the
/// `zip` crate, a second reader.
pub fn container(data: &[u8]) {
    let bytes = data.to_vec();
    let Ok(c) = container::read_with_limits(&bytes, &Limits::DEFAULT) else {
        return;
    };
    for m in &c.members {
        let end = m.data_offset.checked_add(m.size);
        assert!(
            end.is_some_and(|e| e <= data.len() as u64),
            "member {} outside the file",
            m.name
        );
    }
    if !c.problems.is_empty() {
        return;
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data))
        .expect("the zip crate reads a container the strict reader accepts");
    assert_eq!(zip.len(), c.members.len(), "entry count differs");
    for m in &c.members {
        let mut f = zip
            .by_name(&m.name)
            .expect("the zip crate finds every member");
        assert_eq!(f.size(), m.size, "size of {} differs", m.name);
        assert_eq!(f.crc32(), m.crc32, "CRC-32 of {} differs", m.name);
        let at = m.data_offset as usize;
        let stored = &data[at..at + m.size as usize];
        let mut content = Vec::new();
        // The CRC is checked when a member is read (`Bundle::read`, `Bundle::hash`), as the zip
        // crate checks it: both refuse the same members.
        match f.read_to_end(&mut content) {
            Ok(_) => assert_eq!(&content[..], stored, "bytes of {} differ", m.name),
            Err(_) => assert_ne!(crc32fast::hash(stored), m.crc32, "{} refused", m.name),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// Writes `data` to a file in a scratch folder of this thread, and runs `f` on its path.
pub(crate) fn with_file<T>(name: &str, data: &[u8], f: impl FnOnce(&Path) -> T) -> T {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        let dir = s.get_or_insert_with(|| tempfile::tempdir().expect("scratch folder"));
        let path = dir.path().join(name);
        std::fs::write(&path, data).expect("scratch file");
        f(&path)
    })
}

/// The whole verification pipeline (FORMAT.md §9) on a bundle ZIP, without a trust policy: no
/// panic, and a report is valid exactly when it lists no problem.
pub fn bundle(data: &[u8]) {
    with_file("bundle.zip", data, |path| {
        let opts = VerifyOptions::consistency_only();
        if let Ok(v) = verify::verify_with_limits(path, &opts, &Limits::DEFAULT, &Silent, true) {
            let r = &v.report;
            assert_eq!(
                r.valid,
                r.problems.is_empty(),
                "verdict and problems disagree"
            );
            if r.valid {
                let bytes = data.to_vec();
                let c = container::read(&bytes).expect("a valid bundle's container reads");
                assert!(
                    c.problems.is_empty(),
                    "a valid bundle has container problems"
                );
            }
        }
    })
}

/// The tag files a `bundle_tree` input carries, in order, split at `\0\0`; a seventh part is the
/// one signature file.
pub const TREE_FILES: [&str; 6] = [
    "bagit.txt",
    "bag-info.txt",
    "manifest-sha256.txt",
    "tagmanifest-sha256.txt",
    "intact/release.json",
    "intact/manifest.json",
];

/// The payload files (bag-relative path, bytes) of a vector and the name of its signature file.
type Vector = (Vec<(String, Vec<u8>)>, String);

/// The payload files of the v1-small vector (tests/vectors/v1-small) and the name of its one
/// signature file, so that a tree's manifests can match real payload.
fn vector() -> &'static Vector {
    static VECTOR: std::sync::OnceLock<Vector> = std::sync::OnceLock::new();
    VECTOR.get_or_init(|| {
        let zip_bytes: &[u8] = include_bytes!("../../../tests/vectors/v1-small/bundle.zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("the vector");
        let (mut payload, mut sig) = (Vec::new(), String::new());
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("a member");
            let full = f.name().map(|n| n.into_owned()).unwrap_or_default();
            let name = full
                .split_once('/')
                .map(|(_, n)| n.to_owned())
                .unwrap_or_default();
            if name.starts_with("data/") {
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).expect("a member's bytes");
                payload.push((name, bytes));
            } else if name.starts_with("intact/signatures/") {
                sig = name;
            }
        }
        (payload, sig)
    })
}

/// The verification pipeline on an extracted bundle tree: the v1-small payload files, and tag
/// files, statement, item records and one signature from the input ([`TREE_FILES`]). The same
/// invariants as [`bundle`].
pub fn bundle_tree(data: &[u8]) {
    let _ = verify_tree(data);
}

/// Lays out the tree of a [`bundle_tree`] input and verifies it: the report, when there is one.
pub fn verify_tree(data: &[u8]) -> Option<VerifyReport> {
    let (payload, sig) = vector();
    let dir = tempfile::tempdir().expect("scratch folder");
    let root = dir.path().join("bag");
    let names = TREE_FILES.iter().copied().chain([sig.as_str()]);
    let files = payload
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .chain(names.zip(crate::split_parts(data, 7)));
    for (name, bytes) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        std::fs::write(&path, bytes).expect("file");
    }
    let opts = VerifyOptions::consistency_only();
    let v = verify::verify_with_limits(&root, &opts, &Limits::DEFAULT, &Silent, true).ok()?;
    let r = v.report;
    assert_eq!(
        r.valid,
        r.problems.is_empty(),
        "verdict and problems disagree"
    );
    Some(r)
}

/// Canonical JSON (RFC 8785): the one-pass check of the canonical subset says yes only where
/// parsing and re-serializing gives the same bytes.
pub fn canonical(data: &[u8]) {
    let (fast, slow) = canonical::fast_and_slow(data);
    assert!(
        !fast || slow,
        "fast check says canonical, the slow one does not"
    );
    assert_eq!(canonical::is_canonical(data), fast || slow);
}

/// Item records (`manifest.json`, FORMAT.md §5): a parsed manifest survives a canonical round
/// trip, and the canonical record reader (`Item::from_canonical_bytes`) reads only bytes that
/// are the canonical JSON of what it reads, as serde reads them. (Verify's own record-by-record
/// reader, `verify/records.rs`, is fuzzed through the `bundle` and `bundle_tree` targets, which
/// run the whole pipeline.)
pub fn items(data: &[u8]) {
    if let Some(item) = Item::from_canonical_bytes(data) {
        assert_eq!(
            item.canonical_bytes(),
            data,
            "read bytes that are not canonical"
        );
        let generic: Item = serde_json::from_slice(data).expect("serde reads a canonical record");
        assert_eq!(generic, item, "read otherwise than serde");
    }
    let full = serde_json::from_slice::<Manifest>(data).ok();
    if let Some(m) = full {
        let _ = m.change_problems();
        let bytes = canonical::to_canonical(&m).expect("a manifest serializes");
        assert!(
            canonical::is_canonical(&bytes),
            "serialized manifest not canonical"
        );
        let again: Manifest = serde_json::from_slice(&bytes).expect("round trip parses");
        assert_eq!(again, m, "manifest round trip");
    }
}

/// The statement (`release.json`, FORMAT.md §6): parsing, the field checks, and a canonical
/// round trip of what parses.
pub fn statement(data: &[u8]) {
    let _ = canonical::is_canonical(data);
    let Ok(s) = serde_json::from_slice::<Statement>(data) else {
        return;
    };
    let _ = release::is_valid_id(&s.collection) && release::is_valid_id(&s.release);
    if let Some(t) = release::parse_created(&s.created) {
        assert_eq!(release::format_created(t), s.created, "created round trip");
    }
    let _ = release::parse_rfc3339(&s.created);
    let _ = Sha256Digest::from_hex(&s.merkle_root);
    let bytes = canonical::to_canonical(&s).expect("a statement serializes");
    assert!(canonical::is_canonical(&bytes));
    let again: Statement = serde_json::from_slice(&bytes).expect("round trip parses");
    assert_eq!(again, s, "statement round trip");
}

/// Signature armor (FORMAT.md §7): the exact reader accepts only the armor it would write, and
/// what `ssh-keygen` reads re-armors to text the exact reader takes, with the same blob.
pub fn sshsig_armor(data: &[u8]) {
    let exact = sshsig::read_exact(data);
    let keygen = sshsig::read_as_ssh_keygen(data);
    if let Ok(sig) = &exact {
        let (k, armor) = keygen
            .as_ref()
            .expect("ssh-keygen reads what the exact reader does");
        assert_eq!(k.blob, sig.blob);
        assert_eq!(armor.as_bytes(), data, "exact armor is not canonical");
    }
    if let Ok((sig, armor)) = &keygen {
        let again = sshsig::read_exact(armor.as_bytes()).expect("canonical armor reads exactly");
        assert_eq!(again.blob, sig.blob);
    }
}

/// SSHSIG and key blobs read field by field, and OpenSSH's base64: a blob that parses parses
/// again from its own armor; base64 round-trips.
pub fn sshsig_blob(data: &[u8]) {
    let _ = sshsig::parse_key_blob(data, None);
    let _ = sshsig::parse_key_blob(data, Some("ssh-ed25519"));
    if let Ok(sig) = sshsig::parse_blob(data) {
        let again = sshsig::read_exact(sshsig::armor(data).as_bytes()).expect("own armor reads");
        assert_eq!(again.blob, sig.blob);
        assert_eq!(again.namespace, sig.namespace);
    }
    assert_eq!(
        sshsig::b64_pton(sshsig::b64_ntop(data).as_bytes()).as_deref(),
        Some(data)
    );
    if let Some(decoded) = sshsig::b64_pton(data) {
        assert!(
            decoded.len() <= data.len(),
            "base64 decodes to more than its text"
        );
    }
}

/// `allowed_signers` (TRUST.md), read as OpenSSH reads it; its time and pattern helpers.
pub fn allowed_signers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = TrustPolicy::parse(text, Path::new("allowed_signers")) {
        let _ = p.release_principals();
        for s in &p.signers {
            let _ = (s.principal(), s.allows_namespace());
        }
    }
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let _ = allowed_signers::parse_ssh_time(first);
    let _ = allowed_signers::match_pattern_list(first, rest);
}

/// The revocation list (TRUST.md).
pub fn revocations(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = Revocations::parse(text, Path::new("revoked")) {
        let now = release::parse_created("2026-01-01T00:00:00Z").expect("a fixed time");
        for e in &r.entries {
            let _ = r.find(&e.fingerprint, now);
        }
    }
}

/// Inclusion proofs (FORMAT.md §13): a proof that parses, written out again as a document,
/// parses to the same proof with the same inclusion verdict.
pub fn proof(data: &[u8]) {
    let Ok(p) = proof::parse(data) else {
        return;
    };
    let holds = p.verify_inclusion();
    let _ = p.item_sha256();
    let doc = ProofDocument {
        proof: proof::PROOF_FORMAT.into(),
        bundle_id: p.bundle_id.clone(),
        release_json: String::from_utf8(p.release_json.clone()).expect("release_json is text"),
        signatures: p.signatures.clone(),
        item: p.item.clone(),
        leaf_index: p.leaf_index,
        tree_size: p.tree_size,
        audit_path: p
            .audit_path
            .iter()
            .map(|h| Sha256Digest(*h).to_hex())
            .collect(),
    };
    let again = proof::parse(doc.to_json().as_bytes()).expect("a written proof parses");
    assert_eq!(again.release_json, p.release_json);
    assert_eq!(again.item, p.item);
    assert_eq!(again.audit_path, p.audit_path);
    assert_eq!(again.verify_inclusion(), holds, "inclusion verdict changed");
}

/// A signed note and the checkpoint it may carry (FORMAT.md §15). A note that parses is written
/// back byte for byte; its checkpoint text written back is the same text; checking signatures
/// by a fixed log key and witness key never panics, and the log key's verdict is the same on the
/// note read again.
pub fn signed_note(data: &[u8]) {
    use intact_format::tlog::{cosignature, Checkpoint, KeyType, Note, SignerKey};
    let Ok(n) = Note::parse(data) else {
        return;
    };
    assert_eq!(n.to_bytes(), data, "a note is written back as it was read");
    if let Ok(c) = Checkpoint::parse(&n.text) {
        assert_eq!(
            c.to_text(),
            n.text,
            "a checkpoint is written back as it was read"
        );
    }
    let log = SignerKey::from_seed("example.org/log", KeyType::Ed25519, &[7; 32])
        .expect("a valid key name")
        .verifier();
    let w = SignerKey::from_seed("witness.example/w1", KeyType::Cosignature, &[9; 32])
        .expect("a valid key name")
        .verifier();
    let verdict = n.check_ed25519(&log);
    let _ = cosignature::cosigners(&n, &[log.clone(), w]);
    let again = Note::parse(&n.to_bytes()).expect("a written note parses");
    assert_eq!(again.check_ed25519(&log), verdict);
}

/// A verifier or signer key string (FORMAT.md §15.1): one that parses encodes to itself.
pub fn note_key(data: &[u8]) {
    use intact_format::tlog::{SignerKey, VerifierKey};
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(k) = VerifierKey::parse(s) {
        assert_eq!(k.encode(), s.trim(), "a verifier key encodes to itself");
    }
    if let Ok(k) = SignerKey::parse(s) {
        assert_eq!(
            k.encode().as_str(),
            s.trim(),
            "a signer key encodes to itself"
        );
    }
}

/// A consistency or inclusion proof document between checkpoints (FORMAT.md §15.5): one that
/// parses, written out, parses to the same document.
pub fn tlog_proof(data: &[u8]) {
    use intact_format::tlog::proofs::{ConsistencyDocument, InclusionDocument};
    if let Ok(d) = ConsistencyDocument::parse(data) {
        assert_eq!(ConsistencyDocument::parse(d.to_json().as_bytes()), Ok(d));
    }
    if let Ok(d) = InclusionDocument::parse(data) {
        assert_eq!(InclusionDocument::parse(d.to_json().as_bytes()), Ok(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds reach the end of the pipeline: each is a valid bundle, so mutations of them
    /// explore every check rather than the first refusal.
    #[test]
    fn the_bundle_seeds_verify() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
        let tree = std::fs::read(corpus.join("bundle_tree/v1-small")).unwrap();
        let r = verify_tree(&tree).unwrap();
        assert!(r.valid, "{:?}", r.problems);
        let zip = std::fs::read(corpus.join("bundle/v1-small.zip")).unwrap();
        with_file("bundle.zip", &zip, |path| {
            let opts = VerifyOptions::consistency_only();
            let v = verify::verify_with_limits(path, &opts, &Limits::DEFAULT, &Silent, true);
            assert!(v.unwrap().report.valid);
        });
    }
}
