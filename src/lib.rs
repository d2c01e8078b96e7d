//! intact: keep a public archive of evidence provably unaltered.
pub mod bagit;
