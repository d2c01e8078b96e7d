//! Judging a log's checkpoints (FORMAT.md §15.4): every stored checkpoint signed by the log key
//! and equal to the tree of that many entries, the head cosigned by enough witnesses, and the
//! log consistent with the checkpoint this mirror verified before.

use std::path::Path;

use serde::Serialize;

use super::tlog::{self, checkpoint_path, cosigned_note, leaves, read_note_bytes};
use super::{Entry, LogError, LogProblem};
use crate::merkle::{self, Hash};
use crate::tlog::cosignature::cosigners;
use crate::tlog::proofs::signed_checkpoint;
use crate::tlog::{Checkpoint, Note, VerifierKey};

/// What a reader requires of a log's checkpoints.
#[derive(Debug, Clone, Default)]
pub struct TlogPolicy {
    /// The log's verifier key (FORMAT.md §15.1), from beside `allowed_signers`.
    pub log_key: Option<VerifierKey>,
    /// The witnesses whose cosignatures count.
    pub witnesses: Vec<VerifierKey>,
    /// How many of them must have cosigned the head checkpoint.
    pub threshold: usize,
}

/// Two signed checkpoints of the same log key that cannot both be true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// `fork` (same key, trees that do not extend one another) or `rollback` (a smaller tree
    /// than one seen before).
    pub kind: &'static str,
    /// The checkpoint seen before (a signed note).
    pub seen: String,
    /// The checkpoint shown now (a signed note).
    pub shown: String,
}

/// The transparency part of `log verify --json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TlogReport {
    /// 1 (entries only) or 2 (signed checkpoints, FORMAT.md §15).
    pub layout: u32,
    /// The head checkpoint with its stored cosignatures, as a signed note.
    pub checkpoint: Option<String>,
    /// The witnesses of the policy with a valid cosignature on the head, by key name.
    pub cosigned_by: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// The head checkpoint without cosignatures, for the mirror state (when all is valid).
    #[serde(skip)]
    pub head_note: Option<String>,
}

fn problem(problems: &mut Vec<LogProblem>, seq: Option<u64>, path: &Path, message: String) {
    problems.push(LogProblem {
        seq,
        release: None,
        path: path.display().to_string(),
        message,
    });
}

/// Checks the checkpoints of `log` (entries read already) under `policy`, and the log's
/// consistency with `prior` (the signed checkpoint a mirror state holds).
pub fn check(
    log: &Path,
    entries: &[Entry],
    policy: &TlogPolicy,
    prior: Option<&str>,
    problems: &mut Vec<LogProblem>,
) -> Result<TlogReport, LogError> {
    let mut r = TlogReport {
        layout: tlog::layout(log)?,
        ..TlogReport::default()
    };
    if r.layout == 1 {
        if policy.log_key.is_some() || policy.threshold > 0 || prior.is_some() {
            problem(problems, None, log, "the log has no signed checkpoints (layout 1, FORMAT.md §15): a log key, witnesses or a signed mirror state cannot be checked; upgrade the log".into());
        }
        return Ok(r);
    }
    let Some(key) = &policy.log_key else {
        problem(
            problems,
            None,
            log,
            "the log keeps signed checkpoints (layout 2): its verifier key is needed to check them"
                .into(),
        );
        return Ok(r);
    };
    let leaves = leaves(entries);
    check_tree(log, leaves.len() as u64, problems)?;
    check_stored(log, &leaves, key, problems)?;
    let n = leaves.len() as u64;
    if n > 0 {
        if let Some(note) = cosigned_note(log, n)? {
            check_witnesses(log, n, &note, policy, &mut r, problems);
            r.checkpoint = Some(String::from_utf8_lossy(&note.to_bytes()).into_owned());
        }
        r.head_note = read_note_bytes(&checkpoint_path(log, n))?
            .map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    if let Some(p) = prior {
        check_prior(log, p, &leaves, key, problems);
        r.evidence = evidence_of(log, p, &leaves, key)?;
    }
    Ok(r)
}

/// Nothing in `tlog/` but `layout`, `checkpoints/NNNNNN` and `cosignatures/NNNNNN/<hex>.sig`
/// (FORMAT.md §15.4), and no checkpoint or cosignature for a size the log (of `n` entries) does
/// not have: entries were removed, or something else was put there.
fn check_tree(log: &Path, n: u64, problems: &mut Vec<LogProblem>) -> Result<(), LogError> {
    let dir = log.join(tlog::TLOG_DIR);
    let list =
        |d: &Path| -> Result<Vec<(String, std::fs::FileType, std::path::PathBuf)>, LogError> {
            let mut v = Vec::new();
            for e in std::fs::read_dir(d).map_err(|e| crate::fs::PathError::new(d, e))? {
                let e = e.map_err(|e| crate::fs::PathError::new(d, e))?;
                let ft = e
                    .file_type()
                    .map_err(|err| crate::fs::PathError::new(&e.path(), err))?;
                v.push((e.file_name().to_string_lossy().into_owned(), ft, e.path()));
            }
            v.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(v)
        };
    let stray = |problems: &mut Vec<LogProblem>, p: &Path| {
        problem(
            problems,
            None,
            p,
            "not part of a layout-2 log (FORMAT.md §15.4)".into(),
        )
    };
    let beyond = |problems: &mut Vec<LogProblem>, p: &Path, s: u64| {
        problem(
            problems,
            Some(s),
            p,
            format!("for a size the log does not have (it has {n} entries): entries were removed"),
        )
    };
    for (name, ft, p) in list(&dir)? {
        match name.as_str() {
            "layout" if ft.is_file() => {}
            "checkpoints" if ft.is_dir() => {
                for (f, ft, p) in list(&p)? {
                    match super::read::entry_seq(&f) {
                        Some(s) if ft.is_file() && s <= n => {}
                        Some(s) if ft.is_file() => beyond(problems, &p, s),
                        _ => stray(problems, &p),
                    }
                }
            }
            "cosignatures" if ft.is_dir() => {
                for (f, ft, p) in list(&p)? {
                    match super::read::entry_seq(&f) {
                        Some(s) if ft.is_dir() => {
                            if s > n {
                                beyond(problems, &p, s);
                            }
                            for (c, ft, cp) in list(&p)? {
                                let hex = c.strip_suffix(".sig").unwrap_or("");
                                let ok = hex.len() == 64
                                    && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                                if !(ok && ft.is_file()) {
                                    stray(problems, &cp);
                                }
                            }
                        }
                        _ => stray(problems, &p),
                    }
                }
            }
            _ => stray(problems, &p),
        }
    }
    Ok(())
}

/// Every stored checkpoint 1..=n: present, signed by `key` with its name as origin, and the
/// tree of that many entries.
fn check_stored(
    log: &Path,
    leaves: &[Hash],
    key: &VerifierKey,
    problems: &mut Vec<LogProblem>,
) -> Result<(), LogError> {
    let roots = merkle::prefix_roots(leaves);
    for k in 1..=leaves.len() {
        let p = checkpoint_path(log, k as u64);
        let Some(bytes) = read_note_bytes(&p)? else {
            problem(
                problems,
                Some(k as u64),
                &p,
                "no signed checkpoint for this entry".into(),
            );
            continue;
        };
        match signed_checkpoint(&bytes, key) {
            Err(e) => problem(problems, Some(k as u64), &p, e.to_string()),
            Ok(cp) if cp.size != k as u64 || cp.root != roots[k - 1] => problem(
                problems,
                Some(k as u64),
                &p,
                format!(
                    "the signed checkpoint (size {}) is not the tree of the first {k} entries: the log was rewritten",
                    cp.size
                ),
            ),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// The head's cosignatures against the witness policy.
fn check_witnesses(
    log: &Path,
    n: u64,
    note: &Note,
    policy: &TlogPolicy,
    r: &mut TlogReport,
    problems: &mut Vec<LogProblem>,
) {
    let (valid, invalid) = cosigners(note, &policy.witnesses);
    for k in invalid {
        problem(
            problems,
            Some(n),
            &tlog::cosignature_dir(log, n),
            format!("the cosignature of witness {} does not verify", k.name),
        );
    }
    r.cosigned_by = valid.iter().map(|(k, _)| k.name.clone()).collect();
    if valid.len() < policy.threshold {
        problem(
            problems,
            Some(n),
            &checkpoint_path(log, n),
            format!(
                "the head checkpoint has {} valid cosignature(s) of the listed witnesses; {} required",
                valid.len(),
                policy.threshold
            ),
        );
    }
}

/// The checkpoint of a prior mirror state: still a prefix of this log?
fn check_prior(
    log: &Path,
    prior: &str,
    leaves: &[Hash],
    key: &VerifierKey,
    problems: &mut Vec<LogProblem>,
) {
    match signed_checkpoint(prior.as_bytes(), key) {
        Err(e) => problem(
            problems,
            None,
            log,
            format!("the mirror state's checkpoint: {e}"),
        ),
        Ok(old) => {
            if let Err(m) = consistent(&old, leaves) {
                problem(problems, Some(old.size), log, m);
            }
        }
    }
}

/// Whether the tree of `old` is a prefix of the tree of `leaves`, by an RFC 9162 consistency
/// proof from `old.size` to the whole log.
pub fn consistent(old: &Checkpoint, leaves: &[Hash]) -> Result<Vec<Hash>, String> {
    let n = leaves.len() as u64;
    if old.size > n {
        return Err(format!(
            "rollback: the log has {n} entries, fewer than the {} of a checkpoint signed by the log key and seen before",
            old.size
        ));
    }
    let proof = merkle::consistency_proof(old.size as usize, leaves).unwrap_or_default();
    if !merkle::verify_consistency(old.size, n, &old.root, &merkle::root(leaves), &proof) {
        return Err(format!(
            "fork: the log's first {} entries are not the tree of the checkpoint signed by the log key and seen before",
            old.size
        ));
    }
    Ok(proof)
}

/// The pair of signed checkpoints proving a fork or rollback against `prior`, if there is one.
fn evidence_of(
    log: &Path,
    prior: &str,
    leaves: &[Hash],
    key: &VerifierKey,
) -> Result<Vec<Evidence>, LogError> {
    let Ok(old) = signed_checkpoint(prior.as_bytes(), key) else {
        return Ok(Vec::new());
    };
    if consistent(&old, leaves).is_ok() {
        return Ok(Vec::new());
    }
    let n = leaves.len() as u64;
    let (kind, size) = if old.size > n {
        ("rollback", n)
    } else {
        ("fork", old.size)
    };
    if size == 0 {
        return Ok(Vec::new());
    }
    let shown = match read_note_bytes(&checkpoint_path(log, size))? {
        Some(b) if signed_checkpoint(&b, key).is_ok() => String::from_utf8_lossy(&b).into_owned(),
        _ => return Ok(Vec::new()),
    };
    Ok(vec![Evidence {
        kind,
        seen: prior.into(),
        shown,
    }])
}

/// The checkpoints of the log at `log` under `policy` (for `check --log`): every problem of
/// the log's layout and checkpoints, none when they hold.
pub fn check_checkpoints(log: &Path, policy: &TlogPolicy) -> Result<Vec<LogProblem>, LogError> {
    let (entries, mut problems) = super::read::read_existing_log(log)?;
    check(log, &entries, policy, None, &mut problems)?;
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize, tag: &str) -> Vec<Hash> {
        (0..n)
            .map(|i| merkle::leaf_hash(format!("{tag}{i}").as_bytes()))
            .collect()
    }

    fn cp(l: &[Hash]) -> Checkpoint {
        Checkpoint {
            origin: "o".into(),
            size: l.len() as u64,
            root: merkle::root(l),
            extensions: Vec::new(),
        }
    }

    #[test]
    fn consistency_rollback_and_fork() {
        let l = leaves(9, "r");
        for m in 0..=9 {
            assert!(consistent(&cp(&l[..m]), &l).is_ok(), "{m}");
        }
        let longer = leaves(10, "r");
        assert!(consistent(&cp(&longer), &l)
            .unwrap_err()
            .starts_with("rollback"));
        let mut other = l.clone();
        other[3] = merkle::leaf_hash(b"forged");
        for m in 4..=9 {
            assert!(consistent(&cp(&other[..m]), &l)
                .unwrap_err()
                .starts_with("fork"));
        }
        assert!(
            consistent(&cp(&other[..3]), &l).is_ok(),
            "the shared prefix"
        );
    }
}
