//! intact: keep a public archive of evidence provably unaltered.
//!
//! A release of case materials is packed into a signed, content-addressed ZIP bundle holding
//! one BagIt bag (docs/FORMAT.md). Every command of the `intact` binary is a function here that
//! returns a typed result; the binary only parses flags, prints and maps results to exit codes.

pub mod archive;
pub mod bag;
pub mod bagit;
pub mod bagpath;
pub mod bundle;
pub mod canonical;
pub mod cite;
pub mod container;
pub mod cosign;
pub mod demo;
pub mod diff;
pub mod digest;
pub mod extract;
pub mod gate;
pub mod inspect;
pub mod keygen;
pub mod log;
pub mod manifest;
pub mod merkle;
pub mod metadata;
pub mod pack;
pub mod passphrase;
pub mod progress;
pub mod proof;
pub mod redaction;
pub mod release;
pub mod sign;
pub mod staging;
pub mod trust;
pub mod verify;

pub use cite::{check_bundle, check_log, check_proof, cite};
pub use keygen::keygen;
pub use pack::pack;
pub use verify::verify;
