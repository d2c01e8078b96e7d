//! Fixity: recompute checksums and compare them with the manifests. Each file is read once, with
//! every algorithm that any manifest uses for it, and files are hashed in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::algorithm::{self, AlgorithmSet};
use super::manifest::Manifest;
use super::report::{Code, Problem};

/// Hashes every present file listed in a manifest with a known algorithm, and reports each
/// entry whose checksum differs.
pub fn check(
    bag: &Path,
    manifests: &[Manifest],
    present: &BTreeSet<String>,
    problems: &mut Vec<Problem>,
) {
    let mut jobs: BTreeMap<&str, AlgorithmSet> = BTreeMap::new();
    for m in manifests {
        let Some(alg) = m.algorithm else { continue };
        for e in m.entries.iter().filter(|e| present.contains(&e.path)) {
            jobs.entry(e.path.as_str()).or_default().insert(alg);
        }
    }
    let jobs: Vec<(&str, AlgorithmSet)> = jobs.into_iter().collect();
    let results: Vec<(&str, std::io::Result<algorithm::Digests>)> = jobs
        .par_iter()
        .map(|&(path, set)| (path, algorithm::hash_file(&bag.join(path), set)))
        .collect();
    let mut digests = BTreeMap::new();
    for (path, result) in results {
        match result {
            Ok(d) => {
                digests.insert(path, d);
            }
            Err(e) => problems.push(Problem::error(
                Code::UnreadableFile,
                path,
                None,
                format!("cannot read: {e}"),
            )),
        }
    }
    for m in manifests {
        let Some(alg) = m.algorithm else { continue };
        for e in &m.entries {
            let Some(actual) = digests.get(e.path.as_str()).and_then(|d| d.get(alg)) else {
                continue;
            };
            if actual != e.checksum {
                problems.push(Problem::error(
                    Code::ChecksumMismatch,
                    &m.file,
                    Some(e.line),
                    format!(
                        "{:?} has {} {actual}, the manifest says {}",
                        e.path,
                        alg.name(),
                        e.checksum
                    ),
                ));
            }
        }
    }
}
