//! `intact check FILE --bundle B --tsa-certs ROOTS`: the check of [`crate::check::check_bundle`]
//! with the bundle's keys judged at the earliest trusted time of the tokens beside it
//! (FORMAT.md §16.3), and fewer trusted tokens than required a reason the check fails; and
//! `--log DIR`: each release of the log so judged ([`load_source`]).

use std::path::Path;

use intact_format::digest::Sha256Digest;
use intact_format::limits::Limits;
use intact_format::timestamp::read_within;
use intact_format::verify::{Verified, VerifyError, VerifyOptions};

use super::evidence::{apply_evidence, bundle_evidence, bundle_release_json, judge_tokens};
use super::{store, TimeEvidence, TimeOptions};
use crate::check::{CheckError, CheckProblem, CheckReport, CheckStep, ReleaseSource};

/// [`crate::check::check_bundle`] with trusted time.
pub fn check_bundle(
    file: &Path,
    bundle: &Path,
    opts: &VerifyOptions,
    time: &TimeOptions,
) -> Result<CheckReport, CheckError> {
    let limits = Limits::DEFAULT;
    let (evidence, judged) = match bundle_release_json(bundle, &limits) {
        Some(rj) => (
            bundle_evidence(bundle, &rj, &time.roots, &limits)?,
            Some(Sha256Digest::of(&rj).to_hex()),
        ),
        None => (TimeEvidence::default(), None),
    };
    let timed = VerifyOptions {
        at: opts.at.or(evidence.earliest_time),
        ..opts.clone()
    };
    let mut r = crate::check::check_bundle(file, bundle, &timed)?;
    let verified = r.releases.first().and_then(|i| i.bundle_id.clone());
    let mut problem = |message: String| {
        r.problems.push(CheckProblem {
            check: CheckStep::Timestamps,
            source: bundle.to_owned(),
            message,
        })
    };
    if evidence.trusted > 0 && judged != verified {
        problem("release.json changed while the tokens were checked".into());
    }
    if evidence.trusted < time.required {
        problem(format!(
            "{} trusted time-stamp token(s); {} required",
            evidence.trusted, time.required
        ));
    }
    if r.problems.iter().any(|p| p.check == CheckStep::Timestamps) {
        r.valid = false;
    }
    if let Some(info) = r.releases.first_mut() {
        info.timestamps = Some(evidence.clone());
    }
    r.timestamps = Some(evidence);
    Ok(r)
}

/// One release source of `check --log` verified, with trusted time when `time` is given: the
/// tokens beside a bundle, or in a log entry's `timestamps/`, judged over its `release.json`;
/// keys at the earliest trusted time; the report told what they prove
/// ([`super::evidence::apply_evidence`]: too few trusted tokens make the release not valid).
pub fn load_source(
    src: &ReleaseSource,
    opts: &VerifyOptions,
    time: Option<&TimeOptions>,
) -> Result<Verified, VerifyError> {
    let Some(time) = time else {
        return src.load(opts);
    };
    let limits = Limits::DEFAULT;
    let io = |e: crate::fs::PathError| VerifyError::Io {
        path: e.path,
        source: e.source,
    };
    let (release_json, paths) = match src {
        ReleaseSource::Bundle(p) => (
            bundle_release_json(p, &limits),
            store::sidecars(p).map_err(io)?,
        ),
        ReleaseSource::Logged(p) => {
            let rj = p.join("release.json");
            let bytes = read_within(&rj, limits.release_bytes)
                .map_err(|e| io(crate::fs::PathError::new(&rj, e)))?
                .ok();
            (bytes, store::entry_tokens(p).map_err(io)?.0)
        }
    };
    let (evidence, judged) = match release_json {
        Some(rj) => {
            let tokens = store::read_tokens(&paths, &limits).map_err(io)?;
            (
                judge_tokens(&tokens, &rj, &time.roots, &limits),
                Some(Sha256Digest::of(&rj).to_hex()),
            )
        }
        None => (TimeEvidence::default(), None),
    };
    let timed = VerifyOptions {
        at: opts.at.or(evidence.earliest_time),
        ..opts.clone()
    };
    let mut v = src.load(&timed)?;
    apply_evidence(&mut v.report, evidence, judged.as_deref(), time.required);
    Ok(v)
}
