//! Staged releases, change records, the release log, mirror state, diff and extract — through
//! the real binary on temp dirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use intact_testkit::{repo, s, text, write_file as write};

use crate::intact;

pub(crate) struct Fx {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    pub(crate) trust: PathBuf,
}

impl Fx {
    pub(crate) fn new() -> Fx {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_owned();
        let trust = root.join("allowed_signers");
        std::fs::write(&trust, intact_cli::demo::demo_allowed_signers()).unwrap();
        Fx {
            _tmp: tmp,
            root,
            trust,
        }
    }

    pub(crate) fn p(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Packs the files into `<name>.zip`, with optional --previous and --changes.
    fn pack(
        &self,
        name: &str,
        created: &str,
        files: &[(&str, &str)],
        previous: Option<&Path>,
        changes: Option<&str>,
    ) -> Output {
        let src = self.p(&format!("src-{name}"));
        for (rel, body) in files {
            write(&src.join(rel), body);
        }
        let out = self.p(&format!("{name}.zip"));
        let key = repo().join("keys/demo-office.key");
        let mut args: Vec<String> = [
            "pack",
            "--no-deny-list",
            s(&src),
            "--collection",
            "coll",
            "--release",
            name,
            "--key",
            s(&key),
            "--created",
            created,
            "-o",
            s(&out),
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        if let Some(p) = previous {
            args.push("--previous".into());
            args.push(s(p).into());
        }
        if let Some(c) = changes {
            let cf = self.p(&format!("changes-{name}.csv"));
            std::fs::write(&cf, c).unwrap();
            args.push("--changes".into());
            args.push(s(&cf).into());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        intact(&refs)
    }

    pub(crate) fn ok_pack(
        &self,
        name: &str,
        created: &str,
        files: &[(&str, &str)],
        previous: Option<&Path>,
        changes: Option<&str>,
    ) -> PathBuf {
        let o = self.pack(name, created, files, previous, changes);
        assert!(o.status.success(), "pack {name}: {}", text(&o));
        self.p(&format!("{name}.zip"))
    }

    pub(crate) fn append(&self, log: &Path, bundle: &Path) -> Output {
        intact(&[
            "log",
            "append",
            s(log),
            s(bundle),
            "--trust",
            s(&self.trust),
        ])
    }

    pub(crate) fn log_verify(&self, log: &Path, extra: &[&str]) -> Output {
        let mut args = vec!["log", "verify", s(log), "--trust", s(&self.trust)];
        args.extend_from_slice(extra);
        intact(&args)
    }
}

pub(crate) const R1: &[(&str, &str)] = &[
    ("a.txt", "SYNTHETIC item a, first version\n"),
    ("b.txt", "SYNTHETIC item b\n"),
    ("c.txt", "SYNTHETIC item c\n"),
];

/// Two releases: r2 supersedes a.txt (re-redacted), withdraws b.txt, adds d.txt.
pub(crate) fn two_releases(fx: &Fx) -> (PathBuf, PathBuf) {
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let r2 = fx.ok_pack(
        "r2",
        "2026-02-01T00:00:00Z",
        &[
            ("a.txt", "SYNTHETIC item a, [REDACTED] again\n"),
            ("d.txt", "SYNTHETIC item d\n"),
        ],
        Some(&r1),
        Some(
            "id,action,by,reason\na.txt,superseded,a.txt,re-redacted\nb.txt,withdrawn,,duplicate\n",
        ),
    );
    (r1, r2)
}

fn log_entries(log: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(log)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn superseded_and_withdrawn_items_through_the_log() {
    let fx = Fx::new();
    let (r1, r2) = two_releases(&fx);
    let log = fx.p("log");
    for b in [&r1, &r2] {
        let o = fx.append(&log, b);
        assert!(o.status.success(), "{}", text(&o));
    }
    assert_eq!(log_entries(&log), vec!["000001", "000002"]);
    let o = fx.log_verify(&log, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Status shows both versions of the superseded item, and the withdrawn one.
    let o = intact(&["log", "status", s(&log), "--json"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(st["releases"].as_array().unwrap().len(), 2);
    assert_eq!(st["current_items"], 3); // a (new), c, d
    let sup = &st["superseded"][0];
    assert_eq!(sup["id"], "a.txt");
    assert_eq!(sup["release"], "r1");
    assert_eq!(sup["changed_in"], "r2");
    assert_ne!(sup["sha256"], sup["by_sha256"]);
    assert!(sup["sha256"].is_string() && sup["by_sha256"].is_string());
    assert_eq!(st["withdrawn"][0]["id"], "b.txt");
    assert_eq!(st["withdrawn"][0]["reason"], "duplicate");
    let human = text(&intact(&["log", "status", s(&log)]));
    assert!(
        human.contains("superseded: a.txt of r1") && human.contains("withdrawn: b.txt of r1"),
        "{human}"
    );
    // diff names all of it.
    let o = intact(&["diff", s(&r1), s(&r2), "--json"]);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["new_follows_old"], true);
    assert_eq!(d["added"][0]["id"], "d.txt");
    assert_eq!(d["changed"][0]["id"], "a.txt");
    assert_eq!(d["superseded"][0]["reason"], "re-redacted");
    assert_eq!(d["withdrawn"][0]["id"], "b.txt");
    assert_eq!(d["carried_over"], 1);
    // check --log says the first version was superseded.
    let first = fx.p("src-r1/a.txt");
    let o = intact(&[
        "check",
        s(&first),
        "--log",
        s(&log),
        "--trust",
        s(&fx.trust),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("SUPERSEDED by release r2"),
        "{}",
        text(&o)
    );
    // pack --previous accepts the log itself.
    let r3 = fx.ok_pack(
        "r3",
        "2026-03-01T00:00:00Z",
        &[("e.txt", "SYNTHETIC e\n")],
        Some(&log),
        None,
    );
    assert!(fx.append(&log, &r3).status.success());
}

#[test]
fn an_item_changed_without_a_change_record_is_refused() {
    let fx = Fx::new();
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let o = fx.pack(
        "r2",
        "2026-02-01T00:00:00Z",
        &[("a.txt", "SYNTHETIC a, silently changed\n")],
        Some(&r1),
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains(
            "item 'a.txt' was published in release r1; replacing it needs a change record"
        ),
        "{}",
        text(&o)
    );
    assert!(!fx.p("r2.zip").exists());
    // Packed against the statement alone (pack cannot see r1's items): the log refuses it.
    let x = fx.p("x");
    assert!(Command::new("unzip")
        .args(["-q", s(&r1), "-d", s(&x)])
        .status()
        .unwrap()
        .success());
    let statement = x.join("coll-r1/intact/release.json");
    let r2 = fx.ok_pack(
        "r2",
        "2026-02-01T00:00:00Z",
        &[("a.txt", "SYNTHETIC a, silently changed\n")],
        Some(&statement),
        None,
    );
    let log = fx.p("log");
    assert!(fx.append(&log, &r1).status.success());
    let o = fx.append(&log, &r2);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("replacing it needs a change record"),
        "{}",
        text(&o)
    );
    assert_eq!(log_entries(&log), vec!["000001"], "nothing written");
    // A change record naming an item that was never published is refused too.
    let o = fx.pack(
        "r2b",
        "2026-02-01T00:00:00Z",
        &[("z.txt", "SYNTHETIC z\n")],
        Some(&r1),
        Some("id,action,by,reason\nnope.txt,withdrawn,,gone\n"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("nope.txt"), "{}", text(&o));
}

#[test]
fn forks_gaps_order_and_rollback_are_refused() {
    let fx = Fx::new();
    let (r1, r2) = two_releases(&fx);
    let log = fx.p("log");
    assert!(fx.append(&log, &r1).status.success());
    // Appending r2 twice, or a fork (another release with the same previous), is refused.
    let fork = fx.ok_pack(
        "r2fork",
        "2026-02-02T00:00:00Z",
        &[("x.txt", "SYNTHETIC fork\n")],
        Some(&r1),
        None,
    );
    assert!(fx.append(&log, &r2).status.success());
    // r2 again: it is the head already, so that is done (exit 0, nothing written).
    let o = fx.append(&log, &r2);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("already in the log"), "{}", text(&o));
    let o = fx.append(&log, &fork);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("not to the head r2"), "{}", text(&o));
    let o = fx.append(&log, &r1);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("below the head"), "{}", text(&o));
    assert_eq!(log_entries(&log), vec!["000001", "000002"]);
    // A release created before its previous one is refused.
    let o = fx.pack(
        "early",
        "2025-12-01T00:00:00Z",
        &[("y.txt", "SYNTHETIC y\n")],
        Some(&r2),
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("before its previous release"),
        "{}",
        text(&o)
    );
    assert!(!fx.p("early.zip").exists());

    // The mirror records what it verified; a rollback or a fork later is refused.
    let state = fx.p("mirror-state.json");
    let o = fx.log_verify(&log, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let saved = std::fs::read(&state).unwrap();
    let st: serde_json::Value = serde_json::from_slice(&saved).unwrap();
    assert_eq!(st["release"], "r2");
    assert_eq!(st["seq"], 2);
    let old = fx.p("old-log");
    std::fs::create_dir_all(old.join("000001")).unwrap();
    copy_dir(&log.join("000001"), &old.join("000001"));
    let o = fx.log_verify(&old, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("rollback"), "{}", text(&o));
    assert_eq!(std::fs::read(&state).unwrap(), saved, "state unchanged");
    let forked = fx.p("forked-log");
    copy_dir(&log, &forked);
    std::fs::remove_dir_all(forked.join("000002")).unwrap();
    assert!(fx.append(&forked, &fork).status.success());
    let o = fx.log_verify(&forked, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("fork"), "{}", text(&o));
    assert_eq!(std::fs::read(&state).unwrap(), saved);
    // A gap in the numbering.
    let gap = fx.p("gap-log");
    copy_dir(&log, &gap);
    std::fs::rename(gap.join("000002"), gap.join("000003")).unwrap();
    let o = fx.log_verify(&gap, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("gap in the log"), "{}", text(&o));
    // A malformed state file: a clear error, exit 2, and the file left as it was.
    std::fs::write(&state, "{not json").unwrap();
    let o = fx.log_verify(&log, &["--state", s(&state)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("malformed state file"), "{}", text(&o));
    assert_eq!(std::fs::read(&state).unwrap(), b"{not json");
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn a_mirror_with_one_changed_byte_names_that_bundle() {
    let fx = Fx::new();
    let (r1, r2) = two_releases(&fx);
    let r3 = fx.ok_pack(
        "r3",
        "2026-03-01T00:00:00Z",
        &[("e.txt", "SYNTHETIC item e for the third release\n")],
        Some(&r2),
        None,
    );
    let log = fx.p("log");
    for b in [&r1, &r2, &r3] {
        assert!(fx.append(&log, b).status.success());
    }
    let mirror = fx.p("mirror");
    std::fs::create_dir(&mirror).unwrap();
    for b in [&r1, &r2, &r3] {
        std::fs::copy(b, mirror.join(b.file_name().unwrap())).unwrap();
    }
    let o = fx.log_verify(&log, &["--bundles", s(&mirror)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // One byte of r2's payload changed in place.
    let victim = mirror.join("r2.zip");
    let mut bytes = std::fs::read(&victim).unwrap();
    let needle = b"SYNTHETIC item d";
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at] ^= 0x20;
    std::fs::write(&victim, bytes).unwrap();
    let o = fx.log_verify(&log, &["--bundles", s(&mirror), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = r["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    for p in problems {
        assert_eq!(p["release"], "r2", "{p}");
        assert!(p["path"].as_str().unwrap().ends_with("r2.zip"), "{p}");
    }
    assert!(problems
        .iter()
        .any(|p| p["message"].as_str().unwrap().contains("data/d.txt")));
    // A missing bundle names its release; a bundle whose statement differs counts as missing.
    std::fs::remove_file(&victim).unwrap();
    let o = fx.log_verify(&log, &["--bundles", s(&mirror)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("release r2 (entry 000002): no bundle in the mirror"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_tampered_bundle_is_never_appended() {
    let fx = Fx::new();
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let mut bytes = std::fs::read(&r1).unwrap();
    let at = bytes.windows(9).position(|w| w == b"SYNTHETIC").unwrap();
    bytes[at] ^= 1;
    let bad = fx.p("bad.zip");
    std::fs::write(&bad, bytes).unwrap();
    let log = fx.p("log");
    let o = fx.append(&log, &bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("NOT APPENDED"));
    assert!(!log.exists() || log_entries(&log).is_empty());
    // An empty log does not verify.
    std::fs::create_dir_all(&log).unwrap();
    assert_eq!(fx.log_verify(&log, &[]).status.code(), Some(1));
}

#[test]
fn extract_verifies_first_and_writes_only_inside_the_target() {
    let fx = Fx::new();
    let r1 = fx.ok_pack("r1", "2026-01-01T00:00:00Z", R1, None, None);
    let to = fx.p("out");
    let o = intact(&["extract", s(&r1), "--to", s(&to), "--trust", s(&fx.trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let bag = to.join("coll-r1");
    assert_eq!(
        std::fs::read_to_string(bag.join("data/a.txt")).unwrap(),
        R1[0].1
    );
    assert_eq!(
        intact(&["verify", s(&bag), "--trust", s(&fx.trust)])
            .status
            .code(),
        Some(0)
    );
    assert!(
        std::fs::read_dir(&to).unwrap().count() == 1,
        "no staging left behind"
    );
    // Again: refuses to overwrite; --force replaces.
    std::fs::write(bag.join("data/a.txt"), "local edit").unwrap();
    let o = intact(&["extract", s(&r1), "--to", s(&to), "--trust", s(&fx.trust)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("exists"), "{}", text(&o));
    let o = intact(&[
        "extract",
        s(&r1),
        "--to",
        s(&to),
        "--trust",
        s(&fx.trust),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(bag.join("data/a.txt")).unwrap(),
        R1[0].1
    );
    // A symlink in the way is never followed.
    let to2 = fx.p("out2");
    std::fs::create_dir_all(&to2).unwrap();
    let elsewhere = fx.p("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, to2.join("coll-r1")).unwrap();
    let o = intact(&["extract", s(&r1), "--to", s(&to2), "--trust", s(&fx.trust)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // A tampered bundle: nothing written at all.
    let mut bytes = std::fs::read(&r1).unwrap();
    let at = bytes.windows(9).position(|w| w == b"SYNTHETIC").unwrap();
    bytes[at] ^= 1;
    let bad = fx.p("bad.zip");
    std::fs::write(&bad, bytes).unwrap();
    let to3 = fx.p("out3");
    let o = intact(&["extract", s(&bad), "--to", s(&to3), "--trust", s(&fx.trust)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("nothing was written"));
    assert!(!to3.exists());
}

#[test]
fn the_sample_release_log_verifies() {
    let log = repo().join("manifests/demo-case-archive/log");
    assert!(
        log.join("000002").is_dir(),
        "manifests/ must keep the sample log with two releases"
    );
    let trust = repo().join("keys/allowed_signers.demo");
    let o = intact(&["log", "verify", s(&log), "--trust", s(&trust)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = intact(&["log", "status", s(&log), "--json"]);
    let st: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !st["superseded"].as_array().unwrap().is_empty(),
        "the second release supersedes a re-redacted item"
    );
}
