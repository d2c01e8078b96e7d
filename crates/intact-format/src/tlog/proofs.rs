//! Consistency and inclusion proofs between checkpoints (RFC 9162 §2.1.3, §2.1.4) as JSON
//! documents (FORMAT.md §15.5), over the one Merkle implementation, [`crate::merkle`].
//!
//! A consistency proof says that the log of the older checkpoint is a prefix of the log of the
//! newer one; an inclusion proof that a release (its `release.json` bytes: the leaf) is entry
//! `index + 1` of the log of a checkpoint.

use serde::{Deserialize, Serialize};

use super::checkpoint::{decode_hash, encode_hash, Checkpoint};
use super::keys::VerifierKey;
use super::note::Note;
use crate::merkle::{self, Hash};

/// Format id of a consistency proof document.
pub const CONSISTENCY_FORMAT: &str = "intact-consistency/1";
/// Format id of an inclusion proof document.
pub const INCLUSION_FORMAT: &str = "intact-log-inclusion/1";
/// Most hashes a proof may carry: a consistency proof between trees of fewer than 2^64 leaves
/// has at most 2 × 64, an inclusion proof at most 64.
pub const MAX_PROOF_HASHES: usize = 128;
/// Largest proof document a reader takes (the hashes, two checkpoints with signatures).
pub const MAX_PROOF_DOCUMENT: usize = 256 << 10;

/// Why a proof does not hold or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    #[error("not a readable proof: {0}")]
    Malformed(String),
    #[error("the checkpoints have different origins ('{0}' and '{1}')")]
    Origin(String, String),
    #[error("the older checkpoint ({0}) is larger than the newer one ({1})")]
    Order(u64, u64),
    #[error("the proof does not show that the tree of size {0} is a prefix of the tree of size {1}: the logs differ")]
    Inconsistent(u64, u64),
    #[error("the proof does not show leaf {0} in the tree of size {1}")]
    NotIncluded(u64, u64),
    #[error("the checkpoint is not signed by the log key {0}: {1}")]
    Signature(String, String),
}

/// A consistency proof from `old_size` to `new_size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyDocument {
    pub proof: String,
    pub old_size: u64,
    pub new_size: u64,
    /// RFC 9162 §2.1.4.1 `PROOF(old_size, D[new_size])`, each hash standard base64.
    pub hashes: Vec<String>,
}

/// An inclusion proof of leaf `index` in the tree of `size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionDocument {
    pub proof: String,
    /// Zero-based: entry `index + 1` of the log.
    pub index: u64,
    pub size: u64,
    /// SHA-256 of the leaf's bytes (the entry's `release.json`): its bundle id, lowercase hex.
    pub bundle_id: String,
    /// RFC 9162 §2.1.3.1 audit path, bottom up, each hash standard base64.
    pub hashes: Vec<String>,
    /// The signed checkpoint of the tree of `size` (a signed note, with any cosignatures).
    pub checkpoint: String,
}

fn encode(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(encode_hash).collect()
}

fn decode(hashes: &[String]) -> Result<Vec<Hash>, TlogProofError> {
    if hashes.len() > MAX_PROOF_HASHES {
        return Err(TlogProofError::Malformed(format!(
            "{} hashes; at most {MAX_PROOF_HASHES}",
            hashes.len()
        )));
    }
    hashes
        .iter()
        .map(|h| {
            decode_hash(h)
                .ok_or_else(|| TlogProofError::Malformed(format!("'{h}' is not a base64 hash")))
        })
        .collect()
}

fn read_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, TlogProofError> {
    if bytes.len() > MAX_PROOF_DOCUMENT {
        return Err(TlogProofError::Malformed("too large".into()));
    }
    serde_json::from_slice(bytes).map_err(|e| TlogProofError::Malformed(e.to_string()))
}

impl ConsistencyDocument {
    /// The proof between the first `old_size` leaves and all of `leaves`.
    pub fn build(old_size: u64, leaves: &[Hash]) -> Option<ConsistencyDocument> {
        let old = usize::try_from(old_size).ok()?;
        Some(ConsistencyDocument {
            proof: CONSISTENCY_FORMAT.into(),
            old_size,
            new_size: leaves.len() as u64,
            hashes: encode(&merkle::consistency_proof(old, leaves)?),
        })
    }

    /// Reads a document (bounded), without judging it.
    pub fn parse(bytes: &[u8]) -> Result<ConsistencyDocument, TlogProofError> {
        let d: ConsistencyDocument = read_json(bytes)?;
        if d.proof != CONSISTENCY_FORMAT {
            return Err(TlogProofError::Malformed(format!("format '{}'", d.proof)));
        }
        decode(&d.hashes)?;
        Ok(d)
    }

    /// Whether this proves `old` a prefix of `new` (same origin, sizes as stated).
    pub fn check(&self, old: &Checkpoint, new: &Checkpoint) -> Result<(), TlogProofError> {
        check_pair(old, new)?;
        let hashes = decode(&self.hashes)?;
        if self.old_size != old.size
            || self.new_size != new.size
            || !merkle::verify_consistency(old.size, new.size, &old.root, &new.root, &hashes)
        {
            return Err(TlogProofError::Inconsistent(old.size, new.size));
        }
        Ok(())
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// The checkpoint of a signed note whose origin is `log_key`'s name and which `log_key` signed.
pub fn signed_checkpoint(note: &[u8], log_key: &VerifierKey) -> Result<Checkpoint, TlogProofError> {
    let sig = |m: String| TlogProofError::Signature(log_key.name.clone(), m);
    let n = Note::parse(note).map_err(|e| sig(e.to_string()))?;
    match n.check_ed25519(log_key) {
        Some(true) => {}
        Some(false) => return Err(sig("the signature does not verify".into())),
        None => return Err(sig("no signature by this key".into())),
    }
    let cp = Checkpoint::parse(&n.text).map_err(|e| sig(e.to_string()))?;
    if cp.origin != log_key.name {
        return Err(sig(format!("origin '{}' is not the key's name", cp.origin)));
    }
    Ok(cp)
}

/// Same origin, older not larger.
pub fn check_pair(old: &Checkpoint, new: &Checkpoint) -> Result<(), TlogProofError> {
    if old.origin != new.origin {
        return Err(TlogProofError::Origin(
            old.origin.clone(),
            new.origin.clone(),
        ));
    }
    if old.size > new.size {
        return Err(TlogProofError::Order(old.size, new.size));
    }
    Ok(())
}

impl InclusionDocument {
    /// The proof of leaf `index` among `leaves`; `bundle_id` is the leaf's SHA-256, hex.
    pub fn build(
        index: u64,
        leaves: &[Hash],
        bundle_id: &str,
        checkpoint: &Note,
    ) -> Option<InclusionDocument> {
        let i = usize::try_from(index).ok()?;
        Some(InclusionDocument {
            proof: INCLUSION_FORMAT.into(),
            index,
            size: leaves.len() as u64,
            bundle_id: bundle_id.into(),
            hashes: encode(&merkle::inclusion_proof(i, leaves)?),
            checkpoint: String::from_utf8_lossy(&checkpoint.to_bytes()).into_owned(),
        })
    }

    /// Whether `release_json` is leaf `index` of the tree of the document's checkpoint, and
    /// that checkpoint is signed by `log_key` with origin its name. Returns the checkpoint.
    pub fn check_signed(
        &self,
        release_json: &[u8],
        log_key: &VerifierKey,
    ) -> Result<Checkpoint, TlogProofError> {
        let cp = signed_checkpoint(self.checkpoint.as_bytes(), log_key)?;
        self.check(release_json, &cp)?;
        Ok(cp)
    }

    /// Reads a document (bounded), without judging it.
    pub fn parse(bytes: &[u8]) -> Result<InclusionDocument, TlogProofError> {
        let d: InclusionDocument = read_json(bytes)?;
        if d.proof != INCLUSION_FORMAT {
            return Err(TlogProofError::Malformed(format!("format '{}'", d.proof)));
        }
        decode(&d.hashes)?;
        Ok(d)
    }

    /// Whether `release_json` is leaf `index` of the tree of `cp`.
    pub fn check(&self, release_json: &[u8], cp: &Checkpoint) -> Result<(), TlogProofError> {
        let hashes = decode(&self.hashes)?;
        let leaf = merkle::leaf_hash(release_json);
        if self.size != cp.size
            || !merkle::verify_inclusion(self.index, cp.size, &leaf, &hashes, &cp.root)
        {
            return Err(TlogProofError::NotIncluded(self.index, cp.size));
        }
        Ok(())
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(leaves: &[Hash]) -> Checkpoint {
        Checkpoint {
            origin: "o".into(),
            size: leaves.len() as u64,
            root: merkle::root(leaves),
            extensions: vec![],
        }
    }

    #[test]
    fn documents_round_trip_and_check() {
        let data: Vec<Vec<u8>> = (0..9)
            .map(|i| format!("release {i}").into_bytes())
            .collect();
        let leaves: Vec<Hash> = data.iter().map(|d| merkle::leaf_hash(d)).collect();
        let new = cp(&leaves);
        for m in 0..=9 {
            let old = cp(&leaves[..m]);
            let d = ConsistencyDocument::build(m as u64, &leaves).unwrap();
            let back = ConsistencyDocument::parse(d.to_json().as_bytes()).unwrap();
            assert_eq!(back, d);
            back.check(&old, &new).unwrap();
            if m > 0 {
                let mut fork = leaves.clone();
                fork[m - 1] = merkle::leaf_hash(b"other");
                let err = d.check(&cp(&fork[..m]), &new).unwrap_err();
                assert_eq!(err, TlogProofError::Inconsistent(m as u64, 9));
            }
        }
        let mut other = new.clone();
        other.origin = "p".into();
        let d = ConsistencyDocument::build(3, &leaves).unwrap();
        assert!(matches!(
            d.check(&cp(&leaves[..3]), &other),
            Err(TlogProofError::Origin(..))
        ));
        assert!(matches!(
            d.check(&new, &cp(&leaves[..3])),
            Err(TlogProofError::Order(..))
        ));
        let key = crate::tlog::keys::tests::log_key();
        let mut signed = new.clone();
        signed.origin = key.name.clone();
        let note = Note::sign(&signed.to_text(), &key).unwrap();
        for (i, r) in data.iter().enumerate() {
            let d = InclusionDocument::build(i as u64, &leaves, "x", &note).unwrap();
            let back = InclusionDocument::parse(d.to_json().as_bytes()).unwrap();
            back.check(r, &new).unwrap();
            assert_eq!(back.check_signed(r, &key.verifier()).unwrap(), signed);
            assert!(back.check(b"forged", &new).is_err());
        }
        let other = crate::tlog::keys::tests::witness_key("example.org/log", 1);
        let d = InclusionDocument::build(0, &leaves, "x", &note).unwrap();
        assert!(matches!(
            d.check_signed(&data[0], &other.verifier()),
            Err(TlogProofError::Signature(..))
        ));
    }

    #[test]
    fn malformed_documents() {
        for bad in [
            "",
            "{}",
            r#"{"proof":"intact-consistency/2","old_size":1,"new_size":2,"hashes":[]}"#,
            r#"{"proof":"intact-consistency/1","old_size":1,"new_size":2,"hashes":["AA=="]}"#,
            r#"{"proof":"intact-consistency/1","old_size":1,"new_size":2,"hashes":[],"x":1}"#,
        ] {
            assert!(ConsistencyDocument::parse(bad.as_bytes()).is_err(), "{bad}");
        }
        let many = format!(
            r#"{{"proof":"intact-consistency/1","old_size":1,"new_size":2,"hashes":[{}]}}"#,
            vec![format!("\"{}\"", encode_hash(&[0; 32])); 129].join(",")
        );
        assert!(ConsistencyDocument::parse(many.as_bytes()).is_err());
    }
}
