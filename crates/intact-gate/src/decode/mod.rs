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

/// The escape views of one text, each handed to `visit` as soon as it is made: JSON escapes,
/// percent-encoding, emphasis markers, LaTeX accents.
fn escape_views(t: &str, name: ViewName, visit: &mut dyn FnMut(ViewName, &str)) {
    let own = |own: ViewName| if name.is_empty() { own } else { name };
    if let Some(v) = escapes::json(t) {
        visit(own("JSON escapes decoded"), &v);
    }
    for v in escapes::percent(t) {
        visit(own("percent-decoded"), &v);
    }
    for v in escapes::emphasis(t) {
        visit(own("emphasis removed"), &v);
    }
    if let Some(v) = escapes::latex(t) {
        visit(own("LaTeX accents composed"), &v);
    }
}

/// The escape views (JSON, percent, emphasis, LaTeX) of text that is already decoded, e.g. an
/// XML element's text or attribute value.
pub fn for_each_escape_view(t: &str, visit: &mut dyn FnMut(ViewName, &str)) {
    escape_views(t, "", visit);
}

/// A structural view: handed to `visit`, then its escape views (under the structural view's
/// name).
fn structural(t: &str, name: ViewName, v: &str, visit: &mut dyn FnMut(ViewName, &str)) {
    if v == t {
        return;
    }
    visit(name, v);
    escape_views(v, name, visit);
}

/// Every decoded view of a text (not the text itself), handed to `visit` one at a time so that
/// only a few views of a large text are in memory at once: the escape views of the text; the
/// RTF readings when it is RTF and the markup readings when it has tags or entities, each with
/// its own escape views.
pub fn for_each_view(t: &str, visit: &mut dyn FnMut(ViewName, &str)) {
    escape_views(t, "", visit);
    let d = t.as_bytes();
    if rtf::is_rtf(d) {
        let declared = rtf::text(d, None);
        structural(t, "RTF text", &declared, visit);
        if rtf::has_hex_escapes(d) {
            for enc in codepage::SINGLE_BYTE {
                let v = rtf::text(d, Some(enc));
                if v != declared {
                    structural(t, "RTF text", &v, visit);
                }
            }
        }
    }
    if markup::applies(t) {
        structural(t, "entities decoded", &markup::decoded(t), visit);
        let (tight, spaced) = markup::strip_tags_keep_comments(t);
        drop_and_visit(t, tight, visit);
        drop_and_visit(t, spaced, visit);
    }
}

/// The markup-removed view of `stripped`, with entities decoded.
fn drop_and_visit(t: &str, stripped: String, visit: &mut dyn FnMut(ViewName, &str)) {
    let v = markup::decoded(&stripped);
    drop(stripped);
    structural(t, "markup removed", &v, visit);
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

/// The name views of `s`'s bytes ([`name_views`]) and its escape views (JSON, percent, emphasis,
/// LaTeX): the readings the deny-list's name matching adds for any string the gate shows a person.
pub fn text_views_of_name(s: &str) -> Vec<String> {
    let mut out = name_views(s.as_bytes());
    escape_views(s, "", &mut |_, v| {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_owned());
        }
    });
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

    /// Random bytes, and samples of every container cut and corrupted at random: no decoder
    /// panics, and MIME parsing stays within its bounds.
    #[test]
    fn decoders_never_panic() {
        let samples: [&[u8]; 5] = [
            br"{\rtf1\ansicpg1251{\f0\fcharset204 A;}\f0 \'c7\u1329?{\b x}\bin2 ab\uc2\u-3 }",
            b"<p a='&amp;'>G&uuml;l<!-- c --><![CDATA[x]]>&#x41C;&#99999999;&bogus</p",
            b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=q\n\n--q\nContent-Transfer-Encoding: base64\n\nQUJD\n--q\nContent-Type: message/rfc822\n\nFrom: =?x?Q?=ZZ?=\n\nhi\n--q--",
            br#"{"a": "\u0041\ud800\u12", "b": "%C4%B1+%zz", "c": "G\"{u}l \c{} \u"}"#,
            b"**x**_y_ `z` ~w~ \\ \\i \\'",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..2000 {
            let base = samples[round % samples.len()];
            let mut d = base.to_vec();
            let cut = (next() as usize) % (d.len() + 1);
            d.truncate(cut.max(d.len() / 2));
            for _ in 0..(next() % 4) {
                if !d.is_empty() {
                    let i = (next() as usize) % d.len();
                    d[i] = next() as u8;
                }
            }
            if round % 7 == 0 {
                d = (0..(next() % 64)).map(|_| next() as u8).collect();
            }
            let t = String::from_utf8_lossy(&d).into_owned();
            for_each_view(&t, &mut |_, _| {});
            let _ = rtf::views(&d);
            let _ = name_views(&d);
            let m = mime::parse(&d, 8, 1 << 12);
            assert!(m.parts.len() <= 8 && m.decoded_bytes <= 1 << 12);
        }
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
