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
    /// Print nothing when the source is clean, and no progress (there is none either when
    /// stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
}

impl ScanArgs {
    /// The top-level entry point for `intact scan`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let opts = self.gate.options()?;
        let progress = crate::progress::counter(self.quiet, "scanning");
        let (mut report, _) = intact::gate::scan_tree_with(&self.src, &opts, &|_, meta, _| {
            progress.advance(1, meta.len())
        })?;
        drop(progress);
        if let Some(m) = &self.metadata {
            let findings = intact::gate::scan_metadata(opts.deny.as_ref(), m)?;
            report.findings.extend(findings);
            report.sort();
            if let Some(deny) = &opts.deny {
                intact::gate::mask_report(deny, &mut report, Some(&self.src));
            }
        }
        let shown = ScanJson {
            hints: hints(&report),
            report: &report,
        };
        if !(self.quiet && report.clean()) {
            output::print(self.json, &shown, |r| human(r.report));
        }
        Ok(Outcome::valid_if(report.clean()))
    }
}

/// `scan --json`: the gate's report and how to fix each rule that has a finding.
#[derive(serde::Serialize)]
struct ScanJson<'a> {
    #[serde(flatten)]
    report: &'a GateReport,
    /// Per rule with a finding, how to fix it.
    hints: std::collections::BTreeMap<&'static str, &'static str>,
}

/// How to fix each rule that has a finding, by rule id.
fn hints(report: &GateReport) -> std::collections::BTreeMap<&'static str, &'static str> {
    report
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.rule.hint()))
        .collect()
}

/// One `fix:` line per rule that has a finding (also under pack's refusal).
pub fn hint_lines(report: &GateReport) -> String {
    hints(report)
        .into_iter()
        .map(|(rule, hint)| format!("fix {rule}: {hint}\n"))
        .collect()
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
    t.push_str(&hint_lines(report));
    t.push_str(&format!(
        "{} files scanned, {} findings, {} excepted: {}\n",
        report.files_scanned,
        report.findings.len(),
        report.excepted.len(),
        if report.clean() { "CLEAN" } else { "BLOCKED" }
    ));
    t
}
