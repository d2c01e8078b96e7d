//! `intact bagit validate`: any BagIt bag (RFC 8493 and drafts 0.93–0.97), intact's or not.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::exit::{CliError, Outcome};
use crate::output::{json, out};

#[derive(Args)]
pub struct BagitArgs {
    #[command(subcommand)]
    command: BagitCommand,
}

#[derive(Subcommand)]
enum BagitCommand {
    /// Validate any bag directory: exit 0 valid, 1 invalid, 2 unreadable.
    Validate(ValidateArgs),
}

impl BagitArgs {
    /// The top-level entry point for `intact bagit`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            BagitCommand::Validate(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct ValidateArgs {
    /// The bag directory.
    bag: PathBuf,
    /// Print the report as JSON (see docs/BAGIT.md).
    #[arg(long)]
    json: bool,
    /// Only check Payload-Oxum against the payload's file count and size (no hashing).
    #[arg(long)]
    fast: bool,
}

impl ValidateArgs {
    /// The top-level entry point for `intact bagit validate`.
    fn run(self) -> Result<Outcome, CliError> {
        let opts = intact::bagit::ValidateOptions { fast: self.fast };
        let mut report = intact::bagit::validate(&self.bag, &opts)?;
        crate::exit::bagit_problems(&mut report);
        if self.json {
            out(&json(&report.to_json()));
        } else {
            out(&self.human(&report));
        }
        Ok(Outcome::valid_if(report.valid()))
    }

    fn human(&self, report: &intact::bagit::BagReport) -> String {
        let mut text = String::new();
        for line in report.problem_lines() {
            text.push_str(&line);
            text.push('\n');
        }
        let verdict = if report.valid() { "valid" } else { "INVALID" };
        let mode = if self.fast {
            " (fast: Payload-Oxum only)"
        } else {
            ""
        };
        text.push_str(&format!(
            "{}: {verdict}{mode}: {} error(s), {} warning(s); {} payload file(s), {} bytes\n",
            self.bag.display(),
            report.errors(),
            report.warnings(),
            report.files,
            report.bytes
        ));
        text
    }
}
