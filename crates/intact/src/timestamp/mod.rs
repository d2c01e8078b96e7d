//! Trusted time (FORMAT.md §16, docs/TRUST.md): `intact timestamp` asks RFC 3161
//! time-stamping authorities for tokens over a release's `release.json` and stores them outside
//! the bundle ([`store`]); `verify`, `check` and `log verify` check the stored tokens against
//! trusted TSA roots and judge keys at the earliest trusted time ([`evidence`]).
//!
//! The checks of a token are the format's ([`intact_format::timestamp`]); this module adds the
//! network ([`client`], the one HTTP POST) and the files.

pub mod check;
pub mod client;
pub mod evidence;
pub mod stamp;
pub mod store;

use std::path::PathBuf;

pub use intact_format::timestamp::*;

use crate::fs::PathError;

/// Why `intact timestamp` (or reading stored tokens) could not go on.
#[derive(Debug, thiserror::Error)]
pub enum TimestampError {
    /// The TSA could not be reached, or answered with an HTTP error (exit 2).
    #[error("{url}: {message}")]
    Http { url: String, message: String },
    /// The TSA answered, but no token (a refusal, or bytes that are no reply).
    #[error("{url}: {source}")]
    Reply { url: String, source: ReplyError },
    /// The TSA's token does not answer the request (another imprint or nonce, a bad signature…).
    #[error("{url}: the token does not answer the request: {source}")]
    Token { url: String, source: TokenError },
    #[error(transparent)]
    Io(#[from] PathError),
    #[error(transparent)]
    Roots(#[from] RootsError),
    /// The target is neither a bundle nor a log entry with a readable `release.json`.
    #[error("{path}: {message}")]
    Target { path: PathBuf, message: String },
}

impl From<crate::fs::WriteError> for TimestampError {
    fn from(e: crate::fs::WriteError) -> TimestampError {
        TimestampError::Io(e.into_path_error())
    }
}

/// The trusted-time options of `verify`, `check` and `log verify`.
pub struct TimeOptions {
    /// Trusted TSA roots (`--tsa-certs`).
    pub roots: TsaRoots,
    /// Trusted tokens required per release (`--require-timestamp`; 0: none).
    pub required: usize,
}
