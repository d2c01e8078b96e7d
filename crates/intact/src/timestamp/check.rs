//! `intact check FILE --bundle B --tsa-certs ROOTS`: the check of [`crate::check::check_bundle`]
//! with the bundle's keys judged at the earliest trusted time of the tokens beside it
//! (FORMAT.md §16.3), and fewer trusted tokens than required a reason the check fails.

use std::path::Path;

use intact_format::digest::Sha256Digest;
use intact_format::limits::Limits;
use intact_format::verify::VerifyOptions;

use super::evidence::{bundle_evidence, bundle_release_json};
use super::{TimeEvidence, TimeOptions};
use crate::check::{CheckError, CheckProblem, CheckReport, CheckStep};

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
    r.timestamps = Some(evidence);
    Ok(r)
}
