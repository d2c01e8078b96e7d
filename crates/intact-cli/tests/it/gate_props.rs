//! Property tests: the scanners never panic (or hang) on arbitrary or damaged input, and damaged
//! input never silently passes as a well-formed file would.

use intact_testkit::{gate::*, jpeg::*, office::*, pdf::*};
use proptest::prelude::*;

/// The findings on `bytes`; a parser's panic (which the gate turns into a finding, failing
/// closed) fails the property.
fn scan_any(bytes: &[u8]) -> Vec<intact::gate::Finding> {
    scan_with(bytes, &opts())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn pdf_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut b = b"%PDF-1.7\n".to_vec();
        b.extend_from_slice(&tail);
        let f = scan_any(&b);
        // random bytes are never a clean PDF
        prop_assert!(!f.is_empty());
    }

    #[test]
    fn pdf_mutations_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let base = one_page(b"BT /F1 12 Tf 72 700 Td (Witness: Ivan Fictitious) Tj ET 0 g 70 695 120 16 re f", "/Annots [6 0 R]", "", &[b"<< /Type /Annot /Subtype /Text /Rect [0 0 1 1] >>".to_vec()], "");
        let mut b = base.clone();
        let i = pos.index(b.len());
        b[i] = byte;
        b.truncate(cut.index(b.len()) + 1);
        let _ = scan_any(&b);
    }

    #[test]
    fn jpeg_exif_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE1];
        b.extend_from_slice(&((tail.len() + 8) as u16).to_be_bytes());
        b.extend_from_slice(b"Exif\0\0");
        b.extend_from_slice(&tail);
        let _ = scan_any(&b);
        // EXIF in TIFF layout as a file, too
        let mut t = b"II*\0".to_vec();
        t.extend_from_slice(&tail);
        let _ = scan_any(&t);
    }

    #[test]
    fn exif_mutations_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let t = tiff(vec![ascii(0x013B, "Ivan Fictitious")], Some(vec![ascii(1, "N")]), Some(&tiny_jpeg()));
        let mut b = jpeg(Some(&t), &[]);
        let i = pos.index(b.len());
        b[i] = byte;
        let _ = scan_any(&b);
    }

    #[test]
    fn docx_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..1024), pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut b = b"PK\x03\x04".to_vec();
        b.extend_from_slice(&tail);
        prop_assert!(!scan_any(&b).is_empty());
        let mut d = docx(r#"<w:p><w:del><w:r><w:delText>Ivan Fictitious</w:delText></w:r></w:del></w:p>"#, &[]);
        let i = pos.index(d.len());
        d[i] = byte;
        let _ = scan_any(&d);
    }

    #[test]
    fn other_formats_never_panic(b in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = scan_any(&b);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&b);
        let _ = scan_any(&png);
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        webp.extend_from_slice(&b);
        let _ = scan_any(&webp);
    }
}
