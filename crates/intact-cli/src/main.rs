//! The `intact` binary: parses the flags, runs the subcommand, and ends with the exit code that
//! `intact_cli::exit` assigns to the outcome (0 valid / done / clean, 1 not valid / findings,
//! 2 usage or I/O error).

use std::process::ExitCode;

use clap::Parser;

use intact_cli::cmd::Command;
use intact_cli::exit::{self, CliError, Outcome};

#[derive(Parser)]
#[command(
    name = "intact",
    version,
    about = "Keep a public archive of evidence provably unaltered"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => exit::finish(try_main(cli)),
        Err(e) => exit::parse_failed(e),
    }
}

/// Runs the subcommand the flags name.
fn try_main(cli: Cli) -> Result<Outcome, CliError> {
    cli.command.run()
}
