//! `intact pack`: a folder of published materials, with their metadata, into a signed bundle
//! ZIP — through the leak gate.

use std::path::PathBuf;

use clap::Args;

use intact::pack::{Commitments, GateConfig, PackOptions, PackSummary};

use super::flags::{parse_time, GateArgs, PassphraseArgs};
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact pack ./release-1 --collection case-archive --release release-1 --key office.key \\\n      --metadata private/metadata.csv --deny-list private/deny-list.txt -o release-1.zip\n  intact pack BAG --from-bag --collection case-archive --release release-2 --key office.key \\\n      --deny-list private/deny-list.txt -o release-2.zip\n  intact pack ./drafts --collection test --release t1 --unsigned --no-deny-list -o t1.zip --json\n\n", exit_codes!()))]
pub struct PackArgs {
    /// Folder whose regular files are the release's payload.
    src: PathBuf,
    /// Collection id (A-Z a-z 0-9 . _ -).
    #[arg(long, value_name = "ID")]
    collection: String,
    /// Release id (A-Z a-z 0-9 . _ -).
    #[arg(long, value_name = "ID")]
    release: String,
    /// Signing key (OpenSSH Ed25519 private key); repeat for several signers.
    #[arg(long, value_name = "KEY", required_unless_present = "unsigned")]
    key: Vec<PathBuf>,
    /// Write the bundle without a signature (sign it later with `ssh-keygen -Y sign`).
    #[arg(long, conflicts_with = "key")]
    unsigned: bool,
    /// Release time, RFC 3339 (default: now). Same inputs, keys and time give identical bytes.
    #[arg(long, value_name = "RFC3339")]
    created: Option<String>,
    /// Output bundle ZIP.
    #[arg(short = 'o', long = "out", value_name = "OUT.zip")]
    out: PathBuf,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Wait until the bundle is on disk (fsync) before renaming it into place.
    #[arg(long)]
    sync: bool,
    /// Item metadata and redaction records, CSV or JSON (docs/METADATA.md).
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    /// The JSON report of `intact scrub` that wrote SRC: each file it changed gets a provenance
    /// note in its item's digitization record (docs/SCRUB.md).
    #[arg(long, value_name = "FILE")]
    scrub_report: Option<PathBuf>,
    /// Pack files that have no metadata row.
    #[arg(long)]
    allow_missing_metadata: bool,
    /// SRC is an existing BagIt bag: validate it, pack its payload, keep its bag-info fields.
    #[arg(long)]
    from_bag: bool,
    /// The previous release: a release log directory, a bundle, or its release.json.
    #[arg(long, value_name = "PREV")]
    previous: Option<PathBuf>,
    /// Change records (CSV or JSON): items of earlier releases superseded or withdrawn.
    #[arg(long, value_name = "FILE", requires = "previous")]
    changes: Option<PathBuf>,
    /// Unredacted originals of redacted items (never packed): commit to each with a salt.
    #[arg(long, value_name = "DIR")]
    originals: Option<PathBuf>,
    /// Private ledger to write the salts to (mode 0600; must not exist).
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    #[command(flatten)]
    gate: GateArgs,
    /// Pack without a deny-list: only the leak gate's structural rules run (the summary, the
    /// statement and `intact inspect` say so). Without it, pack refuses to run with no
    /// --deny-list.
    #[arg(long, conflicts_with = "deny_list")]
    no_deny_list: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// No progress bar (there is none either when stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

impl PackArgs {
    /// The top-level entry point for `intact pack`.
    pub fn run(self) -> Result<Outcome, CliError> {
        if self.gate.deny_list.is_none() && !self.no_deny_list {
            return Err(CliError::usage(
                "no --deny-list: pack checks every release against the private list of withheld strings; give it with --deny-list FILE, or pack with the structural rules only with --no-deny-list",
            ));
        }
        let opts = self.options()?;
        let progress = crate::progress::bar(self.quiet, "packing");
        let s = intact::pack::pack_with_progress(&opts, progress.as_ref())?;
        drop(progress);
        output::print(self.json, &s, human);
        Ok(Outcome::Done)
    }

    /// The pack options the flags describe, every input file loaded (keys first, as they may
    /// prompt for a passphrase).
    fn options(&self) -> Result<PackOptions, CliError> {
        // the deny-list first: from here on every message is masked against it
        let gate_options = self.gate.options()?;
        let created = match &self.created {
            Some(s) => parse_time(s, "--created")?,
            None => time::OffsetDateTime::now_utc(),
        };
        let mut keys = Vec::new();
        for k in &self.key {
            keys.push(intact::sign::SigningKey::load(
                k,
                &self.passphrase.source(),
            )?);
        }
        let (src, bag_info) = if self.from_bag {
            let bag = intact::pack::source_bag(&self.src).map_err(CliError::FromBag)?;
            (bag.payload, bag.bag_info)
        } else {
            (self.src.clone(), Vec::new())
        };
        let mut opts = PackOptions::new(
            src,
            self.out.clone(),
            &self.collection,
            &self.release,
            created,
        );
        opts.bag_info = bag_info;
        opts.gate = GateConfig {
            options: gate_options,
            deny_list_path: self.gate.deny_list.clone(),
            exceptions_path: self.gate.exceptions.clone(),
        };
        if let Some(prev) = &self.previous {
            let (link, known) = intact::pack::previous_from(prev)?;
            if let Some(file) = &self.changes {
                let requests = intact::archive::load_changes(file)?;
                opts.changes =
                    intact::archive::resolve_changes(&requests, &known).map_err(|problems| {
                        CliError::ChangeRecords {
                            file: file.clone(),
                            problems,
                        }
                    })?;
            }
            opts.previous = Some(link);
            opts.known = Some(known);
        }
        opts.keys = keys;
        opts.force = self.force;
        opts.sync = self.sync;
        opts.allow_missing_metadata = self.allow_missing_metadata;
        if let Some(m) = &self.metadata {
            opts.metadata = Some(intact::metadata::MetadataSet::load_partial(m)?);
        }
        if let Some(r) = &self.scrub_report {
            opts.scrub_notes = Some(intact::pack::ScrubNotes::load(r)?);
        }
        opts.commitments = match (&self.originals, &self.ledger) {
            (Some(originals), Some(ledger)) => Some(Commitments {
                originals: originals.clone(),
                ledger: ledger.clone(),
            }),
            (None, None) => None,
            _ => return Err(CliError::usage("--originals and --ledger go together")),
        };
        Ok(opts)
    }
}

fn human(s: &PackSummary) -> String {
    format!(
        "packed {} items ({} bytes) into {}\nbundle id {}\n{}\n{}\n",
        s.items,
        s.payload_bytes,
        s.out.display(),
        s.bundle_id,
        if s.deny_list {
            "leak gate: passed, with the deny-list"
        } else {
            "leak gate: passed WITHOUT a deny-list (--no-deny-list): only the structural rules ran"
        },
        if s.signatures.is_empty() {
            "unsigned: sign intact/release.json and attach the signature".to_string()
        } else {
            format!("{} signature(s)", s.signatures.len())
        }
    )
}
