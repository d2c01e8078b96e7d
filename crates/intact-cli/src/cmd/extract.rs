//! `intact extract`: verify a bundle, then write it out as a tree (nothing written if not valid).

use std::path::PathBuf;

use clap::Args;

use intact::extract::ExtractReport;

use super::flags::TrustArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct ExtractArgs {
    /// Bundle ZIP or directory.
    bundle: PathBuf,
    /// Target directory; the bag is written to DIR/<top directory>.
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Replace existing regular files.
    #[arg(long)]
    force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing when it was extracted, and no progress bar (there is none either when
    /// stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
}

impl ExtractArgs {
    /// The top-level entry point for `intact extract`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let opts = self.trust.load()?;
        let progress = crate::progress::bar(self.quiet, "verifying");
        let r = intact::extract::extract_with_progress(
            &self.bundle,
            &self.to,
            &opts,
            self.force,
            progress.as_ref(),
        )?;
        drop(progress);
        if !(self.quiet && r.extracted_to.is_some()) {
            output::print(self.json, &r, human);
        }
        Ok(Outcome::valid_if(r.extracted_to.is_some()))
    }
}

fn human(r: &ExtractReport) -> String {
    let mut t = String::new();
    if !r.verification.valid {
        t.push_str(&super::verify::human(&r.verification));
    }
    t.push_str(&match &r.extracted_to {
        Some(p) => format!("extracted {} verified files to {}\n", r.files, p.display()),
        None => format!(
            "NOT EXTRACTED: {} did not verify; nothing was written\n",
            r.bundle.display()
        ),
    });
    t
}
