//! The leak gate on real files nobody on this team wrote (`../shared/corpora`): no crash, the
//! findings they should raise, and no false alarm on ordinary files.

use std::collections::BTreeSet;
use std::path::PathBuf;

use intact::gate::{self, DenyList, ScanOptions};
use intact_testkit::gate::no_crash;
use intact_testkit::repo;

fn corpus(name: &str) -> PathBuf {
    let p = repo().join("../shared/corpora").join(name);
    assert!(
        p.is_dir(),
        "corpus {} is missing: the tests need ../shared/corpora",
        p.display()
    );
    p
}

fn summary(r: &gate::GateReport) -> BTreeSet<(String, String)> {
    r.findings
        .iter()
        .map(|f| {
            (
                f.file.to_string_lossy().into_owned(),
                f.rule.as_str().to_string(),
            )
        })
        .collect()
}

#[test]
fn pdf_samples_exact_findings_without_deny_list() {
    let r = gate::scan_tree(&corpus("pdf-samples"), &ScanOptions::default()).expect("scan");
    no_crash(r.findings.clone());
    assert_eq!(r.files_scanned, 29);
    let got = summary(&r);
    let want: BTreeSet<(String, String)> = [
        // a form shipped with filled-in values ("Alice", "Bob"): a person's data in a field
        (
            "012-libreoffice-form/libreoffice-form.pdf",
            "pdf-form-field-value",
        ),
        // a damaged file (a region of zeros): the page tree cannot be read, fail closed
        (
            "017-unreadable-meta-data/unreadablemetadata.pdf",
            "unreadable-file",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want, "{:#?}", r.findings);
    // two filled fields exactly
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.rule.as_str() == "pdf-form-field-value")
            .count(),
        2
    );
    // linearized GeoTopo (two startxref) is one revision; Link annotations (006, 009, 014, 016)
    // and empty form widgets (010) are not findings
    assert!(!r
        .findings
        .iter()
        .any(|f| f.rule.as_str() == "pdf-incremental-update"));
    assert!(!r
        .findings
        .iter()
        .any(|f| f.rule.as_str() == "pdf-annotation"));
}

#[test]
fn pdf_samples_text_is_found_and_invented_names_are_not() {
    // phrases that are really in the sample files (not personal data), to prove text extraction
    // through Type1 (pdfTeX), TrueType subsets with ToUnicode (LibreOffice, Skia) and object
    // streams in a linearized file
    let d = DenyList::from_entries(&[
        "consetetur sadipscing",
        "Beautiful is better than ugly",
        "Geometrie und Topologie",
        "Ivan Fictitious",
        "Anahit Placeholder",
    ])
    .expect("deny");
    let o = ScanOptions {
        deny: Some(d),
        ..Default::default()
    };
    let r = gate::scan_tree(&corpus("pdf-samples"), &o).expect("scan");
    no_crash(r.findings.clone());
    let hit = |file: &str, masked_start: &str| {
        r.findings.iter().any(|f| {
            f.file.to_string_lossy() == file
                && f.location.contains("text")
                && f.masked
                    .as_deref()
                    .is_some_and(|m| m.starts_with(masked_start))
        })
    };
    assert!(
        hit("001-trivial/minimal-document.pdf", "[withheld #1,"),
        "{:#?}",
        r.findings
    );
    assert!(hit(
        "002-trivial-libre-office-writer/002-trivial-libre-office-writer.pdf",
        "[withheld #1,"
    ));
    assert!(hit(
        "011-google-doc-document/google-doc-document.pdf",
        "[withheld #2,"
    ));
    assert!(hit(
        "009-pdflatex-geotopo/GeoTopo-komprimiert.pdf",
        "[withheld #3,"
    ));
    assert!(!r.findings.iter().any(|f| f
        .masked
        .as_deref()
        .is_some_and(|m| m.starts_with("[withheld #4,") || m.starts_with("[withheld #5,"))));
}

#[test]
fn exif_samples_thumbnails_and_gps() {
    let root = corpus("exif-samples");
    let r = gate::scan_tree(&root, &ScanOptions::default()).expect("scan");
    no_crash(r.findings.clone());
    let got = summary(&r);
    let mut want = BTreeSet::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let e = e.expect("walk");
        let rel = e
            .path()
            .strip_prefix(&root)
            .expect("rel")
            .to_string_lossy()
            .into_owned();
        if !rel.ends_with(".jpg") {
            continue;
        }
        // the two files the corpus README names as having neither thumbnail nor GPS
        if rel != "Fujifilm_FinePix_E500.jpg" && rel != "Reconyx_HC500_Hyperfire.jpg" {
            want.insert((rel.clone(), "image-thumbnail".to_string()));
        }
        // every file in gps/, and the Kodak, whose EXIF holds coordinates
        if rel.starts_with("gps/") || rel == "Kodak_CX7530.jpg" {
            want.insert((rel, "image-gps".to_string()));
        }
    }
    assert_eq!(got, want, "{:#?}", r.findings);
    assert!(r.files_scanned >= 25);
}

#[test]
fn exif_samples_no_deny_list_false_alarm() {
    let d = DenyList::from_entries(&[
        "Ivan Fictitious",
        "Anahit Placeholder",
        "Дмитрий Вымышленный",
    ])
    .expect("deny");
    let o = ScanOptions {
        deny: Some(d),
        ..Default::default()
    };
    let r = gate::scan_tree(&corpus("exif-samples"), &o).expect("scan");
    no_crash(r.findings.clone());
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule.as_str() == "deny-list-match"),
        "{:#?}",
        r.findings
    );
}
