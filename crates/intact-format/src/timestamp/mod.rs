//! Trusted time (FORMAT.md §16, docs/TRUST.md): RFC 3161 time-stamp tokens over a release's
//! `release.json`, and what they prove — that the release existed no later than the token's
//! `genTime`, by the word of a time-stamping authority (TSA) the reader trusts.
//!
//! A token is checked step by step, one function each, in this order ([`check_token`]):
//!
//! | step | file |
//! |---|---|
//! | read the token within [`Limits::timestamp_token_bytes`]: ContentInfo, SignedData, TSTInfo | `token.rs` |
//! | the message imprint is SHA-256 of this `release.json`; the nonce, when one was sent | `mod.rs` |
//! | one signer; its certificate (in the token or a root) has timeStamping as its one extended key usage, critical | `signer.rs`, `chain.rs` |
//! | signed attributes: content type TSTInfo, message digest over the TSTInfo; the signature (ECDSA P-256, RSA PKCS#1 v1.5 or PSS) | `signer.rs` |
//! | the ESS signing-certificate(-v2) attribute names the signer's certificate | `ess.rs` |
//! | a chain to a trusted root; every certificate on it valid at `genTime` | `chain.rs` |
//!
//! Requests and replies (RFC 3161 §2.4) are built and read in `request.rs`; sending them is the
//! operations crate's (`intact::timestamp`), since this crate does no network I/O.

mod chain;
mod ess;
mod judge;
mod request;
mod signer;
mod token;

use std::fmt;

use time::OffsetDateTime;

pub use chain::{RootsError, TsaRoots};
pub use judge::{judge, TimeEvidence, TimestampCheck, TimestampStatus};
pub use request::{read_reply, request, ReplyError, Request};

use crate::digest::hex;
use crate::limits::Limits;

/// What a trusted token says: the release existed no later than `time`, by `tsa`'s word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The token's `genTime`.
    pub time: OffsetDateTime,
    /// The TSA's name: the TSTInfo `tsa` field when it is a directory name, else the subject of
    /// the certificate that signed the token (RFC 4514 form).
    pub tsa: String,
    /// The token's serial number, in hexadecimal.
    pub serial: String,
    /// The TSA policy under which the token was issued (an OID).
    pub policy: String,
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "existed no later than {} ({})",
            crate::release::format_created(self.time),
            self.tsa
        )
    }
}

/// Why a token is refused: each a step of [`check_token`], with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token of {size} bytes is larger than the {max} bytes a verifier reads")]
    TooLarge { size: u64, max: u64 },
    #[error("not a readable RFC 3161 time-stamp token: {0}")]
    Unreadable(String),
    #[error("token is over another statement: {0}")]
    Imprint(String),
    #[error("nonce in the token is not the nonce sent")]
    Nonce,
    #[error("token signature: {0}")]
    Signature(String),
    #[error("ESS signing-certificate binding: {0}")]
    Binding(String),
    #[error("TSA certificate usage: {0}")]
    Usage(String),
    #[error("TSA certificate chain: {0}")]
    Chain(String),
    #[error("certificate not valid at the token's time: {0}")]
    Validity(String),
}

impl TokenError {
    /// The stable name used in reports (`unreadable`, `imprint`, …).
    pub fn name(&self) -> &'static str {
        match self {
            TokenError::TooLarge { .. } => "too-large",
            TokenError::Unreadable(_) => "unreadable",
            TokenError::Imprint(_) => "imprint",
            TokenError::Nonce => "nonce",
            TokenError::Signature(_) => "signature",
            TokenError::Binding(_) => "binding",
            TokenError::Usage(_) => "usage",
            TokenError::Chain(_) => "untrusted",
            TokenError::Validity(_) => "validity",
        }
    }
}

/// Checks one time-stamp token over `release_json` (FORMAT.md §16.2): every step of the table
/// above. `nonce` is the nonce of the request when the caller sent one (the token must carry
/// it); a stored token is checked without. Returns what the token proves, or the first step it
/// fails.
pub fn check_token(
    token: &[u8],
    release_json: &[u8],
    nonce: Option<&[u8]>,
    roots: &TsaRoots,
    limits: &Limits,
) -> Result<Stamp, TokenError> {
    check(token, release_json, nonce, Some(roots), limits)
}

/// Checks the token of a TSA's reply against the request that asked for it: every step of
/// [`check_token`], the nonce required; without `roots` every step but the chain (the TSA's
/// certificate must then still be valid at `genTime`), for `intact timestamp` run before the
/// user has chosen whom to trust.
pub fn check_reply_token(
    token: &[u8],
    release_json: &[u8],
    nonce: &[u8],
    roots: Option<&TsaRoots>,
    limits: &Limits,
) -> Result<Stamp, TokenError> {
    check(token, release_json, Some(nonce), roots, limits)
}

/// The steps of [`check_token`]; the chain only with `roots`.
fn check(
    token: &[u8],
    release_json: &[u8],
    nonce: Option<&[u8]>,
    roots: Option<&TsaRoots>,
    limits: &Limits,
) -> Result<Stamp, TokenError> {
    let parsed = token::read_token(token, limits)?;
    check_imprint(&parsed.tst, release_json)?;
    if let Some(sent) = nonce {
        check_nonce(&parsed.tst, sent)?;
    }
    let time = token::gen_time(&parsed.tst)?;
    let candidates = parsed.certificates(roots);
    let info = signer::the_signer(&parsed.signed_data)?;
    let cert = chain::signer_certificate(&info.sid, &candidates)?;
    chain::check_timestamping_usage(cert)?;
    signer::check_signed_attributes(info, &parsed.econtent)?;
    signer::check_signature(info, cert)?;
    ess::check_binding(info, cert)?;
    match roots {
        Some(roots) => chain::check_chain(cert, &candidates, roots, time, limits)?,
        None => chain::check_valid_at(cert, time)?,
    }
    Ok(Stamp {
        time,
        tsa: token::tsa_name(&parsed.tst, cert),
        serial: hex(parsed.tst.serial_number.as_bytes()),
        policy: parsed.tst.policy.to_string(),
    })
}

/// The message imprint is SHA-256 over `release_json`, exactly (RFC 3161 §2.4.2).
fn check_imprint(tst: &x509_tsp::TstInfo, release_json: &[u8]) -> Result<(), TokenError> {
    let imprint = &tst.message_imprint;
    if imprint.hash_algorithm.oid != oids::SHA256 {
        return Err(TokenError::Imprint(format!(
            "imprint algorithm {} is not SHA-256",
            imprint.hash_algorithm.oid
        )));
    }
    let want = crate::digest::Sha256Digest::of(release_json).0;
    if imprint.hashed_message.as_bytes() != want.as_slice() {
        return Err(TokenError::Imprint(format!(
            "imprint {} is not SHA-256 of this release.json ({})",
            hex(imprint.hashed_message.as_bytes()),
            hex(&want)
        )));
    }
    Ok(())
}

/// The token carries the nonce of the request, byte for byte (RFC 3161 §2.4.2).
fn check_nonce(tst: &x509_tsp::TstInfo, sent: &[u8]) -> Result<(), TokenError> {
    match &tst.nonce {
        Some(n) if n.as_bytes() == sent => Ok(()),
        _ => Err(TokenError::Nonce),
    }
}

/// The bytes of the file at `path` when it has at most `max` bytes, else its size (read no
/// further than `max + 1` bytes, whatever the file claims).
pub fn read_within(path: &std::path::Path, max: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(max + 1);
        return Ok(Err(size.max(max + 1)));
    }
    Ok(Ok(bytes))
}

/// The object identifiers the checks compare with.
mod oids {
    use der::oid::ObjectIdentifier as Oid;

    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    pub const RSA_SHA256: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const RSA_SHA384: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const RSA_SHA512: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
    pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
    pub const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
    pub const TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
}

#[cfg(test)]
mod tests;
