//! The `intact` command line: one module per subcommand (`cmd`), the exit-code policy (`exit`),
//! passphrase prompting, progress bars, and `intact demo` with its synthetic fixtures.
//!
//! Layers: `main.rs` parses and calls `cmd::Command::run`; each `cmd::*` module parses its
//! flags into library options, calls the `intact` library, and prints; `exit` turns what came
//! back into an exit code and adds the flag names the library never mentions.

pub mod cmd;
pub mod demo;
pub mod exit;
mod output;
pub mod passphrase;
mod progress;
