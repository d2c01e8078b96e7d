//! `intact demo`: a synthetic sample collection, packed with the public demo key, verified, and
//! a tampered copy rejected — with the commands to repeat each step by hand.
//!
//! Everything the demo writes is synthetic placeholder content, labelled as such. The fixtures
//! (keys, files, the collection) are in `fixtures`, the story step by step in `steps`.

use std::path::{Path, PathBuf};

mod fixtures;
mod steps;

pub use fixtures::{
    demo_allowed_signers, demo_key, synthetic_pdf, synthetic_png, tamper_one_byte,
    write_collection, DEMO_COLLECTION, DEMO_CREATED, DEMO_KEY, DEMO_KEY_PUB, DEMO_PRINCIPAL,
    WITHHELD_ADDRESS, WITHHELD_HELPER,
};

/// The file that marks a directory as the demo's own, so that a rerun may replace it.
const MARKER: &str = ".intact-demo";

/// Why the demo could not run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{path}: exists and was not made by `intact demo`; choose another --out")]
    NotDemoDir { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Step(String),
}

/// What the demo did.
pub struct DemoResult {
    pub transcript: String,
    /// The bundle verified and the tampered copy was rejected.
    pub ok: bool,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to `path`, making its parent directories.
fn write(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(path, bytes).map_err(io(path))
}

/// A library error met in a step of the demo.
fn step(e: impl std::fmt::Display) -> DemoError {
    DemoError::Step(e.to_string())
}

/// Empties `out` (only if it is empty or a previous demo's) and marks it as the demo's.
fn prepare(out: &Path) -> Result<(), DemoError> {
    if out.exists() {
        let empty = std::fs::read_dir(out).map_err(io(out))?.next().is_none();
        if !empty && !out.join(MARKER).exists() {
            return Err(DemoError::NotDemoDir {
                path: out.to_owned(),
            });
        }
        std::fs::remove_dir_all(out).map_err(io(out))?;
    }
    std::fs::create_dir_all(out).map_err(io(out))?;
    write(
        &out.join(MARKER),
        b"made by intact demo; `intact demo` may replace this directory\n",
    )
}

/// Runs the demo in `out`.
pub fn run(out: &Path) -> Result<DemoResult, DemoError> {
    prepare(out)?;
    let mut s = steps::Story::new(out);
    s.keys()?;
    s.collection()?;
    s.pack()?;
    let gate_refused = s.leak_gate()?;
    let trust = s.trust()?;
    let verified = s.verify(&trust)?;
    let rejected = s.tamper(&trust)?;
    let disclosed = s.disclosure()?;
    let second = s.second_release()?;
    let logged = s.release_log(&trust, &second)?;
    let site = s.site(&trust)?;
    let ok = verified && rejected && disclosed && logged && gate_refused && site;
    Ok(DemoResult {
        transcript: s.end(ok),
        ok,
    })
}
