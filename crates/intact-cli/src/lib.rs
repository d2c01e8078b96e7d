//! The `intact` command line: one module per subcommand (`cmd`), the exit-code policy (`exit`),
//! passphrase prompting, progress bars, and `intact demo` with its synthetic fixtures.
//!
//! Layers: `main.rs` parses and calls `cmd::Command::run`; each `cmd::*` module parses its
//! flags into library options, calls the `intact` library, and prints; `exit` turns what came
//! back into an exit code and adds the flag names the library never mentions.

/// The exit codes, as every `--help` that lists them says it (README "Exit codes and JSON"):
/// a macro, so that `concat!` can end each command's examples with it.
macro_rules! exit_codes {
    () => {
        "Exit codes: 0 valid or done, 1 not valid or findings, 2 usage, I/O or network error \
(with several targets the worst wins). With --json an error is a JSON object on standard output \
(manifests/schema/error.schema.json)."
    };
}

pub mod cmd;
pub mod demo;
pub mod exit;
mod output;
pub mod passphrase;
mod progress;
