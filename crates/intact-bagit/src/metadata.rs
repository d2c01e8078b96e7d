//! Bag metadata, `bag-info.txt` (`package-info.txt` before 0.96), RFC 8493 §2.2.2: `Label: value`
//! elements, values folded onto indented continuation lines, and the reserved `Payload-Oxum`.

use super::encoding;
use super::report::{Code, Problem};
use super::version::Version;

/// One metadata element, its folded lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub label: String,
    pub value: String,
    /// 1-based line where the element starts.
    pub line: usize,
}

/// `Payload-Oxum: OctetCount.StreamCount`: the payload's total size and number of files.
///
/// This is the one Payload-Oxum parser of intact: the BagIt validator and the bundle verifier
/// (`intact_format::bag::payload_oxum`) both use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oxum {
    /// OctetCount: the total number of octets across all payload file content.
    pub octets: u64,
    /// StreamCount: the total number of payload files.
    pub streams: u64,
}

impl Oxum {
    /// Parses a Payload-Oxum value, RFC 8493 §2.2.2: "in the form _OctetCount_._StreamCount_",
    /// two counts, so each part is one or more ASCII digits that fit in a `u64`: no sign, no
    /// whitespace (the metadata parser has already trimmed the value), no other separator.
    pub fn parse(value: &str) -> Option<Oxum> {
        let (octets, streams) = value.split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(octets) || !digits(streams) {
            return None;
        }
        Some(Oxum {
            octets: octets.parse().ok()?,
            streams: streams.parse().ok()?,
        })
    }
}

/// Parses decoded metadata text. `file` names the file in problems. Never fails: every
/// malformed line is a problem and is skipped.
pub fn parse(text: &str, file: &str, version: Version) -> (Vec<Element>, Vec<Problem>) {
    let mut elements: Vec<Element> = Vec::new();
    let mut problems = Vec::new();
    // Whether the last non-blank line started (or continued) an element that can be folded.
    let mut open = false;
    for (i, line) in encoding::lines(text).into_iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            problems.push(Problem::warning(
                Code::BlankLine,
                file,
                Some(n),
                format!("blank line in {file}"),
            ));
            open = false;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match elements.last_mut() {
                Some(last) if open => {
                    last.value.push(' ');
                    last.value.push_str(line.trim());
                }
                _ => problems.push(Problem::error(
                    Code::MalformedMetadataLine,
                    file,
                    Some(n),
                    "indented continuation line does not follow a metadata element",
                )),
            }
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            problems.push(Problem::error(
                Code::MalformedMetadataLine,
                file,
                Some(n),
                format!("line is not `Label: value` (no colon): {line:?}"),
            ));
            open = false;
            continue;
        };
        let trimmed = label.trim();
        if trimmed.is_empty() {
            problems.push(Problem::error(
                Code::MalformedMetadataLine,
                file,
                Some(n),
                "metadata element has an empty label",
            ));
            open = false;
            continue;
        }
        if trimmed != label {
            let message = format!("label {label:?} has whitespace before the colon");
            problems.push(if version.forbids_label_whitespace() {
                Problem::error(Code::LabelWhitespace, file, Some(n), message)
            } else {
                Problem::warning(Code::LabelWhitespace, file, Some(n), message)
            });
        }
        if !value.is_empty() && !value.starts_with([' ', '\t']) {
            problems.push(Problem::warning(
                Code::MetadataSeparator,
                file,
                Some(n),
                format!("label {trimmed:?} is not followed by `: ` (colon and one space or tab)"),
            ));
        }
        elements.push(Element {
            label: trimmed.to_owned(),
            value: value.trim().to_owned(),
            line: n,
        });
        open = true;
    }
    (elements, problems)
}

/// The elements whose label is `label`, compared case-insensitively.
pub fn find<'a>(elements: &'a [Element], label: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
    elements
        .iter()
        .filter(move |e| e.label.eq_ignore_ascii_case(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V097: Version = Version {
        major: 0,
        minor: 97,
    };

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn folds_continuation_lines() {
        let text = "External-Description: Uncompressed greyscale TIFF images from the\r\n         Yoshimuri papers collection.\r\nBag-Count: 1 of 15\r\n";
        let (elements, problems) = parse(text, "bag-info.txt", V097);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(elements.len(), 2);
        assert_eq!(
            elements[0].value,
            "Uncompressed greyscale TIFF images from the Yoshimuri papers collection."
        );
        assert_eq!(elements[1].line, 3);
    }

    #[test]
    fn repeated_labels_are_kept() {
        let (elements, _) = parse("Contact-Name: A\ncontact-name: B\n", "bag-info.txt", V097);
        assert_eq!(find(&elements, "Contact-Name").count(), 2);
    }

    #[test]
    fn label_whitespace_depends_on_version() {
        let (elements, problems) = parse("Test-Tag : 3\nTest-Tag    :   5\n", "bag-info.txt", V097);
        assert_eq!(
            codes(&problems),
            vec!["label-whitespace", "label-whitespace"]
        );
        assert!(problems
            .iter()
            .all(|p| p.severity == crate::report::Severity::Warning));
        assert_eq!(elements[1].value, "5");
        let (_, problems) = parse("Test-Tag : 3\n", "bag-info.txt", Version::V1_0);
        assert_eq!(problems[0].severity, crate::report::Severity::Error);
    }

    #[test]
    fn malformed_lines() {
        let (_, p) = parse("no colon here\n", "bag-info.txt", V097);
        assert_eq!(codes(&p), vec!["malformed-metadata-line"]);
        let (_, p) = parse("  orphan continuation\n", "bag-info.txt", V097);
        assert_eq!(codes(&p), vec!["malformed-metadata-line"]);
        let (_, p) = parse(": value\n", "bag-info.txt", V097);
        assert_eq!(codes(&p), vec!["malformed-metadata-line"]);
        let (_, p) = parse("A:b\n", "bag-info.txt", V097);
        assert_eq!(codes(&p), vec!["metadata-separator"]);
        let (_, p) = parse("A: b\n\nC: d\n", "bag-info.txt", V097);
        assert_eq!(codes(&p), vec!["blank-line"]);
    }

    #[test]
    fn simple_oxum() {
        assert_eq!(
            Oxum::parse("279164409832.1198"),
            Some(Oxum {
                octets: 279_164_409_832,
                streams: 1198
            })
        );
        assert_eq!(
            Oxum::parse("0.0"),
            Some(Oxum {
                octets: 0,
                streams: 0
            })
        );
        assert_eq!(
            Oxum::parse("18446744073709551615.1"),
            Some(Oxum {
                octets: u64::MAX,
                streams: 1
            })
        );
    }

    #[test]
    fn bad_oxum_signs() {
        for bad in ["+12.+3", "+12.3", "12.+3", "12.-3", "-12.3", "-0.0"] {
            assert_eq!(Oxum::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_oxum_overflow() {
        for bad in ["18446744073709551616.1", "1.18446744073709551616"] {
            assert_eq!(Oxum::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bad_oxum_empty_parts() {
        for bad in ["", ".", "12.", ".3"] {
            assert_eq!(Oxum::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bad_oxum_whitespace() {
        for bad in [
            " 12.3", "12.3 ", "12 .3", "12. 3", "12.3\n", "\t12.3", "1 2.3",
        ] {
            assert_eq!(Oxum::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bad_oxum_not_ascii_digits() {
        for bad in ["١٢.٣", "12.3.4", "12,3", "0x1.2", "1e3.2", "12_0.3"] {
            assert_eq!(Oxum::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn oxum() {
        assert_eq!(
            Oxum::parse("58.2"),
            Some(Oxum {
                octets: 58,
                streams: 2
            })
        );
        for bad in [
            "58",
            ".2",
            "58.",
            "5 8.2",
            "-1.2",
            "1.2.3",
            "99999999999999999999999.1",
        ] {
            assert_eq!(Oxum::parse(bad), None, "{bad}");
        }
    }
}
