//! The leak gate inside `intact pack`: every leak class planted in a source tree stops the
//! release before anything is written, names the file and the rule, and never prints the
//! withheld string; reviewed exceptions are recorded; private files never enter a bundle.

use std::path::PathBuf;
use std::process::{Command, Output};

use intact_testkit::{gate::*, jpeg::*, office::*, pdf::*};
use intact_testkit::{repo, s, text};

use crate::intact;

/// A clean base tree plus one planted file; a deny-list outside it.
struct Tree {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    src: PathBuf,
    deny: PathBuf,
}

fn tree(planted: &[(&str, Vec<u8>)]) -> Tree {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_owned();
    let src = root.join("src");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "clean/testimony.txt".into(),
            b"A synthetic testimony; the helper's name is [withheld].\n".to_vec(),
        ),
        (
            "clean/photo.png".into(),
            intact_cli::demo::synthetic_png(3, 16, 16),
        ),
    ];
    files.extend(planted.iter().map(|(p, b)| (p.to_string(), b.clone())));
    for (p, b) in files {
        let f = src.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, b).unwrap();
    }
    let deny = root.join("deny-list.txt");
    std::fs::write(
        &deny,
        format!("# private\n{NAME}\n{NAME2}\nДмитрий Вымышленный\nԱնահիտ Օրինակյան\n"),
    )
    .unwrap();
    Tree {
        _tmp: tmp,
        root,
        src,
        deny,
    }
}

fn pack(t: &Tree, extra: &[&str]) -> (Output, PathBuf) {
    let out = t.root.join("out.zip");
    let key = repo().join("keys/demo-office.key");
    let mut args = vec![
        "pack",
        s(&t.src),
        "--collection",
        "c",
        "--release",
        "r1",
        "--key",
        s(&key),
        "-o",
        s(&out),
        "--deny-list",
        s(&t.deny),
    ];
    args.extend_from_slice(extra);
    (intact(&args), out)
}

fn assert_blocked(name: &str, planted: &[(&str, Vec<u8>)], file: &str, rule: &str, extra: &[&str]) {
    let t = tree(planted);
    let (o, out) = pack(&t, extra);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {all}");
    assert!(
        all.contains(file) && all.contains(rule),
        "{name}: expected {file} / {rule} in:\n{all}"
    );
    assert!(all.contains("nothing was written"), "{name}: {all}");
    assert!(!out.exists(), "{name}: bundle written");
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".intact-"))
        .collect();
    assert!(left.is_empty(), "{name}: temp files left: {left:?}");
    for clear in [
        NAME,
        NAME2,
        "Дмитрий Вымышленный",
        "Անահիտ Օրինակյան",
        "Ivan",
        "Fictitious",
    ] {
        assert!(
            !all.contains(clear),
            "{name}: clear text '{clear}' printed:\n{all}"
        );
    }
}

/// A named leak: the planted files, and the file and rule the finding must name.
type LeakCase = (
    &'static str,
    Vec<(&'static str, Vec<u8>)>,
    &'static str,
    &'static str,
);

#[test]
fn every_leak_class_blocks_the_release() {
    let jpeg_with = |t: Vec<u8>| jpeg(Some(&t), &[]);
    let cases: Vec<LeakCase> = vec![
        (
            "plain text",
            vec![("t.txt", format!("helped by {NAME}").into_bytes())],
            "t.txt",
            "deny-list-match",
        ),
        (
            "Cyrillic other case",
            vec![("ru.txt", "помог ДМИТРИЙ вымышленный".as_bytes().to_vec())],
            "ru.txt",
            "deny-list-match",
        ),
        (
            "Armenian other case",
            vec![("hy.txt", "ԱՆԱՀԻՏ օրինակյան".as_bytes().to_vec())],
            "hy.txt",
            "deny-list-match",
        ),
        (
            "compressed PDF stream",
            vec![(
                "doc.pdf",
                one_page(
                    format!("BT /F1 12 Tf 72 700 Td (Witness: {NAME}) Tj ET").as_bytes(),
                    "",
                    "",
                    &[],
                    "",
                ),
            )],
            "doc.pdf",
            "deny-list-match",
        ),
        (
            "earlier PDF revision",
            vec![("rev.pdf", {
                let base = one_page(
                    format!("BT /F1 12 Tf 72 700 Td (Witness: {NAME}) Tj ET").as_bytes(),
                    "",
                    "",
                    &[],
                    "",
                );
                update(
                    &base,
                    &[(
                        4,
                        stream(
                            "",
                            b"BT /F1 12 Tf 72 700 Td (Witness: [withheld]) Tj ET",
                            true,
                        ),
                    )],
                    6,
                    "/Root 1 0 R",
                )
            })],
            "rev.pdf",
            "pdf-incremental-update",
        ),
        (
            "PDF XMP",
            vec![(
                "xmp.pdf",
                one_page(
                    b"BT /F1 12 Tf 72 700 Td (ok) Tj ET",
                    "",
                    "/Metadata 6 0 R",
                    &[stream(
                        "/Type /Metadata /Subtype /XML",
                        format!("<x:xmpmeta><dc:creator>{NAME2}</dc:creator></x:xmpmeta>")
                            .as_bytes(),
                        false,
                    )],
                    "",
                ),
            )],
            "xmp.pdf",
            "deny-list-match",
        ),
        (
            "text under a drawn box",
            vec![(
                "box.pdf",
                one_page(
                    b"BT /F1 12 Tf 72 700 Td (Secret words here) Tj ET 0 g 70 695 120 16 re f",
                    "",
                    "",
                    &[],
                    "",
                ),
            )],
            "box.pdf",
            "pdf-text-under-box",
        ),
        (
            "DOCX tracked change",
            vec![(
                "d.docx",
                docx(
                    &format!(
                        r#"<w:p><w:del w:id="1" w:author="Clerk"><w:r><w:delText>{NAME}</w:delText></w:r></w:del></w:p>"#
                    ),
                    &[],
                ),
            )],
            "d.docx",
            "docx-tracked-changes",
        ),
        (
            "DOCX comment",
            vec![(
                "c.docx",
                docx(
                    "<w:p><w:r><w:t>ok</w:t></w:r></w:p>",
                    &[(
                        "word/comments.xml",
                        &format!(
                            r#"<?xml version="1.0"?><w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0"><w:p><w:r><w:t>told by {NAME2}</w:t></w:r></w:p></w:comment></w:comments>"#
                        ),
                    )],
                ),
            )],
            "c.docx",
            "deny-list-match",
        ),
        (
            "EXIF Artist",
            vec![(
                "a.jpg",
                jpeg_with(tiff(vec![ascii(0x013B, NAME)], None, None)),
            )],
            "a.jpg",
            "deny-list-match",
        ),
        (
            "EXIF GPS",
            vec![(
                "g.jpg",
                jpeg_with(tiff(
                    vec![ascii(0x010F, "Maker")],
                    Some(vec![
                        ascii(0x0001, "N"),
                        rational(0x0002, &[(40, 1), (10, 1), (0, 1)]),
                    ]),
                    None,
                )),
            )],
            "g.jpg",
            "image-gps",
        ),
        (
            "JPEG thumbnail",
            vec![(
                "th.jpg",
                jpeg_with(tiff(vec![ascii(0x010F, "Maker")], None, Some(&tiny_jpeg()))),
            )],
            "th.jpg",
            "image-thumbnail",
        ),
        (
            "file name",
            vec![("Ivan Fictitious statement.txt", b"ok".to_vec())],
            "[file #1, name withheld]: file name",
            "deny-list-match",
        ),
        (
            "folder name",
            vec![("by Anahit Placeholder/x.txt", b"ok".to_vec())],
            "[folder #1, name withheld]: folder name",
            "deny-list-match",
        ),
        (
            "unreadable PDF",
            vec![("broken.pdf", b"%PDF-1.7\n garbage".to_vec())],
            "broken.pdf",
            "unreadable-file",
        ),
    ];
    for (name, planted, file, rule) in cases {
        assert_blocked(name, &planted, file, rule, &[]);
    }
}

#[test]
fn manifest_text_fields_are_scanned_too() {
    // A metadata title, and every other field that goes into the manifest.
    let t = tree(&[]);
    let meta = t.root.join("meta.csv");
    std::fs::write(
        &meta,
        format!("path,id,case_no,doc_type,title,redaction_status\nclean/testimony.txt,T-1,1,testimony,Statement of {NAME},none\nclean/photo.png,P-1,1,photograph,Photo,none\n"),
    )
    .unwrap();
    let (o, out) = pack(&t, &["--metadata", s(&meta)]);
    let all = text(&o);
    assert_eq!(o.status.code(), Some(1), "{all}");
    assert!(
        all.contains("title") && all.contains("deny-list-match"),
        "{all}"
    );
    assert!(!all.contains(NAME) && !out.exists());
    // An exception's reason goes into the manifest as well.
    let t = tree(&[(
        "g.jpg",
        jpeg(
            Some(&tiff(
                vec![ascii(0x010F, "M")],
                Some(vec![ascii(0x0001, "N")]),
                None,
            )),
            &[],
        ),
    )]);
    let ex = t.root.join("exceptions.tsv");
    std::fs::write(&ex, format!("g.jpg\timage-gps\treviewed with {NAME2}\n")).unwrap();
    let (o, out) = pack(&t, &["--exceptions", s(&ex)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("exception reason"), "{}", text(&o));
    assert!(!out.exists());
}

#[test]
fn a_reviewed_exception_is_recorded_and_the_deny_list_never_enters_the_bundle() {
    let gps = jpeg(
        Some(&tiff(
            vec![ascii(0x010F, "Maker")],
            Some(vec![
                ascii(0x0001, "N"),
                rational(0x0002, &[(40, 1), (10, 1), (0, 1)]),
            ]),
            None,
        )),
        &[],
    );
    let t = tree(&[("site/g.jpg", gps)]);
    let ex = t.root.join("exceptions.tsv");
    std::fs::write(
        &ex,
        "site/g.jpg\timage-gps\tposition of a public memorial, reviewed by the registrar\n",
    )
    .unwrap();
    let (o, out) = pack(&t, &["--exceptions", s(&ex)]);
    assert!(o.status.success(), "{}", text(&o));
    let manifest = Command::new("unzip")
        .args(["-p", s(&out), "c-r1/intact/manifest.json"])
        .output()
        .unwrap()
        .stdout;
    let m: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(m["exceptions"][0]["path"], "data/site/g.jpg");
    assert_eq!(m["exceptions"][0]["rule"], "image-gps");
    assert!(m["exceptions"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("public memorial"));
    let release = Command::new("unzip")
        .args(["-p", s(&out), "c-r1/intact/release.json"])
        .output()
        .unwrap()
        .stdout;
    let r: serde_json::Value = serde_json::from_slice(&release).unwrap();
    assert_eq!(r["gate"]["exceptions"], 1);
    assert_eq!(r["gate"]["deny_list"], true);
    assert!(r["gate"]["files_scanned"].as_u64().unwrap() >= 3);
    assert!(r["gate"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == "image-gps"));
    let trust = t.root.join("trust");
    std::fs::write(&trust, intact_cli::demo::demo_allowed_signers()).unwrap();
    assert_eq!(
        intact(&["verify", s(&out), "--trust", s(&trust)])
            .status
            .code(),
        Some(0)
    );
    // The bundle holds nothing of the deny-list: not its bytes, not any entry, in any case.
    let bytes = std::fs::read(&out).unwrap();
    let contains = |n: &[u8]| !n.is_empty() && bytes.windows(n.len()).any(|w| w == n);
    for entry in [NAME, NAME2, "Дмитрий Вымышленный", "Անահիտ Օրինակյան"]
    {
        for form in [
            entry.to_string(),
            entry.to_lowercase(),
            entry.to_uppercase(),
        ] {
            assert!(
                !contains(form.as_bytes()),
                "deny-list entry found in the bundle"
            );
        }
    }
    assert!(
        !contains(b"deny-list.txt"),
        "the deny-list file name is in the bundle"
    );
    // A deny-list match can never be excepted.
    let t = tree(&[("t.txt", NAME.to_string().into_bytes())]);
    let ex = t.root.join("exceptions.tsv");
    std::fs::write(&ex, "t.txt\tdeny-list-match\tI am sure\n").unwrap();
    let (o, out) = pack(&t, &["--exceptions", s(&ex)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!out.exists());
}

#[test]
fn private_gate_files_inside_the_source_are_refused() {
    let t = tree(&[]);
    let inside = t.src.join("deny.txt");
    std::fs::copy(&t.deny, &inside).unwrap();
    let out = t.root.join("o.zip");
    let key = repo().join("keys/demo-office.key");
    let o = intact(&[
        "pack",
        s(&t.src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out),
        "--deny-list",
        s(&inside),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("would be published"), "{}", text(&o));
    assert!(!out.exists());
    // Without any deny-list the structural rules still run, and a clean tree packs.
    let t = tree(&[]);
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&t.src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let t = tree(&[(
        "g.jpg",
        jpeg(
            Some(&tiff(
                vec![ascii(0x010F, "M")],
                Some(vec![ascii(0x0001, "N")]),
                None,
            )),
            &[],
        ),
    )]);
    let out2 = t.root.join("o2.zip");
    let o = intact(&[
        "pack",
        "--no-deny-list",
        s(&t.src),
        "--collection",
        "c",
        "--release",
        "r",
        "--key",
        s(&key),
        "-o",
        s(&out2),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!out2.exists());
}

/// Without `--deny-list`, pack refuses (a usage error, nothing written) unless `--no-deny-list`
/// says so on purpose; the summary, the statement and `inspect` then say which was used.
#[test]
fn pack_needs_a_deny_list_or_says_it_has_none() {
    let t = tree(&[]);
    let key = repo().join("keys/demo-office.key");
    let run = |out: &str, gate: &[&str], json: bool| {
        let out = t.root.join(out);
        let mut args = vec![
            "pack",
            s(&t.src),
            "--collection",
            "c",
            "--release",
            "r",
            "--key",
            s(&key),
            "-o",
            s(&out),
        ];
        args.extend_from_slice(gate);
        if json {
            args.push("--json");
        }
        (intact(&args), out)
    };
    let (o, out) = run("none.zip", &[], false);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--deny-list") && text(&o).contains("--no-deny-list"));
    assert!(!out.exists());
    let (o, _) = run(
        "both.zip",
        &["--no-deny-list", "--deny-list", s(&t.deny)],
        false,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    let (o, without) = run("without.zip", &["--no-deny-list"], false);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("WITHOUT a deny-list"), "{}", text(&o));
    let (o, with) = run("with.zip", &["--deny-list", s(&t.deny)], true);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["deny_list"], true);
    let (o, _) = run("without2.zip", &["--no-deny-list"], true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["deny_list"], false);

    let inspect = |b: &PathBuf| {
        let h = intact(&["inspect", s(b)]);
        let j = intact(&["inspect", s(b), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&j.stdout).unwrap();
        (text(&h), v["deny_list"].clone())
    };
    let (h, j) = inspect(&without);
    assert!(h.contains("NO deny-list"), "{h}");
    assert_eq!(j, false);
    let (h, j) = inspect(&with);
    assert!(h.contains("checked against a deny-list"), "{h}");
    assert_eq!(j, true);
}
