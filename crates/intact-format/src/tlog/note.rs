//! Signed notes (c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank line, and one
//! or more signature lines `— <key name> <base64(key id ‖ signature)>`.
//!
//! Parsing checks the shape only ([`Note::parse`]); whether a signature holds is asked per key
//! ([`Note::check_ed25519`], and [`super::cosignature`] for witnesses). As in the Go and Rust
//! reference implementations, a signature line whose key is unknown to the reader is kept and
//! ignored, and a line that names a known key but does not verify makes the note invalid for
//! that key.

use base64ct::{Base64, Encoding as _};
use ed25519_dalek::{Signature, Verifier as _};

use super::is_key_name;
use super::keys::{KeyType, SignerKey, VerifierKey};
use crate::limits::Limits;

/// The start of a signature line: an em dash (U+2014) and a space.
pub const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Why bytes are not a signed note.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("signed note is larger than {0} bytes")]
    TooLarge(u64),
    #[error("signed note is not UTF-8")]
    Utf8,
    #[error("signed note holds a control character other than newline")]
    Control,
    #[error("no blank line before signature lines, or no final newline")]
    Shape,
    #[error("signature line {0} is not '— <key name> <base64>' with a key id and a signature")]
    SignatureLine(usize),
    #[error("more than {0} signature lines")]
    TooManySignatures(usize),
    #[error("note text is empty, does not end in a newline, or holds a control character")]
    Text,
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub id: u32,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line, `— name base64\n`.
    pub fn line(&self) -> String {
        let mut raw = self.id.to_be_bytes().to_vec();
        raw.extend_from_slice(&self.signature);
        format!(
            "{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            Base64::encode_string(&raw)
        )
    }

    /// Reads one line (without its newline).
    fn parse(line: &str) -> Option<NoteSignature> {
        let rest = line.strip_prefix(SIGNATURE_PREFIX)?;
        let (name, b64) = rest.split_once(' ')?;
        if !is_key_name(name) {
            return None;
        }
        let raw = Base64::decode_vec(b64).ok()?;
        if raw.len() < 5 {
            return None;
        }
        Some(NoteSignature {
            name: name.into(),
            id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
            signature: raw[4..].to_vec(),
        })
    }

    /// Whether this line is by `key` (same name and key id).
    pub fn is_by(&self, key: &VerifierKey) -> bool {
        self.name == key.name && self.id == key.id
    }
}

/// A signed note: the text and its signature lines, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

/// Whether `text` may be a note's text: not empty, ends in a newline, no ASCII control
/// character but newline.
pub fn is_note_text(text: &str) -> bool {
    text.ends_with('\n') && !text.chars().any(|c| c < ' ' && c != '\n')
}

impl Note {
    /// Reads a signed note of at most [`Limits::note_bytes`] and
    /// [`Limits::note_signatures`] signature lines.
    pub fn parse(bytes: &[u8]) -> Result<Note, NoteError> {
        let limits = Limits::DEFAULT;
        if bytes.len() as u64 > limits.note_bytes {
            return Err(NoteError::TooLarge(limits.note_bytes));
        }
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::Utf8)?;
        if s.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::Control);
        }
        let (text, sigs) = s.rsplit_once("\n\n").ok_or(NoteError::Shape)?;
        let sigs = sigs.strip_suffix('\n').ok_or(NoteError::Shape)?;
        let mut signatures = Vec::new();
        for (i, line) in sigs.split('\n').enumerate() {
            if i >= limits.note_signatures {
                return Err(NoteError::TooManySignatures(limits.note_signatures));
            }
            signatures.push(NoteSignature::parse(line).ok_or(NoteError::SignatureLine(i + 1))?);
        }
        Ok(Note {
            text: format!("{text}\n"),
            signatures,
        })
    }

    /// A note of `text` signed by the Ed25519 `key` (a log key).
    pub fn sign(text: &str, key: &SignerKey) -> Result<Note, NoteError> {
        if !is_note_text(text) {
            return Err(NoteError::Text);
        }
        debug_assert_eq!(key.kind, KeyType::Ed25519);
        Ok(Note {
            text: text.into(),
            signatures: vec![NoteSignature {
                name: key.name.clone(),
                id: key.id,
                signature: key.sign_raw(text.as_bytes()).to_vec(),
            }],
        })
    }

    /// The note as bytes: text, blank line, signature lines.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.text.clone().into_bytes();
        out.push(b'\n');
        for s in &self.signatures {
            out.extend_from_slice(s.line().as_bytes());
        }
        out
    }

    /// The lines by `key`, de-duplicated as the reference implementations do.
    pub fn signatures_by<'a>(
        &'a self,
        key: &'a VerifierKey,
    ) -> impl Iterator<Item = &'a NoteSignature> + 'a {
        self.signatures.iter().filter(move |s| s.is_by(key))
    }

    /// Whether the Ed25519 `key` signed the text: `None` when no line names it, `Some(false)`
    /// when a line names it and does not verify (then the note is not valid for that key).
    pub fn check_ed25519(&self, key: &VerifierKey) -> Option<bool> {
        if key.kind != KeyType::Ed25519 {
            return None;
        }
        let mut found = None;
        for s in self.signatures_by(key) {
            let ok = Signature::from_slice(&s.signature)
                .is_ok_and(|sig| key.key.verify(self.text.as_bytes(), &sig).is_ok());
            if !ok {
                return Some(false);
            }
            found = Some(true);
        }
        found
    }

    /// Adds `sig` unless a line by the same key is there already; returns whether it was added.
    pub fn add_signature(&mut self, sig: NoteSignature) -> bool {
        if self
            .signatures
            .iter()
            .any(|s| s.name == sig.name && s.id == sig.id)
        {
            return false;
        }
        self.signatures.push(sig);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::keys::tests::log_key;
    use super::*;

    const PETER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
        then you don't know what your problem is.\n\
        \n\
        \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    /// The example note of Go's `golang.org/x/mod/sumdb/note`.
    #[test]
    fn go_note_example_verifies() {
        let n = Note::parse(PETER_NOTE.as_bytes()).unwrap();
        let k = VerifierKey::parse(PETER).unwrap();
        assert_eq!(n.check_ed25519(&k), Some(true));
        assert_eq!(n.to_bytes(), PETER_NOTE.as_bytes());
        let mut bad = n.clone();
        bad.text = bad.text.replace("think", "thinks");
        assert_eq!(bad.check_ed25519(&k), Some(false));
        assert_eq!(n.check_ed25519(&log_key().verifier()), None, "another key");
    }

    #[test]
    fn sign_parse_round_trip() {
        let k = log_key();
        let n = Note::sign("hello\nworld\n", &k).unwrap();
        let bytes = n.to_bytes();
        let back = Note::parse(&bytes).unwrap();
        assert_eq!(back, n);
        assert_eq!(back.check_ed25519(&k.verifier()), Some(true));
        assert!(Note::sign("no newline", &k).is_err());
        assert!(Note::sign("tab\there\n", &k).is_err());
    }

    #[test]
    fn malformed_notes_are_refused() {
        let good = Note::sign("a\n", &log_key()).unwrap().to_bytes();
        let g = String::from_utf8(good.clone()).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a\n".to_vec(),
            g.trim_end().as_bytes().to_vec(),
            g.replace("\n\n", "\n").into_bytes(),
            g.replace('\u{2014}', "-").into_bytes(),
            g.replace("log ", "log  ").into_bytes(),
            g.replace("a\n", "a\r\n").into_bytes(),
            g.replace("a\n", "a\t\n").into_bytes(),
            format!("{g}\n").into_bytes(),
            format!("{g}\u{2014} x AAAA\n").into_bytes(),
            format!("{g}\u{2014} x !!!!!!!!\n").into_bytes(),
            [&good[..], &[0xff, b'\n']].concat(),
            vec![b'a'; 70_000],
        ];
        for c in cases {
            assert!(
                Note::parse(&c).is_err(),
                "{:?}",
                String::from_utf8_lossy(&c)
            );
        }
        let many = format!(
            "a\n\n{}",
            "\u{2014} x AAAAAAAA\n".repeat(Limits::DEFAULT.note_signatures + 1)
        );
        assert_eq!(
            Note::parse(many.as_bytes()),
            Err(NoteError::TooManySignatures(100))
        );
    }

    #[test]
    fn unknown_and_duplicate_lines() {
        let k = log_key();
        let mut n = Note::sign("a\n", &k).unwrap();
        let first = n.signatures[0].clone();
        assert!(!n.add_signature(first.clone()));
        n.signatures.push(NoteSignature {
            name: "other".into(),
            id: 1,
            signature: vec![0; 64],
        });
        assert_eq!(n.check_ed25519(&k.verifier()), Some(true));
        let mut forged = first;
        forged.signature[0] ^= 1;
        n.signatures.push(forged);
        assert_eq!(n.check_ed25519(&k.verifier()), Some(false));
    }
}
