//! The `intact` command line: one module per subcommand, the exit-code policy, passphrase
//! prompting, progress bars, and `intact demo` with its synthetic fixtures.

pub mod demo;
pub mod passphrase;
