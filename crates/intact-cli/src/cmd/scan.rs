//! `intact scan`: the leak gate on a folder before it is packed.

use std::path::PathBuf;

use clap::Args;

use intact::gate::GateReport;

use super::flags::GateArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact scan ./release-1 --deny-list private/deny-list.txt\n  intact scan ./release-1 --deny-list private/deny-list.txt --metadata private/metadata.csv --json\n  intact scan ./release-1     # structural rules only (no deny-list)\n\n", exit_codes!()))]
pub struct ScanArgs {
    /// Directory to scan.
    src: PathBuf,
    /// CSV or JSON metadata file whose text fields go into the manifest.
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    #[command(flatten)]
    gate: GateArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl ScanArgs {
    /// The top-level entry point for `intact scan`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let opts = self.gate.options()?;
        let mut report = intact::gate::scan_tree(&self.src, &opts)?;
        if let Some(m) = &self.metadata {
            let findings = intact::gate::scan_metadata(opts.deny.as_ref(), m)?;
            report.findings.extend(findings);
            report.sort();
            if let Some(deny) = &opts.deny {
                intact::gate::mask_report(deny, &mut report, Some(&self.src));
            }
        }
        output::print(self.json, &report, human);
        Ok(Outcome::valid_if(report.clean()))
    }
}

fn human(report: &GateReport) -> String {
    let mut t = String::new();
    if !report.deny_list_used {
        t.push_str("note: no deny-list given: only the structural rules ran\n");
    }
    for f in &report.findings {
        t.push_str(&format!("{}\n", f.line()));
    }
    for x in &report.excepted {
        t.push_str(&format!(
            "excepted: {} (reason: {})\n",
            x.finding.line(),
            x.reason
        ));
    }
    for u in &report.unused_exceptions {
        t.push_str(&format!(
            "warning: unused exception {}\t{}\n",
            u.path.to_string_lossy(),
            u.rule
        ));
    }
    t.push_str(&format!(
        "{} files scanned, {} findings, {} excepted: {}\n",
        report.files_scanned,
        report.findings.len(),
        report.excepted.len(),
        if report.clean() { "CLEAN" } else { "BLOCKED" }
    ));
    t
}
