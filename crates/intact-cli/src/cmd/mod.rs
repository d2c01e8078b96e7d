//! The subcommands, one module each: its flags, its `run`, its human output.

use clap::{Parser, Subcommand};

use crate::exit::{CliError, Outcome};

pub mod attach;
pub mod bagit;
pub mod check;
pub mod cite;
pub mod demo;
pub mod deny_list;
pub mod diff;
pub mod docs;
pub mod extract;
pub mod flags;
pub mod fleet;
pub mod inspect;
pub mod keygen;
pub mod log;
pub mod log_tlog;
pub mod mirror;
pub mod net;
pub mod pack;
pub mod redaction;
pub mod scan;
pub mod scrub;
pub mod sign;
pub mod site;
pub mod statement;
pub mod targets;
pub mod timestamp;
mod trust_file;
pub mod verify;
pub mod witness;

/// The whole command line: `intact SUBCOMMAND …` (also what `completions` and `man` describe).
#[derive(Parser)]
#[command(
    name = "intact",
    version,
    about = "Keep a public archive of evidence provably unaltered",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, as every `--help` that lists them says it ([`exit_codes!`]).
pub const EXIT_CODES: &str = exit_codes!();

#[derive(Subcommand)]
pub enum Command {
    /// Make a new OpenSSH Ed25519 signing key (never overwrites a key).
    Keygen(keygen::KeygenArgs),
    /// Pack a folder of published materials into a signed bundle ZIP.
    Pack(pack::PackArgs),
    /// Verify a bundle ZIP or its extracted top directory against trusted keys.
    Verify(verify::VerifyArgs),
    /// Co-sign a bundle ZIP: add a signature by another key (bundle id and payload unchanged).
    Sign(sign::SignArgs),
    /// Write a bundle's intact/release.json, the statement to sign offline (ssh-keygen -Y sign).
    Statement(statement::StatementArgs),
    /// Add a signature made elsewhere (ssh-keygen -Y sign -n intact-release) to a bundle ZIP.
    Attach(attach::AttachArgs),
    /// Ask RFC 3161 time-stamping authorities for tokens over a release (stored beside it).
    Timestamp(timestamp::TimestampArgs),
    /// Cite one item of a bundle and write a small inclusion proof for it (docs/CITING.md).
    Cite(cite::CiteArgs),
    /// Check a file against an inclusion proof, a bundle, or a log of releases (docs/CITING.md).
    Check(check::CheckArgs),
    /// Generate a synthetic sample collection, pack it, verify it, and reject a tampered copy.
    Demo(demo::DemoArgs),
    /// The public release log: append a verified release, verify the chain (and a mirror), status.
    Log(log::LogArgs),
    /// Witness a release log: check its head checkpoint and cosign it (docs/TRANSPARENCY.md).
    Witness(witness::WitnessArgs),
    /// Pull a published log and its bundles from a website into a mirror, verified (docs/MIRRORS.md).
    Mirror(mirror::MirrorArgs),
    /// What a release changed relative to an earlier one (no verification).
    Diff(diff::DiffArgs),
    /// Verify a bundle, then write it out as a tree inside DIR (nothing written if not valid).
    Extract(extract::ExtractArgs),
    /// Leak gate: find withheld data hidden in files, metadata and names (docs/REDACTION.md).
    Scan(scan::ScanArgs),
    /// List a bundle's items, redaction records and withheld items (no verification).
    Inspect(inspect::InspectArgs),
    /// Tie a published item to its unredacted original: prove (office) and verify (court).
    Redaction(redaction::RedactionArgs),
    /// BagIt bags (RFC 8493 and drafts 0.93–0.97).
    Bagit(bagit::BagitArgs),
    /// Shell completions for bash, zsh, fish, elvish or PowerShell.
    Completions(docs::CompletionsArgs),
    /// The manual pages (roff): intact(1) and one per subcommand.
    Man(docs::ManArgs),
    /// Write the release log as a static web site with in-browser verification (docs/SITE.md).
    Site(site::SiteArgs),
    /// Deny-list tools: `expand` writes the variants of its entries for the office to review.
    DenyList(deny_list::DenyListArgs),
    /// Copy a file or folder with the metadata that must not be published removed (docs/SCRUB.md).
    Scrub(scrub::ScrubArgs),
}

impl Command {
    /// Runs the subcommand.
    pub fn run(self) -> Result<Outcome, CliError> {
        match self {
            Command::Keygen(args) => args.run(),
            Command::Pack(args) => args.run(),
            Command::Verify(args) => args.run(),
            Command::Sign(args) => args.run(),
            Command::Statement(args) => args.run(),
            Command::Attach(args) => args.run(),
            Command::Cite(args) => args.run(),
            Command::Timestamp(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Demo(args) => args.run(),
            Command::Log(args) => args.run(),
            Command::Witness(args) => args.run(),
            Command::Mirror(args) => args.run(),
            Command::Diff(args) => args.run(),
            Command::Extract(args) => args.run(),
            Command::Scan(args) => args.run(),
            Command::Inspect(args) => args.run(),
            Command::Redaction(args) => args.run(),
            Command::Bagit(args) => args.run(),
            Command::Completions(args) => args.run(),
            Command::Man(args) => args.run(),
            Command::DenyList(args) => args.run(),
            Command::Scrub(args) => args.run(),
            Command::Site(args) => args.run(),
        }
    }
}
