//! `intact witness cosign` (FORMAT.md §15.3): a witness checks the log's head checkpoint — the
//! log key's signature, the tree of the log's entries, and consistency with the last checkpoint
//! of this log it cosigned — and only then adds its cosignature/v1 beside the checkpoint. On an
//! inconsistency it refuses and writes the two signed checkpoints that prove the fork.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::read::read_existing_log;
use super::tlog::{
    self, checkpoint_path, cosignature_dir, cosignature_file, leaves, read_note_bytes,
};
use super::tlog_verify::consistent;
use super::LogError;
use crate::fs::{At as _, Mode};
use crate::merkle;
use crate::tlog::cosignature;
use crate::tlog::proofs::signed_checkpoint;
use crate::tlog::{SignerKey, VerifierKey};

/// Format id of a witness state file.
pub const WITNESS_STATE_FORMAT: &str = "intact-witness-state/1";

/// What a witness remembers: per log origin, the last checkpoint it cosigned (the note signed
/// by the log key, without cosignatures).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessState {
    pub state: String,
    pub logs: BTreeMap<String, String>,
}

/// What `witness cosign` did (`--json`, format `intact-witness-cosign/1`).
#[derive(Debug, Clone, Serialize)]
pub struct WitnessReport {
    pub report: &'static str,
    pub log: PathBuf,
    pub origin: Option<String>,
    pub size: Option<u64>,
    /// The size of the checkpoint this witness had cosigned before (none: first time).
    pub previous_size: Option<u64>,
    pub cosigned: bool,
    /// The cosignature's time (seconds since the Unix epoch).
    pub time: Option<u64>,
    /// Where the cosignature was written.
    pub cosignature: Option<PathBuf>,
    /// Why it was refused.
    pub problems: Vec<String>,
    /// On a fork or rollback: the files holding the checkpoint cosigned before (`seen`) and the
    /// one shown now (`shown`), both signed by the log key.
    pub evidence: Vec<PathBuf>,
}

impl WitnessState {
    fn load(path: &Path) -> Result<WitnessState, LogError> {
        let bytes = match tlog::read_small(path, 16 << 20)? {
            Some(b) => b,
            None if !path.exists() => {
                return Ok(WitnessState {
                    state: WITNESS_STATE_FORMAT.into(),
                    logs: BTreeMap::new(),
                })
            }
            None => {
                return Err(LogError::State {
                    path: path.to_owned(),
                    message: "not a file, or larger than 16 MiB".into(),
                })
            }
        };
        let s: WitnessState = serde_json::from_slice(&bytes).map_err(|e| LogError::State {
            path: path.to_owned(),
            message: format!("malformed witness state: {e}"),
        })?;
        if s.state != WITNESS_STATE_FORMAT {
            return Err(LogError::State {
                path: path.to_owned(),
                message: format!("state format '{}' is not {WITNESS_STATE_FORMAT}", s.state),
            });
        }
        Ok(s)
    }
}

/// Checks the head checkpoint of `log` and cosigns it with `key` at `time`, remembering it in
/// the witness state at `state`. A refusal is a report with `cosigned: false` (nothing added to
/// the log, the state unchanged); on a fork or rollback the evidence is written to `evidence`.
pub fn cosign(
    log: &Path,
    key: &SignerKey,
    state: &Path,
    log_key: &VerifierKey,
    evidence: &Path,
    time: u64,
) -> Result<WitnessReport, LogError> {
    let mut r = WitnessReport {
        report: "intact-witness-cosign/1",
        log: log.to_owned(),
        origin: Some(log_key.name.clone()),
        size: None,
        previous_size: None,
        cosigned: false,
        time: None,
        cosignature: None,
        problems: Vec::new(),
        evidence: Vec::new(),
    };
    let mut ws = WitnessState::load(state)?;
    if tlog::layout(log)? != 2 {
        r.problems
            .push("the log has no signed checkpoints (layout 1, FORMAT.md §15)".into());
        return Ok(r);
    }
    let (entries, problems) = read_existing_log(log)?;
    if let Some(p) = problems.first() {
        r.problems.push(format!("{}: {}", p.path, p.message));
        return Ok(r);
    }
    let l = leaves(&entries);
    let n = l.len() as u64;
    let head_path = checkpoint_path(log, n);
    let Some(head) = read_note_bytes(&head_path)?.filter(|_| n > 0) else {
        r.problems
            .push(format!("{}: no head checkpoint", head_path.display()));
        return Ok(r);
    };
    let cp = match signed_checkpoint(&head, log_key) {
        Ok(cp) => cp,
        Err(e) => {
            r.problems.push(format!("{}: {e}", head_path.display()));
            return Ok(r);
        }
    };
    r.size = Some(cp.size);
    if cp.size != n || cp.root != merkle::root(&l) {
        r.problems.push(format!(
            "{}: the head checkpoint is not the tree of the log's {n} entries",
            head_path.display()
        ));
        return Ok(r);
    }
    if let Some(prior) = ws.logs.get(&log_key.name) {
        if let Ok(old) = signed_checkpoint(prior.as_bytes(), log_key) {
            r.previous_size = Some(old.size);
            if let Err(m) = consistent(&old, &l) {
                r.problems.push(m);
                r.evidence = write_evidence(evidence, prior.as_bytes(), &head, log, old.size)?;
                return Ok(r);
            }
        }
    }
    let line = cosignature::cosign(&cp.to_text(), time, key)
        .ok_or_else(|| LogError::State {
            path: log.to_owned(),
            message: "the witness key is not a cosignature/v1 key (type 0x04)".into(),
        })?
        .line();
    let dir = cosignature_dir(log, n);
    std::fs::create_dir_all(&dir).at(&dir)?;
    let file = dir.join(cosignature_file(&key.verifier()));
    crate::fs::write_atomically(&file, line.as_bytes(), Mode::Public, true)?;
    ws.logs.insert(
        log_key.name.clone(),
        String::from_utf8_lossy(&head).into_owned(),
    );
    let mut bytes = serde_json::to_vec_pretty(&ws).unwrap_or_default();
    bytes.push(b'\n');
    crate::fs::write_atomically(state, &bytes, Mode::Private, true)?;
    r.cosigned = true;
    r.time = Some(time);
    r.cosignature = Some(file);
    Ok(r)
}

/// Writes the checkpoint cosigned before (`seen.checkpoint`), the head shown now
/// (`shown.checkpoint`) and, when the shown log stores one, its own signed checkpoint of the
/// size seen before (`shown-<size>.checkpoint`: same key, same size, another root).
fn write_evidence(
    dir: &Path,
    seen: &[u8],
    shown: &[u8],
    log: &Path,
    seen_size: u64,
) -> Result<Vec<PathBuf>, LogError> {
    std::fs::create_dir_all(dir).at(dir)?;
    let mut out = Vec::new();
    let mut put = |name: String, bytes: &[u8]| -> Result<(), LogError> {
        let p = dir.join(name);
        crate::fs::write_atomically(&p, bytes, Mode::Public, true)?;
        out.push(p);
        Ok(())
    };
    put("seen.checkpoint".into(), seen)?;
    put("shown.checkpoint".into(), shown)?;
    if seen_size > 0 {
        if let Some(b) = read_note_bytes(&checkpoint_path(log, seen_size))? {
            put(format!("shown-{seen_size}.checkpoint"), &b)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn witness_state_files() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("state.json");
        let s = WitnessState::load(&p).unwrap();
        assert_eq!((s.state.as_str(), s.logs.len()), (WITNESS_STATE_FORMAT, 0));
        for bad in [
            "",
            "{}",
            r#"{"state":"intact-witness-state/2","logs":{}}"#,
            r#"{"state":"intact-witness-state/1","logs":{},"x":1}"#,
        ] {
            std::fs::write(&p, bad).unwrap();
            assert!(WitnessState::load(&p).is_err(), "{bad}");
        }
        std::fs::write(&p, r#"{"state":"intact-witness-state/1","logs":{"o":"n"}}"#).unwrap();
        assert_eq!(WitnessState::load(&p).unwrap().logs["o"], "n");
    }

    #[test]
    fn refuses_a_layout_1_log_and_a_log_key_as_witness_key() {
        use crate::tlog::KeyType;
        let d = tempfile::tempdir().unwrap();
        let log_key = SignerKey::from_seed("o", KeyType::Ed25519, &[1; 32]).unwrap();
        let st = d.path().join("s.json");
        let r = cosign(d.path(), &log_key, &st, &log_key.verifier(), d.path(), 1).unwrap();
        assert!(!r.cosigned && r.problems[0].contains("layout 1"));
        assert!(!st.exists(), "nothing remembered");
    }
}
