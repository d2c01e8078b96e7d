//! Text normalization and decoding.
//!
//! Matching is done on normalized text ([`normalize`]; docs/REDACTION.md, "Normalization").
//! Deny-list entries, scanned text, file and member names and metadata all go through the same
//! function, so matching works alike in every script (Latin, Cyrillic, Armenian, ...).

use unicode_normalization::UnicodeNormalization;

use crate::confusables::canonical;
use crate::decode::{self, mime};
use crate::rules::RuleId;
use crate::scan::scan_content;
use crate::sink::Sink;

fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

struct Out {
    /// UTF-8 (only whole characters are pushed); bytes, for speed on the ASCII path.
    s: Vec<u8>,
    in_space: bool,
    /// The last character before the current run of separators was an ASCII digit.
    after_digit: bool,
}

/// Punctuation read as a separator (like a space): ASCII punctuation, Latin-1 and general
/// punctuation (dashes, quotes, bullets), Armenian apostrophe, comma, full stop and hyphen.
fn is_separator(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}'
            | '\u{00BF}' | '\u{055A}' | '\u{055D}' | '\u{0589}' | '\u{058A}'
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{2212}'
            | '\u{2E00}'..='\u{2E4F}' | '\u{3000}'..='\u{3003}')
}

/// Armenian marks written inside a word, over or after its stressed vowel (emphasis `՛`,
/// exclamation `՜`, question `՞`, abbreviation `՟`): removed, like a soft hyphen.
fn is_in_word_mark(c: char) -> bool {
    matches!(c, '\u{055B}' | '\u{055C}' | '\u{055E}' | '\u{055F}')
}

/// How [`Out`] reads an ASCII byte: a letter or other character kept (lower-cased), a
/// separator (whitespace, NUL, punctuation) or a digit.
const ASCII_KEEP: u8 = 0;
const ASCII_SEPARATOR: u8 = 1;
const ASCII_DIGIT: u8 = 2;
const ASCII_CLASS: [u8; 128] = {
    let mut t = [ASCII_KEEP; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_digit() {
            ASCII_DIGIT
        } else if c == 0 || c.is_ascii_punctuation() || c.is_ascii_whitespace() || c == 0x0B {
            ASCII_SEPARATOR
        } else {
            ASCII_KEEP
        };
        i += 1;
    }
    t
};

impl Out {
    /// One ASCII byte: the hot path (most text the gate reads is ASCII).
    #[inline]
    fn push_ascii(&mut self, c: u8) {
        match ASCII_CLASS[(c & 0x7F) as usize] {
            ASCII_SEPARATOR => {
                if !self.in_space {
                    self.s.push(b' ');
                    self.in_space = true;
                }
            }
            ASCII_DIGIT => {
                // separators inside a number are dropped: +994 (50) 123-45-67 = 994501234567
                if self.in_space && self.after_digit {
                    self.s.pop();
                }
                self.s.push(c);
                self.in_space = false;
                self.after_digit = true;
            }
            _ => {
                self.s.push(c.to_ascii_lowercase());
                self.in_space = false;
                self.after_digit = false;
            }
        }
    }

    fn push(&mut self, c: char) {
        if c.is_ascii() {
            return self.push_ascii(c as u8);
        }
        if c.is_whitespace() || is_separator(c) {
            if !self.in_space {
                self.s.push(b' ');
                self.in_space = true;
            }
        } else {
            self.s
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            self.in_space = false;
            self.after_digit = false;
        }
    }
}

/// Azerbaijani and Turkish `İ` and `ı` read as `i`, the same letter as `I` and `i` (Unicode's
/// default case folding would make `İ` an `i` with a combining dot and leave `ı` apart).
pub fn dotless(c: char) -> char {
    match c {
        '\u{0130}' | '\u{0131}' => 'i',
        c => c,
    }
}

fn normalize_segment(seg: &str, out: &mut Out) {
    use caseless::Caseless;
    let nfkc: String = seg
        .chars()
        .filter(|c| !is_ignorable(*c) && !is_in_word_mark(*c))
        .nfkc()
        .map(dotless)
        .collect();
    // folded and decomposed: a dot above on i or j is dropped (`i̇` from lower-casing `İ`), so
    // is the diaeresis of Cyrillic `ё` (Russian writes `е` for it at will), and
    // each base letter is read as its look-alike class's representative (Cyrillic `а` as Latin
    // `a`); then recomposed
    let mut last_base = ' ';
    let mapped = nfkc
        .chars()
        .default_case_fold()
        .nfkd()
        .filter(move |&c| {
            let keep = !(c == '\u{0307}' && matches!(last_base, 'i' | 'j')
                || c == '\u{0308}' && last_base == '\u{0435}');
            if unicode_normalization::char::canonical_combining_class(c) == 0 {
                last_base = c;
            }
            keep
        })
        .map(canonical);
    for c in mapped.nfc() {
        out.push(c);
    }
}

/// Normalize text for matching, in this order: default-ignorable characters (soft hyphen,
/// zero-width spaces and joiners, bidi controls, BOM) and Armenian in-word marks removed; NFKC;
/// `İ` and `ı` read as `i`; full Unicode case folding (`caseless`), so `I`, `ı`, `İ` and `i`
/// are one letter on both sides; decomposed (NFKD), a dot above on `i`/`j` and the diaeresis of
/// Cyrillic `ё` dropped, each letter
/// read as its Latin/Cyrillic/Armenian look-alike class ([`crate::confusables`]), recomposed
/// (NFC); every run of whitespace and punctuation ([`is_separator`]) one space, and none
/// between two digits.
///
/// ASCII runs take a fast path (lower-casing is their full case folding and NFKC leaves them
/// alone); the rest is normalized in segments that end at an ASCII character followed by another
/// ASCII character, so no composition crosses a segment boundary.
pub fn normalize(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Out {
        s: Vec::with_capacity(s.len()),
        in_space: false,
        after_digit: false,
    };
    let mut i = 0usize;
    while i < b.len() {
        let j = b[i..]
            .iter()
            .position(|c| !c.is_ascii())
            .map_or(b.len(), |p| i + p);
        // keep the ASCII character before a non-ASCII one with it: it may compose with a mark
        let ascii_end = if j < b.len() && j > i { j - 1 } else { j };
        for &c in &b[i..ascii_end] {
            out.push_ascii(c);
        }
        if ascii_end >= b.len() {
            break;
        }
        let mut k = j;
        while k < b.len() {
            if b[k].is_ascii() && b.get(k + 1).is_none_or(|n| n.is_ascii()) {
                break;
            }
            k += 1;
        }
        // ascii_end and k are char boundaries (ASCII bytes or the end)
        normalize_segment(s.get(ascii_end..k).unwrap_or(""), &mut out);
        i = k;
    }
    // only whole characters were pushed, and a separator popped is one byte
    String::from_utf8(out.s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Decode UTF-16 code units from bytes (little or big endian), lossy.
pub fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

/// Latin-1 decoding (every byte is a character).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Whether UTF-16 code units look like text: most non-NUL units are in one 256-character block
/// (one script) or in ASCII. Random binary and runs of zeros do not.
fn looks_like_utf16(bytes: &[u8], big_endian: bool) -> bool {
    let mut blocks = [0usize; 256];
    let mut total = 0usize;
    for c in bytes.chunks_exact(2) {
        let u = if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        };
        if u == 0 {
            continue;
        }
        total += 1;
        blocks[(u >> 8) as usize] += 1;
    }
    if total < 3 {
        return false;
    }
    let ascii = blocks[0];
    let best = blocks[1..].iter().copied().max().unwrap_or(0);
    (ascii + best) * 10 >= total * 6
}

/// Replace decoding garbage (U+FFFD and control characters other than whitespace) by a single
/// non-whitespace separator, so binary noise costs little and never joins two words.
fn squeeze(s: String) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_sep = false;
    for c in s.chars() {
        let junk = c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace());
        if junk {
            if !last_sep {
                out.push('\u{1}');
                last_sep = true;
            }
        } else {
            out.push(c);
            last_sep = false;
        }
    }
    out
}

/// Bytes up to this size are read in every single-byte code page even when they are valid
/// UTF-8 (a short field in cp1251 or cp866 can happen to be valid UTF-8); larger valid UTF-8 is
/// read as UTF-8 only.
pub const ALL_READINGS_UP_TO: usize = 64 << 10;

/// Plausible text readings of a byte string of unknown encoding, handed to `visit` one at a
/// time (so a large binary costs one reading's memory at once): a BOM decides when present;
/// otherwise every candidate decoding, not the first that succeeds — UTF-8 (decoding garbage
/// squeezed out), each single-byte code page of [`crate::decode::codepage::SINGLE_BYTE`] when
/// the bytes are not valid UTF-8 or are short, and UTF-16 LE/BE (also at an odd offset) when
/// the units look like text.
pub fn for_each_candidate(bytes: &[u8], visit: &mut dyn FnMut(&str)) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return visit(&String::from_utf8_lossy(rest));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return visit(&utf16(rest, false));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return visit(&utf16(rest, true));
    }
    let valid = match std::str::from_utf8(bytes) {
        Ok(s) => {
            visit(s);
            true
        }
        Err(_) => {
            visit(&squeeze(String::from_utf8_lossy(bytes).into_owned()));
            false
        }
    };
    if (!valid || bytes.len() <= ALL_READINGS_UP_TO) && !bytes.is_ascii() {
        for enc in crate::decode::codepage::SINGLE_BYTE {
            visit(&squeeze(crate::decode::codepage::decode_in(enc, bytes)));
        }
    }
    if bytes.len() >= 4 && bytes.contains(&0) {
        for (data, be) in [(bytes, false), (bytes, true), (&bytes[1..], false)] {
            if looks_like_utf16(data, be) {
                visit(&squeeze(utf16(data, be)));
            }
        }
    }
}

/// A file in UTF-16 without a byte-order mark, read as text only when it clearly is: an even
/// length, units that look like text in one script, no NUL or other control unit besides tab,
/// line feed, carriage return and form feed, no unpaired surrogate. `None` otherwise (binary
/// stays `unsupported-file-type`).
pub fn utf16_without_bom(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let be = [false, true]
        .into_iter()
        .find(|&be| looks_like_utf16(bytes, be))?;
    let s: String = char::decode_utf16(bytes.chunks_exact(2).map(|c| {
        if be {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    }))
    .collect::<Result<_, _>>()
    .ok()?;
    let control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}');
    (!s.contains(control) && !s.contains(['\u{FFFE}', '\u{FFFF}'])).then_some(s)
}

/// Decode a file as plain text if it is one: UTF-8 (optionally with BOM) without NUL bytes, or
/// UTF-16 with a BOM. Returns `None` for binary data.
pub fn as_plain_text(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).ok().map(str::to_string);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (rest.len() % 2 == 0).then(|| utf16(rest, false));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (rest.len() % 2 == 0).then(|| utf16(rest, true));
    }
    let s = std::str::from_utf8(bytes).ok()?;
    (!has_control(s.as_bytes())).then(|| s.to_string())
}

/// Whether valid UTF-8 `b` holds a control character (Unicode Cc: U+0000–U+001F, U+007F–U+009F)
/// other than tab, line feed, carriage return, form feed and escape. Works on bytes: C0 controls
/// and DEL are single bytes, and C1 controls are exactly the pairs 0xC2 0x80–0x9F.
fn has_control(b: &[u8]) -> bool {
    // A branch-free pass per block (vectorized) finds blocks that may hold one; only those are
    // checked byte by byte.
    const BLOCK: usize = 256;
    let suspect = |c: u8| {
        (c < 0x20) & (c != b'\t') & (c != b'\n') & (c != b'\r') & (c != 0x0C) & (c != 0x1B)
            | (c == 0x7F)
            | (c == 0xC2)
    };
    b.chunks(BLOCK).enumerate().any(|(k, block)| {
        block.iter().fold(false, |acc, &c| acc | suspect(c))
            && block.iter().enumerate().any(|(j, &c)| match c {
                b'\t' | b'\n' | b'\r' | 0x0C | 0x1B => false,
                0x00..=0x1F | 0x7F => true,
                0xC2 => matches!(b.get(k * BLOCK + j + 1), Some(0x80..=0x9F)),
                _ => false,
            })
    })
}

/// Scan a text file: its reading when its encoding is known (`reading`), else every candidate
/// reading of its bytes one at a time, each with every decoded view (decoding layer, `decode`);
/// a MIME message (or each message of an mbox) is also taken apart and each of its parts
/// scanned as a file of its own.
pub fn scan_text(sink: &mut Sink, raw: &[u8], reading: Option<&str>) {
    let one = |sink: &mut Sink, t: &str| {
        sink.text_lines("text", t);
        if sink.has_deny() {
            decode::for_each_view(t, &mut |view, v| sink.text(&format!("text ({view})"), v));
        }
    };
    match reading {
        Some(t) => one(sink, t),
        None => for_each_candidate(raw, &mut |t| one(sink, t)),
    }
    for message in mime::messages(raw) {
        if mime::looks_like_mime(message) {
            scan_mime(sink, message);
        }
    }
}

/// A MIME message: its decoded headers as text, each leaf part scanned as a file of its own type
/// (a DOCX attachment as a DOCX, a text part as text), its attachment names as names.
fn scan_mime(sink: &mut Sink, raw: &[u8]) {
    let max_parts = sink.limits().max_mime_parts as usize;
    let m = mime::parse(raw, max_parts, sink.budget_left());
    sink.spend(m.decoded_bytes);
    if m.truncated {
        sink.flag_budget("MIME message (parts, nesting or decoded size over the bound)");
    }
    for (label, name, value) in &m.headers {
        let loc = format!("mail {label} header {name}");
        sink.text(&loc, value);
        if sink.has_deny() {
            decode::for_each_view(value, &mut |_, v| sink.text(&loc, v));
        }
    }
    for part in &m.parts {
        let mut shown = format!("mail {}", part.label);
        if let Some(n) = &part.name {
            for v in decode::name_views(n.as_bytes()) {
                sink.text(&format!("{shown} attachment name"), &v);
            }
            shown = format!("{shown} ({n})");
        }
        if sink.enter(shown.clone()) {
            scan_content(sink, &part.body);
            sink.leave();
        } else {
            sink.flag(
                RuleId::UnsupportedFileType,
                &format!("{shown} (nested too deeply)"),
            );
            sink.bytes(&shown, &part.body);
        }
    }
}

/// PDFDocEncoding to text (differs from Latin-1 in 0x18..0x1F and 0x7F..0xA0).
pub fn pdf_doc_encoding(bytes: &[u8]) -> String {
    const HIGH: [char; 33] = [
        '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}',
        '\u{2044}', '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}',
        '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}',
        '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}',
        '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}', '\u{20AC}',
    ];
    const LOW: [char; 8] = [
        '\u{02D8}', '\u{02C7}', '\u{02C6}', '\u{02D9}', '\u{02DD}', '\u{02DB}', '\u{02DA}',
        '\u{02DC}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x18..=0x1F => LOW[(b - 0x18) as usize],
            0x80..=0xA0 => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// Text readings of a PDF string object: UTF-16BE/LE or UTF-8 with BOM, else PDFDocEncoding,
/// plus UTF-8 when the bytes are valid UTF-8 (some producers write it).
pub fn pdf_string(bytes: &[u8]) -> Vec<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return vec![utf16(rest, true)];
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return vec![utf16(rest, false)];
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return vec![String::from_utf8_lossy(rest).into_owned()];
    }
    let mut out = vec![pdf_doc_encoding(bytes)];
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.is_ascii() {
            out.push(s.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_text_without_bom() {
        let le: Vec<u8> = "Зарифа Testova\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(
            utf16_without_bom(&le).as_deref(),
            Some("Зарифа Testova\r\n")
        );
        let be: Vec<u8> = "Zarifa Testova"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(utf16_without_bom(&be).as_deref(), Some("Zarifa Testova"));
        // binary with NUL units, odd lengths, lone surrogates: not text
        assert!(utf16_without_bom(&[0, 0, 1, 2, 250, 251, 0, 0]).is_none());
        assert!(utf16_without_bom(&le[..le.len() - 1]).is_none());
        assert!(utf16_without_bom(&[0x41, 0, 0x00, 0xD8, 0x42, 0, 0x43, 0]).is_none());
    }

    #[test]
    fn control_check_on_bytes_matches_unicode_cc() {
        for c in (0u32..0x800).filter_map(char::from_u32) {
            let s = format!("ab{c}cd");
            let expect = c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}' | '\u{1B}');
            assert_eq!(has_control(s.as_bytes()), expect, "U+{:04X}", c as u32);
        }
        assert!(!has_control("\u{20AC}\u{1F600}".as_bytes()));
        // a C1 control split across the block boundary
        let mut long = vec![b'a'; 255];
        long.extend_from_slice("\u{9F}".as_bytes());
        assert!(has_control(&long));
        long.truncate(255);
        long.extend_from_slice("\u{A0}".as_bytes());
        assert!(!has_control(&long));
        assert!(as_plain_text(b"line\x00").is_none());
        assert!(as_plain_text("a\u{85}b".as_bytes()).is_none());
        assert!(as_plain_text(b"plain\ttext\n").is_some());
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::normalize;

    fn same(a: &str, b: &str) {
        assert_eq!(normalize(a), normalize(b), "{a} / {b}");
    }

    #[test]
    fn dotted_and_dotless_i_are_one_letter() {
        same("RUSTAM ƏLİYEV", "Rustam Əliyev");
        same("ilham hüseynov", "İlham Hüseynov");
        same("Ilham Hüseynov", "İlham Hüseynov");
        same("AYDIN QASIMOV", "Aydın Qasımov");
        same("aydın", "AYDIN");
        // Turkish lower-casing of İ (i with a combining dot) and of I (ı)
        same("i\u{307}lham", "Ilham");
        same("ılham", "ILHAM");
        assert_eq!(normalize("İlham"), "ilham");
    }

    #[test]
    fn look_alikes_schwa_and_mixed_scripts() {
        // Cyrillic а in a Latin name; Latin o and a in a Cyrillic one; ǝ for ə; Cyrillic ә
        same("Zarif\u{430} Qurbanlı", "Zarifa Qurbanli");
        same("Зарифа Тестов\u{61}", "Зарифа Тестова");
        same("Зарифа Тeстoва", "Зарифа Тестова");
        same(
            "Qurbanl\u{131} \u{1DD}l\u{259}kb\u{259}r",
            "Qurbanlı əl\u{259}kbər",
        );
        same("Әләкбәр", "ӘЛӘКБӘР");
        same("Мәммәдов", "Мǝммǝдов");
        // Cyrillic ё is е
        same("Алёна", "Ал\u{435}\u{308}на");
        same("АЛЁНА", "Алена");
        assert_ne!(normalize("Алёна"), normalize("Алина"));
        // Armenian in-word question mark and ligatures
        same("Անահի՞տ", "Անահիտ");
        same("ԱՆԱՀԻՏ", "Անահիտ");
        // distinct letters stay distinct
        assert_ne!(normalize("Ali"), normalize("All"));
        assert_ne!(normalize("Вагиров"), normalize("Багиров"));
    }

    #[test]
    fn separators_soft_hyphens_and_numbers() {
        same("Qurbanlı-Testova", "Qurbanlı Testova");
        same("14 Nizami St., apt. 7", "14 nizami st apt 7");
        same("Street,apt", "street apt");
        same("Zari\u{AD}fa", "Zarifa");
        same("x «Зарифа» — Тестова", "x Зарифа Тестова");
        same("tel +994 (50) 123-45-67", "tel 994501234567");
        same("+994 50 123 45 67", "+994501234567");
        assert_eq!(normalize("Apt 7, 14 Nizami"), "apt 714 nizami");
        // idempotent
        for s in ["Ru\u{441}tam ƏLİYEV", "Պետրոսյան, Ք.", "ǝ ә Ә", "ﬁle Ⅻ"] {
            assert_eq!(normalize(&normalize(s)), normalize(s), "{s}");
        }
    }
}
