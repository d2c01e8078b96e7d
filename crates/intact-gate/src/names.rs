//! File and folder names, and the readings the gate gives a name.

use std::path::Path;

use super::denylist::DenyList;
use super::report::Finding;
use super::rules::RuleId;
use super::text::normalize;
use unicode_normalization::UnicodeNormalization;

/// The readings of a name (or of any text the gate shows a person) that the deny-list is
/// matched against, besides the text itself: every ASCII punctuation character as a space
/// (`Ivan_Fictitious`, `ivan.fictitious`), the same after percent-decoding
/// (`Ivan%20Fictitious`), and with a space where a lower-case letter meets an upper-case one
/// (`IvanFictitious`). Each reading is then normalized like any text ([`super::text::normalize`]:
/// case folding, compatibility forms, invisible characters).
pub fn readings(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned()];
    // punctuation after normalization, so full-width and other compatibility forms count too
    let spaced = punctuation_as_spaces(&normalize(text));
    if spaced != out[0] {
        out.push(spaced);
    }
    if text.contains('%') {
        if let Some(decoded) = percent_decoded(text) {
            out.push(punctuation_as_spaces(&normalize(&decoded)));
            out.push(decoded);
        }
    }
    let cased: String = text.nfkc().collect();
    let split = camel_case_split(&punctuation_as_spaces(&cased));
    if split.contains(' ') && !out.contains(&split) {
        out.push(split);
    }
    // and every reading the decoding layer gives a name: its bytes in each candidate code page,
    // percent-decoded, separators as spaces; JSON, emphasis and LaTeX escapes decoded
    for v in crate::decode::text_views_of_name(text) {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Normalized text without its whitespace and ASCII punctuation: how a name reads when its
/// words were run together (`ivanfictitious.txt`, `IVAN_FICTITIOUS` alike).
pub fn squashed(normalized: &str) -> String {
    normalized
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .collect()
}

/// Every ASCII punctuation character as a space.
pub fn punctuation_as_spaces(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_punctuation() { ' ' } else { c })
        .collect()
}

/// `%XX` escapes decoded ([`crate::decode::escapes::percent_decoded_bytes`]); `None` when there
/// are none or the result is not UTF-8.
fn percent_decoded(s: &str) -> Option<String> {
    crate::decode::escapes::percent_decoded_bytes(s.as_bytes())
        .and_then(|b| String::from_utf8(b).ok())
}

fn camel_case_split(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev_lower = false;
    for c in s.chars() {
        if prev_lower && c.is_uppercase() {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

/// The bytes of a name as the file system holds them.
#[cfg(unix)]
fn raw_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

/// The bytes of a name as the file system holds them (UTF-8 where names are Unicode).
#[cfg(not(unix))]
fn raw_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

/// Deny-list findings for the last component of `rel` (a path relative to the source), in
/// every reading ([`readings`]). `is_dir` selects the location `folder name` or `file name`.
pub fn scan_name(deny: &DenyList, rel: &Path, is_dir: bool) -> Vec<Finding> {
    let Some(name) = rel.file_name() else {
        return Vec::new();
    };
    // every reading of the name's bytes (a name written in cp1251 or cp866 is not UTF-8), each
    // in every reading the gate gives a name
    let mut hits = Vec::new();
    for v in crate::decode::name_views(&raw_bytes(name)) {
        for m in deny.find_in_name(&v) {
            if !hits.contains(&m) {
                hits.push(m);
            }
        }
    }
    let location = if is_dir { "folder name" } else { "file name" };
    hits.into_iter()
        .map(|masked| Finding {
            file: rel.to_path_buf(),
            location: location.to_string(),
            rule: RuleId::DenyListMatch,
            masked: Some(masked),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny() -> DenyList {
        DenyList::from_entries(&["Ivan Fictitious", "O'Brien Test"]).unwrap()
    }

    #[test]
    fn readings_separators_percent_and_camel_case() {
        let d = deny();
        for name in [
            "Ivan_Fictitious.txt",
            "ivan-fictitious.pdf",
            "IVAN.FICTITIOUS",
            "x+Ivan+Fictitious",
            "Ivan%20Fictitious.txt",
            "Ivan%5FFictitious.txt",
            "IvanFictitious.docx",
            "ＩＶＡＮ＿ＦＩＣＴＩＴＩＯＵＳ",
            "Ivan\u{200B}_Fictitious",
            "O'Brien_Test.txt",
            "ivanfictitious.txt",
            "IVANFICTITIOUS-1.PDF",
            "scan_of_ivanfictitious",
        ] {
            assert!(d.holds(name), "{name}");
            assert_eq!(scan_name(&d, Path::new(name), false).len(), 1, "{name}");
        }
        // a short entry is not matched with its words run together: "Li Na" in "carolina"
        let short = DenyList::from_entries(&["Li Na"]).unwrap();
        assert!(short.holds("Li_Na.txt") && !short.holds("carolina.txt"));
        for name in ["Ivan.txt", "Fictitious", "ivan-fictitiou", "%zz"] {
            assert!(!d.holds(name), "{name}");
        }
    }

    #[test]
    fn a_name_finding_carries_the_mask_only() {
        let f = scan_name(&deny(), Path::new("a/Ivan_Fictitious"), true);
        assert_eq!(f[0].masked.as_deref(), Some("[withheld #1, 15 chars]"));
        assert_eq!(f[0].location, "folder name");
    }
}
