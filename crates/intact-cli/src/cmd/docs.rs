//! `intact completions SHELL` and `intact man`: shell completions and manual pages, generated
//! from the same flag definitions as `--help` (clap_complete, clap_mangen).

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use crate::exit::{CliError, Outcome};
use crate::output::{json, out};

#[derive(Args)]
#[command(after_help = "Examples:
  intact completions bash > ~/.local/share/bash-completion/completions/intact
  intact completions zsh -o ~/.zfunc/_intact      # with fpath+=~/.zfunc in ~/.zshrc
  intact completions fish -o ~/.config/fish/completions/intact.fish")]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: clap_complete::Shell,
    /// Write the script to this file (atomically) instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
    /// With --out, print the file written as JSON.
    #[arg(long, requires = "out")]
    json: bool,
}

impl CompletionsArgs {
    /// The top-level entry point for `intact completions`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let mut cmd = super::Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(self.shell, &mut cmd, "intact", &mut script);
        match &self.out {
            Some(path) => {
                write(path, &script)?;
                written(self.json, std::slice::from_ref(path));
            }
            None => out(&String::from_utf8_lossy(&script)),
        }
        Ok(Outcome::Done)
    }
}

#[derive(Args)]
#[command(after_help = "Examples:
  intact man | man -l -
  intact man -o ~/.local/share/man/man1     # intact.1 and intact-verify.1, intact-log-append.1, …")]
pub struct ManArgs {
    /// Write intact.1 and one page per subcommand (intact-verify.1, …) into this directory
    /// (created if missing) instead of printing intact.1.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// With --out, print the files written as JSON.
    #[arg(long, requires = "out")]
    json: bool,
}

impl ManArgs {
    /// The top-level entry point for `intact man`.
    pub fn run(self) -> Result<Outcome, CliError> {
        let cmd = super::Cli::command();
        match &self.out {
            None => out(&String::from_utf8_lossy(&page(cmd)?)),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
                let mut files = Vec::new();
                pages(cmd, "intact", dir, &mut files)?;
                written(self.json, &files);
            }
        }
        Ok(Outcome::Done)
    }
}

/// One manual page (roff) of `cmd`.
fn page(cmd: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(CliError::Stdout)?;
    Ok(buf)
}

/// Writes the page of `cmd` as `NAME.1` into `dir`, then one for each of its subcommands
/// (`NAME-SUB.1`), adding each file to `files`.
fn pages(
    cmd: clap::Command,
    name: &str,
    dir: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let cmd = cmd.name(name.to_owned());
    let path = dir.join(format!("{name}.1"));
    write(&path, &page(cmd.clone())?)?;
    files.push(path);
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let sub_name = format!("{name}-{}", sub.get_name());
        pages(sub.clone(), &sub_name, dir, files)?;
    }
    Ok(())
}

fn io(path: &Path, e: std::io::Error) -> CliError {
    CliError::Io(intact::fs::PathError::new(path, e))
}

/// Writes a generated file atomically (replacing an older one).
fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    intact::fs::write_atomically(path, bytes, intact::fs::Mode::Public, true)
        .map_err(|e| CliError::Io(e.into_path_error()))
}

/// `--json` with `--out` (format `intact-docs/1`), or one line per file on standard error.
fn written(as_json: bool, files: &[PathBuf]) {
    if as_json {
        out(&json(&serde_json::json!({
            "report": "intact-docs/1",
            "files": files,
        })));
    } else {
        for f in files {
            eprintln!("wrote {}", f.display());
        }
    }
}
