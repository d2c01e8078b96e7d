//! `intact sign`: co-sign a bundle ZIP with another key.

use std::path::PathBuf;

use clap::Args;

use intact::cosign::CosignSummary;

use super::flags::PassphraseArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct SignArgs {
    /// Bundle ZIP to co-sign (replaced atomically; unchanged on any failure).
    bundle: PathBuf,
    /// Signing key (OpenSSH Ed25519 private key).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

impl SignArgs {
    /// The top-level entry point for `intact sign`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let key = intact::sign::SigningKey::load(&self.key, &self.passphrase.source())?;
        let s = intact::cosign::sign_bundle(&self.bundle, &key)?;
        output::print(self.json, &s, human);
        Ok(Outcome::Done)
    }
}

/// What a signature added to a bundle (also for `attach`).
pub fn human(s: &CosignSummary) -> String {
    format!(
        "added {} ({} {}) to {}\nbundle id {} (unchanged); {} signature(s) now\n",
        s.signature,
        s.key_type,
        s.fingerprint,
        s.bundle.display(),
        s.bundle_id,
        s.signatures
    )
}
