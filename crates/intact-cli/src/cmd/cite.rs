//! `intact cite`: one item of a bundle, and a small inclusion proof anyone can check offline.

use std::path::PathBuf;

use clap::{ArgGroup, Args};

use intact::cite::{Citation, CiteError, CiteOptions, Selector};
use intact::manifest::{Item, RedactionStatus};

use super::flags::OptionalTrustArgs;
use crate::exit::{CliError, Outcome};
use crate::output::{self, out};

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact cite release-1.zip --id T-100-004 -o T-100-004.intact-proof.json --trust allowed_signers\n  intact cite release-1.zip testimonies/testimony-004.txt -o t4.intact-proof.json   # or data/testimonies/…\n  intact cite release-1.zip --id T-100-004 -o t4.json --json\n\n", exit_codes!()))]
#[command(group(ArgGroup::new("item").required(true).args(["path", "id"])))]
pub struct CiteArgs {
    /// Bundle ZIP, or its extracted top directory, or a bundle URL (`http(s)://`: only the tag
    /// files and the cited member are downloaded).
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
    #[command(flatten)]
    net: super::net::NetArgs,
}

impl CiteArgs {
    /// The top-level entry point for `intact cite`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let trust = self.trust.load()?;
        let selector = match (self.path, self.id) {
            (Some(p), _) => Selector::Path(p),
            (None, Some(id)) => Selector::Id(id),
            (None, None) => return Err(CliError::usage("give the item's PATH or --id ID")),
        };
        let opts = CiteOptions {
            trust,
            out: self.out,
            force: self.force,
        };
        let cited = match super::net::url_of(&self.bundle) {
            Some(url) => intact::cite::cite_url(&self.net.remote(), url, &selector, &opts),
            None => intact::cite(&self.bundle, &selector, &opts),
        };
        match cited {
            Ok(c) => {
                output::print(self.json, &c, human);
                Ok(Outcome::Done)
            }
            Err(e) => {
                // Why the bundle is not valid goes to standard output, as `verify` shows it.
                if let CiteError::NotValid { report, .. } = &e {
                    out(&super::verify::human(report));
                }
                Err(e.into())
            }
        }
    }
}

fn describe_redaction(item: &Item) -> String {
    let Some(r) = &item.redaction else {
        return "none recorded".into();
    };
    let mut s = match r.status {
        RedactionStatus::None => "none".to_string(),
        RedactionStatus::Partial => "partial".to_string(),
        RedactionStatus::Withheld => "withheld".to_string(),
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

/// The lines that say what an item is: title, case, path, digest, redaction (also for `check`).
pub fn describe_item(item: &Item) -> String {
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

fn human(c: &Citation) -> String {
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
