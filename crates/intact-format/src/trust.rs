//! Trust policy (docs/TRUST.md): an OpenSSH `allowed_signers` file, a revocation list, and the
//! evaluation of one release signature against them.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ssh_key::{Algorithm, PublicKey};
use time::OffsetDateTime;

use crate::release::NAMESPACE;
use crate::sign;

/// A policy or revocation file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: no signer in the policy")]
    Empty { path: PathBuf },
}

/// One `allowed_signers` line.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    pub line: usize,
    pub principals: Vec<String>,
    pub cert_authority: bool,
    pub namespaces: Option<Vec<String>>,
    pub valid_after: Option<OffsetDateTime>,
    pub valid_before: Option<OffsetDateTime>,
    pub key: PublicKey,
}

impl AllowedSigner {
    /// The principal a valid signature is attributed to: the first one on the line.
    pub fn principal(&self) -> &str {
        self.principals.first().map(String::as_str).unwrap_or("")
    }

    /// Whether the line's `namespaces=` pattern list (if any) admits `intact-release`, as
    /// OpenSSH's `match_pattern_list` does: a matching `!pattern` denies, else any match allows.
    fn allows_namespace(&self) -> bool {
        match &self.namespaces {
            None => true,
            Some(list) => {
                if list
                    .iter()
                    .filter_map(|n| n.strip_prefix('!'))
                    .any(|n| pattern_match(n, NAMESPACE))
                {
                    return false;
                }
                list.iter()
                    .filter(|n| !n.starts_with('!'))
                    .any(|n| pattern_match(n, NAMESPACE))
            }
        }
    }
}

/// A parsed `allowed_signers` file.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    pub path: PathBuf,
    pub signers: Vec<AllowedSigner>,
}

impl TrustPolicy {
    /// Reads and parses a policy file; any unreadable line is an error (never skipped).
    pub fn load(path: &Path) -> Result<TrustPolicy, TrustError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrustError::Read {
            path: path.to_owned(),
            source,
        })?;
        TrustPolicy::parse(&text, path)
    }

    /// Parses policy text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<TrustPolicy, TrustError> {
        let mut signers = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let signer = parse_line(line, i + 1).map_err(|message| TrustError::Malformed {
                path: path.to_owned(),
                line: i + 1,
                message,
            })?;
            signers.push(signer);
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

    /// Distinct principals that may sign releases (lines that name `intact-release` or no
    /// namespace, and are not certificate authorities).
    pub fn release_principals(&self) -> Vec<String> {
        let mut p: Vec<String> = self
            .signers
            .iter()
            .filter(|s| !s.cert_authority && s.allows_namespace())
            .map(|s| s.principal().to_owned())
            .collect();
        p.sort();
        p.dedup();
        p
    }
}

/// Splits on unquoted whitespace, keeping quotes in the tokens.
fn tokens(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

fn is_key_type(s: &str) -> bool {
    s.starts_with("ssh-")
        || s.starts_with("sk-")
        || s.starts_with("ecdsa-")
        || s.starts_with("rsa-")
}

/// Splits an option list on commas outside quotes.
fn split_options(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// `YYYYMMDD[HHMM[SS]][Z]`, as `allowed_signers` writes times; read as UTC (docs/TRUST.md).
pub fn parse_ssh_time(s: &str) -> Option<OffsetDateTime> {
    let s = s.strip_suffix('Z').unwrap_or(s);
    if !s.bytes().all(|b| b.is_ascii_digit()) || !matches!(s.len(), 8 | 12 | 14) {
        return None;
    }
    let n = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<u32>().ok());
    let month = time::Month::try_from(n(4, 6)? as u8).ok()?;
    let date = time::Date::from_calendar_date(n(0, 4)? as i32, month, n(6, 8)? as u8).ok()?;
    let (h, m, sec) = match s.len() {
        8 => (0, 0, 0),
        12 => (n(8, 10)?, n(10, 12)?, 0),
        _ => (n(8, 10)?, n(10, 12)?, n(12, 14)?),
    };
    let t = time::Time::from_hms(h as u8, m as u8, sec as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc())
}

fn parse_line(line: &str, n: usize) -> Result<AllowedSigner, String> {
    let toks = tokens(line)?;
    if toks.len() < 3 {
        return Err("expected 'principals [options] key-type base64-key'".into());
    }
    let principals: Vec<String> = unquote(&toks[0])
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if principals.is_empty() {
        return Err("no principal".into());
    }
    let mut idx = 1;
    let mut signer_opts = (false, None, None, None);
    if !is_key_type(&toks[1]) {
        for opt in split_options(&toks[1]) {
            let (name, value) = match opt.split_once('=') {
                Some((k, v)) => {
                    let k = k.to_ascii_lowercase();
                    // ssh-keygen skips a line whose value is not in double quotes: refuse it
                    // here, so the file means the same to both tools.
                    if v.len() < 2 || !v.starts_with('"') || !v.ends_with('"') {
                        return Err(format!(
                            "the value of {k}= must be in double quotes, as ssh-keygen requires \
                             ({k}=\"{}\")",
                            unquote(v)
                        ));
                    }
                    (k, Some(unquote(v).to_owned()))
                }
                None => (opt.to_ascii_lowercase(), None),
            };
            let time = |what: &str, v: &str| {
                if !v.ends_with('Z') {
                    return Err(format!(
                        "{what} time '{v}' has no Z: ssh-keygen would read it as local time, \
                         intact as UTC; write \"{v}Z\""
                    ));
                }
                parse_ssh_time(v)
                    .ok_or_else(|| format!("bad {what} time '{v}' (YYYYMMDD[HHMM[SS]]Z)"))
            };
            match (name.as_str(), value) {
                ("cert-authority", None) => signer_opts.0 = true,
                ("namespaces", Some(v)) => {
                    signer_opts.1 = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
                }
                ("valid-after", Some(v)) => signer_opts.2 = Some(time("valid-after", &v)?),
                ("valid-before", Some(v)) => signer_opts.3 = Some(time("valid-before", &v)?),
                (other, _) => return Err(format!("unknown or malformed option '{other}'")),
            }
        }
        idx = 2;
    }
    let key_type = toks.get(idx).ok_or("missing key type")?;
    let key_b64 = toks.get(idx + 1).ok_or("missing key")?;
    let key = PublicKey::from_openssh(&format!("{key_type} {key_b64}"))
        .map_err(|e| format!("unreadable {key_type} key: {e}"))?;
    let _ = n;
    Ok(AllowedSigner {
        line: n,
        principals,
        cert_authority: signer_opts.0,
        namespaces: signer_opts.1,
        valid_after: signer_opts.2,
        valid_before: signer_opts.3,
        key,
    })
}

/// `*` and `?` wildcards, as OpenSSH patterns use them.
fn pattern_match(pattern: &str, s: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some(('?', rest)) => !s.is_empty() && go(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = s.chars().collect();
    go(&p, &s)
}

/// One revoked key.
#[derive(Debug, Clone)]
pub struct Revocation {
    pub line: usize,
    /// `SHA256:…` fingerprint of the revoked key.
    pub fingerprint: String,
    /// Signatures on releases created at or after this time do not count; `None`: never count.
    pub from: Option<OffsetDateTime>,
    pub reason: String,
}

/// A revocation list (docs/TRUST.md): one key per line, as a `.pub` line or a `SHA256:…`
/// fingerprint, then optionally a date (`YYYY-MM-DD` or RFC 3339), then a free-text reason.
#[derive(Debug, Clone, Default)]
pub struct Revocations {
    pub entries: Vec<Revocation>,
}

impl Revocations {
    /// Reads a revocation list; any unreadable line is an error.
    pub fn load(path: &Path) -> Result<Revocations, TrustError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrustError::Read {
            path: path.to_owned(),
            source,
        })?;
        Revocations::parse(&text, path)
    }

    /// Parses revocation text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Revocations, TrustError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: String| TrustError::Malformed {
                path: path.to_owned(),
                line: i + 1,
                message,
            };
            let toks: Vec<&str> = line.split_whitespace().collect();
            let (fingerprint, rest) = if toks[0].starts_with("SHA256:") {
                let fp: ssh_key::Fingerprint = toks[0]
                    .parse()
                    .ok()
                    .filter(|f: &ssh_key::Fingerprint| f.algorithm() == ssh_key::HashAlg::Sha256)
                    .ok_or_else(|| bad(format!("'{}' is not a SHA256 key fingerprint", toks[0])))?;
                (fp.to_string(), &toks[1..])
            } else if is_key_type(toks[0]) {
                let b64 = toks
                    .get(1)
                    .ok_or_else(|| bad("missing key after key type".into()))?;
                let key = PublicKey::from_openssh(&format!("{} {}", toks[0], b64))
                    .map_err(|e| bad(format!("unreadable key: {e}")))?;
                (sign::fingerprint(key.key_data()), &toks[2..])
            } else {
                return Err(bad("expected a public key or a SHA256:… fingerprint".into()));
            };
            let (from, reason_toks) = match rest.first() {
                Some(t) if looks_like_date(t) => match parse_revocation_date(t) {
                    Some(d) => (Some(d), &rest[1..]),
                    None => {
                        return Err(bad(format!(
                            "bad date '{t}' (YYYY-MM-DD or RFC 3339, e.g. 2026-05-01T00:00:00Z)"
                        )))
                    }
                },
                _ => (None, rest),
            };
            // A date after another word is almost always a pasted .pub comment
            // (`ssh-ed25519 AAAA… user@host 2026-05-01`): refuse rather than revoke undated.
            if from.is_none() && rest.get(1).is_some_and(|t| looks_like_date(t)) {
                return Err(bad(format!(
                    "'{}' follows '{}': write KEY [DATE] [REASON], the date right after the key \
                     (drop a .pub comment)",
                    rest[1], rest[0]
                )));
            }
            entries.push(Revocation {
                line: i + 1,
                fingerprint,
                from,
                reason: reason_toks.join(" "),
            });
        }
        Ok(Revocations { entries })
    }

    /// The revocation that applies to a key for a release created at `created`.
    pub fn find(&self, fingerprint: &str, created: OffsetDateTime) -> Option<&Revocation> {
        self.entries
            .iter()
            .find(|r| r.fingerprint == fingerprint && r.from.is_none_or(|from| created >= from))
    }
}

/// Whether a token is meant as a date: it starts with four digits and a dash.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn parse_revocation_date(s: &str) -> Option<OffsetDateTime> {
    if let Some(t) = crate::release::parse_rfc3339(s) {
        return Some(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, fmt)
        .ok()
        .map(|d| d.midnight().assume_utc())
}

/// What became of one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// Cryptographically valid, by a trusted key, allowed for this release.
    Valid,
    /// Not a readable SSHSIG signature.
    Malformed,
    /// Made for another namespace than `intact-release`.
    WrongNamespace,
    /// Does not verify over this `release.json` (another statement, or altered).
    Invalid,
    /// Valid, but the key is in no line of the policy.
    UntrustedKey,
    /// The key is trusted only for other namespaces.
    NamespaceNotAllowed,
    /// The release's time is outside the key's `valid-after`/`valid-before` window.
    OutsideValidity,
    /// The key is revoked for this release.
    Revoked,
    /// The key type is not Ed25519.
    UnsupportedKey,
}

impl SignatureStatus {
    /// The stable name used in reports (`valid`, `untrusted-key`, …).
    pub fn name(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Malformed => "malformed",
            SignatureStatus::WrongNamespace => "wrong-namespace",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::UntrustedKey => "untrusted-key",
            SignatureStatus::NamespaceNotAllowed => "namespace-not-allowed",
            SignatureStatus::OutsideValidity => "outside-validity",
            SignatureStatus::Revoked => "revoked",
            SignatureStatus::UnsupportedKey => "unsupported-key",
        }
    }
}

/// The result for one signature file.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureCheck {
    /// Bag-relative path of the signature file.
    pub file: String,
    pub status: SignatureStatus,
    pub principal: Option<String>,
    pub fingerprint: Option<String>,
    pub key_type: Option<String>,
    pub detail: String,
}

/// Checks one armored signature over `message` against the policy, at time `at`.
pub fn check_signature(
    file: &str,
    armored: &[u8],
    message: &[u8],
    policy: &TrustPolicy,
    revocations: &Revocations,
    at: OffsetDateTime,
) -> SignatureCheck {
    let mut out = SignatureCheck {
        file: file.to_owned(),
        status: SignatureStatus::Malformed,
        principal: None,
        fingerprint: None,
        key_type: None,
        detail: String::new(),
    };
    let sig = match sign::parse_signature(armored) {
        Ok(s) => s,
        Err(e) => {
            match sign::signature_key_type(armored) {
                Some(t) if t != "ssh-ed25519" && t != "sk-ssh-ed25519@openssh.com" => {
                    out.status = SignatureStatus::UnsupportedKey;
                    out.detail = format!("key type {t} is not accepted (Ed25519 only)");
                    out.key_type = Some(t);
                }
                _ => out.detail = e,
            }
            return out;
        }
    };
    let key_data = sig.public_key().clone();
    let fp = sign::fingerprint(&key_data);
    out.fingerprint = Some(fp.clone());
    out.key_type = Some(key_data.algorithm().to_string());
    if sig.namespace() != NAMESPACE {
        out.status = SignatureStatus::WrongNamespace;
        out.detail = format!(
            "signature is for namespace '{}', not '{NAMESPACE}'",
            sig.namespace()
        );
        return out;
    }
    match key_data.algorithm() {
        Algorithm::Ed25519 | Algorithm::SkEd25519 => {}
        other => {
            out.status = SignatureStatus::UnsupportedKey;
            out.detail = format!("key type {other} is not accepted (Ed25519 only)");
            return out;
        }
    }
    let key = PublicKey::new(key_data.clone(), "");
    if let Err(e) = key.verify(NAMESPACE, message, &sig) {
        out.status = SignatureStatus::Invalid;
        out.detail = format!("signature does not match this release.json ({e})");
        return out;
    }
    let matching: Vec<&AllowedSigner> = policy
        .signers
        .iter()
        .filter(|s| !s.cert_authority && s.key.key_data() == &key_data)
        .collect();
    if matching.is_empty() {
        out.status = SignatureStatus::UntrustedKey;
        out.detail = format!("key {fp} is not in {}", policy.path.display());
        return out;
    }
    out.principal = Some(matching[0].principal().to_owned());
    let in_namespace: Vec<&&AllowedSigner> =
        matching.iter().filter(|s| s.allows_namespace()).collect();
    if in_namespace.is_empty() {
        out.status = SignatureStatus::NamespaceNotAllowed;
        out.detail = format!(
            "key is trusted only for other namespaces (line {})",
            matching[0].line
        );
        return out;
    }
    let in_window = in_namespace
        .iter()
        .find(|s| s.valid_after.is_none_or(|a| at >= a) && s.valid_before.is_none_or(|b| at <= b));
    let Some(signer) = in_window else {
        out.principal = Some(in_namespace[0].principal().to_owned());
        out.status = SignatureStatus::OutsideValidity;
        out.detail = format!(
            "release time {} is outside the key's validity window (line {})",
            crate::release::format_created(at),
            in_namespace[0].line
        );
        return out;
    };
    out.principal = Some(signer.principal().to_owned());
    if let Some(r) = revocations.find(&fp, at) {
        out.status = SignatureStatus::Revoked;
        out.detail = match (&r.from, r.reason.is_empty()) {
            (Some(from), true) => {
                format!("key revoked from {}", crate::release::format_created(*from))
            }
            (Some(from), false) => format!(
                "key revoked from {}: {}",
                crate::release::format_created(*from),
                r.reason
            ),
            (None, false) => format!("key revoked: {}", r.reason),
            (None, true) => "key revoked".into(),
        }
        .trim()
        .to_owned();
        return out;
    }
    out.status = SignatureStatus::Valid;
    out.detail = format!("valid signature by {}", signer.principal());
    out
}

/// Distinct principals among valid signatures (one principal counts once, whatever its keys).
pub fn valid_principals(checks: &[SignatureCheck]) -> Vec<String> {
    let mut p: Vec<String> = checks
        .iter()
        .filter(|c| c.status == SignatureStatus::Valid)
        .filter_map(|c| c.principal.clone())
        .collect();
    p.sort();
    p.dedup();
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZoXAmiVS3fpWEfZKDj1Y8wIHzskT/pFfdDtphOFlg3";

    #[test]
    fn simple_line() {
        let p = TrustPolicy::parse(&format!("alice {KEY}\n"), Path::new("a")).unwrap();
        assert_eq!(p.signers[0].principals, vec!["alice"]);
        assert!(p.signers[0].namespaces.is_none());
    }

    #[test]
    fn options_and_quotes() {
        let text = format!(
            "# comment\n\n\"alice,bob\" namespaces=\"git,intact-release\",valid-after=\"20260101Z\",valid-before=\"20270101120000Z\" {KEY} comment\n"
        );
        let p = TrustPolicy::parse(&text, Path::new("a")).unwrap();
        let s = &p.signers[0];
        assert_eq!(s.principals, vec!["alice", "bob"]);
        assert_eq!(
            s.namespaces.as_ref().unwrap(),
            &vec!["git".to_string(), "intact-release".to_string()]
        );
        assert!(s.allows_namespace());
        assert_eq!(s.line, 3);
        assert!(s.valid_after.unwrap() < s.valid_before.unwrap());
    }

    #[test]
    fn bad_lines_name_the_line() {
        for bad in [
            format!("alice frobnicate {KEY}"),
            format!("alice valid-after=\"2026Z\" {KEY}"),
            format!("alice valid-after=20260101Z {KEY}"),
            format!("alice valid-after=\"20260101\" {KEY}"),
            format!("alice namespaces=intact-release {KEY}"),
            "alice ssh-ed25519 notbase64!".to_string(),
            "alice".to_string(),
            format!("\"alice {KEY}"),
        ] {
            let text = format!("# ok\n{bad}\n");
            match TrustPolicy::parse(&text, Path::new("policy")) {
                Err(TrustError::Malformed { line, .. }) => assert_eq!(line, 2, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(matches!(
            TrustPolicy::parse("# nothing\n", Path::new("p")),
            Err(TrustError::Empty { .. })
        ));
    }

    #[test]
    fn namespace_patterns() {
        assert!(pattern_match("intact-*", "intact-release"));
        assert!(!pattern_match("git", "intact-release"));
        let allows = |ns: &str| {
            let text = format!("alice namespaces=\"{ns}\" {KEY}\n");
            TrustPolicy::parse(&text, Path::new("p")).unwrap().signers[0].allows_namespace()
        };
        assert!(allows("git,intact-release"));
        assert!(allows("*"));
        assert!(!allows("git"));
        assert!(!allows("*,!intact-release"));
        assert!(!allows("!intact-*,intact-release"));
        assert!(allows("!git,intact-*"));
    }

    #[test]
    fn status_names_match_the_json_names() {
        for st in [
            SignatureStatus::Valid,
            SignatureStatus::Malformed,
            SignatureStatus::WrongNamespace,
            SignatureStatus::Invalid,
            SignatureStatus::UntrustedKey,
            SignatureStatus::NamespaceNotAllowed,
            SignatureStatus::OutsideValidity,
            SignatureStatus::Revoked,
            SignatureStatus::UnsupportedKey,
        ] {
            assert_eq!(
                serde_json::to_value(st).unwrap(),
                serde_json::Value::String(st.name().into())
            );
        }
    }

    #[test]
    fn revocation_lines() {
        let fp = format!("SHA256:{}", "A".repeat(43));
        for bad in [
            format!("{KEY} 2026-02-30 typo"),
            format!("{KEY} user@host 2026-05-01"),
            format!("SHA256:{}", "A".repeat(42)),
            format!("SHA256:{}", "*".repeat(43)),
            "MD5:00:11".to_string(),
        ] {
            assert!(
                matches!(
                    Revocations::parse(&format!("# x\n{bad}\n"), Path::new("r")),
                    Err(TrustError::Malformed { line: 2, .. })
                ),
                "{bad}"
            );
        }
        let text = format!("{fp} 2026-05-01 lost laptop\n{KEY} key retired\n");
        let r = Revocations::parse(&text, Path::new("r")).unwrap();
        assert_eq!(r.entries.len(), 2);
        assert!(r.entries[0].from.is_some());
        assert_eq!(r.entries[0].reason, "lost laptop");
        assert!(r.entries[1].from.is_none());
        let early = parse_revocation_date("2026-04-30").unwrap();
        assert!(r.find(&fp, early).is_none());
        assert!(r
            .find(&fp, parse_revocation_date("2026-05-01").unwrap())
            .is_some());
        assert!(matches!(
            Revocations::parse("nonsense\n", Path::new("r")),
            Err(TrustError::Malformed { line: 1, .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn policy_parser_never_panics(s in "\\PC{0,200}") {
            let _ = TrustPolicy::parse(&s, Path::new("p"));
            let _ = Revocations::parse(&s, Path::new("r"));
        }
    }
}
