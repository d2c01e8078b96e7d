//! `intact log`: the public release log — append a verified release, verify the chain (and a
//! mirror against it), and the archive's current state.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use intact::log::{self, LogProblem, LogReport, StatusReport};

use super::flags::TrustArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact log append log/ release-2.zip --trust allowed_signers    # exit 0 also when it is already there\n  intact log verify log/ --bundles bundles/ --state mirror-state.json --trust allowed_signers\n  intact log status log/ --json\n\n", exit_codes!()))]
pub struct LogArgs {
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(Subcommand)]
enum LogCommand {
    /// Verify BUNDLE and add it to LOG if its previous release is the log's head.
    Append(AppendArgs),
    /// Verify the whole chain; with --bundles every mirrored bundle; with --state, no rollback or fork.
    Verify(VerifyArgs),
    /// The archive's current state: releases, items, superseded and withdrawn items.
    Status(StatusArgs),
    /// Make LOG keep signed checkpoints (layout 2), or give a mirror state its checkpoint.
    Upgrade(super::log_tlog::UpgradeArgs),
    /// Are two checkpoints of the log consistent? Prints the proof, or the evidence.
    Compare(super::log_tlog::CompareArgs),
    /// Print the inclusion proof of a release in the log's head checkpoint.
    Prove(super::log_tlog::ProveArgs),
    /// Check an inclusion proof offline: the release, the signed checkpoint, its witnesses.
    CheckInclusion(super::log_tlog::CheckInclusionArgs),
}

impl LogArgs {
    /// The top-level entry point for `intact log`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            LogCommand::Append(args) => args.run(),
            LogCommand::Verify(args) => args.run(),
            LogCommand::Status(args) => args.run(),
            LogCommand::Upgrade(args) => args.run(),
            LogCommand::Compare(args) => args.run(),
            LogCommand::Prove(args) => args.run(),
            LogCommand::CheckInclusion(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct AppendArgs {
    /// The release log directory (created on the first append).
    log: PathBuf,
    /// The bundle to append.
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Once appended (or the head already), ask this RFC 3161 time-stamping authority for a
    /// token over the release, stored in the entry's timestamps/ (repeat for several).
    #[arg(long = "tsa", value_name = "URL")]
    tsa: Vec<String>,
    /// The log's secret key (`intact keygen --log`): sign the new head's checkpoint.
    #[arg(long, value_name = "FILE")]
    log_signing_key: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing when it was appended (or was the head already), and no progress bar.
    #[arg(short, long)]
    quiet: bool,
}

impl AppendArgs {
    /// The top-level entry point for `intact log append`.
    fn run(self) -> Result<Outcome, CliError> {
        let opts = self.trust.load()?;
        let progress = crate::progress::bar(self.quiet, "verifying");
        let key = match &self.log_signing_key {
            Some(p) => Some(log::read_signer_key(p)?),
            None => None,
        };
        let (r, checkpoint) = log::append_signed(
            &self.log,
            &self.bundle,
            &opts,
            progress.as_ref(),
            key.as_ref(),
        )?;
        drop(progress);
        let stamped = super::timestamp::after_append(&self.log, &r, &self.tsa)?;
        let r = super::log_tlog::SignedAppend {
            report: r,
            checkpoint,
        };
        let outcome = Outcome::valid_if(r.report.appended || r.report.already_head);
        let outcome = outcome.worst(stamped.outcome);
        if !(self.quiet && outcome == Outcome::Done) {
            output::print(self.json, &stamped.with(&r), |o| {
                self.human(o.append) + &o.stamped_lines()
            });
        }
        Ok(outcome)
    }

    fn human(&self, r: &super::log_tlog::SignedAppend) -> String {
        let r = &r.report;
        let mut t = problem_lines(&r.problems);
        t.push_str(&match (r.appended, r.seq) {
            (true, Some(n)) => format!(
                "appended release {} as entry {n:06} of {}\n",
                r.release.as_deref().unwrap_or("?"),
                self.log.display()
            ),
            (false, Some(n)) if r.already_head => format!(
                "already in the log: release {} is entry {n:06}, the head of {}; nothing to do\n",
                r.release.as_deref().unwrap_or("?"),
                self.log.display()
            ),
            _ => format!(
                "NOT APPENDED: {} — nothing was written to {}\n",
                self.bundle.display(),
                self.log.display()
            ),
        });
        t
    }
}

#[derive(Args)]
struct VerifyArgs {
    /// The release log directory.
    log: PathBuf,
    /// A mirror directory of bundles (ZIPs or bundle directories) to check against the log,
    /// or s3://BUCKET/PREFIX: the *.zip objects there, read by ranges (docs/MIRRORS.md).
    #[arg(long, value_name = "DIR")]
    bundles: Option<PathBuf>,
    #[command(flatten)]
    fleet: super::fleet::FleetArgs,
    #[command(flatten)]
    net: super::net::NetArgs,
    /// The mirror's state file: the newest release verified before (updated when all is valid).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    #[command(flatten)]
    time: super::timestamp::TimeArgs,
    #[command(flatten)]
    tlog: super::log_tlog::TlogArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing when all is valid, and no progress bar (there is none either when stderr
    /// is not a terminal).
    #[arg(short, long)]
    quiet: bool,
}

impl VerifyArgs {
    /// The top-level entry point for `intact log verify`.
    fn run(self) -> Result<Outcome, CliError> {
        let opts = self.trust.load()?;
        let time = self.time.load()?;
        let policy = self.tlog.policy()?;
        let progress = crate::progress::bar(self.quiet, "verifying");
        let remote = self.net.remote();
        let r = log::verify_log_with(
            &self.log,
            &log::LogVerifyOptions {
                trust: &opts,
                progress: progress.as_ref(),
                bundles: self.bundles.clone(),
                state: self.state.clone(),
                time: time.as_ref(),
                tlog: Some(&policy),
                remote: Some(&remote),
            },
            &self.fleet.fleet(),
        )?;
        drop(progress);
        if !(self.quiet && r.valid) {
            output::print(self.json, &r, |r| self.human(r));
        }
        Ok(Outcome::valid_if(r.valid))
    }

    fn human(&self, r: &LogReport) -> String {
        let mut t = problem_lines(&r.problems);
        for rc in &r.releases {
            let entry = self.log.join(format!("{:06}", rc.seq));
            t.push_str(&super::timestamp::human_lines(
                &entry.display().to_string(),
                rc.timestamps.as_ref(),
            ));
            for b in &rc.bundles {
                t.push_str(&format!(
                    "{}: release {} (entry {:06}): verified in full against the log\n",
                    b.display(),
                    rc.release.as_deref().unwrap_or("?"),
                    rc.seq
                ));
            }
        }
        for u in &r.unlisted_bundles {
            t.push_str(&format!(
                "{}: note: bundle not in the log (not checked)\n",
                u.display()
            ));
        }
        for n in &r.notes {
            t.push_str(&format!("{}: note: {}\n", n.path.display(), n.message));
        }
        let mirror = match &self.bundles {
            Some(dir) => format!(
                "; {} bundle(s) in {} verified in full",
                r.bundles_checked,
                dir.display()
            ),
            None => String::new(),
        };
        let head = r
            .head
            .as_ref()
            .map(|h| format!("{} ({}, {})", h.release, h.created, h.bundle_id))
            .unwrap_or_else(|| "none".into());
        t.push_str(&super::log_tlog::tlog_line(&r.tlog, r.valid));
        t.push_str(&format!(
            "{}: {}: collection {}, {} release(s), head {}{}{}\n",
            if r.valid { "VALID" } else { "NOT VALID" },
            self.log.display(),
            r.collection.as_deref().unwrap_or("?"),
            r.releases.len(),
            head,
            mirror,
            if r.state_updated {
                "; state updated"
            } else {
                ""
            }
        ));
        t
    }
}

#[derive(Args)]
struct StatusArgs {
    /// The release log directory.
    log: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl StatusArgs {
    /// The top-level entry point for `intact log status`.
    fn run(self) -> Result<Outcome, CliError> {
        let r = log::status(&self.log)?;
        output::print(self.json, &r, status_human);
        Ok(Outcome::valid_if(r.problems.is_empty()))
    }
}

fn status_human(r: &StatusReport) -> String {
    let mut t = format!(
        "collection {} — not verified; run `intact log verify` for that\n",
        r.collection.as_deref().unwrap_or("?")
    );
    for rel in &r.releases {
        t.push_str(&format!(
            "release {}  {}  {} items  {} change records  {}\n",
            rel.release, rel.created, rel.items, rel.changes, rel.bundle_id
        ));
    }
    t.push_str(&format!("current items: {}\n", r.current_items));
    for e in &r.superseded {
        t.push_str(&format!(
            "superseded: {} of {} ({}) by {} of {} ({}): {}\n",
            e.id,
            e.release,
            e.sha256.as_deref().unwrap_or("no digest"),
            e.by.as_deref().unwrap_or("?"),
            e.changed_in,
            e.by_sha256.as_deref().unwrap_or("no digest"),
            e.reason
        ));
    }
    for e in &r.withdrawn {
        t.push_str(&format!(
            "withdrawn: {} of {} ({}) in {}: {}\n",
            e.id,
            e.release,
            e.sha256.as_deref().unwrap_or("no digest"),
            e.changed_in,
            e.reason
        ));
    }
    t.push_str(&problem_lines(&r.problems));
    t
}

/// One line per problem, naming the release and log entry it is about.
pub(super) fn problem_lines(problems: &[LogProblem]) -> String {
    let mut t = String::new();
    for p in problems {
        let rel = match (&p.seq, &p.release) {
            (Some(n), Some(r)) => format!("release {r} (entry {n:06}): "),
            (None, Some(r)) => format!("release {r}: "),
            (Some(n), None) => format!("entry {n:06}: "),
            (None, None) => String::new(),
        };
        t.push_str(&format!("{}: {rel}{}\n", p.path, p.message));
    }
    t
}
