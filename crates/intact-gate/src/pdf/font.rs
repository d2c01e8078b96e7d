//! Just enough of PDF fonts to turn shown strings into text and estimate glyph positions:
//! ToUnicode CMaps (bfchar/bfrange, 1- to 4-byte codes), simple-font `/Differences` with glyph
//! names, `/Widths` and CID `/W` arrays. Fonts without a ToUnicode map and with a custom encoding
//! cannot be decoded (documented limit).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::lexer::{Lexer, Obj};

/// Bounds on CMap size.
const MAX_MAP_ENTRIES: usize = 1 << 20;

/// A decoded font: how to split a string into codes, map codes to text, and their widths.
#[derive(Debug, Clone, Default)]
pub struct Font {
    /// Code length in bytes (1 for simple fonts, usually 2 for Type0).
    pub code_len: usize,
    /// Code → text (from ToUnicode or /Differences).
    pub map: HashMap<u32, String>,
    /// Whether `map` is authoritative (ToUnicode); otherwise fall back to PDFDocEncoding.
    pub has_unicode: bool,
    /// Code → width in 1/1000 em.
    pub widths: HashMap<u32, f64>,
    /// Default width in 1/1000 em.
    pub default_width: f64,
}

impl Font {
    /// A font we know nothing about: single-byte, Latin-ish, half-em glyphs.
    pub fn unknown() -> Self {
        Font {
            code_len: 1,
            default_width: 500.0,
            ..Default::default()
        }
    }

    /// Split a shown string into (code, text, width in 1/1000 em).
    pub fn glyphs<'s>(
        &'s self,
        s: &'s [u8],
    ) -> impl Iterator<Item = (u32, Cow<'s, str>, f64)> + 's {
        let n = self.code_len.clamp(1, 4);
        s.chunks(n).map(move |c| {
            let code = c.iter().fold(0u32, |a, &b| a << 8 | b as u32);
            let text: Cow<'s, str> = match self.map.get(&code) {
                Some(t) => Cow::Borrowed(t.as_str()),
                None if !self.has_unicode && n == 1 => {
                    Cow::Borrowed(pdf_doc_char(c.first().copied().unwrap_or(0)))
                }
                None => Cow::Borrowed(""),
            };
            let w = self
                .widths
                .get(&code)
                .copied()
                .filter(|w| *w > 0.0)
                .unwrap_or(self.default_width);
            (code, text, w)
        })
    }
}

/// The text of one PDFDocEncoding byte, from a table built once.
fn pdf_doc_char(b: u8) -> &'static str {
    static TABLE: OnceLock<Vec<String>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0..=255u8)
            .map(|b| crate::text::pdf_doc_encoding(&[b]))
            .collect()
    });
    t.get(b as usize).map_or("", String::as_str)
}

/// Parse a ToUnicode CMap stream into the code length and map.
pub fn parse_to_unicode(data: &[u8]) -> (usize, HashMap<u32, String>) {
    let mut lx = Lexer::new(data, 0);
    let mut toks: Vec<Obj> = Vec::new();
    let mut map = HashMap::new();
    let mut code_len = 0usize;
    let mut steps = 0usize;
    while let Some(o) = lx.next_obj(0) {
        steps += 1;
        if steps > 4 * MAX_MAP_ENTRIES {
            break;
        }
        match &o {
            Obj::Kw(k) if k == b"endcodespacerange" => {
                for t in &toks {
                    if let Obj::Str(s) = t {
                        code_len = code_len.max(s.len());
                    }
                }
                toks.clear();
            }
            Obj::Kw(k) if k == b"endbfchar" => {
                for pair in toks.chunks(2) {
                    if let [Obj::Str(src), Obj::Str(dst)] = pair {
                        if map.len() < MAX_MAP_ENTRIES {
                            map.insert(code_of(src), utf16be(dst));
                        }
                        code_len = code_len.max(src.len());
                    }
                }
                toks.clear();
            }
            Obj::Kw(k) if k == b"endbfrange" => {
                for tri in toks.chunks(3) {
                    if let [Obj::Str(lo), Obj::Str(hi), dst] = tri {
                        code_len = code_len.max(lo.len());
                        let (l, h) = (code_of(lo), code_of(hi));
                        if h < l || h - l > 65535 {
                            continue;
                        }
                        for (i, c) in (l..=h).enumerate() {
                            if map.len() >= MAX_MAP_ENTRIES {
                                break;
                            }
                            let t = match dst {
                                Obj::Str(d) => {
                                    let mut d = d.clone();
                                    add_to_last(&mut d, i as u32);
                                    utf16be(&d)
                                }
                                Obj::Array(a) => match a.get(i) {
                                    Some(Obj::Str(d)) => utf16be(d),
                                    _ => continue,
                                },
                                _ => continue,
                            };
                            map.insert(c, t);
                        }
                    }
                }
                toks.clear();
            }
            Obj::Kw(k)
                if k == b"begincodespacerange" || k == b"beginbfchar" || k == b"beginbfrange" =>
            {
                toks.clear()
            }
            Obj::Kw(_) => {}
            _ => {
                if toks.len() < 3 * 10_000 {
                    toks.push(o)
                }
            }
        }
    }
    (code_len.clamp(1, 4), map)
}

fn code_of(s: &[u8]) -> u32 {
    s.iter().take(4).fold(0u32, |a, &b| a << 8 | b as u32)
}

fn add_to_last(d: &mut [u8], n: u32) {
    // add n to the last UTF-16 code unit (big-endian)
    let len = d.len();
    if len >= 2 {
        let v = u16::from_be_bytes([d[len - 2], d[len - 1]]).wrapping_add(n as u16);
        let b = v.to_be_bytes();
        d[len - 2] = b[0];
        d[len - 1] = b[1];
    } else if len == 1 {
        d[0] = d[0].wrapping_add(n as u8);
    }
}

fn utf16be(d: &[u8]) -> String {
    if d.len() == 1 {
        return (d[0] as char).to_string();
    }
    crate::text::utf16(d, true)
}

/// Text of a glyph name, as the Adobe Glyph List specification maps one: what follows the first
/// `.` is dropped (`a.sc`), `_` joins components (`f_i`), and each component is a name of the
/// list ([`glyphlist`](super::glyphlist): `Aacute`, `afii10017`, `germandbls`, ...), a single
/// ASCII character, `uniXXXX[XXXX...]` or `uXXXX[XX]`.
pub fn glyph_name_text(name: &[u8]) -> Option<String> {
    let n = std::str::from_utf8(name).ok()?;
    let base = n.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    let mut out = String::new();
    for part in base.split('_').take(16) {
        out.push_str(&component_text(part)?);
    }
    Some(out)
}

/// One component of a glyph name.
fn component_text(n: &str) -> Option<String> {
    if n.len() == 1 && n.is_ascii() {
        return Some(n.to_string());
    }
    if let Ok(i) =
        super::glyphlist::GLYPHS.binary_search_by(|(k, _)| k.as_bytes().cmp(n.as_bytes()))
    {
        return super::glyphlist::GLYPHS.get(i).map(|(_, c)| c.to_string());
    }
    let hex_digits = |h: &str| h.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(hex) = n.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex_digits(hex) {
            let mut s = String::new();
            for chunk in hex.as_bytes().chunks(4) {
                let h = std::str::from_utf8(chunk).ok()?;
                s.push(char::from_u32(u32::from_str_radix(h, 16).ok()?)?);
            }
            return Some(s);
        }
    }
    if let Some(hex) = n.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex_digits(hex) {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return char::from_u32(v).map(|c| c.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> Option<String> {
        glyph_name_text(name.as_bytes())
    }

    #[test]
    fn glyph_list_sorted_for_binary_search() {
        let g = super::super::glyphlist::GLYPHS;
        assert!(g.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
    }

    #[test]
    fn glyph_names_by_the_adobe_glyph_list() {
        // cp1251 fonts name their Cyrillic glyphs afii100xx
        let ivan: Vec<String> = ["afii10026", "afii10067", "afii10065", "afii10079"]
            .iter()
            .filter_map(|n| text(n))
            .collect();
        assert_eq!(ivan.concat(), "Иван");
        assert_eq!(text("afii10023").as_deref(), Some("Ё"));
        assert_eq!(text("afii10071").as_deref(), Some("ё"));
        assert_eq!(text("afii10049").as_deref(), Some("Я"));
        assert_eq!(text("afii10097").as_deref(), Some("я"));
        assert_eq!(text("afii61352").as_deref(), Some("№"));
        assert_eq!(text("Eacute").as_deref(), Some("É"));
        assert_eq!(text("germandbls").as_deref(), Some("ß"));
        assert_eq!(text("space").as_deref(), Some(" "));
        assert_eq!(text("seven").as_deref(), Some("7"));
        assert_eq!(text("A").as_deref(), Some("A"));
        assert_eq!(text("uni0418").as_deref(), Some("И"));
        assert_eq!(text("uni04180432").as_deref(), Some("Ив"));
        assert_eq!(text("u1F600").as_deref(), Some("\u{1F600}"));
        assert_eq!(text("f_i").as_deref(), Some("fi"));
        assert_eq!(text("a.sc").as_deref(), Some("a"));
        assert_eq!(text("g123"), None);
        assert_eq!(text("uniXYZW"), None);
        assert_eq!(text(".notdef"), None);
    }
}
