//! The `allowed_signers` file (docs/TRUST.md), read line by line exactly as OpenSSH 9.2p1's
//! `ssh-keygen -Y verify` reads it (sshsig.c `parse_principals_key_and_options` and
//! `sshsigopt_parse`, misc.c `strdelimw`, `opt_dequote` and `parse_absolute_time`, sshkey.c
//! `sshkey_read`): no more and no less. The one difference is what happens to a line
//! ssh-keygen cannot read: ssh-keygen prints an error and skips it, intact refuses the file
//! with the line's number (so the file means the same to both tools).

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use crate::release::NAMESPACE;
use crate::sshsig::{self, KeyKind};
use crate::trust::TrustError;

/// One `allowed_signers` line.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub line: usize,
    /// The principals field split at commas, as written (patterns included).
    pub principals: Vec<String>,
    pub cert_authority: bool,
    /// The `namespaces="…"` value, as written (no trimming).
    pub namespaces: Option<String>,
    pub valid_after: Option<OffsetDateTime>,
    pub valid_before: Option<OffsetDateTime>,
    /// The key type named on the line and the key's blob (what a signature's key is compared to).
    pub key_type: String,
    pub key_blob: Vec<u8>,
    pub kind: KeyKind,
}

impl AllowedSigner {
    /// The principal a valid signature is attributed to: the first one on the line.
    pub fn principal(&self) -> &str {
        self.principals.first().map(String::as_str).unwrap_or("")
    }

    /// Whether the line's `namespaces=` pattern list (if any) admits `intact-release`
    /// (OpenSSH's `match_pattern_list`).
    pub fn allows_namespace(&self) -> bool {
        self.namespaces
            .as_deref()
            .is_none_or(|list| match_pattern_list(NAMESPACE, list) == 1)
    }
}

/// A parsed `allowed_signers` file.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    pub path: PathBuf,
    pub signers: Vec<AllowedSigner>,
}

impl TrustPolicy {
    /// Reads and parses a policy file; a line ssh-keygen cannot read is an error.
    pub fn load(path: &Path) -> Result<TrustPolicy, TrustError> {
        let bytes = std::fs::read(path).map_err(|source| TrustError::Read {
            path: path.to_owned(),
            source,
        })?;
        // ssh-keygen reads bytes: text that is not UTF-8 (in a principal or a comment; keys
        // and options are ASCII) is read, not refused.
        TrustPolicy::parse(&String::from_utf8_lossy(&bytes), path)
    }

    /// Parses policy text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<TrustPolicy, TrustError> {
        let mut signers = Vec::new();
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let bad = |message: String| TrustError::Malformed {
                path: path.to_owned(),
                line: i + 1,
                message,
            };
            // ssh-keygen reads the line with its newline (`getline`), as a C string: a NUL
            // byte ends it.
            let line = raw.split('\0').next().unwrap_or("");
            if let Some(signer) = parse_line(line, i + 1).map_err(bad)? {
                signers.push(signer);
            }
        }
        if signers.is_empty() {
            return Err(TrustError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(TrustPolicy {
            path: path.to_owned(),
            signers,
        })
    }

    /// Distinct principals that may sign releases: Ed25519 keys (the only ones whose signatures
    /// count) on lines that admit `intact-release` and are not certificate authorities.
    pub fn release_principals(&self) -> Vec<String> {
        let mut p: Vec<String> = self
            .signers
            .iter()
            .filter(|s| !s.cert_authority && s.kind.is_ed25519() && s.allows_namespace())
            .map(|s| s.principal().to_owned())
            .collect();
        p.sort();
        p.dedup();
        p
    }
}

const WHITESPACE: &[u8] = b" \t\r\n";

/// `strdelimw`: the first token (a quoted part loses its quotes) and what follows it, past
/// whitespace; `None` for an unterminated quote or a line with one token and no end.
fn strdelimw(s: &str) -> Result<(String, &str), String> {
    let b = s.as_bytes();
    let Some(at) = b.iter().position(|c| WHITESPACE.contains(c) || *c == b'"') else {
        return Err("invalid line".into());
    };
    let skip = |from: usize| {
        let n = b[from..]
            .iter()
            .take_while(|c| WHITESPACE.contains(c))
            .count();
        &s[from + n..]
    };
    if b[at] == b'"' {
        let close = s[at + 1..]
            .find('"')
            .ok_or("invalid line (unterminated quote)")?;
        let token = format!("{}{}", &s[..at], &s[at + 1..at + 1 + close]);
        Ok((token, skip(at + 2 + close)))
    } else {
        Ok((s[..at].to_owned(), skip(at + 1)))
    }
}

/// `sshkey_read`: a key type name, blanks, a base64 key blob of that type; the rest of the line
/// is a comment. `None` where ssh-keygen fails.
pub(crate) fn read_key(s: &str) -> Option<(String, Vec<u8>, KeyKind)> {
    let blank = |c: char| c == ' ' || c == '\t';
    let type_end = s.find(blank)?;
    let name = &s[..type_end];
    let (kind, blob_name) = KeyKind::from_name(name)?;
    let rest = s[type_end..].trim_start_matches(blank);
    if rest.is_empty() {
        return None;
    }
    let b64 = &rest[..rest.find(blank).unwrap_or(rest.len())];
    let blob = sshsig::b64_pton(b64.as_bytes())?;
    if kind == KeyKind::Certificate {
        // A certificate never matches a plain key's signature: its type name is what is read.
        let mut t = blob.get(..4)?;
        let n = u32::from_be_bytes(t.try_into().ok()?) as usize;
        t = blob.get(4..4usize.checked_add(n)?)?;
        return (t == blob_name.as_bytes()).then(|| (name.to_owned(), blob, kind));
    }
    sshsig::parse_key_blob(&blob, Some(blob_name)).ok()?;
    Some((name.to_owned(), blob, kind))
}

/// `parse_principals_key_and_options` on one line (with its newline, if it has one): `None`
/// for a blank or comment line.
fn parse_line(line: &str, n: usize) -> Result<Option<AllowedSigner>, String> {
    let cp = line.trim_start_matches([' ', '\t']);
    if cp.starts_with('#') {
        return Ok(None);
    }
    if cp.bytes().all(|c| WHITESPACE.contains(&c)) {
        // ssh-keygen reports "missing key" for such a line and reads on: it holds nothing.
        return Ok(None);
    }
    let (principals, cp) = strdelimw(cp)?;
    let (options, key) = match read_key(cp) {
        Some(key) => (None, key),
        None => {
            let end = options_end(cp)?;
            if end == cp.len() {
                return Err("missing key".into());
            }
            let key = read_key(cp[end + 1..].trim_start_matches([' ', '\t']))
                .ok_or("invalid key (unknown key type, bad base64 or a malformed key)")?;
            (Some(&cp[..end]), key)
        }
    };
    let opts = parse_options(options.unwrap_or(""))?;
    Ok(Some(AllowedSigner {
        line: n,
        principals: principals.split(',').map(str::to_owned).collect(),
        cert_authority: opts.cert_authority,
        namespaces: opts.namespaces,
        valid_after: opts.valid_after,
        valid_before: opts.valid_before,
        key_type: key.0,
        key_blob: key.1,
        kind: key.2,
    }))
}

/// `sshkey_advance_past_options`: the end of the options field (a blank outside quotes, `\"`
/// escaping a quote, or the end of the line).
fn options_end(s: &str) -> Result<usize, String> {
    let b = s.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < b.len() && (quoted || (b[i] != b' ' && b[i] != b'\t')) {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'"') {
            i += 1;
        } else if b[i] == b'"' {
            quoted = !quoted;
        }
        i += 1;
    }
    if i >= b.len() && quoted {
        return Err("invalid options (unterminated quote)".into());
    }
    Ok(i.min(b.len()))
}

#[derive(Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<OffsetDateTime>,
    valid_before: Option<OffsetDateTime>,
}

/// Case-insensitive `strncasecmp(s, prefix)`: the rest after `prefix`.
fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `opt_dequote`: a double-quoted value (`\"` is a quote), and what follows it.
fn dequote(s: &str) -> Result<(String, &str), String> {
    let s = s.strip_prefix('"').ok_or("missing start quote")?;
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' if chars.peek().is_some_and(|(_, n)| *n == '"') => {
                out.push('"');
                chars.next();
            }
            c => out.push(c),
        }
    }
    Err("missing end quote".into())
}

/// `sshsigopt_parse`: `cert-authority`, `namespaces="…"`, `valid-after="…"`,
/// `valid-before="…"`, comma-separated, names in any case; anything else refused.
fn parse_options(mut opts: &str) -> Result<Options, String> {
    let mut out = Options::default();
    while !opts.is_empty() {
        if let Some(rest) = strip_ci(opts, "cert-authority") {
            out.cert_authority = true;
            opts = rest;
        } else if let Some(rest) = strip_ci(opts, "namespaces=") {
            if out.namespaces.is_some() {
                return Err("bad options: multiple \"namespaces\" clauses".into());
            }
            let (v, rest) = dequote(rest).map_err(|e| format!("bad options: {e}"))?;
            out.namespaces = Some(v);
            opts = rest;
        } else if let Some(rest) = strip_ci(opts, "valid-after=") {
            (out.valid_after, opts) = time_option("valid-after", out.valid_after, rest)?;
        } else if let Some(rest) = strip_ci(opts, "valid-before=") {
            (out.valid_before, opts) = time_option("valid-before", out.valid_before, rest)?;
        }
        if opts.is_empty() {
            break;
        }
        opts = opts
            .strip_prefix(',')
            .ok_or("bad options: unknown key option")?;
        if opts.is_empty() {
            return Err("bad options: unexpected end-of-options".into());
        }
    }
    if let (Some(a), Some(b)) = (out.valid_after, out.valid_before) {
        if b <= a {
            return Err("bad options: \"valid-before\" time is before \"valid-after\"".into());
        }
    }
    Ok(out)
}

type TimeAndRest<'a> = (Option<OffsetDateTime>, &'a str);

fn time_option<'a>(
    what: &str,
    seen: Option<OffsetDateTime>,
    rest: &'a str,
) -> Result<TimeAndRest<'a>, String> {
    if seen.is_some() {
        return Err(format!("bad options: multiple \"{what}\" clauses"));
    }
    let (v, rest) = dequote(rest).map_err(|e| format!("bad options: {e}"))?;
    let t = parse_ssh_time(&v).map_err(|e| format!("bad options: {what} \"{v}\": {e}"))?;
    Ok((Some(t), rest))
}

/// `parse_absolute_time` for a time in UTC: `YYYYMMDD[HHMM[SS]]` then `Z` or `UTC` (any case).
/// As glibc's `strptime` reads the fields, each may start with blanks, day 31 of a shorter month
/// runs into the next and second 60 or 61 into the next minute (`timegm`); times before 1970-01-01
/// 00:00:01 are refused. A time without `Z`/`UTC` is local time to ssh-keygen, so it means
/// different things on different machines: intact refuses it.
pub fn parse_ssh_time(s: &str) -> Result<OffsetDateTime, String> {
    let (b, l) = (s.as_bytes(), s.len());
    let digits = if l > 1 && b[l - 1].eq_ignore_ascii_case(&b'z') {
        &s[..l - 1]
    } else if l > 3 && b[l - 3..].eq_ignore_ascii_case(b"utc") {
        &s[..l - 3]
    } else {
        return Err(
            "no Z: ssh-keygen reads it as local time; write the time in UTC with a Z".into(),
        );
    };
    let bad = || "not YYYYMMDD[HHMM[SS]]Z".to_string();
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.is_ascii() {
        return Err(bad());
    }
    // One strptime field: blanks, then digits to the end of the field.
    let field = |a: usize, b: usize, lo: i64, hi: i64| -> Result<i64, String> {
        let f = digits[a..b].trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
        if f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let v: i64 = f.parse().map_err(|_| bad())?;
        (lo..=hi).contains(&v).then_some(v).ok_or_else(bad)
    };
    let year = field(0, 4, 0, 9999)?;
    let month = field(4, 6, 1, 12)?;
    let day = field(6, 8, 1, 31)?;
    let (h, m, sec) = match digits.len() {
        8 => (0, 0, 0),
        12 => (field(8, 10, 0, 23)?, field(10, 12, 0, 59)?, 0),
        _ => (
            field(8, 10, 0, 23)?,
            field(10, 12, 0, 59)?,
            field(12, 14, 0, 61)?,
        ),
    };
    let month = time::Month::try_from(month as u8).map_err(|_| bad())?;
    let first = time::Date::from_calendar_date(year as i32, month, 1).map_err(|_| bad())?;
    let t = first.midnight().assume_utc()
        + time::Duration::days(day - 1)
        + time::Duration::seconds(h * 3600 + m * 60 + sec);
    if t.unix_timestamp() <= 0 {
        return Err("before 1970-01-01T00:00:01Z".into());
    }
    Ok(t)
}

/// OpenSSH's `match_pattern_list` (match.c): 1 if a pattern matches and no `!pattern` does, -1
/// if a `!pattern` matches, 0 otherwise (also for a pattern of 1023 bytes or more).
pub fn match_pattern_list(s: &str, list: &str) -> i32 {
    let mut positive = 0;
    for sub in list.split(',') {
        let (negated, pat) = match sub.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, sub),
        };
        if pat.len() >= 1023 {
            return 0;
        }
        if pattern_match(pat.as_bytes(), s.as_bytes()) {
            if negated {
                return -1;
            }
            positive = 1;
        }
    }
    positive
}

/// `*` and `?` wildcards (match.c `match_pattern`), in O(pattern × string).
fn pattern_match(p: &[u8], s: &[u8]) -> bool {
    // row[j]: whether p[..i] matches s[..j].
    let mut row = vec![false; s.len() + 1];
    row[0] = true;
    for &c in p {
        let mut next = vec![false; s.len() + 1];
        for j in 0..=s.len() {
            next[j] = match c {
                b'*' => row[j] || (j > 0 && next[j - 1]),
                b'?' => j > 0 && row[j - 1],
                c => j > 0 && row[j - 1] && s[j - 1] == c,
            };
        }
        row = next;
    }
    row[s.len()]
}

#[cfg(test)]
mod tests;
