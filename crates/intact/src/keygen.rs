//! `intact keygen`: a new OpenSSH Ed25519 key pair, never overwriting an existing key.

use std::path::{Path, PathBuf};

use rand_core::OsRng;
use ssh_key::{Algorithm, LineEnding, PrivateKey};

use crate::fs::{Mode, WriteError};
use crate::sign::{PassphraseError, Passphrases};

/// Why no key was written.
#[derive(Debug, thiserror::Error)]
pub enum KeygenError {
    #[error("{path}: already exists; intact never overwrites a key")]
    Exists { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Passphrase(#[from] PassphraseError),
    #[error("empty passphrase: an unencrypted key must be asked for explicitly")]
    EmptyPassphrase,
    #[error("principal '{0}' contains whitespace, a comma or a quote")]
    BadPrincipal(String),
    #[error("key generation failed: {0}")]
    Crypto(String),
}

/// What was written (`keygen --json`, format `intact-keygen/1` once the CLI adds its fields).
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeygenResult {
    pub private_path: PathBuf,
    pub public_path: PathBuf,
    pub principal: String,
    pub fingerprint: String,
    pub encrypted: bool,
    /// The line to add to an `allowed_signers` file.
    pub allowed_signers_line: String,
}

/// Writes `out` (mode 0600) and `out.pub`.
pub fn keygen(
    out: &Path,
    principal: &str,
    encrypt: bool,
    passphrases: &dyn Passphrases,
) -> Result<KeygenResult, KeygenError> {
    if principal.is_empty()
        || principal
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '"')
    {
        return Err(KeygenError::BadPrincipal(principal.to_owned()));
    }
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    for p in [out, public_path.as_path()] {
        if p.symlink_metadata().is_ok() {
            return Err(KeygenError::Exists { path: p.to_owned() });
        }
    }
    let mut key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    key.set_comment(principal);
    if encrypt {
        let pass = passphrases.passphrase(out, true)?;
        if pass.is_empty() {
            return Err(KeygenError::EmptyPassphrase);
        }
        key = key
            .encrypt(&mut OsRng, pass.as_bytes())
            .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    }
    let private_text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    let public_line = key
        .public_key()
        .to_openssh()
        .map_err(|e| KeygenError::Crypto(e.to_string()))?;
    write_new(out, private_text.as_bytes(), Mode::Private)?;
    if let Err(e) = write_new(
        &public_path,
        format!("{public_line}\n").as_bytes(),
        Mode::Public,
    ) {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    let mut parts = public_line.split_whitespace();
    let key_type = parts.next().unwrap_or_default();
    let key_b64 = parts.next().unwrap_or_default();
    Ok(KeygenResult {
        private_path: out.to_owned(),
        public_path,
        principal: principal.to_owned(),
        fingerprint: crate::sign::fingerprint(key.public_key().key_data()),
        encrypted: encrypt,
        allowed_signers_line: format!(
            "{principal} namespaces=\"intact-release\" {key_type} {key_b64}"
        ),
    })
}

/// Writes a file that must not exist yet: to a temp file beside it, then a no-clobber link.
fn write_new(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), KeygenError> {
    crate::fs::write_atomically(path, bytes, mode, false).map_err(|e| match e {
        WriteError::Exists { path } => KeygenError::Exists { path },
        WriteError::Io(e) => KeygenError::Io {
            path: e.path,
            source: e.source,
        },
    })
}

/// The most an `allowed_signers` file may hold for [`add_allowed_signer`] to read it.
pub const MAX_ALLOWED_SIGNERS_BYTES: u64 = 16 << 20;

/// Adds `line` to the `allowed_signers` file `file` (created if missing; replaced atomically),
/// unless a line equal to it is there already. Returns whether it was added.
pub fn add_allowed_signer(file: &Path, line: &str) -> Result<bool, KeygenError> {
    use std::io::Read as _;
    let io = |source| KeygenError::Io {
        path: file.to_owned(),
        source,
    };
    let mut text = String::new();
    match std::fs::File::open(file) {
        Ok(f) => {
            f.take(MAX_ALLOWED_SIGNERS_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(io)?;
            if text.len() as u64 > MAX_ALLOWED_SIGNERS_BYTES {
                return Err(io(std::io::Error::other(
                    "too large for an allowed_signers file",
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    if text.lines().any(|l| l.trim() == line.trim()) {
        return Ok(false);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(line.trim());
    text.push('\n');
    crate::fs::write_atomically(file, text.as_bytes(), Mode::Public, true).map_err(
        |e| match e {
            WriteError::Exists { path } => KeygenError::Exists { path },
            WriteError::Io(e) => KeygenError::Io {
                path: e.path,
                source: e.source,
            },
        },
    )?;
    Ok(true)
}

#[cfg(test)]
mod allowed_signers_tests {
    use super::*;

    #[test]
    fn add_allowed_signer_appends_once() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("allowed_signers");
        std::fs::write(&f, "a namespaces=\"intact-release\" ssh-ed25519 AAAA").unwrap();
        let line = "b namespaces=\"intact-release\" ssh-ed25519 BBBB";
        assert!(add_allowed_signer(&f, line).unwrap());
        assert!(!add_allowed_signer(&f, line).unwrap());
        assert_eq!(
            std::fs::read_to_string(&f).unwrap(),
            format!("a namespaces=\"intact-release\" ssh-ed25519 AAAA\n{line}\n")
        );
        let new = dir.path().join("new");
        assert!(add_allowed_signer(&new, line).unwrap());
        assert_eq!(std::fs::read_to_string(&new).unwrap(), format!("{line}\n"));
    }
}
