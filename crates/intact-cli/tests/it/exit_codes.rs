//! One exit-code policy for every command (README "Exit codes"): 0 valid or done, 1 not valid or
//! findings, 2 usage, I/O or network — and under `--json` an error is an error object on
//! standard output (manifests/schema/error.schema.json). Here: an I/O error is 2 for every
//! command, and with several targets the worst wins.

use std::path::{Path, PathBuf};

use intact_testkit::{code, s, stderr, stdout};
use serde_json::Value;

use crate::intact;

/// A demo directory (keys, bundles, log, collection) in a temporary directory.
fn demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = intact(&["demo", "--out", s(&demo)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (tmp, demo)
}

/// Every command, run with one input missing (`missing`): its arguments.
fn commands_with_a_missing_input(demo: &Path, t: &Path) -> Vec<Vec<String>> {
    let missing = t.join("missing");
    let m = s(&missing).to_owned();
    let trust = s(&demo.join("keys/allowed_signers")).to_owned();
    let r1 = s(&demo.join("release-1.zip")).to_owned();
    let key = s(&demo.join("keys/demo-office.key")).to_owned();
    let out = |n: &str| s(&t.join(n)).to_owned();
    let a = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    let blocker = t.join("a-file");
    std::fs::write(&blocker, "not a directory\n").unwrap();
    let under_file = s(&blocker.join("sub")).to_owned();
    vec![
        a(&["keygen", "--out", &format!("{m}/k"), "--no-passphrase"]),
        a(&[
            "pack",
            &m,
            "--collection",
            "c",
            "--release",
            "r1",
            "-o",
            &out("p.zip"),
            "--no-deny-list",
            "--unsigned",
        ]),
        a(&["verify", &m, "--trust", &trust]),
        a(&["verify", &r1, "--trust", &m]),
        a(&["sign", &m, "--key", &key]),
        a(&["statement", &m]),
        a(&["attach", &r1, &m]),
        a(&["cite", &m, "--id", "T-101-001", "-o", &out("c.json")]),
        a(&["check", &m, "--bundle", &r1, "--trust", &trust]),
        a(&["check", &trust, "--bundle", &m, "--trust", &trust]),
        a(&["demo", "--out", &under_file]),
        a(&["log", "append", &under_file, &r1, "--trust", &trust]),
        a(&["log", "verify", &m, "--trust", &trust]),
        a(&["log", "status", &m]),
        a(&["diff", &m, &r1]),
        a(&["extract", &m, "--to", &out("x"), "--trust", &trust]),
        a(&["scan", &m]),
        a(&["inspect", &m]),
        a(&[
            "redaction",
            "prove",
            "--ledger",
            &m,
            "--original",
            &trust,
            "--bundle",
            &r1,
            "--item",
            "T-101-001",
            "-o",
            &out("d.json"),
        ]),
        a(&[
            "redaction",
            "verify",
            &m,
            "--original",
            &trust,
            "--bundle",
            &r1,
            "--trust",
            &trust,
        ]),
        a(&["bagit", "validate", &m]),
        a(&["deny-list", "expand", &m, "-o", &out("expanded.txt")]),
        a(&["completions", "bash", "-o", &format!("{m}/intact.bash")]),
        a(&["man", "-o", &under_file]),
    ]
}

#[test]
fn an_io_error_is_2_for_every_command_and_json_on_stdout_with_json() {
    let (tmp, demo) = demo();
    for args in commands_with_a_missing_input(&demo, tmp.path()) {
        let o = intact(&args);
        assert_eq!(code(&o), 2, "intact {args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("intact: error: "),
            "intact {args:?}: {}",
            stderr(&o)
        );
        let mut json = args.clone();
        json.push("--json".into());
        let o = intact(&json);
        assert_eq!(code(&o), 2, "intact {json:?}: {}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o))
            .unwrap_or_else(|e| panic!("intact {json:?}: stdout not JSON ({e}): {}", stdout(&o)));
        assert_eq!(v["report"], "intact-error/1", "intact {json:?}: {v}");
        assert_eq!(v["exit"], 2, "intact {json:?}: {v}");
        assert_eq!(v["code"], "io", "intact {json:?}: {v}");
        assert!(v["path"].is_string(), "intact {json:?}: {v}");
    }
}

#[test]
fn a_usage_error_is_2_and_json_with_json() {
    let o = intact(&["verify", "--no-such-flag", "--json"]);
    assert_eq!(code(&o), 2);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["code"], "usage");
    // --help and --version are not errors.
    assert_eq!(code(&intact(&["verify", "--help"])), 0);
    assert_eq!(code(&intact(&["--version"])), 0);
}

#[test]
fn several_targets_the_worst_wins_and_each_has_a_line() {
    let (tmp, demo) = demo();
    let trust = demo.join("keys/allowed_signers");
    let good = demo.join("release-1.zip");
    let bad = demo.join("release-1-tampered.zip");
    let missing = tmp.path().join("missing.zip");
    let run = |targets: &[&Path]| {
        let mut args: Vec<&str> = vec!["verify"];
        args.extend(targets.iter().map(|p| s(p)));
        args.extend(["--trust", s(&trust)]);
        intact(&args)
    };
    assert_eq!(code(&run(&[&good, &good])), 0);
    assert_eq!(code(&run(&[&good, &bad])), 1);
    assert_eq!(code(&run(&[&bad, &good])), 1);
    assert_eq!(code(&run(&[&missing, &bad])), 2);
    let o = run(&[&good, &bad, &missing]);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(out.contains(&format!("VALID: {}", s(&good))), "{out}");
    assert!(out.contains(&format!("NOT VALID: {}", s(&bad))), "{out}");
    assert!(
        out.ends_with("total: 3 bundle(s): 1 valid, 1 not valid, 1 could not be checked\n"),
        "{out}"
    );
    assert!(stderr(&o).contains(&format!("intact: error: {}", s(&missing))));
    // --quiet: nothing for what is valid, no total.
    let o = intact(&["verify", s(&good), s(&bad), "--trust", s(&trust), "--quiet"]);
    assert_eq!(code(&o), 1);
    assert!(!stdout(&o).contains(&format!("VALID: {}", s(&good))));
    assert!(stdout(&o).contains(&format!("NOT VALID: {}", s(&bad))));
    assert!(!stdout(&o).contains("total:"));
    let o = intact(&["verify", s(&good), "--trust", s(&trust), "-q"]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, ""));
    // check: several files against one bundle.
    let readme = demo.join("collection/README.txt");
    let o = intact(&[
        "check",
        s(&readme),
        s(&trust),
        s(&missing),
        "--bundle",
        s(&good),
        "--trust",
        s(&trust),
    ]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("total: 3 file(s): 1 valid, 1 not valid, 1 could not be checked\n")
    );
}

#[test]
fn log_verify_of_a_missing_log_is_2_not_not_valid() {
    let (tmp, demo) = demo();
    let missing = tmp.path().join("nosuchlog");
    let trust = demo.join("keys/allowed_signers");
    let o = intact(&["log", "verify", s(&missing), "--trust", s(&trust)]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(!stdout(&o).contains("NOT VALID"));
}

#[test]
fn help_of_the_main_commands_ends_with_examples_and_exit_codes() {
    for cmd in ["pack", "verify", "check", "cite", "log", "scan"] {
        let o = intact(&[cmd, "--help"]);
        assert_eq!(code(&o), 0);
        let help = stdout(&o);
        let examples = help
            .find("\nExamples:\n")
            .unwrap_or_else(|| panic!("{cmd}: {help}"));
        let tail = &help[examples..];
        let lines = tail.lines().filter(|l| l.starts_with("  intact ")).count();
        assert!((2..=3).contains(&lines), "{cmd}: {tail}");
        assert!(
            tail.lines()
                .all(|l| !l.starts_with("  intact ") || l.contains(&format!("intact {cmd} "))),
            "{cmd}: {tail}"
        );
        assert!(
            tail.trim_end()
                .lines()
                .last()
                .unwrap()
                .starts_with("Exit codes: 0 valid or done, 1 not valid or findings, 2 usage, I/O"),
            "{cmd}: {tail}"
        );
    }
    // completions and man build from the same definitions
    let o = intact(&["completions", "bash"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("_intact()"), "{}", stdout(&o));
    assert!(stdout(&o).contains("--allowed-signers"));
    let o = intact(&["man"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains(".TH intact 1"), "{}", stdout(&o));
    let dir = tempfile::tempdir().unwrap();
    let o = intact(&["man", "-o", s(dir.path())]);
    assert_eq!(code(&o), 0);
    for page in [
        "intact.1",
        "intact-verify.1",
        "intact-log-append.1",
        "intact-bagit-validate.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn log_append_of_the_head_again_is_done_and_says_so() {
    let (tmp, demo) = demo();
    let trust = demo.join("keys/allowed_signers");
    let log = tmp.path().join("log");
    let append = |b: &str| {
        intact(&[
            "log",
            "append",
            s(&log),
            s(&demo.join(b)),
            "--trust",
            s(&trust),
        ])
    };
    assert_eq!(code(&append("release-1.zip")), 0);
    let before = std::fs::read_dir(&log).unwrap().count();
    let o = append("release-1.zip");
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "already in the log: release release-1 is entry 000001, the head of {}; nothing to do\n",
            s(&log)
        )
    );
    assert_eq!(std::fs::read_dir(&log).unwrap().count(), before);
    assert_eq!(code(&append("release-2.zip")), 0);
    // Below the head: one line, not appended.
    let o = append("release-1.zip");
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.contains("already in the log as entry 000001, below the head"),
        "{out}"
    );
}

/// Runs `intact ARGS` in a pseudo-terminal (`script`), as a person at a terminal would:
/// everything it drew, and its exit code.
fn in_a_terminal(args: &[&str]) -> (i32, String) {
    let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
    let mut line = quote(env!("CARGO_BIN_EXE_intact"));
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    let o = intact_testkit::Cmd::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", "xterm")
        .output();
    (code(&o), format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn long_runs_show_progress_at_a_terminal_and_quiet_shows_nothing() {
    let (tmp, demo) = demo();
    let trust = demo.join("keys/allowed_signers");
    let t = s(&trust);
    let log = s(&demo.join("log")).to_owned();
    let mirror = s(&demo.join("mirror")).to_owned();
    let r1 = s(&demo.join("release-1.zip")).to_owned();
    let new_log = s(&tmp.path().join("new-log")).to_owned();
    let to = s(&tmp.path().join("x")).to_owned();
    let collection = s(&demo.join("collection")).to_owned();
    let runs: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["log", "verify", &log, "--bundles", &mirror, "--trust", t],
            "verifying",
        ),
        (
            vec!["log", "append", &new_log, &r1, "--trust", t],
            "verifying",
        ),
        (vec!["extract", &r1, "--to", &to, "--trust", t], "verifying"),
        (vec!["scan", &collection], "scanning"),
    ];
    for (args, bar) in &runs {
        let (c, text) = in_a_terminal(args);
        assert_eq!(c, 0, "{args:?}: {text}");
        assert!(text.contains(bar), "{args:?}: no progress: {text}");
    }
    // --quiet: nothing at all when all is well (the run is repeated: append is then the head
    // again, extract writes into a new directory).
    let to2 = s(&tmp.path().join("y")).to_owned();
    let quiet: Vec<Vec<&str>> = vec![
        vec![
            "log",
            "verify",
            &log,
            "--bundles",
            &mirror,
            "--trust",
            t,
            "-q",
        ],
        vec!["log", "append", &new_log, &r1, "--trust", t, "--quiet"],
        vec!["extract", &r1, "--to", &to2, "--trust", t, "-q"],
        vec!["scan", &collection, "-q"],
        vec!["verify", &r1, "--trust", t, "-q"],
    ];
    for args in &quiet {
        let (c, text) = in_a_terminal(args);
        assert_eq!((c, text.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn every_command_takes_json_and_the_readme_says_how_to_install() {
    let top = stdout(&intact(&["--help"]));
    let mut commands: Vec<Vec<String>> = Vec::new();
    let names = |help: &str| -> Vec<String> {
        help.split("\nCommands:\n")
            .nth(1)
            .unwrap_or("")
            .split("\n\n")
            .next()
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
            .filter(|n| n != "help")
            .collect()
    };
    for c in names(&top) {
        let help = stdout(&intact(&[c.as_str(), "--help"]));
        let subs = names(&help);
        if subs.is_empty() {
            commands.push(vec![c.clone()]);
        }
        for sub in subs {
            commands.push(vec![c.clone(), sub]);
        }
    }
    assert!(commands.len() >= 20, "{commands:?}");
    for c in &commands {
        let mut args: Vec<&str> = c.iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout(&intact(&args));
        assert!(
            help.contains("--json"),
            "intact {c:?} has no --json:\n{help}"
        );
    }
    let readme = std::fs::read_to_string(intact_testkit::repo().join("README.md")).unwrap();
    assert!(readme.contains("cargo install --locked --path crates/intact-cli"));
    assert!(readme.contains("intact completions bash"));
    assert!(readme.contains("intact man -o"));
    let manifest =
        std::fs::read_to_string(intact_testkit::repo().join("crates/intact-cli/Cargo.toml"))
            .unwrap();
    assert!(manifest.contains("name = \"intact\""));
}
