//! Plain words for the common first mistakes (README, docs/TRUST.md, docs/METADATA.md): a file
//! that is not an intact bundle, a key given where an allowed_signers file belongs, a
//! semicolon-separated CSV, metadata problems in one report numbered as the gate numbers them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use intact_testkit::{code, s, stderr, stdout};

use crate::intact;

fn demo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let o = intact(&["demo", "--out", s(&demo)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    (tmp, demo)
}

/// An ordinary ZIP file (as `zip` or a file manager makes it), holding `a.txt`.
fn ordinary_zip(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    z.start_file("a.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"hello\n").unwrap();
    z.finish().unwrap();
}

#[test]
fn what_is_not_a_bundle_is_called_so_in_one_line() {
    let (tmp, demo) = demo();
    let t = tmp.path();
    let trust = demo.join("keys/allowed_signers");
    let text = t.join("notes.txt");
    std::fs::write(&text, "not a zip\n").unwrap();
    let zip = t.join("photos.zip");
    ordinary_zip(&zip);
    let dir = t.join("folder");
    std::fs::create_dir(&dir).unwrap();
    for (target, why) in [
        (&text, "not an intact bundle: not a ZIP file"),
        (
            &zip,
            "not an intact bundle: a ZIP file with no intact bag in it",
        ),
        (&dir, "not an intact bundle: "),
    ] {
        let o = intact(&["verify", s(target), "--trust", s(&trust)]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let out = stdout(&o);
        let verdict = out.lines().last().unwrap_or_default();
        assert!(
            verdict.starts_with(&format!("NOT VALID: {}: {why}", s(target))),
            "{out}"
        );
        assert!(!out.contains("collection ?"), "{out}");
    }
    // A bundle with a damaged container is a damaged bundle, not "not a bundle".
    let mut bytes = std::fs::read(demo.join("release-1.zip")).unwrap();
    let n = bytes.len();
    bytes[n - 30] ^= 0xff;
    let broken = t.join("broken.zip");
    std::fs::write(&broken, &bytes).unwrap();
    let o = intact(&["verify", s(&broken), "--trust", s(&trust)]);
    assert_eq!(code(&o), 1);
    assert!(
        !stdout(&o).contains("not an intact bundle"),
        "{}",
        stdout(&o)
    );
    // So is a truncated one (a download cut short): it starts as a ZIP.
    let cut = t.join("cut.zip");
    std::fs::write(&cut, &bytes[..n / 2]).unwrap();
    let o = intact(&["verify", s(&cut), "--trust", s(&trust)]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(!out.contains("not an intact bundle"), "{out}");
    assert!(
        out.contains("not readable as a bundle (a damaged or truncated ZIP)"),
        "{out}"
    );
}

#[test]
fn a_key_given_as_trust_says_so_with_the_line_to_write() {
    let (_tmp, demo) = demo();
    let r1 = demo.join("release-1.zip");
    let line = std::fs::read_to_string(demo.join("keys/allowed_signers"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("demo-office "))
        .unwrap()
        .to_owned();
    for (key, what) in [
        (
            "keys/demo-office.key.pub",
            "this is a public key, not an allowed_signers file",
        ),
        (
            "keys/demo-office.key",
            "this is a private key, not an allowed_signers file",
        ),
    ] {
        let o = intact(&["verify", s(&r1), "--trust", s(&demo.join(key))]);
        assert_eq!(code(&o), 2);
        let err = stderr(&o);
        assert!(err.contains(what), "{err}");
        assert!(
            err.contains(&line),
            "the allowed_signers line to write: {err}"
        );
        assert!(!err.contains("option"), "{err}");
    }
}

#[test]
fn keygen_allowed_signers_appends_the_line_once() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let signers = t.join("allowed_signers");
    std::fs::write(&signers, "# trusted keys\n").unwrap();
    let o = intact(&[
        "keygen",
        "--out",
        s(&t.join("office.key")),
        "--no-passphrase",
        "--allowed-signers",
        s(&signers),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let line = stdout(&o).trim().to_owned();
    assert!(line.starts_with("office namespaces=\"intact-release\" ssh-ed25519 "));
    assert_eq!(
        std::fs::read_to_string(&signers).unwrap(),
        format!("# trusted keys\n{line}\n")
    );
    // The file works as --trust for a bundle that key signs.
    let src = t.join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.txt"), "a\n").unwrap();
    let b = t.join("b.zip");
    let o = intact(&[
        "pack",
        s(&src),
        "--collection",
        "c",
        "--release",
        "r1",
        "--key",
        s(&t.join("office.key")),
        "--no-deny-list",
        "-o",
        s(&b),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = intact(&["verify", s(&b), "--trust", s(&signers)]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

/// A source folder with `a.txt` and `b.txt`, and a deny-list holding "Alice Example".
fn source(t: &Path) -> (PathBuf, PathBuf) {
    let src = t.join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("a.txt"), "a\n").unwrap();
    std::fs::write(src.join("b.txt"), "b\n").unwrap();
    let deny = t.join("deny.txt");
    std::fs::write(&deny, "Alice Example\n").unwrap();
    (src, deny)
}

fn pack(src: &Path, meta: &Path, out: &Path, deny: Option<&Path>) -> std::process::Output {
    let mut args = vec![
        "pack",
        s(src),
        "--collection",
        "c",
        "--release",
        "r1",
        "--unsigned",
        "--metadata",
        s(meta),
        "-o",
        s(out),
    ];
    match deny {
        Some(d) => args.extend(["--deny-list", s(d)]),
        None => args.push("--no-deny-list"),
    }
    intact(&args)
}

#[test]
fn a_semicolon_csv_gets_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, _) = source(tmp.path());
    let meta = tmp.path().join("metadata.csv");
    std::fs::write(
        &meta,
        "path;id;case_no;doc_type;title;redaction_status\na.txt;A;1;document;A;none\n",
    )
    .unwrap();
    let o = pack(&src, &meta, &tmp.path().join("o.zip"), None);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("metadata.csv: line 1: the columns are separated by semicolons, not commas"),
        "{err}"
    );
    assert!(!err.contains("unknown column"), "{err}");
}

#[test]
fn metadata_problems_in_one_report_numbered_as_scan_numbers_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, deny) = source(tmp.path());
    let meta = tmp.path().join("metadata.csv");
    // line 3: a bad doc_type and a file that is not there; b.txt has no row
    std::fs::write(
        &meta,
        "path,id,case_no,doc_type,title,redaction_status\n\
         a.txt,A,1,document,A,none\n\
         nope.txt,B,1,pamphlet,B,none\n",
    )
    .unwrap();
    let err = stderr(&pack(&src, &meta, &tmp.path().join("o.zip"), None));
    let m = s(&meta);
    for want in [
        format!("{m}: line 3: doc_type: not one of"),
        format!("{m}: line 3: path: no such file in the source"),
        format!("{m}: data/b.txt has no metadata row"),
    ] {
        assert!(err.contains(&want), "missing '{want}' in:\n{err}");
    }
    // A withheld string in a cell: scan and pack name the same file and line.
    std::fs::write(
        &meta,
        "path,id,case_no,doc_type,title,redaction_status\n\
         a.txt,A,1,document,\"A, \nfirst\",none\n\
         b.txt,B,1,document,About Alice Example,none\n",
    )
    .unwrap();
    let want = "metadata.csv: manifest field line 4 field title: deny-list-match";
    let o = intact(&["scan", s(&src), "--metadata", m, "--deny-list", s(&deny)]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains(want), "{}", stdout(&o));
    let o = pack(&src, &meta, &tmp.path().join("o.zip"), Some(&deny));
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
}

#[test]
fn a_gate_finding_in_a_text_file_names_its_line_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, deny) = source(tmp.path());
    std::fs::write(
        src.join("c.txt"),
        "first line\nsecond line\nthe witness Alice\nExample said so\n",
    )
    .unwrap();
    std::fs::write(src.join("d.txt"), "Alice Example on line one\n").unwrap();
    let o = intact(&["scan", s(&src), "--deny-list", s(&deny)]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    // a match across a line break is located by the line it ends on
    assert!(
        out.contains("c.txt: text line 4: deny-list-match: [withheld #1"),
        "{out}"
    );
    assert!(
        out.contains("d.txt: text line 1: deny-list-match: [withheld #1"),
        "{out}"
    );
    assert_eq!(out.matches("fix deny-list-match: ").count(), 1, "{out}");
    assert!(!out.contains("Alice"), "{out}");
    // pack's refusal carries the same lines and the fix
    let meta = tmp.path().join("m.csv");
    std::fs::write(
        &meta,
        "path,id,case_no,doc_type,title,redaction_status\n\
         a.txt,A,1,document,A,none\nb.txt,B,1,document,B,none\n\
         c.txt,C,1,document,C,none\nd.txt,D,1,document,D,none\n",
    )
    .unwrap();
    let o = pack(&src, &meta, &tmp.path().join("o.zip"), Some(&deny));
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("c.txt: text line 4: deny-list-match"), "{err}");
    assert!(
        err.contains("fix deny-list-match: remove the withheld string"),
        "{err}"
    );
}
