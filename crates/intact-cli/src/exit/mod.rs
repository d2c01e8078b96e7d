//! How a run of `intact` ends, decided in this one place: the exit code of every outcome and of
//! every error, and the words only the command line knows (flag names) added to the library's
//! messages.
//!
//! | code | meaning                                                                   |
//! |------|---------------------------------------------------------------------------|
//! | 0    | done; the input is valid, clean, matched, appended                        |
//! | 1    | the input is not valid: problems, findings, no match, nothing appended    |
//! | 2    | it could not be checked: a usage error, an unreadable input, an I/O error |
//!
//! As with grep (0 matched, 1 no match, 2 error), a script can tell "checked and rejected" from
//! "could not check".

use std::fmt;
use std::io;
use std::path::PathBuf;

use intact::bagit::BagitError;
use intact::bundle::OpenError;
use intact::cite::{CheckError, CiteError};
use intact::cosign::CosignError;
use intact::extract::ExtractError;
use intact::gate::GateError;
use intact::inspect::InspectError;
use intact::keygen::KeygenError;
use intact::log::LogError;
use intact::metadata::MetadataError;
use intact::pack::PackError;
use intact::redaction::RedactionError;
use intact::sign::KeyError;
use intact::trust::TrustError;
use intact::verify::VerifyError;

use crate::demo::DemoError;

mod report;
pub use report::ErrorReport;

/// Exit code: done, valid, clean.
pub const SUCCESS: u8 = 0;
/// Exit code: checked, and not valid (problems, findings, no match).
pub const NOT_VALID: u8 = 1;
/// Exit code: could not check (usage error, unreadable input, I/O error).
pub const ERROR: u8 = 2;

/// How a command that ran to its end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done; or the input is valid, clean, matched, appended (exit 0).
    Done,
    /// The input is not valid, has findings, does not match, was not appended (exit 1).
    NotValid,
    /// Of several targets, at least one could not be checked; its error was reported (exit 2).
    Failed,
}

impl Outcome {
    /// `Done` when `valid`, else `NotValid`.
    pub fn valid_if(valid: bool) -> Outcome {
        if valid {
            Outcome::Done
        } else {
            Outcome::NotValid
        }
    }

    /// The exit code of this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Done => SUCCESS,
            Outcome::NotValid => NOT_VALID,
            Outcome::Failed => ERROR,
        }
    }

    /// The worse of two outcomes, for a run over several targets: could not check (2) over not
    /// valid (1) over done (0), as ripgrep does.
    pub fn worst(self, other: Outcome) -> Outcome {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }

    /// The outcome of one target of several: its own, or `Failed` when it could not be checked.
    pub fn of<T>(result: &Result<T, CliError>, valid: impl FnOnce(&T) -> bool) -> Outcome {
        match result {
            Ok(t) => Outcome::valid_if(valid(t)),
            Err(e) if e.code() == NOT_VALID => Outcome::NotValid,
            Err(_) => Outcome::Failed,
        }
    }
}

/// Why a command ended early: a library error, named by the step that failed, or a usage error.
#[derive(Debug)]
pub enum CliError {
    /// Flags that do not go together, or a value that does not parse.
    Usage(String),
    /// Standard output could not be written.
    Stdout(io::Error),
    /// A file the command line itself writes (`completions`, `man`) could not be written.
    Io(intact::fs::PathError),
    /// An input that cannot be used, in plain words (e.g. a key given where an
    /// allowed_signers file belongs).
    Input { path: PathBuf, message: String },
    /// `intact keygen` wrote no key.
    Keygen(KeygenError),
    /// A signing key could not be loaded.
    Key(KeyError),
    /// The trust policy or the revocation list could not be loaded.
    Trust(TrustError),
    /// The leak gate could not be set up or could not scan.
    Gate(GateError),
    /// The item metadata file could not be used.
    Metadata(MetadataError),
    /// The change records file could not be read.
    Changes(intact::archive::ChangesError),
    /// Change records that do not fit the previous release, each line prefixed with `file`.
    ChangeRecords {
        file: PathBuf,
        problems: Vec<String>,
    },
    /// `intact pack` wrote no bundle (the leak gate's findings among the reasons).
    Pack(PackError),
    /// The source given with `--from-bag` is not a valid, complete bag.
    FromBag(PackError),
    /// A bundle could not be verified at all.
    Verify(VerifyError),
    /// A signature could not be added, or the statement could not be read or written.
    Cosign(CosignError),
    /// `intact cite` wrote no proof.
    Cite(CiteError),
    /// `intact check` could not check the file.
    Check(CheckError),
    /// The bundle to inspect or compare could not be read (broken, or unreadable).
    Inspect(InspectError),
    /// A bundle read as an input to another step could not be read.
    Contents(InspectError),
    /// A ledger or disclosure could not be read or written.
    Redaction(RedactionError),
    /// The ledger does not vouch for the original: no disclosure was written.
    Disproved(RedactionError),
    /// A value could not be written as JSON.
    Json(serde_json::Error),
    /// `intact extract` could not extract the bundle.
    Extract(ExtractError),
    /// The release log could not be read or written.
    Log(LogError),
    /// The bag could not be read at all.
    Bagit(BagitError),
    /// `intact demo` could not run.
    Demo(DemoError),
    /// A time-stamping authority or a stored token could not be used (`intact timestamp`,
    /// `--tsa-certs`).
    Timestamp(intact::timestamp::TimestampError),
    /// `intact scrub` wrote no copy.
    Scrub(intact::scrub::ScrubError),
    /// `intact site` wrote no site.
    Site(intact::site::SiteError),
    /// `intact mirror` could not start or finish (the network, the disk, the state file).
    Mirror(intact::mirror::pull::PullError),
}

impl CliError {
    /// The exit code of this error: 1 when the input was checked and found wanting, else 2.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Pack(e) => match e {
                PackError::Gate(_) => NOT_VALID,
                _ => ERROR,
            },
            CliError::Cite(e) => match e {
                CiteError::Io { .. } | CiteError::Verify(_) | CiteError::OutExists { .. } => ERROR,
                CiteError::NotValid { .. }
                | CiteError::Unsigned { .. }
                | CiteError::NotFound { .. }
                | CiteError::Withheld { .. }
                | CiteError::Changed { .. }
                | CiteError::Proof { .. } => NOT_VALID,
            },
            CliError::Inspect(e) => match e {
                InspectError::Open(OpenError::Io { .. }) => ERROR,
                InspectError::Open(OpenError::NotABundle { .. })
                | InspectError::Unreadable { .. } => NOT_VALID,
            },
            CliError::Disproved(_) => NOT_VALID,
            CliError::Site(e) if e.is_finding() => NOT_VALID,
            CliError::Usage(_)
            | CliError::Stdout(_)
            | CliError::Io(_)
            | CliError::Input { .. }
            | CliError::Keygen(_)
            | CliError::Key(_)
            | CliError::Trust(_)
            | CliError::Gate(_)
            | CliError::Metadata(_)
            | CliError::Changes(_)
            | CliError::ChangeRecords { .. }
            | CliError::FromBag(_)
            | CliError::Verify(_)
            | CliError::Cosign(_)
            | CliError::Check(_)
            | CliError::Contents(_)
            | CliError::Redaction(_)
            | CliError::Json(_)
            | CliError::Extract(_)
            | CliError::Log(_)
            | CliError::Bagit(_)
            | CliError::Demo(_)
            | CliError::Timestamp(_) => ERROR,
            CliError::Scrub(_) => ERROR,
            CliError::Site(_) => ERROR,
            CliError::Mirror(_) => ERROR,
        }
    }

    /// A usage error with this message.
    pub fn usage(message: impl fmt::Display) -> CliError {
        CliError::Usage(message.to_string())
    }
}

/// What the library says where the command line names a flag instead: (library, command line).
///
/// Most have a variant of their own. Two are parts of a longer report and are matched by their
/// wording (a metadata row, a BagIt problem); the unit tests below make the library produce
/// every one of these messages, so a change of wording fails a test instead of silently
/// dropping the flag from the message.
mod hint {
    /// An output that exists (`pack`, `cite`: a variant of its own, so no library wording).
    pub const OUT_EXISTS: &str = "output exists (use --force to replace it)";
    /// After a metadata problem about a file without a row (`pack --allow-missing-metadata`).
    pub const MISSING_ROW: (&str, &str) = (
        " has no metadata row (or allow items without metadata)",
        " has no metadata row (or use --allow-missing-metadata)",
    );
    /// Commitments without metadata (`pack --originals` without `--metadata`).
    pub const ORIGINALS: &str = "--originals needs --metadata (it says which items are redacted)";
    /// Before a source bag's validation error (`pack --from-bag`).
    pub const FROM_BAG: &str = "--from-bag";
    /// An existing file in the way of `extract` (`--force`).
    pub const EXTRACT_EXISTS: &str = "exists (use --force to replace regular files)";
    /// After `bagit validate --fast` finds no Payload-Oxum.
    pub const NO_OXUM: (&str, &str) = (
        "; a full validation checks the manifests",
        "; run without --fast to check the manifests",
    );
}

/// `message` with the library's `suffix` replaced by the command line's.
fn with_suffix(message: &str, (library, cli): (&str, &str)) -> Option<String> {
    message
        .strip_suffix(library)
        .map(|head| format!("{head}{cli}"))
}

/// A metadata error in command-line words.
fn metadata_message(e: &MetadataError) -> String {
    match e {
        MetadataError::Invalid { path, problems } => {
            let mut problems = problems.clone();
            for p in problems.iter_mut().filter(|p| p.path.is_empty()) {
                if let Some(m) = with_suffix(&p.message, hint::MISSING_ROW) {
                    p.message = m;
                }
            }
            MetadataError::Invalid {
                path: path.clone(),
                problems,
            }
            .to_string()
        }
        MetadataError::Read { .. } => e.to_string(),
    }
}

/// A pack error in command-line words.
fn pack_message(e: &PackError) -> String {
    match e {
        PackError::OutExists { path } => format!("{}: {}", path.display(), hint::OUT_EXISTS),
        PackError::CommitmentsNeedMetadata => hint::ORIGINALS.to_owned(),
        PackError::SourceBag(e) => format!("{}: {e}", hint::FROM_BAG),
        PackError::Metadata(m) => metadata_message(m),
        PackError::Gate(report) => {
            let mut lines: Vec<String> = e.to_string().lines().map(str::to_owned).collect();
            let verdict = lines.pop().unwrap_or_default();
            lines.extend(
                crate::cmd::scan::hint_lines(report)
                    .lines()
                    .map(str::to_owned),
            );
            lines.push(verdict);
            lines.join("\n")
        }
        e => e.to_string(),
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => f.write_str(m),
            CliError::Stdout(e) => write!(f, "standard output: {e}"),
            CliError::Io(e) => e.fmt(f),
            CliError::Input { path, message } => write!(f, "{}: {message}", path.display()),
            CliError::Keygen(KeygenError::EmptyPassphrase) => {
                f.write_str("empty passphrase: use --no-passphrase to write an unencrypted key")
            }
            CliError::Keygen(e) => e.fmt(f),
            CliError::Key(e) => e.fmt(f),
            CliError::Trust(e) => e.fmt(f),
            CliError::Gate(e) => e.fmt(f),
            CliError::Metadata(e) => f.write_str(&metadata_message(e)),
            CliError::Changes(e) => e.fmt(f),
            CliError::ChangeRecords { file, problems } => {
                let lines: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{}: {p}", file.display()))
                    .collect();
                f.write_str(&lines.join("\n"))
            }
            CliError::Pack(e) => f.write_str(&pack_message(e)),
            CliError::FromBag(e) => f.write_str(&pack_message(e)),
            CliError::Verify(e) => e.fmt(f),
            CliError::Cosign(e) => e.fmt(f),
            CliError::Cite(CiteError::OutExists { path }) => {
                write!(f, "{}: {}", path.display(), hint::OUT_EXISTS)
            }
            CliError::Cite(CiteError::NotValid { report, .. }) => write!(
                f,
                "{}: not valid; no proof written",
                report.bundle.display()
            ),
            CliError::Cite(e) => e.fmt(f),
            CliError::Check(e) => e.fmt(f),
            CliError::Inspect(e) | CliError::Contents(e) => e.fmt(f),
            CliError::Redaction(e) | CliError::Disproved(e) => e.fmt(f),
            CliError::Json(e) => e.fmt(f),
            CliError::Extract(ExtractError::Exists { path }) => {
                write!(f, "{}: {}", path.display(), hint::EXTRACT_EXISTS)
            }
            CliError::Extract(e) => e.fmt(f),
            CliError::Log(e) => e.fmt(f),
            CliError::Bagit(e) => e.fmt(f),
            CliError::Demo(e) => e.fmt(f),
            CliError::Timestamp(e) => e.fmt(f),
            CliError::Scrub(e) => e.fmt(f),
            CliError::Site(intact::site::SiteError::OutExists { path }) => {
                write!(f, "{}: {}", path.display(), hint::OUT_EXISTS)
            }
            CliError::Site(e) => e.fmt(f),
            CliError::Mirror(e) => e.fmt(f),
        }
    }
}

/// A bag report's problems in command-line words (`--fast` named where the library says "fast
/// validation").
pub fn bagit_problems(report: &mut intact::bagit::BagReport) {
    for p in &mut report.problems {
        if p.code == intact::bagit::Code::NoPayloadOxum {
            if let Some(m) = with_suffix(&p.message, hint::NO_OXUM) {
                p.message = m;
            }
        }
    }
}

macro_rules! from_library {
    ($($error:ty => $variant:ident),* $(,)?) => {
        $(impl From<$error> for CliError {
            fn from(e: $error) -> CliError {
                CliError::$variant(e)
            }
        })*
    };
}

// Errors with one meaning wherever they occur; `InspectError` and `RedactionError` have two
// (see `Inspect`/`Contents` and `Redaction`/`Disproved`), so each call site names its own.
from_library! {
    intact::fs::PathError => Io,
    KeygenError => Keygen,
    KeyError => Key,
    TrustError => Trust,
    GateError => Gate,
    MetadataError => Metadata,
    intact::archive::ChangesError => Changes,
    PackError => Pack,
    VerifyError => Verify,
    CosignError => Cosign,
    CiteError => Cite,
    CheckError => Check,
    serde_json::Error => Json,
    ExtractError => Extract,
    LogError => Log,
    BagitError => Bagit,
    DemoError => Demo,
    intact::timestamp::TimestampError => Timestamp,
    intact::scrub::ScrubError => Scrub,
    intact::site::SiteError => Site,
    intact::mirror::pull::PullError => Mirror,
}

/// Ends the run: prints the error, if any, on standard error (each line prefixed with
/// `intact: error:`, withheld strings masked: [`crate::output::shown`]) — and with `--json`
/// also as an [`ErrorReport`] on standard output — and returns the exit code.
pub fn finish(result: Result<Outcome, CliError>, json: bool) -> u8 {
    match result {
        Ok(outcome) => outcome.code(),
        Err(e) => {
            report_error(&e, json);
            e.code()
        }
    }
}

/// Ends the process with `code` once standard output and standard error are flushed, and
/// without the clean-up that `exit` runs: every command has closed, renamed or removed its
/// files by the time it returns, and the allocator's clean-up would only hand memory back to
/// the system page by page, which the system does at once when the process ends (a few
/// milliseconds of a short `verify`, docs/PERFORMANCE.md).
pub fn end(code: u8) -> ! {
    let _ = io::Write::flush(&mut io::stdout());
    let _ = io::Write::flush(&mut io::stderr());
    // SAFETY: `_exit` takes any status and returns to nothing: no memory of this process is
    // used after it.
    unsafe { libc::_exit(i32::from(code)) }
}

/// Prints one error: on standard error, and with `--json` as JSON on standard output.
pub fn report_error(e: &CliError, json: bool) {
    for line in crate::output::shown(&e.to_string()).lines() {
        eprintln!("intact: error: {line}");
    }
    if json {
        crate::output::out(&crate::output::json(&ErrorReport::of(e)));
    }
}

/// Ends a run whose flags did not parse: clap's message, and 2 (or 0 for `--help`, `--version`);
/// with `--json`, a usage error is also an [`ErrorReport`] on standard output.
pub fn parse_failed(e: clap::Error, json: bool) -> u8 {
    let _ = e.print();
    if !e.use_stderr() {
        return SUCCESS;
    }
    if json {
        let text = e.render().to_string();
        let message = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        let r = ErrorReport::new(ERROR, "usage", None, message);
        crate::output::out(&crate::output::json(&r));
    }
    ERROR
}

/// Whether the command line asks for JSON (`--json` before any `--`), known before it parses.
pub fn json_requested<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> bool {
    args.iter()
        .map(AsRef::as_ref)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

#[cfg(test)]
mod tests;
