//! `intact diff`: what a release changed relative to an earlier one, not verified.

use std::path::PathBuf;

use clap::Args;

use intact::diff::DiffReport;
use intact::manifest::RedactionStatus;

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct DiffArgs {
    /// The earlier release (bundle ZIP or directory).
    old: PathBuf,
    /// The later release.
    new: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl DiffArgs {
    /// The top-level entry point for `intact diff`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let r = intact::diff::diff(&self.old, &self.new).map_err(CliError::Inspect)?;
        output::print(self.json, &r, human);
        Ok(Outcome::Done)
    }
}

fn human(r: &DiffReport) -> String {
    let mut t = format!(
        "{} -> {}{} (not verified)\n",
        r.old_release,
        r.new_release,
        if r.new_follows_old {
            ""
        } else {
            " — NOTE: the new release does not name the old one as previous"
        }
    );
    let sha = |s: &Option<String>| {
        s.as_deref()
            .map(|x| x[..12.min(x.len())].to_string())
            .unwrap_or_else(|| "-".into())
    };
    for i in &r.added {
        t.push_str(&format!(
            "added       {}  {}\n",
            i.id,
            i.path.as_deref().unwrap_or("(withheld)")
        ));
    }
    for i in &r.changed {
        t.push_str(&format!(
            "changed     {}  {} -> {}{}\n",
            i.id,
            sha(&i.old_sha256),
            sha(&i.new_sha256),
            i.reason
                .as_ref()
                .map(|x| format!("  ({x})"))
                .unwrap_or_else(|| "  (NO change record)".into())
        ));
    }
    for i in &r.superseded {
        t.push_str(&format!(
            "superseded  {}  by {}  ({})\n",
            i.id,
            i.by.as_deref().unwrap_or("?"),
            i.reason.as_deref().unwrap_or("")
        ));
    }
    for i in &r.withdrawn {
        t.push_str(&format!(
            "withdrawn   {}  ({})\n",
            i.id,
            i.reason.as_deref().unwrap_or("")
        ));
    }
    for c in &r.redaction_changes {
        let st = |s: &Option<RedactionStatus>| {
            s.map(|s| format!("{s:?}").to_lowercase())
                .unwrap_or_else(|| "unrecorded".into())
        };
        t.push_str(&format!(
            "redaction   {}  {} [{}] -> {} [{}]\n",
            c.id,
            st(&c.old_status),
            c.old_categories.join("; "),
            st(&c.new_status),
            c.new_categories.join("; ")
        ));
    }
    t.push_str(&format!(
        "{} added, {} changed, {} superseded, {} withdrawn, {} redaction changes, {} carried over\n",
        r.added.len(),
        r.changed.len(),
        r.superseded.len(),
        r.withdrawn.len(),
        r.redaction_changes.len(),
        r.carried_over
    ));
    t
}
