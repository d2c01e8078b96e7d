//! The fetch file, `fetch.txt` (RFC 8493 §2.2.3): `URL LENGTH FILEPATH` lines naming payload files
//! to download. intact never downloads; it checks the lines and reports what is still to fetch.

use super::encoding;
use super::filepath;
use super::manifest::PAYLOAD_PREFIX;
use super::report::{Code, Problem};
use super::version::Version;

pub const FILE: &str = "fetch.txt";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchEntry {
    pub url: String,
    /// Expected size in octets; `None` for `-` (unknown).
    pub length: Option<u64>,
    /// Decoded, checked, normalized path relative to the bag root.
    pub path: String,
    pub line: usize,
}

pub fn parse(text: &str, version: Version) -> (Vec<FetchEntry>, Vec<Problem>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in encoding::lines(text).into_iter().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            problems.push(Problem::warning(
                Code::BlankLine,
                FILE,
                Some(n),
                "blank line in fetch.txt",
            ));
            continue;
        }
        if let Some(e) = parse_line(line, n, version, &mut problems) {
            entries.push(e);
        }
    }
    (entries, problems)
}

fn split_field(s: &str) -> Option<(&str, &str)> {
    let i = s.find([' ', '\t'])?;
    Some((&s[..i], s[i..].trim_start_matches([' ', '\t'])))
}

fn parse_line(
    line: &str,
    n: usize,
    version: Version,
    problems: &mut Vec<Problem>,
) -> Option<FetchEntry> {
    let malformed = |why: &str| {
        Problem::error(
            Code::MalformedFetchLine,
            FILE,
            Some(n),
            format!("{why}: {line:?}"),
        )
    };
    let Some((url, rest)) = split_field(line) else {
        problems.push(malformed("line is not `URL LENGTH FILEPATH`"));
        return None;
    };
    let Some((length, raw_path)) = split_field(rest) else {
        problems.push(malformed("line is not `URL LENGTH FILEPATH`"));
        return None;
    };
    let length = if length == "-" {
        None
    } else if !length.is_empty() && length.bytes().all(|b| b.is_ascii_digit()) {
        match length.parse::<u64>() {
            Ok(l) => Some(l),
            Err(_) => {
                problems.push(malformed("LENGTH is too large"));
                return None;
            }
        }
    } else {
        problems.push(malformed("LENGTH must be a number of octets or `-`"));
        return None;
    };
    if raw_path.is_empty() || url.is_empty() {
        problems.push(malformed("line is not `URL LENGTH FILEPATH`"));
        return None;
    }
    if !has_scheme(url) {
        problems.push(Problem::error(
            Code::MalformedFetchUrl,
            FILE,
            Some(n),
            format!("{url:?} is not an absolute URL (scheme:...)"),
        ));
    }
    let checked = match filepath::check(raw_path, version) {
        Ok(c) => c,
        Err(rejected) => {
            let code = if rejected.code == Code::UnsafePath {
                Code::UnsafePath
            } else {
                Code::MalformedFetchLine
            };
            problems.push(Problem::error(code, FILE, Some(n), rejected.message));
            return None;
        }
    };
    for (code, message) in checked.warnings {
        problems.push(Problem::warning(code, FILE, Some(n), message));
    }
    if !checked.path.starts_with(PAYLOAD_PREFIX) {
        problems.push(Problem::error(
            Code::PathNotInPayload,
            FILE,
            Some(n),
            format!("{:?} is not in the payload directory data/; fetch.txt must list only payload files", checked.path),
        ));
        return None;
    }
    Some(FetchEntry {
        url: url.to_owned(),
        length,
        path: checked.path,
        line: n,
    })
}

/// `scheme ":" rest` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986) and a
/// non-empty rest.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V097: Version = Version {
        major: 0,
        minor: 97,
    };

    fn codes(text: &str, v: Version) -> Vec<&'static str> {
        parse(text, v).1.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn parses_entries() {
        let (e, p) = parse(
            "http://x/a - data/test 1.txt\r\nhttps://x/b 12\tdata/b\r\n",
            V097,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e[0].path, "data/test 1.txt");
        assert_eq!(e[0].length, None);
        assert_eq!(e[1].length, Some(12));
        assert_eq!(e[1].line, 2);
    }

    #[test]
    fn rejects_bad_lines() {
        assert_eq!(codes("http://x/a data/a\n", V097), ["malformed-fetch-line"]);
        assert_eq!(codes("http://x/a\n", V097), ["malformed-fetch-line"]);
        assert_eq!(codes("nourl - data/a\n", V097), ["malformed-fetch-url"]);
        assert_eq!(
            codes("http://x - ../../../README.md\n", V097),
            ["unsafe-path"]
        );
        assert_eq!(
            codes("https://en.wikipedia.org - /tmp/test.txt\n", V097),
            ["unsafe-path"]
        );
        assert_eq!(
            codes("https://en.wikipedia.org - ~/test.txt\n", V097),
            ["unsafe-path"]
        );
        assert_eq!(
            codes("http://x - bag-info.txt\n", V097),
            ["path-not-in-payload"]
        );
    }

    #[test]
    fn decodes_paths_in_1_0() {
        let (e, _) = parse("http://x - data/a%0Ab\n", Version::V1_0);
        assert_eq!(e[0].path, "data/a\nb");
    }
}
