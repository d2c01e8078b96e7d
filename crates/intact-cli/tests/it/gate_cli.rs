//! `intact scan` end to end: exit codes, output, and the withheld string never printed.

use std::process::Output;

use intact_testkit::gate::NAME;
use intact_testkit::s;

use crate::intact as run;

fn no_clear_text(o: &Output) {
    let out = String::from_utf8_lossy(&o.stdout).to_lowercase();
    let err = String::from_utf8_lossy(&o.stderr).to_lowercase();
    for needle in [
        "ivan fictitious",
        "fictitious",
        "anahit placeholder",
        "placeholder",
    ] {
        assert!(
            !out.contains(needle),
            "stdout leaks the withheld string: {out}"
        );
        assert!(
            !err.contains(needle),
            "stderr leaks the withheld string: {err}"
        );
    }
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    std::fs::write(src.join("a.txt"), "an ordinary statement").expect("write");
    let deny = dir.path().join("deny.txt");
    std::fs::write(&deny, format!("# withheld\n{NAME}\nAnahit Placeholder\n")).expect("write");
    (dir, src, deny)
}

#[test]
fn clean_tree_exits_0() {
    let (_d, src, deny) = setup();
    let o = run(&["scan", s(&src), "--deny-list", s(&deny)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1 files scanned, 0 findings"), "{out}");
    no_clear_text(&o);
}

#[test]
fn findings_exit_1_and_are_masked() {
    let (d, src, deny) = setup();
    std::fs::write(
        src.join("b.txt"),
        format!("The witness {NAME} lives nearby"),
    )
    .expect("write");
    let meta = d.path().join("meta.csv");
    std::fs::write(&meta, "file,title\nb.txt,Statement of ANAHIT PLACEHOLDER\n").expect("write");
    let o = run(&[
        "scan",
        s(&src),
        "--deny-list",
        s(&deny),
        "--metadata",
        s(&meta),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("b.txt: text line 1: deny-list-match: [withheld #1, 15 chars]"),
        "{out}"
    );
    assert!(
        out.contains(
            "meta.csv: manifest field line 2 field title: deny-list-match: [withheld #2, 18 chars]"
        ),
        "{out}"
    );
    assert!(out.contains("BLOCKED"));
    no_clear_text(&o);

    let j = run(&[
        "scan",
        s(&src),
        "--deny-list",
        s(&deny),
        "--metadata",
        s(&meta),
        "--json",
    ]);
    assert_eq!(j.status.code(), Some(1));
    no_clear_text(&j);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).expect("json report");
    assert_eq!(v["files_scanned"], 2);
    assert_eq!(v["deny_list_used"], true);
    assert_eq!(v["findings"].as_array().map(|a| a.len()), Some(2));
    assert_eq!(v["findings"][0]["rule"], "deny-list-match");
    assert!(v["rules"]
        .as_array()
        .is_some_and(|r| r.iter().any(|x| x == "pdf-text-under-box")));
}

#[test]
fn without_deny_list_says_so() {
    let (_d, src, _deny) = setup();
    let o = run(&["scan", s(&src)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("no deny-list"));
}

#[test]
fn exceptions_file_waives_a_structural_finding() {
    let (d, src, deny) = setup();
    std::fs::write(src.join("blob.bin"), [0u8, 1, 2, 3, 0xFF, 0xFE, 0]).expect("write");
    let o = run(&["scan", s(&src), "--deny-list", s(&deny)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains(
        "blob.bin: content (not a supported format or plain text): unsupported-file-type"
    ));
    let exc = d.path().join("exc.tsv");
    std::fs::write(
        &exc,
        "blob.bin\tunsupported-file-type\treviewed: calibration data, no personal data\n",
    )
    .expect("write");
    let o = run(&[
        "scan",
        s(&src),
        "--deny-list",
        s(&deny),
        "--exceptions",
        s(&exc),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("excepted: blob.bin"));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let (d, src, deny) = setup();
    assert_eq!(run(&["scan"]).status.code(), Some(2));
    assert_eq!(
        run(&["scan", "/nonexistent/intact-src", "--deny-list", s(&deny)])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["scan", s(&src), "--deny-list", "/nonexistent/deny.txt"])
            .status
            .code(),
        Some(2)
    );
    let bad = d.path().join("bad.txt");
    std::fs::write(&bad, "Ivan Fictitious\n# ok\nIv\n").expect("write");
    let o = run(&["scan", s(&src), "--deny-list", s(&bad)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.txt:3"), "{err}");
    no_clear_text(&o);
    let exc = d.path().join("exc.tsv");
    std::fs::write(&exc, "a.txt\tdeny-list-match\twaive it\n").expect("write");
    let o = run(&[
        "scan",
        s(&src),
        "--deny-list",
        s(&deny),
        "--exceptions",
        s(&exc),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("never be excepted"));
}
