//! `intact scrub`: a copy of a file or a tree with the metadata that must not be published
//! removed (docs/SCRUB.md).

use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, Outcome};
use crate::output;

#[derive(Args)]
#[command(after_help = concat!("Examples:\n  intact scrub ./photos -o ./photos-scrubbed\n  intact scrub IMG_0001.jpg -o public/IMG_0001.jpg --json\n  intact scrub ./release-1 -o ./release-1-scrubbed --deny-list private/deny-list.txt\n\nExit 0 when everything found was removed, 1 when something is left for a person (listed), 2 on error.\n\n", exit_codes!()))]
pub struct ScrubArgs {
    /// The file or folder to scrub (never changed).
    src: PathBuf,
    /// Where to write the scrubbed copy (must not exist, must not be inside SRC).
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: PathBuf,
    /// Private deny-list: nothing printed shows one of its entries (paths are masked).
    #[arg(long, value_name = "FILE")]
    deny_list: Option<PathBuf>,
    /// Rewrite a PDF that has incremental updates as one revision holding only the objects its
    /// latest trailer reaches (without it such a PDF is left as it is).
    #[arg(long)]
    pdf_revisions: bool,
    /// Remove a PDF's embedded files and file attachment annotations.
    #[arg(long)]
    pdf_attachments: bool,
    /// Remove a PDF's JavaScript and its automatic actions (OpenAction, AA).
    #[arg(long)]
    pdf_javascript: bool,
    /// Remove a PDF's annotations other than links and form widgets (comments, highlights, notes).
    #[arg(long)]
    pdf_annotations: bool,
    /// Print the report as JSON (manifests/schema/scrub-report.schema.json).
    #[arg(long)]
    json: bool,
}

impl ScrubArgs {
    /// The top-level entry point for `intact scrub`.
    pub fn run(self) -> Result<Outcome, CliError> {
        if let Some(p) = &self.deny_list {
            let deny = intact::gate::DenyList::load(p)?;
            output::withhold(&deny);
        }
        let report = intact::scrub::scrub(
            &self.src,
            &self.out,
            &intact::scrub::ScrubOptions {
                pdf: intact::scrub::PdfOptions {
                    revisions: self.pdf_revisions,
                    attachments: self.pdf_attachments,
                    javascript: self.pdf_javascript,
                    annotations: self.pdf_annotations,
                },
                ..Default::default()
            },
        )?;
        output::print(self.json, &report, |r| r.text());
        Ok(Outcome::valid_if(report.complete()))
    }
}
