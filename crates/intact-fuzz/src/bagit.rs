//! Targets of the BagIt layer: tag files read by the format's verifier (`intact_format::bag`)
//! and by the BagIt validator (`intact-bagit`), which must agree where both apply.

use intact_bagit::parse::{self, Algorithm, ManifestKind, Oxum, Version};
use intact_bagit::Severity;
use intact_format::bag;
use intact_format::problem::Check;

/// Every BagIt version the validator knows.
fn versions() -> impl Iterator<Item = Version> {
    ["0.93", "0.94", "0.95", "0.96", "0.97", "1.0"]
        .into_iter()
        .filter_map(Version::parse)
}

/// `bag-info.txt`: the validator's metadata parser under every version, and `Payload-Oxum` as
/// the verifier reads it (one parser: a value read is written back as the same value).
pub fn bag_info(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for v in versions() {
        let (elements, _) = parse::metadata(text, "bag-info.txt", v);
        for e in &elements {
            if e.label == "Payload-Oxum" {
                let _ = Oxum::parse(&e.value);
            }
        }
    }
    if let Some((octets, streams)) = bag::payload_oxum(text) {
        let written = bag::bag_info("c", "r", "2026-01-01", octets, streams, &[]);
        assert_eq!(
            bag::payload_oxum(&written),
            Some((octets, streams)),
            "Oxum round trip"
        );
    }
}

/// Manifest lines (`manifest-sha256.txt`, `tagmanifest-sha256.txt`): the verifier's strict
/// parser, its copy-free twin, a write-and-reread round trip, and agreement with the BagIt
/// validator on every manifest the verifier accepts without a problem.
pub fn bag_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = bag::MANIFEST_PATH;
    let (entries, problems) = bag::parse_manifest(text, Check::Manifest, file);
    let (in_place, in_place_problems) = bag::parse_manifest_in_place(text, Check::Manifest, file);
    assert_eq!(
        problems.len(),
        in_place_problems.len(),
        "the two parsers differ"
    );
    assert_eq!(entries.len(), in_place.len(), "the two parsers differ");
    for ((p, d), (q, e)) in entries.iter().zip(&in_place) {
        assert_eq!(p.as_str(), *q);
        assert_eq!(d, e);
    }
    let written = bag::write_manifest(entries.iter().map(|(p, d)| (p, d)));
    let (again, again_problems) = bag::parse_manifest(&written, Check::Manifest, file);
    assert_eq!(again, entries, "manifest round trip");
    if !problems.is_empty() {
        return;
    }
    assert!(
        again_problems.is_empty(),
        "a clean manifest written back has problems"
    );
    // A payload manifest lists files under data/, a tag manifest files outside it.
    let in_data = entries
        .iter()
        .filter(|(p, _)| p.as_str().starts_with("data/"))
        .count();
    let kind = if in_data == entries.len() {
        ManifestKind::Payload
    } else if in_data == 0 {
        ManifestKind::Tag
    } else {
        return;
    };
    {
        let (theirs, their_problems) =
            parse::manifest(text, file, kind, Some(Algorithm::Sha256), Version::V1_0);
        let errors: Vec<_> = their_problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "the BagIt validator refuses a clean manifest: {errors:?}"
        );
        assert_eq!(
            theirs.len(),
            entries.len(),
            "the BagIt validator reads other entries"
        );
        for (t, (p, d)) in theirs.iter().zip(&entries) {
            assert_eq!(t.path, p.as_str(), "paths differ");
            assert_eq!(t.checksum, d.to_hex(), "digests differ");
        }
    }
}

/// `bagit.txt` and `fetch.txt`: the validator's parsers under every version.
pub fn bagit_txt(data: &[u8]) {
    let (decl, _) = parse::declaration(data);
    if let Some(v) = decl.version {
        assert!(decl.version_text.is_some(), "a version without its text");
        let _ = v;
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for v in versions() {
            let _ = parse::fetch(text, v);
            let _ = parse::filepath(text, v);
        }
        let _ = parse::percent_decode(text);
    }
}
