//! `intact mirror`: pull a published folder (`log/`, `bundles/`, `index.json`) from a website
//! into a mirror, verifying everything before it is named (docs/MIRRORS.md); write the index of
//! a folder the office publishes.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use intact::mirror::{HttpStore, PullOptions, PullReport, S3Store, Store};

use super::flags::TrustArgs;
use super::net::NetArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact mirror pull https://records.example.invalid/case-archive /srv/mirror --trust allowed_signers --state /srv/mirror-state.json\n  intact mirror pull http://127.0.0.1:8080/ mirror/ --trust allowed_signers --parallel 8 --json\n  intact mirror index published/     # writes published/index.json\n\n", exit_codes!()))]
pub struct MirrorArgs {
    #[command(subcommand)]
    command: MirrorCommand,
}

#[derive(Subcommand)]
enum MirrorCommand {
    /// Fetch the source's log and the bundles this mirror does not hold; verify before naming.
    Pull(Box<PullArgs>),
    /// Write DIR/index.json: every file under DIR/log and DIR/bundles, with size and sha256.
    Index(IndexArgs),
}

impl MirrorArgs {
    /// The top-level entry point for `intact mirror`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            MirrorCommand::Pull(args) => args.run(),
            MirrorCommand::Index(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct PullArgs {
    /// The published folder: an http:// or https:// base URL, or s3://BUCKET/PREFIX, holding
    /// index.json, log/ and bundles/.
    source: String,
    /// The mirror folder (created if missing); it becomes the same layout.
    dir: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// A layout-2 log: its signed checkpoints and witnesses (FORMAT.md §15).
    #[command(flatten)]
    tlog: super::log_tlog::TlogArgs,
    /// The mirror state file: the newest release pulled, so a rolled-back or forked log is
    /// refused on a later run (updated only when everything verified).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Bundles downloaded at a time.
    #[arg(long, value_name = "N", default_value_t = 4)]
    parallel: usize,
    /// Do not wait until each new file is on disk (fsync) before naming it: faster, but a
    /// crash may leave a named file incomplete (the next pull or `log verify` reports it).
    #[arg(long)]
    no_sync: bool,
    #[command(flatten)]
    net: NetArgs,
    /// Print the summary as JSON (for cron).
    #[arg(long)]
    json: bool,
    /// Print nothing but problems and errors; no progress bar.
    #[arg(short, long)]
    quiet: bool,
}

impl PullArgs {
    fn run(self) -> Result<Outcome, CliError> {
        let store: Box<dyn Store> = if intact::net::is_url(&self.source) {
            Box::new(HttpStore {
                http: self.net.http(),
                base: self.source.trim_end_matches('/').to_owned(),
            })
        } else if let Some((bucket, prefix)) = intact::net::s3::parse_s3_url(&self.source) {
            let remote = self.net.remote();
            Box::new(S3Store {
                s3: remote.s3(&bucket).map_err(|e| CliError::Mirror(e.into()))?,
                prefix,
                backoff: remote.http.options().backoff,
            })
        } else {
            return Err(CliError::usage(format!(
                "{}: the source must be an http://, https:// or s3://BUCKET/PREFIX URL",
                self.source
            )));
        };
        let trust = self.trust.load()?;
        let progress = crate::progress::bar(self.quiet, "pulling");
        let policy = self.tlog.policy()?;
        let opts = PullOptions {
            trust: &trust,
            state: self.state.clone(),
            parallel: self.parallel,
            progress: progress.as_ref(),
            tlog: Some(&policy),
            sync: !self.no_sync,
        };
        let report = intact::mirror::pull(store.as_ref(), &self.dir, &opts)?;
        let outcome = if !report.errors.is_empty() {
            Outcome::Failed
        } else {
            Outcome::valid_if(report.valid)
        };
        if self.json {
            output::out(&output::json(&report));
        } else if !(self.quiet && report.valid) {
            output::out(&human(&report));
        }
        Ok(outcome)
    }
}

fn human(r: &PullReport) -> String {
    let mut s = String::new();
    for p in r.errors.iter().chain(&r.problems) {
        if p.path.is_empty() {
            s.push_str(&format!("{}\n", p.message));
        } else {
            s.push_str(&format!("{}: {}\n", p.path, p.message));
        }
    }
    for f in &r.downloaded {
        s.push_str(&format!(
            "downloaded {} ({} bytes), verified\n",
            f.path, f.size
        ));
    }
    let verdict = if !r.errors.is_empty() {
        "FAILED"
    } else if r.valid {
        "PULLED"
    } else {
        "NOT VALID"
    };
    s.push_str(&format!(
        "{verdict}: {} → {}: {} release(s) in the source's log, {} new; {} bundle(s) downloaded, {} held; {} bytes received{}\n",
        r.source,
        r.dir.display(),
        r.releases,
        r.new_releases.len(),
        r.downloaded.len(),
        r.held.len(),
        r.bytes_received,
        if r.valid { "" } else { "; the mirror's log, index and state were not changed" }
    ));
    s
}

#[derive(Args)]
struct IndexArgs {
    /// The published folder (holding log/ and bundles/).
    dir: PathBuf,
    /// Print the index as JSON.
    #[arg(long)]
    json: bool,
}

impl IndexArgs {
    fn run(self) -> Result<Outcome, CliError> {
        let index = intact::mirror::write_index(&self.dir)
            .map_err(|e| CliError::Io(e.into_path_error()))?;
        if self.json {
            output::out(&output::json(&index));
        } else {
            output::out(&format!(
                "wrote {}: {} file(s)\n",
                self.dir.join(intact::mirror::INDEX_NAME).display(),
                index.files.len()
            ));
        }
        Ok(Outcome::Done)
    }
}
