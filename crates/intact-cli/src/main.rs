//! The `intact` binary: parses the flags, runs the subcommand, and ends with the exit code that
//! `intact_cli::exit` assigns to the outcome (0 valid / done / clean, 1 not valid / findings,
//! 2 usage or I/O error).

use clap::Parser;

use intact_cli::cmd::Cli;
use intact_cli::exit::{self, CliError, Outcome};

/// mimalloc: verifying a bundle of many members allocates and frees a name, a path and a record
/// per member on several threads at once, on which glibc's allocator spends about a tenth of
/// the CPU of a tree of small files (docs/PERFORMANCE.md). Built without transparent huge
/// pages (`no_thp`), which would double its peak resident memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let json = exit::json_requested(&args[1.min(args.len())..]);
    let code = match Cli::try_parse_from(&args) {
        Ok(cli) => exit::finish(try_main(cli), json),
        Err(e) => exit::parse_failed(e, json),
    };
    exit::end(code)
}

/// Runs the subcommand the flags name.
fn try_main(cli: Cli) -> Result<Outcome, CliError> {
    cli.command.run()
}
