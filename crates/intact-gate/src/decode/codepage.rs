//! Code pages: the candidate decodings of bytes whose encoding nothing declares.
//!
//! A file, a zip member name or a metadata field in an unknown encoding is matched under every
//! candidate decoding, not the first one that succeeds: UTF-8, UTF-16 (little and big endian,
//! when the bytes look like it), and the single-byte code pages an office in the region
//! actually produces — IBM866 (DOS/Windows OEM Cyrillic: zip names from "Send to compressed
//! folder"), KOI8-R, Windows-1251 (Cyrillic), Windows-1252 (Western), Windows-1254 (Turkish,
//! Azerbaijani Latin). The decoding tables are `encoding_rs`'s (the WHATWG Encoding Standard).

use encoding_rs::{Encoding, IBM866, KOI8_R, WINDOWS_1251, WINDOWS_1252, WINDOWS_1254};

/// The single-byte code pages every undeclared byte string is also read in.
pub const SINGLE_BYTE: [&Encoding; 5] = [IBM866, KOI8_R, WINDOWS_1251, WINDOWS_1252, WINDOWS_1254];

/// `bytes` read in `enc` (malformed sequences become U+FFFD; no BOM sniffing).
pub fn decode_in(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// `bytes` read in each single-byte candidate code page, when they hold a byte above ASCII
/// (otherwise every reading equals the ASCII one); identical readings are given once.
pub fn single_byte_readings(bytes: &[u8]) -> Vec<String> {
    if bytes.is_ascii() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::with_capacity(SINGLE_BYTE.len());
    for enc in SINGLE_BYTE {
        let s = decode_in(enc, bytes);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Whether bytes that are not UTF-8 still read as text in some single-byte code page: no NUL and
/// no control byte other than tab, line feed, carriage return, form feed and escape.
pub fn looks_like_8bit_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && !bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F)
}

/// The encoding a MIME or HTML charset label names (`windows-1251`, `koi8-r`, `cp866`, ...).
pub fn for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().trim_matches('"').as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_page_is_a_reading() {
        // "Зарифа" in cp1251, cp866 and koi8-r: each reading appears among the candidates
        let cp1251 = [0xC7, 0xE0, 0xF0, 0xE8, 0xF4, 0xE0];
        let cp866 = [0x87, 0xA0, 0xE0, 0xA8, 0xE4, 0xA0];
        let koi8 = [0xFA, 0xC1, 0xD2, 0xC9, 0xC6, 0xC1];
        for b in [&cp1251[..], &cp866[..], &koi8[..]] {
            assert!(
                single_byte_readings(b).iter().any(|s| s == "Зарифа"),
                "{b:?}"
            );
        }
        // Turkish/Azerbaijani letters in Windows-1254
        assert!(
            single_byte_readings(&[0x51, 0x75, 0x72, 0x62, 0x61, 0x6E, 0x6C, 0xFD])
                .iter()
                .any(|s| s == "Qurbanlı")
        );
        assert!(single_byte_readings(b"ascii").is_empty());
    }

    #[test]
    fn eight_bit_text_has_no_controls() {
        assert!(looks_like_8bit_text(&[0xC7, 0xE0, b' ', b'\n']));
        assert!(!looks_like_8bit_text(&[0xC7, 0x00]));
        assert!(!looks_like_8bit_text(&[0x01, 0x02]));
        assert!(!looks_like_8bit_text(b""));
        assert_eq!(for_label("\"KOI8-R\""), Some(KOI8_R));
        assert_eq!(for_label("cp866"), Some(IBM866));
    }
}
