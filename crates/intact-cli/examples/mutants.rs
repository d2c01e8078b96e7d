//! The benchmark's blind mutation run (`scripts/bench.sh --mutants N`): N seeded mutants of a
//! good bundle — bit flips, byte overwrites, insertions, deletions, chunk copies — each verified
//! in process; prints how many are still valid (FORMAT.md §2.10: none) and exits 1 if any is.
//! The test command runs the same mutator on fewer mutants (`tamper::mutants`).
//!
//! `cargo run --release --example mutants -- BUNDLE ALLOWED_SIGNERS N [SEED [THREADS]]`

use intact_testkit::mutate::{self, Verifier};
use rayon::prelude::*;

fn main() {
    let usage = "usage: mutants BUNDLE ALLOWED_SIGNERS N [SEED [THREADS]]";
    let mut args = std::env::args().skip(1);
    let bundle = std::path::PathBuf::from(args.next().expect(usage));
    let trust = std::path::PathBuf::from(args.next().expect(usage));
    let n: usize = args.next().expect(usage).parse().expect("N");
    let seed: u64 = args.next().map_or(1, |s| s.parse().expect("SEED"));
    let threads: usize = args.next().map_or(2, |t| t.parse().expect("THREADS"));
    let original = std::fs::read(&bundle).expect("read the bundle");
    let scratch = tempfile::tempdir().expect("temp dir");
    let first = Verifier::new(&trust, scratch.path().join("check.zip"));
    assert!(first.is_valid(&original), "the bundle itself must verify");
    // Each worker its own seed, share of the mutants and scratch file.
    let accepted: Vec<String> = (0..threads)
        .into_par_iter()
        .flat_map_iter(|w| {
            let count = n / threads + usize::from(w < n % threads);
            let v = Verifier::new(&trust, scratch.path().join(format!("mutant-{w}.zip")));
            let worker_seed = seed.wrapping_mul(1_000_003).wrapping_add(w as u64);
            mutate::run(&original, count, worker_seed, &v)
                .accepted
                .into_iter()
                .map(move |what| format!("seed {worker_seed}: {what}"))
        })
        .collect();
    println!("{n} mutants, {} valid", accepted.len());
    for a in &accepted {
        println!("  {a}");
    }
    if !accepted.is_empty() {
        std::process::exit(1);
    }
}
