//! Flag groups several subcommands share: the trust policy, the key's passphrase, the leak gate's
//! private inputs; and RFC 3339 times given as flags.

use std::path::PathBuf;

use clap::Args;

use intact::trust::{Revocations, TrustPolicy};
use intact::verify::VerifyOptions;

use crate::exit::CliError;
use crate::passphrase::PassphraseSource;

/// `--trust` and its policy options (verify, check, extract, log, redaction verify).
#[derive(Args)]
pub struct TrustArgs {
    /// Trusted keys: an OpenSSH allowed_signers file.
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    trust: PathBuf,
    /// Valid signatures by at least K distinct trusted principals are required.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = parse_threshold)]
    threshold: usize,
    /// Revoked keys (one public key or SHA256 fingerprint per line, optional date and reason).
    #[arg(long, value_name = "FILE")]
    revoked: Option<PathBuf>,
    /// Check key validity windows at this RFC 3339 time instead of the release's `created`.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

impl TrustArgs {
    /// The verification options these flags describe (policy and revocations loaded).
    pub fn load(&self) -> Result<VerifyOptions, CliError> {
        load_trust(
            &self.trust,
            self.threshold,
            self.revoked.as_deref(),
            self.at.as_deref(),
        )
    }
}

/// `--trust` and its policy options, optional (for `cite`).
#[derive(Args)]
pub struct OptionalTrustArgs {
    /// Trusted keys (OpenSSH allowed_signers); without it, signatures are checked but no key is vouched for.
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    trust: Option<PathBuf>,
    /// Valid signatures by at least K distinct trusted principals are required.
    #[arg(long, value_name = "K", default_value_t = 1, requires = "trust", value_parser = parse_threshold)]
    threshold: usize,
    /// Revoked keys (one public key or SHA256 fingerprint per line, optional date and reason).
    #[arg(long, value_name = "FILE", requires = "trust")]
    revoked: Option<PathBuf>,
    /// Check key validity windows at this RFC 3339 time instead of the release's `created`.
    #[arg(long, value_name = "TIME", requires = "trust")]
    at: Option<String>,
}

impl OptionalTrustArgs {
    /// The verification options, when `--trust` was given.
    pub fn load(&self) -> Result<Option<VerifyOptions>, CliError> {
        self.trust
            .as_deref()
            .map(|trust| {
                load_trust(
                    trust,
                    self.threshold,
                    self.revoked.as_deref(),
                    self.at.as_deref(),
                )
            })
            .transpose()
    }
}

/// `--threshold K`: a whole number, at least 1 (a release needs a signer).
fn parse_threshold(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("threshold must be at least 1".into()),
        Ok(k) => Ok(k),
        Err(_) => Err(format!("'{s}' is not a whole number")),
    }
}

fn load_trust(
    trust: &std::path::Path,
    threshold: usize,
    revoked: Option<&std::path::Path>,
    at: Option<&str>,
) -> Result<VerifyOptions, CliError> {
    let policy = TrustPolicy::load(trust).map_err(|e| super::trust_file::explain(trust, e))?;
    let revocations = match revoked {
        Some(p) => Revocations::load(p)?,
        None => Revocations::default(),
    };
    let at = at.map(|s| parse_time(s, "--at")).transpose()?;
    Ok(VerifyOptions {
        policy,
        revocations,
        threshold,
        at,
        skip_payload: false,
        skip_threshold: false,
    })
}

/// `--passphrase-file` (keygen, pack, sign).
#[derive(Args)]
pub struct PassphraseArgs {
    /// Read the key's passphrase from the first line of this file (else INTACT_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// Where the key's passphrase comes from.
    pub fn source(&self) -> PassphraseSource {
        PassphraseSource {
            file: self.passphrase_file.clone(),
        }
    }
}

/// The leak gate's private inputs (scan, pack).
#[derive(Args)]
pub struct GateArgs {
    /// Private deny-list: one withheld string per line (never packed). Without it only the
    /// structural rules run.
    #[arg(long, value_name = "FILE")]
    pub deny_list: Option<PathBuf>,
    /// Reviewed exceptions, one per line: path<TAB>rule<TAB>reason (docs/REDACTION.md).
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
}

impl GateArgs {
    /// The gate's options: the deny-list and the exceptions loaded.
    pub fn options(&self) -> Result<intact::gate::ScanOptions, CliError> {
        let deny = self
            .deny_list
            .as_deref()
            .map(intact::gate::DenyList::load)
            .transpose()?;
        if let Some(d) = &deny {
            crate::output::withhold(d);
        }
        let exceptions = match self.exceptions.as_deref() {
            Some(p) => intact::gate::load_exceptions(p)?,
            None => Vec::new(),
        };
        Ok(intact::gate::ScanOptions {
            deny,
            exceptions,
            limits: intact::gate::Limits::default(),
        })
    }
}

/// An RFC 3339 time given as the value of `flag`.
pub fn parse_time(s: &str, flag: &str) -> Result<time::OffsetDateTime, CliError> {
    intact::release::parse_rfc3339(s).ok_or_else(|| {
        CliError::usage(format!(
            "{flag} '{s}' is not an RFC 3339 time (e.g. 2026-11-25T10:00:00Z)"
        ))
    })
}
