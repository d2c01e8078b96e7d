//! `pack --from-bag`: an existing BagIt bag as the source, validated whole first.

use std::path::{Path, PathBuf};

use super::PackError;
use crate::fs::At as _;
use crate::problem::{Check, Problem};

/// An existing BagIt bag given as the source (`pack --from-bag`): its payload directory and the
/// `bag-info.txt` fields to keep.
#[derive(Debug, Clone)]
pub struct SourceBag {
    pub payload: PathBuf,
    pub bag_info: Vec<(String, String)>,
}

/// `bag-info.txt` labels that the packer writes itself, so a source bag's values are dropped.
const REGENERATED_LABELS: [&str; 6] = [
    "payload-oxum",
    "bagging-date",
    "bag-software-agent",
    "bag-size",
    "bag-count",
    "bag-group-identifier",
];

/// Validates an existing bag (every manifest, every file) and returns what `pack` needs from
/// it. An invalid or incomplete bag (files still listed in `fetch.txt`) is refused.
pub fn source_bag(dir: &Path) -> Result<SourceBag, PackError> {
    let report = crate::bagit::validate(dir, &crate::bagit::ValidateOptions { fast: false })
        .map_err(PackError::SourceBag)?;
    let blocking: Vec<Problem> = report
        .problems
        .iter()
        .filter(|p| {
            p.severity == crate::bagit::Severity::Error
                || p.code == crate::bagit::Code::NotYetFetched
        })
        .map(|p| {
            Problem::new(
                Check::Source,
                dir.join(&p.file).display().to_string(),
                format!(
                    "{}{} [{}] (the source bag must be valid and complete)",
                    p.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                    p.message,
                    p.code.as_str()
                ),
            )
        })
        .collect();
    if !blocking.is_empty() {
        return Err(PackError::Source(blocking));
    }
    let info_path = ["bag-info.txt", "package-info.txt"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists());
    let mut bag_info = Vec::new();
    if let Some(p) = info_path {
        let bytes = std::fs::read(&p).at(&p)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            PackError::Refused(format!(
                "{}: bag-info is not UTF-8; convert it before packing",
                p.display()
            ))
        })?;
        let version = crate::bagit::parse::Version::V1_0;
        let (elements, _) = crate::bagit::parse::metadata(&text, "bag-info.txt", version);
        for e in elements {
            if REGENERATED_LABELS.contains(&e.label.to_ascii_lowercase().as_str()) {
                continue;
            }
            let clean = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim()
                    .to_owned()
            };
            let label = clean(&e.label);
            // A label of control characters only has nothing left to write (FORMAT.md §4.2:
            // every label has at least one character).
            if !label.is_empty() {
                bag_info.push((label, clean(&e.value)));
            }
        }
    }
    Ok(SourceBag {
        payload: dir.join("data"),
        bag_info,
    })
}
