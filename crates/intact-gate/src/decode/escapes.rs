//! Escapes in otherwise plain text: JSON string escapes (`\u041c`, as Python's `json` writes
//! by default), percent-encoding and `+` (URLs, file names), Markdown emphasis inside a name
//! (`Za**rifa**`), LaTeX accents (`G\"{u}lnar`, `\c{s}`, `{\i}`).

use super::codepage;

/// JSON string escapes decoded (`\uXXXX` with surrogate pairs, `\n`, `\"`, ...), when `t` has
/// any.
pub fn json(t: &str) -> Option<String> {
    if !t.contains('\\') {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    let mut high: Option<u16> = None;
    let mut changed = false;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('u') => {
                chars.next();
                let hex: String = chars.clone().take(4).collect();
                let Some(u) = (hex.len() == 4)
                    .then(|| u16::from_str_radix(&hex, 16).ok())
                    .flatten()
                else {
                    out.push_str("\\u");
                    continue;
                };
                for _ in 0..4 {
                    chars.next();
                }
                changed = true;
                match (high.take(), u) {
                    (Some(h), 0xDC00..=0xDFFF) => out.extend(char::decode_utf16([h, u]).flatten()),
                    (_, 0xD800..=0xDBFF) => high = Some(u),
                    (_, u) => out.extend(char::from_u32(u32::from(u))),
                }
            }
            Some(e @ ('n' | 't' | 'r' | 'b' | 'f' | '"' | '\\' | '/')) => {
                chars.next();
                changed = true;
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' | 'f' => ' ',
                    other => other,
                });
            }
            _ => out.push('\\'),
        }
    }
    changed.then_some(out)
}

/// How many times a string is percent-decoded at most: an escape may itself be escaped
/// (`%2549` is `%49` is `I`).
pub const MAX_PERCENT_ROUNDS: usize = 3;

/// One round of percent-decoding (RFC 3986 §2.1): every `%` followed by two hex digits becomes
/// that byte; `None` when there is no such escape. The output is never longer than the input.
pub fn percent_decode_once(s: &[u8]) -> Option<Vec<u8>> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut any = false;
    let mut i = 0;
    while i < s.len() {
        let esc = match (s.get(i), s.get(i + 1), s.get(i + 2)) {
            (Some(b'%'), Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match esc {
            Some(b) => {
                out.push(b);
                any = true;
                i += 3;
            }
            None => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    any.then_some(out)
}

/// Percent-decoded until no escape is left, at most [`MAX_PERCENT_ROUNDS`] times; `None` when
/// `s` has no escape.
pub fn percent_decoded_bytes(s: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = percent_decode_once(s)?;
    for _ in 1..MAX_PERCENT_ROUNDS {
        match percent_decode_once(&bytes) {
            Some(d) => bytes = d,
            None => break,
        }
    }
    Some(bytes)
}

/// Percent-decoding ([`percent_decoded_bytes`]), read with `+` as a space (a query in
/// `application/x-www-form-urlencoded`, a file name) and, when it has escapes and a `+`, with
/// `+` kept: each reading as UTF-8, and when the decoded bytes are not UTF-8 also in every
/// single-byte candidate code page. Empty when `t` has neither escapes nor `+`.
pub fn percent(t: &str) -> Vec<String> {
    let decoded = percent_decoded_bytes(t.as_bytes());
    if decoded.is_none() && !t.contains('+') {
        return Vec::new();
    }
    let bytes = decoded.clone().unwrap_or_else(|| t.as_bytes().to_vec());
    let spaced: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let mut readings = vec![spaced];
    if decoded.is_some() && bytes.contains(&b'+') {
        readings.push(bytes);
    }
    let mut out = Vec::new();
    for r in readings {
        match String::from_utf8(r) {
            Ok(s) => out.push(s),
            Err(e) => {
                let bytes = e.into_bytes();
                out.push(String::from_utf8_lossy(&bytes).into_owned());
                out.extend(codepage::single_byte_readings(&bytes));
            }
        }
    }
    out
}

/// Markdown emphasis and code markers (`*`, `_`, `~`, `` ` ``) removed, and replaced by spaces:
/// `**Zarifa** Qurb_anl_ı` and `Zarifa_Qurbanlı` both read as the name. Empty when `t` has none.
pub fn emphasis(t: &str) -> Vec<String> {
    let marker = |c: char| matches!(c, '*' | '_' | '~' | '`');
    if !t.contains(marker) {
        return Vec::new();
    }
    vec![t.replace(marker, ""), t.replace(marker, " ")]
}

/// The combining mark of a LaTeX accent command.
fn accent_mark(cmd: char) -> Option<char> {
    Some(match cmd {
        '"' => '\u{308}',
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30C}',
        'H' => '\u{30B}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        'r' => '\u{30A}',
        'd' => '\u{323}',
        'b' => '\u{331}',
        _ => return None,
    })
}

/// LaTeX letter commands (`\i`, `\ss`, `\o`, ...).
fn latex_letter(name: &str) -> Option<&'static str> {
    Some(match name {
        "i" => "ı",
        "j" => "ȷ",
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "l" => "ł",
        "L" => "Ł",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        _ => return None,
    })
}

/// LaTeX accents composed (`G\"{u}lnar` → `Gülnar`, `\c{S}` → `Ş`, `{\i}` → `ı`) and braces
/// dropped. `None` when `t` has no backslash.
pub fn latex(t: &str) -> Option<String> {
    if !t.contains('\\') {
        return None;
    }
    let c: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    // the base letter of an accent at `j` (`{x}`, `{\i}`, ` x` for letter commands, or `x`)
    let base = |j: usize, letter_cmd: bool| -> Option<(String, usize)> {
        let mut j = j;
        if letter_cmd {
            while c.get(j) == Some(&' ') {
                j += 1;
            }
        }
        let braced = c.get(j) == Some(&'{');
        if braced {
            j += 1;
        }
        let (s, mut j) = if c.get(j) == Some(&'\\') {
            let name: String = c[j + 1..]
                .iter()
                .take_while(|x| x.is_ascii_alphabetic())
                .collect();
            (
                latex_letter(&name)?.to_string(),
                j + 1 + name.chars().count(),
            )
        } else {
            let ch = *c.get(j).filter(|x| x.is_alphabetic())?;
            (ch.to_string(), j + 1)
        };
        if braced {
            if c.get(j) != Some(&'}') {
                return None;
            }
            j += 1;
        }
        Some((s, j))
    };
    while i < c.len() {
        if c[i] != '\\' {
            if c[i] != '{' && c[i] != '}' {
                out.push(c[i]);
            }
            i += 1;
            continue;
        }
        let Some(&cmd) = c.get(i + 1) else {
            out.push('\\');
            break;
        };
        let letter_cmd =
            cmd.is_ascii_alphabetic() && !c.get(i + 2).is_some_and(|x| x.is_ascii_alphabetic());
        if let (Some(mark), true) = (accent_mark(cmd), !cmd.is_ascii_alphabetic() || letter_cmd) {
            if let Some((b, j)) = base(i + 2, cmd.is_ascii_alphabetic()) {
                out.push_str(&b);
                out.push(mark);
                i = j;
                continue;
            }
        }
        let name: String = c[i + 1..]
            .iter()
            .take_while(|x| x.is_ascii_alphabetic())
            .collect();
        if let Some(l) = latex_letter(&name) {
            out.push_str(l);
            i += 1 + name.chars().count();
            if c.get(i) == Some(&' ') {
                i += 1;
            }
            continue;
        }
        out.push('\\');
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoded_once_and_in_rounds() {
        assert_eq!(
            percent_decode_once(b"a%20b%2fc%zz%4").as_deref(),
            Some(b"a b/c%zz%4".as_slice())
        );
        assert_eq!(percent_decode_once(b"no escape % here"), None);
        assert_eq!(
            percent_decoded_bytes(b"%252549").as_deref(),
            Some(b"I".as_slice())
        );
        assert_eq!(
            percent_decoded_bytes(b"%25252549").as_deref(),
            Some(b"%49".as_slice()),
            "at most MAX_PERCENT_ROUNDS rounds"
        );
    }
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn json_escapes() {
        assert_eq!(
            json(r#"{"n": "\u0417\u0430\u0440\u0438\u0444\u0430"}"#).unwrap(),
            r#"{"n": "Зарифа"}"#
        );
        assert_eq!(json(r"\ud83d\ude00 a\nb").unwrap(), "\u{1F600} a\nb");
        assert_eq!(json("plain"), None);
        assert_eq!(json(r"\u12"), None);
    }

    #[test]
    fn percent_and_plus() {
        assert_eq!(
            percent("Zarifa%20Qurbanl%C4%B1.txt"),
            vec!["Zarifa Qurbanlı.txt"]
        );
        assert_eq!(percent("q=Zarifa+Testova"), vec!["q=Zarifa Testova"]);
        // cp1251 bytes percent-encoded
        assert!(percent("%C7%E0%F0%E8%F4%E0").iter().any(|s| s == "Зарифа"));
        assert!(percent("100%").is_empty());
        assert!(percent("%4").is_empty());
    }

    #[test]
    fn emphasis_markers() {
        let v = emphasis("**Zarifa** Qur*banlı*");
        assert!(v.contains(&"Zarifa Qurbanlı".to_string()), "{v:?}");
        assert!(emphasis("Zarifa_Testova")[1] == "Zarifa Testova");
    }

    #[test]
    fn latex_accents() {
        let n = |s: &str| latex(s).unwrap().nfc().collect::<String>();
        assert_eq!(n(r#"G\"{u}lnar"#), "Gülnar");
        assert_eq!(n(r#"G\"ulnar"#), "Gülnar");
        assert_eq!(n(r"{\c{S}}ahin Qurbanl{\i}"), "Şahin Qurbanlı");
        assert_eq!(n(r"\u{g}\v s \'e \ss{}"), "ğš é ß");
        assert_eq!(n(r"\textbf{x} \"), r"\textbfx \");
    }
}
