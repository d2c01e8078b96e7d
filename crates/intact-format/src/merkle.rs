//! RFC 9162 §2.1 Merkle trees: the root over the item records that `release.json` signs, and
//! inclusion proofs that tie one item to it with about log2(n) hashes.

use sha2::{Digest as _, Sha256};

/// A node or leaf hash.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Largest power of two strictly smaller than `n` (n ≥ 2).
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    let mut k = 1usize;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// Merkle Tree Hash of a list of leaf hashes; SHA-256 of the empty string for no leaves.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest(b"").into(),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path for leaf `index` (RFC 9162 §2.1.3.1), bottom up. `None` if out of range.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    collect_path(index, leaves, &mut path);
    Some(path)
}

fn collect_path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        collect_path(m, &leaves[..k], out);
        out.push(root(&leaves[k..]));
    } else {
        collect_path(m - k, &leaves[k..], out);
        out.push(root(&leaves[..k]));
    }
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2): whether `leaf` is leaf `index` of a tree of
/// `size` leaves whose root is `expected_root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    expected_root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let mut f_n = index;
    let mut s_n = size - 1;
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && &r == expected_root
}

/// The roots of every prefix of `leaves`: element k−1 is `root(&leaves[..k])`. In O(n log n)
/// hashes, by keeping the perfect subtrees of the prefix (a binary counter) and folding them
/// from the right, which is RFC 9162's split at the largest power of two.
pub fn prefix_roots(leaves: &[Hash]) -> Vec<Hash> {
    let mut out = Vec::with_capacity(leaves.len());
    // Perfect subtrees of the prefix, left to right, with their sizes.
    let mut stack: Vec<(u64, Hash)> = Vec::new();
    for leaf in leaves {
        let mut node = (1u64, *leaf);
        while stack.last().is_some_and(|(size, _)| *size == node.0) {
            let (size, left) = stack.pop().unwrap_or_default();
            node = (size * 2, node_hash(&left, &node.1));
        }
        stack.push(node);
        let mut r = stack[stack.len() - 1].1;
        for (_, h) in stack[..stack.len() - 1].iter().rev() {
            r = node_hash(h, &r);
        }
        out.push(r);
    }
    out
}

/// The consistency proof from the tree of the first `first` leaves to the tree of all `leaves`
/// (RFC 9162 §2.1.4.1, `PROOF(m, D[n])`). Empty when `first` is 0 or equals the size (nothing
/// to prove); `None` when `first` is larger than the tree.
pub fn consistency_proof(first: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if first > leaves.len() {
        return None;
    }
    let mut path = Vec::new();
    if first > 0 && first < leaves.len() {
        subproof(first, leaves, true, &mut path);
    }
    Some(path)
}

/// `SUBPROOF(m, D[n], b)` of RFC 9162 §2.1.4.1 (0 < m ≤ n).
fn subproof(m: usize, leaves: &[Hash], whole: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            out.push(root(leaves));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, out);
        out.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(root(&leaves[..k]));
    }
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2): whether the tree of `first` leaves with root
/// `first_root` is a prefix of the tree of `second` leaves with root `second_root`. Equal sizes
/// need an empty proof and equal roots; the empty tree (size 0) is a prefix of every tree.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> bool {
    if first > second {
        return false;
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    if first == 0 {
        return proof.is_empty();
    }
    // Step 1: a proof between different sizes is never empty.
    let Some((&head, rest)) = proof.split_first() else {
        return false;
    };
    // Step 2: when `first` is a power of two its root is the first node of the path.
    let (seed, path): (Hash, &[Hash]) = if first.is_power_of_two() {
        (*first_root, proof)
    } else {
        (head, rest)
    };
    // Steps 3 and 4.
    let mut f_n = first - 1;
    let mut s_n = second - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (seed, seed);
    // Step 6.
    for c in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    // Step 7.
    s_n == 0 && &fr == first_root && &sr == second_root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("item {i}").as_bytes()))
            .collect()
    }

    /// An independent, level-by-level computation: pair up nodes left to right and promote an
    /// odd last node unchanged, which yields the same tree as the recursive split.
    fn root_by_levels(mut level: Vec<Hash>) -> Hash {
        if level.is_empty() {
            return Sha256::digest(b"").into();
        }
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|c| {
                    if c.len() == 2 {
                        node_hash(&c[0], &c[1])
                    } else {
                        c[0]
                    }
                })
                .collect();
        }
        level[0]
    }

    #[test]
    fn empty_tree_root() {
        assert_eq!(
            crate::digest::hex(&root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn roots_match_level_computation_and_every_proof_verifies() {
        for n in 1..=70 {
            let l = leaves(n);
            let r = root(&l);
            assert_eq!(r, root_by_levels(l.clone()), "size {n}");
            for (i, leaf) in l.iter().enumerate() {
                let p = inclusion_proof(i, &l).unwrap();
                assert!(
                    verify_inclusion(i as u64, n as u64, leaf, &p, &r),
                    "size {n} index {i}"
                );
                let other = (i + 1) % n;
                if other != i {
                    assert!(!verify_inclusion(other as u64, n as u64, leaf, &p, &r));
                }
                if let Some(first) = p.first() {
                    let mut bad = p.clone();
                    bad[0][0] ^= 1;
                    assert!(!verify_inclusion(i as u64, n as u64, leaf, &bad, &r));
                    assert!(!verify_inclusion(i as u64, n as u64, first, &p, &r) || first == leaf);
                }
            }
        }
    }

    #[test]
    fn proof_length_is_logarithmic() {
        let l = leaves(100_000);
        let p = inclusion_proof(54_321, &l).unwrap();
        assert!(p.len() <= 17);
    }

    #[test]
    fn out_of_range() {
        assert!(inclusion_proof(3, &leaves(3)).is_none());
        assert!(!verify_inclusion(3, 3, &[0; 32], &[], &[0; 32]));
    }

    #[test]
    fn every_consistency_proof_verifies_and_a_changed_one_does_not() {
        for n in 1..=40 {
            let l = leaves(n);
            let r = root(&l);
            for m in 0..=n {
                let p = consistency_proof(m, &l).unwrap();
                let rm = root(&l[..m]);
                assert!(
                    verify_consistency(m as u64, n as u64, &rm, &r, &p),
                    "{m} {n}"
                );
                if m > 0 && m < n {
                    assert!(!p.is_empty());
                    for i in 0..p.len() {
                        let mut bad = p.clone();
                        bad[i][5] ^= 1;
                        assert!(!verify_consistency(m as u64, n as u64, &rm, &r, &bad));
                    }
                    let mut short = p.clone();
                    short.pop();
                    assert!(!verify_consistency(m as u64, n as u64, &rm, &r, &short));
                    let mut long = p.clone();
                    long.push(r);
                    assert!(!verify_consistency(m as u64, n as u64, &rm, &r, &long));
                    // A different first tree (one leaf changed) is not a prefix.
                    let mut other = l.clone();
                    other[m - 1][0] ^= 1;
                    let ro = root(&other[..m]);
                    assert!(!verify_consistency(m as u64, n as u64, &ro, &r, &p));
                    assert!(!verify_consistency(m as u64 + 1, n as u64, &rm, &r, &p) || m + 1 == n);
                }
            }
            assert!(consistency_proof(n + 1, &l).is_none());
            assert!(!verify_consistency(n as u64 + 1, n as u64, &r, &r, &[]));
        }
    }

    /// RFC 9162's worked example (§2.1.5, the tree of 7 leaves d0…d6): the proof from 3 to 7 is
    /// [c, d, g, l], from 4 to 7 [l], from 6 to 7 [i, j, k].
    #[test]
    fn consistency_proofs_of_the_rfc_example() {
        let l = leaves(7);
        let c = l[2];
        let d = l[3];
        let g = node_hash(&l[0], &l[1]);
        let i = node_hash(&l[4], &l[5]);
        let j = l[6];
        let k = node_hash(&g, &node_hash(&c, &d));
        let ll = node_hash(&i, &j);
        assert_eq!(consistency_proof(3, &l).unwrap(), vec![c, d, g, ll]);
        assert_eq!(consistency_proof(4, &l).unwrap(), vec![ll]);
        assert_eq!(consistency_proof(6, &l).unwrap(), vec![i, j, k]);
    }

    #[test]
    fn prefix_roots_are_the_roots_of_every_prefix() {
        let l = leaves(100);
        let p = prefix_roots(&l);
        assert_eq!(p.len(), 100);
        for k in 1..=100 {
            assert_eq!(p[k - 1], root(&l[..k]), "{k}");
        }
        assert!(prefix_roots(&[]).is_empty());
    }
}
