//! Trust policy (docs/TRUST.md): an OpenSSH `allowed_signers` file, a revocation list, and the
//! evaluation of one release signature against them.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ssh_key::PublicKey;
use time::OffsetDateTime;

pub use crate::allowed_signers::{parse_ssh_time, AllowedSigner, TrustPolicy};
use crate::release::NAMESPACE;
use crate::sign;
use crate::sshsig;

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
            } else if sshsig::KeyKind::from_name(toks[0]).is_some() {
                let b64 = toks
                    .get(1)
                    .ok_or_else(|| bad("missing key after key type".into()))?;
                let (_, blob, _) = crate::allowed_signers::read_key(&format!("{} {b64}", toks[0]))
                    .ok_or_else(|| bad("unreadable key".into()))?;
                (sign::fingerprint_of_blob(&blob), &toks[2..])
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
    /// Whether the signature file breaks the bundle (FORMAT.md §7): not exactly a well-formed
    /// SSHSIG named after its key, for another namespace, or not over this statement. Every
    /// other status only means the signature does not count.
    pub fn is_broken(self) -> bool {
        matches!(
            self,
            SignatureStatus::Malformed | SignatureStatus::WrongNamespace | SignatureStatus::Invalid
        )
    }

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

/// Checks one signature file over `message` against the policy, at time `at` (FORMAT.md §7):
/// the file must be exactly the armor `ssh-keygen -Y sign` writes of one well-formed SSHSIG for
/// `intact-release`, named `<dir><hex>.sig` after its key; then an Ed25519 signature must
/// verify, and its key is judged by the policy and the revocations. A well-formed signature by
/// another key type does not count.
pub fn check_signature(
    file: &str,
    dir: &str,
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
    let sig = match sshsig::read_exact(armored) {
        Ok(s) => s,
        Err(e) => {
            out.detail = e.to_string();
            return out;
        }
    };
    let fp = sign::fingerprint_of_blob(&sig.key_blob);
    out.fingerprint = Some(fp.clone());
    out.key_type = Some(sig.key_type.clone());
    if sig.namespace != NAMESPACE {
        out.status = SignatureStatus::WrongNamespace;
        out.detail = format!(
            "signature is for namespace '{}', not '{NAMESPACE}'",
            sig.namespace
        );
        return out;
    }
    let expected = format!("{dir}{}", sign::signature_file_name(&sig.key_blob));
    if file != expected {
        out.detail =
            format!("signature file is not named after its key's fingerprint ({expected})");
        return out;
    }
    if !sig.kind.is_ed25519() {
        out.status = SignatureStatus::UnsupportedKey;
        out.detail = format!(
            "key type {} is not verified by intact (Ed25519 only): the signature does not count",
            sig.key_type
        );
        return out;
    }
    let verified = std::str::from_utf8(armored)
        .ok()
        .and_then(|t| ssh_key::SshSig::from_pem(t).ok())
        .map(|s| PublicKey::new(s.public_key().clone(), "").verify(NAMESPACE, message, &s));
    match verified {
        None => {
            out.detail = "malformed SSH signature".into();
            return out;
        }
        Some(Err(e)) => {
            out.status = SignatureStatus::Invalid;
            out.detail = format!("signature does not match this release.json ({e})");
            return out;
        }
        Some(Ok(())) => {}
    }
    let matching: Vec<&AllowedSigner> = policy
        .signers
        .iter()
        .filter(|s| !s.cert_authority && s.key_blob == sig.key_blob)
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
            let _ = Revocations::parse(&s, Path::new("r"));
        }
    }
}
