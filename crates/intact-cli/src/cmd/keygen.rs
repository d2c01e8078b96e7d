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
    /// Make the log key instead (Ed25519 in the C2SP signed-note encoding, FORMAT.md §15.1):
    /// OUT holds the secret key, OUT.vkey the verifier key, also written beside
    /// --allowed-signers as log.vkey.
    #[arg(long, conflicts_with_all = ["witness", "no_passphrase"])]
    log: bool,
    /// Make a witness key instead (cosignature/v1): OUT and OUT.vkey.
    #[arg(long, conflicts_with = "no_passphrase")]
    witness: bool,
    /// The key's name for --log or --witness (for a log: the origin of its checkpoints, e.g.
    /// archive.example.org/releases; default: the key file's name).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
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
        if self.log || self.witness {
            return self.run_note_key();
        }
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

impl KeygenArgs {
    /// `keygen --log | --witness`: a signed-note key pair (FORMAT.md §15.1).
    fn run_note_key(self) -> Result<Outcome, CliError> {
        let name = self.name.clone().or_else(|| {
            self.out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        });
        let name = name.ok_or_else(|| CliError::usage("give the key's name with --name"))?;
        let kind = if self.log {
            intact::tlog::KeyType::Ed25519
        } else {
            intact::tlog::KeyType::Cosignature
        };
        let also: Vec<PathBuf> = match (&self.allowed_signers, self.log) {
            (Some(f), true) => vec![f
                .parent()
                .map(|d| d.join("log.vkey"))
                .unwrap_or_else(|| PathBuf::from("log.vkey"))],
            _ => Vec::new(),
        };
        let r = intact::note_keygen::note_keygen(&self.out, &name, kind, &also)?;
        if self.json {
            out(&json(&r));
            return Ok(Outcome::Done);
        }
        eprintln!(
            "wrote {} (secret: keep it with whoever {}) and {}",
            r.private_path.display(),
            if self.log {
                "appends to the log"
            } else {
                "runs the witness"
            },
            r.verifier_paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        out(&format!("{}\n", r.verifier_key));
        Ok(Outcome::Done)
    }
}
