//! `intact deny-list expand`: the variants of a deny-list's entries, for the office to review.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct DenyListArgs {
    #[command(subcommand)]
    command: DenyListCommand,
}

#[derive(Subcommand)]
enum DenyListCommand {
    /// Write every entry and the spellings an office would otherwise forget (other scripts,
    /// transliterations, Russian cases, reversed order, initials, phone and street forms), each
    /// marked with its entry and rule, to a private file to review and then use as --deny-list.
    Expand(ExpandArgs),
}

impl DenyListArgs {
    /// The top-level entry point for `intact deny-list`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            DenyListCommand::Expand(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct ExpandArgs {
    /// The deny-list to expand.
    list: PathBuf,
    /// Where to write the expanded list (mode 0600; private like the deny-list).
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: PathBuf,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

impl ExpandArgs {
    fn run(self) -> Result<Outcome, CliError> {
        let x = intact::deny_list::expand_list(&self.list)?;
        // nothing this run prints may hold an entry or a variant
        output::withhold(&x.deny);
        let w = intact::deny_list::write(&x, &self.list, &self.out, self.force)?;
        output::print(self.json, &w, |w| {
            format!(
                "wrote {} ({} entries, {} lines with their variants): review it, then use it as --deny-list\n",
                w.out.display(),
                w.entries,
                w.lines
            )
        });
        Ok(Outcome::Done)
    }
}
