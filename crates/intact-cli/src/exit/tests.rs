//! The exit-code policy's unit tests: every outcome and error has its code; the flag names are added back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use intact::bagpath::BagPath;
use intact::verify::VerifyReport;

use super::*;

fn io_error() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "gone")
}

fn path() -> PathBuf {
    PathBuf::from("x")
}

// Outcomes.

#[test]
fn outcome_done_is_0() {
    assert_eq!(Outcome::Done.code(), 0);
    assert_eq!(Outcome::valid_if(true), Outcome::Done);
}

#[test]
fn outcome_not_valid_is_1() {
    assert_eq!(Outcome::NotValid.code(), 1);
    assert_eq!(Outcome::valid_if(false), Outcome::NotValid);
}

// Findings: exit 1.

#[test]
fn finding_leak_gate_is_1() {
    let e = CliError::from(PackError::Gate(Box::default()));
    assert_eq!(e.code(), NOT_VALID);
}

#[test]
fn finding_cite_is_1() {
    let bundle = path();
    for e in [
        CiteError::NotValid {
            bundle: bundle.clone(),
            report: Box::new(VerifyReport::empty(&bundle, 1)),
        },
        CiteError::Unsigned {
            bundle: bundle.clone(),
        },
        CiteError::NotFound {
            bundle: bundle.clone(),
            what: "id 'A'".into(),
        },
        CiteError::Withheld {
            bundle: bundle.clone(),
            id: "A".into(),
        },
        CiteError::Changed {
            bundle: bundle.clone(),
            path: "data/a".into(),
            detail: "changed".into(),
        },
        CiteError::Proof {
            bundle: bundle.clone(),
            source: intact::proof::ProofError::TooLarge,
        },
    ] {
        let e = CliError::from(e);
        assert_eq!(e.code(), NOT_VALID, "{e}");
    }
}

#[test]
fn finding_broken_bundle_to_inspect_is_1() {
    for e in [
        InspectError::Open(OpenError::NotABundle {
            path: path(),
            message: "not a ZIP".into(),
        }),
        InspectError::Unreadable {
            path: path(),
            file: "intact/manifest.json",
            message: "not JSON".into(),
        },
    ] {
        assert_eq!(CliError::Inspect(e).code(), NOT_VALID);
    }
}

#[test]
fn finding_disproved_original_is_1() {
    let e = RedactionError::Refused("not the original".into());
    assert_eq!(CliError::Disproved(e).code(), NOT_VALID);
}

// Could not check: exit 2.

#[test]
fn error_usage_and_stdout_are_2() {
    assert_eq!(CliError::usage("give --proof").code(), ERROR);
    assert_eq!(CliError::Stdout(io_error()).code(), ERROR);
}

#[test]
fn error_pack_other_than_gate_is_2() {
    for e in [
        PackError::SrcMissing { path: path() },
        PackError::OutExists { path: path() },
        PackError::Io {
            path: path(),
            source: io_error(),
        },
        PackError::Refused("no".into()),
    ] {
        assert_eq!(CliError::from(e).code(), ERROR);
    }
    let e = CliError::FromBag(PackError::SourceBag(
        intact::bagit::BagitError::NotADirectory { path: path() },
    ));
    assert_eq!(e.code(), ERROR);
}

#[test]
fn error_cite_io_verify_out_exists_are_2() {
    for e in [
        CiteError::Io {
            path: path(),
            source: io_error(),
        },
        CiteError::Verify(VerifyError::Io {
            path: path(),
            source: io_error(),
        }),
        CiteError::OutExists { path: path() },
    ] {
        assert_eq!(CliError::from(e).code(), ERROR);
    }
}

#[test]
fn error_unreadable_bundle_is_2() {
    let open = || {
        InspectError::Open(OpenError::Io {
            path: path(),
            source: io_error(),
        })
    };
    assert_eq!(CliError::Inspect(open()).code(), ERROR);
    // A bundle read as an input to another step: 2 however it is broken.
    assert_eq!(CliError::Contents(open()).code(), ERROR);
    let broken = InspectError::Open(OpenError::NotABundle {
        path: path(),
        message: "not a ZIP".into(),
    });
    assert_eq!(CliError::Contents(broken).code(), ERROR);
}

#[test]
fn error_every_other_library_error_is_2() {
    let errors: Vec<CliError> = vec![
        KeygenError::EmptyPassphrase.into(),
        KeyError::NotOpenSsh { path: path() }.into(),
        TrustError::Empty { path: path() }.into(),
        GateError::NotADirectory { path: path() }.into(),
        MetadataError::Read {
            path: path(),
            source: io_error(),
        }
        .into(),
        intact::archive::ChangesError::Invalid {
            path: path(),
            problems: vec!["row 2: bad".into()],
        }
        .into(),
        CliError::ChangeRecords {
            file: path(),
            problems: vec!["bad".into()],
        },
        VerifyError::Io {
            path: path(),
            source: io_error(),
        }
        .into(),
        CosignError::NotZip { path: path() }.into(),
        CheckError::Io {
            path: path(),
            source: io_error(),
        }
        .into(),
        CliError::Redaction(RedactionError::Exists { path: path() }),
        serde_json::from_str::<u8>("x").unwrap_err().into(),
        ExtractError::Refused {
            path: path(),
            message: "no".into(),
        }
        .into(),
        LogError::State {
            path: path(),
            message: "fork".into(),
        }
        .into(),
        BagitError::NotFound { path: path() }.into(),
        DemoError::NotDemoDir { path: path() }.into(),
    ];
    for e in errors {
        assert_eq!(e.code(), ERROR, "{e}");
    }
}

// The flag names the library leaves out, added back.

#[test]
fn hint_output_exists_names_force() {
    let e = CliError::from(PackError::OutExists { path: path() });
    assert_eq!(
        e.to_string(),
        "x: output exists (use --force to replace it)"
    );
    let e = CliError::from(CiteError::OutExists { path: path() });
    assert_eq!(
        e.to_string(),
        "x: output exists (use --force to replace it)"
    );
}

#[test]
fn hint_empty_passphrase_names_no_passphrase() {
    let e = CliError::from(KeygenError::EmptyPassphrase);
    assert_eq!(
        e.to_string(),
        "empty passphrase: use --no-passphrase to write an unencrypted key"
    );
}

#[test]
fn hint_cite_not_valid_says_no_proof_written() {
    let bundle = path();
    let e = CliError::from(CiteError::NotValid {
        bundle: bundle.clone(),
        report: Box::new(VerifyReport::empty(&bundle, 1)),
    });
    assert_eq!(e.to_string(), "x: not valid; no proof written");
}

/// A folder with one file to pack.
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("a.txt"), b"a\n").unwrap();
    src
}

fn pack_options(dir: &Path, out: &str) -> intact::pack::PackOptions {
    let created = intact::release::parse_created(crate::demo::DEMO_CREATED).unwrap();
    intact::pack::PackOptions::new(source(dir), dir.join(out), "c", "r1", created)
}

#[test]
fn hint_originals_names_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = pack_options(dir.path(), "out.zip");
    opts.commitments = Some(intact::pack::Commitments {
        originals: dir.path().join("originals"),
        ledger: dir.path().join("ledger.json"),
    });
    let e = CliError::from(intact::pack::pack(&opts).unwrap_err());
    assert_eq!(
        e.to_string(),
        "--originals needs --metadata (it says which items are redacted)"
    );
}

#[test]
fn hint_from_bag_names_flag() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-bag");
    let e = intact::pack::source_bag(&missing).map(|_| ()).unwrap_err();
    let e = CliError::FromBag(e);
    assert_eq!(
        e.to_string(),
        format!("--from-bag: {}: no such bag directory", missing.display())
    );
    assert_eq!(e.code(), ERROR);
}

#[test]
fn hint_missing_metadata_row_names_allow_missing_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("m.csv");
    std::fs::write(
        &csv,
        "path,id,case_no,doc_type,title,redaction_status\na.txt,A,1,document,A,none\n",
    )
    .unwrap();
    let m = intact::metadata::MetadataSet::load(&csv).unwrap();
    let payload: BTreeSet<BagPath> = ["data/a.txt", "data/b.txt"]
        .iter()
        .map(|p| BagPath::parse(p).unwrap())
        .collect();
    let invalid = || m.check_against(&payload, false).unwrap_err();
    let want = format!(
        "{}: data/b.txt has no metadata row (or use --allow-missing-metadata)",
        csv.display()
    );
    assert_eq!(CliError::from(invalid()).to_string(), want);
    assert_eq!(
        CliError::from(PackError::Metadata(invalid())).to_string(),
        want
    );
}

#[test]
fn hint_extract_exists_names_force() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = pack_options(dir.path(), "b.zip");
    opts.keys = vec![crate::demo::demo_key().unwrap()];
    intact::pack::pack(&opts).unwrap();
    let trust = dir.path().join("allowed_signers");
    std::fs::write(&trust, crate::demo::demo_allowed_signers()).unwrap();
    let verify = intact::verify::VerifyOptions {
        policy: intact::trust::TrustPolicy::load(&trust).unwrap(),
        revocations: Default::default(),
        threshold: 1,
        at: None,
        skip_payload: false,
        skip_threshold: false,
    };
    let to = dir.path().join("to");
    let extract = || intact::extract::extract(&dir.path().join("b.zip"), &to, &verify, false);
    assert!(extract().unwrap().extracted_to.is_some());
    let e = CliError::from(extract().unwrap_err());
    let message = e.to_string();
    assert!(
        message.ends_with(": exists (use --force to replace regular files)"),
        "{message}"
    );
    assert_eq!(e.code(), ERROR);
}

#[test]
fn hint_fast_bagit_validation_names_fast() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path();
    std::fs::create_dir(bag.join("data")).unwrap();
    std::fs::write(bag.join("data/a.txt"), b"a\n").unwrap();
    std::fs::write(
        bag.join("bagit.txt"),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )
    .unwrap();
    std::fs::write(bag.join("bag-info.txt"), "Source-Organization: x\n").unwrap();
    let opts = intact::bagit::ValidateOptions { fast: true };
    let mut report = intact::bagit::validate(bag, &opts).unwrap();
    bagit_problems(&mut report);
    let p = report
        .problems
        .iter()
        .find(|p| p.code == intact::bagit::Code::NoPayloadOxum)
        .unwrap();
    assert_eq!(
        p.message,
        "fast validation needs a Payload-Oxum in bag-info.txt; run without --fast to check the manifests"
    );
}
