//! `intact witness cosign`: check a log's head checkpoint and cosign it (FORMAT.md §15.3,
//! docs/TRANSPARENCY.md).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use intact::log::{self, WitnessReport};

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact witness cosign --log /srv/archive/log --log-key archive-log.vkey --key witness.key --state witness-state.json\n  # from cron, every hour:  17 * * * *  intact witness cosign --log … --quiet\n\n", exit_codes!()))]
pub struct WitnessArgs {
    #[command(subcommand)]
    command: WitnessCommand,
}

#[derive(Subcommand)]
enum WitnessCommand {
    /// Verify the log's head checkpoint (log key, entries, consistency with the last one this
    /// witness cosigned) and add this witness's cosignature beside it.
    Cosign(CosignArgs),
}

impl WitnessArgs {
    /// The top-level entry point for `intact witness`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            WitnessCommand::Cosign(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct CosignArgs {
    /// The release log directory.
    #[arg(long, value_name = "DIR")]
    log: PathBuf,
    /// The log's verifier key (name+hash+base64).
    #[arg(long, value_name = "FILE")]
    log_key: PathBuf,
    /// This witness's secret key (`intact keygen --witness`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// This witness's state: the last checkpoint it cosigned, per log (created if missing).
    #[arg(long, value_name = "FILE")]
    state: PathBuf,
    /// Where to write the two signed checkpoints of a fork (default: STATE.fork/).
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing when it cosigned.
    #[arg(short, long)]
    quiet: bool,
}

impl CosignArgs {
    fn run(self) -> Result<Outcome, CliError> {
        let log_key = log::read_verifier_key(&self.log_key)?;
        let key = log::read_signer_key(&self.key)?;
        let evidence = self
            .evidence
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}.fork", self.state.display())));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let r = log::cosign(&self.log, &key, &self.state, &log_key, &evidence, now)?;
        if !(self.quiet && r.cosigned) {
            output::print(self.json, &r, human);
        }
        Ok(Outcome::valid_if(r.cosigned))
    }
}

fn human(r: &WitnessReport) -> String {
    let mut t = String::new();
    for p in &r.problems {
        t.push_str(&format!("{}: {p}\n", r.log.display()));
    }
    for e in &r.evidence {
        t.push_str(&format!("evidence: {}\n", e.display()));
    }
    if r.cosigned {
        t.push_str(&format!(
            "cosigned checkpoint {} of {} (consistent with {}); wrote {}\n",
            r.size.unwrap_or(0),
            r.origin.as_deref().unwrap_or("?"),
            r.previous_size
                .map_or("no earlier checkpoint".into(), |s| format!(
                    "size {s} cosigned before"
                )),
            r.cosignature
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ));
    } else {
        t.push_str(&format!("NOT COSIGNED: {}\n", r.log.display()));
    }
    t
}
