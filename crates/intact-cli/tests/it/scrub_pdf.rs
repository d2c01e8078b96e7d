//! `intact scrub` on PDFs: the shared PDF corpus (LibreOffice, pdflatex, ImageMagick, ReportLab,
//! Google Docs…) and a PDF with every option's target. Page content streams and images decode to
//! the same bytes (qpdf decodes them, independently of the lopdf that wrote the file), `qpdf
//! --check` finds nothing new, and the gate's structural rules pass on what scrub was asked to fix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use intact_testkit::pdf::{one_page, stream, update};
use intact_testkit::{code, repo, s, text};
use serde_json::Value;

use crate::intact;

fn corpus() -> PathBuf {
    repo().join("../shared/corpora/pdf-samples")
}

/// `qpdf --check`'s exit code (0 clean, 3 warnings, 2 errors).
fn qpdf_check(p: &Path) -> i32 {
    Command::new("qpdf")
        .args(["--check", s(p)])
        .output()
        .expect("qpdf runs (scripts/test.sh installs it)")
        .status
        .code()
        .unwrap_or(-1)
}

/// qpdf's JSON of a PDF with every stream decoded.
fn qpdf_json(p: &Path) -> Value {
    let o = Command::new("qpdf")
        .args([
            "--json=2",
            "--json-stream-data=inline",
            "--decode-level=generalized",
            s(p),
        ])
        .output()
        .expect("qpdf runs");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Per page, its content streams and its images, decoded (by qpdf), in order.
fn pages(p: &Path) -> Vec<Vec<String>> {
    let j = qpdf_json(p);
    let objs = &j["qpdf"][1];
    let data = |r: &str| -> String {
        objs[format!("obj:{r}")]["stream"]["data"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {r} has no data", p.display()))
            .to_owned()
    };
    j["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pg| {
            let mut v: Vec<String> = pg["contents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| data(r.as_str().unwrap()))
                .collect();
            for im in pg["images"].as_array().unwrap() {
                v.push(data(im["object"].as_str().unwrap()));
            }
            v
        })
        .collect()
}

fn trailer(p: &Path) -> Value {
    qpdf_json(p)["qpdf"][1]["trailer"]["value"].clone()
}

fn gate_rules(dir: &Path, deny: Option<&Path>) -> Vec<String> {
    let mut args = vec!["scan", s(dir), "--json"];
    if let Some(d) = deny {
        args.extend(["--deny-list", s(d)]);
    }
    let v: Value = serde_json::from_slice(&intact(&args).stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn scrub_pdf_corpus_keeps_every_page_stream_and_image() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let o = intact(&["scrub", s(&corpus()), "-o", s(&out), "--json"]);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    let mut checked = 0;
    for f in files.iter().filter(|f| f["kind"] == "pdf") {
        let p = f["path"].as_str().unwrap();
        let (a, b) = (corpus().join(p), out.join(p));
        if f["status"] != "scrubbed" {
            assert_eq!(
                std::fs::read(&a).unwrap(),
                std::fs::read(&b).unwrap(),
                "{p}"
            );
            assert!(!f["not_fixed"].as_array().unwrap().is_empty(), "{p}: {f}");
            continue;
        }
        checked += 1;
        let removed = f["removed"].as_array().unwrap();
        assert!(
            removed.iter().any(|r| r == "PDF Info dictionary"),
            "{p}: {f}"
        );
        let (before, after) = (qpdf_check(&a), qpdf_check(&b));
        assert!(
            after == 0 || after <= before,
            "{p}: qpdf --check {before} -> {after}"
        );
        assert_eq!(pages(&a), pages(&b), "{p}: page streams or images changed");
        let tr = trailer(&b);
        assert!(tr.get("/Info").is_none(), "{p}: {tr}");
    }
    assert!(checked >= 20, "{checked} PDFs scrubbed");
    assert!(!gate_rules(&out, None).contains(&"pdf-incremental-update".to_owned()));
}

/// One page naming a kept person in its text, with an Info author, a JavaScript open action, a
/// sticky note, an embedded file, a link, and an incremental update over it.
fn loaded_pdf(name: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 700 Td (Statement of {name}) Tj ET").into_bytes();
    let base = one_page(
        &content,
        "/Annots [7 0 R 8 0 R]",
        "/OpenAction 6 0 R /Names << /EmbeddedFiles << /Names [(a.txt) 9 0 R] >> >>",
        &[
            b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>".to_vec(),
            b"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (a note) >>".to_vec(),
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.invalid/) >> >>".to_vec(),
            b"<< /Type /Filespec /F (a.txt) /EF << /F 10 0 R >> >>".to_vec(),
            stream("/Type /EmbeddedFile", b"attached text", false),
            b"<< /Author (Someone Else) /Producer (testkit) >>".to_vec(),
        ],
        "/Info 11 0 R",
    );
    update(
        &base,
        &[(
            11,
            format!("<< /Author ({name}) /Producer (testkit) >>").into_bytes(),
        )],
        12,
        "/Root 1 0 R /Info 11 0 R",
    )
}

#[test]
fn scrub_pdf_options_remove_what_they_name_and_nothing_else() {
    let t = tempfile::tempdir().unwrap();
    let name = intact_testkit::gate::NAME;
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("doc.pdf"), loaded_pdf(name)).unwrap();
    let deny = t.path().join("deny.txt");
    std::fs::write(&deny, format!("{name}\n")).unwrap();
    let before = gate_rules(&src, None);
    for r in [
        "pdf-incremental-update",
        "pdf-javascript",
        "pdf-annotation",
        "pdf-attachment",
    ] {
        assert!(before.contains(&r.to_owned()), "{r}: {before:?}");
    }
    // without options: an updated PDF is left as it is, and the report says what to do
    let plain = t.path().join("plain");
    let o = intact(&["scrub", s(&src), "-o", s(&plain), "--deny-list", s(&deny)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(!text(&o).contains(name), "{}", text(&o));
    assert!(
        text(&o).contains("not fixed: earlier PDF revisions"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("needs a person's decision: PDF annotations"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read(plain.join("doc.pdf")).unwrap(),
        std::fs::read(src.join("doc.pdf")).unwrap()
    );
    // with every option
    let out = t.path().join("out");
    let o = intact(&[
        "scrub",
        s(&src),
        "-o",
        s(&out),
        "--deny-list",
        s(&deny),
        "--json",
        "--pdf-revisions",
        "--pdf-attachments",
        "--pdf-javascript",
        "--pdf-annotations",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let removed: Vec<&str> = v["files"][0]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        removed,
        [
            "PDF Info dictionary",
            "PDF embedded files",
            "PDF JavaScript and actions",
            "PDF annotations (1)",
            "PDF earlier revisions"
        ]
    );
    let (a, b) = (src.join("doc.pdf"), out.join("doc.pdf"));
    assert_eq!(qpdf_check(&b), 0);
    assert_eq!(pages(&a), pages(&b));
    // the structural rules pass; the name on the page is still refused (scrub is no deny-list)
    assert_eq!(gate_rules(&out, None), Vec::<String>::new());
    let mut left = gate_rules(&out, Some(&deny));
    left.dedup();
    assert_eq!(left, ["deny-list-match"]);
    // the link and its URI stay
    let j = qpdf_json(&b);
    let text = j.to_string();
    assert!(text.contains("https://example.invalid/"), "link kept");
    assert!(
        !text.contains("app.alert") && !text.contains("attached text") && !text.contains("a note")
    );
}

#[test]
fn scrub_pdf_leaves_an_encrypted_or_broken_pdf_as_it_is() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let plain = src.join("plain.pdf");
    std::fs::write(&plain, one_page(b"BT ET", "", "", &[], "")).unwrap();
    let enc = src.join("enc.pdf");
    let o = Command::new("qpdf")
        .args(["--encrypt", "", "owner", "256", "--", s(&plain), s(&enc)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(src.join("broken.pdf"), b"%PDF-1.7\n1 0 obj << >>").unwrap();
    let out = t.path().join("out");
    let o = intact(&["scrub", s(&src), "-o", s(&out), "--json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let by: BTreeMap<&str, &Value> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f))
        .collect();
    for f in ["enc.pdf", "broken.pdf"] {
        assert_eq!(by[f]["status"], "not-scrubbed", "{f}: {}", by[f]);
        assert_eq!(
            std::fs::read(src.join(f)).unwrap(),
            std::fs::read(out.join(f)).unwrap()
        );
    }
    assert_eq!(by["plain.pdf"]["status"], "clean", "{}", by["plain.pdf"]);
}
