//! The decoding layer: every text container turned into the text a reader sees, before the
//! deny-list is matched. Each decoder is a pure function from bytes or text to the *views* it
//! finds (decoded readings); the gate matches the raw text and every view, so a decoder can only
//! add findings, never hide one.
//!
//! - [`rtf`]: control words, code pages (`\ansicpg`, `\fcharset`), `\'hh`, `\uN`, groups;
//! - [`markup`]: HTML/XML character references and named entities, tags dropped, comments kept;
//! - [`mime`]: mail and MHT — headers (RFC 2047), multipart, base64, quoted-printable, charsets;
//! - [`escapes`]: JSON `\u` escapes, percent-encoding and `+`, Markdown emphasis, LaTeX accents;
//! - [`codepage`]: the candidate decodings of bytes of unknown encoding.
//!
//! Bounds: the views of a text are each about the size of the text; MIME parts and decoded bytes
//! are bounded by the gate's [`crate::Limits`] and the file's decompression budget.

pub mod codepage;
pub mod escapes;
pub mod markup;
pub mod mime;
pub mod rtf;

/// What a view is, as it appears in a finding's location.
pub type ViewName = &'static str;

/// The structural views of a text: RTF readings when it is RTF, markup readings when it has
/// tags or entities.
fn structural_views(t: &str) -> Vec<(ViewName, String)> {
    let mut out = Vec::new();
    if rtf::is_rtf(t.as_bytes()) {
        out.extend(
            rtf::views(t.as_bytes())
                .into_iter()
                .map(|v| ("RTF text", v)),
        );
    }
    if markup::applies(t) {
        for (k, v) in markup::views(t).into_iter().enumerate() {
            out.push((
                if k == 0 {
                    "entities decoded"
                } else {
                    "markup removed"
                },
                v,
            ));
        }
    }
    out
}

/// The escape views of one text: JSON escapes, percent-encoding, emphasis markers, LaTeX
/// accents, each applied to the text as it is.
fn escape_views(t: &str) -> Vec<(ViewName, String)> {
    let mut out = Vec::new();
    if let Some(v) = escapes::json(t) {
        out.push(("JSON escapes decoded", v));
    }
    out.extend(
        escapes::percent(t)
            .into_iter()
            .map(|v| ("percent-decoded", v)),
    );
    out.extend(
        escapes::emphasis(t)
            .into_iter()
            .map(|v| ("emphasis removed", v)),
    );
    if let Some(v) = escapes::latex(t) {
        out.push(("LaTeX accents composed", v));
    }
    out
}

/// Every decoded view of a text (not the text itself), handed to `visit` one at a time so that
/// at most a few views of a large text are in memory at once: the structural views, and the
/// escape views of the text and of each structural view.
pub fn for_each_view(t: &str, visit: &mut dyn FnMut(ViewName, &str)) {
    for (name, v) in escape_views(t) {
        visit(name, &v);
    }
    for (name, s) in structural_views(t) {
        if s == t {
            continue;
        }
        visit(name, &s);
        for (_, v) in escape_views(&s) {
            visit(name, &v);
        }
    }
}

/// Every reading of a file or member name given as raw bytes: each candidate decoding
/// (UTF-8, and the single-byte code pages when the bytes are not all ASCII), and for each, the
/// percent-decoded form, the form with `_` read as a space, and the form with `_`, `-`, `.`, `+`
/// read as spaces.
pub fn name_views(raw: &[u8]) -> Vec<String> {
    let mut base = vec![String::from_utf8_lossy(raw).into_owned()];
    if std::str::from_utf8(raw).is_err() || !raw.is_ascii() {
        base.extend(codepage::single_byte_readings(raw));
    }
    let mut out = Vec::new();
    for b in base {
        let mut more = escapes::percent(&b);
        more.push(b);
        for v in more {
            let underscores = v.replace('_', " ");
            let spaced: String = v
                .chars()
                .map(|c| {
                    if matches!(c, '_' | '-' | '.' | '+') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            for s in [v, underscores, spaced] {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(t: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_view(t, &mut |_, s| v.push(s.to_string()));
        v
    }

    #[test]
    fn escapes_apply_inside_decoded_markup() {
        // percent-encoding inside an entity-encoded attribute
        let v = all("<a href=\"x?n=Zarifa%20Testova&amp;y=1\">link</a>");
        assert!(
            v.iter().any(|s| s.contains("n=Zarifa Testova&y=1")),
            "{v:?}"
        );
        // emphasis inside RTF
        let v = all(r"{\rtf1 **Zarifa** Testova}");
        assert!(v.iter().any(|s| s.contains("Zarifa Testova")), "{v:?}");
    }

    #[test]
    fn names_in_every_code_page() {
        // "Зарифа_Тестова.txt" in cp866, as Windows' compressed folders write zip member names
        let mut raw = vec![0x87, 0xA0, 0xE0, 0xA8, 0xE4, 0xA0, b'_'];
        raw.extend([0x92, 0xA5, 0xE1, 0xE2, 0xAE, 0xA2, 0xA0]);
        raw.extend(b".txt");
        assert!(name_views(&raw).iter().any(|s| s == "Зарифа Тестова txt"));
        assert!(name_views("Zarifa_Qurbanlı-Testova.txt".as_bytes())
            .iter()
            .any(|s| s == "Zarifa Qurbanlı-Testova.txt"));
        assert!(name_views(b"Zarifa%20Testova.txt")
            .iter()
            .any(|s| s == "Zarifa Testova.txt"));
    }
}
