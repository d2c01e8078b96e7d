//! Errors that stop validation before a report can be made: the bag root itself is unusable.
//! Everything about the bag's content is a [`crate::Problem`] in the report instead.

use std::path::PathBuf;

/// Why a bag directory could not be validated at all.
#[derive(Debug, thiserror::Error)]
pub enum BagitError {
    /// The bag path does not exist.
    #[error("{path}: no such bag directory")]
    NotFound { path: PathBuf },
    /// The bag path exists but is not a directory.
    #[error("{path}: not a directory (a bag is a directory)")]
    NotADirectory { path: PathBuf },
    /// The bag directory could not be read.
    #[error("{path}: cannot read bag directory: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
