//! `intact timestamp`: RFC 3161 tokens from time-stamping authorities, stored outside the
//! bundle (FORMAT.md §16); and the trusted-time flags `verify`, `check` and `log verify` share
//! (`--tsa-certs`, `--require-timestamp`), with the report lines they add.

use std::path::PathBuf;

use clap::Args;

use intact::limits::Limits;
use intact::timestamp::stamp::{self, StampReport};
use intact::timestamp::{TimeEvidence, TimeOptions, TimestampStatus, TsaRoots};

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact timestamp release-1.zip --tsa https://tsa.example/tsr      # writes release-1.zip.tsr\n  intact timestamp log/000003 --tsa https://tsa-a.example/ --tsa https://tsa-b.example/\n  intact verify release-1.zip --trust allowed_signers --tsa-certs tsa-roots.pem --require-timestamp\n\nA token is stored beside a bundle B as B.tsr, then B.2.tsr, B.3.tsr, …; in a log entry as\ntimestamps/1.tsr, 2.tsr, … The bundle itself is not changed. A TSA that cannot be reached, or\nanswers with no good token, makes the exit code 2 (the other TSAs are still asked).\n\n", exit_codes!()))]
pub struct TimestampArgs {
    /// A bundle ZIP or extracted directory, or a release log entry directory (LOG/000003).
    #[arg(value_name = "TARGET")]
    target: PathBuf,
    /// The URL of an RFC 3161 time-stamping authority (repeat for several).
    #[arg(long = "tsa", value_name = "URL", required = true)]
    tsa: Vec<String>,
    /// Trusted TSA roots (PEM): refuse a token whose chain does not reach one.
    #[arg(long, value_name = "FILE")]
    tsa_certs: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

impl TimestampArgs {
    /// The top-level entry point for `intact timestamp`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let roots = self
            .tsa_certs
            .as_deref()
            .map(|p| TsaRoots::load(p, &Limits::DEFAULT))
            .transpose()
            .map_err(intact::timestamp::TimestampError::from)?;
        let report = stamp::timestamp(&self.target, &self.tsa, roots.as_ref())?;
        for f in &report.failed {
            for line in output::shown(&format!("{}: {}", f.tsa_url, f.message)).lines() {
                eprintln!("intact: error: {line}");
            }
        }
        output::print(self.json, &report, human);
        Ok(if report.failed.is_empty() {
            Outcome::Done
        } else {
            Outcome::Failed
        })
    }
}

/// One line per token stored.
fn human(r: &StampReport) -> String {
    let mut s = String::new();
    for t in &r.stored {
        let trust = if t.trusted {
            "chain checked"
        } else {
            "chain not checked (no --tsa-certs)"
        };
        s.push_str(&format!(
            "stored: {}: existed no later than {} ({}; {}; {trust})\n",
            t.file.display(),
            t.time,
            t.tsa,
            t.tsa_url
        ));
    }
    s.push_str(&format!(
        "{} token(s) stored for bundle id {}, {} TSA(s) failed\n",
        r.stored.len(),
        r.bundle_id,
        r.failed.len()
    ));
    s
}

/// `--tsa-certs` and `--require-timestamp` (verify, check, log verify).
#[derive(Args)]
pub struct TimeArgs {
    /// Trusted TSA roots (PEM): check the release's stored RFC 3161 tokens and judge keys at
    /// the earliest trusted time instead of the release's own `created`.
    #[arg(long, value_name = "FILE", conflicts_with = "at")]
    tsa_certs: Option<PathBuf>,
    /// Require N trusted time-stamp tokens per release (1 when no number is given; before a
    /// target, write --require-timestamp=N so the target is not read as N).
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1",
          requires = "tsa_certs", value_parser = parse_required)]
    require_timestamp: Option<usize>,
}

impl TimeArgs {
    /// The trusted-time options, when `--tsa-certs` was given.
    pub fn load(&self) -> Result<Option<TimeOptions>, CliError> {
        let Some(path) = &self.tsa_certs else {
            return Ok(None);
        };
        let roots = TsaRoots::load(path, &Limits::DEFAULT)
            .map_err(intact::timestamp::TimestampError::from)?;
        Ok(Some(TimeOptions {
            roots,
            required: self.require_timestamp.unwrap_or(0),
        }))
    }
}

/// `--require-timestamp N`: a whole number, at least 1.
fn parse_required(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("at least 1 (leave the flag out to require none)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

/// The report lines of the tokens: one per token, then what they prove.
pub fn human_lines(target: &str, evidence: Option<&TimeEvidence>) -> String {
    let Some(e) = evidence else {
        return String::new();
    };
    let mut s = String::new();
    for c in &e.checks {
        match c.status {
            TimestampStatus::Trusted => {
                s.push_str(&format!("{target}: timestamp: {}: {}\n", c.file, c.detail))
            }
            TimestampStatus::Refused => s.push_str(&format!(
                "{target}: timestamp: {}: refused ({}): {}\n",
                c.file,
                c.reason.unwrap_or("?"),
                c.detail
            )),
        }
    }
    match (&e.earliest, &e.earliest_tsa) {
        (Some(t), Some(tsa)) => s.push_str(&format!(
            "{target}: trusted time: existed no later than {t} ({tsa}); keys judged at that time\n"
        )),
        _ => s.push_str(&format!(
            "{target}: trusted time: no trusted time-stamp token; keys judged at the release's own created time\n"
        )),
    }
    s
}

/// What `log append --tsa` stamped after appending.
pub struct AfterAppend {
    pub report: Option<StampReport>,
    /// `Failed` when a TSA gave no token (the entry stays appended).
    pub outcome: Outcome,
}

/// `log append`'s report, with the tokens stored (`--json`: a `timestamp` member).
#[derive(serde::Serialize)]
pub struct AppendOut<'a> {
    #[serde(flatten)]
    pub append: &'a super::log_tlog::SignedAppend,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<&'a StampReport>,
}

impl AfterAppend {
    /// The append report with this stamping.
    pub fn with<'a>(&'a self, append: &'a super::log_tlog::SignedAppend) -> AppendOut<'a> {
        AppendOut {
            append,
            timestamp: self.report.as_ref(),
        }
    }
}

impl AppendOut<'_> {
    /// The lines of the tokens stored.
    pub fn stamped_lines(&self) -> String {
        self.timestamp.map(human).unwrap_or_default()
    }
}

/// `log append --tsa URL…`: once the release is the log's entry (appended now or the head
/// already), a token from each TSA stored in the entry's `timestamps/`.
pub fn after_append(
    log: &std::path::Path,
    r: &intact::log::AppendReport,
    urls: &[String],
) -> Result<AfterAppend, CliError> {
    let entry = match r.seq {
        Some(seq) if !urls.is_empty() && (r.appended || r.already_head) => {
            log.join(format!("{seq:06}"))
        }
        _ => {
            return Ok(AfterAppend {
                report: None,
                outcome: Outcome::Done,
            })
        }
    };
    let report = stamp::timestamp(&entry, urls, None)?;
    for f in &report.failed {
        for line in output::shown(&format!("{}: {}", f.tsa_url, f.message)).lines() {
            eprintln!("intact: error: {line}");
        }
    }
    let outcome = if report.failed.is_empty() {
        Outcome::Done
    } else {
        Outcome::Failed
    };
    Ok(AfterAppend {
        report: Some(report),
        outcome,
    })
}
