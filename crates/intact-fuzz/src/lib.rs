//! The fuzz targets (docs/SECURITY.md): one plain function per parser of untrusted input, each
//! asserting that parser's invariants — no panic, and where one exists a round trip or the
//! agreement of two readings. A failed invariant panics, which is what a fuzzer reports.
//!
//! Two callers share them: the libFuzzer harness in `fuzz/` (nightly, `scripts/fuzz.sh`), which
//! also bounds allocation (`-malloc_limit_mb`), and the stable replay test
//! (`tests/replay.rs`), which runs every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` through its target and bounds each input's peak allocation.
//!
//! The gate's targets call its parsers directly, not through `scan_bytes`, whose panic guard
//! turns a panic into an `unreadable-file` finding: here a panic is a crash.

pub mod bagit;
pub mod format;
pub mod gate;
pub mod ops;
pub mod timestamp;

/// A fuzz target: takes any bytes, panics only when an invariant fails.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus folder and of its libFuzzer binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("container", format::container),
    ("bundle", format::bundle),
    ("bundle_tree", format::bundle_tree),
    ("canonical", format::canonical),
    ("items", format::items),
    ("statement", format::statement),
    ("sshsig_armor", format::sshsig_armor),
    ("sshsig_blob", format::sshsig_blob),
    ("allowed_signers", format::allowed_signers),
    ("revocations", format::revocations),
    ("proof", format::proof),
    ("timestamp_token", timestamp::timestamp_token),
    ("signed_note", format::signed_note),
    ("note_key", format::note_key),
    ("tlog_proof", format::tlog_proof),
    ("log_entry", ops::log_entry),
    ("mirror_state", ops::mirror_state),
    ("scrub_image", ops::scrub_image),
    ("bag_info", bagit::bag_info),
    ("bag_manifest", bagit::bag_manifest),
    ("bagit_txt", bagit::bagit_txt),
    ("gate_pdf", gate::pdf),
    ("gate_image", gate::image),
    ("gate_office", gate::office),
    ("gate_rtf", gate::rtf),
    ("gate_markup", gate::markup),
    ("gate_mime", gate::mime),
    ("gate_text", gate::text),
    ("gate_content", gate::content),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Splits fuzz input into parts at each `\0\0`, so that one input can carry several files (a log
/// entry's `release.json` and `manifest.json`, say). At most `n` parts; the last takes the rest.
pub fn split_parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = data;
    while parts.len() + 1 < n {
        match rest.windows(2).position(|w| w == b"\0\0") {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = &rest[i + 2..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_parts_keeps_the_rest_in_the_last_part() {
        assert_eq!(
            split_parts(b"a\0\0b\0\0c", 2),
            vec![&b"a"[..], &b"b\0\0c"[..]]
        );
        assert_eq!(split_parts(b"abc", 3), vec![&b"abc"[..]]);
        assert_eq!(split_parts(b"", 2), vec![&b""[..]]);
    }

    #[test]
    fn target_names_are_unique_and_found() {
        for (name, _) in TARGETS {
            assert_eq!(TARGETS.iter().filter(|(n, _)| n == name).count(), 1);
            assert!(target(name).is_some());
        }
    }
}
