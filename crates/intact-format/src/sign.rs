//! Signing keys and release signatures (FORMAT.md §7): OpenSSH Ed25519 private keys, SSHSIG
//! signatures over the exact bytes of `release.json` in namespace `intact-release`.

use std::path::{Path, PathBuf};

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey};

use crate::digest::hex;
use crate::release::NAMESPACE;

/// Why a signing key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: cannot read key: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: this is a public key; give the private key (the file without .pub)")]
    PublicKey { path: PathBuf },
    #[error("{path}: not an OpenSSH private key")]
    NotOpenSsh { path: PathBuf },
    #[error("{path}: key type {algorithm} is not supported; intact signs with Ed25519 keys")]
    NotEd25519 { path: PathBuf, algorithm: String },
    #[error("{path}: wrong passphrase")]
    WrongPassphrase { path: PathBuf },
    #[error("{path}: {source}")]
    Passphrase {
        path: PathBuf,
        source: PassphraseError,
    },
    #[error("{path}: signing failed: {message}")]
    Sign { path: PathBuf, message: String },
}

/// A passphrase, wiped from memory when dropped.
pub type Secret = zeroize::Zeroizing<String>;

/// Why no passphrase could be had; the message comes from whoever supplies passphrases.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PassphraseError(pub String);

/// Supplies the passphrase of an encrypted key. The library never prompts and never reads the
/// environment: the caller decides where a passphrase comes from (the CLI: an environment
/// variable, a file, or a terminal prompt).
pub trait Passphrases {
    /// The passphrase for the key at `path`; `new_key` is set when a new key is being encrypted
    /// (a prompt then asks twice).
    fn passphrase(&self, path: &Path, new_key: bool) -> Result<Secret, PassphraseError>;
}

/// Supplies no passphrase: only unencrypted keys can be loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPassphrase;

impl Passphrases for NoPassphrase {
    fn passphrase(&self, _: &Path, _: bool) -> Result<Secret, PassphraseError> {
        Err(PassphraseError(
            "the key is encrypted and no passphrase was given".into(),
        ))
    }
}

/// Decrypts `key` (read from `path`) if it is encrypted.
fn unlock(
    key: PrivateKey,
    path: &Path,
    passphrases: &dyn Passphrases,
) -> Result<PrivateKey, KeyError> {
    if !key.is_encrypted() {
        return Ok(key);
    }
    let pass = passphrases
        .passphrase(path, false)
        .map_err(|source| KeyError::Passphrase {
            path: path.to_owned(),
            source,
        })?;
    key.decrypt(pass.as_bytes())
        .map_err(|_| KeyError::WrongPassphrase {
            path: path.to_owned(),
        })
}

/// An unlocked Ed25519 signing key and where it came from.
pub struct SigningKey {
    pub path: PathBuf,
    key: PrivateKey,
}

impl SigningKey {
    /// Reads an OpenSSH private key, asking for its passphrase if it is encrypted.
    pub fn load(path: &Path, passphrases: &dyn Passphrases) -> Result<SigningKey, KeyError> {
        let text = std::fs::read(path).map_err(|e| KeyError::Read {
            path: path.to_owned(),
            source: e,
        })?;
        let trimmed = String::from_utf8_lossy(&text);
        let trimmed = trimmed.trim_start();
        if PublicKey::from_openssh(trimmed.trim()).is_ok()
            || trimmed.starts_with("ssh-")
            || trimmed.starts_with("sk-")
            || trimmed.starts_with("ecdsa-")
        {
            return Err(KeyError::PublicKey {
                path: path.to_owned(),
            });
        }
        let key = PrivateKey::from_openssh(&text).map_err(|_| match openssh_key_type(&text) {
            Some(t) if t != "ssh-ed25519" => KeyError::NotEd25519 {
                path: path.to_owned(),
                algorithm: t,
            },
            _ => KeyError::NotOpenSsh {
                path: path.to_owned(),
            },
        })?;
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(KeyError::NotEd25519 {
                path: path.to_owned(),
                algorithm: key.algorithm().to_string(),
            });
        }
        let key = unlock(key, path, passphrases)?;
        Ok(SigningKey {
            path: path.to_owned(),
            key,
        })
    }

    /// Wraps an already unlocked key (used by the demo and tests).
    pub fn from_private(path: PathBuf, key: PrivateKey) -> SigningKey {
        SigningKey { path, key }
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }

    /// Armored SSHSIG over `message` in namespace `intact-release`, SHA-512 as SSHSIG hash.
    pub fn sign_release(&self, message: &[u8]) -> Result<String, KeyError> {
        let sig = self
            .key
            .sign(NAMESPACE, HashAlg::Sha512, message)
            .map_err(|e| KeyError::Sign {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        let pem = sig.to_pem(LineEnding::LF).map_err(|e| KeyError::Sign {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        // Stored in the one armor §7 allows, byte for byte what `ssh-keygen -Y sign` writes.
        let blob =
            crate::sshsig::dearmor_as_ssh_keygen(pem.as_bytes()).map_err(|e| KeyError::Sign {
                path: self.path.clone(),
                message: e.to_string(),
            })?;
        Ok(crate::sshsig::armor(&blob))
    }
}

/// The base64 body between `-----BEGIN <label>-----` and the next `-----END` line, decoded.
fn armored_body(text: &[u8], begin: &str) -> Option<Vec<u8>> {
    use base64ct::{Base64, Encoding};
    let text = std::str::from_utf8(text).ok()?;
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with(begin))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    Base64::decode_vec(body.trim()).ok()
}

/// Takes one SSH wire-format `string` (a u32 length, then that many bytes) off `rest`.
fn ssh_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let s = rest.get(4..4usize.checked_add(len)?)?;
    *rest = &rest[4 + len..];
    Some(s)
}

/// The key type named inside an OpenSSH private key file, read without parsing the key itself
/// (so a key type this build cannot load still gets a clear message).
fn openssh_key_type(text: &[u8]) -> Option<String> {
    let raw = armored_body(text, "-----BEGIN OPENSSH PRIVATE KEY-----")?;
    let mut rest = raw.strip_prefix(b"openssh-key-v1\0")?;
    let _cipher = ssh_string(&mut rest)?;
    let _kdf = ssh_string(&mut rest)?;
    let _kdf_options = ssh_string(&mut rest)?;
    rest = rest.get(4..)?; // number of keys
    let mut public = ssh_string(&mut rest)?;
    let key_type = ssh_string(&mut public)?;
    String::from_utf8(key_type.to_vec()).ok()
}

/// `SHA256:<base64>` fingerprint, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &ssh_key::public::KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// Bag-relative name of the signature file of a key: `intact/signatures/<hex>.sig`, where
/// `<hex>` is the lowercase hex of the key's SHA-256 fingerprint (one file per key).
pub fn signature_path(key: &ssh_key::public::KeyData) -> String {
    let fp = key.fingerprint(HashAlg::Sha256);
    format!("{}{}.sig", crate::bag::SIGNATURES_DIR, hex(fp.as_bytes()))
}

/// `SHA256:<base64>` fingerprint of a public key blob (unpadded base64 of its SHA-256).
pub fn fingerprint_of_blob(key_blob: &[u8]) -> String {
    let b64 = crate::sshsig::b64_ntop(crate::digest::Sha256Digest::of(key_blob).0.as_slice());
    format!("SHA256:{}", b64.trim_end_matches('='))
}

/// The name of the signature file of the key with this blob: `<hex>.sig`, `<hex>` the lowercase
/// hex of the SHA-256 of the blob (FORMAT.md §7).
pub fn signature_file_name(key_blob: &[u8]) -> String {
    format!("{}.sig", crate::digest::Sha256Digest::of(key_blob).to_hex())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_fingerprints_agree_with_ssh_key() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../keys/demo-office.key");
        let key = super::SigningKey::load(&path, &super::NoPassphrase).unwrap();
        let kd = key.public_key().key_data();
        let blob = ssh_key::PublicKey::new(kd.clone(), "").to_bytes().unwrap();
        assert_eq!(super::fingerprint_of_blob(&blob), super::fingerprint(kd));
        assert_eq!(
            format!("intact/signatures/{}", super::signature_file_name(&blob)),
            super::signature_path(kd)
        );
        let sig = key.sign_release(b"statement").unwrap();
        assert_eq!(
            crate::sshsig::read_exact(sig.as_bytes()).unwrap().key_blob,
            blob
        );
    }

    #[test]
    fn key_type_of_unsupported_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ec");
        let ok = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ecdsa", "-N", "", "-f"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(ok.success());
        let ec = std::fs::read(&path).unwrap();
        assert_eq!(
            super::openssh_key_type(&ec).as_deref(),
            Some("ecdsa-sha2-nistp256")
        );
    }
}
