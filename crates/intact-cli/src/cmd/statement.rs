//! `intact statement`: a bundle's `intact/release.json`, the bytes to sign offline.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, Outcome};

#[derive(Args)]
pub struct StatementArgs {
    /// Bundle ZIP, or its extracted top directory.
    bundle: PathBuf,
    /// Write the statement to this file (atomically) instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
}

impl StatementArgs {
    /// The top-level entry point for `intact statement`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let bytes = intact::cosign::statement(&self.bundle)?;
        match &self.out {
            Some(path) => {
                intact::cosign::write_file_atomically(path, &bytes)?;
                eprintln!(
                    "wrote {}; sign it with: ssh-keygen -Y sign -n intact-release -f KEY {}",
                    path.display(),
                    path.display()
                );
            }
            // The exact bytes, unlike `output::out`: a signature over a truncated statement
            // would be worthless, so a write error is an error here.
            None => {
                let mut o = std::io::stdout().lock();
                o.write_all(&bytes)
                    .and_then(|_| o.flush())
                    .map_err(CliError::Stdout)?;
            }
        }
        Ok(Outcome::Done)
    }
}
