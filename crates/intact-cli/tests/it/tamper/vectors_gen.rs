//! The conformance vectors' generator (`tests/vectors/cases/`, docs/CONFORMANCE.md): every case
//! of the tamper tables (and a few policy and valid cases) written as data another implementation
//! can run without Rust.
//!
//! Each case becomes `tests/vectors/cases/<name>/` with `bundle.zip` (or `tree.tar`, an extracted
//! bundle), `allowed_signers`, optional inputs (`revoked`), `expect.json` and a one-line `README`.
//! Everything is deterministic: the base bundle is packed with a fixed `--created` by the demo
//! keys, and Ed25519 signatures are deterministic. `expect.json`'s `check` is the first check of
//! FORMAT.md §9, in report order, that `intact verify --json` reports failing; the tamper tests
//! assert separately that each rejection names what was tampered with.
//!
//! `committed_vectors_equal_the_generator` regenerates every case into a temp dir and requires
//! the committed tree to be byte-identical; with `INTACT_REGENERATE_VECTORS=1` it rewrites the
//! committed tree instead.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::*;

/// One conformance case: its input, its trust policy and what a verifier must say.
pub struct Vector {
    pub name: String,
    pub readme: String,
    pub input: Input,
    pub allowed_signers: String,
    /// Extra input files of the case directory (name → bytes), e.g. `revoked`.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Verification options by name (`threshold`, `at`, `revoked`).
    pub options: serde_json::Map<String, Value>,
    pub valid: bool,
    /// The check of FORMAT.md §9 that must fail first, when the case declares it (the
    /// generator then requires intact's report to agree).
    pub check: Option<&'static str>,
}

pub enum Input {
    Zip(Vec<u8>),
    /// An extracted bundle (its parent directory's content) as a tar file.
    Tar(Vec<u8>),
}

/// A case directory name: the description as lower-case ASCII words joined by '-'.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_matches('-').chars().take(80).collect();
    out.trim_end_matches('-').to_owned()
}

fn office_line() -> String {
    allowed_signers_line("demo-office")
}

pub(super) fn invalid(name: String, readme: String, input: Input) -> Vector {
    Vector {
        name,
        readme,
        input,
        allowed_signers: office_line(),
        files: BTreeMap::new(),
        options: serde_json::Map::new(),
        valid: false,
        check: None,
    }
}

// ---------------------------------------------------------------------------------------------
// A deterministic tar (POSIX ustar) of a directory: files, directories, symbolic links and FIFOs,
// every name byte kept, times and owners zero.

fn octal(field: &mut [u8], value: u64) {
    let s = format!("{value:0width$o}", width = field.len() - 1);
    field[..s.len()].copy_from_slice(s.as_bytes());
}

fn tar_header(name: &[u8], kind: u8, mode: u64, size: u64, link: &[u8]) -> Vec<u8> {
    let mut h = vec![0u8; 512];
    if name.len() <= 100 {
        h[..name.len()].copy_from_slice(name);
    } else {
        // ustar: split at a '/' into a prefix (≤ 155 bytes) and a name (≤ 100 bytes).
        let cut = (0..name.len())
            .rev()
            .find(|&i| name[i] == b'/' && i <= 155 && name.len() - i - 1 <= 100)
            .expect("a ustar-representable name");
        h[..name.len() - cut - 1].copy_from_slice(&name[cut + 1..]);
        h[345..345 + cut].copy_from_slice(&name[..cut]);
    }
    octal(&mut h[100..108], mode);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], 0);
    h[156] = kind;
    assert!(link.len() <= 100, "link target too long for ustar");
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    h
}

fn tar_walk(root: &Path, rel: &[u8], out: &mut Vec<u8>) {
    let dir = if rel.is_empty() {
        root.to_owned()
    } else {
        root.join(OsStr::from_bytes(rel))
    };
    let mut names: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().as_bytes().to_vec())
        .collect();
    names.sort();
    for n in names {
        let mut r = rel.to_vec();
        if !r.is_empty() {
            r.push(b'/');
        }
        r.extend_from_slice(&n);
        let p = root.join(OsStr::from_bytes(&r));
        let t = std::fs::symlink_metadata(&p).unwrap().file_type();
        if t.is_symlink() {
            let target = std::fs::read_link(&p).unwrap();
            let target = target.as_os_str().as_bytes();
            assert!(!target.starts_with(b"/"), "absolute link in a vector");
            out.extend(tar_header(&r, b'2', 0o777, 0, target));
        } else if t.is_fifo() {
            out.extend(tar_header(&r, b'6', 0o644, 0, b""));
        } else if t.is_dir() {
            let mut d = r.clone();
            d.push(b'/');
            out.extend(tar_header(&d, b'5', 0o755, 0, b""));
            tar_walk(root, &r, out);
        } else {
            let data = std::fs::read(&p).unwrap();
            out.extend(tar_header(&r, b'0', 0o644, data.len() as u64, b""));
            out.extend_from_slice(&data);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
    }
}

/// The tar of everything under `root` (not `root` itself), sorted by name.
pub fn tar_of(root: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    tar_walk(root, b"", &mut out);
    out.extend(vec![0u8; 1024]);
    out
}

/// Whether any symbolic link under `root` is absolute (such a tree depends on where it was
/// made, so it cannot be a vector).
fn has_absolute_link(root: &Path) -> bool {
    walkdir::WalkDir::new(root).into_iter().any(|e| {
        let e = e.unwrap();
        e.path_is_symlink()
            && std::fs::read_link(e.path())
                .map(|t| t.is_absolute())
                .unwrap_or(false)
    })
}

// ---------------------------------------------------------------------------------------------
// The cases.

/// The tamper tables' cases: ZIP cases as `bundle.zip`, tree-only cases as `tree.tar`.
fn tamper_vectors(fx: &Fixture) -> Vec<Vector> {
    let mut v = Vec::new();
    let zip_tables = [
        ("changed byte", zip_flip_cases(fx)),
        ("content", content_cases(fx)),
        ("container", zip_cases(fx)),
    ];
    for (table, cases) in zip_tables {
        for c in cases {
            let b = tampered_zip(fx, &c.tamper).expect("a ZIP case");
            let readme = format!("Not valid ({table}): {}.", c.name);
            v.push(invalid(
                format!("zip-{}", slug(&c.name)),
                readme,
                Input::Zip(b),
            ));
        }
    }
    for c in tree_cases() {
        let path = tampered_tree(fx, &c.tamper).expect("a tree case");
        let top_parent = if path.file_name() == Some(OsStr::new(&fx.top)) {
            path.parent().unwrap().to_owned()
        } else {
            path.clone()
        };
        if has_absolute_link(&top_parent) {
            continue;
        }
        let readme = format!("Not valid (extracted tree): {}.", c.name);
        let tar = tar_of(&top_parent);
        v.push(invalid(
            format!("tree-{}", slug(&c.name)),
            readme,
            Input::Tar(tar),
        ));
    }
    v
}

/// Files that are no bundle, or a bundle cut short: the container check.
fn broken_vectors(fx: &Fixture) -> Vec<Vector> {
    let n = fx.bytes.len();
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        ("an empty file".into(), Vec::new()),
        ("a text file".into(), b"not a zip at all\n".repeat(10)),
        ("the two bytes PK".into(), b"PK".to_vec()),
    ];
    for (label, cut) in [
        ("one byte", n - 1),
        ("21 bytes", n - 21),
        ("22 bytes", n - 22),
        ("23 bytes", n - 23),
        ("half", n / 2),
    ] {
        inputs.push((
            format!("the bundle with its last {label} cut off"),
            fx.bytes[..cut].to_vec(),
        ));
    }
    for cut in [100usize, 30, 4] {
        inputs.push((
            format!("the bundle's first {cut} bytes only"),
            fx.bytes[..cut].to_vec(),
        ));
    }
    inputs
        .into_iter()
        .map(|(what, b)| {
            invalid(
                format!("zip-broken-{}", slug(&what)),
                format!("Not valid (not a bundle): {what}."),
                Input::Zip(b),
            )
        })
        .collect()
}

/// The public-key part of an allowed_signers line (`type base64`), as a revocation list names it.
fn public_key(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let i = words
        .iter()
        .position(|w| w.starts_with("ssh-"))
        .expect("a key type");
    format!("{} {}", words[i], words[i + 1])
}

/// Valid bundles and the trust-policy options (threshold, revocations, time).
fn policy_vectors(fx: &Fixture) -> Vec<Vector> {
    let mut v = Vec::new();
    let valid = |name: &str, readme: &str, input: Input, signers: String| Vector {
        name: name.into(),
        readme: readme.into(),
        input,
        allowed_signers: signers,
        files: BTreeMap::new(),
        options: serde_json::Map::new(),
        valid: true,
        check: None,
    };
    let office = office_line();
    let both = format!("{office}{}", allowed_signers_line("demo-registrar"));
    v.push(valid(
        "valid-base",
        "Valid: the base bundle (13 items, Cyrillic and Armenian names, a name with spaces, an empty file), signed by demo-office.",
        Input::Zip(fx.bytes.clone()),
        office.clone(),
    ));
    let tree_parent = fx.extract(&fx.files).parent().unwrap().to_owned();
    v.push(valid(
        "valid-tree",
        "Valid: the base bundle as an extracted tree.",
        Input::Tar(tar_of(&tree_parent)),
        office.clone(),
    ));
    v.push(valid(
        "valid-renamed-top-directory",
        "Valid: the base bundle with its top directory renamed (FORMAT.md 2.9: a mirror may rename it).",
        Input::Zip(zip_of("mirror-copy", &fx.files)),
        office.clone(),
    ));
    let mut cosigned = fx.files.clone();
    let other = fx.packed_with("demo-registrar");
    for p in sig_paths(&other) {
        cosigned.insert(p.clone(), other[&p].clone());
    }
    fix_tagmanifest(&mut cosigned);
    let cosigned_zip = zip_of(&fx.top, &cosigned);
    v.push(valid(
        "valid-cosigned-untrusted-second-signer",
        "Valid: co-signed by demo-office and demo-registrar; only demo-office is trusted, the other signature does not count and does not invalidate.",
        Input::Zip(cosigned_zip.clone()),
        office.clone(),
    ));
    let mut two = valid(
        "valid-cosigned-threshold-2",
        "Valid: co-signed by demo-office and demo-registrar, both trusted, threshold 2.",
        Input::Zip(cosigned_zip),
        both.clone(),
    );
    two.options.insert("threshold".into(), json!(2));
    v.push(two);
    let mut short = invalid(
        "policy-threshold-2-one-signature".into(),
        "Not valid: one trusted signature where the threshold is 2.".into(),
        Input::Zip(fx.bytes.clone()),
    );
    short.allowed_signers = both;
    short.options.insert("threshold".into(), json!(2));
    v.push(short);
    let mut untrusted = invalid(
        "policy-signer-not-trusted".into(),
        "Not valid: signed by demo-office, but only demo-registrar is trusted.".into(),
        Input::Zip(fx.bytes.clone()),
    );
    untrusted.allowed_signers = allowed_signers_line("demo-registrar");
    v.push(untrusted);
    let mut revoked = invalid(
        "policy-signing-key-revoked".into(),
        "Not valid: the only trusted signer's key is revoked (no date: every release).".into(),
        Input::Zip(fx.bytes.clone()),
    );
    let line = format!("{} synthetic: key revoked\n", public_key(&office_line()));
    revoked.files.insert("revoked".into(), line.into_bytes());
    revoked.options.insert("revoked".into(), json!("revoked"));
    v.push(revoked);
    // demo-archivist: trusted with valid-after="20260101Z"; revoked from 2026-06-01 in the
    // demo revocation list. The release was created 2026-02-03.
    let archivist_files = fx.packed_with("demo-archivist");
    let archivist = zip_of(&fx.top, &archivist_files);
    // The demo trust policy's line, with its valid-after="20260101Z".
    let demo_policy =
        std::fs::read_to_string(intact_testkit::repo().join("keys/allowed_signers.demo")).unwrap();
    let archivist_line = demo_policy
        .lines()
        .find(|l| l.starts_with("demo-archivist "))
        .map(|l| format!("{l}\n"))
        .expect("demo-archivist in keys/allowed_signers.demo");
    let demo_revoked = std::fs::read(intact_testkit::repo().join("keys/revoked.demo")).unwrap();
    let mut before = valid(
        "valid-revoked-after-the-release-was-created",
        "Valid: signed by demo-archivist, whose key is revoked from 2026-06-01; the release was created 2026-02-03.",
        Input::Zip(archivist.clone()),
        archivist_line.clone(),
    );
    before.files.insert("revoked".into(), demo_revoked.clone());
    before.options.insert("revoked".into(), json!("revoked"));
    v.push(before);
    let mut later = invalid(
        "policy-revoked-key-checked-at-a-later-time".into(),
        "Not valid: the same, its key validity checked at 2027-01-01, after the revocation.".into(),
        Input::Zip(archivist.clone()),
    );
    later.allowed_signers = archivist_line.clone();
    later.files.insert("revoked".into(), demo_revoked);
    later.options.insert("revoked".into(), json!("revoked"));
    later
        .options
        .insert("at".into(), json!("2027-01-01T00:00:00Z"));
    v.push(later);
    let mut early = invalid(
        "policy-key-not-yet-valid-at-the-given-time".into(),
        "Not valid: signed by demo-archivist, whose key is trusted only after 2026-01-01, checked at 2025-06-01.".into(),
        Input::Zip(archivist),
    );
    early.allowed_signers = archivist_line;
    early
        .options
        .insert("at".into(), json!("2025-06-01T00:00:00Z"));
    v.push(early);
    v.extend(hardware_key_vectors(fx));
    v.push(all_withheld_vector(fx));
    v
}

/// A release whose every item is withheld (FORMAT.md §5: listed, not published): `pack` wants at
/// least one file, so one published and one withheld item are packed, then the published item is
/// removed, every layer made consistent (`Payload-Oxum` 0.0) and the statement signed again.
fn all_withheld_vector(fx: &Fixture) -> Vector {
    let src = fx.scratch("withheld-src");
    write_source(
        &src,
        &[("shown.txt", b"published, then removed\n".to_vec())],
    );
    let meta = fx.scratch("withheld-meta.csv");
    std::fs::write(
        &meta,
        "path,id,case_no,doc_type,title,redaction_status,redaction_categories,legal_basis,reason\n\
         shown.txt,D-1,12,document,A synthetic document,none,,,\n\
         ,T-2,12,testimony,Testimony of a synthetic witness,withheld,identity of a witness,Synthetic Law Art. 12,withheld in full\n",
    )
    .unwrap();
    let out = fx.scratch("withheld.zip");
    let o = pack(
        &src,
        &out,
        "demo-office",
        &["--metadata", meta.to_str().unwrap()],
    );
    assert!(o.status.success(), "pack: {}", stderr(&o));
    let (top, mut files) = bundle_files(&std::fs::read(&out).unwrap());
    files.retain(|p, _| !p.starts_with("data/"));
    let mut m = json(&files, ITEMS_JSON);
    m["items"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["path"].is_null());
    files.insert(ITEMS_JSON.into(), canonical(&m));
    let info: String = text(&files, BAG_INFO)
        .lines()
        .map(|l| {
            if l.starts_with("Payload-Oxum:") {
                "Payload-Oxum: 0.0\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    files.insert(BAG_INFO.into(), info.into_bytes());
    forge_all_but_signature(&mut files);
    resign(&mut files, "demo-office");
    let mut v = invalid(
        "valid-all-items-withheld".into(),
        "Valid: a release of one item, withheld (listed in manifest.json, no payload file).".into(),
        Input::Zip(zip_of(&top, &files)),
    );
    v.valid = true;
    v
}

/// A signature by a FIDO (`sk-ssh-ed25519@openssh.com`) key, made in software as a token makes
/// it, attached to the base bundle by `intact attach`.
fn hardware_key_vectors(fx: &Fixture) -> Vec<Vector> {
    let (pubkey, armored) = crate::trust::sk_signature(7, &fx.files[RELEASE_JSON], 0x01);
    let zip = fx.scratch("hardware.zip");
    std::fs::write(&zip, &fx.bytes).unwrap();
    let sig = fx.scratch("hardware.sig");
    std::fs::write(&sig, armored).unwrap();
    let o = crate::intact(&[OsStr::new("attach"), zip.as_os_str(), sig.as_os_str()]);
    assert!(o.status.success(), "attach: {}", stderr(&o));
    let bytes = std::fs::read(&zip).unwrap();
    let token = format!("token namespaces=\"intact-release\" {pubkey}\n");
    let mut only_token = invalid(
        "valid-hardware-key-signature".into(),
        "Valid: co-signed by a FIDO key (sk-ssh-ed25519@openssh.com, user presence attested); only that key is trusted.".into(),
        Input::Zip(bytes.clone()),
    );
    only_token.valid = true;
    only_token.allowed_signers = token.clone();
    let mut both = invalid(
        "valid-hardware-key-and-software-key-threshold-2".into(),
        "Valid: signed by demo-office and co-signed by a FIDO key, both trusted, threshold 2."
            .into(),
        Input::Zip(bytes),
    );
    both.valid = true;
    both.allowed_signers = format!("{}{token}", office_line());
    both.options.insert("threshold".into(), json!(2));
    vec![only_token, both]
}

/// Every vector, names made unique (a repeated name gets `-2`, `-3`, … in table order).
pub fn all_vectors(fx: &Fixture) -> Vec<Vector> {
    let mut v = policy_vectors(fx);
    v.extend(tamper_vectors(fx));
    v.extend(broken_vectors(fx));
    v.extend(super::vectors_spec::spec_vectors(fx));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for x in &mut v {
        let n = seen.entry(x.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            x.name = format!("{}-{n}", x.name);
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Writing a case: its input, and what intact says about it.

/// The first failing check of an `intact verify --json` report, in report (FORMAT.md §9) order.
fn first_failing(report: &Value) -> Option<String> {
    report["checks"]
        .as_array()?
        .iter()
        .find(|c| c["passed"] == Value::Bool(false))
        .and_then(|c| c["check"].as_str().or(c["name"].as_str()))
        .map(str::to_owned)
}

/// Runs `intact verify --json` on a written case directory; returns (exit code, report).
fn verify_case(dir: &Path, scratch: &Path, v: &Vector) -> (Option<i32>, Value) {
    let input = match &v.input {
        Input::Zip(_) => dir.join("bundle.zip"),
        Input::Tar(_) => {
            let out = scratch.join(&v.name);
            std::fs::create_dir_all(&out).unwrap();
            let o = Command::new("tar")
                .arg("-xf")
                .arg(dir.join("tree.tar"))
                .arg("-C")
                .arg(&out)
                .output()
                .unwrap();
            assert!(o.status.success(), "tar: {}", stderr(&o));
            out
        }
    };
    let mut args: Vec<std::ffi::OsString> = vec![
        "verify".into(),
        input.into(),
        "--trust".into(),
        dir.join("allowed_signers").into(),
        "--json".into(),
    ];
    for (k, val) in &v.options {
        args.push(format!("--{k}").into());
        match (k.as_str(), val) {
            ("revoked", Value::String(f)) => args.push(dir.join(f).into()),
            (_, Value::String(s)) => args.push(s.into()),
            (_, other) => args.push(other.to_string().into()),
        }
    }
    let o = crate::intact(&args);
    let report = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}: no JSON report: {}", v.name, stderr(&o)));
    (o.status.code(), report)
}

/// Writes every case under `out` (which must not exist); returns the mismatches between a case's
/// declared verdict and intact's.
pub fn write_vectors(fx: &Fixture, out: &Path) -> Vec<String> {
    let scratch = fx.scratch("vector-trees");
    let mut wrong = Vec::new();
    for v in all_vectors(fx) {
        let dir = out.join(&v.name);
        std::fs::create_dir_all(&dir).unwrap();
        match &v.input {
            Input::Zip(b) => std::fs::write(dir.join("bundle.zip"), b).unwrap(),
            Input::Tar(b) => std::fs::write(dir.join("tree.tar"), b).unwrap(),
        }
        std::fs::write(dir.join("allowed_signers"), &v.allowed_signers).unwrap();
        for (name, bytes) in &v.files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        std::fs::write(dir.join("README"), format!("{}\n", v.readme)).unwrap();
        let (code, report) = verify_case(&dir, &scratch, &v);
        let mut expect = serde_json::Map::new();
        expect.insert("valid".into(), json!(v.valid));
        if v.valid {
            if code != Some(0) || report["valid"] != json!(true) {
                wrong.push(format!("{}: intact says not valid ({code:?})", v.name));
            }
        } else {
            if code != Some(1) || report["valid"] != json!(false) {
                wrong.push(format!("{}: intact says valid ({code:?})", v.name));
            }
            match first_failing(&report) {
                Some(c) if v.check.is_some_and(|want| want != c) => wrong.push(format!(
                    "{}: intact's first failing check is {c}, the case wants {}",
                    v.name,
                    v.check.unwrap_or_default()
                )),
                Some(c) => {
                    expect.insert("check".into(), json!(c));
                }
                None => wrong.push(format!("{}: no failing check in the report", v.name)),
            }
        }
        if !v.options.is_empty() {
            expect.insert("options".into(), Value::Object(v.options.clone()));
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(expect)).unwrap();
        text.push('\n');
        std::fs::write(dir.join("expect.json"), text).unwrap();
    }
    wrong
}

/// Every file under `root` (relative path → bytes).
pub(super) fn read_all(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn committed() -> PathBuf {
    intact_testkit::repo().join("tests/vectors/cases")
}

#[test]
fn committed_vectors_equal_the_generator() {
    let fx = Fixture::new();
    let fresh = fx.scratch("cases");
    let wrong = write_vectors(&fx, &fresh);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let made = read_all(&fresh);
    let cases = made.keys().filter(|p| p.ends_with("expect.json")).count();
    let invalid = made
        .iter()
        .filter(|(p, b)| {
            p.ends_with("expect.json") && b.windows(14).any(|w| w == b"\"valid\": false")
        })
        .count();
    assert!(invalid >= 150, "{invalid} invalid cases of {cases}");
    if std::env::var_os("INTACT_REGENERATE_VECTORS").is_some() {
        let dest = committed();
        if dest.exists() {
            std::fs::remove_dir_all(&dest).unwrap();
        }
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let o = Command::new("cp")
            .arg("-r")
            .arg(&fresh)
            .arg(&dest)
            .output()
            .unwrap();
        assert!(o.status.success(), "cp: {}", stderr(&o));
        return;
    }
    let have = read_all(&committed());
    let missing: Vec<_> = made.keys().filter(|p| !have.contains_key(*p)).collect();
    let extra: Vec<_> = have.keys().filter(|p| !made.contains_key(*p)).collect();
    let differ: Vec<_> = made
        .iter()
        .filter(|(p, b)| have.get(*p).is_some_and(|h| h != *b))
        .map(|(p, _)| p)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "tests/vectors/cases differs from the generator (regenerate with \
         INTACT_REGENERATE_VECTORS=1 cargo test -p intact-cli --test it vectors_gen::):\n\
         missing {missing:?}\nextra {extra:?}\ndiffer {differ:?}"
    );
}

/// `scripts/conformance.sh` with the intact adapter agrees with every committed case.
#[test]
fn conformance_runner_agrees_on_every_committed_case() {
    let repo = intact_testkit::repo();
    let o = intact_testkit::Cmd::new("bash")
        .arg(repo.join("scripts/conformance.sh"))
        .arg(repo.join("scripts/conformance-intact.sh"))
        .env("INTACT", env!("CARGO_BIN_EXE_intact"))
        .output();
    let out = intact_testkit::stdout(&o);
    assert!(
        o.status.success(),
        "conformance.sh disagreed:\n{}{}",
        out,
        stderr(&o)
    );
    let last = out.lines().last().unwrap_or("");
    assert!(last.starts_with("agreed "), "{last}");
    let n = std::fs::read_dir(committed()).unwrap().count();
    assert!(last.contains(&format!("{n} of {n}")), "{last} ({n} cases)");
}
