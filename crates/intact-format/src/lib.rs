//! The intact bundle format (docs/FORMAT.md): read, write and verify signed, content-addressed
//! ZIP bundles that hold one BagIt bag.
//!
//! This crate is what a mirror audits: it has no command-line, terminal, environment or
//! leak-gate dependency, it never prompts, and no message names a command-line flag.
//! docs/ARCHITECTURE.md maps each FORMAT.md section to the module that holds it.
//!
//! Three modules hold what every reader shares: [`source`] (where a bundle's bytes come from:
//! any [`source::ReadAt`]), [`limits`] (every bound on untrusted input, with its reason) and
//! [`problem`] (the one finding type, named by its FORMAT.md §9 check).
//! [`verify`](mod@verify) runs the checks of §9, one function each, in `verify/`.

pub mod allowed_signers;
pub mod bag;
pub mod bagpath;
pub mod bundle;
pub mod canonical;
pub mod container;
pub mod digest;
pub mod limits;
pub mod manifest;
pub mod merkle;
pub mod problem;
pub mod progress;
pub mod proof;
pub mod release;
pub mod sign;
pub mod source;
pub mod sshsig;
pub mod timestamp;
pub mod tlog;
pub mod trust;
pub mod verify;

pub use verify::verify;
