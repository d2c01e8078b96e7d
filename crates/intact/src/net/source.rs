//! A bundle on a web server, read by byte ranges: the format library's [`ReadAt`] over HTTP.
//!
//! Opening asks for the last [`TAIL`] bytes with a suffix range (`Range: bytes=-N`), which gives
//! the length and, in one request, the end records and for most bundles the whole central
//! directory; a server that refuses suffix ranges gets a HEAD (for the length) and an explicit
//! range. Every later read is one range request, retried with back-off.

use std::io;
use std::sync::{Arc, Mutex};

use super::{Http, NetError, ReadAt};

/// How much of the end of a bundle the first request reads.
pub const TAIL: u64 = 1 << 20;

/// A remote ZIP read by ranges.
pub struct HttpSource {
    http: Http,
    url: String,
    len: u64,
    /// The last bytes of the object (the first request's answer), served without a request.
    tail: Vec<u8>,
    /// The first read that failed for good (after its retries): the verifier sees an I/O
    /// error; the caller, through [`HttpSource::failures`], that the network failed (exit 2),
    /// not the bundle.
    failure: Failure,
}

/// Where an [`HttpSource`] records its first network failure.
pub type Failure = Arc<Mutex<Option<NetError>>>;

impl HttpSource {
    /// Learns the object's length and reads its tail.
    pub fn open(http: &Http, url: &str) -> Result<HttpSource, NetError> {
        let (tail, len) = match http.get_suffix(url, TAIL)? {
            Some(found) => found,
            None => {
                let len = http.head_len(url)?;
                let n = len.min(TAIL);
                let mut tail = vec![0u8; n as usize];
                http.get_range(url, len - n, &mut tail, len)?;
                (tail, len)
            }
        };
        Ok(HttpSource {
            http: http.clone(),
            url: url.to_owned(),
            len,
            tail,
            failure: Failure::default(),
        })
    }

    /// The slot where the first failed read is recorded.
    pub fn failures(&self) -> Failure {
        self.failure.clone()
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl ReadAt for HttpSource {
    fn len(&self) -> io::Result<u64> {
        Ok(self.len)
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.len)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "failed to fill whole buffer")
            })?;
        let tail_at = self.len - self.tail.len() as u64;
        if offset >= tail_at {
            let start = (offset - tail_at) as usize;
            buf.copy_from_slice(&self.tail[start..start + buf.len()]);
            return Ok(());
        }
        // A range that ends inside the tail: ask only for the part before it.
        let split = if end > tail_at {
            (tail_at - offset) as usize
        } else {
            buf.len()
        };
        let (remote, cached) = buf.split_at_mut(split);
        cached.copy_from_slice(&self.tail[..cached.len()]);
        self.http
            .get_range(&self.url, offset, remote, self.len)
            .map_err(|e| {
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
