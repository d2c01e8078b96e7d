//! The release log as a transparency log (FORMAT.md §15): layout 2 keeps, beside the entries,
//! a checkpoint signed by the log key for every tree size and the witnesses' cosignatures.
//!
//! ```text
//! LOG/tlog/layout                          "intact-log/2\n"
//! LOG/tlog/checkpoints/NNNNNN              signed note: the checkpoint of the first N entries
//! LOG/tlog/cosignatures/NNNNNN/<hex>.sig   one witness's cosignature line of checkpoint N
//! ```
//!
//! The leaf of entry n is its `release.json`, byte for byte; the tree is RFC 9162's over the
//! entries in order. This file reads and writes that layout; `tlog_verify.rs` judges it.

use std::path::{Path, PathBuf};

use super::{seq_name, Entry, LogError};
use crate::digest::Sha256Digest;
use crate::fs::{At as _, Mode, PathError};
use crate::limits::Limits;
use crate::merkle::{self, Hash};
use crate::tlog::{Checkpoint, Note, NoteSignature, SignerKey, VerifierKey};

/// The folder of layout 2 inside a log.
pub const TLOG_DIR: &str = "tlog";
/// The layout version, the content of `tlog/layout` (without its newline).
pub const LAYOUT_2: &str = "intact-log/2";

/// The layout of a log: 1 (entries only) or 2 (with `tlog/`).
pub fn layout(log: &Path) -> Result<u32, LogError> {
    let dir = log.join(TLOG_DIR);
    if !dir.exists() {
        return Ok(1);
    }
    let p = dir.join("layout");
    let bytes = read_small(&p, 64)?.unwrap_or_default();
    if bytes != format!("{LAYOUT_2}\n").as_bytes() {
        return Err(LogError::State {
            path: p,
            message: format!("not a log layout this version reads (expected '{LAYOUT_2}')"),
        });
    }
    Ok(2)
}

/// The stored checkpoint of the first `size` entries.
pub fn checkpoint_path(log: &Path, size: u64) -> PathBuf {
    log.join(TLOG_DIR).join("checkpoints").join(seq_name(size))
}

/// The folder of the cosignatures of checkpoint `size`.
pub fn cosignature_dir(log: &Path, size: u64) -> PathBuf {
    log.join(TLOG_DIR).join("cosignatures").join(seq_name(size))
}

/// The file name of `witness`'s cosignature: the SHA-256 of its verifier key, hex.
pub fn cosignature_file(witness: &VerifierKey) -> String {
    format!(
        "{}.sig",
        Sha256Digest::of(witness.encode().as_bytes()).to_hex()
    )
}

/// The leaf hashes of the entries: `SHA-256(0x00 ‖ release.json)`.
pub fn leaves(entries: &[Entry]) -> Vec<Hash> {
    entries
        .iter()
        .map(|e| merkle::leaf_hash(&e.release_json))
        .collect()
}

/// Reads a file of at most `limit` bytes; `None` when it does not exist or is not a file.
pub(super) fn read_small(p: &Path, limit: u64) -> Result<Option<Vec<u8>>, PathError> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_file() && m.len() <= limit => std::fs::read(p).map(Some).at(p),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PathError::new(p, e)),
    }
}

/// A stored note as bytes (bounded by [`Limits::note_bytes`]), `None` when missing.
pub fn read_note_bytes(p: &Path) -> Result<Option<Vec<u8>>, LogError> {
    Ok(read_small(p, Limits::DEFAULT.note_bytes)?)
}

/// Makes `log` a layout-2 log (the `tlog/` folder and its layout file).
pub(super) fn create_layout(log: &Path) -> Result<(), LogError> {
    let dir = log.join(TLOG_DIR);
    for d in [
        dir.clone(),
        dir.join("checkpoints"),
        dir.join("cosignatures"),
    ] {
        std::fs::create_dir_all(&d).at(&d)?;
    }
    let p = dir.join("layout");
    crate::fs::write_atomically(&p, format!("{LAYOUT_2}\n").as_bytes(), Mode::Public, true)?;
    Ok(())
}

/// Signs and stores the checkpoint of the first `size` entries, whose tree has `root`
/// (replacing nothing: a stored checkpoint of that size stays).
pub(super) fn store_checkpoint(
    log: &Path,
    size: u64,
    root: Hash,
    key: &SignerKey,
) -> Result<Option<Note>, LogError> {
    let p = checkpoint_path(log, size);
    if p.exists() {
        return Ok(None);
    }
    let cp = Checkpoint {
        origin: key.name.clone(),
        size,
        root,
        extensions: Vec::new(),
    };
    let note = Note::sign(&cp.to_text(), key).map_err(|e| LogError::State {
        path: p.clone(),
        message: e.to_string(),
    })?;
    crate::fs::write_atomically(&p, &note.to_bytes(), Mode::Public, false)?;
    Ok(Some(note))
}

/// The cosignature lines stored for checkpoint `size`, in file-name order (unreadable or
/// malformed files are skipped: they count for no witness).
pub fn stored_cosignatures(log: &Path, size: u64) -> Result<Vec<NoteSignature>, LogError> {
    let dir = cosignature_dir(log, size);
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(PathError::new(&dir, e).into()),
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sig"))
        .collect();
    files.sort();
    files.truncate(Limits::DEFAULT.note_signatures);
    let mut out = Vec::new();
    for f in files {
        let Some(bytes) = read_small(&f, 1024)? else {
            continue;
        };
        // A line is a note's signature block: parse it as one under an empty text.
        let mut text = b"x\n\n".to_vec();
        text.extend_from_slice(&bytes);
        if let Ok(n) = Note::parse(&text) {
            out.extend(n.signatures.into_iter().take(1));
        }
    }
    Ok(out)
}

/// The stored checkpoint note of `size` with the stored cosignatures added (what a reader of
/// the log is shown), or `None` when no checkpoint of that size is stored or it is malformed.
pub fn cosigned_note(log: &Path, size: u64) -> Result<Option<Note>, LogError> {
    let Some(bytes) = read_note_bytes(&checkpoint_path(log, size))? else {
        return Ok(None);
    };
    let Ok(mut note) = Note::parse(&bytes) else {
        return Ok(None);
    };
    for s in stored_cosignatures(log, size)? {
        if note.signatures.len() >= Limits::DEFAULT.note_signatures {
            break;
        }
        note.add_signature(s);
    }
    Ok(Some(note))
}

/// Reads a verifier key file (one `name+hash+base64` line).
pub fn read_verifier_key(path: &Path) -> Result<VerifierKey, LogError> {
    let bytes = read_small(path, 4096)?.ok_or_else(|| LogError::State {
        path: path.to_owned(),
        message: "missing, not a file, or larger than a key".into(),
    })?;
    let s = String::from_utf8_lossy(&bytes);
    VerifierKey::parse(&s).map_err(|e| LogError::State {
        path: path.to_owned(),
        message: format!("not a verifier key: {e}"),
    })
}

/// Reads a signer key file (`PRIVATE+KEY+name+hash+base64`).
pub fn read_signer_key(path: &Path) -> Result<SignerKey, LogError> {
    let bytes =
        zeroize::Zeroizing::new(read_small(path, 4096)?.ok_or_else(|| LogError::State {
            path: path.to_owned(),
            message: "missing, not a file, or larger than a key".into(),
        })?);
    let s = std::str::from_utf8(&bytes).map_err(|_| LogError::State {
        path: path.to_owned(),
        message: "not a signer key".into(),
    })?;
    SignerKey::parse(s).map_err(|e| LogError::State {
        path: path.to_owned(),
        message: format!("not a signer key: {e}"),
    })
}

/// Reads a witness list: one verifier key per line; blank lines and `#` comments ignored.
pub fn read_witnesses(path: &Path) -> Result<Vec<VerifierKey>, LogError> {
    let bytes = read_small(path, 1 << 20)?.ok_or_else(|| LogError::State {
        path: path.to_owned(),
        message: "missing, not a file, or larger than 1 MiB".into(),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| LogError::State {
        path: path.to_owned(),
        message: "not UTF-8".into(),
    })?;
    let mut keys = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let k = VerifierKey::parse_as(line, crate::tlog::KeyType::Cosignature).map_err(|e| {
            LogError::State {
                path: path.to_owned(),
                message: format!("line {}: {e}", i + 1),
            }
        })?;
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlog::KeyType;

    #[test]
    fn layout_versions() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(layout(d.path()).unwrap(), 1);
        create_layout(d.path()).unwrap();
        assert_eq!(layout(d.path()).unwrap(), 2);
        std::fs::write(d.path().join("tlog/layout"), "intact-log/3\n").unwrap();
        assert!(layout(d.path()).is_err());
    }

    #[test]
    fn witness_lists_and_stored_cosignatures() {
        let d = tempfile::tempdir().unwrap();
        let w = SignerKey::from_seed("w1", KeyType::Cosignature, &[1; 32]).unwrap();
        let l = SignerKey::from_seed("log", KeyType::Ed25519, &[2; 32]).unwrap();
        let f = d.path().join("witnesses");
        let v = w.verifier().encode();
        std::fs::write(&f, format!("# comment\n\n{v}\n{v}\n")).unwrap();
        assert_eq!(read_witnesses(&f).unwrap(), vec![w.verifier()]);
        std::fs::write(&f, format!("{}\n", l.verifier().encode())).unwrap();
        assert!(
            read_witnesses(&f).is_err(),
            "a log key is not a witness key"
        );
        // A stored line is read back; a malformed file counts for nothing.
        let leaves = [merkle::leaf_hash(b"r1")];
        create_layout(d.path()).unwrap();
        let root = merkle::root(&leaves);
        let note = store_checkpoint(d.path(), 1, root, &l).unwrap().unwrap();
        assert!(store_checkpoint(d.path(), 1, root, &l).unwrap().is_none());
        let dir = cosignature_dir(d.path(), 1);
        std::fs::create_dir_all(&dir).unwrap();
        let sig = crate::tlog::cosignature::cosign(&note.text, 7, &w).unwrap();
        std::fs::write(dir.join(cosignature_file(&w.verifier())), sig.line()).unwrap();
        std::fs::write(dir.join("junk.sig"), "not a line").unwrap();
        assert_eq!(stored_cosignatures(d.path(), 1).unwrap(), vec![sig]);
        let full = cosigned_note(d.path(), 1).unwrap().unwrap();
        assert_eq!(full.signatures.len(), 2);
        assert_eq!(full.check_ed25519(&l.verifier()), Some(true));
    }
}
