//! Every item's inclusion proof of one release at once. `proof::ProofBuilder::proof` walks the
//! tree again for each item (about n hashes per proof), which is n² for a whole release; the
//! site needs every proof, so here the RFC 9162 tree (FORMAT.md §8) is walked once and each
//! subtree's root is appended to the audit paths of the leaves on its other side: n log n.

use crate::digest::{hex, Sha256Digest};
use crate::manifest::Item;
use crate::merkle::{self, Hash};
use crate::proof::{ProofDocument, ProofSignature, PROOF_FORMAT};

/// The largest power of two smaller than `n` (n > 1): where RFC 9162 splits a list of leaves.
fn split_point(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The root of `leaves`, appending to `paths[i]` (one per leaf, bottom up) the sibling
/// subtree roots of leaf i.
fn walk(leaves: &[Hash], paths: &mut [Vec<Hash>]) -> Hash {
    match leaves.len() {
        0 => merkle::root(&[]),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            let (lp, rp) = paths.split_at_mut(k);
            let left = walk(&leaves[..k], lp);
            let right = walk(&leaves[k..], rp);
            for p in lp.iter_mut() {
                p.push(right);
            }
            for p in rp.iter_mut() {
                p.push(left);
            }
            merkle::node_hash(&left, &right)
        }
    }
}

/// The root and the audit path of every leaf (RFC 9162 §2.1.3.1, bottom up).
pub fn all_audit_paths(leaves: &[Hash]) -> (Hash, Vec<Vec<Hash>>) {
    let mut paths = vec![Vec::new(); leaves.len()];
    let root = walk(leaves, &mut paths);
    (root, paths)
}

/// The audit paths of every item of one release, checked against its signed root: each item's
/// proof document is made from them on demand.
pub struct ReleaseProofs {
    bundle_id: String,
    release_json: String,
    signatures: Vec<ProofSignature>,
    paths: Vec<Vec<Hash>>,
}

impl ReleaseProofs {
    /// `None` when the records are not what `merkle_root` signs.
    pub fn new(
        items: &[Item],
        release_json: &str,
        merkle_root: &str,
        signatures: &[(String, String)],
    ) -> Option<ReleaseProofs> {
        use rayon::prelude::*;
        let leaves: Vec<Hash> = items.par_iter().map(Item::leaf_hash).collect();
        let (root, paths) = all_audit_paths(&leaves);
        if hex(&root) != merkle_root {
            return None;
        }
        Some(ReleaseProofs {
            bundle_id: Sha256Digest::of(release_json.as_bytes()).to_hex(),
            release_json: release_json.to_owned(),
            signatures: signatures
                .iter()
                .map(|(file, signature)| ProofSignature {
                    file: file.clone(),
                    signature: signature.clone(),
                })
                .collect(),
            paths,
        })
    }

    /// The proof document of `item`, leaf `index` of the release.
    pub fn proof(&self, index: usize, item: &Item) -> Option<ProofDocument> {
        let path = self.paths.get(index)?;
        Some(ProofDocument {
            proof: PROOF_FORMAT.into(),
            bundle_id: self.bundle_id.clone(),
            release_json: self.release_json.clone(),
            signatures: self.signatures.clone(),
            item: item.clone(),
            leaf_index: index as u64,
            tree_size: self.paths.len() as u64,
            audit_path: path.iter().map(|h| hex(h.as_slice())).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_audit_path_is_the_one_of_the_format_library_and_verifies() {
        for n in 0..70usize {
            let leaves: Vec<Hash> = (0..n)
                .map(|i| merkle::leaf_hash(&i.to_le_bytes()))
                .collect();
            let (root, paths) = all_audit_paths(&leaves);
            assert_eq!(root, merkle::root(&leaves), "n={n}");
            for (i, p) in paths.iter().enumerate() {
                assert_eq!(
                    Some(p.clone()),
                    merkle::inclusion_proof(i, &leaves),
                    "n={n} i={i}"
                );
                assert!(merkle::verify_inclusion(
                    i as u64, n as u64, &leaves[i], p, &root
                ));
            }
        }
    }
}
