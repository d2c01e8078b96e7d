//! The leak gate inside `pack` (docs/REDACTION.md): it always runs, over the contents, the
//! names and every text that enters the bundle, and fails closed before the bundle has a name.

use std::fs::File;
use std::io;
use std::path::PathBuf;

use super::plan::Plan;
use super::source::{facts_of, Facts};
use super::{PackError, PackOptions};
use crate::gate;
use crate::manifest::GateException;
use crate::progress::Progress;

/// Every text that goes into the bundle besides the payload, with where it goes: what the
/// gate's deny-list must also be matched against.
fn bundle_texts(opts: &PackOptions) -> Vec<(String, String)> {
    let mut t = vec![
        (
            "release.json collection".to_owned(),
            opts.collection.clone(),
        ),
        ("release.json release".to_owned(), opts.release.clone()),
    ];
    if let Some(p) = &opts.previous {
        t.push(("release.json previous release".into(), p.release.clone()));
    }
    for (label, value) in &opts.bag_info {
        t.push(("bag-info.txt label".into(), label.clone()));
        t.push((format!("bag-info.txt {label}"), value.clone()));
    }
    for c in &opts.changes {
        t.push((format!("change record for {} id", c.id), c.id.clone()));
        t.push((
            format!("change record for {} reason", c.id),
            c.reason.clone(),
        ));
        if let Some(by) = &c.by {
            t.push((format!("change record for {} by", c.id), by.clone()));
        }
    }
    if let Some(n) = &opts.scrub_notes {
        t.extend(n.texts());
    }
    // the exceptions' reasons, which go into the manifest too, the gate's report checks itself
    t
}

/// Runs the leak gate over SRC (contents, metadata of files, names) and over every text that
/// goes into the bundle. Fails closed: any finding that no reviewed exception covers refuses
/// the release before anything is written.
pub(super) fn run_gate(
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(gate::GateReport, FactsByPath), PackError> {
    let visit =
        |f: &File, m: &std::fs::Metadata, loaded: Option<&[u8]>| facts_of(f, m, loaded, progress);
    let (report, visited) = gate::scan_tree_with(&opts.src, &opts.gate.options, &visit)?;
    Ok((verdict(opts, report)?, visited.into_iter().collect()))
}

/// Adds what the deny-list finds in the texts that enter the bundle to `report`, then passes
/// the release or refuses it.
fn verdict(
    opts: &PackOptions,
    mut report: gate::GateReport,
) -> Result<gate::GateReport, PackError> {
    if let Some(deny) = &opts.gate.options.deny {
        report
            .findings
            .extend(gate::scan_fields(deny, &bundle_texts(opts)));
        if let Some(m) = &opts.metadata {
            // named by the metadata file and its line, as `intact scan --metadata` names them
            let texts: Vec<(String, String)> = m
                .items
                .iter()
                .flat_map(|i| i.texts.iter().cloned())
                .collect();
            let file = PathBuf::from(m.path.file_name().unwrap_or(m.path.as_os_str()));
            report
                .findings
                .extend(gate::scan_fields(deny, &texts).into_iter().map(|mut f| {
                    f.file = file.clone();
                    f
                }));
        }
        report.sort();
        // a field's location names its row, label or change record: masked like the rest
        gate::mask_report(deny, &mut report, Some(&opts.src));
    }
    if report.clean() {
        Ok(report)
    } else {
        Err(PackError::Gate(Box::new(report)))
    }
}

/// What the gate's pass learnt of each file it read, by the path it walked.
pub(super) type FactsByPath = std::collections::HashMap<PathBuf, io::Result<Facts>>;

/// The exceptions the gate applied, as the manifest records them.
pub(super) fn gate_exceptions(report: &gate::GateReport) -> Vec<GateException> {
    report
        .excepted
        .iter()
        .map(|x| GateException {
            path: if x.finding.file.as_os_str().is_empty() {
                String::new()
            } else {
                format!("data/{}", x.finding.file.to_string_lossy())
            },
            rule: x.finding.rule.as_str().to_owned(),
            location: x.finding.location.clone(),
            reason: x.reason.clone(),
        })
        .collect()
}

impl Plan<'_> {
    /// The gate's verdict on the single pass: content findings, every published name, every
    /// text that enters the bundle.
    pub(super) fn gate_report(
        &self,
        mut findings: Vec<gate::Finding>,
    ) -> Result<gate::GateReport, PackError> {
        let opts = &self.opts.gate.options;
        if let Some(deny) = &opts.deny {
            findings.extend(gate::scan::scan_names(
                deny,
                self.sources.iter().map(|s| self.rel(s)),
            ));
        }
        let report = gate::scan::build_report(
            findings,
            self.sources.len() as u64,
            opts,
            Some(&self.opts.src),
        );
        verdict(self.opts, report)
    }
}
