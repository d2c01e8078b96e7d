//! Test kit for `intact`: what the integration tests of `crates/intact-cli/tests/it/` share.
//!
//! # Running the binary
//!
//! [`Cmd`] is the one way a test starts the `intact` binary. It clears the environment and sets
//! only `PATH` (inherited), `TMPDIR` (the harness's temp dir) and `HOME` (a fresh empty directory
//! per run), so nothing from the shell that runs `cargo test` — an `INTACT_PASSPHRASE` above
//! all — reaches the binary unless a test passes it with [`Cmd::env`].
//!
//! Where the binary is: only the `intact-cli` package's own tests know it, through
//! `env!("CARGO_BIN_EXE_intact")` at compile time, so the test binary hands that path to the kit
//! once, in `crates/intact-cli/tests/it/main.rs`:
//!
//! ```text
//! fn intact_cmd() -> intact_testkit::Cmd {
//!     intact_testkit::Cmd::new(env!("CARGO_BIN_EXE_intact"))
//! }
//! ```
//!
//! and every test goes through that function: `intact(args)` is its shorthand that runs it and
//! returns the [`Output`]; a test that needs more builds on it
//! (`intact_cmd().args(…).current_dir(dir).env("INTACT_PASSPHRASE", "…").output()`). The kit
//! itself never guesses where cargo put the binary.
//!
//! # The rest
//!
//! - the repository ([`repo`], where `keys/`, `docs/` and `tests/vectors/` are), the demo keys
//!   ([`key`], [`demo_key`], [`trust_file`]) and small file and output helpers;
//! - [`rawzip`]: ZIP files at the byte level — parse one into its entries with every header field,
//!   change any field, write it back, exactly as given (no validation);
//! - [`mutate`]: blind, seeded mutation of a bundle (bit flips, insertions, deletions, chunk
//!   copies) and an in-process verifier to count the mutants still called valid;
//! - [`bundle`]: a bundle as bag path → bytes, and forging its tag files consistently up to a
//!   chosen layer (manifests, `manifest.json`, `release.json`, signatures);
//! - synthetic files for the leak gate: [`pdf`] (with incremental updates), [`jpeg`] (EXIF in TIFF
//!   layout, GPS, thumbnails), [`office`] (DOCX/ODT zips), PNG and a plain PDF from
//!   [`intact_cli::demo`] ([`synthetic_png`], [`synthetic_pdf`]), and [`gate`]: the invented names
//!   and a deny-list over them;
//! - [`tsa`]: a real RFC 3161 time-stamping authority (`openssl ts -reply`) on 127.0.0.1.

pub mod bundle;
pub mod gate;
pub mod jpeg;
pub mod mutate;
pub mod office;
pub mod pdf;
pub mod rawzip;
pub mod server;
pub mod tsa;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest as _, Sha256};

pub use intact_cli::demo::{demo_allowed_signers, synthetic_pdf, synthetic_png};

/// A run of a program (the `intact` binary, see the crate doc) with a clean environment.
pub struct Cmd {
    command: Command,
}

impl Cmd {
    /// `program` with no arguments and only `PATH` and `TMPDIR` in its environment (`HOME` is
    /// added when it runs).
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        let mut command = Command::new(program);
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.env("TMPDIR", std::env::temp_dir());
        Cmd { command }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets one environment variable for this run (e.g. `INTACT_PASSPHRASE`).
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cmd {
        self.command.env(key, value);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.command.current_dir(dir);
        self
    }

    /// Runs it to the end with stdin closed and returns what it printed and its exit status;
    /// panics only if it cannot be started. `HOME` is an empty directory that lives for this run
    /// only, unless the test set one.
    pub fn output(mut self) -> Output {
        let home = tempfile::tempdir().expect("a temp dir for HOME");
        if !self.command.get_envs().any(|(k, _)| k == "HOME") {
            self.command.env("HOME", home.path());
        }
        let program = Path::new(self.command.get_program()).display().to_string();
        self.command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }
}

/// The exit code, -1 when the process was killed by a signal.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Everything the command printed, stdout then stderr.
pub fn text(o: &Output) -> String {
    stdout(o) + &stderr(o)
}

/// The repository root (where `keys/`, `docs/`, `manifests/` and `tests/vectors/` are; the
/// shared corpora are at `repo().join("../shared/corpora")`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/intact-testkit is two levels below the repository root")
        .to_owned()
}

/// A demo key in `keys/` (public, not secret): `demo-office`, `demo-registrar`, `demo-archivist`.
pub fn key(name: &str) -> PathBuf {
    repo().join("keys").join(format!("{name}.key"))
}

/// The demo office's key, which `intact demo` and [`demo_allowed_signers`] use.
pub fn demo_key() -> PathBuf {
    key("demo-office")
}

/// Writes `dir/allowed_signers` trusting the demo office's key; returns its path.
pub fn trust_file(dir: &Path) -> PathBuf {
    let p = dir.join("allowed_signers");
    std::fs::write(&p, demo_allowed_signers()).unwrap();
    p
}

/// An allowed_signers line for a demo key, written by hand from its `.pub`.
pub fn allowed_signers_line(name: &str) -> String {
    let text = std::fs::read_to_string(repo().join("keys").join(format!("{name}.key.pub")))
        .expect("read demo public key");
    let mut parts = text.split_whitespace();
    let (t, k) = (parts.next().unwrap(), parts.next().unwrap());
    format!("{name} namespaces=\"intact-release\" {t} {k}\n")
}

/// A path as a `&str` argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Writes `data` to `path`, creating its parent directories.
pub fn write_file(path: &Path, data: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|x| format!("{x:02x}")).collect()
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
