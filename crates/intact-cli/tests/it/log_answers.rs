//! The answers a mirror and a researcher get from the release log (docs/RELEASES.md,
//! docs/CITING.md): `log verify` refuses entries without enough trusted signatures, checks every
//! copy of every bundle in a mirror, and reads only the entry names FORMAT.md §14 allows;
//! `check --log` says current, superseded or withdrawn only from signed change records.

use std::path::{Path, PathBuf};

use intact_testkit::{repo, s, text};
use serde_json::Value;

use crate::intact;
use crate::releases::{copy_dir, two_releases, Fx, R1};

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// A log of r1 and r2 (r2 supersedes a.txt and withdraws b.txt).
fn log_of_two(fx: &Fx) -> (PathBuf, PathBuf, PathBuf) {
    let (r1, r2) = two_releases(fx);
    let log = fx.p("log");
    for b in [&r1, &r2] {
        assert!(fx.append(&log, b).status.success());
    }
    (log, r1, r2)
}

/// A copy of `log` named `name`, with `edit` applied to its entry 000002's signatures folder.
fn edited_copy(fx: &Fx, log: &Path, name: &str, edit: impl FnOnce(&Path)) -> PathBuf {
    let copy = fx.p(name);
    copy_dir(log, &copy);
    edit(&copy.join("000002/signatures"));
    copy
}

fn sig_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Asserts `log verify` says NOT VALID (exit 1), naming entry 000002, and `needle`.
fn assert_not_valid(fx: &Fx, log: &Path, extra: &[&str], needle: &str) {
    let o = fx.log_verify(log, extra);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT VALID"), "{}", text(&o));
    let mut args = extra.to_vec();
    args.push("--json");
    let r = json(&fx.log_verify(log, &args));
    assert_eq!(r["valid"], false);
    let problems = r["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["seq"] == 2 && p["message"].as_str().unwrap().contains(needle)),
        "{needle}: {problems:?}"
    );
}

/// A verified log of two releases, and the fixture that made it.
fn valid_log() -> (Fx, PathBuf) {
    let fx = Fx::new();
    let (log, _, _) = log_of_two(&fx);
    let o = fx.log_verify(&log, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    (fx, log)
}

#[test]
fn log_verify_refuses_an_entry_with_every_signature_stripped() {
    let (fx, log) = valid_log();
    let none = edited_copy(&fx, &log, "no-sigs", |d| {
        for f in sig_files(d) {
            std::fs::remove_file(f).unwrap();
        }
    });
    assert_not_valid(&fx, &none, &[], "0 valid signature(s)");
    // The signatures folder gone altogether.
    let gone = edited_copy(&fx, &log, "no-sig-dir", |d| {
        std::fs::remove_dir_all(d).unwrap()
    });
    assert_not_valid(&fx, &gone, &[], "0 valid signature(s)");
}

#[test]
fn log_verify_refuses_entries_signed_only_by_an_untrusted_key() {
    let (fx, log) = valid_log();
    // The entries are signed by demo-office; this policy trusts only demo-registrar.
    let other = fx.p("registrar-only");
    let line = std::fs::read_to_string(repo().join("keys/allowed_signers.demo"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with("demo-registrar "))
        .unwrap()
        .to_owned();
    std::fs::write(&other, format!("{line}\n")).unwrap();
    let o = intact(&["log", "verify", s(&log), "--trust", s(&other)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT VALID"), "{}", text(&o));
    let o = intact(&["log", "verify", s(&log), "--trust", s(&other), "--json"]);
    let r = json(&o);
    assert_eq!(r["valid"], false);
    for (i, seq) in [(0, 1), (1, 2)] {
        assert_eq!(r["releases"][i]["signatures"][0]["status"], "untrusted-key");
        assert!(r["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["seq"] == seq
                && p["message"]
                    .as_str()
                    .unwrap()
                    .contains("0 valid signature(s)")));
    }
}

#[test]
fn log_verify_refuses_entries_below_the_threshold() {
    let (_fx, log) = valid_log();
    // Two trusted principals required; only demo-office signed.
    let two = repo().join("keys/allowed_signers.demo");
    let o = intact(&["log", "verify", s(&log), "--trust", s(&two)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let args = [
        "log",
        "verify",
        s(&log),
        "--trust",
        s(&two),
        "--threshold",
        "2",
    ];
    let o = intact(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("NOT VALID"), "{}", text(&o));
    let mut args = args.to_vec();
    args.push("--json");
    let r = json(&intact(&args));
    assert_eq!(r["valid"], false);
    for seq in [1, 2] {
        assert!(
            r["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["seq"] == seq
                    && p["message"]
                        .as_str()
                        .unwrap()
                        .contains("1 valid signature(s) by trusted principals; 2 required")),
            "{r}"
        );
    }
}

#[test]
fn log_verify_refuses_a_malformed_signature_file() {
    let (fx, log) = valid_log();
    let bad = edited_copy(&fx, &log, "bad-sig", |d| {
        std::fs::write(
            &sig_files(d)[0],
            b"-----BEGIN SSH SIGNATURE-----\nnot base64\n",
        )
        .unwrap()
    });
    let o = fx.log_verify(&bad, &["--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&o);
    assert_eq!(r["releases"][1]["signatures"][0]["status"], "malformed");
    assert!(r["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["seq"] == 2 && p["path"].as_str().unwrap().ends_with(".sig")));
}

#[test]
fn log_entries_are_named_exactly_six_digits() {
    let fx = Fx::new();
    let (log, _, _) = log_of_two(&fx);
    // `+00002` parses as the number 2 but is not an entry name: the log has a problem there
    // (and entry 000002 is missing from the chain).
    for (name, odd) in [
        ("plus", "+00002"),
        ("seven", "0000002"),
        ("space", " 00002"),
    ] {
        let copy = fx.p(name);
        copy_dir(&log, &copy);
        std::fs::rename(copy.join("000002"), copy.join(odd)).unwrap();
        let o = fx.log_verify(&copy, &["--json"]);
        assert_eq!(o.status.code(), Some(1), "{odd}: {}", text(&o));
        let r = json(&o);
        assert_eq!(r["releases"].as_array().unwrap().len(), 1, "{odd}");
        assert!(
            r["problems"].as_array().unwrap().iter().any(|p| p["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{odd}"))
                && p["message"].as_str().unwrap().contains("not a log entry")),
            "{odd}: {r}"
        );
    }
}

/// A mirror of r1 and r2 plus a second, tampered copy of r2, an extracted copy of r1, a README
/// and a `lost+found`.
#[test]
fn log_verify_checks_every_copy_in_the_mirror() {
    let fx = Fx::new();
    let (log, r1, r2) = log_of_two(&fx);
    let mirror = fx.p("mirror");
    std::fs::create_dir(&mirror).unwrap();
    std::fs::copy(&r1, mirror.join("r1.zip")).unwrap();
    std::fs::copy(&r2, mirror.join("r2.zip")).unwrap();
    std::fs::write(mirror.join("README.txt"), "SYNTHETIC mirror readme\n").unwrap();
    std::fs::create_dir(mirror.join("lost+found")).unwrap();
    let o = intact(&[
        "extract",
        s(&r1),
        "--to",
        s(&mirror.join("r1-tree")),
        "--trust",
        s(&fx.trust),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A second copy of r2, identical: both verified, both named.
    std::fs::copy(&r2, mirror.join("r2-copy.zip")).unwrap();
    let o = fx.log_verify(&log, &["--bundles", s(&mirror), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = json(&o);
    let names = |i: usize| -> Vec<String> {
        r["releases"][i]["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().rsplit('/').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(0), ["r1-tree", "r1.zip"]);
    assert_eq!(names(1), ["r2-copy.zip", "r2.zip"]);
    assert_eq!(r["bundles_checked"], 4);
    let noted: Vec<&str> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(noted, ["README.txt", "lost+found"]);
    let human = text(&fx.log_verify(&log, &["--bundles", s(&mirror)]));
    assert!(human.contains("4 bundle(s) in"), "{human}");
    assert!(human.contains("r2-copy.zip: release r2 (entry 000002): verified in full"));
    assert!(human.contains("README.txt: note: not a bundle"), "{human}");

    // One byte of the second copy's payload changed: not valid, and that copy is named.
    let victim = mirror.join("r2-copy.zip");
    let mut bytes = std::fs::read(&victim).unwrap();
    let needle = b"SYNTHETIC item d";
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at] ^= 0x20;
    std::fs::write(&victim, bytes).unwrap();
    let o = fx.log_verify(&log, &["--bundles", s(&mirror), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&o);
    let problems = r["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    for p in problems {
        assert!(p["path"].as_str().unwrap().ends_with("r2-copy.zip"), "{p}");
        assert_eq!(p["release"], "r2");
    }
    // The same in the extracted copy of r1.
    std::fs::remove_file(&victim).unwrap();
    std::fs::write(mirror.join("r1-tree/coll-r1/data/a.txt"), "altered\n").unwrap();
    let o = fx.log_verify(&log, &["--bundles", s(&mirror), "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&o);
    assert!(r["problems"].as_array().unwrap().iter().all(|p| p["path"]
        .as_str()
        .unwrap()
        .ends_with("r1-tree")
        && p["release"] == "r1"));
}

/// r1 publishes a, b, c; r2 only adds d; r3 supersedes a (re-redacted) and withdraws b (court
/// order). Answers for each file, through the log and through a directory of the bundles.
#[test]
fn check_log_says_current_superseded_or_withdrawn_from_change_records() {
    let fx = Fx::new();
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let r2 = fx.ok_pack(
        "r2",
        "2026-02-01T00:00:00Z",
        &[("d.txt", "SYNTHETIC item d\n")],
        Some(&r1),
        None,
    );
    let log = fx.p("log");
    for b in [&r1, &r2] {
        assert!(fx.append(&log, b).status.success());
    }
    let a3 = "SYNTHETIC item a, [REDACTED] in r3\n";
    let r3 = fx.ok_pack(
        "r3",
        "2026-03-01T00:00:00Z",
        &[("a.txt", a3)],
        Some(&log),
        Some(
            "id,action,by,reason\na.txt,superseded,a.txt,re-redacted: a name withheld\nb.txt,withdrawn,,court order of 2026-02-20\n",
        ),
    );
    assert!(fx.append(&log, &r3).status.success());
    let dir = fx.p("bundles");
    std::fs::create_dir(&dir).unwrap();
    for b in [&r1, &r2, &r3] {
        std::fs::copy(b, dir.join(b.file_name().unwrap())).unwrap();
    }
    let a3_sha = intact::digest::Sha256Digest::of(a3.as_bytes()).to_hex();
    for place in [&log, &dir] {
        let check = |file: &Path| {
            let args = ["check", s(file), "--log", s(place), "--trust", s(&fx.trust)];
            let human = text(&intact(&args));
            let mut args = args.to_vec();
            args.push("--json");
            let o = intact(&args);
            assert_eq!(o.status.code(), Some(0), "{}", text(&o));
            let r = json(&o);
            assert_eq!(r["found"].as_array().unwrap().len(), 1, "{r}");
            (r["found"][0].clone(), human)
        };
        // c: r2 and r3 do not repeat it, and no change record names it.
        let (c, human) = check(&fx.p("src-r1/c.txt"));
        assert_eq!(c["status"], "current", "{c}");
        assert!(c["superseded_by"].is_null() && c["withdrawn_by"].is_null());
        assert!(
            !human.contains("SUPERSEDED") && human.contains("current"),
            "{human}"
        );
        // a: superseded by r3 (not r2), with the signed reason and the new version.
        let (a, human) = check(&fx.p("src-r1/a.txt"));
        assert_eq!(a["status"], "superseded", "{a}");
        let sup = &a["superseded_by"];
        assert_eq!(sup["release"], "r3");
        assert_eq!(sup["action"], "superseded");
        assert_eq!(sup["by"], "a.txt");
        assert_eq!(sup["sha256"], a3_sha.as_str());
        assert_eq!(sup["reason"], "re-redacted: a name withheld");
        assert!(a["withdrawn_by"].is_null());
        assert!(
            human.contains("SUPERSEDED by release r3")
                && human.contains("reason: re-redacted: a name withheld")
                && !human.contains("release r2"),
            "{human}"
        );
        // b: withdrawn in r3, with its reason; not "superseded".
        let (b, human) = check(&fx.p("src-r1/b.txt"));
        assert_eq!(b["status"], "withdrawn", "{b}");
        assert!(b["superseded_by"].is_null(), "{b}");
        assert_eq!(b["withdrawn_by"]["release"], "r3");
        assert_eq!(b["withdrawn_by"]["action"], "withdrawn");
        assert_eq!(b["withdrawn_by"]["reason"], "court order of 2026-02-20");
        assert!(
            human.contains("WITHDRAWN by release r3")
                && human.contains("reason: court order of 2026-02-20")
                && !human.contains("SUPERSEDED"),
            "{human}"
        );
        // The new version of a, and d, are current.
        for f in ["src-r3/a.txt", "src-r2/d.txt"] {
            let (x, _) = check(&fx.p(f));
            assert_eq!(x["status"], "current", "{f}: {x}");
        }
    }
    // An entry whose signatures were stripped vouches for nothing: it is skipped, and what only
    // it published is not found.
    let stripped = fx.p("stripped-log");
    copy_dir(&log, &stripped);
    for f in sig_files(&stripped.join("000001/signatures")) {
        std::fs::remove_file(f).unwrap();
    }
    let o = intact(&[
        "check",
        s(&fx.p("src-r1/c.txt")),
        "--log",
        s(&stripped),
        "--trust",
        s(&fx.trust),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = json(&o);
    assert!(r["found"].as_array().unwrap().is_empty());
    assert!(r["skipped"][0]["source"]
        .as_str()
        .unwrap()
        .ends_with("000001"));
    // Against one bundle, there is no log to say: no status.
    let o = intact(&[
        "check",
        s(&fx.p("src-r1/c.txt")),
        "--bundle",
        s(&r1),
        "--trust",
        s(&fx.trust),
        "--json",
    ]);
    assert!(json(&o)["found"][0]["status"].is_null());
}
