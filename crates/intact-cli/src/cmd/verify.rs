//! `intact verify`: every check of FORMAT.md against trusted keys; the report, and the verdict.

use std::path::PathBuf;

use clap::Args;

use intact::trust::SignatureStatus;
use intact::verify::VerifyReport;

use super::flags::TrustArgs;
use super::targets::each_target;
use crate::exit::{CliError, Outcome};

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact verify release-1.zip --trust allowed_signers\n  intact verify bundles/*.zip --trust allowed_signers --quiet     # only what is not valid\n  intact verify mirror/case-archive-release-1 --trust allowed_signers --threshold 2 --json\n\n", exit_codes!()))]
pub struct VerifyArgs {
    /// Bundle ZIPs, or their extracted top directories, or bundle URLs (`http(s)://`, read by
    /// ranges; several: one verdict line each and a total; the exit code is the worst of them).
    #[arg(required = true, value_name = "BUNDLE")]
    bundles: Vec<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    #[command(flatten)]
    time: super::timestamp::TimeArgs,
    /// Print the full report as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing but errors and the reports of bundles that are not valid; no progress bar
    /// (there is none either when stderr is not a terminal).
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    net: super::net::NetArgs,
}

impl VerifyArgs {
    /// The top-level entry point for `intact verify`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let opts = self.trust.load()?;
        let time = self.time.load()?;
        each_target(
            &self.bundles,
            self.json,
            self.quiet,
            ("bundle(s)", "intact-verify-summary/1"),
            |b| {
                let progress = crate::progress::bar(self.quiet, "verifying");
                if let Some(url) = super::net::url_of(b) {
                    if time.is_some() {
                        return Err(CliError::usage(
                            "--tsa-certs needs a local bundle: its tokens lie beside it (FORMAT.md §16.1)",
                        ));
                    }
                    let remote = self.net.remote();
                    let (v, _) = intact::net::remote::verify_url(
                        &remote,
                        url,
                        &opts,
                        progress.as_ref(),
                        false,
                    )?;
                    return Ok(v.report);
                }
                Ok(intact::timestamp::evidence::verify_report(
                    b,
                    &opts,
                    time.as_ref(),
                    progress.as_ref(),
                )?)
            },
            |r| r.valid,
            human,
        )
    }
}

/// The valid signers, as "principal (fingerprint)".
fn signer_list(report: &VerifyReport) -> String {
    let parts: Vec<String> = report
        .signatures
        .iter()
        .filter(|s| s.status == SignatureStatus::Valid)
        .map(|s| {
            format!(
                "{} ({})",
                s.principal.as_deref().unwrap_or("?"),
                s.fingerprint.as_deref().unwrap_or("?")
            )
        })
        .collect();
    if parts.is_empty() {
        "no trusted signer".into()
    } else {
        parts.join(", ")
    }
}

/// The verdict of a target that could not be read as a bundle at all, in plain words: not an
/// intact bundle (a file that is not a ZIP, a ZIP with no intact bag in it, a directory with no
/// bag), or a ZIP bundle too damaged to read. `None` when it was read as a bundle.
pub fn unreadable_verdict(report: &VerifyReport) -> Option<String> {
    use intact::container::probe::{probe, Looks};
    if report.valid || report.kind.is_some() {
        return None;
    }
    let path = &report.bundle;
    if path.is_dir() {
        let why = report.problems.first().map(|p| p.message.as_str());
        return Some(format!(
            "not an intact bundle: {}",
            why.unwrap_or("a directory with no bag")
        ));
    }
    let damaged = format!(
        "not readable as a bundle (a damaged or truncated ZIP) — {} problem(s)",
        report.problems.len().max(1)
    );
    let mut file = std::fs::File::open(path).ok()?;
    let mut magic = [0u8; 2];
    let zip_start = std::io::Read::read_exact(&mut file, &mut magic).is_ok() && magic == *b"PK";
    Some(match probe(&file).ok()? {
        Looks::NotZip if !zip_start => "not an intact bundle: not a ZIP file".into(),
        Looks::OtherZip => {
            "not an intact bundle: a ZIP file with no intact bag in it (no TOP/bagit.txt, no TOP/intact/)"
                .into()
        }
        Looks::NotZip | Looks::Bundle => damaged,
    })
}

/// A verification report as text: one line per problem and per signature, then the verdict
/// (also shown by `cite` and `extract` when a bundle does not verify); for a target that could
/// not be read as a bundle, the verdict says so plainly ([`unreadable_verdict`]).
pub fn human(report: &VerifyReport) -> String {
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
    s.push_str(&super::timestamp::human_lines(
        &b.to_string(),
        report.timestamps.as_ref(),
    ));
    if let Some(why) = unreadable_verdict(report) {
        s.push_str(&format!("NOT VALID: {b}: {why}\n"));
        return s;
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
