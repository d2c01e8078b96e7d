//! `log verify --bundles s3://BUCKET/PREFIX`: the bundles of a mirror kept in object storage,
//! each verified in full against the release of the log with its statement, read by ranges
//! (docs/MIRRORS.md). The same rules as for a folder (`mirror.rs`): every `*.zip` object
//! directly under the prefix is a bundle copy; other objects and "folders" are notes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::fleet::{self, run_bounded, Fleet};
use super::mirror::{Copies, Indexed, Mirror, MirrorNote};
use super::{Entry, LogError, LogProblem, ReleaseCheck};
use crate::bundle::Bundle;
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::net::remote::Remote;
use crate::net::s3::parse_s3_url;
use crate::progress::Progress;
use crate::verify::{VerifyError, VerifyOptions};

/// A network failure as the log's error (exit 2).
fn net_error(url: &str, e: crate::net::NetError) -> LogError {
    LogError::Verify(crate::net::remote::io_error(url, e))
}

/// Checks every bundle under the `s3://` URL `url` against the log's releases: indexed and
/// verified several at once within `fleet`'s memory bound, as for a folder (`mirror.rs`).
#[allow(clippy::too_many_arguments)]
pub(super) fn check_remote_mirror(
    remote: &Remote,
    url: &str,
    entries: &[Entry],
    releases: &mut [ReleaseCheck],
    trust: &VerifyOptions,
    problems: &mut Vec<LogProblem>,
    progress: &dyn Progress,
    fleet: &Fleet,
) -> Result<Mirror, LogError> {
    let mut mirror = Mirror::default();
    let (bucket, prefix) = parse_s3_url(url).ok_or_else(|| {
        net_error(
            url,
            crate::net::NetError::Protocol {
                url: url.to_owned(),
                message: "not an s3://BUCKET/PREFIX name".into(),
            },
        )
    })?;
    let s3 = remote.s3(&bucket).map_err(|e| net_error(url, e))?;
    let (objects, folders) = s3.list(&prefix).map_err(|e| net_error(url, e))?;
    let name = |key: &str| format!("s3://{bucket}/{key}");
    for f in folders {
        mirror.notes.push(MirrorNote {
            path: PathBuf::from(name(&f)),
            message: "not checked: a folder in object storage (bundles there are *.zip objects)"
                .into(),
        });
    }
    let mut zips: Vec<String> = Vec::new();
    let mut estimates: Vec<u64> = Vec::new();
    for (key, size) in objects {
        let is_zip = Path::new(&key)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("zip"));
        if !is_zip {
            mirror.notes.push(MirrorNote {
                path: PathBuf::from(name(&key)),
                message: "not a bundle (bundles are *.zip objects)".into(),
            });
            continue;
        }
        estimates.push(fleet::zip_index_estimate(size));
        zips.push(name(&key));
    }
    let read = run_bounded(&zips, &estimates, fleet, |u| bundle_id(remote, u))?;
    let mut index: BTreeMap<String, Vec<Indexed>> = BTreeMap::new();
    for (u, r) in zips.into_iter().zip(read) {
        match r {
            Ok((id, indexed)) => index.entry(id).or_default().push(indexed),
            Err(message) => problems.push(LogProblem {
                seq: None,
                release: None,
                path: u,
                message: format!("unreadable bundle: {message}"),
            }),
        }
    }
    let copies = Copies {
        entries,
        at: url,
        progress,
        fleet,
    };
    mirror.checked = copies.verify(&mut index, releases, problems, |path, seq, release, p| {
        verify_copy(remote, &path.display().to_string(), seq, release, trust, p)
    })?;
    mirror.unlisted = index.into_values().flatten().map(|i| i.path).collect();
    Ok(mirror)
}

/// The bundle id (SHA-256 of `release.json`) of the bundle at `url`, read by ranges, and what
/// verifying it will take; `Err` with a message when it is no readable bundle.
#[allow(clippy::type_complexity)]
fn bundle_id(remote: &Remote, url: &str) -> Result<Result<(String, Indexed), String>, LogError> {
    let source = remote.open(url).map_err(|e| net_error(url, e))?;
    let opened = Bundle::open_zip_checked(Path::new(url), source, &Limits::DEFAULT);
    let b = match opened {
        Ok(b) => b,
        Err(crate::bundle::OpenError::Io { path, source }) => {
            return Err(LogError::Verify(VerifyError::Io { path, source }))
        }
        Err(e) => return Ok(Err(e.to_string())),
    };
    let Some(m) = b.get(crate::bag::RELEASE_PATH) else {
        return Ok(Err("no intact/release.json".into()));
    };
    let read = b.read(m, crate::release::MAX_RELEASE_BYTES);
    if let Some(source) = b.source_failure() {
        return Err(LogError::Verify(VerifyError::Io {
            path: PathBuf::from(url),
            source,
        }));
    }
    Ok(read.map(|bytes| {
        let id = Sha256Digest::of(&bytes).to_hex();
        (id, Indexed::of(PathBuf::from(url), &b))
    }))
}

/// Verifies one remote copy in full, its problems as the log's.
fn verify_copy(
    remote: &Remote,
    url: &str,
    seq: u64,
    release: Option<&str>,
    trust: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<Vec<LogProblem>, LogError> {
    let (v, _) = crate::net::remote::verify_url(remote, url, trust, progress, false)?;
    Ok(super::mirror::copy_problems(&v.report, seq, release, url))
}
