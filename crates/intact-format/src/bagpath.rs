//! Bag-relative paths that came from an untrusted place (a ZIP entry, a manifest line, a source
//! tree). A [`BagPath`] can only be built through [`BagPath::parse`], which holds every rule of
//! FORMAT.md §3 ("Names"), so the rest of the code cannot forget one.

use std::fmt;

use unicode_normalization::{is_nfc, UnicodeNormalization};

/// Longest bag-relative path, in bytes of UTF-8 (FORMAT.md §3.1; [`Limits`] says why). A rule
/// of the format, so [`BagPath::parse`] always applies the default.
///
/// [`Limits`]: crate::limits::Limits
pub const MAX_PATH_BYTES: usize = crate::limits::Limits::DEFAULT.path_bytes;
/// Longest single path component, in bytes of UTF-8 (FORMAT.md §3.1).
pub const MAX_COMPONENT_BYTES: usize = crate::limits::Limits::DEFAULT.component_bytes;

/// Why a name cannot be carried by the format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty name")]
    Empty,
    #[error("name longer than {MAX_PATH_BYTES} bytes")]
    TooLong,
    #[error("path component longer than {MAX_COMPONENT_BYTES} bytes")]
    ComponentTooLong,
    #[error("absolute path")]
    Absolute,
    #[error("empty path component (leading, trailing or doubled '/')")]
    EmptyComponent,
    #[error("'.' or '..' component")]
    DotComponent,
    #[error("'~' component")]
    TildeComponent,
    #[error("starts with '~' (a home directory to a shell and to BagIt validators)")]
    TildeStart,
    #[error("control character U+{0:04X}")]
    Control(u32),
    #[error("backslash")]
    Backslash,
    #[error("character '{0}' that Windows cannot store")]
    NotPortable(char),
    #[error("'%' (manifests would need %25, which common BagIt tools do not decode)")]
    Percent,
    #[error("drive letter or ':'")]
    Colon,
    #[error("component ends with a dot or a space")]
    TrailingDotOrSpace,
    #[error("reserved device name '{0}'")]
    ReservedName(String),
    #[error("not in Unicode NFC form")]
    NotNfc,
}

/// A validated, bag-relative path such as `data/case-12/testimony.txt`.
///
/// Deliberately not `Deref<Target = str>`: callers say whether they want the plain form
/// ([`BagPath::as_str`]) or the manifest form ([`BagPath::manifest_form`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BagPath(String);

impl BagPath {
    /// Validates `name` against every rule of FORMAT.md §3.
    pub fn parse(name: &str) -> Result<BagPath, NameError> {
        BagPath::check(name)?;
        Ok(BagPath(name.to_owned()))
    }

    /// `name`, which [`BagPath::check`] found valid, kept as it is (not copied).
    pub(crate) fn checked(name: String) -> BagPath {
        debug_assert!(BagPath::check(&name).is_ok(), "{name:?} was not checked");
        BagPath(name)
    }

    /// Whether `name` is a valid bag path ([`BagPath::parse`] without keeping it).
    pub fn check(name: &str) -> Result<(), NameError> {
        check_whole(name)?;
        // Byte by byte: every character these rules name is ASCII but the C1 controls, which
        // UTF-8 writes as 0xC2 and a byte 0x80–0x9F.
        let bytes = name.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                0..=0x1f | 0x7f => return Err(NameError::Control(u32::from(b))),
                0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => {
                    return Err(NameError::Control(u32::from(bytes[i + 1])));
                }
                b'\\' => return Err(NameError::Backslash),
                b':' => return Err(NameError::Colon),
                b'<' | b'>' | b'"' | b'|' | b'?' | b'*' => {
                    return Err(NameError::NotPortable(char::from(b)))
                }
                // Manifests would have to write it as `%25`, which bagit-python 1.9 does not
                // decode: the name would not survive a round trip through common tools.
                b'%' => return Err(NameError::Percent),
                _ => {}
            }
        }
        // Then each component (a `/` is one byte: the cuts are character boundaries).
        let mut start = 0;
        for cut in memchr::memchr_iter(b'/', bytes).chain([bytes.len()]) {
            check_component(&name[start..cut])?;
            start = cut + 1;
        }
        if !name.is_ascii() && !is_nfc(name) {
            return Err(NameError::NotNfc);
        }
        Ok(())
    }

    /// Decodes a path as written in a BagIt manifest (`%25`, `%0A`, `%0D`) and validates it.
    pub fn from_manifest_form(encoded: &str) -> Result<BagPath, NameError> {
        BagPath::parse(&percent_decode(encoded))
    }

    /// The plain path.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path as a BagIt manifest writes it: `%` as `%25` (CR and LF cannot occur).
    pub fn manifest_form(&self) -> String {
        self.0.replace('%', "%25")
    }

    /// Whether this path lies under the payload directory `data/`.
    pub fn is_payload(&self) -> bool {
        self.0.starts_with("data/")
    }

    /// The key under which two names collide on a case-insensitive or normalizing file
    /// system: NFKC, then lower case.
    pub fn collision_key(&self) -> String {
        collision_key(&self.0)
    }
}

impl fmt::Display for BagPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// NFKC then lower case: two names with the same key are the same file somewhere.
pub fn collision_key(name: &str) -> String {
    if name.is_ascii() {
        // NFKC leaves ASCII as it is (the common case, and 100,000s of names per bundle).
        return name.to_ascii_lowercase();
    }
    name.nfkc().collect::<String>().to_lowercase()
}

fn check_component(comp: &str) -> Result<(), NameError> {
    if comp.is_empty() {
        return Err(NameError::EmptyComponent);
    }
    if comp.len() > MAX_COMPONENT_BYTES {
        return Err(NameError::ComponentTooLong);
    }
    if comp == "." || comp == ".." {
        return Err(NameError::DotComponent);
    }
    if comp == "~" {
        return Err(NameError::TildeComponent);
    }
    if comp.ends_with('.') || comp.ends_with(' ') {
        return Err(NameError::TrailingDotOrSpace);
    }
    check_stem(comp)
}

/// The rules on the whole name before its characters': not empty, not too long, relative, no
/// `~user` start.
fn check_whole(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.len() > MAX_PATH_BYTES {
        return Err(NameError::TooLong);
    }
    if name.starts_with('/') {
        return Err(NameError::Absolute);
    }
    if name.starts_with('~') && name != "~" && !name.starts_with("~/") {
        return Err(NameError::TildeStart);
    }
    Ok(())
}

/// A component's stem (up to its first `.`) is no reserved device name (FORMAT.md §3.6).
fn check_stem(comp: &str) -> Result<(), NameError> {
    // The stem compared in any ASCII case, as bytes.
    let bytes = comp.as_bytes();
    let stem = &bytes[..memchr::memchr(b'.', bytes).unwrap_or(bytes.len())];
    let is = |name: &[u8]| stem.eq_ignore_ascii_case(name);
    let reserved = is(b"CON")
        || is(b"PRN")
        || is(b"AUX")
        || is(b"NUL")
        || (stem.len() == 4
            && (stem[..3].eq_ignore_ascii_case(b"COM") || stem[..3].eq_ignore_ascii_case(b"LPT"))
            && matches!(stem[3], b'1'..=b'9'));
    if reserved {
        return Err(NameError::ReservedName(comp.to_owned()));
    }
    Ok(())
}

/// Whether a path component is `COM¹`–`COM³` or `LPT¹`–`LPT³` (superscript digits; any case,
/// with or without an extension): device names on Windows too. §3.6 does not list them, so a
/// verifier accepts them (earlier packs could write them); `intact pack` refuses them
/// (FORMAT.md §3, "What pack refuses besides").
pub fn is_superscript_device_name(comp: &str) -> bool {
    let stem = comp.split('.').next().unwrap_or(comp);
    let Some((head, digit)) = stem.char_indices().nth(3).map(|(i, _)| stem.split_at(i)) else {
        return false;
    };
    (head.eq_ignore_ascii_case("COM") || head.eq_ignore_ascii_case("LPT"))
        && matches!(digit, "\u{b9}" | "\u{b2}" | "\u{b3}")
}

/// RFC 8493 §2.1.3: only `%25`, `%0A` and `%0D` (either hex case) are decoded.
fn percent_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let code = tail.get(1..3).map(|h| h.to_ascii_uppercase());
        match code.as_deref() {
            Some("25") => out.push('%'),
            Some("0A") => out.push('\n'),
            Some("0D") => out.push('\r'),
            _ => {
                out.push('%');
                rest = &tail[1..];
                continue;
            }
        }
        rest = &tail[3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FORMAT.md §3.7–§3.8 name the Unicode versions of NFC, NFKC and the lower-case mapping:
    /// a new `unicode-normalization` or Rust toolchain that changes them must change the spec.
    #[test]
    fn unicode_versions_are_the_ones_format_md_pins() {
        assert_eq!(unicode_normalization::UNICODE_VERSION, (18, 0, 0));
        assert_eq!(char::UNICODE_VERSION, (17, 0, 0));
    }

    /// FORMAT.md §3.8: the full lower-case mapping with Final_Sigma, not case folding.
    #[test]
    fn collision_key_is_nfkc_then_full_lower_case() {
        assert_eq!(collision_key("data/\u{130}"), "data/i\u{307}");
        assert_eq!(collision_key("data/\u{df}"), "data/\u{df}");
        assert_eq!(collision_key("data/\u{39f}\u{3a3}"), "data/\u{3bf}\u{3c2}");
        assert_eq!(collision_key("data/\u{3a3}x"), "data/\u{3c3}x");
        assert_eq!(collision_key("data/\u{2460}"), "data/1");
        assert_eq!(collision_key("data/\u{13a0}"), "data/\u{ab70}");
    }

    #[test]
    fn superscript_device_names_are_found_in_any_case_with_any_extension() {
        for c in [
            "COM\u{b9}",
            "com\u{b2}.txt",
            "Lpt\u{b3}.tar.gz",
            "LPT\u{b9}",
        ] {
            assert!(is_superscript_device_name(c), "{c}");
            assert!(BagPath::parse(&format!("data/{c}")).is_ok(), "{c}");
        }
        for c in [
            "COM",
            "COM1",
            "COM\u{b9}x",
            "COM\u{2074}",
            "XCOM\u{b9}",
            "CO\u{b9}",
        ] {
            assert!(!is_superscript_device_name(c), "{c}");
        }
    }

    #[test]
    fn simple_payload_path() {
        let p = BagPath::parse("data/case-1/witness statement.txt").unwrap();
        assert!(p.is_payload());
        assert_eq!(p.as_str(), "data/case-1/witness statement.txt");
    }

    #[test]
    fn simple_non_ascii_nfc() {
        assert!(BagPath::parse("data/Վկայություն.txt").is_ok());
        assert!(BagPath::parse("data/показание.txt").is_ok());
    }

    #[test]
    fn bad_percent_even_when_encoded() {
        assert_eq!(
            BagPath::parse("data/100% done.txt"),
            Err(NameError::Percent)
        );
        assert_eq!(
            BagPath::from_manifest_form("data/100%25 done.txt"),
            Err(NameError::Percent)
        );
        assert_eq!(
            BagPath::from_manifest_form("data/a%2fb"),
            Err(NameError::Percent)
        );
        let p = BagPath::parse("data/a b.txt").unwrap();
        assert_eq!(p.manifest_form(), "data/a b.txt");
    }

    #[test]
    fn bad_encoded_newline_is_a_control_character() {
        assert_eq!(
            BagPath::from_manifest_form("data/a%0Ab"),
            Err(NameError::Control(10))
        );
        assert_eq!(
            BagPath::from_manifest_form("data/a%0db"),
            Err(NameError::Control(13))
        );
    }

    #[test]
    fn bad_empty() {
        assert_eq!(BagPath::parse(""), Err(NameError::Empty));
    }

    #[test]
    fn bad_absolute() {
        assert_eq!(BagPath::parse("/etc/passwd"), Err(NameError::Absolute));
    }

    #[test]
    fn bad_dot_components() {
        assert_eq!(BagPath::parse("data/../x"), Err(NameError::DotComponent));
        assert_eq!(BagPath::parse("./data/x"), Err(NameError::DotComponent));
        assert_eq!(BagPath::parse(".."), Err(NameError::DotComponent));
    }

    #[test]
    fn bad_empty_components() {
        assert_eq!(BagPath::parse("data//x"), Err(NameError::EmptyComponent));
        assert_eq!(BagPath::parse("data/x/"), Err(NameError::EmptyComponent));
    }

    #[test]
    fn bad_tilde() {
        assert_eq!(BagPath::parse("~/x"), Err(NameError::TildeComponent));
        assert!(BagPath::parse("data/~x").is_ok());
    }

    /// Found by the `bag_manifest` fuzz target (fuzz/regressions/bag_manifest/): `~data/…` was a
    /// valid name that every BagIt validator refuses (a home directory outside the bag), so a
    /// bag intact accepts would not be valid for them.
    #[test]
    fn a_path_starting_with_a_tilde_is_refused() {
        for p in ["~data/x", "~x", "~user/data/a.txt"] {
            assert_eq!(BagPath::parse(p), Err(NameError::TildeStart), "{p}");
            assert!(intact_bagit::parse::filepath(p, intact_bagit::parse::Version::V1_0).is_err());
        }
    }

    #[test]
    fn bad_backslash_and_drive() {
        assert_eq!(BagPath::parse("data\\x"), Err(NameError::Backslash));
        assert_eq!(BagPath::parse("C:/x"), Err(NameError::Colon));
    }

    #[test]
    fn bad_control_and_nul() {
        assert_eq!(BagPath::parse("data/a\0b"), Err(NameError::Control(0)));
        assert_eq!(BagPath::parse("data/a\tb"), Err(NameError::Control(9)));
        assert_eq!(
            BagPath::parse("data/a\u{85}b"),
            Err(NameError::Control(0x85))
        );
    }

    #[test]
    fn bad_windows_characters_and_names() {
        assert_eq!(BagPath::parse("data/a?b"), Err(NameError::NotPortable('?')));
        assert_eq!(
            BagPath::parse("data/x."),
            Err(NameError::TrailingDotOrSpace)
        );
        assert_eq!(
            BagPath::parse("data/x "),
            Err(NameError::TrailingDotOrSpace)
        );
        assert!(matches!(
            BagPath::parse("data/con.txt"),
            Err(NameError::ReservedName(_))
        ));
        assert!(matches!(
            BagPath::parse("data/LPT1"),
            Err(NameError::ReservedName(_))
        ));
        assert!(BagPath::parse("data/LPT0").is_ok());
        assert!(BagPath::parse("data/console.txt").is_ok());
    }

    #[test]
    fn bad_not_nfc() {
        assert_eq!(BagPath::parse("data/e\u{301}.txt"), Err(NameError::NotNfc));
    }

    #[test]
    fn bad_too_long() {
        let long = format!("data/{}", "a".repeat(256));
        assert_eq!(BagPath::parse(&long), Err(NameError::ComponentTooLong));
        let deep = format!("data/{}", ["abcdefgh"; 120].join("/"));
        assert_eq!(BagPath::parse(&deep), Err(NameError::TooLong));
    }

    #[test]
    fn collision_keys_fold_case_and_normalization() {
        assert_eq!(collision_key("data/A.txt"), collision_key("data/a.txt"));
        assert_eq!(collision_key("data/Ա.txt"), collision_key("data/ա.txt"));
        assert_eq!(
            collision_key("data/\u{fb01}.txt"),
            collision_key("data/fi.txt")
        );
    }

    /// The rules of [`BagPath::check`] as first written, character by character (and the
    /// reserved stems by an upper-cased copy): the oracle of the byte-by-byte check. The rules
    /// that did not change are the same code.
    fn check_plainly(name: &str) -> Result<(), NameError> {
        check_whole(name)?;
        for c in name.chars() {
            let u = c as u32;
            if u < 0x20 || (0x7f..=0x9f).contains(&u) {
                return Err(NameError::Control(u));
            }
            match c {
                '\\' => return Err(NameError::Backslash),
                ':' => return Err(NameError::Colon),
                '<' | '>' | '"' | '|' | '?' | '*' => return Err(NameError::NotPortable(c)),
                '%' => return Err(NameError::Percent),
                _ => {}
            }
        }
        for comp in name.split('/') {
            // The rules before the stem's are the same code; the stem's as first written.
            match check_component(comp) {
                Err(NameError::ReservedName(_)) | Ok(()) => {}
                Err(e) => return Err(e),
            }
            let stem = comp.split('.').next().unwrap_or(comp).to_ascii_uppercase();
            let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
                || ((stem.starts_with("COM") || stem.starts_with("LPT"))
                    && stem.len() == 4
                    && stem.as_bytes()[3].is_ascii_digit()
                    && stem.as_bytes()[3] != b'0');
            if reserved {
                return Err(NameError::ReservedName(comp.to_owned()));
            }
        }
        if !name.is_ascii() && !is_nfc(name) {
            return Err(NameError::NotNfc);
        }
        Ok(())
    }

    /// Names made of the pieces the rules are about, and any character.
    fn name() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("/".to_owned()),
            Just(".".to_owned()),
            Just(" ".to_owned()),
            Just("~".to_owned()),
            Just("data".to_owned()),
            prop::sample::select(vec![
                "con", "PRN", "Aux", "nul", "COM1", "lpt9", "com0", "LPT", "COM¹", "ÇON"
            ])
            .prop_map(str::to_owned),
            prop::sample::select(vec![
                "\\", ":", "<", ">", "\"", "|", "?", "*", "%", "\u{7f}", "\u{80}", "\u{85}",
                "\u{9f}", "\u{a0}", "\u{1f}", "\t", "e\u{301}", "é", "ǅ", "\u{2028}"
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z0-9_-]{1,6}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn the_check_by_bytes_is_the_check_by_characters(n in name()) {
            proptest::prop_assert_eq!(BagPath::check(&n), check_plainly(&n), "{:?}", n);
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,64}") {
            let _ = BagPath::parse(&s);
            let _ = BagPath::from_manifest_form(&s);
        }
    }
}
