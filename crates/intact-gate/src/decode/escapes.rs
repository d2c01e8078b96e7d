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

/// Percent-decoding with `+` as a space: the UTF-8 reading, and when the decoded bytes are not
/// UTF-8, every single-byte candidate reading. Empty when `t` has neither.
pub fn percent(t: &str) -> Vec<String> {
    let b = t.as_bytes();
    let has_pct = b
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit());
    if !has_pct && !t.contains('+') {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("0");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'%'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => vec![s],
        Err(e) => {
            let bytes = e.into_bytes();
            let mut v = vec![String::from_utf8_lossy(&bytes).into_owned()];
            v.extend(codepage::single_byte_readings(&bytes));
            v
        }
    }
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
