//! Blind mutation of a bundle: seeded, reproducible changes that know nothing of the format —
//! bit flips, byte overwrites, insertions, deletions and chunk copies at random offsets — and a
//! run that counts the mutants `intact` still calls valid (FORMAT.md §2.10 says none may be).
//!
//! Used by the test command (a few thousand mutants, `tamper::mutants`) and by the benchmark
//! (`scripts/bench.sh --mutants N`, through `examples/mutants.rs`).

use std::path::{Path, PathBuf};

use intact::trust::{Revocations, TrustPolicy};
use intact::verify::{self, VerifyOptions};

/// SplitMix64: a small, seeded, reproducible generator (no dependency, same stream everywhere).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// One mutant of `original` (never equal to it), and what was done, to reproduce it.
pub fn mutant(original: &[u8], rng: &mut Rng) -> (Vec<u8>, String) {
    loop {
        let mut b = original.to_vec();
        let len = b.len();
        let at = rng.below(len);
        let what = match rng.below(6) {
            0 => {
                let bit = rng.below(8);
                b[at] ^= 1 << bit;
                format!("flip bit {bit} of byte {at}")
            }
            1 => {
                let v = rng.below(256) as u8;
                b[at] = v;
                format!("byte {at} := {v:#04x}")
            }
            2 => {
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
                b.splice(at..at, bytes);
                format!("insert {n} random byte(s) at {at}")
            }
            3 => {
                let n = (1 + rng.below(16)).min(len - at);
                b.drain(at..at + n);
                format!("delete {n} byte(s) at {at}")
            }
            4 => {
                let from = rng.below(len);
                let n = (1 + rng.below(64)).min(len - from).min(len - at);
                b.copy_within(from..from + n, at);
                format!("copy {n} byte(s) from {from} over {at}")
            }
            _ => {
                let from = rng.below(len);
                let n = (1 + rng.below(64)).min(len - from);
                let chunk = original[from..from + n].to_vec();
                b.splice(at..at, chunk);
                format!("insert a copy of {n} byte(s) from {from} at {at}")
            }
        };
        if b != original {
            return (b, what);
        }
    }
}

/// Verifies bundles in this process (the library `intact verify` runs), each written to the one
/// scratch file, against one `allowed_signers` file.
pub struct Verifier {
    opts: VerifyOptions,
    scratch: PathBuf,
}

impl Verifier {
    /// A verifier trusting `allowed_signers`, writing candidates to `scratch`.
    pub fn new(allowed_signers: &Path, scratch: PathBuf) -> Verifier {
        let opts = VerifyOptions {
            policy: TrustPolicy::load(allowed_signers).expect("allowed_signers"),
            revocations: Revocations::default(),
            threshold: 1,
            at: None,
            skip_payload: false,
            skip_threshold: false,
        };
        Verifier { opts, scratch }
    }

    /// Whether `intact verify` calls these bytes a valid bundle.
    pub fn is_valid(&self, bundle: &[u8]) -> bool {
        std::fs::write(&self.scratch, bundle).expect("write the scratch bundle");
        verify::verify(&self.scratch, &self.opts)
            .map(|r| r.valid)
            .unwrap_or(false)
    }
}

/// What a run of mutants found.
pub struct Run {
    pub mutants: usize,
    /// The mutants still called valid: what was done to each.
    pub accepted: Vec<String>,
}

/// Makes `count` mutants of `original` from `seed` and verifies each.
pub fn run(original: &[u8], count: usize, seed: u64, verifier: &Verifier) -> Run {
    let mut rng = Rng::new(seed);
    let mut accepted = Vec::new();
    for _ in 0..count {
        let (b, what) = mutant(original, &mut rng);
        if verifier.is_valid(&b) {
            accepted.push(what);
        }
    }
    Run {
        mutants: count,
        accepted,
    }
}
