//! Whole-bag validation on bags built in temporary directories: the cases the conformance suite
//! does not cover (1.0 percent-encoding, symlinks, special files, fetch.txt, fast mode).

use std::path::Path;

use intact::bagit::{self, BagReport, Code, Severity, ValidateOptions};
use intact_testkit::{hex, sha_hex as sha256, write_file};
use md5::{Digest, Md5};

fn md5(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

fn write(root: &Path, rel: &str, data: &[u8]) {
    write_file(&root.join(rel), data);
}

/// A bag of `version` with the given payload files (name under data/, content) and an md5 manifest
/// whose lines use `encoded` names.
fn make_bag(root: &Path, version: &str, files: &[(&str, &[u8], &str)]) {
    write(
        root,
        "bagit.txt",
        format!("BagIt-Version: {version}\nTag-File-Character-Encoding: UTF-8\n").as_bytes(),
    );
    let mut manifest = String::new();
    let mut bytes = 0;
    for (name, data, encoded) in files {
        write(root, &format!("data/{name}"), data);
        manifest.push_str(&format!("{}  data/{encoded}\n", md5(data)));
        bytes += data.len();
    }
    write(root, "manifest-md5.txt", manifest.as_bytes());
    write(
        root,
        "bag-info.txt",
        format!("Payload-Oxum: {bytes}.{}\n", files.len()).as_bytes(),
    );
    std::fs::create_dir_all(root.join("data")).unwrap_or_else(|e| panic!("{e}"));
}

fn check(root: &Path) -> BagReport {
    bagit::validate(root, &ValidateOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn codes(r: &BagReport) -> Vec<&'static str> {
    r.problems.iter().map(|p| p.code.as_str()).collect()
}

#[test]
fn percent_encoded_names_in_1_0() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(
        dir.path(),
        "1.0",
        &[
            ("100%\nsure", b"a", "100%25%0Asure"),
            ("c\rd", b"b", "c%0Dd"),
        ],
    );
    let r = check(dir.path());
    assert!(r.valid(), "{:?}", r.problem_lines());
    assert_eq!(r.files, 2);
    assert_eq!(r.algorithms, ["md5"]);
}

#[test]
fn drafts_read_percent_literally() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "0.97", &[("%25x", b"a", "%25x")]);
    assert!(check(dir.path()).valid());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("%25x", b"a", "%25x")]);
    let r = check(dir.path());
    assert!(
        r.has(Code::MissingFile) && r.has(Code::UnlistedFile),
        "{:?}",
        r.problem_lines()
    );
}

#[test]
fn every_manifest_must_list_every_file_in_1_0() {
    for (version, severity) in [("1.0", Severity::Error), ("0.97", Severity::Warning)] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        make_bag(dir.path(), version, &[("a", b"a", "a"), ("b", b"b", "b")]);
        write(
            dir.path(),
            "manifest-sha256.txt",
            format!("{}  data/a\n", sha256(b"a")).as_bytes(),
        );
        let r = check(dir.path());
        let p = r
            .problems
            .iter()
            .find(|p| p.code == Code::NotInEveryManifest);
        assert_eq!(
            p.map(|p| (p.severity, p.file.to_string_lossy().into_owned())),
            Some((severity, "data/b".into()))
        );
        assert_eq!(r.algorithms, ["md5", "sha256"]);
    }
}

#[test]
fn checksum_mismatch_names_manifest_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a"), ("b", b"b", "b")]);
    write(dir.path(), "data/b", b"B");
    let r = check(dir.path());
    assert_eq!(codes(&r), ["checksum-mismatch"]);
    assert_eq!(r.problems[0].file, Path::new("manifest-md5.txt"));
    assert_eq!(r.problems[0].line, Some(2));
    // Same size: fast mode cannot see it.
    let fast = bagit::validate(dir.path(), &ValidateOptions { fast: true })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fast.valid(), "{:?}", fast.problem_lines());
}

#[test]
fn payload_oxum_is_checked() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"abc", "a")]);
    write(dir.path(), "bag-info.txt", b"Payload-Oxum: 4.1\n");
    let r = check(dir.path());
    assert_eq!(codes(&r), ["payload-oxum-mismatch"]);
    assert_eq!(r.problems[0].line, Some(1));
    write(dir.path(), "bag-info.txt", b"Payload-Oxum: three.1\n");
    assert_eq!(codes(&check(dir.path())), ["malformed-payload-oxum"]);
}

#[test]
fn unknown_algorithm_is_a_warning() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    write(dir.path(), "manifest-blake3.txt", b"00ff  data/a\n");
    let r = check(dir.path());
    assert!(r.valid(), "{:?}", r.problem_lines());
    assert_eq!(codes(&r), ["unknown-algorithm"]);
}

#[test]
fn no_manifest_and_no_data() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "bagit.txt",
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    );
    let r = check(dir.path());
    assert_eq!(codes(&r), ["missing-payload-dir", "no-payload-manifest"]);
}

#[test]
fn fetch_covers_missing_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    let mut manifest = std::fs::read_to_string(dir.path().join("manifest-md5.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    manifest.push_str(&format!("{}  data/remote\n", md5(b"r")));
    write(dir.path(), "manifest-md5.txt", manifest.as_bytes());
    write(dir.path(), "bag-info.txt", b"Payload-Oxum: 2.2\n");
    write(
        dir.path(),
        "fetch.txt",
        b"https://example.org/r 1 data/remote\nhttps://example.org/x - data/unlisted\n",
    );
    let r = check(dir.path());
    assert_eq!(
        codes(&r),
        [
            "fetch-file",
            "payload-oxum-unchecked",
            "not-yet-fetched",
            "fetch-not-in-manifest"
        ],
        "{:?}",
        r.problem_lines()
    );
    assert!(!r.valid());
}

#[cfg(unix)]
#[test]
fn symlinks_and_special_files_are_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("data/link"))
        .unwrap_or_else(|e| panic!("{e}"));
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("data/sock"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = check(dir.path());
    assert_eq!(
        codes(&r),
        ["symlink", "special-file"],
        "{:?}",
        r.problem_lines()
    );
    assert_eq!(r.problems[0].file, Path::new("data/link"));
}

#[cfg(unix)]
#[test]
fn symlinked_tag_file_is_not_followed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    std::fs::remove_file(dir.path().join("bag-info.txt")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("bag-info.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = check(dir.path());
    assert_eq!(codes(&r), ["symlink"]);
}

#[cfg(unix)]
#[test]
fn tag_files_behind_a_symlinked_directory_are_not_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(outside.path(), "secret", b"s");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("meta"))
        .unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "tagmanifest-md5.txt",
        format!("{}  meta/secret\n", md5(b"s")).as_bytes(),
    );
    let r = check(dir.path());
    assert_eq!(codes(&r), ["symlink"], "{:?}", r.problem_lines());
    assert_eq!(r.problems[0].file, Path::new("tagmanifest-md5.txt"));
}

#[test]
fn case_collisions_that_both_exist_are_warnings() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(
        dir.path(),
        "1.0",
        &[("a.txt", b"1", "a.txt"), ("A.txt", b"2", "A.txt")],
    );
    let r = check(dir.path());
    assert!(r.valid(), "{:?}", r.problem_lines());
    assert_eq!(codes(&r), ["case-collision"]);
}

#[test]
fn tag_manifest_is_verified() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"a", "a")]);
    let bagit_txt = std::fs::read(dir.path().join("bagit.txt")).unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "tagmanifest-md5.txt",
        format!(
            "{}  bagit.txt\n{}  bag-info.txt\n{}  data/a\n",
            md5(&bagit_txt),
            md5(b"x"),
            md5(b"a")
        )
        .as_bytes(),
    );
    let r = check(dir.path());
    assert_eq!(
        codes(&r),
        ["payload-file-in-tag-manifest", "checksum-mismatch"],
        "{:?}",
        r.problem_lines()
    );
    assert_eq!(r.problems[1].line, Some(2));
}

#[test]
fn json_report_shape() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    make_bag(dir.path(), "1.0", &[("a", b"abc", "a")]);
    write(dir.path(), "data/extra", b"");
    let j = check(dir.path()).to_json();
    assert_eq!(j["valid"], false);
    assert_eq!(j["version"], "1.0");
    assert_eq!(j["errors"], 2);
    assert_eq!(j["warnings"], 0);
    assert_eq!(j["files"], 2);
    assert_eq!(j["bytes"], 3);
    assert_eq!(j["algorithms"][0], "md5");
    assert_eq!(j["problems"][0]["code"], "payload-oxum-mismatch");
    assert_eq!(j["problems"][0]["file"], "bag-info.txt");
    assert_eq!(j["problems"][0]["line"], 1);
    assert_eq!(j["problems"][1]["code"], "unlisted-file");
    assert_eq!(j["problems"][1]["severity"], "error");
}
