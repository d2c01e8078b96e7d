//! `intact site`: the release log as a static web site (docs/SITE.md).

use std::path::PathBuf;

use clap::Args;

use intact::site::{self, FileSource, SiteReport};

use super::flags::TrustArgs;
use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact site log/ --bundles mirror/ -o site/ --trust allowed_signers\n  intact site log/ --bundles mirror/ --files https://mirror.example/releases -o site/ --trust allowed_signers --force\n\nOpen site/index.html in a browser (file:// works), or serve the folder as plain files.\n\n", exit_codes!()))]
pub struct SiteArgs {
    /// The release log directory.
    log: PathBuf,
    /// A mirror directory of bundles: each verified in full against the log; by default each
    /// document's file is copied from its bundle into the site.
    #[arg(long, value_name = "DIR")]
    bundles: Option<PathBuf>,
    /// Where the documents' files come from instead: a mirror tree DIR/<release>/data/… to copy
    /// (each file checked against its signed digest), or an https:// URL of such a tree to link.
    #[arg(long, value_name = "DIR|URL")]
    files: Option<String>,
    /// The site directory to write (built beside it, then renamed into place).
    #[arg(short, long, value_name = "SITE")]
    out: PathBuf,
    /// Replace an existing site directory.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    trust: TrustArgs,
    /// A layout-2 log: its signed checkpoints and witnesses (FORMAT.md §15).
    #[command(flatten)]
    tlog: super::log_tlog::TlogArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
    /// Print nothing when the site was written, and no progress bar.
    #[arg(short, long)]
    quiet: bool,
}

impl SiteArgs {
    /// The top-level entry point for `intact site`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let trust = self.trust.load()?;
        let files = match (&self.files, &self.bundles) {
            (Some(v), _) => FileSource::parse(v),
            (None, Some(_)) => FileSource::Bundles,
            (None, None) => FileSource::None,
        };
        let progress = crate::progress::bar(self.quiet, "verifying");
        let policy = match self.tlog.log_key {
            Some(_) => Some(self.tlog.policy()?),
            None => None,
        };
        let r = site::build(
            &self.log,
            &self.out,
            &site::SiteOptions {
                trust: &trust,
                bundles: self.bundles.clone(),
                files,
                force: self.force,
                progress: progress.as_ref(),
                tlog: policy.as_ref(),
            },
        );
        drop(progress);
        let r = match r {
            Ok(r) => r,
            Err(site::SiteError::NotValid { log, problems }) => {
                for p in &problems {
                    eprintln!(
                        "intact: {}",
                        output::shown(&format!("{}: {}", p.path, p.message))
                    );
                }
                return Err(site::SiteError::NotValid { log, problems }.into());
            }
            Err(e) => return Err(e.into()),
        };
        if !self.quiet {
            output::print(self.json, &r, human);
        }
        Ok(Outcome::Done)
    }
}

fn human(r: &SiteReport) -> String {
    format!(
        "wrote {}: {} release(s), {} document page(s) in {} ({} files, {} copied documents)\nopen {}\n",
        r.site.display(),
        r.releases,
        r.documents,
        r.languages.join(", "),
        r.files_written,
        r.files_copied,
        r.site.join("index.html").display()
    )
}
