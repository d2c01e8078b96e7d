//! No parser differential (FORMAT.md §2.10): every ZIP the tamper tables build, the blind
//! mutants and the valid bundles go through `intact verify` (in this process), and whenever it
//! says valid, Info-ZIP `unzip` (`-Z1` and extraction), Python's `zipfile` and the `zip` crate
//! must each list the same entries with the same bytes as intact reads. The bundle that hides a
//! second central directory shows the test has teeth: those readers disagree about it, and
//! intact must not call it valid.

use std::collections::BTreeMap;
use std::io::Read;

use intact_testkit::mutate::{self, Rng, Verifier};

use super::*;

/// Entry name → SHA-256 of its bytes, as one reader lists them (a name twice is kept twice).
type Listing = Vec<(String, String)>;

/// The entries as intact reads them: the bundle's members under its top directory.
fn intact_listing(path: &Path) -> Listing {
    let b = intact::bundle::Bundle::open(path).expect("open");
    let mut out: Listing = b
        .members
        .values()
        .map(|m| {
            let bytes = b.read(m, u64::MAX).expect("read a member");
            (format!("{}/{}", b.top, m.path.as_str()), sha_hex(&bytes))
        })
        .collect();
    out.sort();
    out
}

/// `unzip -Z1` for the names, then the bytes of every file `unzip` extracts; `Err` when it
/// does not exit 0 or the two disagree.
fn unzip_listing(path: &Path, scratch: &Path) -> Result<Listing, String> {
    let names = Command::new("unzip").arg("-Z1").arg(path).output().unwrap();
    if !names.status.success() {
        return Err(format!("unzip -Z1 exit {:?}", names.status.code()));
    }
    let mut listed: Vec<String> = String::from_utf8_lossy(&names.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    listed.sort();
    let dir = scratch.join("unzipped");
    let _ = std::fs::remove_dir_all(&dir);
    let x = Command::new("unzip")
        .args(["-qq", "-o"])
        .arg(path)
        .arg("-d")
        .arg(&dir)
        .output()
        .unwrap();
    if !x.status.success() {
        return Err(format!("unzip exit {:?}: {}", x.status.code(), stderr(&x)));
    }
    let mut out = Listing::new();
    for e in walkdir::WalkDir::new(&dir).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&dir).unwrap().to_str().unwrap();
            out.push((rel.to_owned(), sha_hex(&std::fs::read(e.path()).unwrap())));
        }
    }
    out.sort();
    let extracted: Vec<&String> = out.iter().map(|(n, _)| n).collect();
    if extracted
        .iter()
        .map(|s| s.as_str())
        .ne(listed.iter().map(|s| s.as_str()))
    {
        return Err(format!("unzip lists {listed:?} but extracts {extracted:?}"));
    }
    Ok(out)
}

const PYTHON_LISTING: &str = "import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps([[i.filename, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))";

/// Python's `zipfile`: every entry of `infolist()` and the SHA-256 of what `read` gives.
fn python_listing(path: &Path) -> Result<Listing, String> {
    let o = Command::new("python3")
        .args(["-c", PYTHON_LISTING])
        .arg(path)
        .output()
        .unwrap();
    if !o.status.success() {
        return Err(format!("python zipfile: {}", stderr(&o)));
    }
    let mut out: Listing = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    out.sort();
    Ok(out)
}

/// The `zip` crate: every entry by index, read whole.
fn zip_crate_listing(path: &Path) -> Result<Listing, String> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).map_err(|e| e.to_string())?;
    let mut out = Listing::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        let name = e.name().map_err(|e| e.to_string())?.into_owned();
        out.push((name, sha_hex(&bytes)));
    }
    out.sort();
    Ok(out)
}

/// Every other reader's listing of the ZIP at `path`, by reader.
fn other_listings(path: &Path, scratch: &Path) -> BTreeMap<&'static str, Result<Listing, String>> {
    BTreeMap::from([
        ("unzip", unzip_listing(path, scratch)),
        ("python zipfile", python_listing(path)),
        ("zip crate", zip_crate_listing(path)),
    ])
}

/// What is wrong with a bundle intact calls valid: each reader that does not read it as intact
/// does.
fn disagreements(path: &Path, scratch: &Path) -> Vec<String> {
    let ours = intact_listing(path);
    other_listings(path, scratch)
        .into_iter()
        .filter(|(_, l)| l.as_ref() != Ok(&ours))
        .map(|(reader, l)| format!("{reader}: {l:?}\n  intact: {ours:?}"))
        .collect()
}

#[test]
fn whenever_intact_says_valid_every_zip_reader_reads_the_same_entries() {
    let fx = Fixture::new();
    let scratch = fx.scratch("differential");
    std::fs::create_dir_all(&scratch).unwrap();
    let v = Verifier::new(&fx.trust, scratch.join("candidate.zip"));
    let mut candidates: Vec<(String, Vec<u8>)> = Vec::new();
    // Valid bundles: the base one, under another top directory, co-signed, the test vector.
    candidates.push(("base bundle".into(), fx.bytes.clone()));
    candidates.push(("renamed top".into(), zip_of("mirror-copy", &fx.files)));
    let mut cosigned = fx.files.clone();
    let other = fx.packed_with("demo-registrar");
    for p in sig_paths(&other) {
        cosigned.insert(p.clone(), other[&p].clone());
    }
    fix_tagmanifest(&mut cosigned);
    candidates.push(("co-signed".into(), zip_of(&fx.top, &cosigned)));
    // Every ZIP the tamper tables build.
    let tables = [zip_flip_cases(&fx), content_cases(&fx), zip_cases(&fx)];
    for case in tables.iter().flatten() {
        if let Some(b) = tampered_zip(&fx, &case.tamper) {
            candidates.push((case.name.clone(), b));
        }
    }
    // Blind mutants (another seed than the mutation test's).
    let mut rng = Rng::new(1414);
    for _ in 0..300 {
        let (b, what) = mutate::mutant(&fx.bytes, &mut rng);
        candidates.push((format!("mutant: {what}"), b));
    }

    let mut valid = 0;
    let mut failures = Vec::new();
    for (name, bytes) in &candidates {
        if !v.is_valid(bytes) {
            continue;
        }
        valid += 1;
        let path = scratch.join("valid.zip");
        std::fs::write(&path, bytes).unwrap();
        let d = disagreements(&path, &scratch);
        if !d.is_empty() {
            failures.push(format!("{name}:\n{}", d.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} bundle(s) intact calls valid are read differently:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(
        valid, 3,
        "the three valid bundles, and nothing else, verify"
    );

    // The test vector (v1-small, its own key and trust file).
    let vector = intact_testkit::repo().join("tests/vectors/v1-small/bundle.zip");
    assert_eq!(disagreements(&vector, &scratch), Vec::<String>::new());
}

#[test]
fn the_hidden_directory_bundle_is_read_differently_and_is_not_valid() {
    let fx = Fixture::new();
    let scratch = fx.scratch("hidden");
    std::fs::create_dir_all(&scratch).unwrap();
    let bytes = canonical::hidden_directory_bundle(&fx);
    let path = scratch.join("hidden.zip");
    std::fs::write(&path, &bytes).unwrap();
    // The readers disagree: unzip sees the forged note only, the others the signed entries.
    let names = Command::new("unzip")
        .arg("-Z1")
        .arg(&path)
        .output()
        .unwrap();
    let unzip_names = String::from_utf8_lossy(&names.stdout).into_owned();
    assert_eq!(
        unzip_names.trim_end(),
        format!("{}/data/docs/note-000.txt", fx.top),
        "unzip reads the hidden directory"
    );
    let python = python_listing(&path).unwrap();
    assert!(python.len() > 1, "{python:?}");
    assert!(!python.iter().any(|(n, _)| n.ends_with("note-000.txt")));
    // So intact must not call it valid.
    let v = Verifier::new(&fx.trust, scratch.join("candidate.zip"));
    assert!(!v.is_valid(&bytes));
}
