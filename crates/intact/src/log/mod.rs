//! The public release log (docs/RELEASES.md): a directory holding, per release, its
//! `release.json`, `manifest.json` and signatures, in `000001/`, `000002/`, …; appending a
//! verified release, verifying the whole chain (and a mirror's bundles against it), rollback
//! and fork protection with a mirror state file, and the archive's status.
//!
//! [`read`] is the one reader of a log directory (what is an entry, what an entry holds); the
//! commands are [`append`], [`verify_log`] (with the mirror's [`state`]) and [`status`].

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::digest::Sha256Digest;
use crate::fs::{PathError, WriteError};
use crate::manifest::Manifest;
use crate::release::Statement;
use crate::verify;

mod append;
pub mod fleet;
mod mirror;
mod read;
mod remote_bundles;
pub(crate) mod state;
mod status;
mod timestamps;
mod tlog;
mod tlog_ops;
pub(crate) mod tlog_verify;
mod verify_log;
mod witness;

pub use append::{append, append_with_progress, AppendReport};
pub use fleet::{Fleet, DEFAULT_MEMORY_LIMIT};
pub use mirror::MirrorNote;
pub use read::{entry_dirs, entry_seq, fold, read_log, EntryDirs};
pub use state::MirrorState;
pub use status::{status, StatusReport};
pub use tlog::{
    checkpoint_path, cosigned_note, layout, read_signer_key, read_verifier_key, read_witnesses,
    LAYOUT_2, TLOG_DIR,
};
pub use tlog_ops::{
    append_signed, check_inclusion, compare, prove, upgrade, upgrade_state, CompareReport,
    InclusionCheck, Side, UpgradeReport,
};
pub use tlog_verify::{check_checkpoints, consistent, Evidence, TlogPolicy, TlogReport};
pub use verify_log::{
    verify_entry, verify_log, verify_log_with, LogReport, LogVerifyOptions, ReleaseCheck,
};
pub use witness::{cosign, WitnessReport, WitnessState, WITNESS_STATE_FORMAT};

/// Digits of a log entry's directory name.
pub const SEQ_WIDTH: usize = 6;
/// Format id of a mirror state file.
pub const STATE_FORMAT: &str = "intact-mirror-state/1";
/// Format id of a mirror state file that holds a signed checkpoint (FORMAT.md §15.4).
pub const STATE_FORMAT_2: &str = "intact-mirror-state/2";

/// A log or state file that could not be used at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    State { path: PathBuf, message: String },
    #[error(transparent)]
    Verify(#[from] verify::VerifyError),
}

impl From<PathError> for LogError {
    fn from(e: PathError) -> LogError {
        LogError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

impl From<WriteError> for LogError {
    fn from(e: WriteError) -> LogError {
        e.into_path_error().into()
    }
}

/// One problem, naming the release (and entry) it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogProblem {
    pub seq: Option<u64>,
    pub release: Option<String>,
    pub path: String,
    pub message: String,
}

/// One release of the log as read from disk.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    pub dir: PathBuf,
    pub release_json: Vec<u8>,
    pub statement: Option<Statement>,
    pub manifest: Option<Manifest>,
    pub signatures: Vec<(String, Vec<u8>)>,
}

impl Entry {
    /// SHA-256 of `release.json`.
    pub fn bundle_id(&self) -> String {
        Sha256Digest::of(&self.release_json).to_hex()
    }
}

/// The directory name of entry `seq` (`000001`, …).
fn seq_name(seq: u64) -> String {
    format!("{seq:0width$}", width = SEQ_WIDTH)
}

/// Whether `dir` is laid out as a release log (holds `000001/`).
pub fn is_log_dir(dir: &Path) -> bool {
    dir.join(seq_name(1)).is_dir()
}
