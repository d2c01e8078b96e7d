//! Blind mutation (FORMAT.md §2.10): seeded bit flips, byte overwrites, insertions, deletions
//! and chunk copies of the base bundle, each verified in this process; none may be valid. A
//! mutant in member data is caught by a digest, one anywhere else by the canonical layout.
//! `scripts/bench.sh --mutants N` runs more.

use intact_testkit::mutate::{self, Verifier};

use super::*;

/// Mutants per run of the test command (about 15 s in a debug build).
pub const MUTANTS: usize = 3000;
/// The seed of the test command's run (the benchmark's run starts from another).
pub const SEED: u64 = 14;

#[test]
fn blind_mutants_of_a_good_bundle_are_never_valid() {
    let fx = Fixture::new();
    let v = Verifier::new(&fx.trust, fx.scratch("mutant.zip"));
    assert!(v.is_valid(&fx.bytes), "the base bundle must verify");
    let run = mutate::run(&fx.bytes, MUTANTS, SEED, &v);
    assert!(
        run.accepted.is_empty(),
        "{} of {} mutants (seed {SEED}) still verify:\n{}",
        run.accepted.len(),
        run.mutants,
        run.accepted.join("\n")
    );
}
