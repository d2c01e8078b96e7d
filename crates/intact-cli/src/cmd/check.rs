//! `intact check`: is this file what was published? Against a proof, a bundle, or a release log.

use std::path::PathBuf;

use clap::{ArgGroup, Args};

use intact::cite::{Appearance, ChangedBy, CheckMode, CheckReport, ItemStatus};
use intact::trust::SignatureStatus;

use super::flags::TrustArgs;
use super::targets::each_target;
use crate::exit::{CliError, Outcome};

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact check testimony-004.txt --bundle release-1.zip --trust allowed_signers\n  intact check downloads/*.pdf --log log/ --trust allowed_signers     # current, superseded, withdrawn?\n  intact check testimony-004.txt --proof T-100-004.intact-proof.json --trust allowed_signers\n\n", exit_codes!()))]
#[command(group(ArgGroup::new("against").required(true).args(["proof", "bundle", "log"])))]
pub struct CheckArgs {
    /// The files to check (e.g. cited documents; several: one verdict each and a total; the
    /// exit code is the worst of them).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// An inclusion proof made by `intact cite` (offline check).
    #[arg(long, value_name = "PROOF")]
    proof: Option<PathBuf>,
    /// A bundle ZIP or directory to look the file up in, or a bundle URL (`http(s)://`: only
    /// the statement, signatures, item records and the file's member are downloaded).
    #[arg(long, value_name = "BUNDLE")]
    bundle: Option<PathBuf>,
    /// A directory of bundles (a release log) to look the file up in.
    #[arg(long, value_name = "DIR")]
    log: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    /// With --bundle: the bundle's stored time-stamp tokens (FORMAT.md §16).
    #[command(flatten)]
    time: super::timestamp::TimeArgs,
    /// With --log: the log's signed checkpoints and witnesses (FORMAT.md §15).
    #[command(flatten)]
    tlog: super::log_tlog::TlogArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing but errors and the reports of files that are not valid.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    net: super::net::NetArgs,
}

impl CheckArgs {
    /// The top-level entry point for `intact check`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let opts = self.trust.load()?;
        let time = self.time.load()?;
        if time.is_some() && self.proof.is_some() {
            return Err(CliError::usage(
                "--tsa-certs goes with --bundle or --log (a proof carries no time-stamp tokens)",
            ));
        }
        if let (Some(d), true) = (&self.log, self.tlog.log_key.is_some()) {
            if !super::log_tlog::head_holds(d, &self.tlog.policy()?, self.json)? {
                return Ok(Outcome::NotValid);
            }
        }
        let check = |file: &PathBuf| -> Result<CheckReport, CliError> {
            Ok(match (&self.proof, &self.bundle, &self.log) {
                (_, Some(b), _) if time.is_some() => {
                    let t = time.as_ref().expect("checked");
                    intact::timestamp::check::check_bundle(file, b, &opts, t)
                }
                (Some(p), _, _) => intact::check_proof(file, p, &opts),
                (_, Some(b), _) => match super::net::url_of(b) {
                    Some(url) => {
                        intact::check::check_bundle_url(file, &self.net.remote(), url, &opts)
                    }
                    None => intact::check_bundle(file, b, &opts),
                },
                (_, _, Some(d)) => intact::check::check_log_timed(file, d, &opts, time.as_ref()),
                _ => return Err(CliError::usage("give --proof, --bundle or --log")),
            }?)
        };
        each_target(
            &self.files,
            self.json,
            self.quiet,
            ("file(s)", "intact-check-summary/1"),
            check,
            |r| r.valid,
            human,
        )
    }
}

fn human(r: &CheckReport) -> String {
    let f = r.file.display();
    let mut s = String::new();
    for p in &r.skipped {
        s.push_str(&format!("{}: skipped: {}\n", p.source.display(), p.message));
    }
    for rel in &r.releases {
        let target = rel.source.display().to_string();
        s.push_str(&super::timestamp::human_lines(
            &target,
            rel.timestamps.as_ref(),
        ));
    }
    for p in &r.problems {
        let check = serde_json::to_value(p.check)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        s.push_str(&format!("{}: {check}: {}\n", p.source.display(), p.message));
    }
    if let Some(scope) = &r.remote {
        s.push_str(&format!(
            "read {} of the bundle's {} bytes\nproved: {}\nnot verified: {}\n",
            scope.bytes_received, scope.bundle_bytes, scope.proved, scope.not_verified
        ));
    }
    if r.valid {
        s.push_str(&format!(
            "VALID: {f} (sha256 {}, {} bytes) was published in {} release(s)\n",
            r.sha256,
            r.size,
            r.found
                .iter()
                .map(|a| &a.bundle_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        ));
        for a in &r.found {
            s.push_str(&appearance(r, a));
        }
    } else {
        s.push_str(&format!(
            "NOT VALID: {f} (sha256 {}, {} bytes) — {} problem(s)\n",
            r.sha256,
            r.size,
            r.problems.len()
        ));
    }
    s
}

/// One release the file was found in: the item, its signers, and (log mode) its standing.
fn appearance(r: &CheckReport, a: &Appearance) -> String {
    let mut s = format!(
        "\n{} / {}, created {} ({})\n",
        a.collection,
        a.release,
        a.created,
        a.source.display()
    );
    s.push_str(&super::cite::describe_item(&a.item));
    s.push_str(&format!("  bundle id  {}\n", a.bundle_id));
    let fps: Vec<String> = r
        .releases
        .iter()
        .filter(|i| i.bundle_id.as_deref() == Some(a.bundle_id.as_str()))
        .flat_map(|i| i.signatures.iter())
        .filter(|c| c.status == SignatureStatus::Valid)
        .map(|c| {
            format!(
                "{} ({})",
                c.principal.as_deref().unwrap_or("?"),
                c.fingerprint.as_deref().unwrap_or("?")
            )
        })
        .collect();
    s.push_str(&format!("  signed by  {}\n", fps.join(", ")));
    s.push_str(&standing(r, a));
    s
}

/// Log mode: whether the item is current, or which later release superseded or withdrew it,
/// with the signed change record's reason.
fn standing(r: &CheckReport, a: &Appearance) -> String {
    let at = |c: &ChangedBy| {
        format!(
            "release {} (created {}, bundle id {})",
            c.release, c.created, c.bundle_id
        )
    };
    match (a.status, &a.superseded_by, &a.withdrawn_by) {
        (Some(ItemStatus::Superseded), Some(c), _) => {
            let by = match (&c.by, &c.sha256) {
                (Some(id), Some(d)) => format!("item {id} (sha256 {d})"),
                (Some(id), None) => format!("item {id} (no digest: withheld)"),
                (None, _) => "another item".into(),
            };
            format!(
                "  SUPERSEDED by {}: item {} replaced by {by}; reason: {}\n",
                at(c),
                a.item.id,
                c.reason
            )
        }
        (Some(ItemStatus::Withdrawn), _, Some(c)) => format!(
            "  WITHDRAWN by {}: item {}; reason: {}\n",
            at(c),
            a.item.id,
            c.reason
        ),
        _ if r.mode == CheckMode::Log => {
            "  current    not superseded or withdrawn by a later release in the log\n".into()
        }
        _ => String::new(),
    }
}
