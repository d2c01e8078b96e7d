//! `intact extract`: verify a bundle, then write it out as a mirrored tree — only inside the
//! target directory, never through a symlink, never over an existing file unless forced, each
//! file renamed into place whole. Nothing is written unless the bundle verified, and the
//! extracted tree is verified again before any file is moved into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bundle::Bundle;
use crate::fs::{At as _, PathError};
use crate::verify::{self, VerifyOptions, VerifyReport};

/// Why nothing (or not everything) was extracted.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Refused { path: PathBuf, message: String },
    /// A file is in the way, and replacing regular files was not asked for (or it is not a
    /// regular file).
    #[error("{path}: exists (a regular file is replaced only when forced)")]
    Exists { path: PathBuf },
    #[error(transparent)]
    Verify(#[from] verify::VerifyError),
}

impl From<PathError> for ExtractError {
    fn from(e: PathError) -> ExtractError {
        ExtractError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// What `extract` did.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractReport {
    pub report: &'static str,
    pub bundle: PathBuf,
    /// The extracted bag directory (`DIR/<top>`), when extraction happened.
    pub extracted_to: Option<PathBuf>,
    pub files: usize,
    pub verification: VerifyReport,
}

/// Makes `dir` and its missing parents below `root`, refusing symlinks and non-directories.
fn make_dirs(root: &Path, rel: &Path) -> Result<(), ExtractError> {
    let mut cur = root.to_owned();
    for comp in rel.components() {
        cur.push(comp);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ExtractError::Refused {
                    path: cur,
                    message: "exists and is not a directory (symlinks are never followed)".into(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&cur).at(&cur)?
            }
            Err(e) => {
                return Err(PathError {
                    path: cur,
                    source: e,
                }
                .into())
            }
        }
    }
    Ok(())
}

/// Verifies `bundle` and extracts it into `to`.
pub fn extract(
    bundle: &Path,
    to: &Path,
    opts: &VerifyOptions,
    force: bool,
) -> Result<ExtractReport, ExtractError> {
    extract_with_progress(bundle, to, opts, force, &crate::progress::Silent)
}

/// [`extract`], telling `progress` of the files and bytes of the bundle as it is verified.
pub fn extract_with_progress(
    bundle: &Path,
    to: &Path,
    opts: &VerifyOptions,
    force: bool,
    progress: &dyn crate::progress::Progress,
) -> Result<ExtractReport, ExtractError> {
    let verification = verify::verify_report_with_progress(bundle, opts, progress)?;
    let mut report = ExtractReport {
        report: "intact-extract/1",
        bundle: bundle.to_owned(),
        extracted_to: None,
        files: 0,
        verification,
    };
    if !report.verification.valid {
        return Ok(report);
    }
    match std::fs::symlink_metadata(to) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(ExtractError::Refused {
                path: to.to_owned(),
                message: "target exists and is not a directory".into(),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(to).at(to)?,
        Err(e) => return Err(PathError::new(to, e).into()),
    }
    let b = Bundle::open(bundle).map_err(|e| ExtractError::Refused {
        path: bundle.to_owned(),
        message: e.to_string(),
    })?;
    // 1. Everything into a private staging tree inside the target.
    let staging = tempfile::Builder::new()
        .prefix(".intact-extract-")
        .tempdir_in(to)
        .at(to)?;
    let stage_bag = staging.path().join(&b.top);
    std::fs::create_dir(&stage_bag).at(&stage_bag)?;
    for m in b.members.values() {
        let rel = Path::new(m.path.as_str());
        if let Some(parent) = rel.parent() {
            make_dirs(&stage_bag, parent)?;
        }
        let dest = stage_bag.join(rel);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&dest)
            .at(&dest)?;
        let mut r = b.reader(m).at(bundle)?;
        std::io::copy(&mut r, &mut f).at(&dest)?;
        f.flush().at(&dest)?;
    }
    // 2. The staged tree must verify on its own (the bundle could have changed since step 0).
    let again = verify::verify(&stage_bag, opts)?;
    if !again.valid {
        report.verification = again;
        return Ok(report);
    }
    // 3. Move each file into place: whole files only, no overwrite unless forced.
    let final_bag = to.join(&b.top);
    let mut moved = 0;
    for m in b.members.values() {
        let rel = Path::new(m.path.as_str());
        make_dirs(
            to,
            &Path::new(&b.top).join(rel.parent().unwrap_or(Path::new(""))),
        )?;
        let src = stage_bag.join(rel);
        let dest = final_bag.join(rel);
        if let Ok(meta) = std::fs::symlink_metadata(&dest) {
            if !force || !meta.is_file() {
                return Err(ExtractError::Exists { path: dest });
            }
            std::fs::rename(&src, &dest).at(&dest)?;
        } else {
            std::fs::hard_link(&src, &dest).at(&dest)?;
        }
        moved += 1;
    }
    report.files = moved;
    report.extracted_to = Some(final_bag);
    Ok(report)
}
