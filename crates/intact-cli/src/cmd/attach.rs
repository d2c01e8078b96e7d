//! `intact attach`: add a signature made elsewhere (`ssh-keygen -Y sign`) to a bundle ZIP.

use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
pub struct AttachArgs {
    /// Bundle ZIP to add the signature to (replaced atomically; unchanged on any failure).
    bundle: PathBuf,
    /// Armored SSH signature over the bundle's release.json, namespace intact-release.
    signature: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

impl AttachArgs {
    /// The top-level entry point for `intact attach`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let s = intact::cosign::attach(&self.bundle, &self.signature)?;
        output::print(self.json, &s, super::sign::human);
        Ok(Outcome::Done)
    }
}
