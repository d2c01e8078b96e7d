//! Checkpoints (c2sp.org/tlog-checkpoint): the note text a log signs.
//!
//! ```text
//! <origin>\n
//! <tree size, decimal>\n
//! <root hash, standard base64 of 32 bytes>\n
//! [extension line\n]…
//! ```
//!
//! The origin names the log (for intact, the log key's name); the size has no sign and no
//! leading zero; every extension line is non-empty. The checkpoint is what a witness cosigns
//! and what a mirror keeps.

use base64ct::{Base64, Encoding as _};

use super::note::is_note_text;
use crate::merkle::Hash;

/// Why a note's text is not a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint has fewer than three lines or does not end in a newline")]
    Shape,
    #[error("checkpoint origin is empty")]
    Origin,
    #[error("checkpoint tree size '{0}' is not a decimal number without leading zeros")]
    Size(String),
    #[error("checkpoint root hash is not the base64 of 32 bytes")]
    Root,
    #[error("checkpoint has an empty extension line")]
    Extension,
    #[error("checkpoint text holds a control character")]
    Text,
}

/// A checkpoint body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    pub extensions: Vec<String>,
}

/// A tree size: ASCII digits, no leading zero (but `0` itself), within 64 bits.
fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

impl Checkpoint {
    /// Reads a note's text as a checkpoint.
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        if !is_note_text(text) {
            return Err(CheckpointError::Text);
        }
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Shape)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Shape);
        };
        if origin.is_empty() {
            return Err(CheckpointError::Origin);
        }
        let size = parse_size(size).ok_or_else(|| CheckpointError::Size(size.into()))?;
        let root = decode_hash(root).ok_or(CheckpointError::Root)?;
        let extensions: Vec<String> = lines.map(String::from).collect();
        if extensions.iter().any(|e| e.is_empty()) {
            return Err(CheckpointError::Extension);
        }
        Ok(Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions,
        })
    }

    /// The checkpoint text, ending in a newline.
    pub fn to_text(&self) -> String {
        let mut t = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            Base64::encode_string(&self.root)
        );
        for e in &self.extensions {
            t.push_str(e);
            t.push('\n');
        }
        t
    }
}

/// A hash in standard base64 (canonical: exactly 44 characters with padding).
pub fn decode_hash(s: &str) -> Option<Hash> {
    let mut out = [0u8; 32];
    let got = Base64::decode(s, &mut out).ok()?;
    (got.len() == 32 && s.len() == 44).then_some(out)
}

/// A hash as standard base64.
pub fn encode_hash(h: &Hash) -> String {
    Base64::encode_string(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of c2sp.org/tlog-checkpoint.
    const EXAMPLE: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn example_round_trips() {
        let c = Checkpoint::parse(EXAMPLE).unwrap();
        assert_eq!(c.origin, "example.com/behind-the-sofa");
        assert_eq!(c.size, 20852163);
        assert!(c.extensions.is_empty());
        assert_eq!(c.to_text(), EXAMPLE);
        let ext = format!("{EXAMPLE}extension one\nextension two\n");
        let c = Checkpoint::parse(&ext).unwrap();
        assert_eq!(c.extensions, ["extension one", "extension two"]);
        assert_eq!(c.to_text(), ext);
    }

    #[test]
    fn malformed_checkpoints_are_refused() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        for bad in [
            String::new(),
            "o\n1\n".into(),
            format!("o\n1\n{root}"),
            format!("\n1\n{root}\n"),
            format!("o\n01\n{root}\n"),
            format!("o\n+1\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n 1\n{root}\n"),
            format!("o\n18446744073709551616\n{root}\n"),
            format!("o\n1\n{}\n", &root[..40]),
            format!("o\n1\n{}\n", root.trim_end_matches('=')),
            format!("o\n1\n{root}=\n"),
            "o\n1\nAAAA\n".into(),
            format!("o\n1\n{root}\n\n"),
            format!("o\n1\n{root}\nx\n\n"),
            format!("o\r\n1\n{root}\n"),
        ] {
            assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Checkpoint::parse(&format!("o\n0\n{root}\n")).unwrap().size,
            0
        );
        assert_eq!(
            Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n"))
                .unwrap()
                .size,
            u64::MAX
        );
    }
}
