//! `intact mirror pull SOURCE DIR --trust F [--state S]` (docs/MIRRORS.md): the source's index
//! and log fetched and verified first (rollback and fork refused), then only the bundles the
//! mirror does not hold, each into an unnamed file, hashed as it arrives, verified in full and
//! matched to a release of the log, and only then named in DIR. The new log entries, the index
//! and the state file come last, and only when everything verified.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;

use super::download::{fetch_verifying, Failed};
use super::index::{Index, IndexFile, INDEX_NAME, MAX_INDEX_BYTES};
use super::Store;
use crate::digest::Sha256Digest;
use crate::fs::{At as _, Mode, PathError, WriteError};
use crate::limits::Limits;
use crate::log::{self, Entry, LogError, LogVerifyOptions};
use crate::net::NetError;
use crate::progress::{Progress, Silent};
use crate::release::MAX_RELEASE_BYTES;
use crate::verify::{self, VerifyOptions};

/// Format id of the pull report (`--json`).
pub const PULL_REPORT: &str = "intact-mirror-pull/1";
/// The most bytes one log file may have.
const MAX_LOG_FILE: u64 = 1 << 30;

/// Options of a pull.
pub struct PullOptions<'a> {
    pub trust: &'a VerifyOptions,
    /// The mirror state file (rollback and fork protection across runs).
    pub state: Option<PathBuf>,
    /// Transfers at a time (at least 1).
    pub parallel: usize,
    /// Told of the files and bytes to download, and each chunk as it arrives.
    pub progress: &'a dyn Progress,
    /// The log key and witness policy a layout-2 log is checked under (FORMAT.md §15); the
    /// state's checkpoint is then proved consistent with the source's log.
    pub tlog: Option<&'a log::TlogPolicy>,
    /// Wait until each new bundle is on disk (fsync) before naming it (the index always is).
    pub sync: bool,
}

/// A release that is new in the mirror.
#[derive(Debug, Clone, Serialize)]
pub struct NewRelease {
    pub seq: u64,
    pub release: Option<String>,
    pub bundle_id: String,
}

/// One thing wrong, about one file or URL.
#[derive(Debug, Clone, Serialize)]
pub struct PullProblem {
    pub path: String,
    pub message: String,
}

/// What a pull did (`--json`, `intact-mirror-pull/1`).
#[derive(Debug, Clone, Serialize)]
pub struct PullReport {
    pub report: &'static str,
    pub source: String,
    pub dir: PathBuf,
    /// Everything verified; the mirror now holds the source's log and its bundles.
    pub valid: bool,
    /// Entries in the source's log.
    pub releases: u64,
    /// Entries added to the mirror's log.
    pub new_releases: Vec<NewRelease>,
    /// Bundles downloaded, verified and named in DIR.
    pub downloaded: Vec<IndexFile>,
    /// Bundles of the index the mirror held already (not downloaded).
    pub held: Vec<String>,
    /// Bytes of response bodies received.
    pub bytes_received: u64,
    pub state_updated: bool,
    /// Findings (exit 1): bytes that are not the published ones, a bundle or log that does not
    /// verify, a rollback or fork.
    pub problems: Vec<PullProblem>,
    /// Failures of the network, the server or the disk (exit 2).
    pub errors: Vec<PullProblem>,
}

/// The pull could not start (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(transparent)]
    Io(#[from] PathError),
    #[error(transparent)]
    Log(#[from] LogError),
}

impl From<WriteError> for PullError {
    fn from(e: WriteError) -> PullError {
        PullError::Io(e.into_path_error())
    }
}

/// Pulls the published folder of `store` into `dir`.
pub fn pull(store: &dyn Store, dir: &Path, opts: &PullOptions) -> Result<PullReport, PullError> {
    std::fs::create_dir_all(dir).at(dir)?;
    let mut r = PullReport {
        report: PULL_REPORT,
        source: store.name(""),
        dir: dir.to_owned(),
        valid: false,
        releases: 0,
        new_releases: Vec::new(),
        downloaded: Vec::new(),
        held: Vec::new(),
        bytes_received: 0,
        state_updated: false,
        problems: Vec::new(),
        errors: Vec::new(),
    };
    let index_bytes = store.get_bytes(INDEX_NAME, MAX_INDEX_BYTES)?;
    let index = match Index::parse(&index_bytes, &store.name(INDEX_NAME)) {
        Ok(i) => i,
        Err(e) => return Ok(finding(r, store, e.source_name, e.message)),
    };
    // The source's log, in a temporary folder inside DIR, removed whatever happens.
    let staging = tempfile::Builder::new()
        .prefix(".intact-pull-")
        .tempdir_in(dir)
        .at(dir)?;
    let staged_log = staging.path().join("log");
    if let Err(f) = fetch_log(store, &index, staging.path()) {
        return Ok(failed(r, store, f));
    }
    let Some(remote) = check_source_log(store, &staged_log, dir, opts, &mut r)? else {
        return Ok(done(r, store));
    };
    r.releases = remote.entries.len() as u64;
    let held_entries = remote.local_count;
    fetch_bundles(store, dir, &index, &remote, opts, &mut r)?;
    if !r.problems.is_empty() || !r.errors.is_empty() {
        return Ok(done(r, store));
    }
    // Everything verified: the new entries, the index, the state.
    let log_dir = dir.join("log");
    std::fs::create_dir_all(&log_dir).at(&log_dir)?;
    for e in &remote.entries[held_entries..] {
        let name = e.dir.file_name().map(PathBuf::from).unwrap_or_default();
        let to = log_dir.join(&name);
        std::fs::rename(&e.dir, &to).at(&to)?;
        r.new_releases.push(NewRelease {
            seq: e.seq,
            release: e.statement.as_ref().map(|s| s.release.clone()),
            bundle_id: e.bundle_id(),
        });
    }
    // Layout 2 (FORMAT.md §15.4): the checkpoints and cosignatures, verified with the entries,
    // replace the mirror's whole `tlog/` (new cosignatures of old sizes included).
    let staged_tlog = staged_log.join("tlog");
    if staged_tlog.is_dir() {
        let to = log_dir.join("tlog");
        let old = log_dir.join(".tlog.old");
        if to.exists() {
            std::fs::rename(&to, &old).at(&to)?;
        }
        std::fs::rename(&staged_tlog, &to).at(&to)?;
        if old.exists() {
            std::fs::remove_dir_all(&old).at(&old)?;
        }
    }
    crate::fs::write_atomically(&dir.join(INDEX_NAME), &index_bytes, Mode::Public, true)?;
    if let Some(sp) = &opts.state {
        r.state_updated = log::state::record_head(
            sp,
            remote.prior.as_ref(),
            &remote.entries,
            &remote.state,
            remote.head_note.clone(),
        )?;
    }
    r.valid = true;
    Ok(done(r, store))
}

fn done(mut r: PullReport, store: &dyn Store) -> PullReport {
    r.bytes_received = store.received();
    r
}

fn finding(mut r: PullReport, store: &dyn Store, path: String, message: String) -> PullReport {
    r.problems.push(PullProblem { path, message });
    done(r, store)
}

fn failed(mut r: PullReport, store: &dyn Store, f: Failed) -> PullReport {
    match f {
        Failed::Bad(m) => r.problems.push(PullProblem {
            path: String::new(),
            message: m,
        }),
        Failed::Net(e) => r.errors.push(PullProblem {
            path: String::new(),
            message: e.to_string(),
        }),
        Failed::Io(e) => r.errors.push(PullProblem {
            path: e.path.display().to_string(),
            message: e.source.to_string(),
        }),
    }
    done(r, store)
}

/// Fetches every log file of the index into `root/log/…`, each compared with the index.
fn fetch_log(store: &dyn Store, index: &Index, root: &Path) -> Result<(), Failed> {
    for f in index.under("log/") {
        if f.size > MAX_LOG_FILE {
            return Err(Failed::Bad(format!(
                "{}: {} bytes is more than a log file may have",
                store.name(&f.path),
                f.size
            )));
        }
        let bytes = store.get_bytes(&f.path, f.size)?;
        let d = Sha256Digest::of(&bytes);
        if bytes.len() as u64 != f.size || d.to_hex() != f.sha256 {
            return Err(Failed::Bad(format!(
                "{}: the bytes that arrived ({} bytes, sha256 {d}) are not the index's ({} bytes, sha256 {})",
                store.name(&f.path),
                bytes.len(),
                f.size,
                f.sha256
            )));
        }
        let to = root.join(&f.path);
        let parent = crate::fs::parent_dir(&to);
        std::fs::create_dir_all(parent).at(parent)?;
        std::fs::write(&to, &bytes).at(&to)?;
    }
    Ok(())
}

/// The source's log as verified, and what the mirror had of it.
struct SourceLog {
    entries: Vec<Entry>,
    state: crate::archive::ArchiveState,
    prior: Option<log::MirrorState>,
    /// The head checkpoint (layout 2) for the state.
    head_note: Option<String>,
    /// Entries the mirror's own log holds already (the same releases).
    local_count: usize,
}

/// Verifies the staged log (trust, chain) and checks it extends the mirror's own log and state:
/// `None` (with problems in the report) when it does not.
fn check_source_log(
    store: &dyn Store,
    staged: &Path,
    dir: &Path,
    opts: &PullOptions,
    r: &mut PullReport,
) -> Result<Option<SourceLog>, PullError> {
    let log_url = store.name("log");
    let name = |p: &str| p.replace(&staged.display().to_string(), &log_url);
    if !staged.is_dir() {
        r.problems.push(PullProblem {
            path: log_url,
            message: "the index lists no log".into(),
        });
        return Ok(None);
    }
    let verified = log::verify_log(
        staged,
        &LogVerifyOptions {
            trust: opts.trust,
            progress: &Silent,
            bundles: None,
            state: None,
            remote: None,
            time: None,
            tlog: opts.tlog,
        },
    )?;
    for p in &verified.problems {
        r.problems.push(PullProblem {
            path: name(&p.path),
            message: p.message.clone(),
        });
    }
    if !verified.valid {
        return Ok(None);
    }
    let (entries, mut problems) = log::read_log(staged)?;
    let state = log::fold(&entries, &mut problems);
    let local_dir = dir.join("log");
    let (local, _) = log::read_log(&local_dir)?;
    for p in extends(&local, &entries) {
        r.problems.push(PullProblem {
            path: log_url.clone(),
            message: p,
        });
    }
    let prior = match &opts.state {
        Some(sp) => log::state::check_prior(sp, &entries, &state, &mut problems)?,
        None => None,
    };
    // A state holding a signed checkpoint: the source's log must be consistent with it.
    let prior_cp = prior.as_ref().and_then(|p| p.checkpoint.as_deref());
    let tlog = log::tlog_verify::check(
        staged,
        &entries,
        opts.tlog.unwrap_or(&log::TlogPolicy::default()),
        prior_cp,
        &mut problems,
    )?;
    for p in problems {
        r.problems.push(PullProblem {
            path: p.path,
            message: p.message,
        });
    }
    if !r.problems.is_empty() {
        return Ok(None);
    }
    Ok(Some(SourceLog {
        local_count: local.len(),
        entries,
        state,
        prior,
        head_note: tlog.head_note,
    }))
}

/// Whether the source's log extends the mirror's: every entry the mirror holds is in the
/// source at the same position, the same release. A shorter log is a rollback, another
/// release at a position a fork.
fn extends(local: &[Entry], source: &[Entry]) -> Vec<String> {
    if source.len() < local.len() {
        return vec![format!(
            "rollback: the source's log ends at entry {}, this mirror's log has {} entries; nothing was changed",
            source.len(),
            local.len()
        )];
    }
    local
        .iter()
        .zip(source)
        .filter(|(l, s)| l.bundle_id() != s.bundle_id())
        .map(|(l, s)| {
            format!(
                "fork: entry {} is release {} in this mirror but {} in the source; nothing was changed",
                l.seq,
                l.bundle_id(),
                s.bundle_id()
            )
        })
        .collect()
}

/// Downloads, verifies and names every bundle of the index the mirror does not hold, then
/// checks that every new release has a bundle.
fn fetch_bundles(
    store: &dyn Store,
    dir: &Path,
    index: &Index,
    remote: &SourceLog,
    opts: &PullOptions,
    r: &mut PullReport,
) -> Result<(), PullError> {
    let bundles_dir = dir.join("bundles");
    std::fs::create_dir_all(&bundles_dir).at(&bundles_dir)?;
    let log_ids: BTreeSet<String> = remote.entries.iter().map(Entry::bundle_id).collect();
    let mut todo = Vec::new();
    for f in index.under("bundles/") {
        let target = dir.join(&f.path);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_file() && m.len() == f.size => r.held.push(f.path.clone()),
            Ok(_) => r.problems.push(PullProblem {
                path: target.display().to_string(),
                message: format!(
                    "in the way: the mirror has another file here ({} bytes in the index); not replaced",
                    f.size
                ),
            }),
            Err(_) => todo.push(f),
        }
    }
    opts.progress
        .start(todo.len() as u64, todo.iter().map(|f| f.size).sum());
    let results = download_all(store, dir, &todo, &log_ids, opts);
    opts.progress.finish();
    let mut have: BTreeMap<String, String> = BTreeMap::new();
    for (f, res) in todo.iter().zip(results) {
        match res {
            Ok(id) => {
                have.insert(id, f.path.clone());
                r.downloaded.push((*f).clone());
            }
            Err(Failed::Bad(m)) => r.problems.push(PullProblem {
                path: store.name(&f.path),
                message: m,
            }),
            Err(Failed::Net(e)) => r.errors.push(PullProblem {
                path: store.name(&f.path),
                message: e.to_string(),
            }),
            Err(Failed::Io(e)) => r.errors.push(PullProblem {
                path: e.path.display().to_string(),
                message: e.source.to_string(),
            }),
        }
    }
    if !r.errors.is_empty() || !r.problems.is_empty() {
        return Ok(());
    }
    // Every new release needs a bundle: downloaded now, or held from an earlier run.
    let missing: Vec<&Entry> = remote.entries[remote.local_count..]
        .iter()
        .filter(|e| !have.contains_key(&e.bundle_id()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // A held file stands for a new release only once it verifies in full (it may be a copy
    // an earlier, interrupted run kept, or anything else that came to be at that name).
    let wanted: BTreeSet<String> = missing.iter().map(|e| e.bundle_id()).collect();
    for path in &r.held {
        let at = dir.join(path);
        let Some(id) = held_bundle_id(&at).filter(|id| wanted.contains(id)) else {
            continue;
        };
        let report = match verify::verify_report_with_progress(&at, opts.trust, &Silent) {
            Ok(report) => report,
            Err(e) => {
                r.errors.push(PullProblem {
                    path: at.display().to_string(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        if report.valid {
            have.insert(id, path.clone());
        } else {
            r.problems.push(PullProblem {
                path: at.display().to_string(),
                message: "held bundle of a new release does not verify; not replaced".into(),
            });
        }
    }
    for e in missing {
        if !have.contains_key(&e.bundle_id()) {
            r.problems.push(PullProblem {
                path: store.name(&format!(
                    "log/{}",
                    e.dir
                        .file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                )),
                message: format!(
                    "release {} ({}) has no bundle in the source's index",
                    e.statement.as_ref().map_or("?", |s| s.release.as_str()),
                    e.bundle_id()
                ),
            });
        }
    }
    Ok(())
}

/// The bundle id (SHA-256 of `release.json`) of a bundle the mirror holds, if it can be read.
fn held_bundle_id(path: &Path) -> Option<String> {
    let b = crate::bundle::Bundle::open(path).ok()?;
    let m = b.get(crate::bag::RELEASE_PATH)?;
    let bytes = b.read(m, MAX_RELEASE_BYTES).ok()?;
    Some(Sha256Digest::of(&bytes).to_hex())
}

/// Each file of `todo` fetched, verified and named, `opts.parallel` at a time; the bundle id
/// of each, or why not.
fn download_all(
    store: &dyn Store,
    dir: &Path,
    todo: &[&IndexFile],
    log_ids: &BTreeSet<String>,
    opts: &PullOptions,
) -> Vec<Result<String, Failed>> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Result<String, Failed>>>> =
        todo.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..opts.parallel.clamp(1, todo.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(f) = todo.get(i) else { break };
                let res = fetch_bundle(store, dir, f, log_ids, opts);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(res);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(Failed::Bad("not downloaded".into())))
        })
        .collect()
}

/// One bundle: into an unnamed file in `DIR/bundles`, verified in full against the trust
/// policy while it arrives and hashed for the index, matched to a release of the log, then
/// named.
fn fetch_bundle(
    store: &dyn Store,
    dir: &Path,
    f: &IndexFile,
    log_ids: &BTreeSet<String>,
    opts: &PullOptions,
) -> Result<String, Failed> {
    let target = dir.join(&f.path);
    let parent = crate::fs::parent_dir(&target).to_owned();
    let unnamed = crate::staging::unnamed_in(&parent).at(&parent)?;
    let (file, named) = match unnamed {
        Some(file) => (file, None),
        None => {
            let tmp = crate::fs::AtomicFile::create(&target)?;
            (tmp.file().try_clone().at(&target)?, Some(tmp))
        }
    };
    let name = store.name(&f.path);
    let verified = fetch_verifying(store, f, &file, &target, opts.progress, |source| {
        verify::verify_zip_source(
            Path::new(&name),
            source,
            opts.trust,
            &Limits::DEFAULT,
            &Silent,
            false,
        )
    })?;
    opts.progress.advance(1, 0);
    let id = judge(&name, verified, &target, log_ids)?;
    crate::fs::seal(&file, &target, Mode::Public, opts.sync)?;
    match named {
        None => crate::staging::publish(&file, &target, false).at(&target)?,
        Some(tmp) => tmp
            .persist(false)
            .map_err(|e| Failed::Io(e.into_path_error()))?,
    }
    Ok(id)
}

/// The verdict on a downloaded bundle: its bundle id when it is valid and a release of the log.
fn judge(
    name: &str,
    verified: Result<(verify::Verified, Option<crate::bundle::Bundle>), verify::VerifyError>,
    target: &Path,
    log_ids: &BTreeSet<String>,
) -> Result<String, Failed> {
    let (v, _) = verified
        .map_err(|e| Failed::Io(PathError::new(target, std::io::Error::other(e.to_string()))))?;
    if !v.report.valid {
        let first = v
            .report
            .problems
            .first()
            .map(|p| format!("{}: {}: {}", p.path, p.check.name(), p.message))
            .unwrap_or_else(|| "not valid".into());
        return Err(Failed::Bad(format!(
            "{name}: not valid ({} problem(s)), not kept; first: {first}",
            v.report.problems.len().max(1)
        )));
    }
    let id = v.report.bundle_id.unwrap_or_default();
    if !log_ids.contains(&id) {
        return Err(Failed::Bad(format!(
            "{name}: release {} ({id}) is not in the source's log; not kept",
            v.report.release.as_deref().unwrap_or("?")
        )));
    }
    Ok(id)
}
