//! Cosignatures (c2sp.org/tlog-cosignature, cosignature/v1): a witness's statement that it saw
//! a checkpoint at a time, and that it is consistent with every earlier checkpoint of the same
//! origin the witness cosigned.
//!
//! The signature line's bytes (after the key id) are the time — seconds since the Unix epoch,
//! eight bytes big-endian — and the Ed25519 signature of
//! `cosignature/v1\ntime <time>\n<checkpoint text>`; the key's type byte is 0x04.

use ed25519_dalek::{Signature, Verifier as _};

use super::keys::{KeyType, SignerKey, VerifierKey};
use super::note::{Note, NoteSignature};

/// The message a witness signs for `checkpoint_text` at `time`.
pub fn message(checkpoint_text: &str, time: u64) -> Vec<u8> {
    let mut m = format!("cosignature/v1\ntime {time}\n").into_bytes();
    m.extend_from_slice(checkpoint_text.as_bytes());
    m
}

/// The cosignature line of `key` (type 0x04) over `checkpoint_text` at `time`.
pub fn cosign(checkpoint_text: &str, time: u64, key: &SignerKey) -> Option<NoteSignature> {
    if key.kind != KeyType::Cosignature {
        return None;
    }
    let mut signature = time.to_be_bytes().to_vec();
    signature.extend_from_slice(&key.sign_raw(&message(checkpoint_text, time)));
    Some(NoteSignature {
        name: key.name.clone(),
        id: key.id,
        signature,
    })
}

/// The time of `sig` if it is a valid cosignature by `key` of `checkpoint_text`.
pub fn verify(checkpoint_text: &str, sig: &NoteSignature, key: &VerifierKey) -> Option<u64> {
    if key.kind != KeyType::Cosignature || !sig.is_by(key) || sig.signature.len() != 72 {
        return None;
    }
    let mut t = [0u8; 8];
    t.copy_from_slice(&sig.signature[..8]);
    let time = u64::from_be_bytes(t);
    let s = Signature::from_slice(&sig.signature[8..]).ok()?;
    key.key
        .verify(&message(checkpoint_text, time), &s)
        .is_ok()
        .then_some(time)
}

/// The witnesses of `keys` with a valid cosignature on `note`, each once, with its time. A
/// line by a listed witness that does not verify is in the second list.
pub fn cosigners<'a>(
    note: &Note,
    keys: &'a [VerifierKey],
) -> (Vec<(&'a VerifierKey, u64)>, Vec<&'a VerifierKey>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    for k in keys.iter().filter(|k| k.kind == KeyType::Cosignature) {
        let mut time = None;
        let mut bad = false;
        for s in note.signatures_by(k) {
            match verify(&note.text, s, k) {
                Some(t) => time = Some(t),
                None => bad = true,
            }
        }
        match (bad, time) {
            (true, _) => invalid.push(k),
            (false, Some(t)) => valid.push((k, t)),
            (false, None) => {}
        }
    }
    (valid, invalid)
}

#[cfg(test)]
mod tests {
    use super::super::keys::tests::{log_key, witness_key};
    use super::*;

    #[test]
    fn cosign_and_verify() {
        let text = "example.org/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let w = witness_key("witness.example/w1", 9);
        let sig = cosign(text, 1_700_000_000, &w).unwrap();
        assert_eq!(sig.signature.len(), 72);
        assert_eq!(verify(text, &sig, &w.verifier()), Some(1_700_000_000));
        // Another text, time, key or a changed byte: refused.
        assert_eq!(verify(&text.replace('3', "4"), &sig, &w.verifier()), None);
        let mut t = sig.clone();
        t.signature[7] ^= 1;
        assert_eq!(verify(text, &t, &w.verifier()), None);
        let other = witness_key("witness.example/w2", 10);
        assert_eq!(verify(text, &sig, &other.verifier()), None);
        assert!(cosign(text, 1, &log_key()).is_none());
        // In a note beside the log's signature.
        let mut note = Note::sign(text, &log_key()).unwrap();
        note.add_signature(sig);
        let back = Note::parse(&note.to_bytes()).unwrap();
        let keys = [w.verifier(), other.verifier(), log_key().verifier()];
        let (valid, invalid) = cosigners(&back, &keys);
        assert_eq!(valid.len(), 1);
        assert_eq!(valid[0].1, 1_700_000_000);
        assert!(invalid.is_empty());
        assert_eq!(back.check_ed25519(&log_key().verifier()), Some(true));
    }

    /// The witness key id uses type byte 0x04, so the same Ed25519 key as a log key has
    /// another id.
    #[test]
    fn key_id_depends_on_type() {
        let a = SignerKey::from_seed("n", KeyType::Ed25519, &[1; 32]).unwrap();
        let b = SignerKey::from_seed("n", KeyType::Cosignature, &[1; 32]).unwrap();
        assert_ne!(a.id, b.id);
    }
}
