//! `intact check --proof`: offline, from the proof alone.

use std::fs::File;
use std::path::Path;

use super::{
    check_threshold, hash_file, new_report, Appearance, CheckError, CheckMode, CheckProblem,
    CheckReport, CheckStep, ReleaseInfo,
};
use crate::fs::At as _;
use crate::proof::{self, Proof, MAX_PROOF_BYTES};
use crate::release;
use crate::trust::{self, SignatureStatus};
use crate::verify::VerifyOptions;

/// `intact check FILE --proof PROOF`: offline, from the proof alone.
pub fn check_proof(
    file: &Path,
    proof_path: &Path,
    opts: &VerifyOptions,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Proof, file, &d);
    let bytes = read_limited(proof_path, MAX_PROOF_BYTES)?;
    let problem = |check, message: String| CheckProblem {
        check,
        source: proof_path.to_owned(),
        message,
    };
    let p: Proof = match bytes
        .as_deref()
        .map_err(Clone::clone)
        .and_then(proof::parse)
    {
        Ok(p) => p,
        Err(e) => {
            r.problems.push(problem(CheckStep::Proof, e.to_string()));
            return Ok(r);
        }
    };
    let want = p.item_sha256();
    if want != Some(d.sha256) || p.item.size != Some(d.size) {
        r.problems.push(problem(
            CheckStep::File,
            format!(
                "this file (sha256 {}, {} bytes) is not the item the proof is about ('{}': sha256 {}, {} bytes)",
                d.sha256,
                d.size,
                p.item.id,
                p.item.sha256.as_deref().unwrap_or("?"),
                p.item.size.map(|s| s.to_string()).unwrap_or_else(|| "?".into())
            ),
        ));
    }
    if !p.verify_inclusion() {
        r.problems.push(problem(
            CheckStep::Inclusion,
            format!(
                "the audit path does not lead from item '{}' (leaf {} of {}) to the statement's merkle_root: the item record, leaf index or audit path was altered, or the statement is another release's",
                p.item.id, p.leaf_index, p.tree_size
            ),
        ));
    }
    let at = opts
        .at
        .or_else(|| release::parse_created(&p.statement.created));
    let mut signatures = Vec::new();
    if let Some(at) = at {
        for s in &p.signatures {
            let c = trust::check_signature(
                &s.file,
                crate::bag::SIGNATURES_DIR,
                s.signature.as_bytes(),
                &p.release_json,
                &opts.policy,
                &opts.revocations,
                at,
            );
            if c.status.is_broken() {
                r.problems.push(problem(
                    CheckStep::Signatures,
                    format!("{}: {}", s.file, c.detail),
                ));
            }
            signatures.push(c);
        }
    }
    let signers = trust::valid_principals(&signatures);
    if signers.len() < opts.threshold {
        let why: Vec<String> = signatures
            .iter()
            .filter(|c| c.status != SignatureStatus::Valid)
            .map(|c| c.detail.clone())
            .collect();
        r.problems.push(problem(
            CheckStep::Signatures,
            format!(
                "{} valid signature(s) by trusted principals; {} required{}",
                signers.len(),
                opts.threshold,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join("; "))
                }
            ),
        ));
    }
    r.valid = r.problems.is_empty();
    let s = &p.statement;
    r.releases.push(ReleaseInfo {
        source: proof_path.to_owned(),
        valid: r.valid,
        bundle_id: Some(p.bundle_id.clone()),
        collection: Some(s.collection.clone()),
        release: Some(s.release.clone()),
        created: Some(s.created.clone()),
        previous: s.previous.clone(),
        signers: signers.clone(),
        signatures,
        timestamps: None,
    });
    if r.valid {
        r.found.push(Appearance {
            source: proof_path.to_owned(),
            collection: s.collection.clone(),
            release: s.release.clone(),
            created: s.created.clone(),
            bundle_id: p.bundle_id.clone(),
            signers,
            item: p.item.clone(),
            leaf_index: p.leaf_index,
            status: None,
            superseded_by: None,
            withdrawn_by: None,
        });
    }
    Ok(r)
}

/// Reads a file of at most `limit` bytes: `Ok(Err(_))` when it is larger (a finding, not I/O).
fn read_limited(path: &Path, limit: u64) -> Result<Result<Vec<u8>, proof::ProofError>, CheckError> {
    use std::io::Read;
    let f = File::open(path).at(path)?;
    let mut buf = Vec::new();
    f.take(limit + 1).read_to_end(&mut buf).at(path)?;
    Ok(if buf.len() as u64 > limit {
        Err(proof::ProofError::TooLarge)
    } else {
        Ok(buf)
    })
}
