//! The site's verification core (`crates/intact/src/site/assets/core.js`, the file every
//! document page loads) run in Node over the vectors, and compared with intact's own answers:
//! every proof vector (and tampered copies of each), and for every bundle vector the statement
//! signatures, the Merkle root over the item records and the item digests — the parts a page
//! checks. `node` must be installed (scripts/install/node.sh, from scripts/test.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

use base64ct::{Base64, Encoding as _};
use intact::bundle::Bundle;
use intact::digest::hex;
use intact::manifest::Manifest;
use intact::trust::{self, Revocations, SignatureStatus, TrustPolicy};
use intact_testkit::{repo, sha_hex};
use serde_json::{json, Value};

/// Whether intact finds the signature cryptographically sound (whatever the trust policy says).
fn sound(s: SignatureStatus) -> bool {
    !matches!(
        s,
        SignatureStatus::Malformed
            | SignatureStatus::WrongNamespace
            | SignatureStatus::Invalid
            | SignatureStatus::UnsupportedKey
    )
}

/// intact's answer for each signature: `{file, valid, principal}` (principal only when the
/// policy counts it).
fn rust_signatures(
    release_json: &[u8],
    sigs: &[(String, String)],
    policy: &TrustPolicy,
    revocations: &Revocations,
) -> Value {
    let created = serde_json::from_slice::<Value>(release_json)
        .ok()
        .and_then(|v| {
            v["created"]
                .as_str()
                .and_then(intact::release::parse_created)
        })
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let out: Vec<Value> = sigs
        .iter()
        .map(|(file, text)| {
            let c = trust::check_signature(
                file,
                "intact/signatures/",
                text.as_bytes(),
                release_json,
                policy,
                revocations,
                created,
            );
            json!({"file": file, "valid": sound(c.status),
                   "principal": if c.status == SignatureStatus::Valid { c.principal } else { None }})
        })
        .collect();
    Value::Array(out)
}

/// The proof vectors, each also with its item's digest, its statement and its audit path
/// tampered: `(case for node, intact's answer)`.
fn proof_cases(policy: &TrustPolicy, allowed: &str) -> Vec<(Value, Value)> {
    let dir = repo().join("tests/vectors/proofs");
    let vectors: Value =
        serde_json::from_slice(&std::fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for name in ["first", "middle", "last"] {
        let bytes = std::fs::read(dir.join(format!("{name}.intact-proof.json"))).unwrap();
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let path = doc["item"]["path"].as_str().unwrap().to_owned();
        let src = repo()
            .join("tests/vectors/v1-small/src")
            .join(path.strip_prefix("data/").unwrap());
        let file = std::fs::read(&src).unwrap();
        let mut variants = vec![(name.to_owned(), doc.clone())];
        let mut d = doc.clone();
        d["item"]["sha256"] = json!(sha_hex(b"another file"));
        variants.push((format!("{name}-item-digest-changed"), d));
        let mut d = doc.clone();
        let rj = d["release_json"]
            .as_str()
            .unwrap()
            .replace("2026-01-15", "2026-01-16");
        d["release_json"] = json!(rj);
        variants.push((format!("{name}-statement-changed"), d));
        let mut d = doc.clone();
        let first = d["audit_path"][0].as_str().unwrap().to_owned();
        let flipped = if first.starts_with('0') { "1" } else { "0" }.to_owned() + &first[1..];
        d["audit_path"][0] = json!(flipped);
        variants.push((format!("{name}-audit-path-changed"), d));
        for (case, d) in variants {
            let text = serde_json::to_vec(&d).unwrap();
            let p = intact::proof::parse(&text);
            let sigs: Vec<(String, String)> = d["signatures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s["file"].as_str().unwrap().to_owned(),
                        s["signature"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let rel = d["release_json"].as_str().unwrap().as_bytes().to_vec();
            let inclusion = p.as_ref().map(|p| p.verify_inclusion()).unwrap_or(false);
            let file_ok = d["item"]["sha256"] == json!(sha_hex(&file))
                && d["item"]["size"] == json!(file.len());
            let expect = json!({"name": case,
                "signatures": rust_signatures(&rel, &sigs, policy, &Revocations::default()),
                "inclusion": inclusion, "file": file_ok});
            let case_v = json!({"kind": "proof", "name": case, "proof": d,
                "allowed_signers": allowed, "file_sha256": sha_hex(&file), "file_size": file.len()});
            out.push((case_v, expect));
        }
        // the vectors' own record of the audit path is what the proof carries
        let listed = vectors.to_string();
        assert!(
            listed.contains(doc["audit_path"][0].as_str().unwrap()),
            "{name}"
        );
    }
    out
}

/// Every bundle vector a page could meet: the committed v1-small bundle and each conformance
/// case whose bundle.zip opens (a tree.tar case is an extracted bundle, not a page's input).
fn bundle_dirs() -> Vec<(String, PathBuf, PathBuf, Option<PathBuf>)> {
    let mut out = vec![(
        "v1-small".to_owned(),
        repo().join("tests/vectors/v1-small/bundle.zip"),
        PathBuf::new(),
        None,
    )];
    let cases = repo().join("tests/vectors/cases");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for n in names {
        let d = cases.join(&n);
        if d.join("bundle.zip").is_file() {
            let revoked = d.join("revoked");
            out.push((
                n,
                d.join("bundle.zip"),
                d.join("allowed_signers"),
                revoked.is_file().then_some(revoked),
            ));
        }
    }
    out
}

/// Whether the vector's expect.json says the bundle is valid (v1-small: valid).
fn expect_valid(zip: &Path) -> bool {
    std::fs::read(zip.with_file_name("expect.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .is_none_or(|v| v["valid"] == true)
}

fn bundle_case(
    name: &str,
    zip: &Path,
    allowed: &str,
    policy: &TrustPolicy,
    revoked: Option<&Path>,
) -> Option<(Value, Value)> {
    let b = Bundle::open(zip).ok()?;
    let read = |p: &str| b.get(p).and_then(|m| b.read(m, 64 << 20).ok());
    let release_json = read("intact/release.json")?;
    let rel_text = String::from_utf8(release_json.clone()).ok()?;
    let sigs: Vec<(String, String)> = b
        .members_under("intact/signatures/")
        .filter_map(|m| {
            let bytes = b.read(m, 1 << 20).ok()?;
            Some((m.path.as_str().to_owned(), String::from_utf8(bytes).ok()?))
        })
        .collect();
    let manifest: Option<Manifest> =
        read("intact/manifest.json").and_then(|m| serde_json::from_slice(&m).ok());
    let statement: Option<Value> = serde_json::from_slice(&release_json).ok();
    let revocations = match revoked {
        Some(p) => Revocations::load(p).unwrap(),
        None => Revocations::default(),
    };
    let mut expect = json!({"name": name,
        "signatures": rust_signatures(&release_json, &sigs, policy, &revocations)});
    let mut files = serde_json::Map::new();
    let mut digests = Vec::new();
    let items = manifest
        .as_ref()
        .map(|m| m.items.clone())
        .unwrap_or_default();
    for i in &items {
        let (Some(p), Some(sha)) = (&i.path, &i.sha256) else {
            continue;
        };
        let bytes = read(p).unwrap_or_default();
        files.insert(p.clone(), json!(Base64::encode_string(&bytes)));
        digests.push(json!({"path": p, "equal": &sha_hex(&bytes) == sha}));
    }
    if let (Some(m), Some(st)) = (&manifest, &statement) {
        expect["root"] = json!(hex(&m.merkle_root()) == st["merkle_root"].as_str().unwrap_or(""));
    } else {
        expect["root"] = json!(null);
    }
    expect["digests"] = json!(digests);
    if revoked.is_some() {
        // a page knows no revocation list: compare what the signatures are, not who counts
        expect["no_principals"] = json!(true);
    }
    let case = json!({"kind": "bundle", "name": name, "release_json": rel_text,
        "signatures": sigs.iter().map(|(f, s)| json!({"file": f, "signature": s})).collect::<Vec<_>>(),
        "allowed_signers": allowed, "items": items, "files": files,
        "has_manifest": manifest.is_some(), "expect_valid": expect_valid(zip)});
    Some((case, expect))
}

#[test]
fn js_core_agrees_with_intact_on_every_proof_and_bundle_vector() {
    let v1: Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/vectors/v1-small/expected.json")).unwrap(),
    )
    .unwrap();
    let v1_allowed = v1["allowed_signers"].as_str().unwrap().to_owned() + "\n";
    let tmp = tempfile::tempdir().unwrap();
    let v1_path = tmp.path().join("allowed_signers");
    std::fs::write(&v1_path, &v1_allowed).unwrap();
    let v1_policy = TrustPolicy::load(&v1_path).unwrap();
    let mut cases = proof_cases(&v1_policy, &v1_allowed);
    let mut unreadable = Vec::new();
    for (name, zip, allowed_path, revoked) in bundle_dirs() {
        let (allowed, policy) = if name == "v1-small" {
            (v1_allowed.clone(), v1_policy.clone())
        } else {
            (
                std::fs::read_to_string(&allowed_path).unwrap(),
                TrustPolicy::load(&allowed_path).unwrap(),
            )
        };
        match bundle_case(&name, &zip, &allowed, &policy, revoked.as_deref()) {
            Some(c) => cases.push(c),
            None => unreadable.push(name),
        }
    }
    let bundles = cases.iter().filter(|(c, _)| c["kind"] == "bundle").count();
    assert!(bundles >= 100, "only {bundles} bundle vectors opened");
    let input = tmp.path().join("cases.json");
    let list: Vec<&Value> = cases.iter().map(|(c, _)| c).collect();
    std::fs::write(&input, serde_json::to_vec(&list).unwrap()).unwrap();
    let out = Command::new("node")
        .arg(repo().join("js/test/core-vectors.mjs"))
        .arg(&input)
        .output()
        .expect("node is not installed (scripts/install/node.sh)");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got.len(), cases.len());
    let mut checked_sigs = 0;
    for ((case, want), js) in cases.iter().zip(&got) {
        let name = &want["name"];
        assert_eq!(&js["name"], name);
        let mut js_sigs = js["signatures"].clone();
        let mut want_sigs = want["signatures"].clone();
        if want.get("no_principals").is_some() {
            for s in js_sigs
                .as_array_mut()
                .into_iter()
                .flatten()
                .chain(want_sigs.as_array_mut().into_iter().flatten())
            {
                s["principal"] = Value::Null;
            }
        }
        if js.get("error").is_some() {
            // the core refused the statement itself (not canonical, not intact-release/1): then
            // intact must not find the bundle valid either
            assert_eq!(case["expect_valid"], false, "{name}: the core refused {js}");
        } else {
            assert_eq!(js_sigs, want_sigs, "{name}: signatures");
            checked_sigs += want_sigs.as_array().unwrap().len();
        }
        for k in ["inclusion", "file", "digests"] {
            if want.get(k).is_some() {
                assert_eq!(js[k], want[k], "{name}: {k}");
            }
        }
        if case["kind"] == "bundle" && case["has_manifest"] == true {
            assert_eq!(js["root"], want["root"], "{name}: Merkle root");
        }
    }
    assert!(
        checked_sigs >= 100,
        "only {checked_sigs} signatures compared"
    );
    eprintln!(
        "site_core: {} cases agree ({} signatures); bundles that do not open, not a page's input: {}",
        cases.len(),
        checked_sigs,
        unreadable.len()
    );
}
