//! `intact mirror`: a mirror of a published folder (`log/`, `bundles/`, `index.json`) pulled
//! over the network and verified before anything is named in it (docs/MIRRORS.md).
//!
//! [`index`] is the published folder's list of files; [`pull`] the pull; [`download`] one
//! file's transfer. Where the files come from is a [`Store`]: a website ([`HttpStore`]).

pub mod arriving;
pub mod download;
pub mod index;
pub mod pull;

use std::io::Read;
use std::time::Duration;

use crate::net::{join, Http, NetError};

pub use index::{write_index, Index, IndexFile, INDEX_FORMAT, INDEX_NAME};
pub use pull::{pull, PullOptions, PullReport};

/// Where a published folder's files are read from.
pub trait Store: Sync {
    /// The file at `rel` (`log/…`, `bundles/…`, `index.json`) as messages name it.
    fn name(&self, rel: &str) -> String;
    /// A whole small file, at most `limit` bytes.
    fn get_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, NetError>;
    /// The bytes `offset..end` of a file of `size` bytes, as a stream.
    fn stream_span(
        &self,
        rel: &str,
        offset: u64,
        end: u64,
        size: u64,
    ) -> Result<Box<dyn Read + '_>, NetError>;
    /// Fills `buf` with the bytes at `offset` of a file of `size` bytes (one request, retried).
    fn read_range(&self, rel: &str, offset: u64, buf: &mut [u8], size: u64)
        -> Result<(), NetError>;
    /// Counts `n` bytes received through [`Store::stream_span`].
    fn count(&self, n: usize);
    /// Bytes of response bodies received so far.
    fn received(&self) -> u64;
    /// How many times a transfer cut short is resumed, and the first wait before it.
    fn retries(&self) -> u32;
    fn backoff(&self) -> Duration;
}

/// A published folder on a website: `BASE/index.json`, `BASE/log/…`, `BASE/bundles/…`.
pub struct HttpStore {
    pub http: Http,
    pub base: String,
}

impl Store for HttpStore {
    fn name(&self, rel: &str) -> String {
        join(&self.base, rel)
    }

    fn get_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, NetError> {
        self.http.get_bytes(&self.name(rel), limit)
    }

    fn stream_span(
        &self,
        rel: &str,
        offset: u64,
        end: u64,
        size: u64,
    ) -> Result<Box<dyn Read + '_>, NetError> {
        let r = self.http.get_span(&self.name(rel), offset, end, size)?;
        Ok(Box::new(r))
    }

    fn read_range(
        &self,
        rel: &str,
        offset: u64,
        buf: &mut [u8],
        size: u64,
    ) -> Result<(), NetError> {
        self.http.get_range(&self.name(rel), offset, buf, size)
    }

    fn count(&self, n: usize) {
        self.http.count(n);
    }

    fn received(&self) -> u64 {
        self.http.received()
    }

    fn retries(&self) -> u32 {
        self.http.options().retries
    }

    fn backoff(&self) -> Duration {
        self.http.options().backoff
    }
}

/// A published folder in object storage: `s3://bucket/prefix/index.json`, `…/log/…`,
/// `…/bundles/…`.
pub struct S3Store {
    pub s3: crate::net::s3::S3,
    /// The key prefix (no trailing `/`; empty for the bucket's root).
    pub prefix: String,
    pub backoff: Duration,
}

impl S3Store {
    fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_owned()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }
}

/// Reads an object from an offset in ranges of [`S3_CHUNK`] bytes, one request each.
struct S3Reader<'a> {
    store: &'a S3Store,
    key: String,
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
}

/// The range of one request of an S3 download.
const S3_CHUNK: u64 = 8 << 20;

impl Read for S3Reader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            if self.pos == self.end {
                return Ok(0);
            }
            let n = (self.end - self.pos).min(S3_CHUNK) as usize;
            self.buf.resize(n, 0);
            self.store
                .s3
                .read_range(&self.key, self.pos, &mut self.buf)
                .map_err(NetError::into_io)?;
            self.pos += n as u64;
            self.at = 0;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Store for S3Store {
    fn name(&self, rel: &str) -> String {
        self.s3.url(&self.key(rel))
    }

    fn get_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, NetError> {
        self.s3.get_bytes(&self.key(rel), limit)
    }

    fn stream_span(
        &self,
        rel: &str,
        offset: u64,
        end: u64,
        _size: u64,
    ) -> Result<Box<dyn Read + '_>, NetError> {
        Ok(Box::new(S3Reader {
            store: self,
            key: self.key(rel),
            pos: offset,
            end,
            buf: Vec::new(),
            at: 0,
        }))
    }

    fn read_range(
        &self,
        rel: &str,
        offset: u64,
        buf: &mut [u8],
        _size: u64,
    ) -> Result<(), NetError> {
        self.s3.read_range(&self.key(rel), offset, buf)
    }

    /// Counted by the client as each range arrives.
    fn count(&self, _: usize) {}

    fn received(&self) -> u64 {
        self.s3.received()
    }

    fn retries(&self) -> u32 {
        self.s3.retries()
    }

    fn backoff(&self) -> Duration {
        self.backoff
    }
}
