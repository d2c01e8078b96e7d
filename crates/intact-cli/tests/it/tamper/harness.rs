//! The tamper tests' harness: the base bundle every mutation starts from (packed by the real
//! binary from a dozen synthetic files), both runs of `intact verify` on a tampered copy, and
//! what a rejection must show.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use intact_testkit::bundle::{bundle_files, sig_paths, write_tree, Files};
use intact_testkit::{allowed_signers_line, key, stderr, stdout, write_file};
use serde_json::Value;

use crate::intact;

pub const COLLECTION: &str = "case-7";
pub const RELEASE: &str = "r1";
pub const CREATED: &str = "2026-02-03T04:05:06Z";

/// The source tree: a dozen files in nested folders, some non-ASCII names, one empty file, a
/// name with spaces, two files of the same size.
pub fn source_files() -> Vec<(&'static str, Vec<u8>)> {
    // Real (generated) PNGs, so the leak gate can read them; the second is the first seed after
    // 1 whose image has the same byte size, for the same-size swap case.
    let png = |seed: u32| -> Vec<u8> { intact_cli::demo::synthetic_png(seed, 8, 8) };
    let first = png(1);
    let second = (2..200)
        .map(png)
        .find(|p| p.len() == first.len())
        .expect("a same-size PNG");
    vec![
        (
            "README.txt",
            b"Synthetic release for tamper tests.\n".to_vec(),
        ),
        (
            "case-12/testimony.txt",
            b"Witness A stated that the synthetic event took place on a Tuesday.\n".to_vec(),
        ),
        ("case-12/exhibits/photo-01.png", first),
        ("case-12/exhibits/photo-02.png", second),
        (
            "case-12/свидетель.txt",
            "Показания свидетеля Б (синтетический текст).\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "case-12/протокол допроса.txt",
            "Протокол: вымышленный документ для тестов.\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "case-31/order.pdf",
            intact_cli::demo::synthetic_pdf(&[
                "Synthetic order of the court (placeholder).".to_string()
            ]),
        ),
        (
            "case-31/notes/2026-01-05.md",
            b"# Notes\n\n- item one\n- item two\n".to_vec(),
        ),
        (
            "case-31/notes/Վկայություն.txt",
            "Սինթետիկ վկայություն։\n".as_bytes().to_vec(),
        ),
        ("case-31/notes/empty.txt", Vec::new()),
        (
            "case-31/one hundred done.txt",
            b"space in the name\n".to_vec(),
        ),
        ("misc/data.json", br#"{"synthetic":true,"n":3}"#.to_vec()),
        ("misc/deep/er/nested.csv", b"a,b,c\n1,2,3\n".to_vec()),
    ]
}

/// A second, different source tree (for a trusted signature over another release.json).
pub fn other_source_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![("only.txt", b"a different release\n".to_vec())]
}

pub fn write_source(dir: &Path, files: &[(&str, Vec<u8>)]) {
    for (rel, bytes) in files {
        write_file(&dir.join(rel), bytes);
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The base bundle every mutation starts from.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub src: PathBuf,
    pub zip: PathBuf,
    pub trust: PathBuf,
    pub top: String,
    pub bytes: Vec<u8>,
    pub files: Files,
}

impl Fixture {
    pub fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        write_source(&src, &source_files());
        let zip = tmp.path().join("base.zip");
        let o = pack(&src, &zip, "demo-office", &[]);
        assert!(o.status.success(), "pack failed: {}", stderr(&o));
        let trust = tmp.path().join("allowed_signers");
        std::fs::write(&trust, allowed_signers_line("demo-office")).unwrap();
        let bytes = std::fs::read(&zip).unwrap();
        let (top, files) = bundle_files(&bytes);
        assert_eq!(top, format!("{COLLECTION}-{RELEASE}"));
        Fixture {
            tmp,
            src,
            zip,
            trust,
            top,
            bytes,
            files,
        }
    }

    /// A fresh, unique path inside the fixture's temp dir.
    pub fn scratch(&self, stem: &str) -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let safe: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(40)
            .collect();
        self.tmp.path().join(format!("{n:04}-{safe}"))
    }

    /// The demo-office signature file's bag path.
    pub fn sig_path(&self) -> String {
        sig_paths(&self.files)
            .into_iter()
            .next()
            .expect("a signature")
    }

    /// Packs the fixture's source with another key; returns the bundle's files.
    pub fn packed_with(&self, key_name: &str) -> Files {
        let out = self.scratch(&format!("pack-{key_name}"));
        let o = pack(&self.src, &out, key_name, &[]);
        assert!(o.status.success(), "pack failed: {}", stderr(&o));
        bundle_files(&std::fs::read(out).unwrap()).1
    }

    /// Packs a different source with the trusted demo key; returns the bundle's files.
    pub fn other_release(&self) -> Files {
        let src = self.scratch("other-src");
        write_source(&src, &other_source_files());
        let out = self.scratch("other.zip");
        let o = pack(&src, &out, "demo-office", &[]);
        assert!(o.status.success(), "pack failed: {}", stderr(&o));
        bundle_files(&std::fs::read(out).unwrap()).1
    }

    /// Writes the bundle's content as an extracted tree under a fresh parent; returns the top dir.
    pub fn extract(&self, files: &Files) -> PathBuf {
        let parent = self.scratch("tree");
        write_tree(&parent, &self.top, files)
    }
}

pub fn pack(src: &Path, out: &Path, key_name: &str, extra: &[&str]) -> Output {
    let key = key(key_name);
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("pack"),
        OsStr::new("--no-deny-list"),
        src.as_os_str(),
        OsStr::new("--collection"),
        OsStr::new(COLLECTION),
        OsStr::new("--release"),
        OsStr::new(RELEASE),
        OsStr::new("--key"),
        key.as_os_str(),
        OsStr::new("--created"),
        OsStr::new(CREATED),
        OsStr::new("-o"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    intact(&args)
}

// ---------------------------------------------------------------------------------------------
// Running `intact verify`.

/// Both runs of `intact verify` on one input: human output and `--json`.
pub struct Verdict {
    pub code: Option<i32>,
    pub human: String,
    pub stderr: String,
    pub json_code: Option<i32>,
    pub json_stderr: String,
    pub report: Option<Value>,
}

pub fn verify(bundle: &Path, trust: &Path) -> Verdict {
    let human = intact(&[
        OsStr::new("verify"),
        bundle.as_os_str(),
        OsStr::new("--trust"),
        trust.as_os_str(),
    ]);
    let json = intact(&[
        OsStr::new("verify"),
        bundle.as_os_str(),
        OsStr::new("--trust"),
        trust.as_os_str(),
        OsStr::new("--json"),
    ]);
    Verdict {
        code: human.status.code(),
        human: stdout(&human),
        stderr: stderr(&human),
        json_code: json.status.code(),
        json_stderr: stderr(&json),
        report: serde_json::from_slice(&json.stdout).ok(),
    }
}

/// What a rejection must show: a problem at each of `paths` (bag-relative, or the ZIP entry
/// name with its top directory), and one whose message contains `message`.
#[derive(Clone, Debug, Default)]
pub struct Expect {
    pub paths: Vec<String>,
    pub message: Option<String>,
    /// A check (`payload`, `tag-manifest`, …) that must report a problem.
    pub check: Option<String>,
    /// Text that some problem's path or message contains (for whole-file problems that name an
    /// entry in their message), also on a line of the human output.
    pub mentions: Option<String>,
}

pub fn at(path: impl Into<String>) -> Expect {
    at_all([path])
}

pub fn at_all<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Expect {
    Expect {
        paths: paths.into_iter().map(Into::into).collect(),
        ..Expect::default()
    }
}

pub fn msg(message: impl Into<String>) -> Expect {
    Expect {
        message: Some(message.into()),
        ..Expect::default()
    }
}

pub fn mentions(text: impl Into<String>) -> Expect {
    Expect {
        mentions: Some(text.into()),
        ..Expect::default()
    }
}

pub fn check(name: impl Into<String>) -> Expect {
    Expect {
        check: Some(name.into()),
        ..Expect::default()
    }
}

impl Expect {
    pub fn with_msg(mut self, message: impl Into<String>) -> Expect {
        self.message = Some(message.into());
        self
    }
}

fn path_matches(got: &str, want: &str, top: &str) -> bool {
    let full = format!("{top}/{want}");
    [want, full.as_str()].iter().any(|w| {
        got == *w
            || got
                .strip_prefix(*w)
                .is_some_and(|rest| rest.starts_with(':'))
    })
}

impl Verdict {
    fn panicked(&self) -> bool {
        [self.code, self.json_code].contains(&Some(101))
            || self.stderr.contains("panicked")
            || self.json_stderr.contains("panicked")
    }

    /// Checks a valid verdict: exit 0 both ways, `valid: true`, every check passed.
    pub fn check_valid(&self) -> Result<(), String> {
        let r = self.report.as_ref().ok_or("--json printed no JSON")?;
        let ok = self.code == Some(0)
            && self.json_code == Some(0)
            && r["valid"] == Value::Bool(true)
            && r["problems"].as_array().is_some_and(|p| p.is_empty())
            && r["checks"].as_array().is_some_and(|c| {
                c.len() == 10 && c.iter().all(|c| c["passed"] == Value::Bool(true))
            })
            && self
                .human
                .lines()
                .last()
                .unwrap_or("")
                .starts_with("VALID: ");
        if ok {
            Ok(())
        } else {
            Err(format!("expected VALID:\n{}", self.describe()))
        }
    }

    /// Checks a rejection: exit 1 both ways, `valid: false`, problems naming what `e` names,
    /// each path also on a line of the human output, and a NOT VALID verdict line.
    pub fn check_rejected(&self, e: &Expect, top: &str) -> Result<(), String> {
        let fail = |why: String| Err(format!("{why}\n{}", self.describe()));
        if self.panicked() {
            return fail("intact panicked".into());
        }
        if self.code != Some(1) || self.json_code != Some(1) {
            return fail(format!(
                "exit codes {:?} / {:?} (--json), expected 1",
                self.code, self.json_code
            ));
        }
        let Some(r) = &self.report else {
            return fail("--json printed no JSON".into());
        };
        if r["valid"] != Value::Bool(false) {
            return fail("JSON report does not say valid:false".into());
        }
        let problems = r["problems"].as_array().cloned().unwrap_or_default();
        if problems.is_empty() {
            return fail("no problem reported".into());
        }
        for want in &e.paths {
            if !problems
                .iter()
                .any(|p| path_matches(p["path"].as_str().unwrap_or(""), want, top))
            {
                return fail(format!("no problem with path '{want}'"));
            }
            if !self.human.lines().any(|l| l.contains(want.as_str())) {
                return fail(format!("no human output line names '{want}'"));
            }
        }
        if let Some(m) = &e.message {
            if !problems
                .iter()
                .any(|p| p["message"].as_str().unwrap_or("").contains(m.as_str()))
            {
                return fail(format!("no problem message contains '{m}'"));
            }
            if !self.human.contains(m.as_str()) {
                return fail(format!("human output does not contain '{m}'"));
            }
        }
        if let Some(t) = &e.mentions {
            let t = t.as_str();
            if !problems.iter().any(|p| {
                p["path"].as_str().unwrap_or("").contains(t)
                    || p["message"].as_str().unwrap_or("").contains(t)
            }) {
                return fail(format!("no problem path or message mentions '{t}'"));
            }
            if !self.human.lines().any(|l| l.contains(t)) {
                return fail(format!("no human output line mentions '{t}'"));
            }
        }
        if let Some(c) = &e.check {
            if !problems.iter().any(|p| p["check"] == c.as_str()) {
                return fail(format!("no problem from check '{c}'"));
            }
        }
        let last = self.human.lines().last().unwrap_or("");
        if !last.starts_with("NOT VALID: ") {
            return fail(format!(
                "last human line is not a NOT VALID verdict: {last}"
            ));
        }
        Ok(())
    }

    pub fn describe(&self) -> String {
        let problems = self
            .report
            .as_ref()
            .map(|r| serde_json::to_string_pretty(&r["problems"]).unwrap_or_default())
            .unwrap_or_else(|| "(no JSON)".into());
        format!(
            "  exit {:?} / {:?}\n  stdout:\n{}  stderr: {}\n  json problems: {}",
            self.code,
            self.json_code,
            indent(&self.human),
            self.stderr.trim_end(),
            problems
        )
    }
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}
