//! An error as a document: what `--json` prints on standard output when a command could not run
//! to its end (`manifests/schema/error.schema.json`, README "Exit codes").

use std::path::Path;

use serde::Serialize;

use intact::bundle::OpenError;
use intact::cite::CiteError;
use intact::inspect::InspectError;
use intact::pack::PackError;

use super::{CliError, NOT_VALID};

/// The JSON form of an error (format `intact-error/1`).
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub report: &'static str,
    /// The exit code of the run: 1 (not valid) or 2 (could not check).
    pub exit: u8,
    /// What kind of error: `usage`, `io`, `input` (an input that cannot be used: a malformed
    /// key, trust file, metadata file, deny-list …) or `not_valid` (checked and found wanting).
    pub code: &'static str,
    /// The file the error is about, when one is known.
    pub path: Option<String>,
    /// The message, as the text form prints it (flag names added, withheld strings masked).
    pub message: String,
}

impl ErrorReport {
    /// The report of `e`: its exit code, kind, path and message.
    pub fn of(e: &CliError) -> ErrorReport {
        ErrorReport::new(e.code(), e.kind(), e.path(), &e.to_string())
    }

    /// A report from its parts (a usage error clap found, a target of several).
    pub fn new(exit: u8, code: &'static str, path: Option<&Path>, message: &str) -> ErrorReport {
        ErrorReport {
            report: "intact-error/1",
            exit,
            code,
            path: path.map(|p| crate::output::shown(&p.display().to_string())),
            message: crate::output::shown(message),
        }
    }
}

/// The library error inside a `CliError`, to walk its sources.
fn inner(e: &CliError) -> Option<&(dyn std::error::Error + 'static)> {
    Some(match e {
        CliError::Usage(_) | CliError::ChangeRecords { .. } | CliError::Input { .. } => {
            return None
        }
        CliError::Stdout(e) => e,
        CliError::Io(e) => e,
        CliError::Keygen(e) => e,
        CliError::Key(e) => e,
        CliError::Trust(e) => e,
        CliError::Gate(e) => e,
        CliError::Metadata(e) => e,
        CliError::Changes(e) => e,
        CliError::Pack(e) | CliError::FromBag(e) => e,
        CliError::Verify(e) => e,
        CliError::Cosign(e) => e,
        CliError::Cite(e) => e,
        CliError::Check(e) => e,
        CliError::Inspect(e) | CliError::Contents(e) => e,
        CliError::Redaction(e) | CliError::Disproved(e) => e,
        CliError::Json(e) => e,
        CliError::Extract(e) => e,
        CliError::Log(e) => e,
        CliError::Bagit(e) => e,
        CliError::Demo(e) => e,
        CliError::Timestamp(e) => e,
        CliError::Scrub(e) => e,
        CliError::Site(e) => e,
        CliError::Mirror(e) => e,
    })
}

/// Whether an I/O error is among the causes of `e`, or `e` says an input does not exist.
fn has_io_cause(e: &CliError) -> bool {
    if matches!(
        e,
        CliError::Pack(PackError::SrcMissing { .. })
            | CliError::Bagit(intact::bagit::BagitError::NotFound { .. })
    ) {
        return true;
    }
    let mut next = inner(e);
    while let Some(err) = next {
        if err.is::<std::io::Error>() {
            return true;
        }
        next = err.source();
    }
    false
}

impl CliError {
    /// The kind of error, as the JSON error object names it.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            _ if self.code() == NOT_VALID => "not_valid",
            _ if has_io_cause(self) => "io",
            _ => "input",
        }
    }

    /// The file this error is about, when the library named one.
    pub fn path(&self) -> Option<&Path> {
        use intact::bagit::BagitError as B;
        use intact::cosign::CosignError as Co;
        use intact::extract::ExtractError as X;
        use intact::gate::GateError as G;
        use intact::keygen::KeygenError as Kg;
        use intact::log::LogError as L;
        use intact::metadata::MetadataError as M;
        use intact::redaction::RedactionError as R;
        use intact::sign::KeyError as K;
        use intact::trust::TrustError as T;
        use intact::verify::VerifyError as V;
        Some(match self {
            CliError::ChangeRecords { file, .. } => file,
            CliError::Io(e) => &e.path,
            CliError::Input { path, .. } => path,
            CliError::Keygen(Kg::Exists { path } | Kg::Io { path, .. }) => path,
            CliError::Key(
                K::Read { path, .. }
                | K::PublicKey { path }
                | K::NotOpenSsh { path }
                | K::NotEd25519 { path, .. }
                | K::WrongPassphrase { path }
                | K::Passphrase { path, .. }
                | K::Sign { path, .. },
            ) => path,
            CliError::Trust(
                T::Read { path, .. } | T::Malformed { path, .. } | T::Empty { path },
            ) => path,
            CliError::Gate(
                G::Io { path, .. }
                | G::NotADirectory { path }
                | G::DenyList { path, .. }
                | G::Exceptions { path, .. }
                | G::Metadata { path, .. },
            ) => path,
            CliError::Metadata(M::Read { path, .. } | M::Invalid { path, .. }) => path,
            CliError::Changes(
                intact::archive::ChangesError::Read { path, .. }
                | intact::archive::ChangesError::Invalid { path, .. },
            ) => path,
            CliError::Pack(e) | CliError::FromBag(e) => return pack_path(e),
            CliError::Verify(V::Io { path, .. }) => path,
            CliError::Cosign(
                Co::Io { path, .. }
                | Co::NotABundle { path, .. }
                | Co::NotZip { path }
                | Co::Inconsistent { path, .. }
                | Co::AlreadySigned { path, .. }
                | Co::BadSignature { path, .. }
                | Co::WrongNamespace { path, .. }
                | Co::UnsupportedKey { path, .. }
                | Co::OtherStatement { path, .. },
            ) => path,
            CliError::Cite(e) => return cite_path(e),
            CliError::Check(intact::cite::CheckError::Io { path, .. }) => path,
            CliError::Check(intact::cite::CheckError::Verify(V::Io { path, .. })) => path,
            CliError::Inspect(e) | CliError::Contents(e) => match e {
                InspectError::Open(OpenError::Io { path, .. })
                | InspectError::Open(OpenError::NotABundle { path, .. })
                | InspectError::Unreadable { path, .. } => path,
            },
            CliError::Redaction(e) | CliError::Disproved(e) => match e {
                R::Io { path, .. } | R::Malformed { path, .. } | R::Exists { path } => path,
                R::Refused(_) => return None,
            },
            CliError::Extract(
                X::Io { path, .. }
                | X::Refused { path, .. }
                | X::Exists { path }
                | X::Verify(V::Io { path, .. }),
            ) => path,
            CliError::Log(L::Io { path, .. } | L::State { path, .. }) => path,
            CliError::Log(L::Verify(V::Io { path, .. })) => path,
            CliError::Bagit(
                B::NotFound { path } | B::NotADirectory { path } | B::Io { path, .. },
            ) => path,
            CliError::Demo(
                crate::demo::DemoError::NotDemoDir { path }
                | crate::demo::DemoError::Io { path, .. },
            ) => path,
            CliError::Timestamp(e) => return timestamp_path(e),
            CliError::Scrub(
                intact::scrub::ScrubError::SrcMissing { path }
                | intact::scrub::ScrubError::OutExists { path }
                | intact::scrub::ScrubError::OutInsideSrc { path },
            ) => path,
            CliError::Scrub(intact::scrub::ScrubError::Io(e)) => &e.path,
            CliError::Site(
                intact::site::SiteError::Io { path, .. }
                | intact::site::SiteError::OutExists { path },
            ) => path,
            _ => return None,
        })
    }
}

fn pack_path(e: &PackError) -> Option<&Path> {
    match e {
        PackError::SrcMissing { path }
        | PackError::SrcNotDir { path }
        | PackError::SrcEmpty { path }
        | PackError::OutExists { path }
        | PackError::OutInsideSrc { path }
        | PackError::Io { path, .. }
        | PackError::Changed { path } => Some(path),
        PackError::Metadata(intact::metadata::MetadataError::Read { path, .. })
        | PackError::Metadata(intact::metadata::MetadataError::Invalid { path, .. }) => Some(path),
        _ => None,
    }
}

fn cite_path(e: &CiteError) -> Option<&Path> {
    match e {
        CiteError::Io { path, .. } | CiteError::OutExists { path } => Some(path),
        CiteError::NotValid { bundle, .. }
        | CiteError::Unsigned { bundle }
        | CiteError::NotFound { bundle, .. }
        | CiteError::Withheld { bundle, .. }
        | CiteError::Changed { bundle, .. }
        | CiteError::Proof { bundle, .. } => Some(bundle),
        CiteError::Verify(intact::verify::VerifyError::Io { path, .. }) => Some(path),
        CiteError::Verify(_) => None,
    }
}

/// The file a trusted-time error is about, when there is one.
fn timestamp_path(e: &intact::timestamp::TimestampError) -> Option<&Path> {
    use intact::timestamp::{RootsError as R, TimestampError as E};
    match e {
        E::Io(e) => Some(&e.path),
        E::Target { path, .. } => Some(path),
        E::Roots(
            R::Read { path, .. }
            | R::TooLarge { path, .. }
            | R::Malformed { path, .. }
            | R::Empty { path },
        ) => Some(path),
        E::Http { .. } | E::Reply { .. } | E::Token { .. } => None,
    }
}
