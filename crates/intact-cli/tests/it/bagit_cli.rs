//! `intact bagit validate` exit codes that do not need a corpus.

use crate::intact;

#[test]
fn missing_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let missing = dir.path().join("no-such-bag");
    let out = intact(&["bagit", "validate", &missing.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such bag directory"));
    let out = intact(&["bagit", "validate", "--json", &missing.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_file_is_not_a_bag() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("f");
    std::fs::write(&file, b"x").unwrap_or_else(|e| panic!("{e}"));
    let out = intact(&["bagit", "validate", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(intact(&["bagit", "validate"]).status.code(), Some(2));
    assert_eq!(
        intact(&["bagit", "validate", "--bogus", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn an_empty_directory_is_an_invalid_bag() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = intact(&["bagit", "validate", &dir.path().to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("missing-bagit-txt") && stdout.contains("missing-payload-dir"),
        "{stdout}"
    );
}
