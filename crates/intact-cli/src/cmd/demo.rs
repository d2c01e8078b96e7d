//! `intact demo`: the whole story on synthetic data (the story itself is `crate::demo`).

use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, Outcome};
use crate::output::{json, out};

#[derive(Args)]
pub struct DemoArgs {
    /// Where to put the sample collection, keys and bundles.
    #[arg(long, value_name = "DIR", default_value = "intact-demo")]
    out: PathBuf,
    /// Print the result as JSON (the transcript as a list of lines).
    #[arg(long)]
    json: bool,
}

/// `demo --json` (format `intact-demo/1`).
#[derive(serde::Serialize)]
struct DemoReport<'a> {
    report: &'static str,
    /// The bundle verified and the tampered copy was rejected.
    ok: bool,
    out: &'a std::path::Path,
    transcript: Vec<&'a str>,
}

impl DemoArgs {
    /// The top-level entry point for `intact demo`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let r = crate::demo::run(&self.out)?;
        if self.json {
            out(&json(&DemoReport {
                report: "intact-demo/1",
                ok: r.ok,
                out: &self.out,
                transcript: r.transcript.lines().collect(),
            }));
        } else {
            out(&r.transcript);
        }
        Ok(Outcome::valid_if(r.ok))
    }
}
