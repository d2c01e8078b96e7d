//! Tag-File-Character-Encoding: decoding tag files (bag-info.txt, manifests, fetch.txt) to text.
//! bagit.txt itself is always UTF-8.

/// The character encodings tag files may use that this validator can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagEncoding {
    Utf8,
    /// ISO-8859-1 (Latin-1); US-ASCII is decoded as this too (it is a subset).
    Latin1,
    /// UTF-16 with an optional byte-order mark; big-endian when there is none (RFC 2781).
    Utf16,
    Utf16Le,
    Utf16Be,
}

/// What went wrong decoding a tag file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Byte offset of the first byte that is not valid in the encoding.
    Invalid { offset: usize },
}

/// The decoded text, and whether a byte-order mark was found (and dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub had_bom: bool,
}

impl TagEncoding {
    /// Looks up an IANA charset name, case-insensitively (`UTF-8`, `utf8`, `ISO-8859-1`, `latin1`,
    /// `US-ASCII`, `UTF-16`, `UTF-16LE`, `UTF-16BE`).
    pub fn from_name(name: &str) -> Option<TagEncoding> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        match n.as_str() {
            "utf-8" | "utf8" => Some(TagEncoding::Utf8),
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "iso-ir-100"
            | "us-ascii" | "ascii" => Some(TagEncoding::Latin1),
            "utf-16" | "utf16" => Some(TagEncoding::Utf16),
            "utf-16le" => Some(TagEncoding::Utf16Le),
            "utf-16be" => Some(TagEncoding::Utf16Be),
            _ => None,
        }
    }

    pub fn decode(self, bytes: &[u8]) -> Result<Decoded, DecodeError> {
        match self {
            TagEncoding::Utf8 => {
                let (body, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                    Some(rest) => (rest, true),
                    None => (bytes, false),
                };
                match std::str::from_utf8(body) {
                    Ok(s) => Ok(Decoded {
                        text: s.to_owned(),
                        had_bom,
                    }),
                    Err(e) => Err(DecodeError::Invalid {
                        offset: e.valid_up_to() + if had_bom { 3 } else { 0 },
                    }),
                }
            }
            TagEncoding::Latin1 => Ok(Decoded {
                text: bytes.iter().map(|&b| char::from(b)).collect(),
                had_bom: false,
            }),
            TagEncoding::Utf16 => match bytes {
                [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, true, 2, true),
                [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, false, 2, true),
                _ => decode_utf16(bytes, true, 0, false),
            },
            TagEncoding::Utf16Le => decode_utf16(bytes, false, 0, false),
            TagEncoding::Utf16Be => decode_utf16(bytes, true, 0, false),
        }
    }
}

fn decode_utf16(
    bytes: &[u8],
    big_endian: bool,
    skipped: usize,
    had_bom: bool,
) -> Result<Decoded, DecodeError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(DecodeError::Invalid {
            offset: skipped + bytes.len() - 1,
        });
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut offset = skipped;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                offset += c.len_utf16() * 2;
                text.push(c);
            }
            Err(_) => return Err(DecodeError::Invalid { offset }),
        }
    }
    Ok(Decoded { text, had_bom })
}

/// Splits text into lines ended by LF, CR or CRLF (RFC 8493 allows all three). A final line
/// without an ending is still a line; the empty string after a final ending is not.
pub fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < bytes.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(TagEncoding::from_name("UTF-8"), Some(TagEncoding::Utf8));
        assert_eq!(TagEncoding::from_name("utf-8"), Some(TagEncoding::Utf8));
        assert_eq!(
            TagEncoding::from_name("ISO-8859-1"),
            Some(TagEncoding::Latin1)
        );
        assert_eq!(TagEncoding::from_name("UTF-16"), Some(TagEncoding::Utf16));
        assert_eq!(TagEncoding::from_name("EBCDIC"), None);
    }

    #[test]
    fn decodes() {
        let d = TagEncoding::Utf8
            .decode(b"\xEF\xBB\xBFa: b")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(d.had_bom);
        assert_eq!(d.text, "a: b");
        assert_eq!(
            TagEncoding::Utf8.decode(b"ok\xFF"),
            Err(DecodeError::Invalid { offset: 2 })
        );
        let d = TagEncoding::Latin1
            .decode(b"N\xFA\xF1ez")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.text, "Núñez");
        let d = TagEncoding::Utf16
            .decode(b"\xFF\xFEa\0:\0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.text, "a:");
        let d = TagEncoding::Utf16
            .decode(b"\0a\0:")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d.text, "a:");
        assert!(TagEncoding::Utf16.decode(b"\0a\0").is_err());
        assert!(TagEncoding::Utf16Le.decode(b"\x00\xD8").is_err());
    }

    #[test]
    fn splits_lines() {
        assert_eq!(lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(lines("a\n"), vec!["a"]);
        assert_eq!(lines("a\n\n"), vec!["a", ""]);
        assert!(lines("").is_empty());
    }
}
