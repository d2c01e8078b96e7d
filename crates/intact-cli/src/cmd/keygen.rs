//! `intact keygen`: a new OpenSSH Ed25519 signing key, and its allowed_signers line.

use std::path::PathBuf;

use clap::Args;

use super::flags::PassphraseArgs;
use crate::exit::{CliError, Outcome};
use crate::output::out;

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
        eprintln!("add this line to the allowed_signers file that verifiers use:");
        out(&format!("{}\n", r.allowed_signers_line));
        Ok(Outcome::Done)
    }
}
