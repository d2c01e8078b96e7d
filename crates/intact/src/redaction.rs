//! Salted commitments that tie a published redacted item to its unredacted original without
//! revealing it (FORMAT.md §5.3, docs/REDACTION.md): the private ledger the office keeps, and
//! disclosures that reveal one item's salt to a court or an authorised researcher.
//!
//! commitment = SHA-256("intact/original-commitment/v1" ‖ 0x00 ‖ salt ‖ original bytes), with a
//! fresh 256-bit salt per item. The unsalted digest of an original is written only to the
//! private ledger, never to a bundle: a name or an address could be found from it by trying
//! candidates.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::digest::{hex, Sha256Digest, CHUNK};
use crate::fs::{At as _, Mode, PathError, WriteError};

/// Domain tag of commitments.
pub const COMMITMENT_TAG: &[u8] = b"intact/original-commitment/v1\0";
/// Format id of the ledger.
pub const LEDGER_FORMAT: &str = "intact-ledger/1";
/// Format id of a disclosure.
pub const DISCLOSURE_FORMAT: &str = "intact-disclosure/1";

/// A fresh random salt.
pub fn new_salt() -> [u8; 32] {
    let mut s = [0u8; 32];
    OsRng.fill_bytes(&mut s);
    s
}

/// Streams an original once: its commitment under `salt`, and its plain SHA-256 (for the ledger).
pub fn commit(salt: &[u8], mut original: impl Read) -> io::Result<(Sha256Digest, Sha256Digest)> {
    let mut c = Sha256::new();
    c.update(COMMITMENT_TAG);
    c.update(salt);
    let mut plain = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match original.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        c.update(&buf[..n]);
        plain.update(&buf[..n]);
    }
    Ok((
        Sha256Digest(c.finalize().into()),
        Sha256Digest(plain.finalize().into()),
    ))
}

/// One ledger line: what it takes to open one commitment later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    pub item_id: String,
    /// Path of the original as given to `--originals` (relative to that directory).
    pub original_path: String,
    /// Plain SHA-256 of the original: PRIVATE.
    pub original_sha256: String,
    /// Hex salt: PRIVATE.
    pub salt: String,
    pub commitment: String,
}

/// The office's private ledger (mode 0600, never in a bundle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    pub ledger: String,
    pub warning: String,
    pub collection: String,
    pub release: String,
    pub bundle_id: String,
    pub entries: Vec<LedgerEntry>,
}

/// Text stored in every ledger.
pub const LEDGER_WARNING: &str =
    "PRIVATE: salts and digests of unredacted originals. Never publish this file.";

/// Why a ledger or disclosure step failed.
#[derive(Debug, thiserror::Error)]
pub enum RedactionError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a valid {what}: {message}")]
    Malformed {
        path: PathBuf,
        what: &'static str,
        message: String,
    },
    #[error("{path}: already exists; a ledger or disclosure is never overwritten")]
    Exists { path: PathBuf },
    #[error("{0}")]
    Refused(String),
}

impl From<PathError> for RedactionError {
    fn from(e: PathError) -> RedactionError {
        RedactionError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// Writes a private file (mode 0600) that must not exist yet, atomically.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> Result<(), RedactionError> {
    crate::fs::write_atomically(path, bytes, Mode::Private, false).map_err(|e| match e {
        WriteError::Exists { path } => RedactionError::Exists { path },
        WriteError::Io(e) => e.into(),
    })
}

impl Ledger {
    /// Reads a ledger.
    pub fn load(path: &Path) -> Result<Ledger, RedactionError> {
        let bytes = std::fs::read(path).at(path)?;
        let l: Ledger = serde_json::from_slice(&bytes).map_err(|e| RedactionError::Malformed {
            path: path.to_owned(),
            what: "ledger",
            message: e.to_string(),
        })?;
        if l.ledger != LEDGER_FORMAT {
            return Err(RedactionError::Malformed {
                path: path.to_owned(),
                what: "ledger",
                message: format!("format '{}'", l.ledger),
            });
        }
        Ok(l)
    }

    /// Pretty JSON bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// What a disclosure reveals: one item's salt, tied to one bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    pub disclosure: String,
    pub collection: String,
    pub release: String,
    pub bundle_id: String,
    pub item_id: String,
    pub commitment: String,
    pub salt: String,
}

impl Disclosure {
    /// Reads a disclosure file.
    pub fn load(path: &Path) -> Result<Disclosure, RedactionError> {
        let bytes = std::fs::read(path).at(path)?;
        let d: Disclosure =
            serde_json::from_slice(&bytes).map_err(|e| RedactionError::Malformed {
                path: path.to_owned(),
                what: "disclosure",
                message: e.to_string(),
            })?;
        if d.disclosure != DISCLOSURE_FORMAT {
            return Err(RedactionError::Malformed {
                path: path.to_owned(),
                what: "disclosure",
                message: format!("format '{}'", d.disclosure),
            });
        }
        Ok(d)
    }
}

fn parse_salt(s: &str) -> Option<Vec<u8>> {
    if s.len() < 32 || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Commitment of the file at `original` under a hex `salt`.
pub fn commitment_of(original: &Path, salt_hex: &str) -> Result<Sha256Digest, RedactionError> {
    let salt = parse_salt(salt_hex)
        .ok_or_else(|| RedactionError::Refused("salt is not hex of at least 128 bits".into()))?;
    let f = std::fs::File::open(original).at(original)?;
    Ok(commit(&salt, f).at(original)?.0)
}

/// Builds the disclosure for `item_id` from the ledger, after checking that `original` is the
/// file the ledger recorded and that the bundle's item carries the same commitment.
pub fn prove(
    ledger: &Ledger,
    original: &Path,
    bundle_id: &str,
    item_commitment: Option<&str>,
    item_id: &str,
) -> Result<Disclosure, RedactionError> {
    let entry = ledger
        .entries
        .iter()
        .find(|e| e.item_id == item_id)
        .ok_or_else(|| {
            RedactionError::Refused(format!("the ledger has no entry for item '{item_id}'"))
        })?;
    if ledger.bundle_id != bundle_id {
        return Err(RedactionError::Refused(format!(
            "the ledger belongs to bundle {}, not {bundle_id}",
            ledger.bundle_id
        )));
    }
    let c = commitment_of(original, &entry.salt)?;
    if c.to_hex() != entry.commitment {
        return Err(RedactionError::Refused(format!(
            "the file given is not the original recorded for item '{item_id}'"
        )));
    }
    if item_commitment != Some(entry.commitment.as_str()) {
        return Err(RedactionError::Refused(format!(
            "the bundle's item '{item_id}' does not carry this commitment"
        )));
    }
    Ok(Disclosure {
        disclosure: DISCLOSURE_FORMAT.into(),
        collection: ledger.collection.clone(),
        release: ledger.release.clone(),
        bundle_id: bundle_id.into(),
        item_id: item_id.into(),
        commitment: entry.commitment.clone(),
        salt: entry.salt.clone(),
    })
}

/// Whether `original` opens the disclosure's commitment, and the bundle's item carries it.
pub fn check_disclosure(
    d: &Disclosure,
    original: &Path,
    bundle_id: &str,
    item_commitment: Option<&str>,
) -> Result<Vec<String>, RedactionError> {
    let mut problems = Vec::new();
    if d.bundle_id != bundle_id {
        problems.push(format!(
            "disclosure is for bundle {}, not {bundle_id}",
            d.bundle_id
        ));
    }
    match item_commitment {
        None => problems.push(format!(
            "the bundle's item '{}' carries no commitment",
            d.item_id
        )),
        Some(c) if c != d.commitment => problems.push(format!(
            "the bundle's item '{}' carries another commitment",
            d.item_id
        )),
        Some(_) => {}
    }
    let c = commitment_of(original, &d.salt)?;
    if c.to_hex() != d.commitment {
        // the original's own name is not repeated: it may name the person it protects
        problems.push(format!(
            "the file given is not the original behind item '{}'",
            d.item_id
        ));
    }
    Ok(problems)
}

/// Hex of a salt.
pub fn salt_hex(salt: &[u8]) -> String {
    hex(salt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_is_salted_and_domain_separated() {
        let salt = [7u8; 32];
        let (c, plain) = commit(&salt, &b"original"[..]).unwrap();
        assert_eq!(plain, Sha256Digest::of(b"original"));
        let mut manual = COMMITMENT_TAG.to_vec();
        manual.extend_from_slice(&salt);
        manual.extend_from_slice(b"original");
        assert_eq!(c, Sha256Digest::of(&manual));
        let (c2, _) = commit(&[8u8; 32], &b"original"[..]).unwrap();
        assert_ne!(c, c2);
        assert_ne!(new_salt(), new_salt());
    }

    #[test]
    fn short_salts_are_refused() {
        assert!(parse_salt("abcd").is_none());
        assert!(parse_salt(&"ab".repeat(16)).is_some());
    }
}
