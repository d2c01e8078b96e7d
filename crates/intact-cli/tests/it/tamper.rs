//! `intact verify` rejects every tampering of a bundle, as a ZIP and as an extracted directory.
//!
//! One base bundle is packed per test (a dozen synthetic files, some with non-ASCII names) and
//! verified; then each case of a table mutates a copy and requires exit 1, `valid: false` in
//! `--json`, a problem naming the tampered path (or a message, for whole-file problems) and a
//! NOT VALID verdict line. A case is one line in a table; every failing case is listed by name.

mod canonical;
mod differential;
mod harness;
mod limits;
mod mutants;
mod timestamp_vectors;
mod tlog_vectors_gen;
mod vectors_families;
mod vectors_gen;
mod vectors_schema;
mod vectors_spec;
mod vectors_zip64;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use harness::*;
use intact_testkit::bundle::*;
use intact_testkit::rawzip::*;
use intact_testkit::{allowed_signers_line, key, sha_hex, stderr};
use serde_json::Value;

type BytesFn = Box<dyn Fn(&Fixture, &mut Vec<u8>)>;
type EntriesFn = Box<dyn Fn(&Fixture, &mut Vec<Entry>)>;
type FilesFn = Box<dyn Fn(&Fixture, &mut Files)>;
type JsonEdit = fn(&mut Value);
type EntryEdit = fn(&mut Entry);
type LocalEdit = fn(&mut Vec<u8>, &Located);
/// Mutates an extracted tree (given its top directory); returns the path to verify.
type DirFn = Box<dyn Fn(&Fixture, &Path) -> PathBuf>;

/// How a case tampers with the bundle.
enum Tamper {
    /// Patch the bytes of the ZIP file in place.
    Bytes(BytesFn),
    /// Rewrite the ZIP from a modified list of entries (headers included).
    Entries(EntriesFn),
    /// Change the bag's content; applies to a ZIP (rewritten as pack writes it) and to a tree.
    Files(FilesFn),
    /// Change an extracted tree on disk.
    Dir(DirFn),
}

struct Case {
    name: String,
    tamper: Tamper,
    expect: Expect,
}

fn bytes(
    name: impl Into<String>,
    expect: Expect,
    f: impl Fn(&Fixture, &mut Vec<u8>) + 'static,
) -> Case {
    Case {
        name: name.into(),
        tamper: Tamper::Bytes(Box::new(f)),
        expect,
    }
}

fn entries(
    name: impl Into<String>,
    expect: Expect,
    f: impl Fn(&Fixture, &mut Vec<Entry>) + 'static,
) -> Case {
    Case {
        name: name.into(),
        tamper: Tamper::Entries(Box::new(f)),
        expect,
    }
}

fn files(
    name: impl Into<String>,
    expect: Expect,
    f: impl Fn(&Fixture, &mut Files) + 'static,
) -> Case {
    Case {
        name: name.into(),
        tamper: Tamper::Files(Box::new(f)),
        expect,
    }
}

fn dir(
    name: impl Into<String>,
    expect: Expect,
    f: impl Fn(&Fixture, &Path) -> PathBuf + 'static,
) -> Case {
    Case {
        name: name.into(),
        tamper: Tamper::Dir(Box::new(f)),
        expect,
    }
}

/// Builds the tampered ZIP of a case (`None` for tree-only cases).
fn tampered_zip(fx: &Fixture, t: &Tamper) -> Option<Vec<u8>> {
    Some(match t {
        Tamper::Bytes(f) => {
            let mut b = fx.bytes.clone();
            f(fx, &mut b);
            b
        }
        Tamper::Entries(f) => {
            let mut e: Vec<Entry> = parse_zip(&fx.bytes).into_iter().map(|l| l.entry).collect();
            f(fx, &mut e);
            write_zip(&e)
        }
        Tamper::Files(f) => {
            let mut files = fx.files.clone();
            f(fx, &mut files);
            zip_of(&fx.top, &files)
        }
        Tamper::Dir(_) => return None,
    })
}

/// Builds the tampered tree of a case; returns the path to verify (`None` for ZIP-only cases).
fn tampered_tree(fx: &Fixture, t: &Tamper) -> Option<PathBuf> {
    match t {
        Tamper::Files(f) => {
            let mut files = fx.files.clone();
            f(fx, &mut files);
            Some(fx.extract(&files))
        }
        Tamper::Dir(f) => {
            let top = fx.extract(&fx.files);
            Some(f(fx, &top))
        }
        Tamper::Bytes(_) | Tamper::Entries(_) => None,
    }
}

enum Form {
    Zip,
    Tree,
}

/// Runs every case and fails once, listing each case that was not rejected as expected.
fn run(fx: &Fixture, form: Form, cases: Vec<Case>) {
    let mut failures = Vec::new();
    let total = cases.len();
    for c in &cases {
        let (label, path) = match form {
            Form::Zip => {
                let b = tampered_zip(fx, &c.tamper).expect("a ZIP case");
                if b == fx.bytes {
                    failures.push(format!("[zip] {}: the mutation changed nothing", c.name));
                    continue;
                }
                let p = fx.scratch(&c.name).with_extension("zip");
                std::fs::write(&p, b).unwrap();
                ("zip", p)
            }
            Form::Tree => ("tree", tampered_tree(fx, &c.tamper).expect("a tree case")),
        };
        let v = verify(&path, &fx.trust);
        if let Err(e) = v.check_rejected(&c.expect, &fx.top) {
            failures.push(format!("[{label}] {}: {e}", c.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} tampering case(s) not rejected as expected:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--help").output().is_ok()
}

// ---------------------------------------------------------------------------------------------
// The tables.

/// A changed byte is reported at the changed file; a change in the tag manifest, at whichever
/// line it hit (a digest no longer matching its file, or a line no longer parsing).
fn flip_expect(p: &str) -> Expect {
    if p == TAGMANIFEST {
        check("tag-manifest")
    } else {
        at(p)
    }
}

/// A changed byte in every payload file and every tag file, as a change to the content.
fn flip_cases(fx: &Fixture) -> Vec<Case> {
    fx.files
        .iter()
        .filter(|(_, d)| !d.is_empty())
        .map(|(p, _)| {
            let p = p.clone();
            files(
                format!("changed byte in {p}"),
                flip_expect(&p),
                move |_, f| flip_middle(f.get_mut(&p).unwrap()),
            )
        })
        .collect()
}

/// The same, patched in place inside the ZIP (CRC left stale), and with the CRC fixed in both
/// headers so only the digests can catch it.
fn zip_flip_cases(fx: &Fixture) -> Vec<Case> {
    let mut cases = Vec::new();
    for (p, d) in &fx.files {
        if d.is_empty() {
            continue;
        }
        let q = p.clone();
        cases.push(bytes(
            format!("byte patched in place in {p}"),
            flip_expect(p),
            move |fx, b| {
                let l = locate(b, &fx.top, &q);
                flip_middle(&mut b[l.data_offset..l.data_offset + l.entry.data.len()]);
            },
        ));
        let q = p.clone();
        cases.push(bytes(
            format!("byte patched in place in {p}, CRC-32 fixed in both headers"),
            flip_expect(p),
            move |fx, b| {
                let l = locate(b, &fx.top, &q);
                let range = l.data_offset..l.data_offset + l.entry.data.len();
                flip_middle(&mut b[range.clone()]);
                let crc = crc32fast::hash(&b[range]);
                put_u32(b, l.local_offset + 14, crc);
                put_u32(b, l.central_offset + 16, crc);
            },
        ));
    }
    cases
}

/// Tampering with the bag's content: the same table runs on a ZIP and on a tree.
fn content_cases(fx: &Fixture) -> Vec<Case> {
    let sig = fx.sig_path();
    let s = sig.as_str();
    let readme = "data/README.txt";
    let photo1 = "data/case-12/exhibits/photo-01.png";
    let photo2 = "data/case-12/exhibits/photo-02.png";
    let testimony = "data/case-12/testimony.txt";
    let witness = "data/case-12/свидетель.txt";
    let mut c = Vec::new();

    // 2. Removed files: every payload file, every tag file.
    for p in fx.files.keys() {
        let q = p.clone();
        // Without bagit.txt a tree is no bag at all ("no bagit.txt"), a whole-tree problem.
        let expect = if p == BAGIT {
            mentions(BAGIT)
        } else {
            at(p.clone())
        };
        c.push(files(format!("removed {p}"), expect, move |_, f| {
            f.remove(&q);
        }));
    }
    c.push(files(
        "removed signature, tag manifest fixed",
        at("intact/signatures").with_msg("unsigned"),
        |_, f| {
            let s = sig_paths(f);
            for p in s {
                f.remove(&p);
            }
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "removed payload file, every layer forged but the signature",
        at(sig.clone()).with_msg("does not match this release.json"),
        |_, f| {
            f.remove("data/misc/data.json");
            let mut m = json(f, ITEMS_JSON);
            m["items"]
                .as_array_mut()
                .unwrap()
                .retain(|i| i["path"] != "data/misc/data.json");
            f.insert(ITEMS_JSON.into(), canonical(&m));
            forge_all_but_signature(f);
        },
    ));

    // 3. Added files.
    for p in [
        "data/case-12/added.txt",
        "data/.hidden",
        "data/new-folder/deeper/x.bin",
        "data/README.TXT",
    ] {
        c.push(files(
            format!("added payload file {p}"),
            at(p),
            move |_, f| {
                f.insert(p.into(), b"added\n".to_vec());
            },
        ));
    }
    c.push(files(
        "added payload file with a non-NFC name",
        at("data/cafe\u{301}.txt"),
        |_, f| {
            f.insert("data/cafe\u{301}.txt".into(), b"x".to_vec());
        },
    ));
    c.push(files(
        "added payload file, manifest-sha256.txt and tag manifest fixed",
        at_all(["data/added.txt", MANIFEST]),
        |_, f| {
            f.insert("data/added.txt".into(), b"added\n".to_vec());
            fix_manifest_txt(f);
            fix_tagmanifest(f);
        },
    ));
    for p in [
        "intact/extra.txt",
        "notes.txt",
        "fetch.txt",
        "intact/signatures/notes.txt",
        "manifest-md5.txt",
    ] {
        c.push(files(format!("added tag file {p}"), at(p), move |_, f| {
            f.insert(
                p.into(),
                b"d41d8cd98f00b204e9800998ecf8427e  data/README.txt\n".to_vec(),
            );
        }));
        c.push(files(
            format!("added tag file {p}, tag manifest fixed"),
            at(p),
            move |_, f| {
                f.insert(p.into(), b"synthetic note\n".to_vec());
                fix_tagmanifest(f);
            },
        ));
    }
    c.push(files(
        "signature copied under a second (wrong) fingerprint name, tag manifest fixed",
        at(format!("{SIG_DIR}{}.sig", "ab".repeat(32))).with_msg("not named after its key"),
        |fx, f| {
            let s = f[&fx.sig_path()].clone();
            f.insert(format!("{SIG_DIR}{}.sig", "ab".repeat(32)), s);
            fix_tagmanifest(f);
        },
    ));

    // 4. Renamed files.
    let renames = [
        (readme, "data/README-2.txt"),
        (witness, "data/case-12/свидетель-1.txt"),
        ("data/misc/data.json", "data/case-31/data.json"),
        (
            "data/case-31/one hundred done.txt",
            "data/case-31/one hundred done%25.txt",
        ),
        (BAG_INFO, "bag-info.txt.orig"),
        (RELEASE_JSON, "intact/release-1.json"),
        (MANIFEST, "manifest-sha512.txt"),
    ];
    for (from, to) in renames {
        c.push(files(
            format!("renamed {from} to {to}"),
            at_all([from, to]),
            move |_, f| {
                let d = f.remove(from).unwrap();
                f.insert(to.into(), d);
            },
        ));
    }
    c.push(files(
        "renamed signature to another fingerprint name, tag manifest fixed",
        at(format!("{SIG_DIR}{}.sig", "0".repeat(64))).with_msg("not named after its key"),
        |fx, f| {
            let d = f.remove(&fx.sig_path()).unwrap();
            f.insert(format!("{SIG_DIR}{}.sig", "0".repeat(64)), d);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "renamed payload file, both manifests and the tag manifest fixed",
        at_all([MANIFEST, ITEMS_JSON]),
        |_, f| {
            rename_item(f, "data/README.txt", "data/README-2.txt");
            fix_manifest_txt(f);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "renamed payload file, every layer forged but the signature",
        at(sig.clone()),
        |_, f| {
            rename_item(f, "data/README.txt", "data/README-2.txt");
            forge_all_but_signature(f);
        },
    ));

    // 5. Contents of two payload files swapped.
    for (a, b) in [(photo1, photo2), (testimony, witness)] {
        let same = fx.files[a].len() == fx.files[b].len();
        c.push(files(
            format!(
                "swapped contents of {a} and {b} ({} sizes)",
                if same { "same" } else { "different" }
            ),
            at_all([a, b]),
            move |_, f| swap(f, a, b),
        ));
    }
    c.push(files(
        "swapped contents of two files, both manifests and the tag manifest fixed",
        at_all([MANIFEST, ITEMS_JSON]),
        move |_, f| {
            swap(f, testimony, witness);
            fix_manifest_txt(f);
            fix_manifest_json(f);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "swapped contents of two files, every layer forged but the signature",
        at(sig.clone()),
        move |_, f| {
            swap(f, photo1, photo2);
            forge_all_but_signature(f);
        },
    ));

    // 6. release.json edited and re-canonicalized (tag manifest fixed: only the statement's own
    // checks and the signature can catch it).
    let release_edits: Vec<(&str, Expect, JsonEdit)> = vec![
        ("item_count + 1", at_all([RELEASE_JSON, s]), |r| {
            r["item_count"] = Value::from(r["item_count"].as_u64().unwrap() + 1)
        }),
        ("payload_bytes - 1", at_all([RELEASE_JSON, s]), |r| {
            r["payload_bytes"] = Value::from(r["payload_bytes"].as_u64().unwrap() - 1)
        }),
        ("created changed", at(s), |r| {
            r["created"] = "2026-02-04T04:05:06Z".into()
        }),
        ("release changed", at_all([ITEMS_JSON, s]), |r| {
            r["release"] = "r2".into()
        }),
        ("collection changed", at_all([ITEMS_JSON, s]), |r| {
            r["collection"] = "case-8".into()
        }),
        ("merkle_root zeroed", at_all([ITEMS_JSON, s]), |r| {
            r["merkle_root"] = "0".repeat(64).into()
        }),
        (
            "previous set",
            at(s),
            |r| r["previous"] = serde_json::json!({"release": "r0", "sha256": "1".repeat(64)}),
        ),
        ("bag-info.txt pin removed", at_all([RELEASE_JSON, s]), |r| {
            r["tag_files"].as_object_mut().unwrap().remove(BAG_INFO);
        }),
        ("bagit.txt pin changed", at_all([BAGIT, s]), |r| {
            r["tag_files"][BAGIT] = "2".repeat(64).into()
        }),
        ("unknown field added", at(RELEASE_JSON), |r| {
            r["note"] = "synthetic".into()
        }),
        ("format changed", at_all([RELEASE_JSON, s]), |r| {
            r["format"] = "intact-release/2".into()
        }),
    ];
    for (what, expect, edit) in release_edits {
        c.push(files(
            format!("release.json edited: {what}"),
            expect,
            move |_, f| {
                let mut r = json(f, RELEASE_JSON);
                edit(&mut r);
                f.insert(RELEASE_JSON.into(), canonical(&r));
                fix_tagmanifest(f);
            },
        ));
    }
    c.push(files(
        "release.json re-serialized non-canonically (pretty)",
        at_all([RELEASE_JSON, s]).with_msg("canonical"),
        |_, f| {
            let r = json(f, RELEASE_JSON);
            f.insert(RELEASE_JSON.into(), serde_json::to_vec_pretty(&r).unwrap());
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "release.json with a trailing newline",
        at_all([RELEASE_JSON, s]),
        |_, f| {
            f.get_mut(RELEASE_JSON).unwrap().push(b'\n');
            fix_tagmanifest(f);
        },
    ));

    // 7–8. Signatures removed, replaced, broken.
    c.push(files(
        "signature replaced by a valid one from an untrusted key (same release.json)",
        at("intact/signatures").with_msg("0 valid signature(s) by trusted principals"),
        |fx, f| {
            let other = fx.packed_with("demo-registrar");
            f.retain(|p, _| !p.starts_with(SIG_DIR));
            for p in sig_paths(&other) {
                f.insert(p.clone(), other[&p].clone());
            }
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "untrusted key's signature under the trusted key's file name",
        at(sig.clone()).with_msg("not named after its key"),
        |fx, f| {
            let other = fx.packed_with("demo-registrar");
            let s = other[&sig_paths(&other)[0]].clone();
            f.insert(fx.sig_path(), s);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "signature replaced by the trusted key's signature over another release.json",
        at(sig.clone()).with_msg("does not match this release.json"),
        |fx, f| {
            let other = fx.other_release();
            let s = other[&fx.sig_path()].clone();
            f.insert(fx.sig_path(), s);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "every layer forged and re-signed with an untrusted key",
        at("intact/signatures").with_msg("0 valid signature(s) by trusted principals"),
        |_, f| {
            flip_middle(f.get_mut("data/case-31/order.pdf").unwrap());
            forge_all_but_signature(f);
            resign(f, "demo-registrar");
        },
    ));
    c.push(files(
        "signature truncated to half, tag manifest fixed",
        at(sig.clone()).with_msg("truncated SSH signature"),
        |fx, f| {
            f.get_mut(&fx.sig_path()).unwrap().truncate(150);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "signature emptied, tag manifest fixed",
        at(sig.clone()).with_msg("not an SSH signature"),
        |fx, f| {
            f.get_mut(&fx.sig_path()).unwrap().clear();
            fix_tagmanifest(f);
        },
    ));
    if have("ssh-keygen") {
        c.push(files(
            "signature by the trusted key in another namespace (ssh-keygen), tag manifest fixed",
            at(sig.clone()).with_msg("signature is for namespace 'file', not 'intact-release'"),
            |fx, f| {
                let s = ssh_keygen_sign(fx, "demo-office", "file", &f[RELEASE_JSON]);
                f.insert(fx.sig_path(), s);
                fix_tagmanifest(f);
            },
        ));
        c.push(files(
            "signature replaced by an untrusted key's (ssh-keygen), tag manifest fixed",
            at("intact/signatures").with_msg("0 valid signature(s)"),
            |fx, f| {
                let s = ssh_keygen_sign(fx, "demo-registrar", "intact-release", &f[RELEASE_JSON]);
                let name = fx.packed_with("demo-registrar");
                f.retain(|p, _| !p.starts_with(SIG_DIR));
                f.insert(sig_paths(&name)[0].clone(), s);
                fix_tagmanifest(f);
            },
        ));
    }

    c.extend(armor_cases(fx));

    // 9–10. Manifests edited to match a changed file.
    c.push(files(
        "changed file, manifest-sha256.txt and tag manifest fixed",
        at_all([testimony, MANIFEST]),
        move |_, f| {
            flip_middle(f.get_mut(testimony).unwrap());
            fix_manifest_txt(f);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "changed file, manifest.json, manifest-sha256.txt and tag manifest fixed",
        at_all([MANIFEST, ITEMS_JSON]),
        move |_, f| {
            flip_middle(f.get_mut(witness).unwrap());
            fix_manifest_txt(f);
            fix_manifest_json(f);
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "changed file, every layer up to release.json forged",
        at(sig.clone()),
        move |_, f| {
            f.get_mut(witness).unwrap().extend(b"appended line\n");
            forge_all_but_signature(f);
        },
    ));
    c.push(files(
        "published item turned into a withheld one, file removed, every layer forged",
        at(sig.clone()),
        |_, f| {
            f.remove("data/case-12/протокол допроса.txt");
            let mut m = json(f, ITEMS_JSON);
            for item in m["items"].as_array_mut().unwrap() {
                if item["path"] == "data/case-12/протокол допроса.txt" {
                    let id = item["id"].clone();
                    *item = serde_json::json!({"id": id, "redaction": {"status": "withheld", "reason": "synthetic"}});
                }
            }
            f.insert(ITEMS_JSON.into(), canonical(&m));
            forge_all_but_signature(f);
        },
    ));
    c.push(files(
        "bag-info.txt Payload-Oxum edited, tag manifest fixed",
        at(BAG_INFO),
        |_, f| {
            let t = text(f, BAG_INFO).replace("Payload-Oxum: ", "Payload-Oxum: 1");
            f.insert(BAG_INFO.into(), t.into_bytes());
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "bag-info.txt field added, tag manifest fixed",
        at(BAG_INFO),
        |_, f| {
            f.get_mut(BAG_INFO)
                .unwrap()
                .extend(b"Contact-Name: Synthetic Clerk\n");
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "bagit.txt declares BagIt 0.97, tag manifest fixed",
        at(BAGIT),
        |_, f| {
            let t = text(f, BAGIT).replace("1.0", "0.97");
            f.insert(BAGIT.into(), t.into_bytes());
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "tag manifest line for bagit.txt removed",
        at(BAGIT),
        |_, f| {
            let t: String = text(f, TAGMANIFEST)
                .lines()
                .filter(|l| !l.ends_with("  bagit.txt"))
                .map(|l| format!("{l}\n"))
                .collect();
            f.insert(TAGMANIFEST.into(), t.into_bytes());
        },
    ));
    c.push(files(
        "tag manifest digest of bag-info.txt changed",
        at(BAG_INFO),
        |_, f| {
            let good = sha_hex(&f[BAG_INFO]);
            let t = text(f, TAGMANIFEST).replace(&good, &"3".repeat(64));
            f.insert(TAGMANIFEST.into(), t.into_bytes());
        },
    ));
    c.push(files(
        "tag manifest lists a payload file",
        at(readme),
        |_, f| {
            let line = format!("{}  data/README.txt\n", sha_hex(&f["data/README.txt"]));
            f.get_mut(TAGMANIFEST).unwrap().extend(line.as_bytes());
        },
    ));
    c.push(files(
        "tag manifest lines out of order",
        at(TAGMANIFEST),
        |_, f| {
            let mut lines: Vec<String> = text(f, TAGMANIFEST)
                .lines()
                .map(|l| format!("{l}\n"))
                .collect();
            lines.reverse();
            f.insert(TAGMANIFEST.into(), lines.concat().into_bytes());
        },
    ));
    c.push(files(
        "manifest-sha256.txt lines out of order, tag manifest fixed",
        at(MANIFEST),
        |_, f| {
            let mut lines: Vec<String> = text(f, MANIFEST)
                .lines()
                .map(|l| format!("{l}\n"))
                .collect();
            lines.reverse();
            f.insert(MANIFEST.into(), lines.concat().into_bytes());
            fix_tagmanifest(f);
        },
    ));
    c.push(files(
        "tag manifest with CRLF line ends",
        at(TAGMANIFEST),
        |_, f| {
            let t = text(f, TAGMANIFEST).replace('\n', "\r\n");
            f.insert(TAGMANIFEST.into(), t.into_bytes());
        },
    ));
    c
}

fn rename_item(f: &mut Files, from: &str, to: &str) {
    let d = f.remove(from).unwrap();
    f.insert(to.into(), d);
    let mut m = json(f, ITEMS_JSON);
    for item in m["items"].as_array_mut().unwrap() {
        if item["path"] == from {
            item["path"] = to.into();
        }
    }
    f.insert(ITEMS_JSON.into(), canonical(&m));
}

fn swap(f: &mut Files, a: &str, b: &str) {
    let da = f[a].clone();
    let db = std::mem::replace(f.get_mut(b).unwrap(), da);
    f.insert(a.into(), db);
}

/// `ssh-keygen -Y sign -n NAMESPACE -f keys/NAME.key` over `message`.
fn ssh_keygen_sign(fx: &Fixture, key_name: &str, namespace: &str, message: &[u8]) -> Vec<u8> {
    use std::os::unix::fs::PermissionsExt;
    let d = fx.scratch("ssh-keygen");
    std::fs::create_dir_all(&d).unwrap();
    let k = d.join("key");
    std::fs::copy(key(key_name), &k).unwrap();
    std::fs::set_permissions(&k, std::fs::Permissions::from_mode(0o600)).unwrap();
    let m = d.join("release.json");
    std::fs::write(&m, message).unwrap();
    let o = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(&k)
        .arg(&m)
        .output()
        .unwrap();
    assert!(o.status.success(), "ssh-keygen: {}", stderr(&o));
    std::fs::read(d.join("release.json.sig")).unwrap()
}

/// Issue 14: a signature file is exactly the armor `ssh-keygen -Y sign` writes of one
/// well-formed SSHSIG; anything else (text around it, another wrapping or line end, an SSHSIG
/// prefix naming `ssh-rsa` with text after it) breaks the bundle, listed in the tag manifest
/// or not, and the problem says which rule.
fn armor_cases(fx: &Fixture) -> Vec<Case> {
    let sig = fx.sig_path();
    let edit = |f: &mut Files, p: &str, e: &dyn Fn(&str) -> String| {
        let t = String::from_utf8(f[p].clone()).unwrap();
        f.insert(p.to_owned(), e(&t).into_bytes());
        fix_tagmanifest(f);
    };
    let not_canonical = "not exactly what ssh-keygen -Y sign writes";
    let mut c = Vec::new();
    c.push(files(
        "text after the signature's END line, tag manifest fixed",
        at(sig.clone()).with_msg(not_canonical),
        move |fx, f| {
            edit(f, &fx.sig_path(), &|t| {
                format!("{t}Note: meet at the usual place.\n")
            })
        },
    ));
    c.push(files(
        "text before the signature's BEGIN line, tag manifest fixed",
        at(sig.clone()).with_msg("does not start with the line"),
        move |fx, f| edit(f, &fx.sig_path(), &|t| format!("Note\n{t}")),
    ));
    c.push(files(
        "signature with CRLF line ends, tag manifest fixed",
        at(sig.clone()).with_msg("does not start with the line"),
        move |fx, f| edit(f, &fx.sig_path(), &|t| t.replace('\n', "\r\n")),
    ));
    c.push(files(
        "signature with a trailing blank line, tag manifest fixed",
        at(sig.clone()).with_msg(not_canonical),
        move |fx, f| edit(f, &fx.sig_path(), &|t| format!("{t}\n")),
    ));
    c.push(files(
        "signature re-wrapped at 64 columns, tag manifest fixed",
        at(sig.clone()).with_msg(not_canonical),
        move |fx, f| {
            edit(f, &fx.sig_path(), &|t| {
                let body: String = t.lines().filter(|l| !l.starts_with("-----")).collect();
                let lines: Vec<&str> = body
                    .as_bytes()
                    .chunks(64)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect();
                format!(
                    "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
                    lines.join("\n")
                )
            })
        },
    ));
    for name in ["notes.sig".to_string(), format!("{}.sig", "cd".repeat(32))] {
        let p = format!("{SIG_DIR}{name}");
        c.push(files(
            format!("added {p}: SSHSIG prefix for ssh-rsa, then text, tag manifest fixed"),
            at(p.clone()).with_msg("malformed SSHSIG blob"),
            move |_, f| {
                let mut blob = b"SSHSIG\0\0\0\x01\0\0\0\x07ssh-rsa".to_vec();
                blob.extend(b"Withheld words ride along here.");
                f.insert(p.clone(), intact::sshsig::armor(&blob).into_bytes());
                fix_tagmanifest(f);
            },
        ));
    }
    c
}

/// Index of the entry for bag path `rel`.
fn idx(e: &[Entry], top: &str, rel: &str) -> usize {
    let n = format!("{top}/{rel}");
    e.iter().position(|x| x.name == n.as_bytes()).unwrap()
}

/// A name twice in a ZIP is found twice: by the ZIP reader (`container`, "duplicate entry
/// name") and when the members are listed (`names`, "duplicate name"). Each check would hide
/// the other if only one were asserted.
fn both_duplicate_checks(e: Expect) -> Expect {
    Expect {
        check: Some("names".into()),
        ..e.with_msg("duplicate entry name")
    }
}

/// Tampering only a ZIP can carry: names, headers, layout.
fn zip_cases(fx: &Fixture) -> Vec<Case> {
    let top = fx.top.clone();
    let mut c = Vec::new();
    let readme = "data/README.txt";
    let witness = "data/case-12/свидетель.txt";

    // 11. Bytes outside the archive.
    c.push(bytes("2 bytes prepended", msg("prepended"), |_, b| {
        b.splice(0..0, *b"MZ");
    }));
    c.push(bytes("a whole file prepended", msg("prepended"), |_, b| {
        let pre = vec![b'#'; 4096];
        b.splice(0..0, pre);
    }));
    c.push(bytes("4 bytes appended", msg("appended"), |_, b| {
        b.extend(b"junk")
    }));
    c.push(bytes(
        "a second ZIP appended",
        check("container"),
        |fx, b| {
            let other = zip_of("other", &fx.other_release());
            b.extend(other);
        },
    ));
    c.push(bytes("archive comment added", msg("comment"), |_, b| {
        let n = b.len();
        put_u16(b, n - 2, 7);
        b.extend(b"comment");
    }));
    c.push(bytes(
        "bytes inserted between two entries",
        check("container"),
        |fx, b| {
            let l = locate(b, &fx.top, "bagit.txt");
            b.insert(l.local_offset, 0);
        },
    ));

    // 12. Duplicate names.
    c.push(entries(
        "duplicate entry name, same content",
        both_duplicate_checks(at(readme)),
        move |fx, e| {
            let i = idx(e, &fx.top, readme);
            let d = e[i].clone();
            e.insert(i + 1, d);
        },
    ));
    c.push(entries(
        "duplicate entry name, different content",
        both_duplicate_checks(at(readme)),
        move |fx, e| {
            let i = idx(e, &fx.top, readme);
            let mut d = e[i].clone();
            d.set_data(b"Forged content.\n");
            e.insert(i + 1, d);
        },
    ));
    c.push(entries(
        "duplicate release.json, the second one edited",
        both_duplicate_checks(at(RELEASE_JSON)),
        |fx, e| {
            let i = idx(e, &fx.top, RELEASE_JSON);
            let mut d = e[i].clone();
            let t = String::from_utf8(d.data.clone())
                .unwrap()
                .replace("\"item_count\":13", "\"item_count\":12");
            d.set_data(t.as_bytes());
            e.insert(i + 1, d);
        },
    ));
    c.push(entries(
        "entries not sorted by name",
        msg("not sorted"),
        move |_, e| e.swap(2, 3),
    ));

    // 13. Names outside the top directory, unsafe names, two top directories.
    let bad_names: Vec<(String, Expect)> = vec![
        (
            "../evil.txt".into(),
            msg("more than one top-level directory"),
        ),
        (
            "/abs/evil.txt".into(),
            msg("more than one top-level directory"),
        ),
        (
            format!("/{top}/data/evil.txt"),
            msg("more than one top-level directory"),
        ),
        ("evil.txt".into(), msg("more than one top-level directory")),
        (
            "other-top/data/x.txt".into(),
            msg("more than one top-level directory"),
        ),
        (
            format!("{top}\\data\\evil.txt"),
            msg("more than one top-level directory"),
        ),
        (format!("{top}/../evil.txt"), at("../evil.txt")),
        (
            format!("{top}/data/../../evil.txt"),
            at("data/../../evil.txt").with_msg("unsafe name"),
        ),
        (
            format!("{top}/data/sub\\evil.txt"),
            at("data/sub\\evil.txt").with_msg("backslash"),
        ),
        (format!("{top}/data//evil.txt"), at("data//evil.txt")),
        (format!("{top}/data/C:evil.txt"), at("data/C:evil.txt")),
        (format!("{top}/data/NUL.txt"), at("data/NUL.txt")),
        (
            format!("{top}/data/tab\there.txt"),
            at("data/tab\there.txt"),
        ),
    ];
    for (name, expect) in bad_names {
        c.push(entries(
            format!("entry named {name:?}"),
            expect,
            move |_, e| {
                e.push(Entry::file(&name, b"evil\n"));
                e.sort_by(|a, b| a.name.cmp(&b.name));
            },
        ));
    }
    c.push(entries(
        "non-UTF-8 entry name",
        msg("not UTF-8"),
        move |fx, e| {
            let mut x = Entry::file("x", b"evil\n");
            x.name = [fx.top.as_bytes(), b"/data/\xff\xfe.txt"].concat();
            e.push(x);
            e.sort_by(|a, b| a.name.cmp(&b.name));
        },
    ));

    // 14. Symbolic links and other non-regular entries.
    c.push(entries(
        "symlink entry added in data/",
        at("data/link.txt").with_msg("symbolic link"),
        |fx, e| {
            let mut l = Entry::file(&format!("{}/data/link.txt", fx.top), b"../bagit.txt");
            l.external = 0o120777 << 16;
            e.push(l);
            e.sort_by(|a, b| a.name.cmp(&b.name));
        },
    ));
    c.push(entries(
        "payload entry turned into a symlink (mode only)",
        at(readme).with_msg("symbolic link"),
        move |fx, e| {
            let i = idx(e, &fx.top, readme);
            e[i].external = 0o120777 << 16;
        },
    ));
    c.push(entries(
        "directory entry added",
        at("data/case-12/").with_msg("directory entry"),
        |fx, e| {
            let mut d = Entry::file(&format!("{}/data/case-12/", fx.top), b"");
            d.external = 0o040755 << 16;
            e.push(d);
            e.sort_by(|a, b| a.name.cmp(&b.name));
        },
    ));
    c.push(entries(
        "FIFO entry added",
        at("data/pipe").with_msg("special file"),
        |fx, e| {
            let mut d = Entry::file(&format!("{}/data/pipe", fx.top), b"");
            d.external = 0o010644 << 16;
            e.push(d);
            e.sort_by(|a, b| a.name.cmp(&b.name));
        },
    ));

    // FORMAT.md §2.4: fixed time, mode 0100644 made by Unix, no extra field, no comment.
    let header_edits: Vec<(&str, Option<&str>, EntryEdit)> = vec![
        ("mode 0100755", Some("Unix mode 100755"), |e| {
            e.external = 0o100755 << 16
        }),
        ("no Unix mode (made by MS-DOS)", Some("no Unix mode"), |e| {
            e.made_by = 0x000a;
            e.external = 0;
        }),
        (
            "modification time changed in both headers",
            Some("modification time"),
            |e| {
                e.time = 0x6000;
                e.date = 0x5a21;
            },
        ),
        ("extended-timestamp extra field", Some("extra field"), |e| {
            e.extra = vec![0x55, 0x54, 5, 0, 1, 0, 0, 0, 0]
        }),
        ("entry comment", Some("comment"), |e| {
            e.comment = b"synthetic".to_vec()
        }),
        (
            "DEFLATE (a real stored-block stream)",
            Some("compression method"),
            |e| {
                e.data = deflate_stored(&e.data);
                e.method = 8;
            },
        ),
        ("encrypted flag", Some("encrypted"), |e| e.flags |= 0x0001),
        ("data-descriptor flag", Some("flags"), |e| e.flags |= 0x0008),
        ("CRC-32 changed in both headers", Some("CRC-32"), |e| {
            e.crc ^= 0x0100_0000
        }),
        (
            "uncompressed size changed in both headers",
            Some("sizes"),
            |e| e.usize_ += 1,
        ),
    ];
    for (what, m, edit) in header_edits {
        for rel in [readme, witness, RELEASE_JSON] {
            // Header fields the central directory parser refuses make the whole file
            // unreadable: the message names the entry.
            let whole_file = matches!(m, Some("extra field" | "comment"));
            let expect = match m {
                Some(m) if whole_file => mentions(format!("{}/{rel}", fx.top)).with_msg(m),
                Some(m) => at(rel).with_msg(m),
                None => at(rel),
            };
            c.push(entries(format!("{rel}: {what}"), expect, move |fx, e| {
                let i = idx(e, &fx.top, rel);
                edit(&mut e[i]);
            }));
        }
    }
    c.push(entries(
        "UTF-8 flag cleared on a non-ASCII name",
        at(witness).with_msg("UTF-8 flag"),
        move |fx, e| {
            let i = idx(e, &fx.top, witness);
            e[i].flags &= !0x0800;
        },
    ));

    // 15. Local header disagrees with the central directory.
    let local_edits: Vec<(&str, LocalEdit)> = vec![
        ("name", |b, l| b[l.local_offset + 30 + 2] ^= 0x20),
        ("CRC-32", |b, l| b[l.local_offset + 14] ^= 0xff),
        ("sizes", |b, l| {
            let s = l.entry.data.len() as u32 - 1;
            put_u32(b, l.local_offset + 18, s);
            put_u32(b, l.local_offset + 22, s);
        }),
        ("flags", |b, l| b[l.local_offset + 6] ^= 0x08),
        ("method", |b, l| put_u16(b, l.local_offset + 8, 8)),
        ("time", |b, l| put_u16(b, l.local_offset + 10, 0x6000)),
        ("extra field length", |b, l| {
            put_u16(b, l.local_offset + 28, 4)
        }),
    ];
    for (what, edit) in local_edits {
        for rel in [readme, MANIFEST] {
            c.push(bytes(
                format!("local header of {rel} disagrees: {what}"),
                msg("local header"),
                move |fx, b| {
                    let l = locate(b, &fx.top, rel);
                    edit(b, &l);
                },
            ));
        }
    }
    c.push(bytes(
        "central directory size of an entry grown (data runs into the next header)",
        check("container").with_msg("not stored back to back"),
        move |fx, b| {
            let l = locate(b, &fx.top, readme);
            let s = l.entry.data.len() as u32 + 4;
            put_u32(b, l.central_offset + 20, s);
            put_u32(b, l.central_offset + 24, s);
            put_u32(b, l.local_offset + 18, s);
            put_u32(b, l.local_offset + 22, s);
        },
    ));
    c.push(bytes(
        "central directory points two entries at one local header",
        check("container").with_msg("not stored back to back"),
        move |fx, b| {
            let a = locate(b, &fx.top, readme);
            let n = parse_zip(b);
            let i = n
                .iter()
                .position(|x| x.local_offset == a.local_offset)
                .unwrap();
            let next = &n[i + 1];
            put_u32(b, next.central_offset + 42, a.local_offset as u32);
        },
    ));
    c.extend(canonical::cases());
    c
}

/// Tampering only a tree can carry: links, special files, the directory around the top one.
fn tree_cases() -> Vec<Case> {
    let mut c = Vec::new();
    c.push(dir(
        "payload file replaced by a symlink to an identical copy outside the bag",
        at("data/README.txt").with_msg("symbolic link"),
        |fx, top| {
            let copy = fx.scratch("outside-copy");
            std::fs::copy(top.join("data/README.txt"), &copy).unwrap();
            std::fs::remove_file(top.join("data/README.txt")).unwrap();
            std::os::unix::fs::symlink(&copy, top.join("data/README.txt")).unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "payload file replaced by a relative symlink to an identical copy inside data/",
        at("data/misc/data.json").with_msg("symbolic link"),
        |_, top| {
            std::fs::rename(
                top.join("data/misc/data.json"),
                top.join("data/data.json.bak"),
            )
            .unwrap();
            std::os::unix::fs::symlink("../data.json.bak", top.join("data/misc/data.json"))
                .unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "symlink added in data/ pointing to a valid file",
        at("data/link.txt").with_msg("symbolic link"),
        |_, top| {
            std::os::unix::fs::symlink("README.txt", top.join("data/link.txt")).unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "payload folder replaced by a symlink to an identical copy",
        at("data/misc").with_msg("symbolic link"),
        |fx, top| {
            let copy = fx.scratch("outside-misc");
            std::fs::rename(top.join("data/misc"), &copy).unwrap();
            std::os::unix::fs::symlink(&copy, top.join("data/misc")).unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "release.json replaced by a symlink to an identical copy",
        at(RELEASE_JSON).with_msg("symbolic link"),
        |fx, top| {
            let copy = fx.scratch("outside-release");
            std::fs::rename(top.join(RELEASE_JSON), &copy).unwrap();
            std::os::unix::fs::symlink(&copy, top.join(RELEASE_JSON)).unwrap();
            top.to_owned()
        },
    ));
    if have("mkfifo") {
        c.push(dir(
            "FIFO added in data/",
            at("data/case-12/pipe").with_msg("special file"),
            |_, top| {
                mkfifo(&top.join("data/case-12/pipe"));
                top.to_owned()
            },
        ));
        c.push(dir(
            "payload file replaced by a FIFO",
            at("data/misc/data.json").with_msg("special file"),
            |_, top| {
                std::fs::remove_file(top.join("data/misc/data.json")).unwrap();
                mkfifo(&top.join("data/misc/data.json"));
                top.to_owned()
            },
        ));
    }
    // FORMAT.md §2: nothing but the bag's files (a bundle ZIP has no directory entries).
    c.push(dir(
        "empty directory added in data/",
        at("data/case-12/empty").with_msg("empty directory"),
        |_, top| {
            std::fs::create_dir(top.join("data/case-12/empty")).unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "empty directory added beside the tag files",
        at("extra").with_msg("empty directory"),
        |_, top| {
            std::fs::create_dir(top.join("extra")).unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "file with a non-UTF-8 name added in data/",
        msg("not UTF-8"),
        |_, top| {
            let name = OsStr::from_bytes(b"bad-\xff.txt");
            std::fs::write(top.join("data").join(name), b"x").unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "file with a backslash in its name added in data/",
        at("data/a\\b.txt").with_msg("backslash"),
        |_, top| {
            std::fs::write(top.join("data/a\\b.txt"), b"x").unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "file named with a trailing space added in data/",
        at("data/trailing .txt "),
        |_, top| {
            std::fs::write(top.join("data/trailing .txt "), b"x").unwrap();
            top.to_owned()
        },
    ));
    c.push(dir(
        "parent given, with a second top directory (a copy)",
        msg("more than one top-level directory"),
        |fx, top| {
            let parent = top.parent().unwrap();
            write_tree(parent, "case-7-r1-copy", &fx.files);
            parent.to_owned()
        },
    ));
    c.push(dir(
        "parent given, with a second, empty top directory",
        msg("more than one top-level directory"),
        |_, top| {
            let parent = top.parent().unwrap();
            std::fs::create_dir(parent.join("zz-extra")).unwrap();
            parent.to_owned()
        },
    ));
    c.push(dir(
        "parent given, with a stray file beside the top directory",
        msg("not a bundle directory"),
        |_, top| {
            let parent = top.parent().unwrap();
            std::fs::write(parent.join("stray.txt"), b"x").unwrap();
            parent.to_owned()
        },
    ));
    c
}

fn mkfifo(p: &Path) {
    let o = Command::new("mkfifo").arg(p).output().unwrap();
    assert!(o.status.success(), "mkfifo: {}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn valid_bundle_verifies_as_zip_tree_and_parent() {
    let fx = Fixture::new();
    let top = fx.extract(&fx.files);
    for p in [
        fx.zip.clone(),
        top.clone(),
        top.parent().unwrap().to_owned(),
    ] {
        let v = verify(&p, &fx.trust);
        v.check_valid()
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let r = v.report.unwrap();
        assert_eq!(r["signers"], serde_json::json!(["demo-office"]));
        assert_eq!(r["item_count"], 13);
        assert_eq!(r["signatures"][0]["status"], "valid");
        assert!(v.human.contains("signed by demo-office"), "{}", v.human);
    }
}

#[test]
fn test_zip_writer_reproduces_pack_output() {
    // The helpers must not be what a verifier rejects: rewriting the base bundle from its parsed
    // entries, or from its content alone, gives the very same bytes.
    let fx = Fixture::new();
    let e: Vec<Entry> = parse_zip(&fx.bytes).into_iter().map(|l| l.entry).collect();
    assert!(
        write_zip(&e) == fx.bytes,
        "write_zip(parse_zip(base)) differs"
    );
    assert!(
        zip_of(&fx.top, &fx.files) == fx.bytes,
        "zip_of(files) differs"
    );
    // And the forging helpers leave an untouched bundle untouched.
    let mut f = fx.files.clone();
    forge_all_but_signature(&mut f);
    assert!(f == fx.files, "forging an untouched bundle changed it");
}

#[test]
fn trust_without_the_signing_key_is_no_trusted_signer() {
    let fx = Fixture::new();
    let trust = fx.scratch("registrar-only");
    std::fs::write(&trust, allowed_signers_line("demo-registrar")).unwrap();
    let top = fx.extract(&fx.files);
    for p in [fx.zip.clone(), top] {
        let v = verify(&p, &trust);
        v.check_rejected(&at("intact/signatures"), &fx.top)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(v.human.contains("no trusted signer"), "{}", v.human);
        let r = v.report.unwrap();
        assert_eq!(r["signatures"][0]["status"], "untrusted-key");
        assert_eq!(r["signers"], serde_json::json!([]));
    }
}

#[test]
fn zip_changed_bytes_are_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Zip, zip_flip_cases(&fx));
}

#[test]
fn zip_content_tampering_is_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Zip, content_cases(&fx));
}

#[test]
fn zip_container_tampering_is_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Zip, zip_cases(&fx));
}

#[test]
fn tree_changed_bytes_are_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Tree, flip_cases(&fx));
}

#[test]
fn tree_content_tampering_is_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Tree, content_cases(&fx));
}

#[test]
fn tree_links_special_files_and_extra_tops_are_rejected() {
    let fx = Fixture::new();
    run(&fx, Form::Tree, tree_cases());
}

#[test]
fn broken_and_foreign_files_get_a_one_line_message() {
    let fx = Fixture::new();
    let n = fx.bytes.len();
    let mut inputs: Vec<(String, Vec<u8>, &str)> = vec![
        ("empty file".into(), Vec::new(), "empty"),
        (
            "text file".into(),
            b"not a zip at all\n".repeat(10),
            "not a ZIP",
        ),
        ("short text".into(), b"PK".to_vec(), "not a ZIP"),
    ];
    for cut in [n - 1, n - 21, n - 22, n - 23, n / 2, 100, 30, 4] {
        inputs.push((
            format!("truncated to {cut} of {n} bytes"),
            fx.bytes[..cut].to_vec(),
            "",
        ));
    }
    let mut failures = Vec::new();
    for (name, data, want) in inputs {
        let p = fx.scratch(&name).with_extension("zip");
        std::fs::write(&p, data).unwrap();
        let v = verify(&p, &fx.trust);
        let shown = p.display().to_string();
        let first = v.human.lines().next().unwrap_or("");
        let ok = v.code == Some(1)
            && v.json_code == Some(1)
            && v.report.as_ref().is_some_and(|r| r["valid"] == false)
            && first.starts_with(&format!("{shown}: container: "))
            && first.contains(want)
            && v.human
                .lines()
                .last()
                .unwrap_or("")
                .starts_with("NOT VALID: ");
        if !ok {
            failures.push(format!("{name}:\n{}", v.describe()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // Missing input, and a directory that is no bundle.
    let missing = fx.scratch("missing.zip");
    let v = verify(&missing, &fx.trust);
    assert_eq!(v.code, Some(2), "{}", v.describe());
    assert_eq!(v.json_code, Some(2), "{}", v.describe());
    assert_eq!(v.stderr.lines().count(), 1, "{}", v.stderr);
    assert!(
        v.stderr.contains(&missing.display().to_string()),
        "{}",
        v.stderr
    );
    let empty_dir = fx.scratch("empty-dir");
    std::fs::create_dir(&empty_dir).unwrap();
    let v = verify(&empty_dir, &fx.trust);
    v.check_rejected(&msg("not a bundle directory"), &fx.top)
        .unwrap();
}

#[test]
fn unreadable_bundle_is_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let p = fx.scratch("unreadable.zip");
    std::fs::write(&p, &fx.bytes).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&p).is_ok() {
        eprintln!("skipped: running with privileges that read a mode-000 file");
        return;
    }
    let v = verify(&p, &fx.trust);
    assert_eq!(v.code, Some(2), "{}", v.describe());
    assert!(v.stderr.contains(&p.display().to_string()), "{}", v.stderr);
}

/// Not tampering by the format's own rules, and accepted on purpose: a renamed top directory
/// (FORMAT.md §2.9, a mirror may rename it) and an added co-signature by an untrusted key
/// (§7: it does not count, and does not by itself make the bundle invalid).
#[test]
fn accepted_by_design() {
    let fx = Fixture::new();
    let renamed = fx.scratch("renamed.zip");
    std::fs::write(&renamed, zip_of("mirror-copy", &fx.files)).unwrap();
    verify(&renamed, &fx.trust).check_valid().unwrap();
    verify(
        &write_tree(&fx.scratch("t"), "mirror-copy", &fx.files),
        &fx.trust,
    )
    .check_valid()
    .unwrap();

    let mut f = fx.files.clone();
    let other = fx.packed_with("demo-registrar");
    for p in sig_paths(&other) {
        f.insert(p.clone(), other[&p].clone());
    }
    fix_tagmanifest(&mut f);
    let cosigned = fx.scratch("cosigned.zip");
    std::fs::write(&cosigned, zip_of(&fx.top, &f)).unwrap();
    let v = verify(&cosigned, &fx.trust);
    v.check_valid().unwrap();
    let r = v.report.unwrap();
    let statuses: Vec<&str> = r["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&"untrusted-key"), "{statuses:?}");
}
