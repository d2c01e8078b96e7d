//! Every bound the format layer puts on untrusted input, in one place.
//!
//! A bundle, a proof or a manifest line comes from someone who may want the reader to run out
//! of memory or time. Each number below says how much a reader is willing to take, and why that
//! much. Some are rules of the format itself (FORMAT.md gives the number: names §3, the
//! statement §6, proofs §13); the others only bound what a reader holds in memory, and a reader
//! with unusual needs (a 50-million-item archive, a public upload service) may choose others.
//!
//! Readers of a bundle take a [`Limits`]: [`crate::container::read_with_limits`],
//! [`crate::bundle::Bundle::open_with_limits`] and [`crate::verify::verify_with_limits`]. The
//! rules that decide whether a *name* or a *proof* is valid at all ([`crate::bagpath::BagPath`],
//! [`crate::proof::parse`]) always apply [`Limits::DEFAULT`], so that a name or a proof is valid
//! for every reader or for none.

/// Bounds on untrusted input. [`Limits::DEFAULT`] is what every intact tool uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries a bundle ZIP may declare (10 million). The central directory is read into
    /// memory and every entry becomes a member record of about 150 bytes, so this keeps a
    /// declared count from asking for gigabytes before a single entry is checked, while leaving
    /// a hundred times the 100,000-item releases intact is measured on (docs/PERFORMANCE.md).
    pub zip_entries: u64,
    /// Largest central directory a reader loads into memory (2 GiB): 10 million entries of
    /// about 150 bytes (a 46-byte record, a name, a ZIP64 field) with room to spare.
    pub central_directory_bytes: u64,
    /// Largest `intact/release.json` (1 MiB, FORMAT.md §6). The statement is a few kilobytes (its
    /// size does not grow with the number of items); this is the format's rule, and also bounds
    /// what a proof may carry (§13).
    pub release_bytes: u64,
    /// Largest `intact/manifest.json` a reader holds in memory (1 GiB): about 5 million item
    /// records of ~200 bytes of canonical JSON. Offsets into it must also fit in 32 bits.
    pub manifest_bytes: u64,
    /// Largest other tag file a reader holds in memory (1 GiB): `manifest-sha256.txt` of 10
    /// million lines of ~100 bytes, or a signature or metadata file (which are far smaller).
    pub tag_file_bytes: u64,
    /// Largest signature file a reader takes on its own, outside a bundle (64 KiB, e.g. one
    /// given to `intact attach`): an Ed25519 SSHSIG armor is under 1 KiB, and an RSA one of a
    /// 16,384-bit key under 4 KiB.
    pub signature_bytes: u64,
    /// Largest inclusion proof (4 MiB, FORMAT.md §13): a statement of at most 1 MiB, escaped as a
    /// JSON string, plus the item record, the audit path and the signatures.
    pub proof_bytes: u64,
    /// Most hashes in a proof's audit path (64, FORMAT.md §13): a tree of 2^64 leaves needs 64,
    /// so a longer path can never verify.
    pub proof_audit_path: usize,
    /// Most signatures a proof may carry (256, FORMAT.md §13): far more signers than any
    /// release has, and few enough that checking them all stays quick.
    pub proof_signatures: usize,
    /// Longest bag-relative path, in bytes of UTF-8 (1024, FORMAT.md §3): the common `PATH_MAX`
    /// floor of file systems an extracted bundle must fit on.
    pub path_bytes: usize,
    /// Longest path component, in bytes of UTF-8 (255, FORMAT.md §3): the `NAME_MAX` of ext4,
    /// APFS and most other file systems.
    pub component_bytes: usize,
}

impl Limits {
    /// The bounds every intact tool applies, and the numbers FORMAT.md states.
    pub const DEFAULT: Limits = Limits {
        zip_entries: 10_000_000,
        central_directory_bytes: 2 << 30,
        release_bytes: 1 << 20,
        manifest_bytes: 1 << 30,
        tag_file_bytes: 1 << 30,
        signature_bytes: 64 << 10,
        proof_bytes: 4 << 20,
        proof_audit_path: 64,
        proof_signatures: 256,
        path_bytes: 1024,
        component_bytes: 255,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_what_format_md_states() {
        let l = Limits::default();
        assert_eq!(l, Limits::DEFAULT);
        assert_eq!(l.release_bytes, 1_048_576);
        assert_eq!(l.proof_bytes, 4 * 1_048_576);
        assert_eq!((l.proof_audit_path, l.proof_signatures), (64, 256));
        assert_eq!((l.path_bytes, l.component_bytes), (1024, 255));
        assert_eq!(l.central_directory_bytes, 2 * 1024 * 1024 * 1024);
    }
}
