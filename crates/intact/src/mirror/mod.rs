//! `intact mirror`: a mirror of a published folder (`log/`, `bundles/`, `index.json`) pulled
//! over the network and verified before anything is named in it (docs/MIRRORS.md).
//!
//! [`index`] is the published folder's list of files; [`pull`] the pull; [`download`] one
//! file's transfer. Where the files come from is a [`Store`]: a website ([`HttpStore`]).

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
    /// The bytes of a file of `size` bytes from `offset` on.
    fn stream_from(&self, rel: &str, offset: u64, size: u64) -> Result<Box<dyn Read>, NetError>;
    /// Counts `n` bytes received through [`Store::stream_from`].
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

    fn stream_from(&self, rel: &str, offset: u64, size: u64) -> Result<Box<dyn Read>, NetError> {
        let r = self.http.get_from(&self.name(rel), offset, Some(size))?;
        Ok(Box::new(r))
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
