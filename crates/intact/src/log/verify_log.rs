//! `log verify`: every release of the log (statement, signatures, the chain), the mirror's
//! bundles against it, and the mirror's state; and one entry on its own for `intact check --log`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fleet::Fleet;
use super::mirror::{check_mirror, Mirror, MirrorNote};
use super::read::{fold, read_entry, read_existing_log};
use super::state;
use super::tlog_verify::{self, TlogPolicy, TlogReport};
use super::{Entry, LogError, LogProblem};
use crate::archive::ReleaseRef;
use crate::release::RELEASE_FORMAT;
use crate::trust::{self, SignatureCheck};
use crate::verify::{self, VerifyOptions};

/// One release's result in `log verify`.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseCheck {
    pub seq: u64,
    pub release: Option<String>,
    pub bundle_id: String,
    pub created: Option<String>,
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
    /// The first of `bundles` (`--bundles`).
    pub bundle: Option<PathBuf>,
    /// Every mirrored bundle with this statement, each verified in full (`--bundles`).
    pub bundles: Vec<PathBuf>,
    /// The entry's time-stamp tokens and what they prove (`--tsa-certs`, FORMAT.md §16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<crate::timestamp::TimeEvidence>,
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
    /// How many bundles in `--bundles` were verified in full against a release of the log.
    pub bundles_checked: usize,
    /// Bundles in `--bundles` that no release of the log names (not an error, not checked).
    pub unlisted_bundles: Vec<PathBuf>,
    /// Entries of `--bundles` that are not bundles (a README, `lost+found`): not checked.
    pub notes: Vec<MirrorNote>,
    /// The state file was updated to the head.
    pub state_updated: bool,
    /// The checkpoints (FORMAT.md §15).
    pub tlog: TlogReport,
    pub problems: Vec<LogProblem>,
}

/// Options of `log verify`.
pub struct LogVerifyOptions<'a> {
    pub trust: &'a VerifyOptions,
    /// Told of the files and bytes of each mirrored bundle as it is verified (`--bundles`).
    pub progress: &'a dyn crate::progress::Progress,
    pub bundles: Option<PathBuf>,
    pub state: Option<PathBuf>,
    /// Trusted time (`--tsa-certs`, `--require-timestamp`).
    pub time: Option<&'a crate::timestamp::TimeOptions>,
    /// The log key and witness policy for the checkpoints (FORMAT.md §15); `None`: no key.
    pub tlog: Option<&'a TlogPolicy>,
    /// How an `s3://` `bundles` is reached (docs/MIRRORS.md); `None`: a folder only.
    pub remote: Option<&'a crate::net::remote::Remote>,
}

/// Verifies a release log, and with `--bundles` every mirrored bundle against it, and with
/// `--state` that the log extends what this mirror verified before (then records the new head).
pub fn verify_log(log: &Path, opts: &LogVerifyOptions) -> Result<LogReport, LogError> {
    verify_log_with(log, opts, &Fleet::default())
}

/// [`verify_log`], with `fleet` saying how many bundles of `--bundles` are verified at once and
/// within what memory bound (`fleet.rs`).
pub fn verify_log_with(
    log: &Path,
    opts: &LogVerifyOptions,
    fleet: &Fleet,
) -> Result<LogReport, LogError> {
    let (entries, mut problems) = read_existing_log(log)?;
    if entries.is_empty() {
        problems.push(LogProblem {
            seq: None,
            release: None,
            path: log.display().to_string(),
            message: "empty log: no release".into(),
        });
    }
    let mut releases: Vec<ReleaseCheck> = Vec::new();
    for e in &entries {
        let (timed, evidence) = super::timestamps::timed(e, opts.trust, opts.time, &mut problems)?;
        let mut rc = check_release(e, timed.as_ref().unwrap_or(opts.trust), &mut problems);
        rc.timestamps = evidence;
        releases.push(rc);
    }
    let state = fold(&entries, &mut problems);
    let remote_url = opts
        .bundles
        .as_deref()
        .and_then(|b| b.to_str())
        .filter(|b| b.starts_with("s3://"));
    let mirror = match (&opts.bundles, remote_url, opts.remote) {
        (Some(_), Some(url), Some(remote)) => super::remote_bundles::check_remote_mirror(
            remote,
            url,
            &entries,
            &mut releases,
            opts.trust,
            &mut problems,
            opts.progress,
            fleet,
        )?,
        (Some(dir), _, _) => check_mirror(
            dir,
            &entries,
            &mut releases,
            opts.trust,
            &mut problems,
            opts.progress,
            fleet,
        )?,
        (None, _, _) => Mirror::default(),
    };
    // Rollback and fork protection against what this mirror verified before.
    let prior = match &opts.state {
        Some(sp) => state::check_prior(sp, &entries, &state, &mut problems)?,
        None => None,
    };
    let prior_cp = prior.as_ref().and_then(|p| p.checkpoint.as_deref());
    let tlog = tlog_verify::check(
        log,
        &entries,
        opts.tlog.unwrap_or(&TlogPolicy::default()),
        prior_cp,
        &mut problems,
    )?;
    let valid = problems.is_empty();
    let state_updated = match (valid, &opts.state) {
        (true, Some(sp)) => {
            state::record_head(sp, prior.as_ref(), &entries, &state, tlog.head_note.clone())?
        }
        _ => false,
    };
    Ok(LogReport {
        report: "intact-log-verify/1",
        log: log.to_owned(),
        valid,
        collection: state.collection.clone(),
        head: state.head().cloned(),
        releases,
        bundles_checked: mirror.checked,
        unlisted_bundles: mirror.unlisted,
        notes: mirror.notes,
        state_updated,
        tlog,
        problems,
    })
}

/// One release of the log on its own: its statement's format, its signatures, the threshold.
fn check_release(e: &Entry, trust: &VerifyOptions, problems: &mut Vec<LogProblem>) -> ReleaseCheck {
    let (signatures, signers) = check_signatures(e, trust);
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
    for c in signatures.iter().filter(|c| is_broken(c)) {
        problems.push(LogProblem {
            seq: Some(e.seq),
            release: rel.clone(),
            path: e.dir.join(&c.file).display().to_string(),
            message: c.detail.clone(),
        });
    }
    if signers.len() < trust.threshold {
        problems.push(LogProblem {
            seq: Some(e.seq),
            release: rel.clone(),
            path: e.dir.display().to_string(),
            message: format!(
                "{} valid signature(s) by trusted principals; {} required",
                signers.len(),
                trust.threshold
            ),
        });
    }
    ReleaseCheck {
        seq: e.seq,
        release: rel,
        bundle_id: e.bundle_id(),
        created: e.statement.as_ref().map(|s| s.created.clone()),
        signers,
        signatures,
        bundle: None,
        bundles: Vec::new(),
        timestamps: None,
    }
}

/// The entry's signatures checked against the policy, and the trusted principals that signed.
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
                "signatures/",
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

/// Whether a signature is broken (not merely untrusted, expired or revoked): a problem whatever
/// the threshold.
fn is_broken(c: &SignatureCheck) -> bool {
    c.status.is_broken()
}

/// Checks one log entry on its own (statement, signatures against the policy, item records
/// against the statement) and presents it as a verification, for tools that look items up
/// across a log (`intact check --log`). Chain rules are `verify_log`'s.
pub fn verify_entry(dir: &Path, opts: &VerifyOptions) -> Result<verify::Verified, LogError> {
    let seq = dir
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(super::read::entry_seq)
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
    for c in signatures.iter().filter(|c| is_broken(c)) {
        report_problems.push(verify::Problem {
            check: verify::Check::Signatures,
            path: c.file.clone(),
            message: c.detail.clone(),
        });
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
