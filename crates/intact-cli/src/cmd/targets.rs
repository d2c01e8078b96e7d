//! Commands over several targets (`verify`, `check`): each target checked in turn, one
//! verdict each and a total; an error of one target reported without stopping the run; the
//! exit code the worst of them (2 over 1 over 0, as ripgrep does).

use std::path::PathBuf;

use crate::exit::{CliError, ErrorReport, Outcome};
use crate::output;

/// `--json` with several targets (`verify`: format `intact-verify-summary/1`, `check`:
/// `intact-check-summary/1`).
#[derive(serde::Serialize)]
pub struct Summary<T: serde::Serialize> {
    pub report: &'static str,
    /// Every target valid.
    pub valid: bool,
    /// The exit code: the worst of the targets' (2 over 1 over 0).
    pub exit: u8,
    /// How many targets were valid, not valid, and could not be checked.
    pub counts: Counts,
    /// One report per target, in the order given; an error object for a target that could
    /// not be checked.
    pub results: Vec<Target<T>>,
}

/// One target's report, or the error that kept it from being checked.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum Target<T: serde::Serialize> {
    Report(T),
    Error(ErrorReport),
}

/// How many targets came out each way.
#[derive(Default, serde::Serialize)]
pub struct Counts {
    pub valid: usize,
    pub not_valid: usize,
    pub errors: usize,
}

impl Counts {
    /// Counts one target's outcome.
    pub fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Done => self.valid += 1,
            Outcome::NotValid => self.not_valid += 1,
            Outcome::Failed => self.errors += 1,
        }
    }

    /// The total line of a run over several targets.
    pub fn total(&self, what: &str) -> String {
        format!(
            "total: {} {what}: {} valid, {} not valid, {} could not be checked\n",
            self.valid + self.not_valid + self.errors,
            self.valid,
            self.not_valid,
            self.errors
        )
    }
}

/// Runs `one` on every target, printing as it goes (or collecting for `--json` with several),
/// and returns the worst outcome. An error of one target is reported and the run goes on.
pub fn each_target<T: serde::Serialize>(
    targets: &[PathBuf],
    json: bool,
    quiet: bool,
    (what, format): (&str, &'static str),
    mut one: impl FnMut(&PathBuf) -> Result<T, CliError>,
    valid: impl Fn(&T) -> bool,
    human: impl Fn(&T) -> String,
) -> Result<Outcome, CliError> {
    if let [only] = targets {
        let r = one(only)?;
        let outcome = Outcome::valid_if(valid(&r));
        if !(quiet && outcome == Outcome::Done) {
            output::print(json, &r, |r| human(r));
        }
        return Ok(outcome);
    }
    let mut worst = Outcome::Done;
    let mut counts = Counts::default();
    let mut results = Vec::new();
    for t in targets {
        let r = one(t);
        let o = Outcome::of(&r, &valid);
        counts.add(o);
        worst = worst.worst(o);
        match r {
            Ok(r) if json => results.push(Target::Report(r)),
            Ok(r) if !(quiet && o == Outcome::Done) => output::out(&human(&r)),
            Ok(_) => {}
            Err(e) => {
                crate::exit::report_error(&e, false);
                results.push(Target::Error(ErrorReport::of(&e)));
            }
        }
    }
    if json {
        output::out(&output::json(&Summary {
            report: format,
            valid: worst == Outcome::Done,
            exit: worst.code(),
            counts,
            results,
        }));
    } else if !quiet {
        output::out(&counts.total(what));
    }
    Ok(worst)
}
