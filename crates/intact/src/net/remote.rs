//! Bundles on a web server, verified, checked and cited without a local copy (docs/MIRRORS.md):
//! the same checks as for a file, through an [`HttpSource`]. A network failure (after the
//! client's retries) is an I/O error naming the URL, never a finding about the bundle.

use std::io;
use std::path::{Path, PathBuf};

use super::{Http, HttpSource, NetError};
use crate::bundle::Bundle;
use crate::limits::Limits;
use crate::progress::Progress;
use crate::verify::{self, Verified, VerifyError, VerifyOptions};

/// The URL as the path a report names.
pub fn url_path(url: &str) -> PathBuf {
    PathBuf::from(url)
}

/// A network failure as the verifier's I/O error (exit 2).
pub fn io_error(url: &str, e: NetError) -> VerifyError {
    VerifyError::Io {
        path: url_path(url),
        source: io::Error::other(e.detail()),
    }
}

/// Verifies the bundle at `url` (every check; the payload streamed once unless the options skip
/// it) and returns the opened bundle too, to read members from.
pub fn verify_url(
    http: &Http,
    url: &str,
    opts: &VerifyOptions,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<(Verified, Option<Bundle>), VerifyError> {
    let source = HttpSource::open(http, url).map_err(|e| io_error(url, e))?;
    verify::verify_zip_source(
        Path::new(url),
        Box::new(source),
        opts,
        &Limits::DEFAULT,
        progress,
        keep_manifest,
    )
}
