//! Targets of the leak gate's readers: every PDF, image, office file, RTF, HTML/XML and mail an
//! office packs. Each calls the reader directly, outside `scan_bytes`'s panic guard, with a
//! synthetic deny-list (so the matching paths run too) and bounds small enough that a reader
//! within them stays far below the fuzzer's allocation limit.

use std::path::Path;
use std::sync::OnceLock;

use intact_gate::decode::{self, escapes, markup, mime, rtf};
use intact_gate::sink::Sink;
use intact_gate::{gif, image as img, office as ofc, pdf as pdfs, scan, text as txt, xmp};
use intact_gate::{DenyList, Limits};

/// Synthetic withheld strings (a name and an address, as a deny-list holds them).
fn deny() -> &'static DenyList {
    static DENY: OnceLock<DenyList> = OnceLock::new();
    DENY.get_or_init(|| {
        DenyList::from_entries(&["Jane Example", "12 Sample Street", "Zoë Testperson"])
            .expect("a valid deny-list")
    })
}

/// The gate's bounds, smaller than its defaults so that one input stays within 512 MB.
pub const FUZZ_LIMITS: Limits = Limits {
    max_file_bytes: 16 << 20,
    max_stream_bytes: 8 << 20,
    max_decompressed_bytes: 32 << 20,
    max_nesting: 3,
    max_mime_parts: 1_000,
};

/// Runs `f` with a fresh sink and drops its findings (a panic is the only failure).
fn with_sink(f: impl FnOnce(&mut Sink)) {
    let mut sink = Sink::new(Path::new("fuzz"), Some(deny()), FUZZ_LIMITS);
    f(&mut sink);
    let _ = sink.into_findings();
}

/// The PDF reader (`pdf::scan_pdf`: objects, revisions, streams and filters, fonts, content).
pub fn pdf(data: &[u8]) {
    with_sink(|s| pdfs::scan_pdf(data, s));
}

/// Image metadata: JPEG, PNG, TIFF, WebP, GIF, a bare EXIF TIFF block and an ImageMagick raw
/// profile, each reader on the same bytes (each checks its own signature).
pub fn image(data: &[u8]) {
    with_sink(|s| img::scan_jpeg(s, "", data));
    with_sink(|s| img::scan_png(s, "", data));
    with_sink(|s| img::scan_tiff(s, "", data));
    with_sink(|s| img::scan_webp(s, "", data));
    with_sink(|s| gif::scan_gif(s, "", data));
    with_sink(|s| img::scan_exif_tiff(s, "", data));
    with_sink(|s| img::scan_profile(s, "", &img::raw_profile(data)));
}

/// OOXML and OpenDocument containers (and any ZIP the gate opens).
pub fn office(data: &[u8]) {
    with_sink(|s| ofc::scan_zip(s, data));
}

/// RTF: detection, the text a reader sees, and its views.
pub fn rtf(data: &[u8]) {
    let _ = rtf::is_rtf(data);
    let _ = rtf::has_hex_escapes(data);
    let _ = rtf::text(data, None);
    let _ = rtf::views(data);
}

/// HTML/XML: entities and tags (the decoding layer), and the XML walk behind XMP and office
/// parts.
pub fn markup(data: &[u8]) {
    let t = String::from_utf8_lossy(data);
    let _ = markup::applies(&t);
    let _ = markup::strip_tags_keep_comments(&t);
    let _ = markup::decoded(&t);
    let _ = markup::views(&t);
    let _ = xmp::walk_xml(data);
    with_sink(|s| xmp::scan_xmp(s, "", data));
}

/// Mail and MHT: the MIME parser within its bounds, mbox splitting, encoded words, base64 and
/// quoted-printable. The decoded bytes stay within the bound given.
pub fn mime(data: &[u8]) {
    let _ = mime::looks_like_mime(data);
    let _ = mime::messages(data);
    let m = mime::parse(data, 100, 1 << 20);
    let _ = m.headers.len() + m.parts.len();
    let _ = mime::base64(data);
    let _ = mime::quoted_printable(data, false);
    let _ = mime::quoted_printable(data, true);
    let _ = mime::decode_words(&String::from_utf8_lossy(data));
}

/// Text: the plain-text readings (UTF-8, UTF-16, code pages), every decoded view (JSON, percent,
/// emphasis, LaTeX), name readings, and the whole text scan (mail parts included).
pub fn text(data: &[u8]) {
    let plain = txt::as_plain_text(data);
    with_sink(|s| txt::scan_text(s, data, plain.as_deref()));
    let _ = txt::utf16_without_bom(data);
    txt::for_each_candidate(data, &mut |_| {});
    let _ = decode::name_views(data);
    let _ = txt::pdf_string(data);
    let t = String::from_utf8_lossy(data);
    decode::for_each_view(&t, &mut |_, _| {});
    let _ = escapes::json(&t);
    let _ = escapes::percent(&t);
    let _ = escapes::percent_decoded_bytes(data);
    let _ = escapes::emphasis(&t);
    let _ = escapes::latex(&t);
    let _ = txt::normalize(&t);
}

/// The dispatcher by content (`scan::scan_content`) outside its panic guard: every reader, and
/// containers nested in containers.
pub fn content(data: &[u8]) {
    with_sink(|s| scan::scan_content(s, data));
}
