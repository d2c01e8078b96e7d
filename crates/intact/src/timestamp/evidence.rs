//! What the stored tokens prove when a release is verified (FORMAT.md §16.3): each token
//! beside a bundle checked over its `release.json` against the trusted roots; keys judged at
//! the earliest trusted `genTime` instead of the self-declared `created`; a release with fewer
//! trusted tokens than required is not valid.

use std::path::Path;

use intact_format::bag::RELEASE_PATH;
use intact_format::bundle::Bundle;
use intact_format::digest::Sha256Digest;
use intact_format::limits::Limits;
use intact_format::progress::Progress;
use intact_format::timestamp::{check_token, TimeEvidence, TsaRoots};
use intact_format::verify::{self, Check, Problem, VerifyError, VerifyOptions, VerifyReport};

use super::store::{self, StoredToken};
use super::TimeOptions;

/// Judges `tokens` over `release_json` (each named by its path).
pub fn judge_tokens(
    tokens: &[StoredToken],
    release_json: &[u8],
    roots: &TsaRoots,
    limits: &Limits,
) -> TimeEvidence {
    let mut evidence = TimeEvidence::default();
    for (path, bytes) in tokens {
        let result = match bytes {
            Ok(b) => check_token(b, release_json, None, roots, limits),
            Err(e) => Err(e.clone()),
        };
        evidence.add(&path.display().to_string(), result);
    }
    evidence
}

/// The bundle's `release.json`, read within [`Limits::release_bytes`]; `None` when the bundle
/// cannot be opened or has none (verification then says why).
pub fn bundle_release_json(path: &Path, limits: &Limits) -> Option<Vec<u8>> {
    let b = Bundle::open_with_limits(path, limits).ok()?;
    let m = b.get(RELEASE_PATH)?;
    b.read(m, limits.release_bytes).ok()
}

/// The tokens beside the bundle at `path`, judged over its `release.json`.
pub fn bundle_evidence(
    path: &Path,
    release_json: &[u8],
    roots: &TsaRoots,
    limits: &Limits,
) -> Result<TimeEvidence, VerifyError> {
    let io = |e: crate::fs::PathError| VerifyError::Io {
        path: e.path,
        source: e.source,
    };
    let tokens = store::read_tokens(&store::sidecars(path).map_err(io)?, limits).map_err(io)?;
    Ok(judge_tokens(&tokens, release_json, roots, limits))
}

/// [`verify::verify_report_with_progress`], with trusted time when `time` is given: the
/// tokens beside the bundle judged first, keys then judged at the earliest trusted time
/// (unless `opts.at` fixes the time), and the report told what the tokens prove
/// ([`apply_evidence`]).
pub fn verify_report(
    path: &Path,
    opts: &VerifyOptions,
    time: Option<&TimeOptions>,
    progress: &dyn Progress,
) -> Result<VerifyReport, VerifyError> {
    let Some(time) = time else {
        return verify::verify_report_with_progress(path, opts, progress);
    };
    let limits = Limits::DEFAULT;
    let (evidence, judged) = match bundle_release_json(path, &limits) {
        Some(rj) => (
            bundle_evidence(path, &rj, &time.roots, &limits)?,
            Some(Sha256Digest::of(&rj).to_hex()),
        ),
        None => (TimeEvidence::default(), None),
    };
    let timed;
    let opts = match (opts.at, evidence.earliest_time) {
        (None, Some(t)) => {
            timed = VerifyOptions {
                at: Some(t),
                ..opts.clone()
            };
            &timed
        }
        _ => opts,
    };
    let mut report = verify::verify_report_with_progress(path, opts, progress)?;
    apply_evidence(&mut report, evidence, judged.as_deref(), time.required);
    Ok(report)
}

/// Adds `evidence` to `report`: a `timestamps` problem (and the report not valid) when fewer
/// than `required` tokens are trusted, or when the tokens were judged over another
/// `release.json` than the one verified (`judged`: its SHA-256, the bundle id).
pub fn apply_evidence(
    report: &mut VerifyReport,
    evidence: TimeEvidence,
    judged: Option<&str>,
    required: usize,
) {
    let mut problems = Vec::new();
    if evidence.trusted > 0 && judged != report.bundle_id.as_deref() {
        problems.push(Problem::new(
            Check::Timestamps,
            RELEASE_PATH,
            "release.json changed while the tokens were checked",
        ));
    }
    if evidence.trusted < required {
        problems.push(Problem::new(
            Check::Timestamps,
            "",
            format!(
                "{} trusted time-stamp token(s); {required} required",
                evidence.trusted
            ),
        ));
    }
    if !problems.is_empty() {
        report.valid = false;
        report.problems.extend(problems);
    }
    report.timestamps = Some(evidence);
}

#[cfg(test)]
mod tests {
    use super::*;
    use intact_format::timestamp::TokenError;

    fn report(bundle_id: &str) -> VerifyReport {
        let mut r = VerifyReport::empty(Path::new("b.zip"), 1);
        r.valid = true;
        r.bundle_id = Some(bundle_id.into());
        r
    }

    fn trusted_once() -> TimeEvidence {
        let mut e = TimeEvidence::default();
        e.add(
            "b.zip.tsr",
            Ok(intact_format::timestamp::Stamp {
                time: time::OffsetDateTime::UNIX_EPOCH,
                tsa: "CN=T".into(),
                serial: "01".into(),
                policy: "1.2".into(),
            }),
        );
        e.add("b.zip.2.tsr", Err(TokenError::Nonce));
        e
    }

    #[test]
    fn too_few_trusted_tokens_make_the_report_not_valid() {
        let mut r = report("aa");
        apply_evidence(&mut r, trusted_once(), Some("aa"), 1);
        assert!(r.valid && r.problems.is_empty());
        assert_eq!(r.timestamps.as_ref().map(|t| t.trusted), Some(1));
        let mut r = report("aa");
        apply_evidence(&mut r, trusted_once(), Some("aa"), 2);
        assert!(!r.valid);
        assert_eq!(r.problems[0].check, Check::Timestamps);
        assert!(
            r.problems[0].message.contains("1 trusted"),
            "{:?}",
            r.problems
        );
        // Nothing required: no token changes nothing.
        let mut r = report("aa");
        apply_evidence(&mut r, TimeEvidence::default(), None, 0);
        assert!(r.valid);
    }

    #[test]
    fn tokens_judged_over_another_statement_than_verified_are_a_problem() {
        let mut r = report("bb");
        apply_evidence(&mut r, trusted_once(), Some("aa"), 0);
        assert!(!r.valid);
        assert!(
            r.problems[0].message.contains("changed"),
            "{:?}",
            r.problems
        );
    }
}
