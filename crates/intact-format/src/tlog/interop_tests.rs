//! Interoperability with independent implementations of the same formats: the `signed_note`
//! and `tlog_tiles` crates (0.2, Cloudflare's azul). Notes, keys and checkpoints written by
//! intact are read and verified there, and theirs here; RFC 9162 proofs made by either side are
//! checked by the other. Neither crate implements cosignature/v1, so its message is built here
//! after c2sp.org/tlog-cosignature and plugged into `signed_note`'s note parser and key-id
//! lookup through its `Verifier` and `Signer` traits.

use ed25519_dalek::{Signer as _, Verifier as _};
use signed_note::{Verifier as _, Verifiers as _};

use super::checkpoint::Checkpoint;
use super::cosignature;
use super::keys::{KeyType, SignerKey, VerifierKey};
use super::note::Note;
use crate::merkle;

fn leaves(n: u64) -> (Vec<Vec<u8>>, Vec<merkle::Hash>) {
    let data: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("{{\"release\":{i}}}").into_bytes())
        .collect();
    let hashes = data.iter().map(|d| merkle::leaf_hash(d)).collect();
    (data, hashes)
}

fn intact_checkpoint(size: u64) -> String {
    let (_, l) = leaves(size);
    Checkpoint {
        origin: "archive.example/log".into(),
        size,
        root: merkle::root(&l),
        extensions: vec!["intact-log/2".into()],
    }
    .to_text()
}

#[test]
fn intact_notes_verify_in_signed_note_and_parse_in_tlog_tiles() {
    let key = SignerKey::from_seed("archive.example/log", KeyType::Ed25519, &[3; 32]).unwrap();
    let text = intact_checkpoint(5);
    let note = Note::sign(&text, &key).unwrap().to_bytes();
    let theirs = signed_note::Note::from_bytes(&note).unwrap();
    let v = signed_note::StandardVerifier::new(&key.verifier().encode()).unwrap();
    let (ok, unknown) = theirs
        .verify(&signed_note::VerifierList::new(vec![Box::new(v.clone())]))
        .unwrap();
    assert_eq!((ok.len(), unknown.len()), (1, 0));
    assert_eq!(v.key_id(), key.id);
    let cp = tlog_tiles::Checkpoint::from_bytes(theirs.text()).unwrap();
    let mine = Checkpoint::parse(&text).unwrap();
    assert_eq!(
        (cp.origin(), cp.size(), cp.hash().0, cp.extension()),
        (mine.origin.as_str(), mine.size, mine.root, "intact-log/2\n")
    );
    // A changed byte is refused there too.
    let forged = String::from_utf8(note).unwrap().replace("\n5\n", "\n6\n");
    let theirs = signed_note::Note::from_bytes(forged.as_bytes()).unwrap();
    assert!(theirs
        .verify(&signed_note::VerifierList::new(vec![Box::new(v)]))
        .is_err());
}

#[test]
fn signed_note_notes_and_keys_verify_in_intact() {
    let (skey, vkey) = signed_note::generate_key(&mut rand_core::OsRng, "other.example/log");
    let signer = signed_note::StandardSigner::new(&skey).unwrap();
    let (_, l) = leaves(7);
    let cp = tlog_tiles::Checkpoint::new(
        "other.example/log",
        7,
        tlog_tiles::Hash(merkle::root(&l)),
        "",
    )
    .unwrap();
    let mut note = signed_note::Note::new(&cp.to_bytes(), &[]).unwrap();
    note.add_sigs(&[&signer]).unwrap();
    let bytes = note.to_bytes();
    let mine = Note::parse(&bytes).unwrap();
    let vk = VerifierKey::parse(&vkey).unwrap();
    assert_eq!(vk.encode(), vkey);
    assert_eq!(SignerKey::parse(&skey).unwrap().verifier(), vk);
    assert_eq!(mine.check_ed25519(&vk), Some(true));
    assert_eq!(mine.to_bytes(), bytes);
    let c = Checkpoint::parse(&mine.text).unwrap();
    assert_eq!((c.size, c.root), (7, merkle::root(&l)));
}

/// A cosignature/v1 verifier for `signed_note`, written after c2sp.org/tlog-cosignature.
struct CosigVerifier {
    name: String,
    id: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl signed_note::Verifier for CosigVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != 72 {
            return false;
        }
        let time = u64::from_be_bytes(sig[..8].try_into().unwrap());
        let mut m = format!("cosignature/v1\ntime {time}\n").into_bytes();
        m.extend_from_slice(msg);
        let s = ed25519_dalek::Signature::from_slice(&sig[8..]).unwrap();
        self.key.verify(&m, &s).is_ok()
    }
}

/// The matching signer.
struct CosigSigner {
    name: String,
    id: u32,
    key: ed25519_dalek::SigningKey,
    time: u64,
}

impl signed_note::Signer for CosigSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        let mut m = format!("cosignature/v1\ntime {}\n", self.time).into_bytes();
        m.extend_from_slice(msg);
        let mut out = self.time.to_be_bytes().to_vec();
        out.extend_from_slice(&self.key.sign(&m).to_bytes());
        Ok(out)
    }
}

#[test]
fn cosignatures_interoperate_both_ways() {
    let log = SignerKey::from_seed("archive.example/log", KeyType::Ed25519, &[3; 32]).unwrap();
    let seed = [5u8; 32];
    let w = SignerKey::from_seed("witness.example/w1", KeyType::Cosignature, &seed).unwrap();
    let text = intact_checkpoint(3);
    // intact → signed_note: the key id signed_note computes over 0x04 ‖ key is intact's.
    let mut note = Note::sign(&text, &log).unwrap();
    note.add_signature(cosignature::cosign(&text, 1_767_225_600, &w).unwrap());
    let pk = *w.verifier().key.as_bytes();
    let mut typed = vec![0x04];
    typed.extend_from_slice(&pk);
    assert_eq!(signed_note::key_id("witness.example/w1", &typed), w.id);
    let cv = CosigVerifier {
        name: w.name.clone(),
        id: signed_note::key_id("witness.example/w1", &typed),
        key: ed25519_dalek::VerifyingKey::from_bytes(&pk).unwrap(),
    };
    let list = signed_note::VerifierList::new(vec![Box::new(cv)]);
    let theirs = signed_note::Note::from_bytes(&note.to_bytes()).unwrap();
    let (ok, unknown) = theirs.verify(&list).unwrap();
    assert_eq!(
        (ok.len(), unknown.len()),
        (1, 1),
        "cosignature verified, log line unknown"
    );
    assert!(list.verifier(&w.name, w.id).is_ok());
    // signed_note → intact.
    let signer = CosigSigner {
        name: w.name.clone(),
        id: w.id,
        key: ed25519_dalek::SigningKey::from_bytes(&seed),
        time: 1_800_000_000,
    };
    let mut theirs = signed_note::Note::new(text.as_bytes(), &[]).unwrap();
    theirs.add_sigs(&[&signer]).unwrap();
    let mine = Note::parse(&theirs.to_bytes()).unwrap();
    let wv = [w.verifier()];
    let (valid, invalid) = cosignature::cosigners(&mine, &wv);
    assert!(invalid.is_empty());
    assert_eq!(valid[0].1, 1_800_000_000);
}

struct Stored(Vec<tlog_tiles::Hash>);

impl tlog_tiles::HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        Ok(indexes.iter().map(|&i| self.0[i as usize]).collect())
    }
}

/// RFC 9162 inclusion and consistency proofs: tlog_tiles checks intact's, and intact checks
/// tlog_tiles's, for every pair of sizes up to 33.
#[test]
fn proofs_interoperate_with_tlog_tiles() {
    let (data, l) = leaves(33);
    let mut stored = Stored(Vec::new());
    for (i, d) in data.iter().enumerate() {
        let add = tlog_tiles::stored_hashes(i as u64, d, &stored).unwrap();
        stored.0.extend(add);
    }
    for n in 1..=33u64 {
        let root = merkle::root(&l[..n as usize]);
        let th = tlog_tiles::tree_hash(n, &stored).unwrap();
        assert_eq!(th.0, root, "root {n}");
        for i in 0..n {
            let mine = merkle::inclusion_proof(i as usize, &l[..n as usize]).unwrap();
            let theirs: Vec<tlog_tiles::Hash> = mine.iter().map(|h| tlog_tiles::Hash(*h)).collect();
            tlog_tiles::check_record(&theirs, n, th, i, tlog_tiles::Hash(l[i as usize])).unwrap();
            let p = tlog_tiles::prove_record(n, i, &stored).unwrap();
            let back: Vec<merkle::Hash> = p.iter().map(|h| h.0).collect();
            assert!(merkle::verify_inclusion(i, n, &l[i as usize], &back, &root));
        }
        for m in 1..n {
            let old = merkle::root(&l[..m as usize]);
            let mine = merkle::consistency_proof(m as usize, &l[..n as usize]).unwrap();
            let theirs: Vec<tlog_tiles::Hash> = mine.iter().map(|h| tlog_tiles::Hash(*h)).collect();
            tlog_tiles::check_tree(&theirs, n, th, m, tlog_tiles::Hash(old)).unwrap();
            let p = tlog_tiles::prove_tree(n, m, &stored).unwrap();
            let back: Vec<merkle::Hash> = p.iter().map(|h| h.0).collect();
            assert!(
                merkle::verify_consistency(m, n, &old, &root, &back),
                "{m} {n}"
            );
        }
    }
}
