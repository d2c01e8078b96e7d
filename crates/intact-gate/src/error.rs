//! Typed errors of the gate. They are for the caller's mistakes and I/O failures; a file that
//! cannot be read or parsed is not an error but a finding (fail closed).

use std::path::PathBuf;

/// An error that stops a scan before it can produce a report.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// Reading a file or directory failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The source to scan does not exist or is not a directory.
    #[error("{}: not a directory", path.display())]
    NotADirectory { path: PathBuf },
    /// A deny-list file is not valid (the line content is never included).
    #[error("{}:{line}: {reason}", path.display())]
    DenyList {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// An exception file is not valid.
    #[error("{}:{line}: {reason}", path.display())]
    Exceptions {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// A metadata file could not be parsed as CSV or JSON.
    #[error("{}: {reason}", path.display())]
    Metadata { path: PathBuf, reason: String },
}
