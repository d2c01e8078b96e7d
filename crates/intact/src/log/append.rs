//! `log append`: a verified bundle that extends the log becomes its next entry.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::read::{fold, read_log};
use super::{seq_name, LogError, LogProblem};
use crate::bag;
use crate::digest::Sha256Digest;
use crate::fs::{At as _, AtomicDir, PathError, WriteError};
use crate::verify::{self, VerifyOptions, MAX_MANIFEST_BYTES};

/// What `log append` did.
#[derive(Debug, Clone, Serialize)]
pub struct AppendReport {
    pub report: &'static str,
    pub log: PathBuf,
    pub appended: bool,
    /// The release is the log's head already (nothing written; `log append` is idempotent:
    /// exit 0). `seq` is then its entry.
    pub already_head: bool,
    pub seq: Option<u64>,
    pub release: Option<String>,
    pub bundle_id: Option<String>,
    pub problems: Vec<LogProblem>,
}

/// Verifies `bundle` in full and appends it to the log if it extends the head (its
/// `previous` is the head, `created` not earlier, its change records apply). Nothing is
/// written unless everything holds.
pub fn append(log: &Path, bundle: &Path, opts: &VerifyOptions) -> Result<AppendReport, LogError> {
    append_with_progress(log, bundle, opts, &crate::progress::Silent)
}

/// [`append`], telling `progress` of the files and bytes of the bundle as it is verified.
pub fn append_with_progress(
    log: &Path,
    bundle: &Path,
    opts: &VerifyOptions,
    progress: &dyn crate::progress::Progress,
) -> Result<AppendReport, LogError> {
    let mut report = AppendReport {
        report: "intact-log-append/1",
        log: log.to_owned(),
        appended: false,
        already_head: false,
        seq: None,
        release: None,
        bundle_id: None,
        problems: Vec::new(),
    };
    let v = verify::verify_with_progress(bundle, opts, progress)?;
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
    // Already in the log: at the head it is done (cron may run twice); below it, one problem
    // instead of every rule the repeat breaks.
    if let Some(e) = entries.iter().find(|e| e.bundle_id() == id) {
        if problems.is_empty() && e.seq == entries.len() as u64 {
            report.already_head = true;
            report.seq = Some(e.seq);
            return Ok(report);
        }
        problems.push(LogProblem {
            seq: Some(e.seq),
            release: Some(s.release.clone()),
            path: bpath.clone(),
            message: format!(
                "already in the log as entry {}, below the head: nothing to append",
                seq_name(e.seq)
            ),
        });
        report.problems = problems;
        return Ok(report);
    }
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
    let seq = entries.len() as u64 + 1;
    write_entry(log, seq, bundle)?;
    report.appended = true;
    report.seq = Some(seq);
    Ok(report)
}

/// Writes entry `seq` of the log: the bundle's statement, manifest and signatures, in a temp
/// directory inside the log, then renamed into place whole.
fn write_entry(log: &Path, seq: u64, bundle: &Path) -> Result<(), LogError> {
    std::fs::create_dir_all(log).at(log)?;
    let dest = log.join(seq_name(seq));
    let tmp = AtomicDir::create(&dest)?;
    let b = crate::bundle::Bundle::open(bundle)
        .map_err(|e| PathError::new(bundle, io::Error::other(e.to_string())))?;
    let copy = |name: &str, dest: &Path| -> Result<(), PathError> {
        let m = b
            .get(name)
            .ok_or_else(|| PathError::new(bundle, io::Error::other(format!("{name} missing"))))?;
        let bytes = b
            .read(m, MAX_MANIFEST_BYTES)
            .map_err(|e| PathError::new(bundle, io::Error::other(e)))?;
        std::fs::write(dest, bytes).at(dest)
    };
    copy(bag::RELEASE_PATH, &tmp.path().join("release.json"))?;
    copy(bag::ITEMS_PATH, &tmp.path().join("manifest.json"))?;
    let sdir = tmp.path().join("signatures");
    std::fs::create_dir(&sdir).at(&sdir)?;
    for m in b.members_under(bag::SIGNATURES_DIR) {
        let name = &m.path.as_str()[bag::SIGNATURES_DIR.len()..];
        copy(m.path.as_str(), &sdir.join(name))?;
    }
    tmp.persist().map_err(|e| match e {
        WriteError::Exists { path } => PathError::new(
            &path,
            io::Error::other("appeared while appending (concurrent append?)"),
        )
        .into(),
        WriteError::Io(e) => e.into(),
    })
}
