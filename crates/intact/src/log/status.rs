//! `log status`: the archive's current state as the log records it.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::read::{fold, read_existing_log};
use super::{LogError, LogProblem};
use crate::archive::{Current, Event, ReleaseRef};

/// The `log status` report (`--json`, format `intact-log-status/1`).
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub report: &'static str,
    pub log: PathBuf,
    /// Status is read without checking signatures (`log verify` does that).
    pub verified: bool,
    pub collection: Option<String>,
    pub releases: Vec<ReleaseRef>,
    pub current_items: usize,
    pub items: Vec<Current>,
    pub superseded: Vec<Event>,
    pub withdrawn: Vec<Event>,
    pub problems: Vec<LogProblem>,
}

/// The archive's current state from a log.
pub fn status(log: &Path) -> Result<StatusReport, LogError> {
    let (entries, mut problems) = read_existing_log(log)?;
    let state = fold(&entries, &mut problems);
    let (superseded, withdrawn) = state
        .history
        .iter()
        .cloned()
        .partition(|e| e.action == crate::manifest::ChangeAction::Superseded);
    Ok(StatusReport {
        report: "intact-log-status/1",
        log: log.to_owned(),
        verified: false,
        collection: state.collection.clone(),
        releases: state.releases.clone(),
        current_items: state.current.len(),
        items: state.current.values().cloned().collect(),
        superseded,
        withdrawn,
        problems,
    })
}
