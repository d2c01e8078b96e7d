//! The mirror state file (`log verify --state`): the newest release a mirror has verified, so a
//! log that was rolled back, or forked, is caught on the next run.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Entry, LogError, LogProblem, STATE_FORMAT, STATE_FORMAT_2};
use crate::archive::ArchiveState;
use crate::digest::Sha256Digest;
use crate::fs::{Mode, PathError};

/// The mirror's record of the newest release it has verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorState {
    pub state: String,
    pub collection: String,
    pub seq: u64,
    pub release: String,
    pub bundle_id: String,
    pub created: String,
    /// The head's checkpoint signed by the log key (state format `intact-mirror-state/2`,
    /// FORMAT.md §15.4): a later `log verify` proves the log consistent with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

impl MirrorState {
    pub(super) fn load(path: &Path) -> Result<Option<MirrorState>, LogError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(PathError::new(path, e).into()),
        };
        MirrorState::parse(&bytes, path).map(Some)
    }

    /// Reads the bytes of a state file (`path` only names it in errors): the state format id,
    /// a sequence number from 1, and a bundle id of 64 lowercase hex digits.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<MirrorState, LogError> {
        let s: MirrorState = serde_json::from_slice(bytes).map_err(|e| LogError::State {
            path: path.to_owned(),
            message: format!("malformed state file: {e}"),
        })?;
        let format_ok = match &s.checkpoint {
            None => s.state == STATE_FORMAT,
            Some(c) => {
                s.state == STATE_FORMAT_2
                    && c.len() as u64 <= crate::limits::Limits::DEFAULT.note_bytes
            }
        };
        if !format_ok || s.seq == 0 || Sha256Digest::from_hex(&s.bundle_id).is_none() {
            return Err(LogError::State {
                path: path.to_owned(),
                message: "malformed state file".into(),
            });
        }
        Ok(s)
    }

    /// The bytes [`MirrorState::save`] writes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// The state of a log whose head is `state.head()` (`None` for an empty log).
    fn of(
        entries: &[Entry],
        state: &ArchiveState,
        checkpoint: Option<String>,
    ) -> Option<MirrorState> {
        let h = state.head()?;
        Some(MirrorState {
            state: if checkpoint.is_some() {
                STATE_FORMAT_2
            } else {
                STATE_FORMAT
            }
            .into(),
            checkpoint,
            collection: state.collection.clone().unwrap_or_default(),
            seq: entries.len() as u64,
            release: h.release.clone(),
            bundle_id: h.bundle_id.clone(),
            created: h.created.clone(),
        })
    }

    /// Replaces the state file atomically (it stays private, mode 0600).
    pub(super) fn save(&self, path: &Path) -> Result<(), LogError> {
        crate::fs::write_atomically(path, &self.to_bytes(), Mode::Private, true)?;
        Ok(())
    }
}

/// Rollback and fork protection: loads what this mirror verified before (the state file at
/// `path`) and records a problem if the log no longer extends it. Returns the prior state.
pub(crate) fn check_prior(
    path: &Path,
    entries: &[Entry],
    state: &ArchiveState,
    problems: &mut Vec<LogProblem>,
) -> Result<Option<MirrorState>, LogError> {
    let prior = MirrorState::load(path)?;
    let Some(ps) = &prior else {
        return Ok(None);
    };
    let head_seq = entries.len() as u64;
    match entries.get((ps.seq - 1) as usize) {
        None => problems.push(LogProblem {
            seq: Some(head_seq),
            release: state.head().map(|h| h.release.clone()),
            path: path.display().to_string(),
            message: format!(
                "rollback: the log's head is entry {head_seq}, older than release {} (entry {}) that this mirror already verified",
                ps.release, ps.seq
            ),
        }),
        Some(e) if e.bundle_id() != ps.bundle_id => problems.push(LogProblem {
            seq: Some(ps.seq),
            release: e.statement.as_ref().map(|s| s.release.clone()),
            path: path.display().to_string(),
            message: format!(
                "fork: entry {} is not release {} ({}) that this mirror verified, but {}",
                ps.seq,
                ps.release,
                ps.bundle_id,
                e.bundle_id()
            ),
        }),
        Some(_) => {}
    }
    if state
        .collection
        .as_deref()
        .is_some_and(|c| c != ps.collection)
    {
        problems.push(LogProblem {
            seq: None,
            release: None,
            path: path.display().to_string(),
            message: format!("the state is for collection {}", ps.collection),
        });
    }
    Ok(prior)
}

/// Records the log's head in the state file at `path` unless it is there already; returns
/// whether the file was written.
pub(crate) fn record_head(
    path: &Path,
    prior: Option<&MirrorState>,
    entries: &[Entry],
    state: &ArchiveState,
    checkpoint: Option<String>,
) -> Result<bool, LogError> {
    let Some(new) = MirrorState::of(entries, state, checkpoint) else {
        return Ok(false);
    };
    if prior == Some(&new) {
        return Ok(false);
    }
    new.save(path)?;
    Ok(true)
}
