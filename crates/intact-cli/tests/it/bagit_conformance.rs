//! The Library of Congress BagIt conformance suite, from ../shared/corpora (never copied here).
//! Every bag under */valid/ must pass, every bag under */invalid/ and */linux-only/ must fail,
//! every bag under */warning/ must pass with a warning, except three that assume a
//! case-insensitive or normalizing file system and fail on Linux with an explanation.
//! */windows-only/ is skipped.

use std::path::PathBuf;

use intact::bagit::{self, BagReport, Code, ValidateOptions};
use intact_testkit::repo;

use crate::intact;

fn suite() -> PathBuf {
    let dir = repo().join("../shared/corpora/bagit-conformance-suite");
    assert!(
        dir.is_dir(),
        "the BagIt conformance suite is missing at {}; the tests need ../shared/corpora (see ../shared/corpora/README.md)",
        dir.display()
    );
    dir
}

/// Warning bags that fail on Linux, and the code that explains why.
const LINUX_FAILS: [(&str, Code); 3] = [
    (
        "duplicate-file-with-different-case",
        Code::AssumesCaseInsensitiveFs,
    ),
    (
        "same-filename-listed-twice-with-different-normalization",
        Code::AssumesNormalizingFs,
    ),
    ("special-system-files", Code::MissingSystemFile),
];

/// Every bag in the suite as (category, bag dir), sorted.
fn bags() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let versions =
        std::fs::read_dir(suite()).unwrap_or_else(|e| panic!("cannot list the suite: {e}"));
    for v in versions.flatten().filter(|v| v.path().is_dir()) {
        for cat in std::fs::read_dir(v.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            if !cat.path().is_dir() {
                continue;
            }
            let category = cat.file_name().to_string_lossy().into_owned();
            for bag in std::fs::read_dir(cat.path())
                .unwrap_or_else(|e| panic!("{e}"))
                .flatten()
            {
                if bag.path().is_dir() {
                    out.push((category.clone(), bag.path()));
                }
            }
        }
    }
    out.sort();
    out
}

fn describe(report: &BagReport) -> String {
    report.problem_lines().join("\n")
}

#[test]
fn conformance_suite() {
    let all = bags();
    let count = |c: &str| all.iter().filter(|(cat, _)| cat == c).count();
    let (walked_valid, walked_invalid, walked_linux, walked_warning, walked_windows) = (
        count("valid"),
        count("invalid"),
        count("linux-only"),
        count("warning"),
        count("windows-only"),
    );
    assert_eq!(
        walked_valid + walked_invalid + walked_linux + walked_warning + walked_windows,
        all.len(),
        "unexpected category in the suite"
    );

    let (mut valid, mut invalid, mut warning, mut skipped, mut linux_fails) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for (category, bag) in &all {
        let name = bag
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if category == "windows-only" {
            skipped += 1;
            continue;
        }
        let report = match bagit::validate(bag, &ValidateOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", bag.display()));
                continue;
            }
        };
        match category.as_str() {
            "valid" => {
                valid += 1;
                if !report.valid() {
                    failures.push(format!(
                        "{} should be valid:\n{}",
                        bag.display(),
                        describe(&report)
                    ));
                }
            }
            "invalid" | "linux-only" => {
                invalid += 1;
                if report.valid() {
                    failures.push(format!(
                        "{} should be invalid:\n{}",
                        bag.display(),
                        describe(&report)
                    ));
                }
            }
            "warning" => {
                warning += 1;
                if let Some((_, code)) = LINUX_FAILS.iter().find(|(n, _)| *n == name) {
                    linux_fails += 1;
                    if report.valid() || !report.has(*code) {
                        failures.push(format!(
                            "{} should fail on Linux with {code}:\n{}",
                            bag.display(),
                            describe(&report)
                        ));
                    }
                } else if !report.valid() || report.warnings() == 0 {
                    failures.push(format!(
                        "{} should be valid with a warning:\n{}",
                        bag.display(),
                        describe(&report)
                    ));
                }
            }
            other => failures.push(format!("{}: unknown category {other}", bag.display())),
        }
    }
    println!("BagIt conformance: valid {valid}, invalid {invalid} (of which linux-only {walked_linux}), warning {warning} (of which fail on Linux {linux_fails}), skipped {skipped} (windows-only)");
    assert!(
        failures.is_empty(),
        "conformance failures:\n\n{}",
        failures.join("\n\n")
    );
    assert_eq!(valid, walked_valid);
    assert_eq!(invalid, walked_invalid + walked_linux);
    assert_eq!(warning, walked_warning);
    assert_eq!(skipped, walked_windows);
    assert_eq!(linux_fails, LINUX_FAILS.len());
    // The suite as shipped in ../shared/corpora: a change here means the corpus or the walk changed.
    assert_eq!((valid, invalid, warning, skipped), (27, 21, 6, 6));
}

fn bag(rel: &str) -> String {
    suite().join(rel).to_string_lossy().into_owned()
}

#[test]
fn cli_exit_codes_on_the_suite() {
    for (rel, code) in [
        ("v1.0/valid/basicBag", 0),
        ("v0.97/valid/UTF-16-encoded-tag-files", 0),
        ("v0.93/valid/basic-bag", 0),
        ("v0.97/warning/relative-path", 0),
        ("v0.97/invalid/corrupt-data-file", 1),
        (
            "v1.0/invalid/same-filename-listed-twice-with-the-same-hash",
            1,
        ),
        (
            "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path",
            1,
        ),
        ("v0.97/warning/duplicate-file-with-different-case", 1),
    ] {
        let out = intact(&["bagit", "validate", &bag(rel)]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{rel}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = intact(&["bagit", "validate", &bag("v0.97/warning/relative-path")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("manifest-sha512.txt:1: warning:"),
        "{stdout}"
    );
    let out = intact(&["bagit", "validate", &bag("v0.97/invalid/corrupt-data-file")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("manifest-md5.txt:1: error:"), "{stdout}");
    assert!(
        stdout.lines().last().is_some_and(|l| l.contains("INVALID")),
        "{stdout}"
    );
}

#[test]
fn cli_json_report_parses() {
    for (rel, valid) in [
        ("v0.97/valid/basic-bag", true),
        ("v0.97/invalid/extra-file-in-bag", false),
    ] {
        let out = intact(&["bagit", "validate", "--json", &bag(rel)]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{rel}: --json output is not JSON: {e}"));
        assert_eq!(json["valid"], valid, "{json}");
        assert_eq!(json["version"], "0.97");
        assert_eq!(json["files"], 2);
        assert!(json["bytes"].is_u64());
        assert!(json["problems"].is_array());
        assert_eq!(json["errors"].as_u64().map(|n| n > 0), Some(!valid));
        if !valid {
            let p = &json["problems"][json["problems"].as_array().map_or(0, |a| a.len()) - 1];
            assert_eq!(p["severity"], "error");
            assert_eq!(p["code"], "unlisted-file");
            assert_eq!(p["file"], "data/bar");
            assert!(p["line"].is_null());
            assert!(p["message"].is_string());
        }
        assert_eq!(out.status.code(), Some(if valid { 0 } else { 1 }));
    }
}

#[test]
fn cli_fast_mode_checks_payload_oxum() {
    let out = intact(&["bagit", "validate", "--fast", &bag("v0.97/valid/basic-bag")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The data file is corrupted but the same size would pass; this one changes size.
    let out = intact(&[
        "bagit",
        "validate",
        "--fast",
        &bag("v0.97/invalid/extra-file-in-bag"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    // No Payload-Oxum: fast validation cannot say anything.
    let out = intact(&["bagit", "validate", "--fast", &bag("v1.0/valid/basicBag")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no-payload-oxum"));
}
