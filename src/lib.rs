//! intact: keep a public archive of evidence provably unaltered.
pub mod gate;
