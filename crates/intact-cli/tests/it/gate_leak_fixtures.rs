//! The leak gate on files made by the tools an office really uses (issue 15), from
//! `tests/leak-fixtures` (written by `scripts/gen-leak-fixtures.sh`, which also says which tool
//! made each file): every finding `expect.tsv` lists is reported, every file is refused, and
//! the files are the ones the generator wrote (`SHA256SUMS`). `INTACT_LEAK_FIXTURES=DIR` runs
//! the same checks on a freshly generated set (scripts/test.sh does, when the tools are here).

use std::path::{Path, PathBuf};

use intact::gate::{self, DenyList, ScanOptions};
use intact_testkit::repo;
use sha2::{Digest, Sha256};

fn fixtures() -> (PathBuf, bool) {
    match std::env::var_os("INTACT_LEAK_FIXTURES") {
        Some(d) => (PathBuf::from(d), false),
        None => (repo().join("tests/leak-fixtures"), true),
    }
}

/// One line of `expect.tsv`.
struct Expect {
    path: String,
    rule: String,
    absent: bool,
    location: String,
    masked: String,
}

fn expectations(dir: &Path) -> Vec<Expect> {
    let text = std::fs::read_to_string(dir.join("expect.tsv")).expect("expect.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 4, "expect.tsv line {l:?}");
            Expect {
                path: c[0].to_string(),
                rule: c[1].trim_start_matches('!').to_string(),
                absent: c[1].starts_with('!'),
                location: c[2].to_string(),
                masked: c[3].to_string(),
            }
        })
        .collect()
}

#[test]
fn committed_fixtures_are_the_generated_ones() {
    let (dir, committed) = fixtures();
    if !committed {
        return;
    }
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("SHA256SUMS");
    let mut listed = 0;
    for line in sums.lines() {
        let (digest, path) = line.split_once("  ").expect("sha256sum line");
        let data = std::fs::read(dir.join(path)).expect(path);
        let got: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, digest, "{path} differs from what the generator wrote");
        listed += 1;
    }
    let on_disk = walkdir::WalkDir::new(dir.join("files"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
        .count();
    assert_eq!(listed, on_disk, "a fixture file is not in SHA256SUMS");
}

#[test]
fn every_office_encoding_is_refused_with_its_finding() {
    let (dir, _) = fixtures();
    let deny = DenyList::load(&dir.join("deny.txt")).expect("deny");
    let opts = ScanOptions {
        deny: Some(deny),
        ..Default::default()
    };
    let r = gate::scan_tree(&dir.join("files"), &opts).expect("scan");
    let expects = expectations(&dir);
    assert!(expects.len() >= 40, "{} expectations", expects.len());
    let mut failed = Vec::new();
    let deny = opts.deny.as_ref().expect("deny");
    let mut listing = gate::Listing::of(&dir.join("files"));
    for e in &expects {
        // a path that holds a withheld name is reported masked
        let shown = gate::mask_path(deny, &mut listing, std::path::Path::new(&e.path));
        let shown = shown.to_string_lossy();
        let found = r.findings.iter().any(|f| {
            f.file.to_string_lossy() == shown
                && f.rule.as_str() == e.rule
                && f.location.contains(&e.location)
                && (e.masked.is_empty() || f.masked.as_deref() == Some(e.masked.as_str()))
        });
        if found == e.absent {
            let bang = if e.absent { "!" } else { "" };
            failed.push(format!(
                "{} {bang}{} at {:?} {}",
                e.path, e.rule, e.location, e.masked
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}\n{:#?}", r.findings);
    // every file is refused
    for e in walkdir::WalkDir::new(dir.join("files")) {
        let e = e.expect("walk");
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(dir.join("files")).expect("rel");
        let shown = gate::mask_path(deny, &mut listing, rel);
        assert!(
            r.findings.iter().any(|f| f.file == shown),
            "{} is not refused",
            rel.display()
        );
    }
}

/// A file whose name is "Зарифа Тестова.txt" in Windows-1251 bytes (as a Windows tool or an
/// old archive leaves it on a Linux disk): `scan` refuses it by its name, as `pack` does.
#[cfg(unix)]
#[test]
fn name_in_cp1251_bytes_is_refused_by_scan() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    let name: &[u8] = b"\xc7\xe0\xf0\xe8\xf4\xe0 \xd2\xe5\xf1\xf2\xee\xe2\xe0.txt";
    std::fs::write(src.join(OsStr::from_bytes(name)), b"nothing here\n").expect("write");
    let deny = dir.path().join("deny.txt");
    std::fs::write(&deny, "Зарифа Тестова\n").expect("write");
    let o = crate::intact(&[
        OsStr::new("scan"),
        src.as_os_str(),
        OsStr::new("--deny-list"),
        deny.as_os_str(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "[file #1, name withheld]: file name: deny-list-match: [withheld #1, 14 chars]"
        ),
        "{out}"
    );
}

/// What `scan` prints about the fixtures (text and JSON) shows no withheld name in any reading
/// the gate matches: not percent-encoded in a file name, not joined by `_` in a member name.
#[test]
fn report_of_the_fixtures_shows_no_withheld_name() {
    let (dir, _) = fixtures();
    let deny_file = dir.join("deny.txt");
    let deny = DenyList::load(&deny_file).expect("deny");
    let files = dir.join("files");
    for json in [false, true] {
        let mut args = vec![
            std::ffi::OsStr::new("scan"),
            files.as_os_str(),
            std::ffi::OsStr::new("--deny-list"),
            deny_file.as_os_str(),
        ];
        if json {
            args.push(std::ffi::OsStr::new("--json"));
        }
        let o = crate::intact(&args);
        assert_eq!(o.status.code(), Some(1));
        for out in [&o.stdout, &o.stderr] {
            for line in String::from_utf8_lossy(out).lines() {
                let hits = deny.find_in_name(line);
                assert!(hits.is_empty(), "{hits:?} readable in {line:?}");
            }
        }
    }
}
