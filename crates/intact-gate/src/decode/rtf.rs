//! RTF: the text a reader sees. Groups are dropped (`Rus{\b tam}` is `Rustam`), control words
//! are dropped (paragraph, line, tab and cell marks become spaces), `\'hh` bytes are read in the
//! code page in force (`\ansicpg`, or the `\fcharset` of the current font), `\uN` is the
//! character N followed by `\ucN` fallback characters that are skipped, and `\binN` data is
//! skipped. Nothing else is skipped: text in the info group (title, author), in footnotes and in
//! hidden destinations is text too.

use encoding_rs::Encoding;

use super::codepage::{self, SINGLE_BYTE};

/// How an RTF document starts.
const MAGIC: &[u8] = b"{\\rtf";

/// Whether `t` is an RTF document.
pub fn is_rtf(t: &[u8]) -> bool {
    t.trim_ascii_start().starts_with(MAGIC)
}

/// The code page of an RTF `\fcharset` value.
fn charset_encoding(n: i32) -> Option<&'static Encoding> {
    let label = match n {
        0 => "windows-1252",
        161 => "windows-1253",
        162 => "windows-1254",
        163 => "windows-1258",
        177 => "windows-1255",
        178 => "windows-1256",
        186 => "windows-1257",
        204 => "windows-1251",
        222 => "windows-874",
        238 => "windows-1250",
        128 => "shift_jis",
        129 => "euc-kr",
        134 => "gbk",
        136 => "big5",
        _ => return None,
    };
    codepage::for_label(label)
}

/// The code page of an `\ansicpg` value.
fn cpg_encoding(n: i32) -> Option<&'static Encoding> {
    match n {
        65001 => Some(encoding_rs::UTF_8),
        866 => Some(encoding_rs::IBM866),
        20866 => Some(encoding_rs::KOI8_R),
        _ => codepage::for_label(&format!("windows-{n}"))
            .or_else(|| codepage::for_label(&format!("cp{n}"))),
    }
}

#[derive(Clone, Copy)]
struct Group {
    uc: usize,
    enc: Option<&'static Encoding>,
}

struct Reader<'a> {
    d: &'a [u8],
    i: usize,
    out: String,
    pending: Vec<u8>,
    /// the code page every `\'hh` is read in, when the caller forces one
    forced: Option<&'static Encoding>,
    doc: &'static Encoding,
    fonts: std::collections::HashMap<i32, &'static Encoding>,
    font_def: Option<i32>,
}

impl Reader<'_> {
    fn flush(&mut self, enc: Option<&'static Encoding>) {
        if self.pending.is_empty() {
            return;
        }
        let enc = self.forced.or(enc).unwrap_or(self.doc);
        self.out.push_str(&codepage::decode_in(enc, &self.pending));
        self.pending.clear();
    }

    /// A control word at `self.i` (after the backslash): its name and parameter.
    fn word(&mut self) -> (&[u8], Option<i32>) {
        let start = self.i;
        while self.i < self.d.len() && self.d[self.i].is_ascii_alphabetic() && self.i - start < 32 {
            self.i += 1;
        }
        let name_end = self.i;
        let neg = self.d.get(self.i) == Some(&b'-');
        if neg {
            self.i += 1;
        }
        let ds = self.i;
        let mut n: i64 = 0;
        while self.i < self.d.len() && self.d[self.i].is_ascii_digit() && self.i - ds < 10 {
            n = n * 10 + i64::from(self.d[self.i] - b'0');
            self.i += 1;
        }
        let param = (self.i > ds).then(|| {
            let v = if neg { -n } else { n };
            v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
        });
        if self.d.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
        (&self.d[start..name_end], param)
    }

    /// Skip `n` fallback characters after `\uN` (a `\'hh` counts as one, a group ends it).
    fn skip_fallback(&mut self, mut n: usize) {
        while n > 0 && self.i < self.d.len() {
            match self.d[self.i] {
                b'{' | b'}' => return,
                b'\\' if self.d.get(self.i + 1) == Some(&b'\'') => self.i += 4,
                b'\\' => {
                    self.i += 1;
                    let _ = self.word();
                }
                b'\r' | b'\n' => {
                    self.i += 1;
                    continue;
                }
                _ => self.i += 1,
            }
            n -= 1;
        }
    }
}

/// The text of an RTF document; `forced` reads every `\'hh` byte in that code page instead of
/// the one the document declares.
pub fn text(d: &[u8], forced: Option<&'static Encoding>) -> String {
    let mut r = Reader {
        d,
        i: 0,
        out: String::with_capacity(d.len() / 2),
        pending: Vec::new(),
        forced,
        doc: encoding_rs::WINDOWS_1252,
        fonts: Default::default(),
        font_def: None,
    };
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group { uc: 1, enc: None };
    while r.i < d.len() {
        let c = d[r.i];
        if c != b'\\' || d.get(r.i + 1) != Some(&b'\'') {
            r.flush(g.enc);
        }
        match c {
            b'{' => {
                if stack.len() < 10_000 {
                    stack.push(g);
                }
                r.i += 1;
            }
            b'}' => {
                g = stack.pop().unwrap_or(g);
                r.font_def = None;
                r.i += 1;
            }
            b'\r' | b'\n' => r.i += 1,
            b'\\' => {
                r.i += 1;
                let Some(&s) = d.get(r.i) else { break };
                if s.is_ascii_alphabetic() {
                    let (name, param) = r.word();
                    let name = name.to_vec();
                    control(&mut r, &mut g, &name, param);
                } else {
                    r.i += 1;
                    match s {
                        b'\'' => {
                            let hex = d.get(r.i..r.i + 2).unwrap_or(&[]);
                            if let Some(b) = std::str::from_utf8(hex)
                                .ok()
                                .and_then(|h| u8::from_str_radix(h, 16).ok())
                            {
                                r.pending.push(b);
                                r.i += 2;
                            }
                        }
                        b'~' => r.out.push(' '),
                        b'_' => r.out.push('-'),
                        b'\n' | b'\r' => r.out.push('\n'),
                        b'-' | b'*' | b':' | b'|' => {}
                        other => r.out.push(other as char),
                    }
                }
            }
            _ => {
                // plain text: a run of bytes up to the next special character
                let end = d[r.i..]
                    .iter()
                    .position(|&b| matches!(b, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    .map_or(d.len(), |k| r.i + k);
                r.pending.extend_from_slice(&d[r.i..end]);
                r.flush(g.enc);
                r.i = end;
            }
        }
    }
    r.flush(g.enc);
    r.out
}

/// One control word's effect on the text and the group state.
fn control(r: &mut Reader, g: &mut Group, name: &[u8], param: Option<i32>) {
    match (name, param) {
        (b"par" | b"line" | b"sect" | b"page" | b"row", _) => r.out.push('\n'),
        (b"tab" | b"cell" | b"emspace" | b"enspace" | b"qmspace", _) => r.out.push(' '),
        (b"u", Some(n)) => {
            let cp = if n < 0 { n + 65536 } else { n } as u32;
            if let Some(ch) = char::from_u32(cp) {
                r.out.push(ch);
            }
            r.skip_fallback(g.uc);
        }
        (b"uc", Some(n)) => g.uc = n.clamp(0, 16) as usize,
        (b"ansicpg", Some(n)) => {
            if let Some(e) = cpg_encoding(n) {
                r.doc = e;
            }
        }
        (b"f", Some(n)) => {
            r.font_def = Some(n);
            g.enc = r.fonts.get(&n).copied();
        }
        (b"fcharset", Some(n)) => {
            if let (Some(f), Some(e)) = (r.font_def, charset_encoding(n)) {
                r.fonts.insert(f, e);
                g.enc = Some(e);
            }
        }
        (b"bin", Some(n)) => r.i = r.i.saturating_add(n.max(0) as usize).min(r.d.len()),
        (b"emdash", _) => r.out.push('\u{2014}'),
        (b"endash", _) => r.out.push('\u{2013}'),
        (b"lquote", _) => r.out.push('\u{2018}'),
        (b"rquote", _) => r.out.push('\u{2019}'),
        (b"ldblquote", _) => r.out.push('\u{201C}'),
        (b"rdblquote", _) => r.out.push('\u{201D}'),
        _ => {}
    }
}

/// Whether the document has `\'hh` escapes (so reading them in other code pages may differ).
pub fn has_hex_escapes(d: &[u8]) -> bool {
    memchr::memmem::find(d, b"\\'").is_some()
}

/// Every reading of an RTF document: as it declares its code pages, and with every `\'hh`
/// byte read in each candidate single-byte code page (a document may declare the wrong one).
pub fn views(d: &[u8]) -> Vec<String> {
    let mut out = vec![text(d, None)];
    if has_hex_escapes(d) {
        for enc in SINGLE_BYTE {
            let v = text(d, Some(enc));
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_code_pages_and_unicode() {
        let d = br"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0\fcharset204 Arial;}}\f0 Rus{\b tam} \'c7\'e0\'f0\'e8\'f4\'e0 \u1329?\u1377?\par}";
        let t = text(d, None);
        assert!(t.contains("Rustam"), "{t}");
        assert!(t.contains("Зарифа"), "{t}");
        assert!(t.contains("Աա"), "{t}");
        assert!(!t.contains('?'), "{t}");
    }

    #[test]
    fn font_charset_and_forced_readings() {
        // declared Western, font charset Turkish: \'fd is dotless i
        let d = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f1\fcharset162 X;}}{\f1 Qurbanl\'fd}}";
        assert!(text(d, None).contains("Qurbanlı"));
        // no charset at all: the cp1251 reading is among the views
        let d = br"{\rtf1 \'c7\'e0\'f0\'e8\'f4\'e0}";
        assert!(views(d).iter().any(|v| v.contains("Зарифа")));
    }

    #[test]
    fn binary_and_truncated_input_do_not_panic() {
        for d in [
            &br"{\rtf1\bin99999"[..],
            br"{\rtf1\'",
            br"{\rtf1\u",
            br"\",
            br"}}}{",
        ] {
            let _ = views(d);
        }
        assert_eq!(text(br"{\rtf1 a\bin3 xyzb}", None), "ab");
    }
}
