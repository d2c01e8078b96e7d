//! `intact check` (docs/CITING.md): is this file what a signed release published? Checked
//! against a proof from `intact cite` ([`proof`], offline), a bundle (here), or every release
//! of a log ([`log`]).
//!
//! Every check returns a typed report (`--json` prints it; the fields are documented in
//! docs/CITING.md and are only ever added to).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::digest::{self, StreamDigest};
use crate::fs::{At as _, PathError};
use crate::manifest::{ChangeAction, Item, Manifest};
use crate::release::{Previous, Statement};
use crate::trust::SignatureCheck;
use crate::verify::{self, Verified, VerifyError, VerifyOptions, VerifyReport};

mod log;
mod proof;
mod remote;

pub use log::{check_log, check_log_timed, discover_log, ReleaseSource};
pub use proof::check_proof;
pub use remote::{check_bundle_url, RemoteScope};

/// Format id of the check report (`intact check --json`).
pub const CHECK_REPORT: &str = "intact-check/1";

/// What the file was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckMode {
    Proof,
    Bundle,
    Log,
}

/// The step of a check a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStep {
    /// The proof document could not be read as an `intact-proof/1` (truncated, not JSON…).
    Proof,
    /// The file's digest or size is not the item's.
    File,
    /// The audit path does not lead to the statement's `merkle_root`.
    Inclusion,
    /// A signature is broken, or too few trusted principals signed.
    Signatures,
    /// A bundle failed verification.
    Bundle,
    /// No item has this content.
    Lookup,
    /// Fewer trusted time-stamp tokens than required (`--require-timestamp`, FORMAT.md §16).
    Timestamps,
}

/// One reason the check failed.
#[derive(Debug, Clone, Serialize)]
pub struct CheckProblem {
    pub check: CheckStep,
    /// The proof, bundle or log entry the problem is about.
    pub source: PathBuf,
    pub message: String,
}

/// A release that was consulted.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseInfo {
    pub source: PathBuf,
    /// Statement, signatures and manifests are valid (and, for a proof, the inclusion).
    pub valid: bool,
    pub bundle_id: Option<String>,
    pub collection: Option<String>,
    pub release: Option<String>,
    pub created: Option<String>,
    pub previous: Option<Previous>,
    /// Distinct trusted principals with a valid signature.
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
    /// With `--tsa-certs`: this release's time-stamp tokens and what they prove (FORMAT.md §16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<crate::timestamp::TimeEvidence>,
}

/// Where an item version stands in a log (log mode): only a later release's signed change
/// record ends it; a later release that does not repeat it changes nothing (releases carry only
/// new items, docs/RELEASES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    /// No later release of the log has a change record for it.
    Current,
    /// A later release's change record replaced it by an item of that release.
    Superseded,
    /// A later release's change record withdrew it.
    Withdrawn,
}

/// The signed change record of a later release that superseded or withdrew an item, and the
/// release that carries it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedBy {
    pub source: PathBuf,
    pub release: String,
    pub created: String,
    pub bundle_id: String,
    /// `superseded` or `withdrawn`, as the change record says.
    pub action: ChangeAction,
    /// Superseded: the id of the item of that release that replaces it.
    pub by: Option<String>,
    /// Superseded: that item's sha256 (`null` when it is withheld, or not in the release).
    pub sha256: Option<String>,
    /// The change record's reason, as signed.
    pub reason: String,
}

/// One item, in one release, that has the file's content (or, in `same_name`, its file name).
#[derive(Debug, Clone, Serialize)]
pub struct Appearance {
    pub source: PathBuf,
    pub collection: String,
    pub release: String,
    pub created: String,
    pub bundle_id: String,
    pub signers: Vec<String>,
    /// The item record, exactly as in `manifest.json`.
    pub item: Item,
    pub leaf_index: u64,
    /// Log mode: `current`, `superseded` or `withdrawn` (`null` against a proof or a bundle).
    pub status: Option<ItemStatus>,
    /// Log mode: the later release whose change record superseded this item, with its reason.
    pub superseded_by: Option<ChangedBy>,
    /// Log mode: the later release whose change record withdrew this item, with its reason.
    pub withdrawn_by: Option<ChangedBy>,
}

/// The result of `intact check` (`--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `intact-check/1`.
    pub report: &'static str,
    pub mode: CheckMode,
    pub file: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The file is what a valid release signed by enough trusted principals published.
    pub valid: bool,
    /// Items with the file's content, in valid releases (oldest release first).
    pub found: Vec<Appearance>,
    /// When nothing was found: items with the file's name (basename) but other content.
    pub same_name: Vec<Appearance>,
    /// Every release consulted.
    pub releases: Vec<ReleaseInfo>,
    /// Why the check failed (empty when valid).
    pub problems: Vec<CheckProblem>,
    /// Log mode: entries of the log that could not be used (not valid, unreadable); they do not
    /// change the verdict.
    pub skipped: Vec<CheckProblem>,
    /// Bundle mode with `--tsa-certs`: the tokens beside the bundle and what they prove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<crate::timestamp::TimeEvidence>,
    /// A bundle read by ranges (`--bundle URL`): what was read and proved, and what was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<remote::RemoteScope>,
}

/// `intact check` could not be done at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

impl From<PathError> for CheckError {
    fn from(e: PathError) -> CheckError {
        CheckError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// SHA-256 and size of the file to check.
fn hash_file(path: &Path) -> Result<StreamDigest, CheckError> {
    let f = File::open(path).at(path)?;
    if f.metadata().at(path)?.is_dir() {
        let e = io::Error::other("is a directory, not a file");
        return Err(PathError::new(path, e).into());
    }
    Ok(digest::hash_stream(f).at(path)?)
}

/// Refuses a threshold the policy cannot meet (none, or more than its principals).
fn check_threshold(opts: &VerifyOptions) -> Result<(), CheckError> {
    let available = opts.policy.release_principals().len();
    if opts.threshold == 0 {
        return Err(VerifyError::ThresholdZero.into());
    }
    if opts.threshold > available {
        return Err(VerifyError::Threshold {
            threshold: opts.threshold,
            available,
            policy: opts.policy.path.clone(),
        }
        .into());
    }
    Ok(())
}

fn new_report(mode: CheckMode, file: &Path, d: &StreamDigest) -> CheckReport {
    CheckReport {
        report: CHECK_REPORT,
        mode,
        file: file.to_owned(),
        sha256: d.sha256.to_hex(),
        size: d.size,
        valid: false,
        found: Vec::new(),
        same_name: Vec::new(),
        releases: Vec::new(),
        problems: Vec::new(),
        skipped: Vec::new(),
        timestamps: None,
        remote: None,
    }
}

/// A release of a log (or a single bundle) that verified.
struct Release {
    source: PathBuf,
    statement: Statement,
    bundle_id: String,
    manifest: Manifest,
    signers: Vec<String>,
}

fn release_info(source: &Path, v: &VerifyReport) -> ReleaseInfo {
    ReleaseInfo {
        source: source.to_owned(),
        valid: v.valid,
        bundle_id: v.bundle_id.clone(),
        collection: v.collection.clone(),
        release: v.release.clone(),
        created: v.created.clone(),
        previous: v.previous.clone(),
        signers: v.signers.clone(),
        signatures: v.signatures.clone(),
        timestamps: v.timestamps.clone(),
    }
}

fn bundle_problems(source: &Path, v: &VerifyReport) -> Vec<CheckProblem> {
    let mut out: Vec<CheckProblem> = v
        .problems
        .iter()
        .map(|p| CheckProblem {
            check: CheckStep::Bundle,
            source: source.to_owned(),
            message: if p.path.is_empty() {
                format!("{}: {}", p.check.name(), p.message)
            } else {
                format!("{}: {}: {}", p.path, p.check.name(), p.message)
            },
        })
        .collect();
    if out.is_empty() {
        out.push(CheckProblem {
            check: CheckStep::Bundle,
            source: source.to_owned(),
            message: "not valid".into(),
        });
    }
    out
}

/// Turns a verification into a usable release, or `None` when it is not valid.
fn into_release(source: &Path, v: Verified) -> Option<Release> {
    match (v.statement, v.release_json, v.manifest, v.report.valid) {
        (Some(statement), Some(_), Some(manifest), true) => Some(Release {
            source: source.to_owned(),
            statement,
            bundle_id: v.report.bundle_id.clone().unwrap_or_default(),
            manifest,
            signers: v.report.signers.clone(),
        }),
        _ => None,
    }
}

fn appearance(rel: &Release, index: usize) -> Appearance {
    Appearance {
        source: rel.source.clone(),
        collection: rel.statement.collection.clone(),
        release: rel.statement.release.clone(),
        created: rel.statement.created.clone(),
        bundle_id: rel.bundle_id.clone(),
        signers: rel.signers.clone(),
        item: rel.manifest.items[index].clone(),
        leaf_index: index as u64,
        status: None,
        superseded_by: None,
        withdrawn_by: None,
    }
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Items of `rel` with the file's content, and (separately) with its name but other content.
fn lookup(rel: &Release, d: &StreamDigest, name: &str) -> (Vec<Appearance>, Vec<Appearance>) {
    let want = d.sha256.to_hex();
    let mut found = Vec::new();
    let mut same_name = Vec::new();
    for (i, item) in rel.manifest.items.iter().enumerate() {
        if item.sha256.as_deref() == Some(want.as_str()) && item.size == Some(d.size) {
            found.push(appearance(rel, i));
        } else if item.path.as_deref().map(basename) == Some(name) {
            same_name.push(appearance(rel, i));
        }
    }
    (found, same_name)
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn not_found(r: &mut CheckReport, source: &Path, what: &str) {
    let mut msg = format!("no item of {what} has this content (sha256 {})", r.sha256);
    if !r.same_name.is_empty() {
        let names: Vec<String> = r
            .same_name
            .iter()
            .map(|a| {
                format!(
                    "{} in release {} (sha256 {})",
                    a.item.path.as_deref().unwrap_or(&a.item.id),
                    a.release,
                    a.item.sha256.as_deref().unwrap_or("?")
                )
            })
            .collect();
        msg.push_str(&format!(
            "; an item with the same file name has different content: {}",
            names.join(", ")
        ));
    }
    r.problems.push(CheckProblem {
        check: CheckStep::Lookup,
        source: source.to_owned(),
        message: msg,
    });
}

fn skip_payload(opts: &VerifyOptions) -> VerifyOptions {
    VerifyOptions {
        policy: opts.policy.clone(),
        revocations: opts.revocations.clone(),
        threshold: opts.threshold,
        at: opts.at,
        skip_payload: true,
        skip_threshold: false,
    }
}

/// `intact check FILE --bundle BUNDLE`: checks the bundle's statement, signatures and manifests
/// (not its payload bytes), then looks the file's digest up among its items.
pub fn check_bundle(
    file: &Path,
    bundle: &Path,
    opts: &VerifyOptions,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Bundle, file, &d);
    let v = verify::verify_full(bundle, &skip_payload(opts))?;
    r.releases.push(release_info(bundle, &v.report));
    if !v.report.valid {
        r.problems = bundle_problems(bundle, &v.report);
        return Ok(r);
    }
    let Some(rel) = into_release(bundle, v) else {
        return Ok(r);
    };
    let (found, same_name) = lookup(&rel, &d, &file_name(file));
    r.found = found;
    if r.found.is_empty() {
        r.same_name = same_name;
        not_found(
            &mut r,
            bundle,
            &format!("release {}", rel.statement.release),
        );
    }
    r.valid = !r.found.is_empty();
    Ok(r)
}
