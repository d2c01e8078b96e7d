//! A bundle as its content — bag path → bytes, independent of its container — read from and
//! written to a bundle ZIP or an extracted tree, and forging: making the tag files consistent
//! with a change, up to a chosen layer (payload manifest, `manifest.json`, `release.json`, tag
//! manifest, signatures).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::rawzip::{parse_zip, write_zip, Entry, Located};
use crate::{key, sha_hex};

// Bag paths of the tag files (and the signature directory) of a bundle.
pub const SIG_DIR: &str = "intact/signatures/";
pub const RELEASE_JSON: &str = "intact/release.json";
pub const ITEMS_JSON: &str = "intact/manifest.json";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAGMANIFEST: &str = "tagmanifest-sha256.txt";
pub const BAG_INFO: &str = "bag-info.txt";
pub const BAGIT: &str = "bagit.txt";

/// Bag-relative path → bytes: the content of a bundle, independent of its container.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The bag paths of the signature files, in order.
pub fn sig_paths(files: &Files) -> Vec<String> {
    files
        .keys()
        .filter(|k| k.starts_with(SIG_DIR))
        .cloned()
        .collect()
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

/// The entries [`zip_of`] writes, to change before writing them with [`write_zip`].
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

/// Where `needle` first stands in `data` (a test edits the byte there); panics when it is absent.
pub fn offset_of(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} is not in the data", String::from_utf8_lossy(needle)))
}

/// Flips the low bit of the middle byte.
pub fn flip_middle(data: &mut [u8]) {
    assert!(!data.is_empty(), "cannot flip a byte of an empty file");
    let i = data.len() / 2;
    data[i] ^= 0x01;
}

/// A tag file as text.
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

/// A JSON tag file, parsed.
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
