//! The release log as a transparency log (FORMAT.md §15): the C2SP formats a log and its
//! witnesses speak, with no I/O.
//!
//! - [`keys`]: verifier keys `name+hash+base64` and signer keys (c2sp.org/signed-note), Ed25519
//!   (type 0x01, the log key) and cosignature/v1 (type 0x04, a witness key);
//! - [`note`]: signed notes — a text and signature lines `— name base64` (c2sp.org/signed-note);
//! - [`checkpoint`]: the note text a log signs: origin, tree size, root hash, extension lines
//!   (c2sp.org/tlog-checkpoint);
//! - [`cosignature`]: a witness's timestamped signature of a checkpoint
//!   (c2sp.org/tlog-cosignature);
//! - [`proofs`]: consistency and inclusion proofs as documents a reader can check (RFC 9162
//!   §2.1.3, §2.1.4, over [`crate::merkle`], the one Merkle implementation).
//!
//! Every parser bounds its input by [`crate::limits::Limits`] and never panics.

pub mod checkpoint;
pub mod cosignature;
pub mod keys;
pub mod note;
pub mod proofs;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use keys::{KeyError, KeyType, SignerKey, VerifierKey};
pub use note::{Note, NoteError, NoteSignature};

/// Whether `name` may name a key (c2sp.org/signed-note): not empty, no Unicode white space, no
/// `+`; intact also refuses control characters, which a signature line could not show.
pub fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 1024
        && !name.contains('+')
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names() {
        for ok in ["example.com/log", "a", "пример.рф/log", "x-y_z:1"] {
            assert!(is_key_name(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a+b",
            "a\tb",
            "a\u{a0}b",
            "a\u{2003}b",
            "a\nb",
            "a\u{7f}b",
        ] {
            assert!(!is_key_name(bad), "{bad:?}");
        }
        assert!(!is_key_name(&"a".repeat(1025)));
    }
}

#[cfg(test)]
mod interop_tests;
