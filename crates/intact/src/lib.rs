//! intact: operations on bundles — pack, sign, cite, check, extract, inspect, diff, the release
//! log, item metadata and redaction commitments.
//!
//! The format itself (reading, writing and verifying a bundle) is the `intact-format` crate,
//! re-exported here module by module; the leak gate and the BagIt validator are the
//! `intact-gate` and `intact-bagit` crates. Every operation returns a typed result; the
//! `intact` binary (crate `intact-cli`) only parses flags, prints and maps results to exit codes.

pub use intact_bagit as bagit;
pub use intact_format::{
    allowed_signers, bag, bagpath, bundle, canonical, container, digest, limits, manifest, merkle,
    problem, progress, proof, release, sign, source, sshsig, tlog, trust, verify,
};
pub use intact_gate as gate;

pub mod archive;
pub mod check;
pub mod cite;
pub mod cosign;
pub mod deny_list;
pub mod diff;
pub mod extract;
pub mod fs;
pub mod inspect;
pub mod keygen;
pub mod log;
pub mod metadata;
pub mod mirror;
pub mod net;
pub mod note_keygen;
pub mod pack;
pub mod redaction;
pub mod scrub;
pub mod site;
pub mod staging;
pub mod timestamp;

pub use check::{check_bundle, check_log, check_proof};
pub use cite::cite;
pub use keygen::keygen;
pub use pack::pack;
