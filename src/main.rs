//! The `intact` command line: parses flags, calls the library, prints, maps outcomes to exit codes
//! (0 valid / clean, 1 not valid / findings, 2 usage or I/O error).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use intact::passphrase::PassphraseSource;
use intact::trust::{Revocations, SignatureStatus, TrustPolicy};

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
    /// Generate a synthetic sample collection, pack it, verify it, and reject a tampered copy.
    Demo(DemoArgs),
    /// BagIt bags (RFC 8493 and drafts 0.93–0.97).
    Bagit {
        #[command(subcommand)]
        command: BagitCommand,
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
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
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
        Command::Demo(a) => cmd_demo(a),
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
    let r = intact::keygen(&a.out, &principal, !a.no_passphrase, &a.passphrase.source())
        .map_err(Failure::usage)?;
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
    let opts = intact::pack::PackOptions {
        src: a.src,
        out: a.out,
        collection: a.collection,
        release: a.release,
        created,
        previous: None,
        keys,
        force: a.force,
    };
    let s = intact::pack(&opts).map_err(Failure::usage)?;
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
    let report = intact::verify(&a.bundle, &opts).map_err(Failure::usage)?;
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

/// Top-level entry point for `intact demo`.
fn cmd_demo(a: DemoArgs) -> CmdResult {
    let r = intact::demo::run(&a.out).map_err(Failure::usage)?;
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
