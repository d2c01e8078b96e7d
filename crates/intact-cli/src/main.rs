//! The `intact` command line: parses flags, calls the library, prints, maps outcomes to exit codes
//! (0 valid / clean, 1 not valid / findings, 2 usage or I/O error).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use clap::{ArgGroup, Args, Parser, Subcommand};

use intact::progress::Progress;
use intact::trust::{Revocations, SignatureStatus, TrustPolicy};
use intact_cli::passphrase::PassphraseSource;

#[derive(Parser)]
#[command(
    name = "intact",
    version,
    about = "Keep a public archive of evidence provably unaltered"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a new OpenSSH Ed25519 signing key (never overwrites a key).
    Keygen(KeygenArgs),
    /// Pack a folder of published materials into a signed bundle ZIP.
    Pack(PackArgs),
    /// Verify a bundle ZIP or its extracted top directory against trusted keys.
    Verify(VerifyArgs),
    /// Co-sign a bundle ZIP: add a signature by another key (bundle id and payload unchanged).
    Sign(SignArgs),
    /// Write a bundle's intact/release.json, the statement to sign offline (ssh-keygen -Y sign).
    Statement(StatementArgs),
    /// Add a signature made elsewhere (ssh-keygen -Y sign -n intact-release) to a bundle ZIP.
    Attach(AttachArgs),
    /// Cite one item of a bundle and write a small inclusion proof for it (docs/CITING.md).
    Cite(CiteArgs),
    /// Check a file against an inclusion proof, a bundle, or a log of releases (docs/CITING.md).
    Check(CheckArgs),
    /// Generate a synthetic sample collection, pack it, verify it, and reject a tampered copy.
    Demo(DemoArgs),
    /// The public release log: append a verified release, verify the chain (and a mirror), status.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// What a release changed relative to an earlier one (no verification).
    Diff(DiffArgs),
    /// Verify a bundle, then write it out as a tree inside DIR (nothing written if not valid).
    Extract(ExtractArgs),
    /// Leak gate: find withheld data hidden in files, metadata and names (docs/REDACTION.md).
    /// Exit 0 clean, 1 findings, 2 usage or I/O error.
    Scan(ScanArgs),
    /// List a bundle's items, redaction records and withheld items (no verification).
    Inspect(InspectArgs),
    /// Tie a published item to its unredacted original: prove (office) and verify (court).
    Redaction {
        #[command(subcommand)]
        command: RedactionCommand,
    },
    /// BagIt bags (RFC 8493 and drafts 0.93–0.97).
    Bagit {
        #[command(subcommand)]
        command: BagitCommand,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Verify BUNDLE and add it to LOG if its previous release is the log's head.
    Append {
        /// The release log directory (created on the first append).
        log: PathBuf,
        /// The bundle to append.
        bundle: PathBuf,
        #[command(flatten)]
        trust: TrustArgs,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify the whole chain; with --bundles every mirrored bundle; with --state, no rollback or fork.
    Verify {
        /// The release log directory.
        log: PathBuf,
        /// A mirror directory of bundles (ZIPs or bundle directories) to check against the log.
        #[arg(long, value_name = "DIR")]
        bundles: Option<PathBuf>,
        /// The mirror's state file: the newest release verified before (updated when all is valid).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The archive's current state: releases, items, superseded and withdrawn items.
    Status {
        /// The release log directory.
        log: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct DiffArgs {
    /// The earlier release (bundle ZIP or directory).
    old: PathBuf,
    /// The later release.
    new: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExtractArgs {
    /// Bundle ZIP or directory.
    bundle: PathBuf,
    /// Target directory; the bag is written to DIR/<top directory>.
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Replace existing regular files.
    #[arg(long)]
    force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct GateArgs {
    /// Private deny-list: one withheld string per line (never packed). Without it only the
    /// structural rules run.
    #[arg(long, value_name = "FILE")]
    deny_list: Option<PathBuf>,
    /// Reviewed exceptions, one per line: path<TAB>rule<TAB>reason (docs/REDACTION.md).
    #[arg(long, value_name = "FILE")]
    exceptions: Option<PathBuf>,
}

#[derive(Args)]
struct ScanArgs {
    /// Directory to scan.
    src: PathBuf,
    /// CSV or JSON metadata file whose text fields go into the manifest.
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    #[command(flatten)]
    gate: GateArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct InspectArgs {
    /// Bundle ZIP or directory.
    bundle: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum RedactionCommand {
    /// Write a disclosure that reveals one item's salt, after checking the original against the ledger.
    Prove {
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
    },
    /// Check that an original is the one behind a published item, using a disclosure.
    Verify {
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
    },
}

#[derive(Subcommand)]
enum BagitCommand {
    /// Validate any bag directory: exit 0 valid, 1 invalid, 2 unreadable.
    Validate {
        /// The bag directory.
        bag: PathBuf,
        /// Print the report as JSON (see docs/BAGIT.md).
        #[arg(long)]
        json: bool,
        /// Only check Payload-Oxum against the payload's file count and size (no hashing).
        #[arg(long)]
        fast: bool,
    },
}

#[derive(Args)]
struct PassphraseArgs {
    /// Read the key's passphrase from the first line of this file (else INTACT_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    fn source(&self) -> PassphraseSource {
        PassphraseSource {
            file: self.passphrase_file.clone(),
        }
    }
}

#[derive(Args)]
struct KeygenArgs {
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

#[derive(Args)]
struct PackArgs {
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
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// No progress bar (there is none either when stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Args)]
struct TrustArgs {
    /// Trusted keys: an OpenSSH allowed_signers file.
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    trust: PathBuf,
    /// Valid signatures by at least K distinct trusted principals are required.
    #[arg(long, value_name = "K", default_value_t = 1)]
    threshold: usize,
    /// Revoked keys (one public key or SHA256 fingerprint per line, optional date and reason).
    #[arg(long, value_name = "FILE")]
    revoked: Option<PathBuf>,
    /// Check key validity windows at this RFC 3339 time instead of the release's `created`.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(Args)]
struct VerifyArgs {
    /// Bundle ZIP, or its extracted top directory.
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Print the full report as JSON.
    #[arg(long)]
    json: bool,
    /// No progress bar (there is none either when stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
}

/// `--trust` and its policy options, optional (for `cite`).
#[derive(Args)]
struct OptionalTrustArgs {
    /// Trusted keys (OpenSSH allowed_signers); without it, signatures are checked but no key is vouched for.
    #[arg(long, value_name = "ALLOWED_SIGNERS")]
    trust: Option<PathBuf>,
    /// Valid signatures by at least K distinct trusted principals are required.
    #[arg(long, value_name = "K", default_value_t = 1, requires = "trust")]
    threshold: usize,
    /// Revoked keys (one public key or SHA256 fingerprint per line, optional date and reason).
    #[arg(long, value_name = "FILE", requires = "trust")]
    revoked: Option<PathBuf>,
    /// Check key validity windows at this RFC 3339 time instead of the release's `created`.
    #[arg(long, value_name = "TIME", requires = "trust")]
    at: Option<String>,
}

#[derive(Args)]
#[command(group(ArgGroup::new("item").required(true).args(["path", "id"])))]
struct CiteArgs {
    /// Bundle ZIP, or its extracted top directory.
    bundle: PathBuf,
    /// The item's path as the bundle lists it (data/…).
    path: Option<String>,
    /// The item's id instead of its path.
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Where to write the proof (default: <id>.intact-proof.json in the current directory).
    #[arg(short = 'o', long = "out", value_name = "PROOF")]
    out: Option<PathBuf>,
    /// Replace PROOF if it exists.
    #[arg(long)]
    force: bool,
    /// Print the citation as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    trust: OptionalTrustArgs,
}

#[derive(Args)]
#[command(group(ArgGroup::new("against").required(true).args(["proof", "bundle", "log"])))]
struct CheckArgs {
    /// The file to check (e.g. a cited document).
    file: PathBuf,
    /// An inclusion proof made by `intact cite` (offline check).
    #[arg(long, value_name = "PROOF")]
    proof: Option<PathBuf>,
    /// A bundle ZIP or directory to look the file up in.
    #[arg(long, value_name = "BUNDLE")]
    bundle: Option<PathBuf>,
    /// A directory of bundles (a release log) to look the file up in.
    #[arg(long, value_name = "DIR")]
    log: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SignArgs {
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

#[derive(Args)]
struct StatementArgs {
    /// Bundle ZIP, or its extracted top directory.
    bundle: PathBuf,
    /// Write the statement to this file (atomically) instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct AttachArgs {
    /// Bundle ZIP to add the signature to (replaced atomically; unchanged on any failure).
    bundle: PathBuf,
    /// Armored SSH signature over the bundle's release.json, namespace intact-release.
    signature: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// Where to put the sample collection, keys and bundles.
    #[arg(long, value_name = "DIR", default_value = "intact-demo")]
    out: PathBuf,
}

/// A failure that ends a command: its message lines, and the exit code.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: 2,
            message: message.to_string(),
        }
    }
}

type CmdResult = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Keygen(a) => cmd_keygen(a),
        Command::Pack(a) => cmd_pack(a),
        Command::Verify(a) => cmd_verify(a),
        Command::Sign(a) => cmd_sign(a),
        Command::Statement(a) => cmd_statement(a),
        Command::Attach(a) => cmd_attach(a),
        Command::Cite(a) => cmd_cite(a),
        Command::Check(a) => cmd_check(a),
        Command::Demo(a) => cmd_demo(a),
        Command::Log { command } => cmd_log(command),
        Command::Diff(a) => cmd_diff(a),
        Command::Extract(a) => cmd_extract(a),
        Command::Scan(a) => cmd_scan(a),
        Command::Inspect(a) => cmd_inspect(a),
        Command::Redaction { command } => cmd_redaction(command),
        Command::Bagit {
            command: BagitCommand::Validate { bag, json, fast },
        } => cmd_bagit_validate(&bag, json, fast),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            for line in f.message.lines() {
                eprintln!("intact: error: {line}");
            }
            ExitCode::from(f.code)
        }
    }
}

/// Prints to stdout; a closed pipe ends quietly.
fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")) + "\n"
}

/// The progress bar on stderr for pack and verify (files, bytes, throughput, ETA), or nothing
/// with `--quiet` or when stderr is not a terminal.
fn progress_bar(quiet: bool, verb: &'static str) -> Box<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Box::new(intact::progress::Silent);
    }
    let files = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    let (f, t) = (files.clone(), total.clone());
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} {files} files  {bytes}/{total_bytes}  {binary_bytes_per_sec}  ETA {eta}  {wide_bar}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .with_key(
        "files",
        move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(
                w,
                "{}/{}",
                f.load(Ordering::Relaxed),
                t.load(Ordering::Relaxed)
            );
        },
    );
    let bar = indicatif::ProgressBar::new(0)
        .with_style(style)
        .with_prefix(verb);
    Box::new(Bar { bar, files, total })
}

/// A terminal progress bar; cleared when dropped, whether the command succeeded or not.
struct Bar {
    bar: indicatif::ProgressBar,
    files: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes: u64) {
        self.total.store(files, Ordering::Relaxed);
        self.files.store(0, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.reset();
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(250));
    }

    fn advance(&self, files: u64, bytes: u64) {
        if files > 0 {
            self.files.fetch_add(files, Ordering::Relaxed);
        }
        if bytes > 0 {
            self.bar.inc(bytes);
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Top-level entry point for `intact keygen`.
fn cmd_keygen(a: KeygenArgs) -> CmdResult {
    let principal = match a.principal {
        Some(p) => p,
        None => a
            .out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{}: cannot derive a principal; use --principal",
                    a.out.display()
                ))
            })?,
    };
    let r = intact::keygen(&a.out, &principal, !a.no_passphrase, &a.passphrase.source()).map_err(
        |e| match e {
            intact::keygen::KeygenError::EmptyPassphrase => {
                Failure::usage("empty passphrase: use --no-passphrase to write an unencrypted key")
            }
            e => Failure::usage(e),
        },
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
    Ok(ExitCode::SUCCESS)
}

fn parse_time(s: &str, flag: &str) -> Result<time::OffsetDateTime, Failure> {
    intact::release::parse_rfc3339(s).ok_or_else(|| {
        Failure::usage(format!(
            "{flag} '{s}' is not an RFC 3339 time (e.g. 2026-11-25T10:00:00Z)"
        ))
    })
}

/// Top-level entry point for `intact pack`.
fn cmd_pack(a: PackArgs) -> CmdResult {
    let created = match &a.created {
        Some(s) => parse_time(s, "--created")?,
        None => time::OffsetDateTime::now_utc(),
    };
    let mut keys = Vec::new();
    for k in &a.key {
        keys.push(
            intact::sign::SigningKey::load(k, &a.passphrase.source()).map_err(Failure::usage)?,
        );
    }
    let (src, bag_info) = if a.from_bag {
        let bag = intact::pack::source_bag(&a.src).map_err(Failure::usage)?;
        (bag.payload, bag.bag_info)
    } else {
        (a.src, Vec::new())
    };
    let mut opts = intact::pack::PackOptions::new(src, a.out, &a.collection, &a.release, created);
    opts.bag_info = bag_info;
    opts.gate = intact::pack::GateConfig {
        options: gate_options(&a.gate)?,
        deny_list_path: a.gate.deny_list.clone(),
        exceptions_path: a.gate.exceptions.clone(),
    };
    if let Some(prev) = &a.previous {
        let (link, known) = intact::pack::previous_from(prev).map_err(Failure::usage)?;
        if let Some(cf) = &a.changes {
            let requests = intact::archive::load_changes(cf).map_err(Failure::usage)?;
            opts.changes = intact::archive::resolve_changes(&requests, &known).map_err(|ps| {
                Failure::usage(
                    ps.iter()
                        .map(|p| format!("{}: {p}", cf.display()))
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            })?;
        }
        opts.previous = Some(link);
        opts.known = Some(known);
    }
    opts.keys = keys;
    opts.force = a.force;
    opts.sync = a.sync;
    opts.allow_missing_metadata = a.allow_missing_metadata;
    if let Some(m) = &a.metadata {
        opts.metadata = Some(intact::metadata::MetadataSet::load(m).map_err(Failure::usage)?);
    }
    opts.commitments = match (a.originals, a.ledger) {
        (Some(originals), Some(ledger)) => Some(intact::pack::Commitments { originals, ledger }),
        (None, None) => None,
        _ => return Err(Failure::usage("--originals and --ledger go together")),
    };
    let progress = progress_bar(a.quiet, "packing");
    let s = intact::pack::pack_with_progress(&opts, progress.as_ref()).map_err(|e| Failure {
        code: if matches!(e, intact::pack::PackError::Gate(_)) {
            1
        } else {
            2
        },
        message: e.to_string(),
    })?;
    drop(progress);
    if a.json {
        out(&json(&s));
    } else {
        out(&format!(
            "packed {} items ({} bytes) into {}\nbundle id {}\n{}\n",
            s.items,
            s.payload_bytes,
            s.out.display(),
            s.bundle_id,
            if s.signatures.is_empty() {
                "unsigned: sign intact/release.json and attach the signature".to_string()
            } else {
                format!("{} signature(s)", s.signatures.len())
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn load_trust(t: &TrustArgs) -> Result<intact::verify::VerifyOptions, Failure> {
    let policy = TrustPolicy::load(&t.trust).map_err(Failure::usage)?;
    let revocations = match &t.revoked {
        Some(p) => Revocations::load(p).map_err(Failure::usage)?,
        None => Revocations::default(),
    };
    let at = t.at.as_deref().map(|s| parse_time(s, "--at")).transpose()?;
    Ok(intact::verify::VerifyOptions {
        policy,
        revocations,
        threshold: t.threshold,
        at,
        skip_payload: false,
        skip_threshold: false,
    })
}

fn signer_list(report: &intact::verify::VerifyReport) -> String {
    let mut parts = Vec::new();
    for s in report
        .signatures
        .iter()
        .filter(|s| s.status == SignatureStatus::Valid)
    {
        parts.push(format!(
            "{} ({})",
            s.principal.as_deref().unwrap_or("?"),
            s.fingerprint.as_deref().unwrap_or("?")
        ));
    }
    if parts.is_empty() {
        "no trusted signer".into()
    } else {
        parts.join(", ")
    }
}

/// Top-level entry point for `intact verify`.
fn cmd_verify(a: VerifyArgs) -> CmdResult {
    let opts = load_trust(&a.trust)?;
    let progress = progress_bar(a.quiet, "verifying");
    let report = intact::verify::verify_report_with_progress(&a.bundle, &opts, progress.as_ref())
        .map_err(Failure::usage)?;
    drop(progress);
    if a.json {
        out(&json(&report));
    } else {
        out(&human_verify(&report));
    }
    Ok(if report.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn human_verify(report: &intact::verify::VerifyReport) -> String {
    let mut s = String::new();
    let b = report.bundle.display();
    for p in &report.problems {
        if p.path.is_empty() {
            s.push_str(&format!("{b}: {}: {}\n", p.check.name(), p.message));
        } else {
            s.push_str(&format!(
                "{b}: {}: {}: {}\n",
                p.path,
                p.check.name(),
                p.message
            ));
        }
    }
    for sig in &report.signatures {
        let who = match (&sig.principal, &sig.fingerprint) {
            (Some(p), Some(f)) => format!("{p} ({f})"),
            (None, Some(f)) => f.clone(),
            _ => "unreadable key".into(),
        };
        let counts = if sig.status == SignatureStatus::Valid {
            "counts"
        } else {
            "signature does not count"
        };
        s.push_str(&format!(
            "{b}: {}: {}: {who}: {counts}: {}\n",
            sig.file,
            sig.status.name(),
            sig.detail
        ));
    }
    let verdict = if report.valid { "VALID" } else { "NOT VALID" };
    s.push_str(&format!(
        "{verdict}: {b}: collection {}, release {}, bundle id {}, {} items; signed by {}{}\n",
        report.collection.as_deref().unwrap_or("?"),
        report.release.as_deref().unwrap_or("?"),
        report.bundle_id.as_deref().unwrap_or("?"),
        report
            .item_count
            .map(|n| n.to_string())
            .unwrap_or_else(|| "?".into()),
        signer_list(report),
        if report.valid {
            String::new()
        } else {
            format!(" — {} problem(s)", report.problems.len().max(1))
        }
    ));
    s
}

fn cosign_summary(s: &intact::cosign::CosignSummary, as_json: bool) {
    if as_json {
        out(&json(s));
    } else {
        out(&format!(
            "added {} ({} {}) to {}\nbundle id {} (unchanged); {} signature(s) now\n",
            s.signature,
            s.key_type,
            s.fingerprint,
            s.bundle.display(),
            s.bundle_id,
            s.signatures
        ));
    }
}

/// Top-level entry point for `intact sign`.
fn cmd_sign(a: SignArgs) -> CmdResult {
    let key =
        intact::sign::SigningKey::load(&a.key, &a.passphrase.source()).map_err(Failure::usage)?;
    let s = intact::cosign::sign_bundle(&a.bundle, &key).map_err(Failure::usage)?;
    cosign_summary(&s, a.json);
    Ok(ExitCode::SUCCESS)
}

/// Top-level entry point for `intact statement`.
fn cmd_statement(a: StatementArgs) -> CmdResult {
    let bytes = intact::cosign::statement(&a.bundle).map_err(Failure::usage)?;
    match &a.out {
        Some(path) => {
            intact::cosign::write_file_atomically(path, &bytes).map_err(Failure::usage)?;
            eprintln!(
                "wrote {}; sign it with: ssh-keygen -Y sign -n intact-release -f KEY {}",
                path.display(),
                path.display()
            );
        }
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(&bytes)
                .and_then(|_| o.flush())
                .map_err(|e| Failure::usage(format!("standard output: {e}")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Top-level entry point for `intact attach`.
fn cmd_attach(a: AttachArgs) -> CmdResult {
    let s = intact::cosign::attach(&a.bundle, &a.signature).map_err(Failure::usage)?;
    cosign_summary(&s, a.json);
    Ok(ExitCode::SUCCESS)
}

/// Top-level entry point for `intact cite`.
fn cmd_cite(a: CiteArgs) -> CmdResult {
    let trust = match &a.trust.trust {
        Some(t) => Some(load_trust(&TrustArgs {
            trust: t.clone(),
            threshold: a.trust.threshold,
            revoked: a.trust.revoked.clone(),
            at: a.trust.at.clone(),
        })?),
        None => None,
    };
    let selector = match (a.path, a.id) {
        (Some(p), _) => intact::cite::Selector::Path(p),
        (None, Some(id)) => intact::cite::Selector::Id(id),
        (None, None) => return Err(Failure::usage("give the item's PATH or --id ID")),
    };
    let opts = intact::cite::CiteOptions {
        trust,
        out: a.out,
        force: a.force,
    };
    match intact::cite(&a.bundle, &selector, &opts) {
        Ok(c) => {
            if a.json {
                out(&json(&c));
            } else {
                out(&human_cite(&c));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(intact::cite::CiteError::NotValid { report, .. }) => {
            out(&human_verify(&report));
            Err(Failure {
                code: 1,
                message: format!("{}: not valid; no proof written", report.bundle.display()),
            })
        }
        Err(e) => Err(Failure {
            code: if e.is_finding() { 1 } else { 2 },
            message: e.to_string(),
        }),
    }
}

fn describe_redaction(item: &intact::manifest::Item) -> String {
    let Some(r) = &item.redaction else {
        return "none recorded".into();
    };
    let mut s = match r.status {
        intact::manifest::RedactionStatus::None => "none".to_string(),
        intact::manifest::RedactionStatus::Partial => "partial".to_string(),
        intact::manifest::RedactionStatus::Withheld => "withheld".to_string(),
    };
    if !r.categories.is_empty() {
        s.push_str(&format!("; categories: {}", r.categories.join(", ")));
    }
    if let Some(n) = r.regions {
        s.push_str(&format!("; {n} region(s)"));
    }
    if let Some(b) = &r.legal_basis {
        s.push_str(&format!("; legal basis: {b}"));
    }
    s
}

/// The lines that say what an item is: title, case, path, digest, redaction.
fn describe_item(item: &intact::manifest::Item) -> String {
    let mut s = String::new();
    let md = item.metadata.clone().unwrap_or_default();
    if let Some(t) = &md.title {
        s.push_str(&format!("  title      {t}\n"));
    }
    s.push_str(&format!("  item       {}\n", item.id));
    let mut case = Vec::new();
    if let Some(c) = &md.case_no {
        case.push(format!("case {c}"));
    }
    if let Some(v) = &md.volume {
        case.push(format!("vol. {v}"));
    }
    if let Some(p) = &md.pages {
        case.push(format!("pp. {p}"));
    }
    if !case.is_empty() {
        s.push_str(&format!("  case       {}\n", case.join(", ")));
    }
    if let Some(d) = &md.doc_type {
        s.push_str(&format!("  type       {d}\n"));
    }
    if let Some(p) = &item.path {
        s.push_str(&format!("  path       {p}\n"));
    }
    if let Some(d) = &item.sha256 {
        s.push_str(&format!(
            "  sha256     {d} ({} bytes, {})\n",
            item.size.unwrap_or(0),
            item.media_type.as_deref().unwrap_or("?")
        ));
    }
    s.push_str(&format!("  redaction  {}\n", describe_redaction(item)));
    s
}

fn human_cite(c: &intact::cite::Citation) -> String {
    let mut s = format!("Citation from {}\n", c.bundle.display());
    s.push_str(&describe_item(&c.item));
    s.push_str(&format!(
        "  release    {} / {}, created {}\n  bundle id  {}\n",
        c.collection, c.release, c.created, c.bundle_id
    ));
    let signers: Vec<String> = c
        .signers
        .iter()
        .map(|g| match (&g.principal, g.trusted) {
            (Some(p), true) => format!("{p} ({})", g.fingerprint),
            (Some(p), false) => format!("{p} ({}, does not count)", g.fingerprint),
            (None, _) => format!("key {}", g.fingerprint),
        })
        .collect();
    s.push_str(&format!("  signed by  {}\n", signers.join(", ")));
    if !c.trust_checked {
        s.push_str(
            "             (signatures verify; no --trust given, so no key is vouched for)\n",
        );
    }
    s.push_str(&format!("\n{}\n\n", c.text));
    s.push_str(&format!(
        "proof written to {} ({} bytes); anyone can check the file offline with\n  intact check FILE --proof {} --trust ALLOWED_SIGNERS\n",
        c.proof_file.display(),
        c.proof_bytes,
        c.proof_file.display()
    ));
    s
}

/// Top-level entry point for `intact check`.
fn cmd_check(a: CheckArgs) -> CmdResult {
    let opts = load_trust(&a.trust)?;
    let r = match (&a.proof, &a.bundle, &a.log) {
        (Some(p), _, _) => intact::check_proof(&a.file, p, &opts),
        (_, Some(b), _) => intact::check_bundle(&a.file, b, &opts),
        (_, _, Some(d)) => intact::check_log(&a.file, d, &opts),
        _ => return Err(Failure::usage("give --proof, --bundle or --log")),
    }
    .map_err(Failure::usage)?;
    if a.json {
        out(&json(&r));
    } else {
        out(&human_check(&r));
    }
    Ok(if r.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn human_check(r: &intact::cite::CheckReport) -> String {
    use intact::cite::Change;
    let f = r.file.display();
    let mut s = String::new();
    for p in &r.skipped {
        s.push_str(&format!("{}: skipped: {}\n", p.source.display(), p.message));
    }
    for p in &r.problems {
        let check = serde_json::to_value(p.check)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        s.push_str(&format!("{}: {check}: {}\n", p.source.display(), p.message));
    }
    if r.valid {
        s.push_str(&format!(
            "VALID: {f} (sha256 {}, {} bytes) was published in {} release(s)\n",
            r.sha256,
            r.size,
            r.found
                .iter()
                .map(|a| &a.bundle_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        ));
        for a in &r.found {
            s.push_str(&format!(
                "\n{} / {}, created {} ({})\n",
                a.collection,
                a.release,
                a.created,
                a.source.display()
            ));
            s.push_str(&describe_item(&a.item));
            s.push_str(&format!("  bundle id  {}\n", a.bundle_id));
            let fps: Vec<String> = r
                .releases
                .iter()
                .filter(|i| i.bundle_id.as_deref() == Some(a.bundle_id.as_str()))
                .flat_map(|i| i.signatures.iter())
                .filter(|c| c.status == SignatureStatus::Valid)
                .map(|c| {
                    format!(
                        "{} ({})",
                        c.principal.as_deref().unwrap_or("?"),
                        c.fingerprint.as_deref().unwrap_or("?")
                    )
                })
                .collect();
            s.push_str(&format!("  signed by  {}\n", fps.join(", ")));
            if let Some(sup) = &a.superseded_by {
                let what = match sup.change {
                    Change::Changed => format!(
                        "item {} now has sha256 {}",
                        a.item.id,
                        sup.sha256.as_deref().unwrap_or("?")
                    ),
                    Change::Withheld => format!("item {} is now withheld", a.item.id),
                    Change::Removed => format!("item {} is no longer listed", a.item.id),
                };
                s.push_str(&format!(
                    "  SUPERSEDED by release {} (created {}, bundle id {}): {what}\n",
                    sup.release, sup.created, sup.bundle_id
                ));
            } else if r.mode == intact::cite::CheckMode::Log {
                s.push_str("  current    not superseded by a later release in the log\n");
            }
        }
    } else {
        s.push_str(&format!(
            "NOT VALID: {f} (sha256 {}, {} bytes) — {} problem(s)\n",
            r.sha256,
            r.size,
            r.problems.len()
        ));
    }
    s
}

/// Top-level entry point for `intact demo`.
fn cmd_demo(a: DemoArgs) -> CmdResult {
    let r = intact_cli::demo::run(&a.out).map_err(Failure::usage)?;
    out(&r.transcript);
    Ok(if r.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Top-level entry point for `intact bagit validate`.
fn cmd_bagit_validate(bag: &std::path::Path, as_json: bool, fast: bool) -> CmdResult {
    let report = intact::bagit::validate(bag, &intact::bagit::ValidateOptions { fast })
        .map_err(Failure::usage)?;
    if as_json {
        out(&json(&report.to_json()));
    } else {
        let mut text = String::new();
        for line in report.problem_lines() {
            text.push_str(&line);
            text.push('\n');
        }
        let verdict = if report.valid() { "valid" } else { "INVALID" };
        let mode = if fast {
            " (fast: Payload-Oxum only)"
        } else {
            ""
        };
        text.push_str(&format!(
            "{}: {verdict}{mode}: {} error(s), {} warning(s); {} payload file(s), {} bytes\n",
            bag.display(),
            report.errors(),
            report.warnings(),
            report.files,
            report.bytes
        ));
        out(&text);
    }
    Ok(if report.valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Top-level entry point for `intact inspect`.
fn cmd_inspect(a: InspectArgs) -> CmdResult {
    let r = intact::inspect::inspect(&a.bundle).map_err(|e| Failure {
        code: if e.is_io() { 2 } else { 1 },
        message: e.to_string(),
    })?;
    if a.json {
        out(&json(&r));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = format!(
        "{} {} ({}), bundle id {} — not verified; run `intact verify` for that\n",
        r.collection, r.release, r.created, r.bundle_id
    );
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let status = |s: &Option<intact::manifest::RedactionStatus>| match s {
        Some(s) => format!("{s:?}").to_lowercase(),
        None => "unrecorded".into(),
    };
    for i in &r.items {
        t.push_str(&format!(
            "{}  {}  type {}  case {}  date {}  redaction {}{}\n",
            i.id,
            dash(&i.path),
            dash(&i.doc_type),
            dash(&i.case_no),
            dash(&i.date),
            status(&i.status),
            if i.categories.is_empty() {
                String::new()
            } else {
                format!(" ({})", i.categories.join("; "))
            }
        ));
    }
    if !r.withheld.is_empty() {
        t.push_str("withheld (listed, not published):\n");
        for i in &r.withheld {
            t.push_str(&format!(
                "{}  type {}  case {}  categories {}  reason {}\n",
                i.id,
                dash(&i.doc_type),
                dash(&i.case_no),
                i.categories.join("; "),
                dash(&i.reason)
            ));
        }
    }
    let counts = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    t.push_str(&format!("by status: {}\n", counts(&r.by_status)));
    if !r.by_category.is_empty() {
        t.push_str(&format!("by category: {}\n", counts(&r.by_category)));
    }
    t.push_str(&format!("by type: {}\n", counts(&r.by_doc_type)));
    out(&t);
    Ok(ExitCode::SUCCESS)
}

/// Top-level entry point for `intact redaction`.
fn cmd_redaction(c: RedactionCommand) -> CmdResult {
    use intact::redaction;
    match c {
        RedactionCommand::Prove {
            ledger,
            original,
            bundle,
            item,
            out: dest,
        } => {
            let l = redaction::Ledger::load(&ledger).map_err(Failure::usage)?;
            let contents = intact::inspect::read_contents(&bundle).map_err(Failure::usage)?;
            let commitment = contents
                .item(&item)
                .and_then(|i| i.redaction.as_ref())
                .and_then(|r| r.commitment.clone());
            let d = redaction::prove(
                &l,
                &original,
                &contents.bundle_id(),
                commitment.as_deref(),
                &item,
            )
            .map_err(|e| Failure {
                code: 1,
                message: e.to_string(),
            })?;
            let bytes = serde_json::to_vec_pretty(&d).map_err(Failure::usage)?;
            redaction::write_private_new(&dest, &bytes).map_err(Failure::usage)?;
            out(&format!(
                "wrote {}: reveals the salt of item '{}' only; give it with the original to whoever must check it\n",
                dest.display(),
                item
            ));
            Ok(ExitCode::SUCCESS)
        }
        RedactionCommand::Verify {
            disclosure,
            original,
            bundle,
            trust,
            json: as_json,
        } => {
            let d = redaction::Disclosure::load(&disclosure).map_err(Failure::usage)?;
            let mut opts = load_trust(&trust)?;
            opts.skip_payload = true;
            let v = intact::verify::verify_full(&bundle, &opts).map_err(Failure::usage)?;
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
                redaction::check_disclosure(&d, &original, &bundle_id, commitment.as_deref())
                    .map_err(Failure::usage)?,
            );
            let ok = problems.is_empty();
            if as_json {
                out(&json(&serde_json::json!({
                    "report": "intact-disclosure-check/1",
                    "valid": ok,
                    "item_id": d.item_id,
                    "bundle_id": bundle_id,
                    "collection": d.collection,
                    "release": d.release,
                    "signers": v.report.signers,
                    "problems": problems,
                })));
            } else {
                for p in &problems {
                    out(&format!("{}: {p}\n", disclosure.display()));
                }
                out(&if ok {
                    format!(
                        "MATCH: {} is the original behind item '{}' of {} {} (bundle {}), signed by {}\n",
                        original.display(),
                        d.item_id,
                        d.collection,
                        d.release,
                        bundle_id,
                        v.report.signers.join(", ")
                    )
                } else {
                    format!(
                        "NO MATCH: {} is not shown to be the original behind item '{}'\n",
                        original.display(),
                        d.item_id
                    )
                });
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn log_problem_lines(problems: &[intact::log::LogProblem]) -> String {
    let mut t = String::new();
    for p in problems {
        let rel = match (&p.seq, &p.release) {
            (Some(n), Some(r)) => format!("release {r} (entry {n:06}): "),
            (None, Some(r)) => format!("release {r}: "),
            (Some(n), None) => format!("entry {n:06}: "),
            (None, None) => String::new(),
        };
        t.push_str(&format!("{}: {rel}{}\n", p.path, p.message));
    }
    t
}

/// Top-level entry point for `intact log`.
fn cmd_log(c: LogCommand) -> CmdResult {
    use intact::log;
    match c {
        LogCommand::Append {
            log: dir,
            bundle,
            trust,
            json: as_json,
        } => {
            let opts = load_trust(&trust)?;
            let r = log::append(&dir, &bundle, &opts).map_err(Failure::usage)?;
            if as_json {
                out(&json(&r));
            } else {
                let mut t = log_problem_lines(&r.problems);
                t.push_str(&match (r.appended, r.seq) {
                    (true, Some(n)) => format!(
                        "appended release {} as entry {n:06} of {}\n",
                        r.release.as_deref().unwrap_or("?"),
                        dir.display()
                    ),
                    _ => format!(
                        "NOT APPENDED: {} — nothing was written to {}\n",
                        bundle.display(),
                        dir.display()
                    ),
                });
                out(&t);
            }
            Ok(if r.appended {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        LogCommand::Verify {
            log: dir,
            bundles,
            state,
            trust,
            json: as_json,
        } => {
            let opts = load_trust(&trust)?;
            let r = log::verify_log(
                &dir,
                &log::LogVerifyOptions {
                    trust: &opts,
                    bundles: bundles.clone(),
                    state,
                },
            )
            .map_err(Failure::usage)?;
            if as_json {
                out(&json(&r));
            } else {
                let mut t = log_problem_lines(&r.problems);
                for u in &r.unlisted_bundles {
                    t.push_str(&format!("{}: note: bundle not in the log\n", u.display()));
                }
                let head = r
                    .head
                    .as_ref()
                    .map(|h| format!("{} ({}, {})", h.release, h.created, h.bundle_id))
                    .unwrap_or_else(|| "none".into());
                t.push_str(&format!(
                    "{}: {}: collection {}, {} release(s), head {}{}{}\n",
                    if r.valid { "VALID" } else { "NOT VALID" },
                    dir.display(),
                    r.collection.as_deref().unwrap_or("?"),
                    r.releases.len(),
                    head,
                    if bundles.is_some() {
                        "; every bundle checked in full"
                    } else {
                        ""
                    },
                    if r.state_updated {
                        "; state updated"
                    } else {
                        ""
                    }
                ));
                out(&t);
            }
            Ok(if r.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        LogCommand::Status {
            log: dir,
            json: as_json,
        } => {
            let r = log::status(&dir).map_err(Failure::usage)?;
            if as_json {
                out(&json(&r));
            } else {
                let mut t = format!(
                    "collection {} — not verified; run `intact log verify` for that\n",
                    r.collection.as_deref().unwrap_or("?")
                );
                for rel in &r.releases {
                    t.push_str(&format!(
                        "release {}  {}  {} items  {} change records  {}\n",
                        rel.release, rel.created, rel.items, rel.changes, rel.bundle_id
                    ));
                }
                t.push_str(&format!("current items: {}\n", r.current_items));
                for e in &r.superseded {
                    t.push_str(&format!(
                        "superseded: {} of {} ({}) by {} of {} ({}): {}\n",
                        e.id,
                        e.release,
                        e.sha256.as_deref().unwrap_or("no digest"),
                        e.by.as_deref().unwrap_or("?"),
                        e.changed_in,
                        e.by_sha256.as_deref().unwrap_or("no digest"),
                        e.reason
                    ));
                }
                for e in &r.withdrawn {
                    t.push_str(&format!(
                        "withdrawn: {} of {} ({}) in {}: {}\n",
                        e.id,
                        e.release,
                        e.sha256.as_deref().unwrap_or("no digest"),
                        e.changed_in,
                        e.reason
                    ));
                }
                t.push_str(&log_problem_lines(&r.problems));
                out(&t);
            }
            Ok(if r.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// Top-level entry point for `intact diff`.
fn cmd_diff(a: DiffArgs) -> CmdResult {
    let r = intact::diff::diff(&a.old, &a.new).map_err(|e| Failure {
        code: if e.is_io() { 2 } else { 1 },
        message: e.to_string(),
    })?;
    if a.json {
        out(&json(&r));
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = format!(
        "{} -> {}{} (not verified)\n",
        r.old_release,
        r.new_release,
        if r.new_follows_old {
            ""
        } else {
            " — NOTE: the new release does not name the old one as previous"
        }
    );
    let sha = |s: &Option<String>| {
        s.as_deref()
            .map(|x| x[..12.min(x.len())].to_string())
            .unwrap_or_else(|| "-".into())
    };
    for i in &r.added {
        t.push_str(&format!(
            "added       {}  {}\n",
            i.id,
            i.path.as_deref().unwrap_or("(withheld)")
        ));
    }
    for i in &r.changed {
        t.push_str(&format!(
            "changed     {}  {} -> {}{}\n",
            i.id,
            sha(&i.old_sha256),
            sha(&i.new_sha256),
            i.reason
                .as_ref()
                .map(|x| format!("  ({x})"))
                .unwrap_or_else(|| "  (NO change record)".into())
        ));
    }
    for i in &r.superseded {
        t.push_str(&format!(
            "superseded  {}  by {}  ({})\n",
            i.id,
            i.by.as_deref().unwrap_or("?"),
            i.reason.as_deref().unwrap_or("")
        ));
    }
    for i in &r.withdrawn {
        t.push_str(&format!(
            "withdrawn   {}  ({})\n",
            i.id,
            i.reason.as_deref().unwrap_or("")
        ));
    }
    for c in &r.redaction_changes {
        let st = |s: &Option<intact::manifest::RedactionStatus>| {
            s.map(|s| format!("{s:?}").to_lowercase())
                .unwrap_or_else(|| "unrecorded".into())
        };
        t.push_str(&format!(
            "redaction   {}  {} [{}] -> {} [{}]\n",
            c.id,
            st(&c.old_status),
            c.old_categories.join("; "),
            st(&c.new_status),
            c.new_categories.join("; ")
        ));
    }
    t.push_str(&format!("{} added, {} changed, {} superseded, {} withdrawn, {} redaction changes, {} carried over\n", r.added.len(), r.changed.len(), r.superseded.len(), r.withdrawn.len(), r.redaction_changes.len(), r.carried_over));
    out(&t);
    Ok(ExitCode::SUCCESS)
}

/// Top-level entry point for `intact extract`.
fn cmd_extract(a: ExtractArgs) -> CmdResult {
    let opts = load_trust(&a.trust)?;
    let r = intact::extract::extract(&a.bundle, &a.to, &opts, a.force).map_err(Failure::usage)?;
    if a.json {
        out(&json(&r));
    } else {
        let mut t = String::new();
        if !r.verification.valid {
            t.push_str(&human_verify(&r.verification));
        }
        t.push_str(&match &r.extracted_to {
            Some(p) => format!("extracted {} verified files to {}\n", r.files, p.display()),
            None => format!(
                "NOT EXTRACTED: {} did not verify; nothing was written\n",
                a.bundle.display()
            ),
        });
        out(&t);
    }
    Ok(if r.extracted_to.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The gate's options from the flags shared by `scan` and `pack`.
fn gate_options(g: &GateArgs) -> Result<intact::gate::ScanOptions, Failure> {
    let deny = g
        .deny_list
        .as_deref()
        .map(intact::gate::DenyList::load)
        .transpose()
        .map_err(Failure::usage)?;
    let exceptions = match g.exceptions.as_deref() {
        Some(p) => intact::gate::load_exceptions(p).map_err(Failure::usage)?,
        None => Vec::new(),
    };
    Ok(intact::gate::ScanOptions {
        deny,
        exceptions,
        limits: intact::gate::Limits::default(),
    })
}

fn gate_lines(report: &intact::gate::GateReport) -> String {
    let mut t = String::new();
    if !report.deny_list_used {
        t.push_str("note: no deny-list given: only the structural rules ran\n");
    }
    for f in &report.findings {
        t.push_str(&format!("{}\n", f.line()));
    }
    for x in &report.excepted {
        t.push_str(&format!(
            "excepted: {} (reason: {})\n",
            x.finding.line(),
            x.reason
        ));
    }
    for u in &report.unused_exceptions {
        t.push_str(&format!(
            "warning: unused exception {}\t{}\n",
            u.path.to_string_lossy(),
            u.rule
        ));
    }
    t
}

/// Top-level entry point for `intact scan`.
fn cmd_scan(a: ScanArgs) -> CmdResult {
    let opts = gate_options(&a.gate)?;
    let mut report = intact::gate::scan_tree(&a.src, &opts).map_err(Failure::usage)?;
    if let Some(m) = &a.metadata {
        let findings =
            intact::gate::scan_metadata(opts.deny.as_ref(), m).map_err(Failure::usage)?;
        report.findings.extend(findings);
        report.sort();
    }
    if a.json {
        out(&json(&report));
    } else {
        let mut t = gate_lines(&report);
        t.push_str(&format!(
            "{} files scanned, {} findings, {} excepted: {}\n",
            report.files_scanned,
            report.findings.len(),
            report.excepted.len(),
            if report.clean() { "CLEAN" } else { "BLOCKED" }
        ));
        out(&t);
    }
    Ok(if report.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
