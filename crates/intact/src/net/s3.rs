//! S3-compatible object storage (`s3://bucket/prefix`, docs/MIRRORS.md): signed requests through
//! `object_store` (its S3 client, rustls with the ring provider, no C build), driven by a
//! current-thread tokio runtime the blocking callers share.
//!
//! Endpoint, region and credentials come from the caller ([`S3Config`]); the command line reads
//! them from its flags and the usual AWS environment variables. Nothing here reads the
//! environment.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore as _, ObjectStoreExt as _, RetryConfig};

use super::{NetError, ReadAt};

/// Where the objects are and who asks for them.
#[derive(Debug, Clone, Default)]
pub struct S3Config {
    /// `http(s)://host:port` of an S3-compatible store (AWS when `None`).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    /// Connection and read timeout, and attempts after the first for a failed request.
    pub timeout: Duration,
    pub retries: u32,
}

/// `s3://bucket/key…` split into the bucket and the key (or prefix, without a trailing `/`).
pub fn parse_s3_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then(|| (bucket.to_owned(), key.trim_end_matches('/').to_owned()))
}

/// Whether a command-line name is an `s3://` URL.
pub fn is_s3_url(name: &str) -> bool {
    name.starts_with("s3://")
}

/// A listing: the objects (key, size) and the "folders" (common prefixes).
pub type Listing = (Vec<(String, u64)>, Vec<String>);

/// One bucket, with the runtime its requests run on.
#[derive(Clone)]
pub struct S3 {
    bucket: String,
    store: Arc<AmazonS3>,
    runtime: Arc<tokio::runtime::Runtime>,
    received: Arc<std::sync::atomic::AtomicU64>,
    retries: u32,
}

impl S3 {
    pub fn new(bucket: &str, config: &S3Config) -> Result<S3, NetError> {
        let url = format!("s3://{bucket}");
        let err = |message: String| NetError::Transport {
            url: url.clone(),
            message,
        };
        // rustls needs one process-wide crypto provider: ring, as for HTTP (an error only
        // means one is installed already).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(config.region.clone().unwrap_or_else(|| "us-east-1".into()))
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(config.timeout)
                    .with_connect_timeout(config.timeout)
                    .with_allow_http(true),
            )
            .with_retry(RetryConfig {
                max_retries: config.retries as usize,
                retry_timeout: config.timeout.saturating_mul(config.retries.max(1) + 1),
                ..RetryConfig::default()
            });
        if let Some(e) = &config.endpoint {
            b = b.with_endpoint(e).with_virtual_hosted_style_request(false);
        }
        if let Some(k) = &config.access_key_id {
            b = b.with_access_key_id(k);
        }
        if let Some(s) = &config.secret_access_key {
            b = b.with_secret_access_key(s);
        }
        if let Some(t) = &config.session_token {
            b = b.with_token(t);
        }
        let store = b.build().map_err(|e| err(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| err(e.to_string()))?;
        Ok(S3 {
            bucket: bucket.to_owned(),
            store: Arc::new(store),
            runtime: Arc::new(runtime),
            received: Arc::default(),
            retries: config.retries,
        })
    }

    /// `s3://bucket/key`, for messages.
    pub fn url(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    fn error(&self, key: &str, e: object_store::Error) -> NetError {
        let url = self.url(key);
        match e {
            object_store::Error::NotFound { .. } => NetError::Status { url, status: 404 },
            other => NetError::Transport {
                url,
                message: other.to_string(),
            },
        }
    }

    /// Bytes of object bodies received so far.
    pub fn received(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn count(&self, n: usize) {
        self.received
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The size of an object.
    pub fn len(&self, key: &str) -> Result<u64, NetError> {
        let path = ObjectPath::from(key);
        self.runtime
            .block_on(self.store.head(&path))
            .map(|m| m.size)
            .map_err(|e| self.error(key, e))
    }

    /// The bytes `offset..offset + buf.len()` of an object.
    pub fn read_range(&self, key: &str, offset: u64, buf: &mut [u8]) -> Result<(), NetError> {
        if buf.is_empty() {
            return Ok(());
        }
        let path = ObjectPath::from(key);
        let range = offset..offset + buf.len() as u64;
        let bytes = self
            .runtime
            .block_on(self.store.get_range(&path, range))
            .map_err(|e| self.error(key, e))?;
        self.count(bytes.len());
        if bytes.len() != buf.len() {
            return Err(NetError::cut(&self.url(key)));
        }
        buf.copy_from_slice(&bytes);
        Ok(())
    }

    /// The objects directly under `prefix` (no trailing `/`; empty for the bucket's root), as
    /// keys and sizes, and the "folders" there.
    pub fn list(&self, prefix: &str) -> Result<Listing, NetError> {
        let p = (!prefix.is_empty()).then(|| ObjectPath::from(prefix));
        let listed = self
            .runtime
            .block_on(self.store.list_with_delimiter(p.as_ref()))
            .map_err(|e| self.error(prefix, e))?;
        let objects = listed
            .objects
            .into_iter()
            .map(|m| (m.location.to_string(), m.size))
            .collect();
        let folders = listed
            .common_prefixes
            .into_iter()
            .map(|p| p.to_string())
            .collect();
        Ok((objects, folders))
    }

    /// A whole object of at most `limit` bytes.
    pub fn get_bytes(&self, key: &str, limit: u64) -> Result<Vec<u8>, NetError> {
        let len = self.len(key)?;
        if len > limit {
            return Err(NetError::TooLarge {
                url: self.url(key),
                limit,
            });
        }
        let mut buf = vec![0u8; len as usize];
        self.read_range(key, 0, &mut buf)?;
        Ok(buf)
    }
}

/// An object of a bucket read by ranges: the format library's [`ReadAt`] over S3.
pub struct S3Source {
    s3: S3,
    key: String,
    len: u64,
    failure: super::source::Failure,
}

impl S3Source {
    pub fn open(s3: &S3, key: &str) -> Result<S3Source, NetError> {
        Ok(S3Source {
            len: s3.len(key)?,
            s3: s3.clone(),
            key: key.to_owned(),
            failure: Arc::new(Mutex::new(None)),
        })
    }
}

impl ReadAt for S3Source {
    fn len(&self) -> io::Result<u64> {
        Ok(self.len)
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if offset
            .checked_add(buf.len() as u64)
            .is_none_or(|end| end > self.len)
        {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "failed to fill whole buffer",
            ));
        }
        self.s3.read_range(&self.key, offset, buf).map_err(|e| {
            if let Ok(mut slot) = self.failure.lock() {
                slot.get_or_insert_with(|| e.clone());
            }
            e.into_io()
        })
    }

    fn sparse(&self) -> bool {
        true
    }

    fn failure(&self) -> Option<io::Error> {
        let slot = self.failure.lock().ok()?;
        slot.as_ref().map(|e| io::Error::other(e.detail()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_split_into_bucket_and_key() {
        assert_eq!(
            parse_s3_url("s3://archive/mirror/"),
            Some(("archive".into(), "mirror".into()))
        );
        assert_eq!(
            parse_s3_url("s3://archive/bundles/r1.zip"),
            Some(("archive".into(), "bundles/r1.zip".into()))
        );
        assert_eq!(
            parse_s3_url("s3://archive"),
            Some(("archive".into(), "".into()))
        );
        assert_eq!(parse_s3_url("s3:///x"), None);
        assert_eq!(parse_s3_url("http://x/y"), None);
    }
}
