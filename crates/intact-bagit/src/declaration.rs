//! The bag declaration, `bagit.txt` (RFC 8493 §2.1.1): exactly the two lines
//! `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENCODING`, UTF-8, no byte-order mark.

use super::encoding::{self, TagEncoding};
use super::report::{Code, Problem};
use super::version::Version;

pub const FILE: &str = "bagit.txt";

/// What bagit.txt declares. Fields are `None` when they could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Declaration {
    /// The version text as written (even when it does not parse).
    pub version_text: Option<String>,
    pub version: Option<Version>,
    pub encoding_name: Option<String>,
    pub encoding: Option<TagEncoding>,
}

/// Parses bagit.txt's bytes. Every deviation becomes a problem; parsing never fails.
pub fn parse(bytes: &[u8]) -> (Declaration, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut decl = Declaration::default();
    let mut body = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        problems.push(Problem::error(
            Code::BagitTxtBom,
            FILE,
            Some(1),
            "bagit.txt starts with a UTF-8 byte-order mark, which BagIt forbids",
        ));
        body = rest;
    }
    let text = match std::str::from_utf8(body) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Problem::error(
                Code::InvalidEncoding,
                FILE,
                None,
                format!(
                    "bagit.txt is not valid UTF-8 (bad byte at offset {})",
                    e.valid_up_to()
                ),
            ));
            return (decl, problems);
        }
    };
    let lines = encoding::lines(text);
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            problems.push(Problem::warning(
                Code::BlankLine,
                FILE,
                Some(n),
                "blank line in bagit.txt",
            ));
            continue;
        }
        seen += 1;
        let (label, expected_index) = match seen {
            1 => ("BagIt-Version", 1),
            2 => ("Tag-File-Character-Encoding", 2),
            _ => {
                problems.push(Problem::error(
                    Code::MalformedBagitTxt,
                    FILE,
                    Some(n),
                    format!("bagit.txt must have exactly two lines; unexpected line {line:?}"),
                ));
                continue;
            }
        };
        let value = match line.strip_prefix(label).and_then(|r| r.strip_prefix(": ")) {
            Some(v) => v,
            None => {
                let other = if expected_index == 1 {
                    "Tag-File-Character-Encoding"
                } else {
                    "BagIt-Version"
                };
                let message = if line.starts_with(other) {
                    format!("line {n} of bagit.txt must be `{label}: ...` (the two lines are in a fixed order)")
                } else {
                    format!(
                        "line {n} of bagit.txt must be exactly `{label}: VALUE`, found {line:?}"
                    )
                };
                problems.push(Problem::error(
                    Code::MalformedBagitTxt,
                    FILE,
                    Some(n),
                    message,
                ));
                continue;
            }
        };
        if value.trim() != value || value.is_empty() {
            problems.push(Problem::error(
                Code::MalformedBagitTxt,
                FILE,
                Some(n),
                format!("{label} value {value:?} has extra whitespace or is empty"),
            ));
        }
        let value = value.trim();
        if expected_index == 1 {
            decl.version_text = Some(value.to_owned());
            match Version::parse(value) {
                Some(v) => {
                    if !v.is_known() {
                        problems.push(Problem::warning(
                            Code::UnsupportedVersion,
                            FILE,
                            Some(n),
                            format!("BagIt-Version {v} is not one of 0.93–0.97 or 1.0; validating by the 1.0 rules"),
                        ));
                    }
                    decl.version = Some(v);
                }
                None => problems.push(Problem::error(
                    Code::InvalidVersion,
                    FILE,
                    Some(n),
                    format!("BagIt-Version {value:?} is not of the form M.N"),
                )),
            }
        } else {
            decl.encoding_name = Some(value.to_owned());
            match TagEncoding::from_name(value) {
                Some(enc) => {
                    if enc != TagEncoding::Utf8 {
                        problems.push(Problem::warning(
                            Code::NonUtf8TagEncoding,
                            FILE,
                            Some(n),
                            format!("tag files are encoded in {value}; RFC 8493 recommends UTF-8"),
                        ));
                    }
                    decl.encoding = Some(enc);
                }
                None => problems.push(Problem::error(
                    Code::UnsupportedEncoding,
                    FILE,
                    Some(n),
                    format!("Tag-File-Character-Encoding {value:?} is not an encoding this validator can read"),
                )),
            }
        }
    }
    if seen < 2 {
        let code = if decl.version_text.is_some() && seen == 1 {
            Code::MissingEncoding
        } else {
            Code::MalformedBagitTxt
        };
        let message = if code == Code::MissingEncoding {
            "bagit.txt lacks the required `Tag-File-Character-Encoding` line".to_owned()
        } else {
            "bagit.txt must have exactly two lines: `BagIt-Version` and `Tag-File-Character-Encoding`".to_owned()
        };
        problems.push(Problem::error(code, FILE, None, message));
    }
    (decl, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(bytes: &[u8]) -> Vec<&'static str> {
        parse(bytes).1.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn accepts_the_two_lines_with_any_line_ending() {
        for text in [
            &b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"[..],
            b"BagIt-Version: 0.97\r\nTag-File-Character-Encoding: UTF-8\r\n",
            b"BagIt-Version: 0.95\r\nTag-File-Character-Encoding: UTF-8",
        ] {
            let (d, problems) = parse(text);
            assert!(problems.is_empty(), "{problems:?}");
            assert!(d.version.is_some());
            assert_eq!(d.encoding, Some(TagEncoding::Utf8));
        }
    }

    #[test]
    fn rejects_bom() {
        assert_eq!(
            codes(b"\xEF\xBB\xBFBagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"),
            vec!["bagit-txt-bom"]
        );
    }

    #[test]
    fn rejects_bad_version() {
        assert_eq!(
            codes(b"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n"),
            vec!["invalid-version"]
        );
    }

    #[test]
    fn rejects_space_before_colon() {
        assert_eq!(
            codes(b"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n"),
            vec!["malformed-bagit-txt", "malformed-bagit-txt"]
        );
    }

    #[test]
    fn rejects_trailing_space() {
        assert_eq!(
            codes(b"BagIt-Version: 1.0 \nTag-File-Character-Encoding: UTF-8\n"),
            vec!["malformed-bagit-txt"]
        );
    }

    #[test]
    fn requires_encoding_line() {
        assert_eq!(codes(b"BagIt-Version: 0.97\n"), vec!["missing-encoding"]);
    }

    #[test]
    fn rejects_swapped_and_extra_lines() {
        assert_eq!(
            codes(b"Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n"),
            vec!["malformed-bagit-txt", "malformed-bagit-txt"]
        );
        assert_eq!(
            codes(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: 1\n"),
            vec!["malformed-bagit-txt"]
        );
    }

    #[test]
    fn other_encodings() {
        assert_eq!(
            codes(b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n"),
            vec!["non-utf8-tag-encoding"]
        );
        assert_eq!(
            codes(b"BagIt-Version: 0.97\nTag-File-Character-Encoding: KOI8-R\n"),
            vec!["unsupported-encoding"]
        );
        assert_eq!(
            codes(b"BagIt-Version: 7.1\nTag-File-Character-Encoding: UTF-8\n"),
            vec!["unsupported-version"]
        );
    }

    #[test]
    fn rejects_non_utf8() {
        assert_eq!(codes(b"BagIt-Version: 1.0\xFF\n"), vec!["invalid-encoding"]);
    }
}
