//! Reading bundles and mirrors over the network (docs/MIRRORS.md): an HTTP client
//! ([`http`]), a bundle on a web server read by ranges ([`HttpSource`], the format library's
//! [`ReadAt`]), and where a name on the command line points ([`Location`]).
//!
//! The format library reads no network: it reads a [`ReadAt`], and a remote bundle is one.

pub mod http;
pub mod remote;
pub mod s3;
mod source;

pub use http::{Http, HttpOptions};
pub use source::{Failure, HttpSource};

use std::io;

pub use crate::source::ReadAt;

/// A network operation failed: always with the URL it was about (exit 2, but for a body that
/// is not what it must be, which is the caller's finding).
#[derive(Debug, Clone, thiserror::Error)]
pub enum NetError {
    #[error("{url}: HTTP {status} {}", reason(*status))]
    Status { url: String, status: u16 },
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: timed out")]
    Timeout { url: String },
    #[error("{url}: the connection ended before the whole answer arrived")]
    Cut { url: String },
    #[error("{url}: {message}")]
    Protocol { url: String, message: String },
    #[error("{url}: more than the {limit} bytes allowed")]
    TooLarge { url: String, limit: u64 },
}

fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

impl NetError {
    pub(crate) fn cut(url: &str) -> NetError {
        NetError::Cut {
            url: url.to_owned(),
        }
    }

    /// Worth another attempt: the connection, not the answer, failed (or the server said so).
    pub fn is_transient(&self) -> bool {
        match self {
            NetError::Status { status, .. } => *status == 429 || *status >= 500,
            NetError::Transport { .. } | NetError::Timeout { .. } | NetError::Cut { .. } => true,
            NetError::Protocol { .. } | NetError::TooLarge { .. } => false,
        }
    }

    pub(crate) fn from_ureq(url: &str, e: ureq::Error) -> NetError {
        let url = url.to_owned();
        match e {
            ureq::Error::StatusCode(status) => NetError::Status { url, status },
            ureq::Error::Timeout(_) => NetError::Timeout { url },
            ureq::Error::Io(e) => NetError::from_io(&url, e),
            ureq::Error::BodyExceedsLimit(limit) => NetError::TooLarge { url, limit },
            other => NetError::Transport {
                url,
                message: other.to_string(),
            },
        }
    }

    pub(crate) fn from_io(url: &str, e: io::Error) -> NetError {
        let url = url.to_owned();
        // ureq wraps its own errors in io::Error when read through a body reader.
        let e = match e.downcast::<ureq::Error>() {
            Ok(u) => return NetError::from_ureq(&url, u),
            Err(e) => e,
        };
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => NetError::Timeout { url },
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => NetError::Cut { url },
            _ => NetError::Transport {
                url,
                message: e.to_string(),
            },
        }
    }

    /// The message without the URL it is about (for a report that names the URL already).
    pub fn detail(&self) -> String {
        let url = match self {
            NetError::Status { url, .. }
            | NetError::Transport { url, .. }
            | NetError::Timeout { url }
            | NetError::Cut { url }
            | NetError::Protocol { url, .. }
            | NetError::TooLarge { url, .. } => url,
        };
        let s = self.to_string();
        s.strip_prefix(url.as_str())
            .and_then(|r| r.strip_prefix(": "))
            .map_or(s.clone(), str::to_owned)
    }

    /// As an I/O error, for the [`ReadAt`] a verifier reads through (the message keeps the
    /// URL; [`NetError::from_read`] gets this error back).
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// The network error behind an I/O error of a remote read, if it is one.
    pub fn from_read(e: &io::Error) -> Option<&NetError> {
        e.get_ref()?.downcast_ref::<NetError>()
    }
}

/// Whether a command-line name is a URL (`http://`, `https://`) rather than a path.
pub fn is_url(name: &str) -> bool {
    let lower = name.get(..8).unwrap_or(name).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `base` and a relative path of safe names joined by `/` (a base ending in `/` or not).
pub fn join(base: &str, rel: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("http://127.0.0.1:8080/b.zip"));
        assert!(is_url("HTTPS://example.invalid/"));
        assert!(!is_url("http.zip"));
        assert!(!is_url("./http://x"));
        assert_eq!(join("http://h/m/", "log/000001"), "http://h/m/log/000001");
        assert_eq!(join("http://h/m", "index.json"), "http://h/m/index.json");
    }

    #[test]
    fn transient_failures_are_retried_and_answers_are_not() {
        let s = |status| NetError::Status {
            url: "u".into(),
            status,
        };
        assert!(s(503).is_transient() && s(429).is_transient());
        assert!(!s(404).is_transient() && !s(403).is_transient());
        assert!(NetError::cut("u").is_transient());
        assert_eq!(
            s(404).to_string(),
            "u: HTTP 404 Not Found",
            "the message names the URL and the status"
        );
        let io = NetError::cut("http://h/b.zip").into_io();
        assert!(matches!(
            NetError::from_read(&io),
            Some(NetError::Cut { .. })
        ));
    }
}
