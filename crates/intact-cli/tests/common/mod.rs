//! Shared helpers for the CLI tamper tests: run the real binary, build a base bundle, read and
//! write bundle ZIPs at the byte level, extract them to a tree, and forge tag files so that a
//! tampering is internally consistent up to a chosen layer.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use sha2::{Digest as _, Sha256};

pub const COLLECTION: &str = "case-7";
pub const RELEASE: &str = "r1";
pub const CREATED: &str = "2026-02-03T04:05:06Z";
pub const SIG_DIR: &str = "intact/signatures/";
pub const RELEASE_JSON: &str = "intact/release.json";
pub const ITEMS_JSON: &str = "intact/manifest.json";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAGMANIFEST: &str = "tagmanifest-sha256.txt";
pub const BAG_INFO: &str = "bag-info.txt";
pub const BAGIT: &str = "bagit.txt";

/// Bag-relative path → bytes: the content of a bundle, independent of its container.
pub type Files = BTreeMap<String, Vec<u8>>;

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A demo key in `keys/` (public, not secret): `demo-office`, `demo-registrar`, `demo-archivist`.
pub fn key(name: &str) -> PathBuf {
    repo().join("keys").join(format!("{name}.key"))
}

pub fn intact<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_intact"))
        .args(args)
        .output()
        .expect("run intact")
}

/// An allowed_signers line for a demo key, written by hand from its `.pub`.
pub fn allowed_signers_line(name: &str) -> String {
    let text = std::fs::read_to_string(repo().join("keys").join(format!("{name}.key.pub")))
        .expect("read demo public key");
    let mut parts = text.split_whitespace();
    let (t, k) = (parts.next().unwrap(), parts.next().unwrap());
    format!("{name} namespaces=\"intact-release\" {t} {k}\n")
}

pub fn sha_hex(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    d.iter().map(|x| format!("{x:02x}")).collect()
}

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
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
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

    pub fn payload_paths(&self) -> Vec<String> {
        self.files
            .keys()
            .filter(|k| k.starts_with("data/"))
            .cloned()
            .collect()
    }

    pub fn tag_paths(&self) -> Vec<String> {
        self.files
            .keys()
            .filter(|k| !k.starts_with("data/"))
            .cloned()
            .collect()
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

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn sig_paths(files: &Files) -> Vec<String> {
    files
        .keys()
        .filter(|k| k.starts_with(SIG_DIR))
        .cloned()
        .collect()
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

// ---------------------------------------------------------------------------------------------
// ZIP at the byte level.

pub const MODE_FILE: u32 = 0o100644;
pub const DOS_DATE_1980: u16 = 0x0021;

/// One ZIP entry with every header field a test may want to get wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    /// The bytes stored (for method 8, the DEFLATE stream).
    pub data: Vec<u8>,
    pub made_by: u16,
    pub needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc: u32,
    pub usize_: u32,
    pub external: u32,
    pub extra: Vec<u8>,
    pub comment: Vec<u8>,
}

impl Entry {
    /// A regular entry exactly as `intact pack` writes it.
    pub fn file(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            made_by: 0x030a,
            needed: 10,
            flags: if name.is_ascii() { 0 } else { 0x0800 },
            method: 0,
            time: 0,
            date: DOS_DATE_1980,
            crc: crc32fast::hash(data),
            usize_: data.len() as u32,
            external: MODE_FILE << 16,
            extra: Vec::new(),
            comment: Vec::new(),
        }
    }

    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }

    /// Sets the content and fixes CRC and size.
    pub fn set_data(&mut self, data: &[u8]) {
        self.data = data.to_vec();
        self.crc = crc32fast::hash(data);
        self.usize_ = data.len() as u32;
    }
}

/// An entry found in a ZIP, with where its headers and data are.
#[derive(Clone, Debug)]
pub struct Located {
    pub entry: Entry,
    pub local_offset: usize,
    pub data_offset: usize,
    pub central_offset: usize,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Parses a well-formed (non-ZIP64, comment-free) ZIP by its central directory.
pub fn parse_zip(b: &[u8]) -> Vec<Located> {
    let eocd = b.len() - 22;
    assert_eq!(u32_at(b, eocd), 0x0605_4b50, "no end of central directory");
    let n = u16_at(b, eocd + 10) as usize;
    let mut at = u32_at(b, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..n {
        assert_eq!(u32_at(b, at), 0x0201_4b50, "bad central header");
        let name_len = u16_at(b, at + 28) as usize;
        let extra_len = u16_at(b, at + 30) as usize;
        let comment_len = u16_at(b, at + 32) as usize;
        let csize = u32_at(b, at + 20) as usize;
        let local = u32_at(b, at + 42) as usize;
        let lname = u16_at(b, local + 26) as usize;
        let lextra = u16_at(b, local + 28) as usize;
        let data_offset = local + 30 + lname + lextra;
        let name_at = at + 46;
        let entry = Entry {
            name: b[name_at..name_at + name_len].to_vec(),
            data: b[data_offset..data_offset + csize].to_vec(),
            made_by: u16_at(b, at + 4),
            needed: u16_at(b, at + 6),
            flags: u16_at(b, at + 8),
            method: u16_at(b, at + 10),
            time: u16_at(b, at + 12),
            date: u16_at(b, at + 14),
            crc: u32_at(b, at + 16),
            usize_: u32_at(b, at + 24),
            external: u32_at(b, at + 38),
            extra: b[name_at + name_len..name_at + name_len + extra_len].to_vec(),
            comment: b
                [name_at + name_len + extra_len..name_at + name_len + extra_len + comment_len]
                .to_vec(),
        };
        out.push(Located {
            entry,
            local_offset: local,
            data_offset,
            central_offset: at,
        });
        at = name_at + name_len + extra_len + comment_len;
    }
    out
}

/// Writes entries back to back, then the central directory and end record, exactly as given.
pub fn write_zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(e.needed.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend(e.time.to_le_bytes());
        out.extend(e.date.to_le_bytes());
        out.extend(e.crc.to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(e.usize_.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend((e.extra.len() as u16).to_le_bytes());
        out.extend(&e.name);
        out.extend(&e.extra);
        out.extend(&e.data);
    }
    let cd_offset = out.len() as u32;
    for (e, off) in entries.iter().zip(offsets) {
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend(e.made_by.to_le_bytes());
        out.extend(e.needed.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend(e.time.to_le_bytes());
        out.extend(e.date.to_le_bytes());
        out.extend(e.crc.to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(e.usize_.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend((e.extra.len() as u16).to_le_bytes());
        out.extend((e.comment.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes()); // disk
        out.extend(0u16.to_le_bytes()); // internal attributes
        out.extend(e.external.to_le_bytes());
        out.extend(off.to_le_bytes());
        out.extend(&e.name);
        out.extend(&e.extra);
        out.extend(&e.comment);
    }
    let cd_size = out.len() as u32 - cd_offset;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A real DEFLATE stream (one final stored block) holding `data`.
pub fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("small data");
    let mut v = vec![0x01];
    v.extend(len.to_le_bytes());
    v.extend((!len).to_le_bytes());
    v.extend(data);
    v
}

/// The top directory and the bag content of a bundle ZIP.
pub fn bundle_files(zip: &[u8]) -> (String, Files) {
    let mut top = None;
    let mut files = Files::new();
    for l in parse_zip(zip) {
        let name = String::from_utf8(l.entry.name).expect("UTF-8 name");
        let (t, rel) = name.split_once('/').expect("entry under a top dir");
        assert!(top.get_or_insert_with(|| t.to_owned()) == t, "one top dir");
        files.insert(rel.to_owned(), l.entry.data);
    }
    (top.expect("entries"), files)
}

/// A bundle ZIP of `files` under `top`, entries sorted, as `intact pack` writes them.
pub fn zip_of(top: &str, files: &Files) -> Vec<u8> {
    write_zip(&entries_of(top, files))
}

pub fn entries_of(top: &str, files: &Files) -> Vec<Entry> {
    let mut entries: Vec<Entry> = files
        .iter()
        .map(|(rel, data)| Entry::file(&format!("{top}/{rel}"), data))
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// Where the entry for bag path `rel` is in `zip`.
pub fn locate(zip: &[u8], top: &str, rel: &str) -> Located {
    let name = format!("{top}/{rel}");
    parse_zip(zip)
        .into_iter()
        .find(|l| l.entry.name == name.as_bytes())
        .unwrap_or_else(|| panic!("no entry {name}"))
}

/// Writes `files` as an extracted bundle: `parent/top/...`; returns the top directory.
pub fn write_tree(parent: &Path, top: &str, files: &Files) -> PathBuf {
    let root = parent.join(top);
    std::fs::create_dir_all(&root).unwrap();
    for (rel, data) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, data).unwrap();
    }
    root
}

// ---------------------------------------------------------------------------------------------
// Forging: make tag files consistent with a change, up to a chosen layer.

/// Flips the low bit of the middle byte.
pub fn flip_middle(data: &mut [u8]) {
    assert!(!data.is_empty(), "cannot flip a byte of an empty file");
    let i = data.len() / 2;
    data[i] ^= 0x01;
}

pub fn text(files: &Files, path: &str) -> String {
    String::from_utf8(files[path].clone()).expect("UTF-8 tag file")
}

fn manifest_lines<'a>(entries: impl Iterator<Item = (&'a String, &'a Vec<u8>)>) -> Vec<u8> {
    let mut s = String::new();
    for (p, d) in entries {
        s.push_str(&format!("{}  {}\n", sha_hex(d), p.replace('%', "%25")));
    }
    s.into_bytes()
}

/// Rewrites `manifest-sha256.txt` from the payload files present.
pub fn fix_manifest_txt(files: &mut Files) {
    let m = manifest_lines(files.iter().filter(|(k, _)| k.starts_with("data/")));
    files.insert(MANIFEST.into(), m);
}

/// Rewrites `tagmanifest-sha256.txt` from the tag files present.
pub fn fix_tagmanifest(files: &mut Files) {
    let m = manifest_lines(
        files
            .iter()
            .filter(|(k, _)| !k.starts_with("data/") && k.as_str() != TAGMANIFEST),
    );
    files.insert(TAGMANIFEST.into(), m);
}

pub fn json(files: &Files, path: &str) -> Value {
    serde_json::from_slice(&files[path]).expect("JSON tag file")
}

/// RFC 8785 canonical bytes.
pub fn canonical(v: &Value) -> Vec<u8> {
    serde_jcs::to_vec(v).expect("canonical JSON")
}

/// Sets `sha256` and `size` of every published item in `manifest.json` to the payload present.
pub fn fix_manifest_json(files: &mut Files) {
    let mut m = json(files, ITEMS_JSON);
    for item in m["items"].as_array_mut().unwrap() {
        if let Some(p) = item["path"].as_str().map(str::to_owned) {
            if let Some(d) = files.get(&p) {
                item["sha256"] = Value::String(sha_hex(d));
                item["size"] = Value::from(d.len() as u64);
            }
        }
    }
    files.insert(ITEMS_JSON.into(), canonical(&m));
}

/// Recomputes `release.json`'s `tag_files`, `item_count`, `payload_bytes` and `merkle_root`.
pub fn fix_release(files: &mut Files) {
    let mut r = json(files, RELEASE_JSON);
    let keys: Vec<String> = r["tag_files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for k in keys {
        r["tag_files"][&k] = Value::String(sha_hex(&files[&k]));
    }
    let m: intact::manifest::Manifest =
        serde_json::from_slice(&files[ITEMS_JSON]).expect("manifest.json");
    r["item_count"] = Value::from(m.items.len() as u64);
    r["payload_bytes"] = Value::from(m.payload_bytes());
    r["merkle_root"] = Value::String(intact::digest::hex(&m.merkle_root()));
    files.insert(RELEASE_JSON.into(), canonical(&r));
}

/// Every layer made consistent with the payload present, up to and including release.json; the
/// old signatures are kept (they no longer verify).
pub fn forge_all_but_signature(files: &mut Files) {
    fix_manifest_txt(files);
    fix_manifest_json(files);
    fix_release(files);
    fix_tagmanifest(files);
}

/// Replaces every signature with one by `key_name` over the current release.json.
pub fn resign(files: &mut Files, key_name: &str) {
    let k =
        intact::sign::SigningKey::load(&key(key_name), &intact::sign::NoPassphrase).expect("key");
    let sig = k.sign_release(&files[RELEASE_JSON]).expect("sign");
    files.retain(|p, _| !p.starts_with(SIG_DIR));
    files.insert(
        intact::sign::signature_path(k.public_key().key_data()),
        sig.into_bytes(),
    );
    fix_tagmanifest(files);
}
