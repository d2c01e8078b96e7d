//! Keys in the C2SP signed-note encoding.
//!
//! A verifier key is `name+hash+base64`: the key name, its key id as eight lowercase hex digits,
//! and the standard base64 of the key type byte followed by the public key. The key id is the
//! first four bytes (big-endian) of `SHA-256(name ‖ 0x0A ‖ type ‖ public key)`. A signer key
//! is `PRIVATE+KEY+name+hash+base64` with the 32-byte Ed25519 seed in place of the public key
//! (the encoding of Go's `golang.org/x/mod/sumdb/note`).
//!
//! Two types are used: 0x01 (Ed25519, the log key signing checkpoints) and 0x04
//! (cosignature/v1, a witness key; the signature is over a timestamped message).

use base64ct::{Base64, Encoding as _};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::is_key_name;

/// The signature algorithm of a key (its type byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// 0x01: Ed25519 over the note text — a log key.
    Ed25519,
    /// 0x04: cosignature/v1, Ed25519 over a timestamped message — a witness key.
    Cosignature,
}

impl KeyType {
    /// The type byte.
    pub fn byte(self) -> u8 {
        match self {
            KeyType::Ed25519 => 0x01,
            KeyType::Cosignature => 0x04,
        }
    }

    fn from_byte(b: u8) -> Option<KeyType> {
        match b {
            0x01 => Some(KeyType::Ed25519),
            0x04 => Some(KeyType::Cosignature),
            _ => None,
        }
    }
}

/// Why a key string is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a key in the form name+hash+base64")]
    Shape,
    #[error("key name '{0}' is empty or holds white space, '+' or a control character")]
    Name(String),
    #[error("key hash is not eight lowercase hex digits")]
    Hash,
    #[error("key is not base64 of a type byte and a 32-byte key")]
    Encoding,
    #[error("key type 0x{0:02x} is not Ed25519 (0x01) or cosignature/v1 (0x04)")]
    Type(u8),
    #[error("not a valid Ed25519 public key")]
    PublicKey,
    #[error("key hash {stated:08x} is not the key id {actual:08x} of this name and key")]
    Mismatch { stated: u32, actual: u32 },
    #[error("a {0:?} key where a {1:?} key is needed")]
    WrongType(KeyType, KeyType),
}

/// The key id of a key: the first four bytes of `SHA-256(name ‖ "\n" ‖ type ‖ key)`.
pub fn key_id(name: &str, kind: KeyType, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([kind.byte()]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A public key that verifies a signed note's signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub id: u32,
    pub kind: KeyType,
    pub key: VerifyingKey,
}

/// `name`, `hash`, `base64` of `name+hash+base64`, the name checked and the hash read.
fn split_key(s: &str) -> Result<(&str, u32, &str), KeyError> {
    if s.len() > 4096 {
        return Err(KeyError::Shape);
    }
    let mut parts = s.splitn(3, '+');
    let (Some(name), Some(hash), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(KeyError::Shape);
    };
    if !is_key_name(name) {
        return Err(KeyError::Name(name.into()));
    }
    if hash.len() != 8 || !hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(KeyError::Hash);
    }
    let id = u32::from_str_radix(hash, 16).map_err(|_| KeyError::Hash)?;
    Ok((name, id, b64))
}

/// The type byte and 32 key bytes of a key's base64 part.
fn decode_key(b64: &str) -> Result<(KeyType, Zeroizing<[u8; 32]>), KeyError> {
    let mut buf = Zeroizing::new([0u8; 33]);
    let bytes = Base64::decode(b64, buf.as_mut()).map_err(|_| KeyError::Encoding)?;
    if bytes.len() != 33 {
        return Err(KeyError::Encoding);
    }
    let kind = KeyType::from_byte(bytes[0]).ok_or(KeyError::Type(bytes[0]))?;
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&bytes[1..]);
    Ok((kind, key))
}

impl VerifierKey {
    /// Reads `name+hash+base64` (surrounding white space, such as a final newline, ignored).
    pub fn parse(s: &str) -> Result<VerifierKey, KeyError> {
        let (name, id, b64) = split_key(s.trim())?;
        let (kind, key) = decode_key(b64)?;
        let public = *key;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| KeyError::PublicKey)?;
        let actual = key_id(name, kind, &public);
        if actual != id {
            return Err(KeyError::Mismatch { stated: id, actual });
        }
        Ok(VerifierKey {
            name: name.into(),
            id,
            kind,
            key,
        })
    }

    /// Reads a key that must be of type `kind`.
    pub fn parse_as(s: &str, kind: KeyType) -> Result<VerifierKey, KeyError> {
        let k = VerifierKey::parse(s)?;
        if k.kind != kind {
            return Err(KeyError::WrongType(k.kind, kind));
        }
        Ok(k)
    }

    /// `name+hash+base64`, without a newline.
    pub fn encode(&self) -> String {
        let mut raw = [0u8; 33];
        raw[0] = self.kind.byte();
        raw[1..].copy_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.id,
            Base64::encode_string(&raw)
        )
    }
}

/// A private key that signs notes (the log key) or cosigns checkpoints (a witness key).
pub struct SignerKey {
    pub name: String,
    pub id: u32,
    pub kind: KeyType,
    key: SigningKey,
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignerKey({}+{:08x})", self.name, self.id)
    }
}

impl SignerKey {
    /// The key of `name` and type `kind` with this 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, kind: KeyType, seed: &[u8; 32]) -> Result<SignerKey, KeyError> {
        if !is_key_name(name) {
            return Err(KeyError::Name(name.into()));
        }
        let key = SigningKey::from_bytes(seed);
        Ok(SignerKey {
            name: name.into(),
            id: key_id(name, kind, key.verifying_key().as_bytes()),
            kind,
            key,
        })
    }

    /// Reads `PRIVATE+KEY+name+hash+base64` (surrounding white space ignored).
    pub fn parse(s: &str) -> Result<SignerKey, KeyError> {
        let rest = s
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or(KeyError::Shape)?;
        let (name, id, b64) = split_key(rest)?;
        let (kind, seed) = decode_key(b64)?;
        let k = SignerKey::from_seed(name, kind, &seed)?;
        if k.id != id {
            return Err(KeyError::Mismatch {
                stated: id,
                actual: k.id,
            });
        }
        Ok(k)
    }

    /// `PRIVATE+KEY+name+hash+base64`, without a newline (secret: write it privately).
    pub fn encode(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 33]);
        raw[0] = self.kind.byte();
        raw[1..].copy_from_slice(self.key.as_bytes());
        Zeroizing::new(format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            Base64::encode_string(raw.as_ref())
        ))
    }

    /// The public half.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            kind: self.kind,
            key: self.key.verifying_key(),
        }
    }

    /// The raw Ed25519 signature of `msg`.
    pub(super) fn sign_raw(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn log_key() -> SignerKey {
        SignerKey::from_seed("example.org/log", KeyType::Ed25519, &[7; 32]).unwrap()
    }

    pub(crate) fn witness_key(name: &str, seed: u8) -> SignerKey {
        SignerKey::from_seed(name, KeyType::Cosignature, &[seed; 32]).unwrap()
    }

    #[test]
    fn verifier_and_signer_keys_round_trip() {
        for k in [log_key(), witness_key("witness.example/w1", 9)] {
            let v = k.verifier();
            let text = v.encode();
            assert_eq!(VerifierKey::parse(&text).unwrap(), v);
            assert_eq!(VerifierKey::parse(&format!("{text}\n")).unwrap(), v);
            let back = SignerKey::parse(&k.encode()).unwrap();
            assert_eq!(back.verifier(), v);
            assert!(VerifierKey::parse_as(&text, k.kind).is_ok());
        }
    }

    /// The key id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[0..4], as the Go note package computes
    /// it for the example key of its documentation.
    #[test]
    fn go_note_example_key() {
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let v = VerifierKey::parse(vkey).unwrap();
        assert_eq!(
            (v.name.as_str(), v.id, v.kind),
            ("PeterNeumann", 0xc74f20a3, KeyType::Ed25519)
        );
        assert_eq!(v.encode(), vkey);
        let s = SignerKey::parse(skey).unwrap();
        assert_eq!(s.verifier(), v);
        assert_eq!(s.encode().as_str(), skey);
    }

    #[test]
    fn malformed_keys_are_refused() {
        let good = log_key().verifier().encode();
        let (name, rest) = good.split_once('+').unwrap();
        let (hash, b64) = rest.split_once('+').unwrap();
        let cases = [
            String::new(),
            name.to_string(),
            format!("{name}+{hash}"),
            format!("+{hash}+{b64}"),
            format!("a b+{hash}+{b64}"),
            format!("{name}+{}+{b64}", hash.to_uppercase()),
            format!("{name}+0{hash}+{b64}"),
            format!("{name}+{hash}+{}", &b64[..b64.len() - 4]),
            format!("{name}+{hash}+{b64}=="),
            format!("{name}+00000000+{b64}"),
            format!("other+{hash}+{b64}"),
            format!("{name}+{hash}+{}", Base64::encode_string(&[2u8; 33])),
        ];
        for c in cases {
            assert!(VerifierKey::parse(&c).is_err(), "{c}");
        }
        assert!(SignerKey::parse(&good).is_err());
        assert!(VerifierKey::parse_as(&good, KeyType::Cosignature).is_err());
    }
}
