//! The integration tests of `intact`: one test binary, built and linked once, with one module per
//! area. What they share is in the `intact-testkit` crate; the one thing only this package knows,
//! where cargo put the `intact` binary, is handed to the kit here, in [`intact_cmd`].
//!
//! `cargo test -p intact-cli --test it MODULE::` runs one module (e.g. `tamper::`).

mod bagit_cli;
mod bagit_conformance;
mod bagit_interop;
mod bagit_parsers_proptest;
mod bagit_validate;
mod cite;
mod citing_doc;
mod cli;
mod exit_codes;
mod fleet;
mod gate_cli;
mod gate_corpus;
mod gate_fixtures;
mod gate_leak_fixtures;
mod gate_leaks;
mod gate_names;
mod gate_pack;
mod gate_pdf_text;
mod gate_props;
mod log_answers;
mod mirror;
mod mirror_stream;
mod plain_words;
mod redaction;
mod releases;
mod scale;
mod schemas;
mod scrub;
mod scrub_office;
mod scrub_pdf;
mod site;
mod site_core;
mod tamper;
mod timestamps;
mod transparency;
mod trust;
mod vectors;

use std::ffi::OsStr;
use std::process::Output;

use intact_testkit::Cmd;

/// The `intact` binary under test, with a clean environment (see [`Cmd`]).
fn intact_cmd() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_intact"))
}

/// Runs `intact ARGS` with a clean environment (no `INTACT_PASSPHRASE`) and returns its output.
fn intact<S: AsRef<OsStr>>(args: &[S]) -> Output {
    intact_cmd().args(args).output()
}
