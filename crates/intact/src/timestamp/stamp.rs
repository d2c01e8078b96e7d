//! `intact timestamp TARGET --tsa URL…`: a token from each TSA over the target's
//! `release.json`, stored outside the bundle ([`super::store`]). TARGET is a bundle (ZIP or
//! extracted directory) or a release log entry (`LOG/000003`, a directory holding
//! `release.json` itself).

use std::path::{Path, PathBuf};

use serde::Serialize;

use intact_format::digest::Sha256Digest;
use intact_format::limits::Limits;
use intact_format::timestamp::{read_within, TsaRoots};

use super::{client, evidence, store, TimestampError};

/// What `intact timestamp` did.
#[derive(Debug, Clone, Serialize)]
pub struct StampReport {
    pub report: &'static str,
    pub target: PathBuf,
    /// SHA-256 of the `release.json` stamped (the bundle id).
    pub bundle_id: String,
    /// One per TSA that answered with a good token, in the order asked.
    pub stored: Vec<Stored>,
    /// One per TSA that did not (network, HTTP, refusal, or a token that does not answer).
    pub failed: Vec<Failed>,
}

/// A token stored.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub tsa_url: String,
    pub file: PathBuf,
    /// `genTime`, RFC 3339.
    pub time: String,
    pub tsa: String,
    /// Whether its chain was checked to a root of `--tsa-certs`.
    pub trusted: bool,
}

/// A TSA that gave no token.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    pub tsa_url: String,
    pub message: String,
}

/// Whether `target` is a release log entry (a directory with `release.json` at its top).
pub fn is_log_entry(target: &Path) -> bool {
    target.join("release.json").is_file()
}

/// The `release.json` of a bundle or a log entry, within [`Limits::release_bytes`].
pub fn release_json_of(target: &Path, limits: &Limits) -> Result<Vec<u8>, TimestampError> {
    let not = |message: &str| TimestampError::Target {
        path: target.to_owned(),
        message: message.to_owned(),
    };
    if is_log_entry(target) {
        let p = target.join("release.json");
        return read_within(&p, limits.release_bytes)
            .map_err(|e| crate::fs::PathError::new(&p, e))?
            .map_err(|_| not("release.json is larger than a statement may be"));
    }
    if !target.exists() {
        return Err(not("no such bundle or log entry"));
    }
    evidence::bundle_release_json(target, limits)
        .ok_or_else(|| not("not a bundle with a readable release.json, nor a log entry"))
}

/// Asks each TSA of `urls` for a token over `target`'s `release.json` and stores each good
/// one (beside a bundle, or in a log entry's `timestamps/`). A TSA that fails is recorded and
/// the others are still asked.
pub fn timestamp(
    target: &Path,
    urls: &[String],
    roots: Option<&TsaRoots>,
) -> Result<StampReport, TimestampError> {
    let limits = Limits::DEFAULT;
    let release_json = release_json_of(target, &limits)?;
    let mut report = StampReport {
        report: "intact-timestamp/1",
        target: target.to_owned(),
        bundle_id: Sha256Digest::of(&release_json).to_hex(),
        stored: Vec::new(),
        failed: Vec::new(),
    };
    for url in urls {
        match client::request_token(url, &release_json, roots, &limits) {
            Ok((token, stamp)) => {
                let file = if is_log_entry(target) {
                    store::store_in_entry(target, &token)?
                } else {
                    store::store_beside(target, &token)?
                };
                report.stored.push(Stored {
                    tsa_url: url.clone(),
                    file,
                    time: intact_format::release::format_created(stamp.time),
                    tsa: stamp.tsa,
                    trusted: roots.is_some(),
                });
            }
            Err(e @ (TimestampError::Io(_) | TimestampError::Roots(_))) => return Err(e),
            Err(e) => report.failed.push(Failed {
                tsa_url: url.clone(),
                message: e.to_string(),
            }),
        }
    }
    Ok(report)
}
