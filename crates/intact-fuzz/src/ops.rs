//! Targets of the operations crate: the release log a mirror reads (RELEASES.md, FORMAT.md §14)
//! and the mirror's own state file.

use std::path::Path;

use intact::log::{self, MirrorState};
use intact_format::verify::VerifyOptions;

use crate::split_parts;

/// A release log of two entries: the input is split at `\0\0` into `release.json`,
/// `manifest.json` and one signature of entry 1, then the same of entry 2. The log is read, its
/// chain folded into the archive state, and each entry verified without a trust policy (the
/// signature checks included).
pub fn log_entry(data: &[u8]) {
    let parts = split_parts(data, 6);
    let dir = tempfile::tempdir().expect("scratch folder");
    for (i, entry) in parts.chunks(3).enumerate() {
        let e = dir.path().join(format!("{:06}", i + 1));
        std::fs::create_dir_all(e.join("signatures")).expect("entry folder");
        std::fs::write(e.join("release.json"), entry[0]).expect("release.json");
        if let Some(m) = entry.get(1) {
            std::fs::write(e.join("manifest.json"), m).expect("manifest.json");
        }
        if let Some(s) = entry.get(2) {
            std::fs::write(e.join("signatures").join("a.sig"), s).expect("signature");
        }
    }
    if let Ok((entries, mut problems)) = log::read_log(dir.path()) {
        let _ = log::fold(&entries, &mut problems);
        let opts = VerifyOptions::consistency_only();
        for e in &entries {
            let _ = log::verify_entry(&e.dir, &opts);
        }
    }
}

/// The mirror state file (`log verify --state`): a state that parses is written back as the
/// same bytes `save` writes, and those parse to the same state.
pub fn mirror_state(data: &[u8]) {
    let path = Path::new("state.json");
    if let Ok(s) = MirrorState::parse(data, path) {
        let bytes = s.to_bytes();
        let again = MirrorState::parse(&bytes, path).expect("a written state parses");
        assert_eq!(again, s, "state round trip");
    }
}

/// `intact scrub`'s image editors (docs/SCRUB.md: JPEG segments and MPF offsets, PNG and WebP
/// chunks, the in-place EXIF IFD walker, XMP properties, IPTC datasets), each called on the
/// input directly, without the panic guard `scrub_bytes` puts around them, so a panic is a
/// crash. What an editor writes is edited again: that second pass must not panic either.
pub fn scrub_image(data: &[u8]) {
    use intact::scrub::{jpeg, png};
    /// An editor: the bytes it writes, if any.
    type Editor = fn(&[u8]) -> Option<Vec<u8>>;
    let editors: [Editor; 3] = [
        |d| jpeg::scrub_jpeg(d).ok().and_then(|s| s.bytes),
        |d| png::scrub_png(d).ok().and_then(|s| s.bytes),
        |d| png::scrub_webp(d).ok().and_then(|s| s.bytes),
    ];
    for edit in editors {
        if let Some(once) = edit(data) {
            let _ = edit(&once);
        }
    }
}
