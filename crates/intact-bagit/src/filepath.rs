//! File paths in manifests and fetch.txt: percent-decoding (RFC 8493 §2.1.3), the rules that keep a
//! path inside the bag, and normalization of harmless variants such as a leading `./`.

use super::report::Code;
use super::version::Version;

/// A path as the bag means it: decoded, normalized, relative to the bag root, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPath {
    pub path: String,
    /// Harmless deviations worth a warning (code, message).
    pub warnings: Vec<(Code, String)>,
}

/// Why a path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub code: Code,
    pub message: String,
}

/// Decodes `%25`, `%0A` and `%0D` (hex digits in either case) and nothing else, as RFC 8493
/// specifies. Returns the decoded path and whether a `%` was left that is not one of those
/// three escapes (an encoder that did not follow the RFC).
pub fn percent_decode(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut stray = false;
    let mut rest = raw;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let esc = rest.get(i + 1..i + 3).map(|h| h.to_ascii_uppercase());
        match esc.as_deref() {
            Some("25") => out.push('%'),
            Some("0A") => out.push('\n'),
            Some("0D") => out.push('\r'),
            _ => {
                stray = true;
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    (out, stray)
}

/// Decodes (for 1.0 bags), checks and normalizes a manifest or fetch.txt path.
pub fn check(raw: &str, version: Version) -> Result<CheckedPath, Rejected> {
    let mut warnings = Vec::new();
    let path = if version.percent_encodes_paths() {
        let (decoded, stray) = percent_decode(raw);
        if stray {
            warnings.push((
                Code::UnencodedPercent,
                format!("{raw:?} contains a `%` that is not %25, %0A or %0D; BagIt 1.0 requires `%` to be written %25, so it is read literally"),
            ));
        }
        decoded
    } else {
        raw.to_owned()
    };
    if let Some(reason) = unsafe_reason(&path) {
        return Err(Rejected {
            code: Code::UnsafePath,
            message: format!("{path:?} {reason}"),
        });
    }
    let mut rest = path.as_str();
    if rest.starts_with("./") {
        while let Some(r) = rest.strip_prefix("./") {
            rest = r.trim_start_matches('/');
        }
        warnings.push((
            Code::DotSlashPrefix,
            format!("{path:?} starts with `./`; paths are relative to the bag root without it"),
        ));
    }
    let segments: Vec<&str> = rest.split('/').collect();
    let kept: Vec<&str> = segments
        .iter()
        .copied()
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if kept.len() != segments.len() {
        warnings.push((
            Code::NonNormalizedPath,
            format!(
                "{path:?} has empty or `.` segments; read as {:?}",
                kept.join("/")
            ),
        ));
    }
    if kept.is_empty() {
        return Err(Rejected {
            code: Code::MalformedManifestLine,
            message: format!("{raw:?} names no file"),
        });
    }
    let normalized = kept.join("/");
    // Normalizing can uncover a prefix the first check did not see, e.g. `./~`.
    if let Some(reason) = unsafe_reason(&normalized) {
        return Err(Rejected {
            code: Code::UnsafePath,
            message: format!("{path:?} {reason}"),
        });
    }
    Ok(CheckedPath {
        path: normalized,
        warnings,
    })
}

/// Why a (decoded) path would reach outside the bag, if it would.
pub fn unsafe_reason(path: &str) -> Option<&'static str> {
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        return Some("is an absolute path, outside the bag");
    }
    if path.starts_with('\\') {
        return Some("is an absolute Windows or UNC path, outside the bag");
    }
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("starts with a Windows drive letter, outside the bag");
    }
    if path.starts_with('~') {
        return Some("starts with `~`, a home directory outside the bag");
    }
    if path.contains('\0') {
        return Some("contains a NUL byte");
    }
    if path.split(['/', '\\']).any(|s| s == "..") {
        return Some("uses `..`, which can leave the bag");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const V097: Version = Version {
        major: 0,
        minor: 97,
    };

    #[test]
    fn decodes_only_the_three_escapes() {
        assert_eq!(percent_decode("data/a%25b"), ("data/a%b".to_owned(), false));
        assert_eq!(
            percent_decode("data/a%0Ab%0d"),
            ("data/a\nb\r".to_owned(), false)
        );
        assert_eq!(
            percent_decode("data/%7Etest"),
            ("data/%7Etest".to_owned(), true)
        );
        assert_eq!(percent_decode("data/%"), ("data/%".to_owned(), true));
        assert_eq!(percent_decode("data/%2525"), ("data/%25".to_owned(), false));
        assert_eq!(percent_decode("data/é%25"), ("data/é%".to_owned(), false));
        assert_eq!(percent_decode("%é"), ("%é".to_owned(), true));
    }

    #[test]
    fn drafts_do_not_decode() {
        let p = check("data/%25x", V097).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.path, "data/%25x");
        let p = check("data/%25x", Version::V1_0).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.path, "data/%x");
        let p = check("data/%7Ex", Version::V1_0).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.warnings[0].0, Code::UnencodedPercent);
    }

    #[test]
    fn rejects_paths_leaving_the_bag() {
        for bad in [
            "../x",
            "data/../../x",
            "/tmp/foo",
            "~/foo",
            "~root/foo",
            "C:\\Windows\\x",
            "\\\\server\\share",
            "data\\..\\..\\x",
            "./~",
            "./C:/x",
        ] {
            let e = check(bad, V097)
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(e.code, Code::UnsafePath, "{bad}");
        }
        assert!(check("data/dir1/~test3.txt", V097).is_ok());
        assert!(check("data/..x", V097).is_ok());
    }

    #[test]
    fn normalizes_dot_slash() {
        let p = check("./data/a", V097).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.path, "data/a");
        assert_eq!(p.warnings[0].0, Code::DotSlashPrefix);
        let p = check("data//./a", V097).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.path, "data/a");
        assert_eq!(p.warnings[0].0, Code::NonNormalizedPath);
        assert_eq!(
            check("./", V097).err().map(|e| e.code),
            Some(Code::MalformedManifestLine)
        );
    }
}
