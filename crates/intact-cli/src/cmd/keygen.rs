//! `intact keygen`: a new OpenSSH Ed25519 signing key, and its allowed_signers line.

use std::path::PathBuf;

use clap::Args;

use super::flags::PassphraseArgs;
use crate::exit::{CliError, Outcome};
use crate::output::{json, out};

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the private key; the public key goes to PATH.pub.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Principal named in the allowed_signers line (default: the key file's name).
    #[arg(long, value_name = "NAME")]
    principal: Option<String>,
    /// Write the private key unencrypted.
    #[arg(long)]
    no_passphrase: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
    /// Also add the key's line to this allowed_signers file (created if missing; a line that
    /// is already there is not added twice).
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

/// `keygen --json` (format `intact-keygen/1`).
#[derive(serde::Serialize)]
struct KeygenReport {
    report: &'static str,
    #[serde(flatten)]
    key: intact::keygen::KeygenResult,
    /// The allowed_signers file given with `--allowed-signers`, if any.
    allowed_signers: Option<PathBuf>,
    /// Whether the line was added to it (false: it was there already).
    added: bool,
}

impl KeygenArgs {
    /// The top-level entry point for `intact keygen`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let principal = match self.principal {
            Some(p) => p,
            None => self
                .out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{}: cannot derive a principal; use --principal",
                        self.out.display()
                    ))
                })?,
        };
        let r = intact::keygen(
            &self.out,
            &principal,
            !self.no_passphrase,
            &self.passphrase.source(),
        )?;
        let added = match &self.allowed_signers {
            Some(f) => intact::keygen::add_allowed_signer(f, &r.allowed_signers_line)?,
            None => false,
        };
        if self.json {
            out(&json(&KeygenReport {
                report: "intact-keygen/1",
                key: r,
                allowed_signers: self.allowed_signers,
                added,
            }));
            return Ok(Outcome::Done);
        }
        eprintln!(
            "wrote {} ({}) and {}; fingerprint {}",
            r.private_path.display(),
            if r.encrypted {
                "encrypted"
            } else {
                "NOT encrypted"
            },
            r.public_path.display(),
            r.fingerprint
        );
        match &self.allowed_signers {
            Some(f) if added => eprintln!("added this line to {}:", f.display()),
            Some(f) => eprintln!("this line is already in {}:", f.display()),
            None => eprintln!(
                "add this line to the allowed_signers file that verifiers use (or use --allowed-signers FILE):"
            ),
        }
        out(&format!("{}\n", r.allowed_signers_line));
        Ok(Outcome::Done)
    }
}
