//! The HTTP client of mirrors and remote bundles (docs/MIRRORS.md): a blocking ureq agent,
//! range requests, bounded retries with back-off, and a count of the bytes that arrived.
//!
//! Nothing here reads the environment (no proxy from `HTTP_PROXY`): the caller's options are
//! the whole configuration.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ureq::http::{header, Response, StatusCode};
use ureq::Body;

use super::NetError;

/// How the client behaves: timeouts and retries.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Connecting, and waiting for any one read of a response, give up after this long.
    pub timeout: Duration,
    /// Attempts after the first, for a failed connection, a cut response, 429 or a 5xx.
    pub retries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub backoff: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(30),
            retries: 4,
            backoff: Duration::from_millis(250),
        }
    }
}

/// A shared HTTP client: one connection pool, one count of bytes received.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    opts: HttpOptions,
    received: Arc<AtomicU64>,
}

/// A response's status and body, for one attempt.
type Attempt = Result<Response<Body>, NetError>;

impl Http {
    pub fn new(opts: HttpOptions) -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_connect(Some(opts.timeout))
            .timeout_recv_response(Some(opts.timeout))
            .timeout_per_read(Some(opts.timeout))
            .max_idle_connections_per_host(32)
            .user_agent(concat!("intact/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Http {
            agent,
            opts,
            received: Arc::default(),
        }
    }

    /// Bytes of response bodies received so far (all requests of this client and its clones).
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub(crate) fn count(&self, n: usize) {
        self.received.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn options(&self) -> &HttpOptions {
        &self.opts
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are spent, waiting
    /// longer before each retry.
    pub(crate) fn with_retries<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, NetError>,
    ) -> Result<T, NetError> {
        let mut wait = self.opts.backoff;
        let mut left = self.opts.retries;
        loop {
            match attempt() {
                Err(e) if e.is_transient() && left > 0 => {
                    left -= 1;
                    std::thread::sleep(wait);
                    wait = wait.saturating_mul(2);
                }
                other => return other,
            }
        }
    }

    fn send(&self, method: &str, url: &str, range: Option<&str>) -> Attempt {
        let res = match (method, range) {
            ("HEAD", _) => self.agent.head(url).call(),
            (_, Some(r)) => self.agent.get(url).header(header::RANGE, r).call(),
            (_, None) => self.agent.get(url).call(),
        };
        res.map_err(|e| NetError::from_ureq(url, e))
    }

    /// A whole small object, at most `limit` bytes (a log file, the index).
    pub fn get_bytes(&self, url: &str, limit: u64) -> Result<Vec<u8>, NetError> {
        self.with_retries(|| {
            let res = self.send("GET", url, None)?;
            expect_status(url, &res, StatusCode::OK)?;
            read_body(self, url, res, limit)
        })
    }

    /// The length of the object at `url` (HEAD, `Content-Length`).
    pub fn head_len(&self, url: &str) -> Result<u64, NetError> {
        self.with_retries(|| {
            let res = self.send("HEAD", url, None)?;
            expect_status(url, &res, StatusCode::OK)?;
            header_u64(&res, header::CONTENT_LENGTH).ok_or_else(|| NetError::Protocol {
                url: url.to_owned(),
                message: "no Content-Length in the answer to HEAD".into(),
            })
        })
    }

    /// The last `n` bytes of the object and its length, by a suffix range (`bytes=-N`); `None`
    /// when the server does not answer one with a 206 that gives the length.
    pub fn get_suffix(&self, url: &str, n: u64) -> Result<Option<(Vec<u8>, u64)>, NetError> {
        self.with_retries(|| {
            let res = self.send("GET", url, Some(&format!("bytes=-{n}")))?;
            match res.status() {
                StatusCode::PARTIAL_CONTENT => {}
                // Ignored (200, the whole object: not read) or refused: the caller asks otherwise.
                s if s == StatusCode::OK
                    || s == StatusCode::RANGE_NOT_SATISFIABLE
                    || s == StatusCode::NOT_IMPLEMENTED
                    || s == StatusCode::BAD_REQUEST =>
                {
                    return Ok(None)
                }
                _ => expect_status(url, &res, StatusCode::PARTIAL_CONTENT)?,
            }
            let Some((start, end, total)) = content_range(&res) else {
                return Ok(None);
            };
            if end + 1 != total || end + 1 - start > n {
                return Ok(None);
            }
            let body = read_body(self, url, res, end + 1 - start)?;
            if body.len() as u64 != end + 1 - start {
                return Err(NetError::cut(url));
            }
            Ok(Some((body, total)))
        })
    }

    /// Fills `buf` with the bytes at `offset` of an object of `total` bytes (one range request,
    /// retried).
    pub fn get_range(
        &self,
        url: &str,
        offset: u64,
        buf: &mut [u8],
        total: u64,
    ) -> Result<(), NetError> {
        if buf.is_empty() {
            return Ok(());
        }
        let last = offset + buf.len() as u64 - 1;
        self.with_retries(|| {
            let res = self.send("GET", url, Some(&format!("bytes={offset}-{last}")))?;
            check_range(url, &res, offset, Some(last), total)?;
            let mut body = res.into_body().into_reader();
            fill(self, url, &mut body, buf)
        })
    }

    /// A streaming body of the bytes `offset..end` of an object of `total` bytes (the whole
    /// object without a range when that is all of it): to download or resume a file, or a part
    /// of one.
    pub fn get_span(
        &self,
        url: &str,
        offset: u64,
        end: u64,
        total: u64,
    ) -> Result<impl Read + 'static, NetError> {
        if offset >= end || end > total {
            return Err(NetError::Protocol {
                url: url.to_owned(),
                message: format!("no bytes {offset}..{end} in a file of {total} bytes"),
            });
        }
        self.with_retries(|| {
            if offset == 0 && end == total {
                let res = self.send("GET", url, None)?;
                expect_status(url, &res, StatusCode::OK)?;
                return Ok(res.into_body().into_reader());
            }
            let last = end - 1;
            let res = self.send("GET", url, Some(&format!("bytes={offset}-{last}")))?;
            check_range(url, &res, offset, Some(last), total)?;
            Ok(res.into_body().into_reader())
        })
    }
}

/// Refuses any status but `want` (404 and others: an error naming the URL and the status).
fn expect_status(url: &str, res: &Response<Body>, want: StatusCode) -> Result<(), NetError> {
    if res.status() == want {
        return Ok(());
    }
    Err(NetError::Status {
        url: url.to_owned(),
        status: res.status().as_u16(),
    })
}

/// A 206 whose `Content-Range` is exactly the range asked for (to `last`, or the end).
fn check_range(
    url: &str,
    res: &Response<Body>,
    offset: u64,
    last: Option<u64>,
    total: u64,
) -> Result<(), NetError> {
    if res.status() == StatusCode::OK {
        return Err(NetError::Protocol {
            url: url.to_owned(),
            message: "the server ignored a range request (answered 200 with the whole file)".into(),
        });
    }
    expect_status(url, res, StatusCode::PARTIAL_CONTENT)?;
    let want_last = last.unwrap_or(total.saturating_sub(1));
    match content_range(res) {
        Some((s, e, t)) if s == offset && e == want_last && t == total => Ok(()),
        Some((_, _, t)) if t != total => Err(NetError::Protocol {
            url: url.to_owned(),
            message: format!("the file changed while being read ({total} bytes, now {t})"),
        }),
        _ => Err(NetError::Protocol {
            url: url.to_owned(),
            message: format!("the server answered another range than bytes={offset}-{want_last}"),
        }),
    }
}

/// `Content-Range: bytes START-END/TOTAL`.
fn content_range(res: &Response<Body>) -> Option<(u64, u64, u64)> {
    let v = res.headers().get(header::CONTENT_RANGE)?.to_str().ok()?;
    let rest = v.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (s, e) = range.split_once('-')?;
    let (s, e, t): (u64, u64, u64) = (s.parse().ok()?, e.parse().ok()?, total.parse().ok()?);
    (s <= e && e < t).then_some((s, e, t))
}

fn header_u64(res: &Response<Body>, name: header::HeaderName) -> Option<u64> {
    res.headers().get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Reads a body of at most `limit` bytes.
fn read_body(http: &Http, url: &str, res: Response<Body>, limit: u64) -> Result<Vec<u8>, NetError> {
    let mut out = Vec::new();
    let mut r = res.into_body().into_reader().take(limit + 1);
    r.read_to_end(&mut out)
        .map_err(|e| NetError::from_io(url, e))?;
    http.count(out.len());
    if out.len() as u64 > limit {
        return Err(NetError::TooLarge {
            url: url.to_owned(),
            limit,
        });
    }
    Ok(out)
}

/// Fills `buf` from a body that must hold exactly that many bytes.
fn fill(http: &Http, url: &str, body: &mut impl Read, buf: &mut [u8]) -> Result<(), NetError> {
    let mut got = 0;
    while got < buf.len() {
        match body.read(&mut buf[got..]) {
            Ok(0) => return Err(NetError::cut(url)),
            Ok(n) => {
                http.count(n);
                got += n;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(NetError::from_io(url, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, range: Option<&str>) -> Response<Body> {
        let mut b = Response::builder().status(status);
        if let Some(r) = range {
            b = b.header(header::CONTENT_RANGE, r);
        }
        b.body(Body::builder().data(Vec::<u8>::new())).unwrap()
    }

    #[test]
    fn content_ranges_are_read_strictly() {
        assert_eq!(
            content_range(&response(206, Some("bytes 0-9/100"))),
            Some((0, 9, 100))
        );
        for bad in [
            "bytes 9-0/100",
            "bytes 0-100/100",
            "bytes */100",
            "items 0-1/2",
            "bytes 0-1/x",
        ] {
            assert_eq!(content_range(&response(206, Some(bad))), None, "{bad}");
        }
    }

    #[test]
    fn a_range_answer_must_be_the_range_asked_for() {
        let ok = response(206, Some("bytes 10-19/100"));
        assert!(check_range("u", &ok, 10, Some(19), 100).is_ok());
        let e = check_range("u", &ok, 11, Some(19), 100).unwrap_err();
        assert!(e.to_string().contains("another range"), "{e}");
        let e = check_range("u", &ok, 10, Some(19), 101).unwrap_err();
        assert!(e.to_string().contains("changed while being read"), "{e}");
        let e = check_range("u", &response(200, None), 10, Some(19), 100).unwrap_err();
        assert!(e.to_string().contains("ignored a range request"), "{e}");
        let e = check_range("u", &response(404, None), 10, Some(19), 100).unwrap_err();
        assert_eq!(e.to_string(), "u: HTTP 404 Not Found");
    }
}
