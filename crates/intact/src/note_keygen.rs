//! `intact keygen --log | --witness`: an Ed25519 key in the C2SP signed-note encoding
//! (FORMAT.md §15.1) — the log key that signs checkpoints, or a witness key that cosigns them.
//! The secret key file (`PRIVATE+KEY+name+hash+base64`, mode 0600) and the verifier key
//! (`name+hash+base64`, public) are written; neither overwrites an existing file.

use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore as _};
use zeroize::Zeroizing;

use crate::fs::{Mode, WriteError};
use crate::keygen::KeygenError;
use crate::tlog::{KeyType, SignerKey};

/// What was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoteKeyResult {
    pub private_path: PathBuf,
    /// The verifier key file(s) written.
    pub verifier_paths: Vec<PathBuf>,
    pub name: String,
    /// `log` (Ed25519, type 0x01) or `witness` (cosignature/v1, type 0x04).
    pub role: &'static str,
    /// `name+hash+base64`.
    pub verifier_key: String,
}

fn write(p: &Path, bytes: &[u8], mode: Mode) -> Result<(), KeygenError> {
    crate::fs::write_atomically(p, bytes, mode, false).map_err(|e| match e {
        WriteError::Exists { path } => KeygenError::Exists { path },
        WriteError::Io(e) => KeygenError::Io {
            path: e.path,
            source: e.source,
        },
    })
}

/// Writes the secret key to `out` and its verifier key to `out.vkey` and to each of `also`.
pub fn note_keygen(
    out: &Path,
    name: &str,
    kind: KeyType,
    also: &[PathBuf],
) -> Result<NoteKeyResult, KeygenError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(seed.as_mut());
    let key = SignerKey::from_seed(name, kind, &seed)
        .map_err(|_| KeygenError::BadPrincipal(name.to_owned()))?;
    let vkey = key.verifier().encode();
    let mut verifier_paths = vec![PathBuf::from(format!("{}.vkey", out.display()))];
    verifier_paths.extend(also.iter().cloned());
    for p in std::iter::once(out).chain(verifier_paths.iter().map(PathBuf::as_path)) {
        if p.symlink_metadata().is_ok() {
            return Err(KeygenError::Exists { path: p.to_owned() });
        }
    }
    let secret = Zeroizing::new(format!("{}\n", key.encode().as_str()));
    write(out, secret.as_bytes(), Mode::Private)?;
    for p in &verifier_paths {
        write(p, format!("{vkey}\n").as_bytes(), Mode::Public)?;
    }
    Ok(NoteKeyResult {
        private_path: out.to_owned(),
        verifier_paths,
        name: name.into(),
        role: match kind {
            KeyType::Ed25519 => "log",
            KeyType::Cosignature => "witness",
        },
        verifier_key: vkey,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_key_pair_that_reads_back_and_never_overwrites() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("log.key");
        let r = note_keygen(&out, "archive.example/log", KeyType::Ed25519, &[]).unwrap();
        let s = crate::log::read_signer_key(&out).unwrap();
        let v = crate::log::read_verifier_key(&r.verifier_paths[0]).unwrap();
        assert_eq!(s.verifier(), v);
        assert_eq!(v.encode(), r.verifier_key);
        assert!(matches!(
            note_keygen(&out, "x", KeyType::Ed25519, &[]),
            Err(KeygenError::Exists { .. })
        ));
        assert!(note_keygen(&d.path().join("w"), "a b", KeyType::Cosignature, &[]).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&out).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
