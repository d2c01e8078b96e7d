//! Trusted time in the release log (FORMAT.md §16.1, §16.3): an entry's `timestamps/` holds
//! RFC 3161 tokens over its `release.json` (`1.tsr`, `2.tsr`, …). `log verify --tsa-certs`
//! judges them, and the entry's keys at the earliest trusted time; with `--require-timestamp
//! N` an entry with fewer trusted tokens is a problem.

use super::{Entry, LogError, LogProblem};
use crate::limits::Limits;
use crate::timestamp::evidence::judge_tokens;
use crate::timestamp::{store, TimeEvidence, TimeOptions};
use crate::verify::VerifyOptions;

/// The options to judge entry `e`'s keys with (at its earliest trusted time, unless `trust`
/// fixes the time), and what its tokens prove; files in `timestamps/` that are not tokens'
/// names are problems whether or not tokens are judged.
pub(super) fn timed(
    e: &Entry,
    trust: &VerifyOptions,
    time: Option<&TimeOptions>,
    problems: &mut Vec<LogProblem>,
) -> Result<(Option<VerifyOptions>, Option<TimeEvidence>), LogError> {
    let rel = e.statement.as_ref().map(|s| s.release.clone());
    let problem = |path: String, message: String| LogProblem {
        seq: Some(e.seq),
        release: rel.clone(),
        path,
        message,
    };
    let (tokens, strangers) = store::entry_tokens(&e.dir)?;
    for s in strangers {
        let msg = "unexpected file in timestamps/ (tokens are 1.tsr, 2.tsr, …)".to_string();
        problems.push(problem(s.display().to_string(), msg));
    }
    let Some(time) = time else {
        return Ok((None, None));
    };
    let limits = Limits::DEFAULT;
    let tokens = store::read_tokens(&tokens, &limits)?;
    let evidence = judge_tokens(&tokens, &e.release_json, &time.roots, &limits);
    if evidence.trusted < time.required {
        problems.push(problem(
            e.dir.join(store::ENTRY_DIR).display().to_string(),
            format!(
                "{} trusted time-stamp token(s); {} required",
                evidence.trusted, time.required
            ),
        ));
    }
    let opts = match (trust.at, evidence.earliest_time) {
        (None, Some(t)) => Some(VerifyOptions {
            at: Some(t),
            ..trust.clone()
        }),
        _ => None,
    };
    Ok((opts, Some(evidence)))
}
