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
    /// Largest `intact/manifest.json` (1 GiB). A verifier never holds it: it hashes the file as
    /// a stream, and only when the digest is the one `release.json` pins reads it again, one
    /// item record at a time (FORMAT.md §9.1). So this bounds time (two passes of SHA-256 and
    /// one of JSON over at most 1 GiB: seconds), not memory, which [`Limits::items`] bounds.
    pub manifest_bytes: u64,
    /// Largest `manifest-sha256.txt` (256 MiB). It is held whole while its lines are checked:
    /// [`Limits::items`] lines of 256 bytes on average (a 64-digit digest, two spaces, a path of
    /// up to 189 bytes, LF), where a release of 100,000 files writes about 10 MB.
    pub payload_manifest_bytes: u64,
    /// Most item records a verifier reads from `manifest.json`, and most lines it reads from
    /// `manifest-sha256.txt` (1,000,000): ten times the 100,000-item releases intact is measured
    /// on (docs/PERFORMANCE.md). Per record a verifier keeps a Merkle leaf (32 bytes), the id,
    /// and for a published item its path, digest and size: about 150 bytes with paths of 60,
    /// so at most about 150 MB besides the paths' and ids' own length.
    pub items: usize,
    /// Largest tag file other than `release.json` and the two manifests above (1 MiB):
    /// `bagit.txt` is 55 bytes and `bag-info.txt` a few hundred; `tagmanifest-sha256.txt`
    /// lists at most [`Limits::signature_files`] signatures and the other tag files, one line
    /// of at most 1,091 bytes each (about 290 KB); a tag file that `release.json` pins besides
    /// the required ones is the format's place for small metadata.
    pub tag_file_bytes: u64,
    /// Most bytes of tag files read in all, besides `manifest.json` and
    /// `manifest-sha256.txt` (32 MiB): [`Limits::signature_files`] signatures of at most
    /// [`Limits::signature_bytes`] each (16 MiB), and as much again for the other small tag
    /// files, however many `release.json` pins.
    pub tag_bytes: u64,
    /// Most files under `intact/signatures/` (256): far more signers than any release has (a
    /// threshold counts distinct trusted principals, a handful), the same bound as a proof's
    /// signatures (FORMAT.md §13). Over it, none of them is read.
    pub signature_files: usize,
    /// Most problems listed about the contents of one of the two manifests (1,000); past that
    /// one more problem says how many were not listed. Every record or line could be wrong,
    /// and a report of a million problems would cost more memory than the records.
    pub problems_per_file: usize,
    /// Largest signature file (64 KiB), in a bundle or given on its own (to `intact attach`):
    /// an Ed25519 SSHSIG armor is under 1 KiB, and an RSA one of a 16,384-bit key under 4 KiB.
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
    /// Largest RFC 3161 time-stamp token (64 KiB, FORMAT.md §16): a token is a TSTInfo of a
    /// few hundred bytes, a signature, and the TSA's certificate chain — 2 to 10 KiB with the
    /// RSA chains public TSAs send.
    pub timestamp_token_bytes: u64,
    /// Most time-stamp tokens read for one release (64, FORMAT.md §16): one per TSA asked,
    /// and a release is stamped by a few.
    pub timestamp_tokens: usize,
    /// Largest PEM file of trusted TSA roots (1 MiB): a few hundred certificates of 2 KiB.
    pub tsa_certs_bytes: u64,
    /// Most certificates on a TSA's chain, the TSA's own and the root included (8): real
    /// TSAs have 2 to 4.
    pub tsa_chain_depth: usize,
    /// Largest signed note (a checkpoint with its signatures, FORMAT.md §15): 64 KiB. A
    /// checkpoint body is about 100 bytes and each signature line about 130, so this holds a
    /// checkpoint with a long extension and [`Limits::note_signatures`] cosignatures.
    pub note_bytes: u64,
    /// Most signature lines a signed note may carry (100, FORMAT.md §15; the bound of the Go
    /// and Rust reference implementations): a log signature and far more witnesses than any
    /// policy names.
    pub note_signatures: usize,
}

impl Limits {
    /// The bounds every intact tool applies, and the numbers FORMAT.md states.
    pub const DEFAULT: Limits = Limits {
        zip_entries: 10_000_000,
        central_directory_bytes: 2 << 30,
        release_bytes: 1 << 20,
        manifest_bytes: 1 << 30,
        payload_manifest_bytes: 256 << 20,
        items: 1_000_000,
        tag_file_bytes: 1 << 20,
        tag_bytes: 32 << 20,
        signature_files: 256,
        problems_per_file: 1_000,
        signature_bytes: 64 << 10,
        proof_bytes: 4 << 20,
        proof_audit_path: 64,
        proof_signatures: 256,
        path_bytes: 1024,
        component_bytes: 255,
        timestamp_token_bytes: 64 << 10,
        timestamp_tokens: 64,
        tsa_certs_bytes: 1 << 20,
        tsa_chain_depth: 8,
        note_bytes: 64 << 10,
        note_signatures: 100,
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
        assert_eq!((l.note_bytes, l.note_signatures), (65_536, 100));
        assert_eq!(l.central_directory_bytes, 2 * 1024 * 1024 * 1024);
        assert_eq!(
            (l.manifest_bytes, l.payload_manifest_bytes),
            (1 << 30, 256 << 20)
        );
        assert_eq!(
            (l.items, l.signature_files, l.problems_per_file),
            (1_000_000, 256, 1000)
        );
        assert_eq!((l.tag_file_bytes, l.tag_bytes), (1 << 20, 32 << 20));
        assert_eq!(
            (l.timestamp_token_bytes, l.timestamp_tokens),
            (64 << 10, 64)
        );
        assert_eq!((l.tsa_certs_bytes, l.tsa_chain_depth), (1 << 20, 8));
        // Every signature the count allows, each of the size allowed, fits in the total.
        assert!(l.signature_files as u64 * l.signature_bytes <= l.tag_bytes / 2);
    }
}
