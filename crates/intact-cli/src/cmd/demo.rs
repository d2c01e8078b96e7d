//! `intact demo`: the whole story on synthetic data (the story itself is `crate::demo`).

use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, Outcome};
use crate::output::out;

#[derive(Args)]
pub struct DemoArgs {
    /// Where to put the sample collection, keys and bundles.
    #[arg(long, value_name = "DIR", default_value = "intact-demo")]
    out: PathBuf,
}

impl DemoArgs {
    /// The top-level entry point for `intact demo`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let r = crate::demo::run(&self.out)?;
        out(&r.transcript);
        Ok(Outcome::valid_if(r.ok))
    }
}
