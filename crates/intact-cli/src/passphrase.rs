//! Where a key's passphrase comes from: `INTACT_PASSPHRASE`, `--passphrase-file`, or a prompt
//! when standard input is a terminal — in that order.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use intact_format::sign::{Passphrases, Secret};

/// Name of the environment variable that carries a passphrase.
pub const ENV_VAR: &str = "INTACT_PASSPHRASE";

/// Where to look for a passphrase.
#[derive(Debug, Clone, Default)]
pub struct PassphraseSource {
    pub file: Option<PathBuf>,
}

/// Why no passphrase could be had.
#[derive(Debug, thiserror::Error)]
pub enum PassphraseError {
    #[error("{path}: cannot read passphrase file: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no passphrase: set {ENV_VAR}, use --passphrase-file, or run on a terminal")]
    Missing,
    #[error("cannot read passphrase from the terminal: {0}")]
    Prompt(std::io::Error),
    #[error("the two passphrases differ")]
    Mismatch,
}

impl PassphraseSource {
    /// Gets the passphrase; `prompt` is shown on a terminal, twice when `confirm` is set.
    pub fn get(&self, prompt: &str, confirm: bool) -> Result<Secret, PassphraseError> {
        if let Ok(p) = std::env::var(ENV_VAR) {
            return Ok(Secret::new(p));
        }
        if let Some(path) = &self.file {
            let text = std::fs::read_to_string(path).map_err(|source| PassphraseError::File {
                path: path.clone(),
                source,
            })?;
            let line = text.lines().next().unwrap_or("").to_owned();
            return Ok(Secret::new(line));
        }
        if std::io::stdin().is_terminal() {
            let first =
                Secret::new(rpassword::prompt_password(prompt).map_err(PassphraseError::Prompt)?);
            if confirm {
                let again = Secret::new(
                    rpassword::prompt_password("Same passphrase again: ")
                        .map_err(PassphraseError::Prompt)?,
                );
                if *again != *first {
                    return Err(PassphraseError::Mismatch);
                }
            }
            return Ok(first);
        }
        Err(PassphraseError::Missing)
    }
}

impl Passphrases for PassphraseSource {
    fn passphrase(
        &self,
        path: &Path,
        new_key: bool,
    ) -> Result<Secret, intact_format::sign::PassphraseError> {
        let prompt = if new_key {
            format!("Passphrase for new key {}: ", path.display())
        } else {
            format!("Passphrase for {}: ", path.display())
        };
        self.get(&prompt, new_key)
            .map_err(|e| intact_format::sign::PassphraseError(e.to_string()))
    }
}
