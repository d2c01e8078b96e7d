//! `intact check FILE --bundle URL`: the file against a bundle on a web server, read by ranges
//! (docs/MIRRORS.md). Only the end records, the central directory, the tag files (statement,
//! signatures, item records) and the member with the file's content are read; the report says
//! what that proves — this file is, byte for byte, an item of the signed release, and the
//! bundle holds exactly these bytes for it — and that the rest of the bundle was not verified.

use std::path::Path;

use serde::Serialize;

use super::{
    bundle_problems, check_threshold, file_name, hash_file, into_release, lookup, new_report,
    not_found, release_info, skip_payload, CheckError, CheckMode, CheckProblem, CheckReport,
    CheckStep,
};
use crate::bundle::Bundle;
use crate::net::remote::{self, Remote};
use crate::progress::Silent;
use crate::verify::VerifyOptions;

/// What a check against a remote bundle read and proved.
#[derive(Debug, Clone, Serialize)]
pub struct RemoteScope {
    /// What the check proved, in words.
    pub proved: String,
    /// What it did not check, in words.
    pub not_verified: String,
    /// The bundle's size, and the bytes of response bodies received to check it.
    pub bundle_bytes: u64,
    pub bytes_received: u64,
}

const PROVED: &str = "the statement and its signatures are valid by the trust policy, the item \
    records are the ones the statement signs (manifest.json digest, Merkle root), and this file \
    is, byte for byte, the item found; the bundle's member for it holds exactly these bytes";
const NOT_VERIFIED: &str = "the rest of the bundle: other members' bytes and local headers \
    (run `verify` on the URL or a copy to check every byte)";

/// Checks `file` against the bundle at `url`, reading only what the check needs.
pub fn check_bundle_url(
    file: &Path,
    http: &Remote,
    url: &str,
    opts: &VerifyOptions,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Bundle, file, &d);
    let source = remote::url_path(url);
    let (v, bundle) = remote::verify_url(http, url, &skip_payload(opts), &Silent, true)?;
    r.releases.push(release_info(&source, &v.report));
    let scope = |http: &Remote, bundle: Option<&Bundle>| RemoteScope {
        proved: PROVED.into(),
        not_verified: NOT_VERIFIED.into(),
        bundle_bytes: bundle.map_or(0, Bundle::zip_len),
        bytes_received: http.received(),
    };
    if !v.report.valid {
        r.problems = bundle_problems(&source, &v.report);
        r.remote = Some(scope(http, bundle.as_ref()));
        return Ok(r);
    }
    let (Some(rel), Some(bundle)) = (into_release(&source, v), bundle) else {
        return Ok(r);
    };
    let (found, same_name) = lookup(&rel, &d, &file_name(file));
    r.found = found;
    if r.found.is_empty() {
        r.same_name = same_name;
        let what = format!("release {}", rel.statement.release);
        not_found(&mut r, &source, &what);
    }
    // The member of the first item found, read and hashed: the bundle holds these bytes.
    if let Some(path) = r.found.first().and_then(|a| a.item.path.clone()) {
        if let Some(message) = member_differs(&bundle, &path, &r.sha256, r.size)? {
            r.problems.push(CheckProblem {
                check: CheckStep::Bundle,
                source: source.clone(),
                message: format!("{path}: {message}"),
            });
        }
    }
    r.valid = !r.found.is_empty() && r.problems.is_empty();
    r.remote = Some(scope(http, Some(&bundle)));
    Ok(r)
}

/// Reads and hashes one member (its local header checked first); why it is not the item's
/// bytes, or `None`. A network failure is an error (exit 2), not a finding.
fn member_differs(
    bundle: &Bundle,
    path: &str,
    sha256: &str,
    size: u64,
) -> Result<Option<String>, CheckError> {
    let Some(m) = bundle.get(path) else {
        return Ok(Some("missing from the bundle".into()));
    };
    let hashed = bundle.hash(m);
    if let Some(source) = bundle.source_failure() {
        return Err(CheckError::Io {
            path: bundle.source.clone(),
            source,
        });
    }
    Ok(match hashed {
        Err(e) => Some(e.to_string()),
        Ok((d, crc_ok)) if d.sha256.to_hex() != sha256 || d.size != size || !crc_ok => {
            Some(format!(
                "the bundle holds other bytes (sha256 {}, {} bytes)",
                d.sha256, d.size
            ))
        }
        Ok(_) => None,
    })
}
