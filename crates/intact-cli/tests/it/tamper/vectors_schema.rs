//! The JSON Schemas of `manifests/schema/` and the verifier agree on every conformance vector
//! (FORMAT.md, "Compatibility policy, and which text wins", point 4): each `release.json` and
//! `manifest.json` of a case's bundle is validated against its schema, and a document the schema
//! rejects must be in a case whose `expect.json` says not valid. So no valid vector holds a
//! document the schemas refuse, and every schema constraint a vector breaks is a verdict too.

use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::schemas::Schemas;

/// The JSON documents of a bundle ZIP that have a schema: (schema, member name, parsed JSON).
/// A file that is no readable ZIP, or a member that is no JSON, has nothing to validate.
fn documents(zip: &Path) -> Vec<(&'static str, String, Value)> {
    let Ok(mut a) = std::fs::File::open(zip)
        .map_err(|_| ())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|_| ()))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..a.len() {
        let Ok(mut m) = a.by_index(i) else { continue };
        let name = String::from_utf8_lossy(m.name_raw()).into_owned();
        let schema = match name.split_once('/').map(|(_, rest)| rest) {
            Some("intact/release.json") => "release.schema.json",
            Some("intact/manifest.json") => "manifest.schema.json",
            _ => continue,
        };
        let mut bytes = Vec::new();
        if m.read_to_end(&mut bytes).is_err() {
            continue;
        }
        if let Ok(doc) = serde_json::from_slice::<Value>(&bytes) {
            out.push((schema, name, doc));
        }
    }
    out
}

#[test]
fn schemas_and_verifier_agree_on_every_vector() {
    let schemas = Schemas::load();
    let cases = intact_testkit::repo().join("tests/vectors/cases");
    let mut disagree = Vec::new();
    let (mut checked, mut rejected) = (0, 0);
    for e in std::fs::read_dir(&cases).unwrap() {
        let dir = e.unwrap().path();
        let zip = dir.join("bundle.zip");
        if !zip.exists() {
            continue;
        }
        let expect: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expect.json")).unwrap()).unwrap();
        let valid = expect["valid"] == Value::Bool(true);
        for (schema, member, doc) in documents(&zip) {
            checked += 1;
            let errors: Vec<String> = schemas
                .validator(schema)
                .iter_errors(&doc)
                .map(|e| format!("{e} at '{}'", e.instance_path()))
                .collect();
            if !errors.is_empty() {
                rejected += 1;
                if valid {
                    disagree.push(format!(
                        "{}: {member} breaks {schema} ({}) but the case is valid",
                        dir.file_name().unwrap().to_string_lossy(),
                        errors.join("; ")
                    ));
                }
            }
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
    assert!(checked > 500, "{checked} documents checked");
    // The vectors that break a schema constraint (media_type, commitment, empty lists, ids…).
    assert!(rejected >= 5, "only {rejected} documents break a schema");
}

/// FORMAT.md §4: an extracted bundle is a valid BagIt bag. So `intact bagit validate` accepts
/// every valid bundle vector, extracted, and refuses the `bag-info-*` vectors whose
/// `bag-info.txt` breaks BagIt itself (verify refuses more: its grammar is the one pack writes).
#[test]
fn bagit_validate_agrees_with_verify_on_the_bag_vectors() {
    use intact_testkit::bundle::{bundle_files, write_tree};
    let cases = intact_testkit::repo().join("tests/vectors/cases");
    let tmp = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    let mut valid_checked = 0;
    for e in std::fs::read_dir(&cases).unwrap() {
        let dir = e.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let zip = dir.join("bundle.zip");
        let expect: Value =
            serde_json::from_slice(&std::fs::read(dir.join("expect.json")).unwrap()).unwrap();
        let valid = expect["valid"] == Value::Bool(true);
        // BagIt errors (RFC 8493 §2.2.2): no colon, an empty label, a blank before the colon.
        let bagit_error = [
            "bag-info-line-without-a-colon",
            "bag-info-space-before-the-colon",
        ]
        .contains(&name.as_str());
        if !zip.exists() || !(valid || bagit_error) {
            continue;
        }
        let (top, files) = bundle_files(&std::fs::read(&zip).unwrap());
        let root = write_tree(&tmp.path().join(&name), &top, &files);
        // A ZIP has no directory entries: a bundle without payload files extracts without
        // data/, which its tree has (FORMAT.md §2, §4).
        std::fs::create_dir_all(root.join("data")).unwrap();
        let o = crate::intact(&[
            std::ffi::OsStr::new("bagit"),
            std::ffi::OsStr::new("validate"),
            root.as_os_str(),
        ]);
        let want = if valid { 0 } else { 1 };
        if o.status.code() != Some(want) {
            wrong.push(format!(
                "{name}: bagit validate exits {:?}, want {want}: {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stdout)
            ));
        }
        valid_checked += usize::from(valid);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(valid_checked >= 15, "{valid_checked} valid bundles checked");
}
