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
use std::process::ExitCode;

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
            CliError::Usage(_)
            | CliError::Stdout(_)
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
            | CliError::Demo(_) => ERROR,
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
        e => e.to_string(),
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) => f.write_str(m),
            CliError::Stdout(e) => write!(f, "standard output: {e}"),
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
}

/// Ends the run: prints the error, if any, on standard error (each line prefixed with
/// `intact: error:`, withheld strings masked: [`crate::output::shown`]) and returns the exit
/// code.
pub fn finish(result: Result<Outcome, CliError>) -> ExitCode {
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            for line in crate::output::shown(&e.to_string()).lines() {
                eprintln!("intact: error: {line}");
            }
            ExitCode::from(e.code())
        }
    }
}

/// Ends a run whose flags did not parse: clap's message, and 2 (or 0 for `--help`, `--version`).
pub fn parse_failed(e: clap::Error) -> ExitCode {
    let _ = e.print();
    ExitCode::from(if e.use_stderr() { ERROR } else { SUCCESS })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use intact::bagpath::BagPath;
    use intact::verify::VerifyReport;

    use super::*;

    fn io_error() -> io::Error {
        io::Error::new(io::ErrorKind::NotFound, "gone")
    }

    fn path() -> PathBuf {
        PathBuf::from("x")
    }

    // Outcomes.

    #[test]
    fn outcome_done_is_0() {
        assert_eq!(Outcome::Done.code(), 0);
        assert_eq!(Outcome::valid_if(true), Outcome::Done);
    }

    #[test]
    fn outcome_not_valid_is_1() {
        assert_eq!(Outcome::NotValid.code(), 1);
        assert_eq!(Outcome::valid_if(false), Outcome::NotValid);
    }

    // Findings: exit 1.

    #[test]
    fn finding_leak_gate_is_1() {
        let e = CliError::from(PackError::Gate(Box::default()));
        assert_eq!(e.code(), NOT_VALID);
    }

    #[test]
    fn finding_cite_is_1() {
        let bundle = path();
        for e in [
            CiteError::NotValid {
                bundle: bundle.clone(),
                report: Box::new(VerifyReport::empty(&bundle, 1)),
            },
            CiteError::Unsigned {
                bundle: bundle.clone(),
            },
            CiteError::NotFound {
                bundle: bundle.clone(),
                what: "id 'A'".into(),
            },
            CiteError::Withheld {
                bundle: bundle.clone(),
                id: "A".into(),
            },
            CiteError::Changed {
                bundle: bundle.clone(),
                path: "data/a".into(),
                detail: "changed".into(),
            },
            CiteError::Proof {
                bundle: bundle.clone(),
                source: intact::proof::ProofError::TooLarge,
            },
        ] {
            let e = CliError::from(e);
            assert_eq!(e.code(), NOT_VALID, "{e}");
        }
    }

    #[test]
    fn finding_broken_bundle_to_inspect_is_1() {
        for e in [
            InspectError::Open(OpenError::NotABundle {
                path: path(),
                message: "not a ZIP".into(),
            }),
            InspectError::Unreadable {
                path: path(),
                file: "intact/manifest.json",
                message: "not JSON".into(),
            },
        ] {
            assert_eq!(CliError::Inspect(e).code(), NOT_VALID);
        }
    }

    #[test]
    fn finding_disproved_original_is_1() {
        let e = RedactionError::Refused("not the original".into());
        assert_eq!(CliError::Disproved(e).code(), NOT_VALID);
    }

    // Could not check: exit 2.

    #[test]
    fn error_usage_and_stdout_are_2() {
        assert_eq!(CliError::usage("give --proof").code(), ERROR);
        assert_eq!(CliError::Stdout(io_error()).code(), ERROR);
    }

    #[test]
    fn error_pack_other_than_gate_is_2() {
        for e in [
            PackError::SrcMissing { path: path() },
            PackError::OutExists { path: path() },
            PackError::Io {
                path: path(),
                source: io_error(),
            },
            PackError::Refused("no".into()),
        ] {
            assert_eq!(CliError::from(e).code(), ERROR);
        }
        let e = CliError::FromBag(PackError::SourceBag(
            intact::bagit::BagitError::NotADirectory { path: path() },
        ));
        assert_eq!(e.code(), ERROR);
    }

    #[test]
    fn error_cite_io_verify_out_exists_are_2() {
        for e in [
            CiteError::Io {
                path: path(),
                source: io_error(),
            },
            CiteError::Verify(VerifyError::Io {
                path: path(),
                source: io_error(),
            }),
            CiteError::OutExists { path: path() },
        ] {
            assert_eq!(CliError::from(e).code(), ERROR);
        }
    }

    #[test]
    fn error_unreadable_bundle_is_2() {
        let open = || {
            InspectError::Open(OpenError::Io {
                path: path(),
                source: io_error(),
            })
        };
        assert_eq!(CliError::Inspect(open()).code(), ERROR);
        // A bundle read as an input to another step: 2 however it is broken.
        assert_eq!(CliError::Contents(open()).code(), ERROR);
        let broken = InspectError::Open(OpenError::NotABundle {
            path: path(),
            message: "not a ZIP".into(),
        });
        assert_eq!(CliError::Contents(broken).code(), ERROR);
    }

    #[test]
    fn error_every_other_library_error_is_2() {
        let errors: Vec<CliError> = vec![
            KeygenError::EmptyPassphrase.into(),
            KeyError::NotOpenSsh { path: path() }.into(),
            TrustError::Empty { path: path() }.into(),
            GateError::NotADirectory { path: path() }.into(),
            MetadataError::Read {
                path: path(),
                source: io_error(),
            }
            .into(),
            intact::archive::ChangesError::Invalid {
                path: path(),
                problems: vec!["row 2: bad".into()],
            }
            .into(),
            CliError::ChangeRecords {
                file: path(),
                problems: vec!["bad".into()],
            },
            VerifyError::Io {
                path: path(),
                source: io_error(),
            }
            .into(),
            CosignError::NotZip { path: path() }.into(),
            CheckError::Io {
                path: path(),
                source: io_error(),
            }
            .into(),
            CliError::Redaction(RedactionError::Exists { path: path() }),
            serde_json::from_str::<u8>("x").unwrap_err().into(),
            ExtractError::Refused {
                path: path(),
                message: "no".into(),
            }
            .into(),
            LogError::State {
                path: path(),
                message: "fork".into(),
            }
            .into(),
            BagitError::NotFound { path: path() }.into(),
            DemoError::NotDemoDir { path: path() }.into(),
        ];
        for e in errors {
            assert_eq!(e.code(), ERROR, "{e}");
        }
    }

    // The flag names the library leaves out, added back.

    #[test]
    fn hint_output_exists_names_force() {
        let e = CliError::from(PackError::OutExists { path: path() });
        assert_eq!(
            e.to_string(),
            "x: output exists (use --force to replace it)"
        );
        let e = CliError::from(CiteError::OutExists { path: path() });
        assert_eq!(
            e.to_string(),
            "x: output exists (use --force to replace it)"
        );
    }

    #[test]
    fn hint_empty_passphrase_names_no_passphrase() {
        let e = CliError::from(KeygenError::EmptyPassphrase);
        assert_eq!(
            e.to_string(),
            "empty passphrase: use --no-passphrase to write an unencrypted key"
        );
    }

    #[test]
    fn hint_cite_not_valid_says_no_proof_written() {
        let bundle = path();
        let e = CliError::from(CiteError::NotValid {
            bundle: bundle.clone(),
            report: Box::new(VerifyReport::empty(&bundle, 1)),
        });
        assert_eq!(e.to_string(), "x: not valid; no proof written");
    }

    /// A folder with one file to pack.
    fn source(dir: &Path) -> PathBuf {
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("a.txt"), b"a\n").unwrap();
        src
    }

    fn pack_options(dir: &Path, out: &str) -> intact::pack::PackOptions {
        let created = intact::release::parse_created(crate::demo::DEMO_CREATED).unwrap();
        intact::pack::PackOptions::new(source(dir), dir.join(out), "c", "r1", created)
    }

    #[test]
    fn hint_originals_names_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = pack_options(dir.path(), "out.zip");
        opts.commitments = Some(intact::pack::Commitments {
            originals: dir.path().join("originals"),
            ledger: dir.path().join("ledger.json"),
        });
        let e = CliError::from(intact::pack::pack(&opts).unwrap_err());
        assert_eq!(
            e.to_string(),
            "--originals needs --metadata (it says which items are redacted)"
        );
    }

    #[test]
    fn hint_from_bag_names_flag() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-bag");
        let e = intact::pack::source_bag(&missing).map(|_| ()).unwrap_err();
        let e = CliError::FromBag(e);
        assert_eq!(
            e.to_string(),
            format!("--from-bag: {}: no such bag directory", missing.display())
        );
        assert_eq!(e.code(), ERROR);
    }

    #[test]
    fn hint_missing_metadata_row_names_allow_missing_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("m.csv");
        std::fs::write(
            &csv,
            "path,id,case_no,doc_type,title,redaction_status\na.txt,A,1,document,A,none\n",
        )
        .unwrap();
        let m = intact::metadata::MetadataSet::load(&csv).unwrap();
        let payload: BTreeSet<BagPath> = ["data/a.txt", "data/b.txt"]
            .iter()
            .map(|p| BagPath::parse(p).unwrap())
            .collect();
        let invalid = || m.check_against(&payload, false).unwrap_err();
        let want = format!(
            "{}: data/b.txt has no metadata row (or use --allow-missing-metadata)",
            csv.display()
        );
        assert_eq!(CliError::from(invalid()).to_string(), want);
        assert_eq!(
            CliError::from(PackError::Metadata(invalid())).to_string(),
            want
        );
    }

    #[test]
    fn hint_extract_exists_names_force() {
        let dir = tempfile::tempdir().unwrap();
        let mut opts = pack_options(dir.path(), "b.zip");
        opts.keys = vec![crate::demo::demo_key().unwrap()];
        intact::pack::pack(&opts).unwrap();
        let trust = dir.path().join("allowed_signers");
        std::fs::write(&trust, crate::demo::demo_allowed_signers()).unwrap();
        let verify = intact::verify::VerifyOptions {
            policy: intact::trust::TrustPolicy::load(&trust).unwrap(),
            revocations: Default::default(),
            threshold: 1,
            at: None,
            skip_payload: false,
            skip_threshold: false,
        };
        let to = dir.path().join("to");
        let extract = || intact::extract::extract(&dir.path().join("b.zip"), &to, &verify, false);
        assert!(extract().unwrap().extracted_to.is_some());
        let e = CliError::from(extract().unwrap_err());
        let message = e.to_string();
        assert!(
            message.ends_with(": exists (use --force to replace regular files)"),
            "{message}"
        );
        assert_eq!(e.code(), ERROR);
    }

    #[test]
    fn hint_fast_bagit_validation_names_fast() {
        let dir = tempfile::tempdir().unwrap();
        let bag = dir.path();
        std::fs::create_dir(bag.join("data")).unwrap();
        std::fs::write(bag.join("data/a.txt"), b"a\n").unwrap();
        std::fs::write(
            bag.join("bagit.txt"),
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        )
        .unwrap();
        std::fs::write(bag.join("bag-info.txt"), "Source-Organization: x\n").unwrap();
        let opts = intact::bagit::ValidateOptions { fast: true };
        let mut report = intact::bagit::validate(bag, &opts).unwrap();
        bagit_problems(&mut report);
        let p = report
            .problems
            .iter()
            .find(|p| p.code == intact::bagit::Code::NoPayloadOxum)
            .unwrap();
        assert_eq!(
            p.message,
            "fast validation needs a Payload-Oxum in bag-info.txt; run without --fast to check the manifests"
        );
    }
}
