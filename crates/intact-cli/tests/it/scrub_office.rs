//! `intact scrub` on office documents made by real tools: python-docx, openpyxl and python-pptx
//! (`.venv-office`, scripts/install/python-office.sh) and LibreOffice headless. The properties,
//! thumbnails and printer settings go; the scrubbed files still open in the same libraries
//! (and in LibreOffice) with the same text; comments and hidden text are reported as a person's
//! decision and kept.

use std::path::{Path, PathBuf};
use std::process::Command;

use intact_testkit::{code, repo, s, text};
use serde_json::Value;

use crate::intact;

fn python() -> PathBuf {
    let p = repo().join(".venv-office/bin/python");
    assert!(
        p.exists(),
        "{} is missing: run scripts/install/python-office.sh",
        p.display()
    );
    p
}

/// Runs a Python script in `dir` with the office libraries; its standard output.
fn py(dir: &Path, script: &str, args: &[&str]) -> String {
    let o = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "python: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const MAKE: &str = r#"
import sys, docx, openpyxl, pptx
name = sys.argv[1]
d = docx.Document(); d.add_paragraph("Statement of the witness.")
d.core_properties.author = name; d.core_properties.last_modified_by = name; d.save("plain.docx")
wb = openpyxl.Workbook(); wb.active["A1"] = "exhibit list"; wb.properties.creator = name; wb.save("list.xlsx")
p = pptx.Presentation(); sl = p.slides.add_slide(p.slide_layouts[5]); sl.shapes.title.text = "Exhibit"
p.core_properties.author = name; p.save("slides.pptx")
c = docx.Document(); para = c.add_paragraph("Reviewed text. ")
r = para.add_run("hidden remark"); r.font.hidden = True
c.add_comment(para.runs[0], text="check this", author="Reviewer")
c.save("commented.docx")
"#;

const READ: &str = r#"
import sys, docx, openpyxl, pptx
print(docx.Document("plain.docx").paragraphs[0].text)
print(openpyxl.load_workbook("list.xlsx").active["A1"].value)
print(pptx.Presentation("slides.pptx").slides[0].shapes.title.text)
c = docx.Document("commented.docx"); print(c.paragraphs[0].text); print(len(list(c.comments)))
"#;

/// LibreOffice headless: converts `files` in `dir` to `to`, into `dir`.
fn soffice(dir: &Path, to: &str, files: &[&str]) {
    let home = dir.join(".lo-home");
    let o = Command::new("soffice")
        .env("HOME", &home)
        .args([
            &format!("-env:UserInstallation=file://{}", home.display()),
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            s(dir),
        ])
        .args(files.iter().map(|f| dir.join(f)))
        .output()
        .expect("soffice runs (scripts/test.sh installs it)");
    assert!(
        o.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(home);
}

fn members(p: &Path) -> Vec<String> {
    let a = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    a.file_names().map(|n| n.unwrap().into_owned()).collect()
}

#[test]
fn scrub_office_documents_made_by_python_and_libreoffice() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let name = intact_testkit::gate::NAME;
    py(&src, MAKE, &[name]);
    std::fs::write(src.join("note.txt"), "A note for the record.\n").unwrap();
    soffice(&src, "odt", &["note.txt"]);
    std::fs::remove_file(src.join("note.txt")).unwrap();
    let deny = t.path().join("deny.txt");
    std::fs::write(&deny, format!("{name}\n")).unwrap();

    let out = t.path().join("out");
    let o = intact(&[
        "scrub",
        s(&src),
        "-o",
        s(&out),
        "--json",
        "--deny-list",
        s(&deny),
    ]);
    assert_eq!(
        code(&o),
        1,
        "comments and hidden text are left for a person: {}",
        text(&o)
    );
    assert!(!text(&o).contains(name));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = |p: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap()
            .clone()
    };
    let removed = |p: &str| file(p)["removed"].to_string();
    assert!(
        removed("plain.docx").contains("docProps/core.xml"),
        "{}",
        file("plain.docx")
    );
    assert!(
        removed("plain.docx").contains("thumbnail"),
        "{}",
        file("plain.docx")
    );
    assert!(
        removed("slides.pptx").contains("printer settings"),
        "{}",
        file("slides.pptx")
    );
    assert!(removed("note.odt").contains("meta.xml") && removed("note.odt").contains("Thumbnails"));
    assert!(
        removed("note.odt").contains("printer settings (settings.xml)"),
        "{}",
        file("note.odt")
    );
    let decide = file("commented.docx")["needs_decision"].to_string();
    assert!(
        decide.contains("comments") && decide.contains("hidden text"),
        "{decide}"
    );
    for f in [
        "plain.docx",
        "list.xlsx",
        "slides.pptx",
        "note.odt",
        "commented.docx",
    ] {
        let m = members(&out.join(f));
        assert!(
            !m.iter().any(|n| n.starts_with("docProps/")
                || n == "meta.xml"
                || n.starts_with("Thumbnails")
                || n.contains("printerSettings")),
            "{f}: {m:?}"
        );
    }
    // the same text through the same libraries; the comment is still there
    assert_eq!(py(&src, READ, &[]), py(&out, READ, &[]));
    assert!(py(&out, READ, &[]).ends_with("1\n"));
    // LibreOffice reads the scrubbed ODT to the same text
    std::fs::create_dir(t.path().join("a")).unwrap();
    std::fs::create_dir(t.path().join("b")).unwrap();
    std::fs::copy(src.join("note.odt"), t.path().join("a/note.odt")).unwrap();
    std::fs::copy(out.join("note.odt"), t.path().join("b/note.odt")).unwrap();
    soffice(&t.path().join("a"), "txt:Text", &["note.odt"]);
    soffice(&t.path().join("b"), "txt:Text", &["note.odt"]);
    let txt = |d: &str| std::fs::read_to_string(t.path().join(d).join("note.txt")).unwrap();
    assert_eq!(txt("a"), txt("b"));
    assert!(txt("b").contains("A note for the record."));
    // the gate: thumbnails gone; the comments still flagged; the name was only in properties
    let scan = intact(&["scan", s(&out), "--deny-list", s(&deny), "--json"]);
    let sv: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let mut rules: Vec<&str> = sv["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.dedup();
    assert_eq!(rules, ["docx-comments"], "{sv}");
}
