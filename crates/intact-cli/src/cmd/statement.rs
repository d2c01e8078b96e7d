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
    /// With --out, print what was written as JSON; without it, the statement is JSON already
    /// and is printed unchanged.
    #[arg(long)]
    json: bool,
}

/// `statement --out FILE --json` (format `intact-statement/1`).
#[derive(serde::Serialize)]
struct Written<'a> {
    report: &'static str,
    statement: &'a std::path::Path,
    bytes: usize,
}

impl StatementArgs {
    /// The top-level entry point for `intact statement`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let bytes = intact::cosign::statement(&self.bundle)?;
        match &self.out {
            Some(path) => {
                intact::cosign::write_file_atomically(path, &bytes)?;
                if self.json {
                    crate::output::out(&crate::output::json(&Written {
                        report: "intact-statement/1",
                        statement: path,
                        bytes: bytes.len(),
                    }));
                    return Ok(Outcome::Done);
                }
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
