//! Canonical JSON (RFC 8785, JCS): the byte form of `manifest.json`, `release.json` and item
//! records, so that a digest or a signature over them is well defined.

use serde::Serialize;

/// The largest integer a document of the format holds, 2^53 − 1 (FORMAT.md §6): RFC 8785
/// canonicalizes I-JSON (RFC 7493), whose numbers are IEEE 754 doubles, and the integers such a
/// number holds exactly, with its neighbours, are those of magnitude below 2^53.
pub const MAX_INTEGER: u64 = (1 << 53) - 1;

/// Serializes a value as RFC 8785 canonical JSON.
pub fn to_canonical<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_jcs::to_vec(value)
}

/// Whether `bytes` are exactly the canonical form of the JSON they contain (so no duplicate
/// keys, no insignificant whitespace, sorted keys, no trailing newline).
pub fn is_canonical(bytes: &[u8]) -> bool {
    // Most documents are canonical and use a simple subset of JSON: a single pass over the bytes
    // says yes for those (a manifest of 100,000 items is tens of MB). Anything outside the subset
    // goes the slow way: parse, re-serialize, compare.
    fast_is_canonical(bytes) || slow_is_canonical(bytes)
}

/// The two readings behind [`is_canonical`], for fuzzing and tests: (the one-pass check of the
/// canonical subset, parse-and-reserialize). The first may only say yes where the second does.
pub fn fast_and_slow(bytes: &[u8]) -> (bool, bool) {
    (fast_is_canonical(bytes), slow_is_canonical(bytes))
}

fn fast_is_canonical(bytes: &[u8]) -> bool {
    FastCheck::new(bytes).is_some_and(|mut c| c.document())
}

fn slow_is_canonical(bytes: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(v) => integers_in_range(&v) && to_canonical(&v).map(|c| c == bytes).unwrap_or(false),
        Err(_) => false,
    }
}

/// Whether every integer in `v` has a magnitude of at most [`MAX_INTEGER`] (numbers with a
/// fraction or an exponent are left to the serialization to judge).
fn integers_in_range(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u <= MAX_INTEGER,
            (None, Some(i)) => i.unsigned_abs() <= MAX_INTEGER,
            (None, None) => true,
        },
        Value::Array(a) => a.iter().all(integers_in_range),
        Value::Object(o) => o.values().all(integers_in_range),
        _ => true,
    }
}

/// Writes the canonical JSON (RFC 8785) of one object by hand, for the format's own records,
/// whose fields are strings, integers and nested objects of the same kind: what [`to_canonical`]
/// writes, without its generic machinery (an item record is serialized once per record on every
/// verify). The caller gives the keys in canonical order (byte order, which is UTF-16 order for
/// the ASCII keys of the format); an integer past [`MAX_INTEGER`] makes the object `None`, for
/// the caller to write it the generic way.
pub(crate) struct ObjectWriter<'o> {
    out: &'o mut Vec<u8>,
    last: Option<&'static str>,
}

impl<'o> ObjectWriter<'o> {
    /// Starts an object in `out`.
    pub(crate) fn open(out: &'o mut Vec<u8>) -> ObjectWriter<'o> {
        out.push(b'{');
        ObjectWriter { out, last: None }
    }

    /// Writes `key` and its colon (a comma before it unless it is the first), and returns the
    /// output for its value.
    pub(crate) fn key(&mut self, key: &'static str) -> &mut Vec<u8> {
        debug_assert!(self.last.is_none_or(|l| l < key), "{key} out of order");
        if self.last.is_some() {
            self.out.push(b',');
        }
        self.last = Some(key);
        write_string(self.out, key);
        self.out.push(b':');
        self.out
    }

    /// A string member, left out when `None`.
    pub(crate) fn string(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(v) = value {
            write_string(self.key(key), v);
        }
    }

    /// An integer member, left out when `None`; `None` back when it is past [`MAX_INTEGER`].
    pub(crate) fn integer(&mut self, key: &'static str, value: Option<u64>) -> Option<()> {
        match value {
            Some(n) if n > MAX_INTEGER => None,
            Some(n) => {
                let out = self.key(key);
                out.extend_from_slice(itoa_u64(n, &mut [0u8; 20]));
                Some(())
            }
            None => Some(()),
        }
    }

    /// An array of strings, left out when empty.
    pub(crate) fn strings(&mut self, key: &'static str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let out = self.key(key);
        out.push(b'[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_string(out, v);
        }
        out.push(b']');
    }

    /// Ends the object.
    pub(crate) fn close(self) {
        self.out.push(b'}');
    }
}

/// Bytes read as [`ObjectWriter`] writes them (see [`ObjectReader`]), valid UTF-8, from a
/// position.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// `None` when `bytes` are not UTF-8.
    pub(crate) fn new(bytes: &'a [u8]) -> Option<Cursor<'a>> {
        Some(Cursor {
            text: std::str::from_utf8(bytes).ok()?,
            pos: 0,
        })
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.text.len()
    }

    fn rest(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.pos..]
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.rest().first() == Some(&c);
        self.pos += usize::from(hit);
        hit
    }

    /// A string as [`write_string`] writes it, unescaped; `None` for any other spelling, and
    /// for `\u00xx` too (a control character without a short escape: rare enough to leave to
    /// the generic reader).
    fn string(&mut self) -> Option<String> {
        let rest = self.rest();
        if rest.first() != Some(&b'"') {
            return None;
        }
        let mut out = String::new();
        let mut i = 1;
        loop {
            let k = memchr::memchr2(b'"', b'\\', &rest[i..])?;
            // JSON has no raw control characters in a string.
            if rest[i..i + k].iter().any(|&b| b < 0x20) {
                return None;
            }
            // Both ends are next to an ASCII byte: character boundaries.
            out.push_str(&self.text[self.pos + i..self.pos + i + k]);
            i += k;
            if rest[i] == b'"' {
                self.pos += i + 1;
                return Some(out);
            }
            out.push(match rest.get(i + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            });
            i += 2;
        }
    }

    /// An integer as [`ObjectWriter::integer`] writes it: digits without a leading zero (but
    /// `0`), at most [`MAX_INTEGER`].
    fn integer(&mut self) -> Option<u64> {
        let rest = self.rest();
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || len > 16 || (rest[0] == b'0' && len > 1) {
            return None;
        }
        let n = rest[..len]
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        self.pos += len;
        (n <= MAX_INTEGER).then_some(n)
    }
}

/// Reads an object written exactly as [`ObjectWriter`] writes it, key by key in the order the
/// writer is given them: a member is there when the bytes go on with its key. Anything else —
/// another key or order, whitespace, `null`, an empty array, an escape JCS does not write (or
/// `\u00xx`), an integer past [`MAX_INTEGER`] or written otherwise — makes the reading `None`,
/// and the caller reads the bytes the generic way. What is read, written again by the writer,
/// is the same bytes.
pub(crate) struct ObjectReader<'c, 'a> {
    c: &'c mut Cursor<'a>,
    first: bool,
}

impl<'c, 'a> ObjectReader<'c, 'a> {
    /// Starts reading an object at `c`.
    pub(crate) fn open(c: &'c mut Cursor<'a>) -> Option<ObjectReader<'c, 'a>> {
        c.eat(b'\x7b').then_some(ObjectReader { c, first: true })
    }

    /// Whether `key` is the next member; if so its key and colon (and the comma before it)
    /// are read, and [`ObjectReader::value`] is at its value.
    pub(crate) fn key(&mut self, key: &'static str) -> bool {
        let rest = self.c.rest();
        let comma = usize::from(!self.first);
        let n = comma + key.len() + 3;
        let hit = rest.len() >= n
            && (self.first || rest[0] == b',')
            && rest[comma] == b'"'
            && rest[comma + 1..n - 2] == *key.as_bytes()
            && rest[n - 2..n] == *b"\":";
        if hit {
            self.c.pos += n;
            self.first = false;
        }
        hit
    }

    /// Where the value of the member whose key was just read is.
    pub(crate) fn value(&mut self) -> &mut Cursor<'a> {
        self.c
    }

    /// A string member: `Some(None)` when it is not next.
    pub(crate) fn string(&mut self, key: &'static str) -> Option<Option<String>> {
        match self.key(key) {
            true => self.c.string().map(Some),
            false => Some(None),
        }
    }

    /// An integer member: `Some(None)` when it is not next.
    pub(crate) fn integer(&mut self, key: &'static str) -> Option<Option<u64>> {
        match self.key(key) {
            true => self.c.integer().map(Some),
            false => Some(None),
        }
    }

    /// An array of strings, not empty (the writer leaves an empty one out): empty when it is
    /// not next.
    pub(crate) fn strings(&mut self, key: &'static str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        if !self.key(key) {
            return Some(out);
        }
        if !self.c.eat(b'[') {
            return None;
        }
        loop {
            out.push(self.c.string()?);
            if self.c.eat(b']') {
                return Some(out);
            }
            if !self.c.eat(b',') {
                return None;
            }
        }
    }

    /// Ends the object: nothing but its closing brace may follow the members read.
    pub(crate) fn close(self) -> Option<()> {
        self.c.eat(b'\x7d').then_some(())
    }
}

/// The decimal digits of `n`, written into `buf`.
fn itoa_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// A JSON string as RFC 8785 §3.2.2.2 writes it: `"` and `\` escaped, the control characters
/// U+0008, U+0009, U+000A, U+000C and U+000D as `\b`, `\t`, `\n`, `\f` and `\r`, the other
/// control characters as `\u00xx` (lowercase hex), and every other character as itself.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x09 => b"\\t",
            0x0a => b"\\n",
            0x0c => b"\\f",
            0x0d => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Nesting deeper than this is left to the slow path (serde_json refuses 128 levels).
const FAST_MAX_DEPTH: usize = 64;

/// Recognizes canonical JSON in a subset that is canonical by construction: no whitespace;
/// object keys plain ASCII without escapes, in strictly increasing byte order (which is UTF-16
/// order for ASCII, and rules out duplicates); strings with only the escapes JCS writes
/// (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`); integers up to 2^53 − 1 without leading
/// zeros or `-0`. It never says no: outside the subset, [`is_canonical`] decides the slow way.
pub(crate) struct FastCheck<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> FastCheck<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Option<FastCheck<'a>> {
        std::str::from_utf8(bytes).ok()?;
        Some(FastCheck { b: bytes, pos: 0 })
    }

    fn document(&mut self) -> bool {
        self.value(0) && self.pos == self.b.len()
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(crate) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    pub(crate) fn value(&mut self, depth: usize) -> bool {
        if depth > FAST_MAX_DEPTH {
            return false;
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().is_some(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            _ => false,
        }
    }

    /// A string; returns its raw bytes between the quotes, and whether it had escapes.
    pub(crate) fn string(&mut self) -> Option<(&'a [u8], bool)> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        let mut escaped = false;
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.pos += 1;
                    return Some((&self.b[start..self.pos - 1], escaped));
                }
                b'\\' => {
                    escaped = true;
                    match self.b.get(self.pos + 1)? {
                        b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
    }

    pub(crate) fn integer(&mut self) -> bool {
        let negative = self.eat(b'-');
        let digits = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        let text = &self.b[digits..self.pos];
        if text.is_empty() || text.len() > 16 || (text[0] == b'0' && (text.len() > 1 || negative)) {
            return false;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return false;
        }
        let n: u64 = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(u64::MAX);
        n <= MAX_INTEGER
    }

    fn array(&mut self, depth: usize) -> bool {
        self.pos += 1;
        if self.eat(b']') {
            return true;
        }
        loop {
            if !self.value(depth + 1) {
                return false;
            }
            if self.eat(b']') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }

    fn object(&mut self, depth: usize) -> bool {
        self.pos += 1;
        if self.eat(b'}') {
            return true;
        }
        let mut last: Option<&[u8]> = None;
        loop {
            let Some((key, escaped)) = self.string() else {
                return false;
            };
            if escaped || !key.is_ascii() || last.is_some_and(|l| l >= key) {
                return false;
            }
            last = Some(key);
            if !self.eat(b':') || !self.value(depth + 1) {
                return false;
            }
            if self.eat(b'}') {
                return true;
            }
            if !self.eat(b',') {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_keys_no_whitespace() {
        let v = serde_json::json!({"b": 1, "a": [true, null, "x"]});
        assert_eq!(to_canonical(&v).unwrap(), br#"{"a":[true,null,"x"],"b":1}"#);
    }

    #[test]
    fn rejects_non_canonical_forms() {
        assert!(is_canonical(br#"{"a":1,"b":2}"#));
        assert!(!is_canonical(br#"{"b":2,"a":1}"#));
        assert!(!is_canonical(br#"{"a": 1}"#));
        assert!(!is_canonical(b"{\"a\":1}\n"));
        assert!(!is_canonical(br#"{"a":1,"a":1}"#));
        assert!(!is_canonical(b"not json"));
    }

    #[test]
    fn integers_past_2_pow_53_are_not_canonical() {
        // RFC 8785 canonicalizes I-JSON (RFC 7493 §2.2): integers within ±(2^53 − 1)
        // (FORMAT.md §6). 2^53 + 1 has no double at all; 2^53 and 2^53 + 2 are not safe.
        assert!(is_canonical(br#"{"a":9007199254740991}"#));
        assert!(is_canonical(br#"{"a":-9007199254740991}"#));
        for d in [
            &br#"{"a":9007199254740992}"#[..],
            br#"{"a":-9007199254740992}"#,
            br#"{"a":9007199254740993}"#,
            br#"{"a":18446744073709551615}"#,
            br#"{"a":-9007199254740993}"#,
            br#"{"a":[1,{"b":9007199254740994}]}"#,
        ] {
            assert!(!is_canonical(d), "{}", String::from_utf8_lossy(d));
        }
    }

    #[test]
    fn fast_path_agrees_with_the_slow_path() {
        let docs: [&[u8]; 16] = [
            br#"{"a":[true,null,"x"],"b":1}"#,
            br#"{"a":-12,"b":[],"c":{}}"#,
            br#"{"a":"q\"\\\n\t"}"#,
            "{\"a\":\"caf\u{e9}\"}".as_bytes(),
            br#"{"a":9007199254740992}"#,
            br#"{"a":9007199254740993}"#,
            br#"{"a":1.5}"#,
            br#"{"a":-0}"#,
            br#"{"a":01}"#,
            br#"{"a":"\u0001"}"#,
            br#"{"a":"\/"}"#,
            br#"{"\u0061":1}"#,
            br#"{"b":1,"a":2}"#,
            br#"{"a":1,"a":1}"#,
            br#"[1,2,]"#,
            br#""x" "#,
        ];
        for d in docs {
            if fast_is_canonical(d) {
                assert!(slow_is_canonical(d), "{}", String::from_utf8_lossy(d));
            }
        }
        assert!(fast_is_canonical(docs[0]) && fast_is_canonical(docs[2]));
        assert!(!fast_is_canonical(docs[5]) && !fast_is_canonical(docs[12]));
        let big = serde_json::json!({"items": (0..100).map(|i| serde_json::json!({
            "id": format!("d/f{i}"), "size": i, "sha256": "ab", "meta": {"z": [1, "\t"], "a": null}
        })).collect::<Vec<_>>()});
        assert!(fast_is_canonical(&to_canonical(&big).unwrap()));
    }

    proptest::proptest! {
        #[test]
        fn fast_yes_implies_slow_yes(s in r#"[{}\[\]":,0-9ab\\nt -]{0,24}"#) {
            if fast_is_canonical(s.as_bytes()) {
                proptest::prop_assert!(slow_is_canonical(s.as_bytes()), "{}", s);
            }
        }
    }
}
