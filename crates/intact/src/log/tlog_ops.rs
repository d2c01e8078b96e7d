//! The operations of layout 2 (FORMAT.md §15): appending with a signed checkpoint, upgrading a
//! layout-1 log and a mirror state, inclusion proofs, and comparing two checkpoints.

use std::path::Path;

use serde::Serialize;

use super::read::{read_existing_log, read_log};
use super::state::MirrorState;
use super::tlog::{
    self, checkpoint_path, cosigned_note, leaves, read_note_bytes, store_checkpoint,
};
use super::tlog_verify::Evidence;
use super::{append_with_progress, AppendReport, LogError, LogProblem, STATE_FORMAT_2};
use crate::merkle;
use crate::tlog::checkpoint::encode_hash;
use crate::tlog::proofs::{signed_checkpoint, ConsistencyDocument, InclusionDocument};
use crate::tlog::{Checkpoint, Note, SignerKey, VerifierKey};
use crate::verify::VerifyOptions;

fn refuse(path: &Path, message: impl Into<String>) -> LogError {
    LogError::State {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// `log append` of a log with signed checkpoints: the release is appended as before, then the
/// checkpoint of the new head is signed with `key` and stored. A layout-2 log needs the key;
/// a new log given a key is created in layout 2; a layout-1 log with entries must be upgraded
/// first. Returns the report and the head checkpoint written (if any).
pub fn append_signed(
    log: &Path,
    bundle: &Path,
    opts: &VerifyOptions,
    progress: &dyn crate::progress::Progress,
    key: Option<&SignerKey>,
) -> Result<(AppendReport, Option<String>), LogError> {
    let layout = tlog::layout(log)?;
    let before = read_log(log)?.0.len();
    match (layout, key) {
        (2, None) => {
            return Err(refuse(
                log,
                "the log keeps signed checkpoints (layout 2, FORMAT.md §15): appending needs the log key",
            ))
        }
        (1, Some(_)) if before > 0 => {
            return Err(refuse(
                log,
                "the log has no signed checkpoints yet (layout 1): upgrade it before appending with a log key",
            ))
        }
        (2, Some(k)) if before > 0 => {
            let p = checkpoint_path(log, before as u64);
            let bytes = read_note_bytes(&p)?.unwrap_or_default();
            signed_checkpoint(&bytes, &k.verifier()).map_err(|e| {
                refuse(&p, format!("the head checkpoint does not verify with this log key: {e}"))
            })?;
        }
        _ => {}
    }
    let r = append_with_progress(log, bundle, opts, progress)?;
    let Some(k) = key else {
        return Ok((r, None));
    };
    if !(r.appended || r.already_head) {
        return Ok((r, None));
    }
    if tlog::layout(log)? == 1 {
        tlog::create_layout(log)?;
    }
    let (entries, _) = read_log(log)?;
    let size = entries.len() as u64;
    store_checkpoint(log, size, merkle::root(&leaves(&entries)), k)?;
    let head = read_note_bytes(&checkpoint_path(log, entries.len() as u64))?
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok((r, head))
}

/// What `log upgrade` did.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeReport {
    pub report: &'static str,
    pub layout: u32,
    /// Checkpoints signed and stored now (sizes).
    pub signed: Vec<u64>,
    /// The mirror state now holds the signed checkpoint of its entry.
    pub state_upgraded: bool,
    pub problems: Vec<LogProblem>,
}

/// Converts a layout-1 log to layout 2: signs and stores the checkpoint of every size with the
/// log key (those stored already stay). Refuses a log with problems (nothing is written).
pub fn upgrade(log: &Path, key: &SignerKey) -> Result<UpgradeReport, LogError> {
    let (entries, problems) = read_existing_log(log)?;
    let mut r = UpgradeReport {
        report: "intact-log-upgrade/1",
        layout: tlog::layout(log)?,
        signed: Vec::new(),
        state_upgraded: false,
        problems,
    };
    if !r.problems.is_empty() || entries.is_empty() {
        if entries.is_empty() {
            r.problems.push(LogProblem {
                seq: None,
                release: None,
                path: log.display().to_string(),
                message: "empty log: nothing to upgrade".into(),
            });
        }
        return Ok(r);
    }
    if r.layout == 2 {
        let p = checkpoint_path(log, 1);
        if let Some(b) = read_note_bytes(&p)? {
            signed_checkpoint(&b, &key.verifier())
                .map_err(|e| refuse(&p, format!("stored checkpoints are not this key's: {e}")))?;
        }
    }
    tlog::create_layout(log)?;
    r.layout = 2;
    for (k, root) in merkle::prefix_roots(&leaves(&entries))
        .into_iter()
        .enumerate()
    {
        let size = k as u64 + 1;
        if store_checkpoint(log, size, root, key)?.is_some() {
            r.signed.push(size);
        }
    }
    Ok(r)
}

/// Converts a mirror state file to format 2: it gets the log's signed checkpoint of the entry
/// it names, after checking that entry is the release the state recorded.
pub fn upgrade_state(log: &Path, state: &Path, key: &VerifierKey) -> Result<bool, LogError> {
    let bytes = std::fs::read(state).map_err(|e| crate::fs::PathError::new(state, e))?;
    let mut s = MirrorState::parse(&bytes, state)?;
    if s.checkpoint.is_some() {
        return Ok(false);
    }
    let (entries, _) = read_existing_log(log)?;
    let e = entries
        .get((s.seq - 1) as usize)
        .ok_or_else(|| refuse(state, format!("rollback: the log has no entry {}", s.seq)))?;
    if e.bundle_id() != s.bundle_id {
        return Err(refuse(
            state,
            format!("fork: entry {} is not release {}", s.seq, s.release),
        ));
    }
    let p = checkpoint_path(log, s.seq);
    let note = read_note_bytes(&p)?.ok_or_else(|| refuse(&p, "missing: upgrade the log first"))?;
    let cp = signed_checkpoint(&note, key).map_err(|e| refuse(&p, e.to_string()))?;
    if cp.root != merkle::root(&leaves(&entries[..s.seq as usize])) {
        return Err(refuse(
            &p,
            "the checkpoint is not the tree of the log's entries",
        ));
    }
    s.checkpoint = Some(String::from_utf8_lossy(&note).into_owned());
    s.state = STATE_FORMAT_2.into();
    s.save(state)?;
    Ok(true)
}

/// The inclusion proof of the release `which` (its release id, bundle id or entry number) in
/// the log's head checkpoint (with its cosignatures), checked with `key` before it is returned.
pub fn prove(log: &Path, which: &str, key: &VerifierKey) -> Result<InclusionDocument, LogError> {
    let (entries, problems) = read_existing_log(log)?;
    if let Some(p) = problems.first() {
        return Err(refuse(log, format!("{}: {}", p.path, p.message)));
    }
    let e = entries
        .iter()
        .find(|e| {
            e.bundle_id() == which
                || e.statement.as_ref().is_some_and(|s| s.release == which)
                || which.parse::<u64>().ok() == Some(e.seq)
        })
        .ok_or_else(|| refuse(log, format!("no release '{which}' in the log")))?;
    let n = entries.len() as u64;
    let note = cosigned_note(log, n)?
        .ok_or_else(|| refuse(&checkpoint_path(log, n), "no signed checkpoint of the head"))?;
    let doc = InclusionDocument::build(e.seq - 1, &leaves(&entries), &e.bundle_id(), &note)
        .ok_or_else(|| refuse(log, "entry out of range"))?;
    doc.check_signed(&e.release_json, key)
        .map_err(|err| refuse(&checkpoint_path(log, n), err.to_string()))?;
    Ok(doc)
}

/// One side of `log compare`.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub size: u64,
    pub root: String,
    /// Signed by the log key (a bare checkpoint text, as printed without signature, is not).
    pub signed: bool,
    /// The log's tree of this size has this root (`None`: the log is shorter).
    pub in_log: Option<bool>,
}

/// `log compare A B` (`--json`, format `intact-log-compare/1`).
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    pub report: &'static str,
    /// `Some(true)`: one log extends the other; `Some(false)`: they are different histories;
    /// `None`: the log given is too short to decide.
    pub consistent: Option<bool>,
    pub older: Side,
    pub newer: Side,
    /// The RFC 9162 consistency proof from the older to the newer (when consistent).
    pub proof: Option<ConsistencyDocument>,
    /// The two signed checkpoints that cannot both be true (when inconsistent and both signed).
    pub evidence: Option<Evidence>,
    pub message: String,
}

/// A checkpoint given to `compare`: a signed note (checked with `key`) or a bare checkpoint text.
fn read_side(bytes: &[u8], key: &VerifierKey, path: &Path) -> Result<(Checkpoint, bool), LogError> {
    if let Ok(cp) = signed_checkpoint(bytes, key) {
        return Ok((cp, true));
    }
    // A note without the log key's signature (only witnesses', say) counts as its text alone.
    let text = match Note::parse(bytes) {
        Ok(n) if n.signatures_by(key).next().is_some() => {
            return Err(refuse(path, "its signature by the log key does not verify"))
        }
        Ok(n) => n.text,
        Err(_) => {
            String::from_utf8(bytes.to_vec()).map_err(|_| refuse(path, "not a checkpoint"))?
        }
    };
    let cp = Checkpoint::parse(&text).map_err(|e| refuse(path, e.to_string()))?;
    if cp.origin != key.name {
        return Err(refuse(
            path,
            format!("origin '{}' is not the log key's name", cp.origin),
        ));
    }
    Ok((cp, false))
}

/// Compares two checkpoints of the log of `key` against the entries of `log`.
pub fn compare(
    a: (&Path, &[u8]),
    b: (&Path, &[u8]),
    log: &Path,
    key: &VerifierKey,
) -> Result<CompareReport, LogError> {
    let (ca, sa) = read_side(a.1, key, a.0)?;
    let (cb, sb) = read_side(b.1, key, b.0)?;
    let ((old, so, ob), (new, sn, nb)) = if ca.size <= cb.size {
        ((ca, sa, a.1), (cb, sb, b.1))
    } else {
        ((cb, sb, b.1), (ca, sa, a.1))
    };
    let (entries, _) = read_existing_log(log)?;
    let l = leaves(&entries);
    let in_log = |c: &Checkpoint| {
        (c.size <= l.len() as u64).then(|| merkle::root(&l[..c.size as usize]) == c.root)
    };
    let side = |c: &Checkpoint, signed| Side {
        size: c.size,
        root: encode_hash(&c.root),
        signed,
        in_log: in_log(c),
    };
    let mut r = CompareReport {
        report: "intact-log-compare/1",
        consistent: None,
        older: side(&old, so),
        newer: side(&new, sn),
        proof: None,
        evidence: None,
        message: String::new(),
    };
    let same_size_fork = old.size == new.size && old.root != new.root;
    match (r.older.in_log, r.newer.in_log) {
        _ if same_size_fork => r.consistent = Some(false),
        (Some(true), Some(true)) => {
            r.consistent = Some(true);
            r.proof = ConsistencyDocument::build(old.size, &l[..new.size as usize]);
            if let Some(p) = &r.proof {
                p.check(&old, &new)
                    .map_err(|e| refuse(log, e.to_string()))?;
            }
        }
        (Some(false), _) | (_, Some(false)) => r.consistent = Some(false),
        _ => {}
    }
    if r.consistent == Some(false) && so && sn {
        r.evidence = Some(Evidence {
            kind: "fork",
            seen: String::from_utf8_lossy(ob).into_owned(),
            shown: String::from_utf8_lossy(nb).into_owned(),
        });
    }
    r.message = match r.consistent {
        Some(true) => format!(
            "consistent: the log of size {} extends the log of size {} (proof: {} hashes)",
            new.size,
            old.size,
            r.proof.as_ref().map_or(0, |p| p.hashes.len())
        ),
        Some(false) => format!(
            "NOT consistent: the checkpoints of size {} and {} are different histories{}",
            old.size,
            new.size,
            if r.evidence.is_some() {
                ", both signed by the log key"
            } else {
                ""
            }
        ),
        None => format!(
            "undecided: the log has {} entries, fewer than the checkpoint of size {}",
            l.len(),
            new.size
        ),
    };
    Ok(r)
}

/// `log check-inclusion` (`--json`, format `intact-log-inclusion-check/1`).
#[derive(Debug, Clone, Serialize)]
pub struct InclusionCheck {
    pub report: &'static str,
    pub valid: bool,
    /// Entry number of the release in the log (index + 1).
    pub seq: u64,
    /// Size of the signed checkpoint the proof is against.
    pub size: u64,
    /// Witnesses of the policy with a valid cosignature on that checkpoint.
    pub cosigned_by: Vec<String>,
    pub problems: Vec<String>,
}

/// Checks an inclusion proof offline: `release_json` is in the proof's checkpoint, which the
/// log key signed and at least `policy.threshold` of `policy.witnesses` cosigned.
pub fn check_inclusion(
    proof: &[u8],
    release_json: &[u8],
    key: &VerifierKey,
    policy: &super::TlogPolicy,
) -> InclusionCheck {
    let mut r = InclusionCheck {
        report: "intact-log-inclusion-check/1",
        valid: false,
        seq: 0,
        size: 0,
        cosigned_by: Vec::new(),
        problems: Vec::new(),
    };
    let doc = match InclusionDocument::parse(proof) {
        Ok(d) => d,
        Err(e) => {
            r.problems.push(e.to_string());
            return r;
        }
    };
    r.seq = doc.index.saturating_add(1);
    r.size = doc.size;
    if let Err(e) = doc.check_signed(release_json, key) {
        r.problems.push(e.to_string());
    }
    if let Ok(note) = Note::parse(doc.checkpoint.as_bytes()) {
        let (valid, invalid) = crate::tlog::cosignature::cosigners(&note, &policy.witnesses);
        r.cosigned_by = valid.iter().map(|(k, _)| k.name.clone()).collect();
        for k in invalid {
            r.problems.push(format!(
                "the cosignature of witness {} does not verify",
                k.name
            ));
        }
        if valid.len() < policy.threshold {
            r.problems.push(format!(
                "the checkpoint has {} valid cosignature(s) of the listed witnesses; {} required",
                valid.len(),
                policy.threshold
            ));
        }
    }
    r.valid = r.problems.is_empty();
    r
}
