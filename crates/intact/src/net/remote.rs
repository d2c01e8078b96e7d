//! Bundles on a web server, verified, checked and cited without a local copy (docs/MIRRORS.md):
//! the same checks as for a file, through an [`HttpSource`]. A network failure (after the
//! client's retries) is an I/O error naming the URL, never a finding about the bundle.

use std::io;
use std::path::{Path, PathBuf};

use std::sync::Mutex;

use super::s3::{is_s3_url, parse_s3_url, S3Config, S3Source, S3};
use super::{Http, HttpSource, NetError, ReadAt};
use crate::bundle::Bundle;
use crate::limits::Limits;
use crate::progress::Progress;
use crate::verify::{self, Verified, VerifyError, VerifyOptions};

/// How remote bundles are reached: the HTTP client, and the S3 settings for `s3://` names.
pub struct Remote {
    pub http: Http,
    pub s3: S3Config,
    /// The S3 clients made so far (for the bytes they received).
    opened: Mutex<Vec<S3>>,
}

impl Remote {
    pub fn new(http: Http, s3: S3Config) -> Remote {
        Remote {
            http,
            s3,
            opened: Mutex::new(Vec::new()),
        }
    }

    /// Whether `name` is a URL this reads (`http://`, `https://`, `s3://`).
    pub fn is_remote(name: &str) -> bool {
        super::is_url(name) || is_s3_url(name)
    }

    /// An S3 client for `bucket`.
    pub fn s3(&self, bucket: &str) -> Result<S3, NetError> {
        let s3 = S3::new(bucket, &self.s3)?;
        if let Ok(mut v) = self.opened.lock() {
            v.push(s3.clone());
        }
        Ok(s3)
    }

    /// The object at `url` as a source of range reads.
    pub fn open(&self, url: &str) -> Result<Box<dyn ReadAt + Send>, NetError> {
        if is_s3_url(url) {
            let Some((bucket, key)) = parse_s3_url(url).filter(|(_, k)| !k.is_empty()) else {
                return Err(NetError::Protocol {
                    url: url.to_owned(),
                    message: "not an s3://BUCKET/KEY name".into(),
                });
            };
            let s3 = self.s3(&bucket)?;
            return Ok(Box::new(S3Source::open(&s3, &key)?));
        }
        Ok(Box::new(HttpSource::open(&self.http, url)?))
    }

    /// Bytes of response bodies received so far, over HTTP and S3.
    pub fn received(&self) -> u64 {
        let s3: u64 = self
            .opened
            .lock()
            .map(|v| v.iter().map(S3::received).sum())
            .unwrap_or(0);
        self.http.received() + s3
    }
}

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
    remote: &Remote,
    url: &str,
    opts: &VerifyOptions,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<(Verified, Option<Bundle>), VerifyError> {
    let source = remote.open(url).map_err(|e| io_error(url, e))?;
    verify::verify_zip_source(
        Path::new(url),
        source,
        opts,
        &Limits::DEFAULT,
        progress,
        keep_manifest,
    )
}
