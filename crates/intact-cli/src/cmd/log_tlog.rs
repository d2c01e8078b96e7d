//! `intact log upgrade | compare | prove` and the flags of signed checkpoints and witnesses
//! that `log verify` and `check --log` take (FORMAT.md §15, docs/TRANSPARENCY.md).

use std::path::PathBuf;

use clap::Args;

use intact::log::{self, CompareReport, TlogPolicy, UpgradeReport};

use crate::exit::{CliError, Outcome};
use crate::output;

/// The log key and the witness policy (`log verify`, `check --log`).
#[derive(Args, Default)]
pub struct TlogArgs {
    /// The log's verifier key (name+hash+base64, published beside allowed_signers): checks the
    /// log's signed checkpoints.
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
    /// Witness verifier keys, one per line: the head checkpoint needs their cosignatures.
    #[arg(long, value_name = "FILE", requires = "log_key")]
    pub witnesses: Option<PathBuf>,
    /// How many of the witnesses must have cosigned the head checkpoint (default: 1 with
    /// --witnesses).
    #[arg(long, value_name = "K", requires = "witnesses")]
    pub witness_threshold: Option<usize>,
}

impl TlogArgs {
    /// The policy these flags describe.
    pub fn policy(&self) -> Result<TlogPolicy, CliError> {
        let log_key = match &self.log_key {
            Some(p) => Some(log::read_verifier_key(p)?),
            None => None,
        };
        let witnesses = match &self.witnesses {
            Some(p) => log::read_witnesses(p)?,
            None => Vec::new(),
        };
        let threshold = match (self.witness_threshold, &self.witnesses) {
            (Some(k), _) => k,
            (None, Some(_)) => 1,
            (None, None) => 0,
        };
        if threshold > witnesses.len() && self.witnesses.is_some() {
            return Err(CliError::usage(format!(
                "--witness-threshold {threshold} is more than the {} witnesses listed",
                witnesses.len()
            )));
        }
        Ok(TlogPolicy {
            log_key,
            witnesses,
            threshold,
        })
    }
}

/// `log append --json`: the append report and the head checkpoint signed now.
#[derive(serde::Serialize)]
pub struct SignedAppend {
    #[serde(flatten)]
    pub report: log::AppendReport,
    /// The head's checkpoint as a signed note (with `--log-signing-key`).
    pub checkpoint: Option<String>,
}

/// The line `log verify` prints about a layout-2 log's head checkpoint (nothing for layout 1).
pub fn tlog_line(r: &log::TlogReport, valid: bool) -> String {
    let Some(note) = &r.checkpoint else {
        return String::new();
    };
    let size = note.lines().nth(1).unwrap_or("?");
    let witnesses = if r.cosigned_by.is_empty() {
        "no listed witness".to_string()
    } else {
        r.cosigned_by.join(", ")
    };
    format!(
        "head checkpoint (size {size}){}; cosigned by {witnesses}\n",
        if valid { " signed by the log key" } else { "" }
    )
}

/// `check --log` with a log key: the log's checkpoints hold under `policy` (else the problems
/// are printed, and no file is looked up).
pub fn head_holds(
    dir: &std::path::Path,
    policy: &TlogPolicy,
    json: bool,
) -> Result<bool, CliError> {
    let problems = log::check_checkpoints(dir, policy)?;
    if problems.is_empty() {
        return Ok(true);
    }
    #[derive(serde::Serialize)]
    struct Refused<'a> {
        report: &'static str,
        valid: bool,
        problems: &'a [log::LogProblem],
    }
    let r = Refused {
        report: "intact-log-checkpoints/1",
        valid: false,
        problems: &problems,
    };
    output::print(json, &r, |r| {
        super::log::problem_lines(r.problems)
            + "NOT VALID: the log's checkpoints do not hold; no file was looked up\n"
    });
    Ok(false)
}

#[derive(Args)]
pub struct UpgradeArgs {
    /// The release log directory.
    log: PathBuf,
    /// The log's secret key (from `intact keygen --log`): sign a checkpoint for every entry and
    /// make the log layout 2.
    #[arg(long, value_name = "FILE", required_unless_present = "state")]
    log_signing_key: Option<PathBuf>,
    /// A mirror state file to convert: it gets the log's signed checkpoint of its entry.
    #[arg(long, value_name = "FILE", requires = "log_key")]
    state: Option<PathBuf>,
    /// The log's verifier key (for --state).
    #[arg(long, value_name = "FILE")]
    log_key: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

impl UpgradeArgs {
    /// The top-level entry point for `intact log upgrade`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let mut r = None;
        if let Some(k) = &self.log_signing_key {
            let key = log::read_signer_key(k)?;
            r = Some(log::upgrade(&self.log, &key)?);
        }
        let mut state_upgraded = false;
        if let (Some(s), Some(k)) = (&self.state, &self.log_key) {
            state_upgraded = log::upgrade_state(&self.log, s, &log::read_verifier_key(k)?)?;
        }
        let mut r = r.unwrap_or(UpgradeReport {
            report: "intact-log-upgrade/1",
            layout: log::layout(&self.log)?,
            signed: Vec::new(),
            state_upgraded: false,
            problems: Vec::new(),
        });
        r.state_upgraded = state_upgraded;
        output::print(self.json, &r, |r| {
            let mut t = super::log::problem_lines(&r.problems);
            if r.problems.is_empty() {
                t.push_str(&format!(
                    "{}: layout {}; {} checkpoint(s) signed now{}\n",
                    self.log.display(),
                    r.layout,
                    r.signed.len(),
                    if r.state_upgraded {
                        "; mirror state now holds the signed checkpoint"
                    } else {
                        ""
                    }
                ));
            } else {
                t.push_str("NOT UPGRADED: nothing was written\n");
            }
            t
        });
        Ok(Outcome::valid_if(r.problems.is_empty()))
    }
}

#[derive(Args)]
pub struct CompareArgs {
    /// A checkpoint: a signed note, or the bare checkpoint text as printed.
    a: PathBuf,
    /// Another checkpoint of the same log.
    b: PathBuf,
    /// The release log the proof is made from (it must hold the larger checkpoint's entries).
    #[arg(long, value_name = "DIR")]
    log: PathBuf,
    /// The log's verifier key.
    #[arg(long, value_name = "FILE")]
    log_key: PathBuf,
    /// Print the result (with the proof or the evidence) as JSON.
    #[arg(long)]
    json: bool,
}

fn read_input(p: &PathBuf) -> Result<Vec<u8>, CliError> {
    let limit = intact::limits::Limits::DEFAULT.note_bytes;
    let m = std::fs::metadata(p).map_err(|e| CliError::usage(format!("{}: {e}", p.display())))?;
    if m.len() > limit {
        return Err(CliError::usage(format!(
            "{}: larger than a checkpoint ({limit} bytes)",
            p.display()
        )));
    }
    std::fs::read(p).map_err(|e| CliError::usage(format!("{}: {e}", p.display())))
}

impl CompareArgs {
    /// The top-level entry point for `intact log compare`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let key = log::read_verifier_key(&self.log_key)?;
        let (a, b) = (read_input(&self.a)?, read_input(&self.b)?);
        let r = log::compare((&self.a, &a), (&self.b, &b), &self.log, &key)?;
        output::print(self.json, &r, compare_human);
        Ok(Outcome::valid_if(r.consistent == Some(true)))
    }
}

fn compare_human(r: &CompareReport) -> String {
    let side = |s: &log::Side| {
        format!(
            "size {} root {} ({}; {})",
            s.size,
            s.root,
            if s.signed {
                "signed by the log key"
            } else {
                "unsigned"
            },
            match s.in_log {
                Some(true) => "matches the log",
                Some(false) => "DIFFERS from the log",
                None => "beyond the log",
            }
        )
    };
    let mut t = format!("older: {}\nnewer: {}\n", side(&r.older), side(&r.newer));
    if let Some(p) = &r.proof {
        t.push_str("consistency proof (RFC 9162):\n");
        for h in &p.hashes {
            t.push_str(&format!("  {h}\n"));
        }
    }
    if let Some(e) = &r.evidence {
        t.push_str(&format!(
            "evidence, one:\n{}\nthe other:\n{}\n",
            e.seen, e.shown
        ));
    }
    t.push_str(&r.message);
    t.push('\n');
    t
}

#[derive(Args)]
pub struct ProveArgs {
    /// The release log directory.
    log: PathBuf,
    /// The release: its id, its bundle id, or its entry number.
    release: String,
    /// The log's verifier key.
    #[arg(long, value_name = "FILE")]
    log_key: PathBuf,
    /// Write the proof document (intact-log-inclusion/1) to FILE.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the proof document (JSON) instead of a summary.
    #[arg(long)]
    json: bool,
}

impl ProveArgs {
    /// The top-level entry point for `intact log prove`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let key = log::read_verifier_key(&self.log_key)?;
        let doc = log::prove(&self.log, &self.release, &key)?;
        if let Some(o) = &self.out {
            intact::fs::write_atomically(
                o,
                doc.to_json().as_bytes(),
                intact::fs::Mode::Public,
                true,
            )
            .map_err(|e| CliError::Io(e.into_path_error()))?;
        }
        if self.json {
            crate::output::out(&doc.to_json());
        } else {
            crate::output::out(&format!(
                "release {} is entry {:06} of the log's signed checkpoint of size {} ({} hashes){}\n",
                self.release,
                doc.index + 1,
                doc.size,
                doc.hashes.len(),
                self.out
                    .as_ref()
                    .map(|o| format!("; proof written to {}", o.display()))
                    .unwrap_or_default()
            ));
        }
        Ok(Outcome::Done)
    }
}

#[derive(Args)]
pub struct CheckInclusionArgs {
    /// The proof (`intact log prove --json` or `-o`).
    proof: PathBuf,
    /// The release's statement (`release.json` of the bundle or of its log entry).
    #[arg(long, value_name = "FILE")]
    release_json: PathBuf,
    #[command(flatten)]
    tlog: TlogArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

impl CheckInclusionArgs {
    /// The top-level entry point for `intact log check-inclusion`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let policy = self.tlog.policy()?;
        let key = policy
            .log_key
            .clone()
            .ok_or_else(|| CliError::usage("give the log's verifier key with --log-key"))?;
        let read = |p: &PathBuf, limit: u64| -> Result<Vec<u8>, CliError> {
            let m = std::fs::metadata(p)
                .map_err(|e| CliError::usage(format!("{}: {e}", p.display())))?;
            if m.len() > limit {
                return Err(CliError::usage(format!(
                    "{}: larger than {limit} bytes",
                    p.display()
                )));
            }
            std::fs::read(p).map_err(|e| CliError::usage(format!("{}: {e}", p.display())))
        };
        let proof = read(&self.proof, intact::tlog::proofs::MAX_PROOF_DOCUMENT as u64)?;
        let release = read(
            &self.release_json,
            intact::limits::Limits::DEFAULT.release_bytes,
        )?;
        let r = log::check_inclusion(&proof, &release, &key, &policy);
        output::print(self.json, &r, |r| {
            let mut t: String = r
                .problems
                .iter()
                .map(|p| format!("{}: {p}\n", self.proof.display()))
                .collect();
            t.push_str(&if r.valid {
                format!(
                    "VALID: entry {:06} of the log's signed checkpoint of size {}; cosigned by {}\n",
                    r.seq,
                    r.size,
                    if r.cosigned_by.is_empty() { "no listed witness".into() } else { r.cosigned_by.join(", ") }
                )
            } else {
                format!("NOT VALID: {}\n", self.proof.display())
            });
            t
        });
        Ok(Outcome::valid_if(r.valid))
    }
}
