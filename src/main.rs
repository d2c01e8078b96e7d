//! The `intact` command line: parses flags, calls the library, prints, maps outcomes to exit codes
//! (0 valid / clean, 1 not valid / findings, 2 usage or I/O error).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use intact::bagit;

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

#[derive(Subcommand)]
enum Command {
    /// BagIt bags (RFC 8493 and drafts 0.93–0.97)
    Bagit {
        #[command(subcommand)]
        command: BagitCommand,
    },
}

#[derive(Subcommand)]
enum BagitCommand {
    /// Validate a bag directory: exit 0 valid, 1 invalid, 2 unreadable
    Validate {
        /// The bag directory
        bag: PathBuf,
        /// Print the report as JSON (see docs/BAGIT.md)
        #[arg(long)]
        json: bool,
        /// Only check Payload-Oxum against the payload's file count and size (no hashing)
        #[arg(long)]
        fast: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Bagit {
            command: BagitCommand::Validate { bag, json, fast },
        } => bagit_validate(&bag, json, fast),
    }
}

fn bagit_validate(bag: &std::path::Path, json: bool, fast: bool) -> ExitCode {
    let report = match bagit::validate(bag, &bagit::ValidateOptions { fast }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("intact: {e}");
            return ExitCode::from(2);
        }
    };
    if json {
        match serde_json::to_string_pretty(&report.to_json()) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("intact: cannot write JSON report: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for line in report.problem_lines() {
            println!("{line}");
        }
        let verdict = if report.valid() { "valid" } else { "INVALID" };
        let mode = if fast {
            " (fast: Payload-Oxum only)"
        } else {
            ""
        };
        println!(
            "{}: {verdict}{mode}: {} error(s), {} warning(s); {} payload file(s), {} bytes",
            bag.display(),
            report.errors(),
            report.warnings(),
            report.files,
            report.bytes
        );
    }
    if report.valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
