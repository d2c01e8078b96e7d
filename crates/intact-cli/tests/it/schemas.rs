//! Every JSON document intact writes validates against its JSON Schema in `manifests/schema/`:
//! the real binary makes each one (from `intact demo` and the commands run on its output), and
//! each is checked with the `jsonschema` crate (offline: schemas refer to each other through a
//! registry of the files in that directory, never over the network). Every schema file must be
//! valid against the draft 2020-12 meta-schema, compile, and be used by at least one document;
//! the schemas must also reject documents with an unknown field or a malformed digest.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use intact_testkit::{repo, s};
use jsonschema::{Registry, Resource, Validator};
use serde_json::{json, Value};

use crate::intact;

const BASE: &str = "https://intact.invalid/schema/";

fn schema_dir() -> PathBuf {
    repo().join("manifests/schema")
}

/// Runs intact, requires exit code `code`, and parses its standard output as JSON.
fn intact_json(args: &[&str], code: i32) -> Value {
    let o = intact(args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "intact {args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("intact {args:?}: not JSON: {e}"))
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// One member of a bundle ZIP, found by the end of its name (below the top directory).
fn zip_member(zip: &Path, suffix: &str) -> Vec<u8> {
    let f = std::fs::File::open(zip).unwrap();
    let mut a = zip::ZipArchive::new(f).unwrap();
    for i in 0..a.len() {
        let mut m = a.by_index(i).unwrap();
        let name = m.name().unwrap().into_owned();
        if name.split_once('/').is_some_and(|(_, rest)| rest == suffix) {
            let mut out = Vec::new();
            m.read_to_end(&mut out).unwrap();
            return out;
        }
    }
    panic!("{}: no member {suffix}", zip.display())
}

fn zip_json(zip: &Path, suffix: &str) -> Value {
    serde_json::from_slice(&zip_member(zip, suffix)).unwrap()
}

/// The schema files by name (`manifest.schema.json` …), parsed.
fn schema_files() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(schema_dir()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        if name.ends_with(".schema.json") {
            out.insert(name, read_json(&p));
        }
    }
    assert!(!out.is_empty(), "no schema in manifests/schema");
    out
}

/// Compiled validators for every schema, and which of them have been used.
pub(crate) struct Schemas {
    validators: BTreeMap<String, Validator>,
    used: BTreeSet<String>,
}

impl Schemas {
    pub(crate) fn load() -> Schemas {
        let files = schema_files();
        let registry = Registry::new()
            .extend(
                files
                    .iter()
                    .map(|(n, v)| (format!("{BASE}{n}"), Resource::from_contents(v.clone()))),
            )
            .and_then(|b| b.prepare())
            .expect("schema registry");
        let mut validators = BTreeMap::new();
        for (name, schema) in &files {
            assert_eq!(
                schema["$id"],
                json!(format!("{BASE}{name}")),
                "{name}: $id must be {BASE}{name}"
            );
            assert_eq!(
                schema["$schema"],
                json!("https://json-schema.org/draft/2020-12/schema"),
                "{name}: $schema"
            );
            assert!(
                schema["description"]
                    .as_str()
                    .is_some_and(|d| d.contains("docs/") || d.contains("src/")),
                "{name}: description must point to the doc or type that defines it"
            );
            if let Err(e) = jsonschema::meta::validate(schema) {
                panic!("{name} is not a valid schema: {e} at {}", e.instance_path());
            }
            let v = jsonschema::options()
                .offline()
                .with_registry(&registry)
                .build(schema)
                .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
            validators.insert(name.clone(), v);
        }
        Schemas {
            validators,
            used: BTreeSet::new(),
        }
    }

    pub(crate) fn validator(&self, name: &str) -> &Validator {
        self.validators
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"))
    }

    /// Asserts that `doc` (`what` says where it came from) is valid against schema `name`.
    fn check(&mut self, name: &str, what: &str, doc: &Value) {
        let errors: Vec<String> = self
            .validator(name)
            .iter_errors(doc)
            .map(|e| format!("  at '{}': {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} does not match {name}:\n{}\ndocument: {}",
            errors.join("\n"),
            serde_json::to_string_pretty(doc).unwrap()
        );
        self.used.insert(name.to_owned());
    }

    fn rejects(&self, name: &str, doc: &Value) -> bool {
        !self.validator(name).is_valid(doc)
    }
}

/// `metadata.csv` of the demo as the JSON form of `--metadata` (docs/METADATA.md): one object
/// per row, empty cells left out, `redaction_categories` as an array.
fn metadata_csv_to_json(csv_path: &Path) -> Value {
    let mut r = csv::Reader::from_path(csv_path).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let mut obj = serde_json::Map::new();
        for (h, v) in headers.iter().zip(rec.iter()) {
            if v.trim().is_empty() {
                continue;
            }
            let value = if h == "redaction_categories" {
                json!(v.split(';').map(str::trim).collect::<Vec<_>>())
            } else {
                json!(v)
            };
            obj.insert(h.clone(), value);
        }
        rows.push(Value::Object(obj));
    }
    json!({ "items": rows })
}

#[test]
fn every_document_intact_writes_matches_its_schema() {
    let mut sc = Schemas::load();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let demo = t.join("demo");
    let o = intact(&["demo", "--out", s(&demo)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let trust = demo.join("keys/allowed_signers");
    let r1 = demo.join("release-1.zip");
    let r2 = demo.join("release-2.zip");
    let tampered = demo.join("release-1-tampered.zip");
    let private = demo.join("private");

    // Bundle members: manifest.json and release.json of both releases and of the log entries.
    for zip in [&r1, &r2, &tampered] {
        let what = zip.display().to_string();
        sc.check(
            "manifest.schema.json",
            &what,
            &zip_json(zip, "intact/manifest.json"),
        );
        sc.check(
            "release.schema.json",
            &what,
            &zip_json(zip, "intact/release.json"),
        );
    }
    let m2 = zip_json(&r2, "intact/manifest.json");
    assert!(
        m2["changes"].as_array().is_some_and(|c| !c.is_empty()),
        "release-2 has change records"
    );
    assert!(zip_json(&r2, "intact/release.json")["previous"].is_object());
    for entry in ["000001", "000002"] {
        let d = demo.join("log").join(entry);
        sc.check(
            "manifest.schema.json",
            entry,
            &read_json(&d.join("manifest.json")),
        );
        sc.check(
            "release.schema.json",
            entry,
            &read_json(&d.join("release.json")),
        );
    }
    let o = intact(&["statement", s(&r1)]);
    assert!(o.status.success());
    sc.check(
        "release.schema.json",
        "intact statement",
        &serde_json::from_slice(&o.stdout).unwrap(),
    );

    // The committed test vector bundle.
    let vector = repo().join("tests/vectors/v1-small/bundle.zip");
    sc.check(
        "manifest.schema.json",
        "v1-small manifest.json",
        &zip_json(&vector, "intact/manifest.json"),
    );
    sc.check(
        "release.schema.json",
        "v1-small release.json",
        &zip_json(&vector, "intact/release.json"),
    );
    for p in ["first", "middle", "last"] {
        let path = repo().join(format!("tests/vectors/proofs/{p}.intact-proof.json"));
        sc.check("proof.schema.json", p, &read_json(&path));
    }

    // Files the demo wrote: mirror state, ledger, disclosure.
    sc.check(
        "mirror-state.schema.json",
        "demo mirror-state.json",
        &read_json(&demo.join("mirror-state.json")),
    );
    let ledger = read_json(&private.join("ledger.json"));
    assert!(ledger["entries"].as_array().is_some_and(|e| !e.is_empty()));
    sc.check("ledger.schema.json", "demo ledger.json", &ledger);
    let disclosure = private.join("disclosure-T-101-001.json");
    sc.check(
        "disclosure.schema.json",
        "demo disclosure",
        &read_json(&disclosure),
    );

    // verify: valid, not valid (problems), not a bundle at all (nulls), a directory.
    let v = intact_json(&["verify", s(&r1), "--trust", s(&trust), "--json"], 0);
    assert_eq!(v["valid"], json!(true));
    sc.check("verify-report.schema.json", "verify (valid)", &v);
    let v = intact_json(&["verify", s(&tampered), "--trust", s(&trust), "--json"], 1);
    assert!(v["problems"].as_array().is_some_and(|p| !p.is_empty()));
    sc.check("verify-report.schema.json", "verify (tampered)", &v);
    let v = intact_json(
        &[
            "verify",
            s(&private.join("ledger.json")),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    assert_eq!(v["kind"], Value::Null);
    sc.check("verify-report.schema.json", "verify (not a bundle)", &v);

    // extract: valid, then the tampered copy (nothing extracted); verify the extracted tree.
    let x = t.join("x");
    let e = intact_json(
        &[
            "extract",
            s(&r1),
            "--to",
            s(&x),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("extract-report.schema.json", "extract", &e);
    let tree = PathBuf::from(e["extracted_to"].as_str().unwrap());
    let e = intact_json(
        &[
            "extract",
            s(&tampered),
            "--to",
            s(&t.join("y")),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    assert_eq!(e["extracted_to"], Value::Null);
    sc.check("extract-report.schema.json", "extract (tampered)", &e);
    let v = intact_json(&["verify", s(&tree), "--trust", s(&trust), "--json"], 0);
    assert_eq!(v["kind"], json!("directory"));
    sc.check("verify-report.schema.json", "verify (directory)", &v);

    // bagit validate: the extracted bag, then a broken copy of it.
    let b = intact_json(&["bagit", "validate", s(&tree), "--json"], 0);
    sc.check("bagit-report.schema.json", "bagit validate", &b);
    let payload = tree.join("data/README.txt");
    std::fs::write(&payload, "altered\n").unwrap();
    let b = intact_json(&["bagit", "validate", s(&tree), "--json"], 1);
    assert!(b["problems"].as_array().is_some_and(|p| !p.is_empty()));
    sc.check("bagit-report.schema.json", "bagit validate (broken)", &b);

    // inspect and diff.
    let i = intact_json(&["inspect", s(&r1), "--json"], 0);
    assert!(i["withheld"].as_array().is_some_and(|w| !w.is_empty()));
    sc.check("inspect-report.schema.json", "inspect", &i);
    let d = intact_json(&["diff", s(&r1), s(&r2), "--json"], 0);
    sc.check("diff-report.schema.json", "diff", &d);

    // The release log: status, verify with a mirror and a state file, append (yes, then no).
    let log = demo.join("log");
    let st = intact_json(&["log", "status", s(&log), "--json"], 0);
    assert!(st["superseded"].as_array().is_some_and(|x| !x.is_empty()));
    assert!(st["withdrawn"].as_array().is_some_and(|x| !x.is_empty()));
    sc.check("log-status-report.schema.json", "log status", &st);
    let site = t.join("site");
    let sr = intact_json(
        &[
            "site",
            s(&log),
            "--bundles",
            s(&demo.join("mirror")),
            "-o",
            s(&site),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("site-report.schema.json", "site", &sr);
    let state = t.join("state.json");
    let lv = intact_json(
        &[
            "log",
            "verify",
            s(&log),
            "--bundles",
            s(&demo.join("mirror")),
            "--state",
            s(&state),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert_eq!(lv["state_updated"], json!(true));
    sc.check("log-verify-report.schema.json", "log verify", &lv);
    // A mirror with something that is not a bundle in it: a note.
    let mirror = t.join("mirror-with-readme");
    crate::releases::copy_dir(&demo.join("mirror"), &mirror);
    std::fs::write(mirror.join("README.txt"), "SYNTHETIC mirror readme\n").unwrap();
    let lv = intact_json(
        &[
            "log",
            "verify",
            s(&log),
            "--bundles",
            s(&mirror),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert!(lv["notes"].as_array().is_some_and(|n| n.len() == 1));
    sc.check("log-verify-report.schema.json", "log verify (notes)", &lv);
    sc.check(
        "mirror-state.schema.json",
        "log verify --state",
        &read_json(&state),
    );
    let new_log = t.join("new-log");
    let a = intact_json(
        &[
            "log",
            "append",
            s(&new_log),
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("log-append-report.schema.json", "log append", &a);
    let a = intact_json(
        &[
            "log",
            "append",
            s(&new_log),
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert_eq!(a["already_head"], json!(true));
    sc.check(
        "log-append-report.schema.json",
        "log append (the head again)",
        &a,
    );
    let a = intact_json(
        &[
            "log",
            "append",
            s(&new_log),
            s(&tampered),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    assert!(a["problems"].as_array().is_some_and(|p| !p.is_empty()));
    sc.check("log-append-report.schema.json", "log append (refused)", &a);
    let lv = intact_json(
        &[
            "log",
            "verify",
            s(&new_log),
            "--bundles",
            s(&demo.join("mirror")),
            "--state",
            s(&state),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    sc.check(
        "log-verify-report.schema.json",
        "log verify (rollback)",
        &lv,
    );

    // cite (with and without --trust), then check by proof, bundle and log.
    let item = i["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["id"] == json!("T-101-001"))
        .expect("demo item T-101-001")
        .clone();
    let item_path = item["path"].as_str().unwrap().to_owned();
    let proof = t.join("t.intact-proof.json");
    let c = intact_json(
        &[
            "cite",
            s(&r1),
            &item_path,
            "-o",
            s(&proof),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("cite.schema.json", "cite --trust", &c);
    sc.check("proof.schema.json", "cite proof", &read_json(&proof));
    let c = intact_json(
        &[
            "cite",
            s(&r1),
            "--id",
            "T-101-001",
            "-o",
            s(&t.join("u.json")),
            "--json",
        ],
        0,
    );
    assert_eq!(c["trust_checked"], json!(false));
    sc.check("cite.schema.json", "cite (no --trust)", &c);
    let file = demo
        .join("collection")
        .join(item_path.strip_prefix("data/").unwrap());
    let k = intact_json(
        &[
            "check",
            s(&file),
            "--proof",
            s(&proof),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("check-report.schema.json", "check --proof", &k);
    let k = intact_json(
        &[
            "check",
            s(&file),
            "--bundle",
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    sc.check("check-report.schema.json", "check --bundle", &k);
    // A directory of releases with one unreadable bundle, which is skipped.
    let releases = t.join("releases");
    std::fs::create_dir(&releases).unwrap();
    std::fs::copy(&r1, releases.join("release-1.zip")).unwrap();
    std::fs::copy(&r2, releases.join("release-2.zip")).unwrap();
    std::fs::write(releases.join("broken.zip"), b"not a zip").unwrap();
    let k = intact_json(
        &[
            "check",
            s(&file),
            "--log",
            s(&releases),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert!(
        k["found"][0]["superseded_by"].is_object(),
        "T-101-001 is superseded in release-2"
    );
    assert!(k["skipped"].as_array().is_some_and(|x| !x.is_empty()));
    assert_eq!(k["found"][0]["status"], json!("superseded"));
    sc.check("check-report.schema.json", "check --log", &k);
    // The duplicate photograph release-2 withdrew, through the release log itself.
    let withdrawn = i["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|it| it["id"] == json!("P-010"))
        .expect("demo item P-010");
    let photo = demo.join("collection").join(
        withdrawn["path"]
            .as_str()
            .unwrap()
            .strip_prefix("data/")
            .unwrap(),
    );
    let k = intact_json(
        &[
            "check",
            s(&photo),
            "--log",
            s(&log),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert_eq!(k["found"][0]["status"], json!("withdrawn"));
    assert!(k["found"][0]["withdrawn_by"]["reason"].is_string());
    sc.check("check-report.schema.json", "check --log (withdrawn)", &k);
    let k = intact_json(
        &[
            "check",
            s(&trust),
            "--proof",
            s(&proof),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    sc.check("check-report.schema.json", "check (wrong file)", &k);

    // redaction: prove, then verify (match and no match).
    let original = private.join("originals/testimonies/case-101/testimony-001.txt");
    let disclosure2 = t.join("disclosure.json");
    let o = intact(&[
        "redaction",
        "prove",
        "--ledger",
        s(&private.join("ledger.json")),
        "--original",
        s(&original),
        "--bundle",
        s(&r1),
        "--item",
        "T-101-001",
        "-o",
        s(&disclosure2),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    sc.check(
        "disclosure.schema.json",
        "redaction prove",
        &read_json(&disclosure2),
    );
    let r = intact_json(
        &[
            "redaction",
            "verify",
            s(&disclosure2),
            "--original",
            s(&original),
            "--bundle",
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        0,
    );
    assert_eq!(r["valid"], json!(true));
    sc.check("disclosure-check.schema.json", "redaction verify", &r);
    let r = intact_json(
        &[
            "redaction",
            "verify",
            s(&disclosure2),
            "--original",
            s(&file),
            "--bundle",
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    sc.check(
        "disclosure-check.schema.json",
        "redaction verify (no match)",
        &r,
    );

    // pack: with CSV metadata, originals and a ledger; with the same metadata as JSON (which
    // must pack to the identical statement); unsigned, then co-signed.
    let created = "2026-01-15T09:00:00Z";
    let key = repo().join("keys/demo-office.key");
    let meta_json = metadata_csv_to_json(&private.join("metadata.csv"));
    sc.check(
        "metadata.schema.json",
        "demo metadata.csv as JSON",
        &meta_json,
    );
    let meta_path = t.join("metadata.json");
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&meta_json).unwrap()).unwrap();
    let collection = demo.join("collection");
    let pack = |out: &Path, meta: &Path, extra: &[&str]| {
        let mut args = vec![
            "pack",
            "--no-deny-list",
            s(&collection),
            "--collection",
            "demo-case-archive",
            "--release",
            "release-1",
            "--created",
            created,
            "--metadata",
            s(meta),
            "-o",
            s(out),
            "--json",
        ];
        args.extend_from_slice(extra);
        intact_json(&args, 0)
    };
    let ledger2 = t.join("ledger.json");
    let p = pack(
        &t.join("p1.zip"),
        &private.join("metadata.csv"),
        &[
            "--key",
            s(&key),
            "--originals",
            s(&private.join("originals")),
            "--ledger",
            s(&ledger2),
        ],
    );
    assert!(p["commitments"].as_u64().is_some_and(|n| n > 0));
    sc.check("pack-summary.schema.json", "pack --ledger", &p);
    sc.check("ledger.schema.json", "pack --ledger", &read_json(&ledger2));
    let from_csv = pack(
        &t.join("p2.zip"),
        &private.join("metadata.csv"),
        &["--key", s(&key)],
    );
    let from_json = pack(&t.join("p3.zip"), &meta_path, &["--key", s(&key)]);
    assert_eq!(
        from_csv["bundle_id"], from_json["bundle_id"],
        "the JSON form of the metadata packs to the same release as the CSV"
    );
    let unsigned = t.join("p4.zip");
    let p = pack(&unsigned, &meta_path, &["--unsigned"]);
    assert_eq!(p["signatures"], json!([]));
    sc.check("pack-summary.schema.json", "pack --unsigned", &p);
    let cs = intact_json(
        &[
            "sign",
            s(&unsigned),
            "--key",
            s(&repo().join("keys/demo-registrar.key")),
            "--json",
        ],
        0,
    );
    sc.check("cosign-summary.schema.json", "sign", &cs);

    // The leak gate's report: clean, and with a finding and an excepted one.
    let clean = intact_json(
        &[
            "scan",
            s(&demo.join("collection")),
            "--deny-list",
            s(&private.join("deny-list.txt")),
            "--json",
        ],
        0,
    );
    sc.check("scan-report.schema.json", "scan clean", &clean);
    let leaky = intact_json(
        &[
            "scan",
            s(&demo.join("leaky-collection")),
            "--deny-list",
            s(&private.join("deny-list.txt")),
            "--json",
        ],
        1,
    );
    assert!(!leaky["findings"].as_array().unwrap().is_empty());
    assert!(
        leaky["hints"]["deny-list-match"].is_string(),
        "a fix hint per rule with a finding: {leaky}"
    );
    sc.check("scan-report.schema.json", "scan leaky", &leaky);
    let ex_dir = t.join("scan-ex");
    std::fs::create_dir_all(&ex_dir).unwrap();
    std::fs::write(ex_dir.join("blob.bin"), [0u8, 159, 146, 150, 1, 2, 3]).unwrap();
    let ex = t.join("exceptions.tsv");
    std::fs::write(
        &ex,
        "blob.bin\tunsupported-file-type\treviewed: calibration data\nold.pdf\timage-gps\tstale\n",
    )
    .unwrap();
    let excepted = intact_json(&["scan", s(&ex_dir), "--exceptions", s(&ex), "--json"], 0);
    assert_eq!(excepted["excepted"].as_array().unwrap().len(), 1);
    sc.check("scan-report.schema.json", "scan with exceptions", &excepted);

    // The deny-list expansion's summary.
    let expanded = intact_json(
        &[
            "deny-list",
            "expand",
            s(&private.join("deny-list.txt")),
            "-o",
            s(&t.join("deny-expanded.txt")),
            "--json",
        ],
        0,
    );
    sc.check(
        "deny-list-expand.schema.json",
        "deny-list expand",
        &expanded,
    );

    // The scrub report (a camera photograph from the shared corpus: EXIF thumbnail and GPS).
    let photos = t.join("scrub-src");
    std::fs::create_dir_all(&photos).unwrap();
    let gps = repo().join("../shared/corpora/exif-samples/gps/DSCN0029.jpg");
    std::fs::copy(&gps, photos.join("photo.jpg")).unwrap();
    std::fs::write(photos.join("note.txt"), "plain text\n").unwrap();
    let scrub_out = t.join("scrub-out");
    let sr = intact_json(&["scrub", s(&photos), "-o", s(&scrub_out), "--json"], 0);
    sc.check("scrub-report.schema.json", "scrub", &sr);

    cli_documents(&mut sc, t, &demo);
    // Trusted time, against the test TSA (crate::timestamps).
    for (name, what, doc) in crate::timestamps::schema_documents() {
        sc.check(name, &what, &doc);
    }
    for (schema, what, doc) in crate::transparency::documents() {
        sc.check(schema, &what, &doc);
    }
    crate::mirror::documents(&mut |name, what, doc| sc.check(name, what, doc));

    // Every schema was used.
    let all: BTreeSet<String> = schema_files().into_keys().collect();
    let unused: Vec<&String> = all.difference(&sc.used).collect();
    assert!(
        unused.is_empty(),
        "schemas no document was checked against: {unused:?}"
    );
}

/// The documents of the commands that only report what they wrote (keygen, statement -o,
/// redaction prove, demo), the summaries of several targets, and the error object.
fn cli_documents(sc: &mut Schemas, t: &Path, demo: &Path) {
    let trust = demo.join("keys/allowed_signers");
    let r1 = demo.join("release-1.zip");
    let signers = t.join("new_allowed_signers");
    let k = intact_json(
        &[
            "keygen",
            "--out",
            s(&t.join("new.key")),
            "--no-passphrase",
            "--allowed-signers",
            s(&signers),
            "--json",
        ],
        0,
    );
    assert_eq!(k["added"], json!(true));
    sc.check("keygen-report.schema.json", "keygen --json", &k);
    let st = intact_json(
        &["statement", s(&r1), "-o", s(&t.join("st.json")), "--json"],
        0,
    );
    sc.check("written.schema.json", "statement -o --json", &st);
    let d = intact_json(&["demo", "--out", s(&t.join("demo2")), "--json"], 0);
    assert_eq!(d["ok"], json!(true));
    sc.check("written.schema.json", "demo --json", &d);
    let private = demo.join("private");
    let p = intact_json(
        &[
            "redaction",
            "prove",
            "--ledger",
            s(&private.join("ledger.json")),
            "--original",
            s(&private.join("originals/testimonies/case-101/testimony-001.txt")),
            "--bundle",
            s(&r1),
            "--item",
            "T-101-001",
            "-o",
            s(&t.join("disclosure-json.json")),
            "--json",
        ],
        0,
    );
    sc.check("written.schema.json", "redaction prove --json", &p);
    let m = intact_json(&["man", "-o", s(&t.join("man1")), "--json"], 0);
    assert!(m["files"].as_array().is_some_and(|f| f.len() > 10));
    sc.check("written.schema.json", "man -o --json", &m);

    // Several targets: a report or an error object each, the worst exit code.
    let missing = t.join("no-such.zip");
    let v = intact_json(
        &[
            "verify",
            s(&r1),
            s(&demo.join("release-1-tampered.zip")),
            s(&missing),
            "--trust",
            s(&trust),
            "--json",
        ],
        2,
    );
    assert_eq!(
        v["counts"],
        json!({"valid": 1, "not_valid": 1, "errors": 1})
    );
    assert_eq!(v["results"][2]["code"], json!("io"));
    sc.check("verify-summary.schema.json", "verify (several)", &v);
    let readme = demo.join("collection/README.txt");
    let c = intact_json(
        &[
            "check",
            s(&readme),
            s(&trust),
            "--bundle",
            s(&r1),
            "--trust",
            s(&trust),
            "--json",
        ],
        1,
    );
    assert_eq!(
        c["counts"],
        json!({"valid": 1, "not_valid": 1, "errors": 0})
    );
    sc.check("check-summary.schema.json", "check (several)", &c);

    // Errors: I/O, usage, not valid.
    let e = intact_json(&["verify", s(&missing), "--trust", s(&trust), "--json"], 2);
    assert_eq!(e["code"], json!("io"));
    assert_eq!(e["path"], json!(s(&missing)));
    sc.check("error.schema.json", "verify (missing) --json", &e);
    let e = intact_json(&["verify", "--no-such-flag", "--json"], 2);
    assert_eq!(e["code"], json!("usage"));
    sc.check("error.schema.json", "usage --json", &e);
    let e = intact_json(
        &[
            "cite",
            s(&r1),
            "--id",
            "NO-SUCH-ITEM",
            "-o",
            s(&t.join("never.json")),
            "--json",
        ],
        1,
    );
    assert_eq!(e["code"], json!("not_valid"));
    sc.check("error.schema.json", "cite (no such item) --json", &e);
}

/// A schema that accepts anything is no check: the strict schemas refuse unknown fields and
/// malformed digests, ids and times.
#[test]
fn schemas_reject_malformed_documents() {
    let sc = Schemas::load();
    let vector = repo().join("tests/vectors/v1-small/bundle.zip");
    let manifest = zip_json(&vector, "intact/manifest.json");
    let release = zip_json(&vector, "intact/release.json");
    let proof = read_json(&repo().join("tests/vectors/proofs/first.intact-proof.json"));
    for (name, doc) in [
        ("manifest.schema.json", &manifest),
        ("release.schema.json", &release),
        ("proof.schema.json", &proof),
    ] {
        assert!(!sc.rejects(name, doc), "{name} rejects its own test vector");
    }

    let mutate = |doc: &Value, f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        d
    };
    let bad: Vec<(&str, &str, Value)> = vec![
        (
            "release.schema.json",
            "unknown field",
            mutate(&release, &|d| d["signer"] = json!("x")),
        ),
        (
            "release.schema.json",
            "short merkle_root",
            mutate(&release, &|d| d["merkle_root"] = json!("abc123")),
        ),
        (
            "release.schema.json",
            "uppercase digest",
            mutate(&release, &|d| {
                let up = d["merkle_root"].as_str().unwrap().to_uppercase();
                d["merkle_root"] = json!(up)
            }),
        ),
        (
            "release.schema.json",
            "created with an offset",
            mutate(&release, &|d| {
                d["created"] = json!("2026-01-15T09:00:00+00:00")
            }),
        ),
        (
            "release.schema.json",
            "bad release id",
            mutate(&release, &|d| d["release"] = json!("-r1")),
        ),
        (
            "release.schema.json",
            "tag_files without manifest.json",
            mutate(&release, &|d| {
                d["tag_files"]
                    .as_object_mut()
                    .unwrap()
                    .remove("intact/manifest.json");
            }),
        ),
        (
            "release.schema.json",
            "tag_files pins release.json",
            mutate(&release, &|d| {
                d["tag_files"]["intact/release.json"] = json!("0".repeat(64))
            }),
        ),
        (
            "manifest.schema.json",
            "unknown field",
            mutate(&manifest, &|d| d["comment"] = json!("")),
        ),
        (
            "manifest.schema.json",
            "unknown item field",
            mutate(&manifest, &|d| d["items"][0]["owner"] = json!("x")),
        ),
        (
            "manifest.schema.json",
            "malformed item digest",
            mutate(&manifest, &|d| {
                d["items"][0]["sha256"] = json!("g".repeat(64))
            }),
        ),
        (
            "manifest.schema.json",
            "published item without size",
            mutate(&manifest, &|d| {
                d["items"][0].as_object_mut().unwrap().remove("size");
            }),
        ),
        (
            "manifest.schema.json",
            "withheld item with a path",
            mutate(&manifest, &|d| {
                d["items"][0]["redaction"] = json!({"status": "withheld"})
            }),
        ),
        (
            "manifest.schema.json",
            "other format",
            mutate(&manifest, &|d| d["format"] = json!("intact-manifest/2")),
        ),
        (
            "proof.schema.json",
            "unknown field",
            mutate(&proof, &|d| d["note"] = json!("x")),
        ),
        (
            "proof.schema.json",
            "malformed audit path",
            mutate(&proof, &|d| d["audit_path"][0] = json!("00")),
        ),
    ];
    for (name, what, doc) in &bad {
        assert!(
            sc.rejects(name, doc),
            "{name} accepts a document with {what}"
        );
    }

    // Reports too: an extra field, a malformed bundle id, an unknown signature status.
    let checks: Vec<Value> = [
        "container",
        "names",
        "bag",
        "statement",
        "signatures",
        "tag-files",
        "tag-manifest",
        "manifest",
        "payload",
        "merkle",
    ]
    .iter()
    .map(|c| json!({"check": c, "passed": true, "problems": 0}))
    .collect::<Vec<_>>();
    let report = json!({
        "report": "intact-verify/1", "bundle": "b.zip", "kind": "zip", "valid": false,
        "bundle_id": "0".repeat(64), "collection": "c", "release": "r",
        "created": "2026-01-15T09:00:00Z", "previous": null, "item_count": 1,
        "payload_bytes": 1, "merkle_root": "0".repeat(64), "threshold": 1, "signers": [],
        "signatures": [{"file": "intact/signatures/x.sig", "status": "invalid",
                        "principal": null, "fingerprint": null, "key_type": null,
                        "detail": "d"}],
        "checks": checks,
        "problems": [],
    });
    let name = "verify-report.schema.json";
    assert!(
        !sc.rejects(name, &report),
        "{name} rejects a well-formed report"
    );
    for (what, doc) in [
        ("unknown field", mutate(&report, &|d| d["extra"] = json!(1))),
        (
            "short bundle id",
            mutate(&report, &|d| d["bundle_id"] = json!("00")),
        ),
        (
            "unknown signature status",
            mutate(&report, &|d| d["signatures"][0]["status"] = json!("fine")),
        ),
        (
            "checks out of order",
            mutate(&report, &|d| d["checks"][0]["check"] = json!("names")),
        ),
        (
            "valid with no signer",
            mutate(&report, &|d| d["valid"] = json!(true)),
        ),
    ] {
        assert!(
            sc.rejects(name, &doc),
            "{name} accepts a report with {what}"
        );
    }

    let row = json!({"path": "t/a.txt", "id": "T-1", "case_no": "101",
                     "doc_type": "Material Evidence", "title": "A", "redaction_status": "Partial",
                     "redaction_categories": ["witness address"], "legal_basis": "Art. 5"});
    let name = "metadata.schema.json";
    assert!(
        !sc.rejects(name, &json!([row])),
        "{name} rejects a well-formed row"
    );
    for (what, doc) in [
        (
            "unknown field",
            mutate(&row, &|d| d["colour"] = json!("red")),
        ),
        (
            "partial without legal_basis",
            mutate(&row, &|d| {
                d.as_object_mut().unwrap().remove("legal_basis");
            }),
        ),
        (
            "withheld without reason",
            mutate(&row, &|d| d["redaction_status"] = json!("withheld")),
        ),
        (
            "unknown doc_type",
            mutate(&row, &|d| d["doc_type"] = json!("letter")),
        ),
        ("blank title", mutate(&row, &|d| d["title"] = json!("  "))),
    ] {
        assert!(
            sc.rejects(name, &json!([doc])),
            "{name} accepts a row with {what}"
        );
    }

    let state = json!({"state": "intact-mirror-state/1", "collection": "c", "seq": 1,
                       "release": "r", "bundle_id": "0".repeat(64),
                       "created": "2026-01-15T09:00:00Z"});
    let name = "mirror-state.schema.json";
    assert!(!sc.rejects(name, &state));
    assert!(sc.rejects(name, &mutate(&state, &|d| d["head"] = json!(1))));
    assert!(sc.rejects(name, &mutate(&state, &|d| d["bundle_id"] = json!("x"))));
    assert!(sc.rejects(name, &mutate(&state, &|d| d["seq"] = json!(0))));
}
