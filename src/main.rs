//! The `intact` command line: parses flags, calls the library, prints, maps outcomes to exit codes
//! (0 valid / clean, 1 not valid / findings, 2 usage or I/O error).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use intact::gate;

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
    /// Leak gate: refuse files that hide withheld data (see docs/REDACTION.md).
    /// Exit 0 clean, 1 findings, 2 usage or I/O error.
    Scan {
        /// Directory to scan.
        src: PathBuf,
        /// CSV or JSON metadata file whose text fields go into the manifest.
        #[arg(long)]
        metadata: Option<PathBuf>,
        /// Private deny-list (one withheld string per line). Without it only structural rules run.
        #[arg(long)]
        deny_list: Option<PathBuf>,
        /// Reviewed exceptions (path<TAB>rule<TAB>reason).
        #[arg(long)]
        exceptions: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
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
        Command::Scan {
            src,
            metadata,
            deny_list,
            exceptions,
            json,
        } => match run_scan(&src, metadata, deny_list, exceptions, json) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("intact scan: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn run_scan(
    src: &std::path::Path,
    metadata: Option<PathBuf>,
    deny_list: Option<PathBuf>,
    exceptions: Option<PathBuf>,
    json: bool,
) -> Result<bool, gate::GateError> {
    let deny = deny_list.as_deref().map(gate::DenyList::load).transpose()?;
    let exceptions = match exceptions.as_deref() {
        Some(p) => gate::load_exceptions(p)?,
        None => Vec::new(),
    };
    let meta_findings = match (&deny, metadata.as_deref()) {
        (Some(d), Some(m)) => gate::scan_metadata_file(d, m)?,
        (None, Some(m)) => {
            // still check that the file exists and parses, so mistakes are not silent
            let empty = gate::DenyList::from_entries(&["\u{0}\u{0}\u{0}unused-sentinel"])?;
            gate::scan_metadata_file(&empty, m)?;
            Vec::new()
        }
        _ => Vec::new(),
    };
    let opts = gate::ScanOptions {
        deny,
        exceptions,
        limits: gate::Limits::default(),
    };
    let mut report = gate::scan_tree(src, &opts)?;
    if !meta_findings.is_empty() {
        let mut all = std::mem::take(&mut report.findings);
        all.extend(meta_findings);
        report.findings = all;
        report.sort();
    }
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                return Err(gate::GateError::Metadata {
                    path: src.to_path_buf(),
                    reason: format!("cannot serialize the report: {e}"),
                })
            }
        }
    } else {
        if !report.deny_list_used {
            println!("note: no deny-list given: only structural rules ran");
        }
        for f in &report.findings {
            println!("{}", f.line());
        }
        for x in &report.excepted {
            println!("excepted: {} (reason: {})", x.finding.line(), x.reason);
        }
        for u in &report.unused_exceptions {
            println!(
                "warning: unused exception {}\t{}",
                u.path.to_string_lossy(),
                u.rule
            );
        }
        println!(
            "{} files scanned, {} findings, {} excepted: {}",
            report.files_scanned,
            report.findings.len(),
            report.excepted.len(),
            if report.clean() { "CLEAN" } else { "BLOCKED" }
        );
    }
    Ok(report.clean())
}
