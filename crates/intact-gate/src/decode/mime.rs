//! MIME (RFC 2045–2047, 2231): mail messages (`.eml`), MHT web archives, anything with a MIME
//! header. Headers are unfolded and their encoded words (`=?koi8-r?B?...?=`, `=?utf-8?Q?...?=`)
//! decoded; multipart bodies are split at their boundaries, recursively (`message/rfc822`
//! too); each leaf part's base64 or quoted-printable body is decoded and, for text parts, read
//! in its declared charset. What to do with each part is the caller's: the gate scans every
//! part as a file of its own type.
//!
//! Hand-written rather than a mail crate: only this subset is needed, and every step here is
//! bounded by the gate's limits (parts, nesting, decoded bytes).

use super::codepage;

/// One leaf part of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Where it is: `part 2.1`.
    pub label: String,
    /// Its file name (`filename` of Content-Disposition, or `name` of Content-Type), decoded.
    pub name: Option<String>,
    /// Its media type, lower case (`text/plain` when none is given).
    pub media_type: String,
    /// Its content, transfer encoding removed; text parts re-encoded as UTF-8 from their charset.
    pub body: Vec<u8>,
}

/// A decoded message: every header (decoded) of every level, and every leaf part.
#[derive(Debug, Default)]
pub struct Message {
    /// (label, header name, decoded value).
    pub headers: Vec<(String, String, String)>,
    /// The leaf parts.
    pub parts: Vec<Part>,
    /// Decoded bytes in total.
    pub decoded_bytes: u64,
    /// Whether a bound stopped the decoding (parts, nesting or bytes).
    pub truncated: bool,
}

/// Header names that make a text a MIME message.
const MIME_HEADERS: [&str; 11] = [
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "from",
    "to",
    "subject",
    "received",
    "return-path",
    "message-id",
    "date",
    "content-location",
];

/// Whether `d` starts with a MIME header block: header lines (`Name: value`) up to an empty
/// line, at least two of them, one a message or MIME header.
pub fn looks_like_mime(d: &[u8]) -> bool {
    let head = &d[..d.len().min(64 << 10)];
    let (block, _) = split_head(head);
    let mut known = 0;
    let mut lines = 0;
    for line in block.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
            return false;
        }
        lines += 1;
        let n = String::from_utf8_lossy(name).to_ascii_lowercase();
        if MIME_HEADERS.contains(&n.as_str()) {
            known += 1;
        }
    }
    lines >= 2 && known >= 1
}

/// The messages of a text: an mbox file (each message after a `From ` line) gives each message
/// without its `From ` line; anything else is one message.
pub fn messages(d: &[u8]) -> Vec<&[u8]> {
    if !d.starts_with(b"From ") {
        return vec![d];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let finder = memchr::memmem::Finder::new(b"\nFrom ");
    loop {
        let from_line_end = memchr::memchr(b'\n', &d[start..]).map_or(d.len(), |k| start + k + 1);
        match finder.find(&d[from_line_end..]) {
            Some(k) => {
                out.push(&d[from_line_end..from_line_end + k + 1]);
                start = from_line_end + k + 1;
            }
            None => {
                out.push(&d[from_line_end..]);
                return out;
            }
        }
    }
}

/// Header block and body: split at the first empty line.
fn split_head(d: &[u8]) -> (&[u8], &[u8]) {
    let mut i = 0;
    while i < d.len() {
        let nl = match memchr::memchr(b'\n', &d[i..]) {
            Some(k) => i + k,
            None => return (d, &[]),
        };
        let next = nl + 1;
        let rest = &d[next..];
        if rest.starts_with(b"\r\n") {
            return (&d[..next], &rest[2..]);
        }
        if rest.starts_with(b"\n") {
            return (&d[..next], &rest[1..]);
        }
        i = next;
    }
    (d, &[])
}

/// Unfolded header lines: (name, raw value).
fn headers(block: &[u8]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = String::from_utf8_lossy(line);
        if line.first().is_some_and(|&b| b == b' ' || b == b'\t') {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(text.trim());
            }
        } else if let Some((n, v)) = text.split_once(':') {
            out.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    out
}

/// Decode base64, skipping every character outside the alphabet (line breaks, padding).
pub fn base64(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Decode quoted-printable (`=XX`, soft line breaks); `underscore` is RFC 2047's Q encoding.
pub fn quoted_printable(s: &[u8], underscore: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'=' => {
                let hex = s.get(i + 1..i + 3).unwrap_or(&[]);
                if let Some(b) = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    out.push(b);
                    i += 3;
                } else if s.get(i + 1) == Some(&b'\n') {
                    i += 2;
                } else if s.get(i + 1..i + 3) == Some(b"\r\n") {
                    i += 3;
                } else {
                    out.push(b'=');
                    i += 1;
                }
            }
            b'_' if underscore => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Text in `charset` (UTF-8 lossy when the label is unknown).
fn in_charset(charset: Option<&str>, b: &[u8]) -> String {
    match charset.and_then(codepage::for_label) {
        Some(enc) => codepage::decode_in(enc, b),
        None => String::from_utf8_lossy(b).into_owned(),
    }
}

/// A header value with its RFC 2047 encoded words decoded (whitespace between two adjacent
/// encoded words dropped).
pub fn decode_words(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let word = rest[start + 2..].splitn(3, '?').collect::<Vec<_>>();
        let decoded = (word.len() == 3)
            .then(|| {
                let (cs, enc, tail) = (word[0], word[1], word[2]);
                let end = tail.find("?=")?;
                let data = &tail.as_bytes()[..end];
                let bytes = match enc {
                    "B" | "b" => base64(data),
                    "Q" | "q" => quoted_printable(data, true),
                    _ => return None,
                };
                let consumed = start + 2 + cs.len() + 1 + enc.len() + 1 + end + 2;
                // RFC 2231 language suffix: charset*lang
                let cs = cs.split('*').next().unwrap_or(cs);
                Some((in_charset(Some(cs), &bytes), consumed))
            })
            .flatten();
        match decoded {
            Some((text, consumed)) => {
                let between = &rest[..start];
                if !(last_was_word && between.trim().is_empty()) {
                    out.push_str(between);
                }
                out.push_str(&text);
                rest = rest.get(consumed..).unwrap_or("");
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A parameter of a structured header (`boundary`, `charset`, `filename`...), with RFC 2231
/// extended values (`filename*=utf-8''Zarifa%20Q.docx`) and continuations joined.
fn param(v: &str, key: &str) -> Option<String> {
    let mut plain: Option<String> = None;
    let mut extended = String::new();
    for item in v.split(';').skip(1) {
        let Some((k, val)) = item.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let val = val.trim().trim_matches('"').to_string();
        if k == key {
            plain = Some(val);
        } else if let Some(rest) = k.strip_prefix(key).and_then(|r| r.strip_prefix('*')) {
            let encoded = rest.ends_with('*') || rest.is_empty();
            let piece = if encoded {
                let body = val.splitn(3, '\'').last().unwrap_or(&val).to_string();
                let cs = val
                    .split('\'')
                    .next()
                    .filter(|_| val.matches('\'').count() >= 2);
                let bytes: Vec<u8> = super::escapes::percent(&body.replace('+', "%2B"))
                    .into_iter()
                    .next()
                    .map(String::into_bytes)
                    .unwrap_or_else(|| body.clone().into_bytes());
                in_charset(cs.or(Some("utf-8")), &bytes)
            } else {
                val
            };
            extended.push_str(&piece);
        }
    }
    if !extended.is_empty() {
        return Some(extended);
    }
    plain.map(|p| decode_words(&p))
}

struct Bounds {
    parts_left: usize,
    bytes_left: u64,
}

/// Parse a MIME message within `max_parts` leaf parts and `max_bytes` decoded bytes.
pub fn parse(d: &[u8], max_parts: usize, max_bytes: u64) -> Message {
    let mut m = Message::default();
    let mut b = Bounds {
        parts_left: max_parts,
        bytes_left: max_bytes,
    };
    entity(d, "part 1", 0, &mut b, &mut m);
    m.decoded_bytes = max_bytes - b.bytes_left;
    m
}

/// How deep multiparts and attached messages are followed.
const MAX_DEPTH: u32 = 16;

/// One entity (headers and body) at `label`.
fn entity(d: &[u8], label: &str, depth: u32, b: &mut Bounds, m: &mut Message) {
    let (head, body) = split_head(d);
    let hs = headers(head);
    let get = |n: &str| hs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    for (k, v) in &hs {
        m.headers
            .push((label.to_string(), k.clone(), decode_words(v)));
    }
    let ctype = get("content-type").unwrap_or("text/plain");
    let media = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if depth < MAX_DEPTH {
        if let (true, Some(boundary)) = (media.starts_with("multipart/"), param(ctype, "boundary"))
        {
            for (k, p) in split_multipart(body, &boundary).into_iter().enumerate() {
                entity(p, &format!("{label}.{}", k + 1), depth + 1, b, m);
            }
            return;
        }
        if media == "message/rfc822" {
            entity(body, &format!("{label} (message)"), depth + 1, b, m);
            return;
        }
    } else if media.starts_with("multipart/") || media == "message/rfc822" {
        m.truncated = true;
    }
    if b.parts_left == 0 {
        m.truncated = true;
        return;
    }
    b.parts_left -= 1;
    let cte = get("content-transfer-encoding")
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let mut raw = match cte.as_str() {
        "base64" => base64(body),
        "quoted-printable" => quoted_printable(body, false),
        _ => body.to_vec(),
    };
    let charset = param(ctype, "charset");
    if media.starts_with("text/") {
        if let Some(enc) = charset.as_deref().and_then(codepage::for_label) {
            raw = codepage::decode_in(enc, &raw).into_bytes();
        }
    }
    if raw.len() as u64 > b.bytes_left {
        m.truncated = true;
        raw.truncate(b.bytes_left as usize);
    }
    b.bytes_left -= raw.len() as u64;
    let name = get("content-disposition")
        .and_then(|v| param(v, "filename"))
        .or_else(|| param(ctype, "name"))
        .or_else(|| get("content-location").map(decode_words));
    m.parts.push(Part {
        label: label.to_string(),
        name,
        media_type: media,
        body: raw,
    });
}

/// The parts of a multipart body between `--boundary` lines (preamble and epilogue dropped).
fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Vec<&'a [u8]> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut starts = Vec::new();
    let mut pos = 0;
    let finder = memchr::memmem::Finder::new(delim);
    while let Some(k) = finder.find(&body[pos..]) {
        let at = pos + k;
        let at_line_start = at == 0 || body[at - 1] == b'\n';
        pos = at + delim.len();
        if !at_line_start {
            continue;
        }
        let closing = body[pos..].starts_with(b"--");
        starts.push((at, pos, closing));
        if closing {
            break;
        }
    }
    let mut out = Vec::new();
    for w in starts.windows(2) {
        let (_, after, closing) = w[0];
        if closing {
            break;
        }
        let (next_at, _, _) = w[1];
        let mut s = &body[after..next_at];
        // the rest of the delimiter line, and the line break before the next delimiter
        s = match memchr::memchr(b'\n', s) {
            Some(nl) => &s[nl + 1..],
            None => &[],
        };
        let s = s.strip_suffix(b"\n").unwrap_or(s);
        out.push(s.strip_suffix(b"\r").unwrap_or(s));
    }
    // an unterminated last part runs to the end
    if let Some(&(_, after, false)) = starts.last() {
        let s = &body[after..];
        out.push(match memchr::memchr(b'\n', s) {
            Some(nl) => &s[nl + 1..],
            None => &[],
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From: =?koi8-r?B?+sHSycbB?= =?utf-8?Q?Qurbanl=C4=B1?= <z@example.org>\r\n\
To: a@example.org\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
preamble\r\n\
--b1\r\n\
Content-Type: text/plain; charset=windows-1251\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
=C7=E0=F0=E8=F4=E0 Te=\r\nstova\r\n\
--b1\r\n\
Content-Type: application/octet-stream; name=\"x.bin\"\r\n\
Content-Disposition: attachment; filename*=utf-8''Zarifa%20Q.docx\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
UEsDBA==\r\n\
--b1--\r\n\
epilogue\r\n";

    #[test]
    fn headers_parts_and_encodings() {
        assert!(looks_like_mime(MAIL.as_bytes()));
        let m = parse(MAIL.as_bytes(), 100, 1 << 20);
        let from = &m.headers.iter().find(|h| h.1 == "from").unwrap().2;
        assert_eq!(from, "ЗарифаQurbanlı <z@example.org>");
        // a language suffix on the charset (RFC 2231), then more text
        assert_eq!(
            decode_words("=?utf-8*az?Q?Qurbanl=C4=B1?= Testova"),
            "Qurbanlı Testova"
        );
        assert_eq!(m.parts.len(), 2, "{:?}", m.parts);
        assert_eq!(String::from_utf8_lossy(&m.parts[0].body), "Зарифа Testova");
        assert_eq!(m.parts[1].body, b"PK\x03\x04");
        assert_eq!(m.parts[1].name.as_deref(), Some("Zarifa Q.docx"));
        assert_eq!(m.parts[1].label, "part 1.2");
        assert!(!m.truncated);
    }

    #[test]
    fn bounds_hold() {
        let m = parse(MAIL.as_bytes(), 1, 1 << 20);
        assert_eq!(m.parts.len(), 1);
        assert!(m.truncated);
        let m = parse(MAIL.as_bytes(), 100, 4);
        assert!(m.truncated);
        assert!(m.decoded_bytes <= 4);
        // nested multiparts beyond the depth bound
        let mut deep = String::new();
        for k in 0..40 {
            deep.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{k}\n\n--b{k}\n"
            ));
        }
        let m = parse(deep.as_bytes(), 100, 1 << 20);
        assert!(m.truncated);
    }

    #[test]
    fn mbox_is_split_into_messages() {
        let mbox = b"From a@example.org Tue Dec  1 12:00:00 2026\nFrom: a@example.org\nSubject: x\n\nbody 1\n\nFrom b@example.org Tue Dec  1 12:01:00 2026\nFrom: b@example.org\nTo: c@example.org\n\nbody 2\n";
        let m = messages(mbox);
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|x| looks_like_mime(x)));
        assert!(m[1].ends_with(b"body 2\n"));
        assert_eq!(messages(b"plain").len(), 1);
        assert_eq!(messages(b"From x").len(), 1);
    }

    #[test]
    fn plain_text_is_not_mime() {
        assert!(!looks_like_mime(
            b"Dear colleague,\n\nthe file is attached.\n"
        ));
        assert!(!looks_like_mime(b"Note: one line only\n\nbody"));
        assert!(looks_like_mime(
            b"MIME-Version: 1.0\nContent-Type: text/html\n\n<p>x</p>"
        ));
    }
}
