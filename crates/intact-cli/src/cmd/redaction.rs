//! `intact redaction`: tie a published item to its unredacted original — `prove` (the office
//! reveals one item's salt) and `verify` (a court checks the original against the bundle).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use intact::redaction::{self, Disclosure};

use super::flags::TrustArgs;
use crate::exit::{CliError, Outcome};
use crate::output::{json, out};

#[derive(Args)]
pub struct RedactionArgs {
    #[command(subcommand)]
    command: RedactionCommand,
}

#[derive(Subcommand)]
enum RedactionCommand {
    /// Write a disclosure that reveals one item's salt, after checking the original against the ledger.
    Prove(ProveArgs),
    /// Check that an original is the one behind a published item, using a disclosure.
    Verify(VerifyArgs),
}

impl RedactionArgs {
    /// The top-level entry point for `intact redaction`.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self.command {
            RedactionCommand::Prove(args) => args.run(),
            RedactionCommand::Verify(args) => args.run(),
        }
    }
}

#[derive(Args)]
struct ProveArgs {
    /// The office's private ledger written by `pack --ledger`.
    #[arg(long, value_name = "FILE")]
    ledger: PathBuf,
    /// The unredacted original.
    #[arg(long, value_name = "PATH")]
    original: PathBuf,
    /// The published bundle.
    #[arg(long, value_name = "BUNDLE")]
    bundle: PathBuf,
    /// Item identifier.
    #[arg(long, value_name = "ID")]
    item: String,
    /// Where to write the disclosure (must not exist).
    #[arg(short = 'o', long = "out", value_name = "DISCLOSURE")]
    out: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

impl ProveArgs {
    /// The top-level entry point for `intact redaction prove`.
    fn run(self) -> Result<Outcome, CliError> {
        let ledger = redaction::Ledger::load(&self.ledger).map_err(CliError::Redaction)?;
        let contents = intact::inspect::read_contents(&self.bundle).map_err(CliError::Contents)?;
        let commitment = contents
            .item(&self.item)
            .and_then(|i| i.redaction.as_ref())
            .and_then(|r| r.commitment.clone());
        let d = redaction::prove(
            &ledger,
            &self.original,
            &contents.bundle_id(),
            commitment.as_deref(),
            &self.item,
        )
        .map_err(CliError::Disproved)?;
        let bytes = serde_json::to_vec_pretty(&d)?;
        redaction::write_private_new(&self.out, &bytes).map_err(CliError::Redaction)?;
        if self.json {
            out(&json(&serde_json::json!({
                "report": "intact-redaction-prove/1",
                "disclosure": self.out,
                "item": self.item,
            })));
            return Ok(Outcome::Done);
        }
        out(&format!(
            "wrote {}: reveals the salt of item '{}' only; give it with the original to whoever must check it\n",
            self.out.display(),
            self.item
        ));
        Ok(Outcome::Done)
    }
}

#[derive(Args)]
struct VerifyArgs {
    /// The disclosure file.
    disclosure: PathBuf,
    /// The original to check.
    #[arg(long, value_name = "PATH")]
    original: PathBuf,
    /// The published bundle.
    #[arg(long, value_name = "BUNDLE")]
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// What `redaction verify` found: the bundle's side, and every problem.
struct DisclosureCheck {
    disclosure: Disclosure,
    bundle_id: String,
    signers: Vec<String>,
    problems: Vec<String>,
}

impl VerifyArgs {
    /// The top-level entry point for `intact redaction verify`.
    fn run(self) -> Result<Outcome, CliError> {
        let c = self.check()?;
        let ok = c.problems.is_empty();
        if self.json {
            out(&json(&serde_json::json!({
                "report": "intact-disclosure-check/1",
                "valid": ok,
                "item_id": c.disclosure.item_id,
                "bundle_id": c.bundle_id,
                "collection": c.disclosure.collection,
                "release": c.disclosure.release,
                "signers": c.signers,
                "problems": c.problems,
            })));
        } else {
            out(&self.human(&c));
        }
        Ok(Outcome::valid_if(ok))
    }

    /// Verifies the bundle's statement and signatures (not its payload), then the disclosure
    /// against the original and the bundle's commitment.
    fn check(&self) -> Result<DisclosureCheck, CliError> {
        let d = Disclosure::load(&self.disclosure).map_err(CliError::Redaction)?;
        let mut opts = self.trust.load()?;
        opts.skip_payload = true;
        let v = intact::verify::verify_full(&self.bundle, &opts)?;
        let mut problems: Vec<String> = v
            .report
            .problems
            .iter()
            .map(|p| format!("bundle: {}: {}", p.path, p.message))
            .collect();
        if !v.report.valid && problems.is_empty() {
            problems.push("bundle: not enough valid trusted signatures".into());
        }
        let commitment = v
            .manifest
            .as_ref()
            .and_then(|m| m.items.iter().find(|i| i.id == d.item_id))
            .and_then(|i| i.redaction.as_ref())
            .and_then(|r| r.commitment.clone());
        let bundle_id = v.report.bundle_id.clone().unwrap_or_default();
        problems.extend(
            redaction::check_disclosure(&d, &self.original, &bundle_id, commitment.as_deref())
                .map_err(CliError::Redaction)?,
        );
        Ok(DisclosureCheck {
            disclosure: d,
            bundle_id,
            signers: v.report.signers,
            problems,
        })
    }

    fn human(&self, c: &DisclosureCheck) -> String {
        let mut t = String::new();
        for p in &c.problems {
            t.push_str(&format!("{}: {p}\n", self.disclosure.display()));
        }
        let d = &c.disclosure;
        t.push_str(&if c.problems.is_empty() {
            format!(
                "MATCH: the file given as --original is the original behind item '{}' of {} {} (bundle {}), signed by {}\n",
                d.item_id,
                d.collection,
                d.release,
                c.bundle_id,
                c.signers.join(", ")
            )
        } else {
            format!(
                "NO MATCH: the file given as --original is not shown to be the original behind item '{}'\n",
                d.item_id
            )
        });
        t
    }
}
