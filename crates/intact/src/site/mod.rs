//! `intact site` (docs/SITE.md): the release log as a static web site — an index of releases,
//! a page per release with its items (filtered in the browser over an index cut into chunks),
//! a page per document with its records, citations and inclusion proof, and a verifier that
//! checks a dropped file against the signed release in the browser. Three page sets (`hy/`,
//! `en/`, `ru/`), plain files only, the same bytes for the same inputs.
//!
//! The log is verified first (every release, the chain, and with `--bundles` every mirrored
//! bundle in full): a site is never built from a log that is not valid.

use std::path::{Path, PathBuf};

use crate::fs::{AtomicDir, PathError, WriteError};
use crate::log::{self, LogError, LogProblem, LogVerifyOptions};
use crate::progress::Progress;
use crate::verify::VerifyOptions;

mod files;
mod filter;
mod model;
mod proofs;
mod render;
mod styles;
mod write;

pub use files::{FileSource, FilesError};
pub use render::{LANGUAGES, TRANSLATIONS};
pub use styles::{bibtex, csl_json, note_citation};

/// Items per chunk of a release's filter index: a browser loads one chunk at a time.
pub const CHUNK_ITEMS: usize = 1000;

/// How to build a site.
pub struct SiteOptions<'a> {
    /// The trust policy the log (and each bundle) is verified under; its principals name the
    /// signers on the pages.
    pub trust: &'a VerifyOptions,
    /// A mirror directory of bundles: each verified in full against the log.
    pub bundles: Option<PathBuf>,
    /// Where each document's file comes from (copied into the site, or linked).
    pub files: FileSource,
    /// Replace an existing site directory.
    pub force: bool,
    pub progress: &'a dyn Progress,
    /// The log key and witness policy its checkpoints are checked under (FORMAT.md §15);
    /// `None` for a layout-1 log.
    pub tlog: Option<&'a log::TlogPolicy>,
}

/// What `intact site` wrote (`--json`, format `intact-site/1`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteReport {
    pub report: &'static str,
    pub site: PathBuf,
    pub collection: String,
    pub releases: usize,
    pub items: usize,
    /// Document pages per language.
    pub documents: usize,
    pub languages: Vec<&'static str>,
    /// Payload files copied into the site (`files/`).
    pub files_copied: usize,
    /// Files written in all.
    pub files_written: usize,
}

/// Why no site was written.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A file could not be read or written (exit 2).
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The log could not be read at all (exit 2).
    #[error(transparent)]
    Log(#[from] LogError),
    /// The output exists and replacing it was not asked for (exit 2).
    #[error("{path}: output exists (it is replaced only when forced)")]
    OutExists { path: PathBuf },
    /// The log, or a mirrored bundle, is not valid (exit 1): no site is built from it.
    #[error("{log}: not valid ({} problem(s)); no site is built from it", problems.len().max(1))]
    NotValid {
        log: PathBuf,
        problems: Vec<LogProblem>,
    },
    /// A document's file could not be copied (exit 1 when it is not the signed file).
    #[error(transparent)]
    Files(#[from] FilesError),
    /// A proof could not be made: the log's records are not what its statement signs (exit 1;
    /// `log verify` refuses such a log first).
    #[error("release {release}: {message}")]
    Proof { release: String, message: String },
    /// A template failed to render (a defect of intact: exit 2).
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

impl SiteError {
    /// Whether this is a finding about the log or its files (exit 1) rather than a usage or
    /// I/O error.
    pub fn is_finding(&self) -> bool {
        matches!(self, SiteError::NotValid { .. } | SiteError::Proof { .. })
            || matches!(self, SiteError::Files(e) if e.is_finding())
    }
}

impl From<PathError> for SiteError {
    fn from(e: PathError) -> SiteError {
        SiteError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

impl From<WriteError> for SiteError {
    fn from(e: WriteError) -> SiteError {
        match e {
            WriteError::Exists { path } => SiteError::OutExists { path },
            other => other.into_path_error().into(),
        }
    }
}

/// `intact site`: verifies the log (and the mirrored bundles), then writes the site into a
/// temporary directory beside `out` and renames it into place whole.
pub fn build(log_dir: &Path, out: &Path, opts: &SiteOptions) -> Result<SiteReport, SiteError> {
    if out.exists() && !opts.force {
        return Err(SiteError::OutExists {
            path: out.to_owned(),
        });
    }
    let report = log::verify_log(
        log_dir,
        &LogVerifyOptions {
            trust: opts.trust,
            progress: opts.progress,
            bundles: opts.bundles.clone(),
            state: None,
            time: None,
            tlog: opts.tlog,
            remote: None,
        },
    )?;
    if !report.valid {
        return Err(SiteError::NotValid {
            log: log_dir.to_owned(),
            problems: report.problems,
        });
    }
    let (entries, mut problems) = log::read_log(log_dir)?;
    let state = log::fold(&entries, &mut problems);
    let site = model::Site::new(&entries, &report, &state)?;
    let tmp = AtomicDir::create(out)?;
    let written = write::write_site(tmp.path(), &site, &report, &opts.files)?;
    persist(tmp, out, opts.force)?;
    Ok(SiteReport {
        report: "intact-site/1",
        site: out.to_owned(),
        collection: site.collection.clone(),
        releases: site.releases.len(),
        items: site.docs.len(),
        documents: site.docs.len(),
        languages: LANGUAGES.to_vec(),
        files_copied: written.copied,
        files_written: written.files,
    })
}

/// Renames the built site into place; an existing site (only when forced) is moved aside
/// first and removed after.
fn persist(tmp: AtomicDir, out: &Path, force: bool) -> Result<(), SiteError> {
    if force && out.exists() {
        let aside = tempfile::Builder::new()
            .prefix(".intact-old-site-")
            .tempdir_in(crate::fs::parent_dir(out))
            .map_err(|e| PathError::new(out, e))?;
        let old = aside.path().join("site");
        std::fs::rename(out, &old).map_err(|e| PathError::new(out, e))?;
        if let Err(e) = tmp.persist() {
            let _ = std::fs::rename(&old, out);
            return Err(e.into());
        }
        drop(aside);
        return Ok(());
    }
    Ok(tmp.persist()?)
}

#[cfg(test)]
mod tests;
