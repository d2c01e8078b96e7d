//! A small, bounded PDF tokenizer and object parser. It never panics on any input: every index is
//! checked, nesting is bounded and every step consumes input.

/// A PDF object.
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32, u16),
    /// An operator or other bare keyword (content streams).
    Kw(Vec<u8>),
}

/// A dictionary as ordered key/value pairs.
pub type Dict = Vec<(Vec<u8>, Obj)>;

/// Maximum nesting of arrays and dictionaries.
pub const MAX_DEPTH: usize = 64;

impl Obj {
    /// Value of `key` if this is a dictionary.
    pub fn get(&self, key: &[u8]) -> Option<&Obj> {
        match self {
            Obj::Dict(d) => dict_get(d, key),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }
    pub fn is_name(&self, n: &[u8]) -> bool {
        self.as_name() == Some(n)
    }
}

/// Value of `key` in a dictionary.
pub fn dict_get<'a>(d: &'a Dict, key: &[u8]) -> Option<&'a Obj> {
    d.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

pub fn is_ws(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}
pub fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// The tokenizer/parser over a byte slice.
pub struct Lexer<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

fn hexval(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer { data, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// Skip whitespace and comments.
    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn literal(&mut self) -> Vec<u8> {
        // at '('
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v: u32 = (e - b'0') as u32;
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + (d - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        // at '<' (not '<<')
        self.pos += 1;
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            if let Some(v) = hexval(b) {
                match hi.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => hi = Some(v),
                }
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    fn name(&mut self) -> Vec<u8> {
        self.pos += 1; // '/'
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if is_ws(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
            if b == b'#' {
                let h = self.data.get(self.pos).copied().and_then(hexval);
                let l = self.data.get(self.pos + 1).copied().and_then(hexval);
                if let (Some(h), Some(l)) = (h, l) {
                    out.push(h << 4 | l);
                    self.pos += 2;
                    continue;
                }
            }
            out.push(b);
        }
        out
    }

    fn bare(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_ws(b) || is_delim(b) {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            // a stray delimiter such as ')' or '>' or '}': consume it
            self.pos += 1;
            return self.data.get(start..self.pos).unwrap_or(&[]);
        }
        self.data.get(start..self.pos).unwrap_or(&[])
    }

    /// Parse the next object; `None` at end of input. Keywords come back as [`Obj::Kw`];
    /// `]` and `>>` come back as `Kw(b"]")` / `Kw(b">>")`.
    pub fn next_obj(&mut self, depth: usize) -> Option<Obj> {
        self.skip_ws();
        let b = self.peek()?;
        let obj = match b {
            b'(' => Obj::Str(self.literal()),
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    if depth >= MAX_DEPTH {
                        return Some(Obj::Null);
                    }
                    Obj::Dict(self.dict_body(depth + 1))
                } else {
                    Obj::Str(self.hex())
                }
            }
            b'>' => {
                if self.data.get(self.pos + 1) == Some(&b'>') {
                    self.pos += 2;
                    Obj::Kw(b">>".to_vec())
                } else {
                    self.pos += 1;
                    Obj::Kw(b">".to_vec())
                }
            }
            b'[' => {
                self.pos += 1;
                if depth >= MAX_DEPTH {
                    return Some(Obj::Null);
                }
                Obj::Array(self.array_body(depth + 1))
            }
            b']' => {
                self.pos += 1;
                Obj::Kw(b"]".to_vec())
            }
            b'/' => Obj::Name(self.name()),
            _ => {
                let word = self.bare();
                match parse_number(word) {
                    Some(n) => {
                        // `int int R` reference?
                        if is_uint(word) {
                            let save = self.pos;
                            if let Some(r) = self.try_ref(n) {
                                return Some(r);
                            }
                            self.pos = save;
                        }
                        Obj::Num(n)
                    }
                    None => match word {
                        b"true" => Obj::Bool(true),
                        b"false" => Obj::Bool(false),
                        b"null" => Obj::Null,
                        _ => Obj::Kw(word.to_vec()),
                    },
                }
            }
        };
        Some(obj)
    }

    fn try_ref(&mut self, num: f64) -> Option<Obj> {
        self.skip_ws();
        let b = self.peek()?;
        if !b.is_ascii_digit() {
            return None;
        }
        let g = self.bare();
        if !is_uint(g) {
            return None;
        }
        let gen = parse_number(g)?;
        self.skip_ws();
        if self.peek() == Some(b'R') {
            let next = self.data.get(self.pos + 1).copied();
            if next.is_none_or(|c| is_ws(c) || is_delim(c)) {
                self.pos += 1;
                if num >= 0.0 && num <= u32::MAX as f64 && gen >= 0.0 && gen <= u16::MAX as f64 {
                    return Some(Obj::Ref(num as u32, gen as u16));
                }
                return Some(Obj::Null);
            }
        }
        None
    }

    fn array_body(&mut self, depth: usize) -> Vec<Obj> {
        let mut out = Vec::new();
        while let Some(o) = self.next_obj(depth) {
            match o {
                Obj::Kw(k) if k == b"]" => break,
                Obj::Kw(k) if k == b">>" || k == b"endobj" || k == b"stream" => break,
                o => out.push(o),
            }
        }
        out
    }

    fn dict_body(&mut self, depth: usize) -> Dict {
        let mut out = Vec::new();
        while let Some(k) = self.next_obj(depth) {
            match k {
                Obj::Kw(k) if k == b">>" => break,
                Obj::Kw(k) if k == b"endobj" || k == b"stream" => break,
                Obj::Name(key) => {
                    let save = self.pos;
                    match self.next_obj(depth) {
                        Some(Obj::Kw(k)) if k == b">>" => {
                            out.push((key, Obj::Null));
                            break;
                        }
                        Some(Obj::Kw(k)) if k == b"endobj" || k == b"stream" => {
                            self.pos = save;
                            break;
                        }
                        Some(v) => out.push((key, v)),
                        None => break,
                    }
                }
                _ => {}
            }
        }
        out
    }
}

fn is_uint(w: &[u8]) -> bool {
    !w.is_empty() && w.iter().all(|b| b.is_ascii_digit())
}

/// Parse a PDF number token.
pub fn parse_number(w: &[u8]) -> Option<f64> {
    if w.is_empty() || w.len() > 64 {
        return None;
    }
    let ok = w
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'));
    if !ok || !w.iter().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(n) = simple_number(w) {
        return Some(n);
    }
    let s = std::str::from_utf8(w).ok()?;
    // tolerate "--5" and "5-" style producer bugs
    let cleaned: String = {
        let mut c = String::new();
        for (i, ch) in s.chars().enumerate() {
            if (ch == '-' || ch == '+') && i > 0 {
                continue;
            }
            c.push(ch);
        }
        c
    };
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A number of the common form `[+-]digits[.digits]` with at most 15 digits, without
/// allocating: the digits as an integer (exact in an `f64`) divided by a power of ten (exact up
/// to 10^22), so the one rounding gives what parsing the text gives. `None` for anything else.
fn simple_number(w: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (neg, digits) = match w.first()? {
        b'-' => (true, &w[1..]),
        b'+' => (false, &w[1..]),
        _ => (false, w),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac: Option<usize> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => return None,
        }
        if count > 15 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    let v = mantissa as f64 / POW10.get(frac.unwrap_or(0)).copied()?;
    Some(if neg { -v } else { v })
}

/// Find `needle` in `hay` from `from`.
pub fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() {
        return None;
    }
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_fast_path_agrees_with_parsing() {
        for t in [
            "0",
            "12",
            "-3",
            "+4",
            ".5",
            "-.25",
            "5.",
            "1.2",
            "73.861",
            "-104.359",
            "0.00006",
            "123456789012345",
            "0.12345678901234",
            "007",
        ] {
            let slow: f64 = t.parse().unwrap();
            assert_eq!(simple_number(t.as_bytes()), Some(slow), "{t}");
            assert_eq!(parse_number(t.as_bytes()), Some(slow), "{t}");
        }
        for t in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e5",
            "--5",
            "5-",
            "1234567890123456",
        ] {
            assert_eq!(simple_number(t.as_bytes()), None, "{t}");
        }
        // the slow path still tolerates producer bugs and long numbers
        assert_eq!(parse_number(b"--5"), Some(-5.0));
        assert_eq!(parse_number(b"5-"), Some(5.0));
        assert_eq!(parse_number(b"1234567890123456"), Some(1234567890123456.0));
        assert_eq!(parse_number(b"1.2.3"), None);
    }
}
