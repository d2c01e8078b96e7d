//! `intact inspect`: what a bundle says it holds, not verified.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use intact::inspect::InspectReport;
use intact::manifest::RedactionStatus;

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct InspectArgs {
    /// Bundle ZIP or directory.
    bundle: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl InspectArgs {
    /// The top-level entry point for `intact inspect`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let r = intact::inspect::inspect(&self.bundle).map_err(CliError::Inspect)?;
        output::print(self.json, &r, human);
        Ok(Outcome::Done)
    }
}

/// "key count, key count, …"
fn counts(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn human(r: &InspectReport) -> String {
    let mut t = format!(
        "{} {} ({}), bundle id {} — not verified; run `intact verify` for that\n",
        r.collection, r.release, r.created, r.bundle_id
    );
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let status = |s: &Option<RedactionStatus>| match s {
        Some(s) => format!("{s:?}").to_lowercase(),
        None => "unrecorded".into(),
    };
    t.push_str(match r.deny_list {
        Some(true) => "leak gate: checked against a deny-list\n",
        Some(false) => {
            "leak gate: NO deny-list (packed with --no-deny-list: only the structural rules ran)\n"
        }
        None => "leak gate: not recorded\n",
    });
    for i in &r.items {
        t.push_str(&format!(
            "{}  {}  type {}  case {}  date {}  redaction {}{}\n",
            i.id,
            dash(&i.path),
            dash(&i.doc_type),
            dash(&i.case_no),
            dash(&i.date),
            status(&i.status),
            if i.categories.is_empty() {
                String::new()
            } else {
                format!(" ({})", i.categories.join("; "))
            }
        ));
    }
    if !r.withheld.is_empty() {
        t.push_str("withheld (listed, not published):\n");
        for i in &r.withheld {
            t.push_str(&format!(
                "{}  type {}  case {}  categories {}  reason {}\n",
                i.id,
                dash(&i.doc_type),
                dash(&i.case_no),
                i.categories.join("; "),
                dash(&i.reason)
            ));
        }
    }
    t.push_str(&format!("by status: {}\n", counts(&r.by_status)));
    if !r.by_category.is_empty() {
        t.push_str(&format!("by category: {}\n", counts(&r.by_category)));
    }
    t.push_str(&format!("by type: {}\n", counts(&r.by_doc_type)));
    t
}
