//! The public release log (docs/RELEASES.md): a directory holding, per release, its
//! `release.json`, `manifest.json` and signatures, in `000001/`, `000002/`, …; appending a
//! verified release, verifying the whole chain (and a mirror's bundles against it), rollback
//! and fork protection with a mirror state file, and the archive's status.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::{ArchiveState, Current, Event, ReleaseRef};
use crate::bag;
use crate::canonical;
use crate::digest::{hex, Sha256Digest};
use crate::manifest::Manifest;
use crate::release::{Statement, MAX_RELEASE_BYTES, RELEASE_FORMAT};
use crate::trust::{self, SignatureCheck};
use crate::verify::{self, VerifyOptions, MAX_MANIFEST_BYTES};

/// Digits of a log entry's directory name.
pub const SEQ_WIDTH: usize = 6;
/// Format id of a mirror state file.
pub const STATE_FORMAT: &str = "intact-mirror-state/1";

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

fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_owned(),
        source,
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

fn seq_name(seq: u64) -> String {
    format!("{seq:0width$}", width = SEQ_WIDTH)
}

/// Reads every entry of a log, checking its layout: entries `000001`… with no gap, nothing
/// else in the log, each entry holding exactly `release.json`, `manifest.json` and
/// `signatures/*.sig`. A missing log directory is an empty log.
pub fn read_log(dir: &Path) -> Result<(Vec<Entry>, Vec<LogProblem>), LogError> {
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    if !dir.exists() {
        return Ok((entries, problems));
    }
    let mut seqs: Vec<(u64, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ft = e.file_type().map_err(io_at(&e.path()))?;
        match name.parse::<u64>() {
            Ok(n) if name.len() == SEQ_WIDTH && ft.is_dir() && n > 0 => seqs.push((n, e.path())),
            _ => problems.push(LogProblem {
                seq: None,
                release: None,
                path: e.path().display().to_string(),
                message: "not a log entry (entries are directories 000001, 000002, …)".into(),
            }),
        }
    }
    seqs.sort();
    for (i, (n, path)) in seqs.into_iter().enumerate() {
        let expected = i as u64 + 1;
        if n != expected {
            problems.push(LogProblem {
                seq: Some(n),
                release: None,
                path: path.display().to_string(),
                message: format!(
                    "gap in the log: entry {} is missing before this one",
                    seq_name(expected)
                ),
            });
        }
        entries.push(read_entry(n, &path, &mut problems)?);
    }
    Ok((entries, problems))
}

fn read_entry(seq: u64, dir: &Path, problems: &mut Vec<LogProblem>) -> Result<Entry, LogError> {
    let mut add = |release: Option<String>, path: &Path, message: String| {
        problems.push(LogProblem {
            seq: Some(seq),
            release,
            path: path.display().to_string(),
            message,
        })
    };
    let read_limited = |p: &Path, limit: u64| -> Result<Option<Vec<u8>>, LogError> {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_file() && m.len() <= limit => {
                std::fs::read(p).map(Some).map_err(io_at(p))
            }
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(LogError::Io {
                path: p.to_owned(),
                source: e,
            }),
        }
    };
    let rpath = dir.join("release.json");
    let release_json = read_limited(&rpath, MAX_RELEASE_BYTES)?.unwrap_or_default();
    let statement: Option<Statement> = serde_json::from_slice(&release_json).ok();
    let rel = statement.as_ref().map(|s| s.release.clone());
    if release_json.is_empty() {
        add(None, &rpath, "missing or not a regular file".into());
    } else if statement.is_none() {
        add(None, &rpath, "not a valid statement".into());
    } else if !canonical::is_canonical(&release_json) {
        add(rel.clone(), &rpath, "not canonical JSON".into());
    }
    let mpath = dir.join("manifest.json");
    let manifest_bytes = read_limited(&mpath, MAX_MANIFEST_BYTES)?;
    let mut manifest = None;
    match (&manifest_bytes, &statement) {
        (None, _) => add(rel.clone(), &mpath, "missing or not a regular file".into()),
        (Some(b), Some(s)) => {
            let want = s.tag_files.get(bag::ITEMS_PATH);
            if want != Some(&Sha256Digest::of(b).to_hex()) {
                add(
                    rel.clone(),
                    &mpath,
                    "does not match the digest in release.json".into(),
                );
            } else {
                match serde_json::from_slice::<Manifest>(b) {
                    Ok(m) => {
                        let root = hex(&m.merkle_root());
                        if root != s.merkle_root || m.items.len() as u64 != s.item_count {
                            add(
                                rel.clone(),
                                &mpath,
                                "item records do not match release.json (Merkle root or count)"
                                    .into(),
                            );
                        }
                        manifest = Some(m);
                    }
                    Err(e) => add(rel.clone(), &mpath, format!("not a valid manifest: {e}")),
                }
            }
        }
        (Some(_), None) => {}
    }
    let mut signatures = Vec::new();
    let sdir = dir.join("signatures");
    if sdir.is_dir() {
        for e in std::fs::read_dir(&sdir).map_err(io_at(&sdir))? {
            let e = e.map_err(io_at(&sdir))?;
            let name = e.file_name().to_string_lossy().into_owned();
            match read_limited(&e.path(), 1 << 20)? {
                Some(b) if name.ends_with(".sig") => signatures.push((name, b)),
                _ => add(
                    rel.clone(),
                    &e.path(),
                    "unexpected file in signatures/".into(),
                ),
            }
        }
        signatures.sort();
    }
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !matches!(
            name.as_str(),
            "release.json" | "manifest.json" | "signatures"
        ) {
            add(
                rel.clone(),
                &e.path(),
                "unexpected file in a log entry".into(),
            );
        }
    }
    Ok(Entry {
        seq,
        dir: dir.to_owned(),
        release_json,
        statement,
        manifest,
        signatures,
    })
}

/// Folds entries into the archive state, recording chain problems (gaps were found by
/// `read_log`; forks and broken links, decreasing `created`, changes without records here).
pub fn fold(entries: &[Entry], problems: &mut Vec<LogProblem>) -> ArchiveState {
    let mut state = ArchiveState::default();
    for e in entries {
        let (Some(s), Some(m)) = (&e.statement, &e.manifest) else {
            continue;
        };
        if let Err(ps) = state.apply(s, &e.bundle_id(), m) {
            for p in ps {
                problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: Some(s.release.clone()),
                    path: e.dir.display().to_string(),
                    message: p,
                });
            }
        }
    }
    state
}

/// One release's result in `log verify`.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseCheck {
    pub seq: u64,
    pub release: Option<String>,
    pub bundle_id: String,
    pub created: Option<String>,
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
    /// The mirrored bundle checked against this statement (`--bundles`).
    pub bundle: Option<PathBuf>,
}

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
}

impl MirrorState {
    fn load(path: &Path) -> Result<Option<MirrorState>, LogError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(LogError::Io {
                    path: path.to_owned(),
                    source: e,
                })
            }
        };
        let s: MirrorState = serde_json::from_slice(&bytes).map_err(|e| LogError::State {
            path: path.to_owned(),
            message: format!("malformed state file: {e}"),
        })?;
        if s.state != STATE_FORMAT || s.seq == 0 || Sha256Digest::from_hex(&s.bundle_id).is_none() {
            return Err(LogError::State {
                path: path.to_owned(),
                message: "malformed state file".into(),
            });
        }
        Ok(Some(s))
    }
}

/// The `log verify` report (`--json`, format `intact-log-verify/1`).
#[derive(Debug, Clone, Serialize)]
pub struct LogReport {
    pub report: &'static str,
    pub log: PathBuf,
    pub valid: bool,
    pub collection: Option<String>,
    pub head: Option<ReleaseRef>,
    pub releases: Vec<ReleaseCheck>,
    /// Bundles in `--bundles` that no release of the log names (not an error).
    pub unlisted_bundles: Vec<PathBuf>,
    /// The state file was updated to the head.
    pub state_updated: bool,
    pub problems: Vec<LogProblem>,
}

/// Options of `log verify`.
pub struct LogVerifyOptions<'a> {
    pub trust: &'a VerifyOptions,
    pub bundles: Option<PathBuf>,
    pub state: Option<PathBuf>,
}

/// Finds bundles (ZIP files and bundle directories) directly in `dir`, by bundle id.
fn index_bundles(
    dir: &Path,
    problems: &mut Vec<LogProblem>,
) -> Result<BTreeMap<String, PathBuf>, LogError> {
    let mut out = BTreeMap::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io_at(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")))
        .collect();
    paths.sort();
    for p in paths {
        match crate::inspect::read_contents(&p) {
            Ok(c) => {
                out.insert(c.bundle_id(), p);
            }
            Err(e) => problems.push(LogProblem {
                seq: None,
                release: None,
                path: p.display().to_string(),
                message: format!("unreadable bundle: {e}"),
            }),
        }
    }
    Ok(out)
}

fn check_signatures(e: &Entry, opts: &VerifyOptions) -> (Vec<SignatureCheck>, Vec<String>) {
    let Some(s) = &e.statement else {
        return (Vec::new(), Vec::new());
    };
    let at = opts
        .at
        .or_else(|| crate::release::parse_created(&s.created));
    let Some(at) = at else {
        return (Vec::new(), Vec::new());
    };
    let checks: Vec<SignatureCheck> = e
        .signatures
        .iter()
        .map(|(name, bytes)| {
            trust::check_signature(
                &format!("signatures/{name}"),
                bytes,
                &e.release_json,
                &opts.policy,
                &opts.revocations,
                at,
            )
        })
        .collect();
    let signers = trust::valid_principals(&checks);
    (checks, signers)
}

/// Verifies a release log, and with `--bundles` every mirrored bundle against it, and with
/// `--state` that the log extends what this mirror verified before (then records the new head).
pub fn verify_log(log: &Path, opts: &LogVerifyOptions) -> Result<LogReport, LogError> {
    let (entries, mut problems) = read_log(log)?;
    if entries.is_empty() {
        problems.push(LogProblem {
            seq: None,
            release: None,
            path: log.display().to_string(),
            message: "empty log: no release".into(),
        });
    }
    let mut releases = Vec::new();
    for e in &entries {
        let (signatures, signers) = check_signatures(e, opts.trust);
        let rel = e.statement.as_ref().map(|s| s.release.clone());
        if let Some(s) = &e.statement {
            if s.format != RELEASE_FORMAT {
                problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: rel.clone(),
                    path: e.dir.display().to_string(),
                    message: format!("format '{}'", s.format),
                });
            }
        }
        for c in &signatures {
            if matches!(
                c.status,
                trust::SignatureStatus::Invalid
                    | trust::SignatureStatus::Malformed
                    | trust::SignatureStatus::WrongNamespace
            ) {
                problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: rel.clone(),
                    path: e.dir.join(&c.file).display().to_string(),
                    message: c.detail.clone(),
                });
            }
        }
        if signers.len() < opts.trust.threshold {
            problems.push(LogProblem {
                seq: Some(e.seq),
                release: rel.clone(),
                path: e.dir.display().to_string(),
                message: format!(
                    "{} valid signature(s) by trusted principals; {} required",
                    signers.len(),
                    opts.trust.threshold
                ),
            });
        }
        releases.push(ReleaseCheck {
            seq: e.seq,
            release: rel,
            bundle_id: e.bundle_id(),
            created: e.statement.as_ref().map(|s| s.created.clone()),
            signers,
            signatures,
            bundle: None,
        });
    }
    let state = fold(&entries, &mut problems);

    let mut unlisted = Vec::new();
    if let Some(dir) = &opts.bundles {
        let mut index = index_bundles(dir, &mut problems)?;
        for (e, rc) in entries.iter().zip(releases.iter_mut()) {
            let id = e.bundle_id();
            let rel = rc.release.clone();
            match index.remove(&id) {
                None => problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: rel.clone(),
                    path: dir.display().to_string(),
                    message: format!("no bundle in the mirror has this release's statement (bundle id {id}): missing, or its release.json differs"),
                }),
                Some(path) => {
                    let report = verify::verify(&path, opts.trust)?;
                    for p in &report.problems {
                        problems.push(LogProblem {
                            seq: Some(e.seq),
                            release: rel.clone(),
                            path: path.display().to_string(),
                            message: format!("bundle not valid: {}: {}: {}", p.path, p.check.name(), p.message),
                        });
                    }
                    if report.problems.is_empty() && !report.valid {
                        problems.push(LogProblem { seq: Some(e.seq), release: rel.clone(), path: path.display().to_string(), message: "bundle not valid: not enough trusted signatures".into() });
                    }
                    rc.bundle = Some(path);
                }
            }
        }
        unlisted = index.into_values().collect();
    }

    // Rollback and fork protection against what this mirror verified before.
    let mut prior = None;
    if let Some(sp) = &opts.state {
        prior = MirrorState::load(sp)?;
        if let Some(ps) = &prior {
            let head_seq = entries.len() as u64;
            match entries.get((ps.seq - 1) as usize) {
                None => problems.push(LogProblem {
                    seq: Some(head_seq),
                    release: state.head().map(|h| h.release.clone()),
                    path: sp.display().to_string(),
                    message: format!(
                        "rollback: the log's head is entry {head_seq}, older than release {} (entry {}) that this mirror already verified",
                        ps.release, ps.seq
                    ),
                }),
                Some(e) if e.bundle_id() != ps.bundle_id => problems.push(LogProblem {
                    seq: Some(ps.seq),
                    release: e.statement.as_ref().map(|s| s.release.clone()),
                    path: sp.display().to_string(),
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
                    path: sp.display().to_string(),
                    message: format!("the state is for collection {}", ps.collection),
                });
            }
        }
    }
    let valid = problems.is_empty();
    let mut state_updated = false;
    if let (true, Some(sp), Some(h)) = (valid, &opts.state, state.head()) {
        let new = MirrorState {
            state: STATE_FORMAT.into(),
            collection: state.collection.clone().unwrap_or_default(),
            seq: entries.len() as u64,
            release: h.release.clone(),
            bundle_id: h.bundle_id.clone(),
            created: h.created.clone(),
        };
        if prior.as_ref() != Some(&new) {
            let mut bytes = serde_json::to_vec_pretty(&new).unwrap_or_default();
            bytes.push(b'\n');
            write_replace(sp, &bytes)?;
            state_updated = true;
        }
    }
    Ok(LogReport {
        report: "intact-log-verify/1",
        log: log.to_owned(),
        valid,
        collection: state.collection.clone(),
        head: state.head().cloned(),
        releases,
        unlisted_bundles: unlisted,
        state_updated,
        problems,
    })
}

/// Replaces a file atomically (temp file beside it, then rename).
fn write_replace(path: &Path, bytes: &[u8]) -> Result<(), LogError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".intact-state-")
        .tempfile_in(dir)
        .map_err(io_at(dir))?;
    tmp.write_all(bytes).map_err(io_at(path))?;
    tmp.as_file().sync_all().map_err(io_at(path))?;
    tmp.persist(path).map_err(|e| LogError::Io {
        path: path.to_owned(),
        source: e.error,
    })?;
    Ok(())
}

/// What `log append` did.
#[derive(Debug, Clone, Serialize)]
pub struct AppendReport {
    pub report: &'static str,
    pub log: PathBuf,
    pub appended: bool,
    pub seq: Option<u64>,
    pub release: Option<String>,
    pub bundle_id: Option<String>,
    pub problems: Vec<LogProblem>,
}

/// Verifies `bundle` in full and appends it to the log if it extends the head (its
/// `previous` is the head, `created` not earlier, its change records apply). Nothing is
/// written unless everything holds.
pub fn append(log: &Path, bundle: &Path, opts: &VerifyOptions) -> Result<AppendReport, LogError> {
    let mut report = AppendReport {
        report: "intact-log-append/1",
        log: log.to_owned(),
        appended: false,
        seq: None,
        release: None,
        bundle_id: None,
        problems: Vec::new(),
    };
    let v = verify::verify_full(bundle, opts)?;
    report.release = v.report.release.clone();
    report.bundle_id = v.report.bundle_id.clone();
    let bpath = bundle.display().to_string();
    if !v.report.valid {
        for p in &v.report.problems {
            report.problems.push(LogProblem {
                seq: None,
                release: report.release.clone(),
                path: bpath.clone(),
                message: format!("{}: {}: {}", p.path, p.check.name(), p.message),
            });
        }
        if report.problems.is_empty() {
            report.problems.push(LogProblem {
                seq: None,
                release: report.release.clone(),
                path: bpath,
                message: "not enough valid trusted signatures".into(),
            });
        }
        return Ok(report);
    }
    let (entries, mut problems) = read_log(log)?;
    let mut state = fold(&entries, &mut problems);
    let (Some(s), Some(m), Some(release_json)) = (&v.statement, &v.manifest, &v.release_json)
    else {
        return Ok(report);
    };
    let id = Sha256Digest::of(release_json).to_hex();
    if let Err(ps) = state.apply(s, &id, m) {
        for p in ps {
            problems.push(LogProblem {
                seq: None,
                release: Some(s.release.clone()),
                path: bpath.clone(),
                message: p,
            });
        }
    }
    if !problems.is_empty() {
        report.problems = problems;
        return Ok(report);
    }
    // Write the entry in a temp directory inside the log, then rename it into place.
    std::fs::create_dir_all(log).map_err(io_at(log))?;
    let seq = entries.len() as u64 + 1;
    let tmp = tempfile::Builder::new()
        .prefix(".append-")
        .tempdir_in(log)
        .map_err(io_at(log))?;
    let b = crate::bundle::Bundle::open(bundle).map_err(|e| LogError::Io {
        path: bundle.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let copy = |name: &str, dest: &Path| -> Result<(), LogError> {
        let m = b.get(name).ok_or_else(|| LogError::Io {
            path: bundle.to_owned(),
            source: std::io::Error::other(format!("{name} missing")),
        })?;
        let bytes = b.read(m, MAX_MANIFEST_BYTES).map_err(|e| LogError::Io {
            path: bundle.to_owned(),
            source: std::io::Error::other(e),
        })?;
        std::fs::write(dest, bytes).map_err(io_at(dest))
    };
    copy(bag::RELEASE_PATH, &tmp.path().join("release.json"))?;
    copy(bag::ITEMS_PATH, &tmp.path().join("manifest.json"))?;
    let sdir = tmp.path().join("signatures");
    std::fs::create_dir(&sdir).map_err(io_at(&sdir))?;
    for m in b.members_under(bag::SIGNATURES_DIR) {
        let name = &m.path.as_str()[bag::SIGNATURES_DIR.len()..];
        copy(m.path.as_str(), &sdir.join(name))?;
    }
    let dest = log.join(seq_name(seq));
    let tmp_path = tmp.keep();
    if dest.exists() {
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(LogError::Io {
            path: dest,
            source: std::io::Error::other("appeared while appending (concurrent append?)"),
        });
    }
    if let Err(e) = std::fs::rename(&tmp_path, &dest) {
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(LogError::Io {
            path: dest,
            source: e,
        });
    }
    report.appended = true;
    report.seq = Some(seq);
    Ok(report)
}

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
    let (entries, mut problems) = read_log(log)?;
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

/// Checks one log entry on its own (statement, signatures against the policy, item records
/// against the statement) and presents it as a verification, for tools that look items up
/// across a log (`intact check --log`). Chain rules are `verify_log`'s.
pub fn verify_entry(dir: &Path, opts: &VerifyOptions) -> Result<verify::Verified, LogError> {
    let seq = dir
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut problems = Vec::new();
    let e = read_entry(seq, dir, &mut problems)?;
    let (signatures, signers) = check_signatures(&e, opts);
    let mut report_problems: Vec<verify::Problem> = problems
        .into_iter()
        .map(|p| verify::Problem {
            check: verify::Check::Statement,
            path: p.path,
            message: p.message,
        })
        .collect();
    for c in &signatures {
        if matches!(
            c.status,
            trust::SignatureStatus::Invalid
                | trust::SignatureStatus::Malformed
                | trust::SignatureStatus::WrongNamespace
        ) {
            report_problems.push(verify::Problem {
                check: verify::Check::Signatures,
                path: c.file.clone(),
                message: c.detail.clone(),
            });
        }
    }
    if signers.len() < opts.threshold && !opts.skip_threshold {
        report_problems.push(verify::Problem {
            check: verify::Check::Signatures,
            path: "signatures".into(),
            message: format!(
                "{} valid signature(s) by trusted principals; {} required",
                signers.len(),
                opts.threshold
            ),
        });
    }
    let s = e.statement.clone();
    let mut report = verify::VerifyReport::empty(dir, opts.threshold);
    report.valid = report_problems.is_empty() && e.manifest.is_some();
    report.bundle_id = Some(e.bundle_id());
    if let Some(s) = &s {
        report.collection = Some(s.collection.clone());
        report.release = Some(s.release.clone());
        report.created = Some(s.created.clone());
        report.previous = s.previous.clone();
        report.item_count = Some(s.item_count);
        report.payload_bytes = Some(s.payload_bytes);
        report.merkle_root = Some(s.merkle_root.clone());
    }
    report.signers = signers;
    report.signatures = signatures;
    report.problems = report_problems;
    Ok(verify::Verified {
        report,
        statement: e.statement,
        release_json: Some(e.release_json),
        manifest: e.manifest,
    })
}

/// Whether `dir` is laid out as a release log (holds `000001/`).
pub fn is_log_dir(dir: &Path) -> bool {
    dir.join(seq_name(1)).is_dir()
}
