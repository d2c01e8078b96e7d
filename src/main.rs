//! The `intact` command line: parses flags, calls the library, prints, maps outcomes to exit codes
//! (0 valid / clean, 1 not valid / findings, 2 usage or I/O error).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand};

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
    /// Cite one item of a bundle and write a small inclusion proof for it (docs/CITING.md).
    Cite(CiteArgs),
    /// Check a file against an inclusion proof, a bundle, or a log of releases (docs/CITING.md).
    Check(CheckArgs),
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
        Command::Cite(a) => cmd_cite(a),
        Command::Check(a) => cmd_check(a),
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
        if sig.status != SignatureStatus::Valid
            && !report.problems.iter().any(|p| p.path == sig.file)
        {
            s.push_str(&format!(
                "{b}: {}: signature does not count: {}\n",
                sig.file, sig.detail
            ));
        }
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
