//! Conformance vectors for the rules FORMAT.md states exactly (§3 names, §4.2 `bag-info.txt`,
//! §5 records, §6 integers and `previous`): each case is the base bundle with one change, every
//! layer above it made consistent again and re-signed by demo-office, so that only the rule the
//! case is about decides. Each declares the check of FORMAT.md §9 that must fail first (or that
//! the bundle is valid); the generator fails when intact disagrees.

use serde_json::{json, Value};

use super::vectors_gen::{invalid, tar_of, Input, Vector};
use super::*;

/// 2^53: the first integer past the range of FORMAT.md §6.
const TWO_POW_53: u64 = 1 << 53;

/// The base bundle with `edit` applied, then `release.json` (digests, counts, root), the tag
/// manifest and the signature made consistent again; `after` edits `release.json` last.
fn forged_files(
    fx: &Fixture,
    edit: impl FnOnce(&mut Files),
    after: impl FnOnce(&mut Value),
) -> Files {
    let mut files = fx.files.clone();
    edit(&mut files);
    fix_release(&mut files);
    let mut r = json(&files, RELEASE_JSON);
    after(&mut r);
    files.insert(RELEASE_JSON.into(), canonical(&r));
    fix_tagmanifest(&mut files);
    resign(&mut files, "demo-office");
    files
}

fn case(name: &str, readme: &str, check: Option<&'static str>, input: Input) -> Vector {
    let mut v = invalid(name.into(), readme.into(), input);
    v.valid = check.is_none();
    v.check = check;
    v
}

fn zip_case(
    fx: &Fixture,
    name: &str,
    readme: &str,
    check: Option<&'static str>,
    edit: impl FnOnce(&mut Files),
) -> Vector {
    let files = forged_files(fx, edit, |_| {});
    case(name, readme, check, Input::Zip(zip_of(&fx.top, &files)))
}

/// Edits `manifest.json` as JSON (written back canonical).
fn edit_items(files: &mut Files, edit: impl FnOnce(&mut Value)) {
    let mut m = json(files, ITEMS_JSON);
    edit(&mut m);
    files.insert(ITEMS_JSON.into(), canonical(&m));
}

/// Sets `Payload-Oxum` to the payload present.
fn fix_oxum(files: &mut Files) {
    let payload: Vec<&Vec<u8>> = files
        .iter()
        .filter(|(p, _)| p.starts_with("data/"))
        .map(|(_, b)| b)
        .collect();
    let oxum = format!(
        "Payload-Oxum: {}.{}\n",
        payload.iter().map(|b| b.len()).sum::<usize>(),
        payload.len()
    );
    let info: String = text(files, BAG_INFO)
        .lines()
        .map(|l| {
            if l.starts_with("Payload-Oxum:") {
                oxum.clone()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    files.insert(BAG_INFO.into(), info.into_bytes());
}

/// Adds payload files, each with an item record (id = its path below `data/`), in manifest
/// order, and makes `manifest-sha256.txt` and `Payload-Oxum` agree.
fn add_payload(files: &mut Files, added: &[(&str, &[u8])]) {
    for (path, bytes) in added {
        files.insert((*path).into(), bytes.to_vec());
    }
    edit_items(files, |m| {
        let items = m["items"].as_array_mut().unwrap();
        for (path, bytes) in added {
            items.push(json!({
                "id": path.strip_prefix("data/").unwrap(),
                "path": path,
                "sha256": sha_hex(bytes),
                "size": bytes.len(),
                "media_type": "text/plain",
            }));
        }
        items.sort_by(|a, b| {
            a["path"]
                .as_str()
                .unwrap()
                .as_bytes()
                .cmp(b["path"].as_str().unwrap().as_bytes())
        });
    });
    fix_manifest_txt(files);
    fix_oxum(files);
}

/// §5 records: the schema's constraints, which the verifier enforces too.
fn record_vectors(fx: &Fixture) -> Vec<Vector> {
    let first = |m: &mut Value, edit: &dyn Fn(&mut Value)| edit(&mut m["items"][0]);
    vec![
        zip_case(
            fx,
            "manifest-media-type-empty",
            "Not valid: a published item's media_type is the empty string (FORMAT.md §5: a non-empty string; pack never writes one empty).",
            Some("manifest"),
            |f| edit_items(f, |m| first(m, &|i| i["media_type"] = json!(""))),
        ),
        zip_case(
            fx,
            "manifest-commitment-not-hex",
            "Not valid: a redaction commitment that is not 64 lowercase hex digits (FORMAT.md §5.3).",
            Some("manifest"),
            |f| {
                edit_items(f, |m| {
                    first(m, &|i| {
                        i["redaction"] = json!({"status": "partial", "commitment": "not-a-digest"})
                    })
                })
            },
        ),
        zip_case(
            fx,
            "manifest-commitment-uppercase-hex",
            "Not valid: a redaction commitment in uppercase hex (FORMAT.md §5.3: lowercase).",
            Some("manifest"),
            |f| {
                edit_items(f, |m| {
                    first(m, &|i| {
                        i["redaction"] = json!({"status": "partial", "commitment": "AB".repeat(32)})
                    })
                })
            },
        ),
        zip_case(
            fx,
            "valid-partial-redaction-with-commitment",
            "Valid: a published item with a partial redaction record and a salted commitment (64 lowercase hex digits).",
            None,
            |f| {
                edit_items(f, |m| {
                    first(m, &|i| {
                        i["redaction"] = json!({"status": "partial", "categories": ["identity of a witness"], "regions": 2, "commitment": "ab".repeat(32)})
                    })
                })
            },
        ),
        zip_case(
            fx,
            "manifest-changes-empty-array",
            "Not valid: manifest.json has \"changes\": [] (FORMAT.md §5.4 and §9: an empty list is left out, so the file is not canonical).",
            Some("manifest"),
            |f| edit_items(f, |m| m["changes"] = json!([])),
        ),
        zip_case(
            fx,
            "manifest-categories-empty-array",
            "Not valid: a redaction record with \"categories\": [] (FORMAT.md §9: an empty list is left out).",
            Some("manifest"),
            |f| {
                edit_items(f, |m| {
                    first(m, &|i| i["redaction"] = json!({"status": "none", "categories": []}))
                })
            },
        ),
    ]
}

/// §5 manifest order, and §7's armor at its edges.
fn order_and_armor_vectors(fx: &Fixture) -> Vec<Vector> {
    let mut v = vec![
        zip_case(
            fx,
            "manifest-items-published-out-of-order",
            "Not valid: the first two published items swapped (FORMAT.md §5, §9 rule 22: sorted by path, byte order).",
            Some("manifest"),
            |f| edit_items(f, |m| m["items"].as_array_mut().unwrap().swap(0, 1)),
        ),
        zip_case(
            fx,
            "manifest-items-withheld-item-before-published-ones",
            "Not valid: a withheld item listed before the published items (FORMAT.md §5: published items first, then withheld ones by id).",
            Some("manifest"),
            |f| {
                edit_items(f, |m| {
                    let withheld = json!({"id": "W-1", "redaction": {"status": "withheld"}});
                    m["items"].as_array_mut().unwrap().insert(0, withheld);
                })
            },
        ),
        zip_case(
            fx,
            "valid-withheld-items-after-published-ones-sorted-by-id",
            "Valid: two withheld items after the published ones, sorted by id in byte order (W-10 before W-9).",
            None,
            |f| {
                edit_items(f, |m| {
                    let items = m["items"].as_array_mut().unwrap();
                    for id in ["W-10", "W-9"] {
                        items.push(json!({"id": id, "redaction": {"status": "withheld"}}));
                    }
                })
            },
        ),
    ];
    let armor = |name: &str, readme: &str, edit: &dyn Fn(&str) -> String| {
        let mut files = fx.files.clone();
        let sig = sig_paths(&files)[0].clone();
        let text = edit(&text(&files, &sig));
        files.insert(sig, text.into_bytes());
        fix_tagmanifest(&mut files);
        case(
            name,
            readme,
            Some("signatures"),
            Input::Zip(zip_of(&fx.top, &files)),
        )
    };
    v.push(armor(
        "armor-no-lf-after-the-end-line",
        "Not valid: the signature's END line has no LF (FORMAT.md §7: end-line ends in LF).",
        &|t| t.trim_end_matches('\n').to_owned(),
    ));
    v.push(armor(
        "armor-last-base64-line-joined-to-the-one-before",
        "Not valid: the signature's last two base64 lines joined into one longer than 70 (FORMAT.md §7).",
        &|t| {
            let lines: Vec<&str> = t.lines().collect();
            let n = lines.len();
            let mut out: Vec<String> = lines[..n - 3].iter().map(|l| l.to_string()).collect();
            out.push(format!("{}{}", lines[n - 3], lines[n - 2]));
            out.push(lines[n - 1].to_owned());
            out.join("\n") + "\n"
        },
    ));
    v
}

/// §6: integers, and `previous`.
fn statement_vectors(fx: &Fixture) -> Vec<Vector> {
    let zip =
        |edit: &dyn Fn(&mut Value)| Input::Zip(zip_of(&fx.top, &forged_files(fx, |_| {}, edit)));
    vec![
        case(
            "statement-item-count-2-pow-53",
            "Not valid: item_count is 2^53 (FORMAT.md §6: every integer is at most 2^53 - 1, RFC 7493).",
            Some("statement"),
            zip(&|r| r["item_count"] = json!(TWO_POW_53)),
        ),
        case(
            "statement-payload-bytes-2-pow-53-minus-1",
            "Not valid: payload_bytes is 2^53 - 1, a well-formed integer that does not match the items (merkle).",
            Some("merkle"),
            zip(&|r| r["payload_bytes"] = json!(TWO_POW_53 - 1)),
        ),
        case(
            "statement-payload-bytes-negative",
            "Not valid: payload_bytes is -1 (FORMAT.md §6: integers are 0 or more).",
            Some("statement"),
            zip(&|r| r["payload_bytes"] = json!(-1)),
        ),
        case(
            "statement-item-count-as-a-fraction",
            "Not valid: item_count written 13.0 (FORMAT.md §6: an integer, and JCS writes 13).",
            Some("statement"),
            {
                let mut files = forged_files(fx, |_| {}, |_| {});
                let before = text(&files, RELEASE_JSON);
                let r = before.replace("\"item_count\":13,", "\"item_count\":13.0,");
                assert_ne!(r, before, "the base has 13 items");
                files.insert(RELEASE_JSON.into(), r.into_bytes());
                fix_tagmanifest(&mut files);
                resign(&mut files, "demo-office");
                Input::Zip(zip_of(&fx.top, &files))
            },
        ),
        case(
            "valid-previous-names-its-own-release-id",
            "Valid: previous names this release's own id (FORMAT.md §6: a bundle alone does not know its chain; a release log refuses it, §14).",
            None,
            zip(&|r| r["previous"] = json!({"release": RELEASE, "sha256": "0".repeat(64)})),
        ),
    ]
}

/// §4.2: the grammar of `bag-info.txt`.
fn bag_info_vectors(fx: &Fixture) -> Vec<Vector> {
    let with =
        |name: &str, readme: &str, check: Option<&'static str>, edit: &dyn Fn(&str) -> String| {
            zip_case(fx, name, readme, check, |f| {
                let info = edit(&text(f, BAG_INFO));
                f.insert(BAG_INFO.into(), info.into_bytes());
            })
        };
    let ox = |info: &str| {
        info.lines()
            .find(|l| l.starts_with("Payload-Oxum:"))
            .unwrap()
            .to_owned()
    };
    vec![
        with(
            "bag-info-line-without-a-colon",
            "Not valid: bag-info.txt has a line without a colon (FORMAT.md §4.2; BagIt validators refuse it too).",
            Some("bag"),
            &|i| format!("No colon on this line\n{i}"),
        ),
        with(
            "bag-info-blank-line",
            "Not valid: bag-info.txt has a blank line (FORMAT.md §4.2).",
            Some("bag"),
            &|i| format!("\n{i}"),
        ),
        with(
            "bag-info-continuation-line",
            "Not valid: bag-info.txt folds a value onto an indented line (FORMAT.md §4.2: pack never folds).",
            Some("bag"),
            &|i| format!("Contact-Name: Synthetic\n  Office\n{i}"),
        ),
        with(
            "bag-info-last-line-without-lf",
            "Not valid: bag-info.txt's last line has no LF (FORMAT.md §4.2).",
            Some("bag"),
            &|i| i.trim_end_matches('\n').to_owned(),
        ),
        with(
            "bag-info-crlf-line-ends",
            "Not valid: bag-info.txt's lines end in CR LF (FORMAT.md §4.2: LF only).",
            Some("bag"),
            &|i| i.replace('\n', "\r\n"),
        ),
        with(
            "bag-info-payload-oxum-twice",
            "Not valid: bag-info.txt has Payload-Oxum twice, with the same value (FORMAT.md §4.2: exactly once).",
            Some("bag"),
            &|i| format!("{i}{}\n", ox(i)),
        ),
        with(
            "bag-info-payload-oxum-in-lower-case-as-well",
            "Not valid: bag-info.txt has payload-oxum (another case) beside Payload-Oxum (FORMAT.md §4.2: labels compared ignoring ASCII case).",
            Some("bag"),
            &|i| format!("payload-oxum: 1.1\n{i}"),
        ),
        with(
            "bag-info-space-before-the-colon",
            "Not valid: a bag-info.txt label followed by a space before its colon (FORMAT.md §4.2; BagIt 1.0 forbids it).",
            Some("bag"),
            &|i| format!("Contact-Name : Synthetic Office\n{i}"),
        ),
        with(
            "bag-info-no-space-after-the-colon",
            "Not valid: a bag-info.txt colon not followed by one space (FORMAT.md §4.2).",
            Some("bag"),
            &|i| format!("Contact-Name:Synthetic Office\n{i}"),
        ),
        with(
            "valid-bag-info-with-an-extra-label",
            "Valid: bag-info.txt with one more `Label: value` line (and one with an empty value) before Payload-Oxum.",
            None,
            &|i| format!("Contact-Name: Synthetic Office\nContact-Phone: \n{i}"),
        ),
    ]
}

/// §3: names, case mapping, normalization, file-versus-directory, device names, the top
/// directory.
fn name_vectors(fx: &Fixture) -> Vec<Vector> {
    let added = |name: &str, readme: &str, check: Option<&'static str>, paths: &[&str]| {
        let adds: Vec<(&str, &[u8])> = paths
            .iter()
            .map(|p| (*p, b"synthetic\n".as_slice()))
            .collect();
        zip_case(fx, name, readme, check, |f| add_payload(f, &adds))
    };
    let mut v = vec![
        added(
            "names-file-named-like-a-directory",
            "Not valid: a file data/case-12 beside the directory data/case-12/ (FORMAT.md §3.9).",
            Some("names"),
            &["data/case-12"],
        ),
        added(
            "names-file-that-folds-to-a-directory",
            "Not valid: a file data/Case-31 beside the directory data/case-31/ (FORMAT.md §3.9: the same name after lower-casing).",
            Some("names"),
            &["data/Case-31"],
        ),
        added(
            "names-directories-that-fold-together",
            "Not valid: directories data/CASE-12/ and data/case-12/ (FORMAT.md §3.9).",
            Some("names"),
            &["data/CASE-12/note.txt"],
        ),
        added(
            "names-ligature-collides-after-nfkc",
            "Not valid: data/\u{fb01}le.txt (a ligature) and data/file.txt are one name after NFKC (FORMAT.md §3.8).",
            Some("names"),
            &["data/\u{fb01}le.txt", "data/file.txt"],
        ),
        added(
            "names-dotted-capital-i-collides",
            "Not valid: data/\u{130}.txt lower-cases to data/i\u{307}.txt, which is also present (FORMAT.md §3.8: full lower-case mapping).",
            Some("names"),
            &["data/\u{130}.txt", "data/i\u{307}.txt"],
        ),
        added(
            "valid-sharp-s-and-ss-do-not-collide",
            "Valid: data/\u{df}.txt and data/ss.txt (FORMAT.md §3.8 lower-cases, it does not case-fold: \u{df} stays \u{df}).",
            None,
            &["data/\u{df}.txt", "data/ss.txt"],
        ),
        added(
            "valid-final-sigma-does-not-collide",
            "Valid: data/\u{39f}\u{394}\u{39f}\u{3a3} lower-cases with a final sigma (\u{3c2}), unlike data/\u{3bf}\u{3b4}\u{3bf}\u{3c3} (FORMAT.md §3.8: Final_Sigma applies; full case folding would join them).",
            None,
            &["data/\u{39f}\u{394}\u{39f}\u{3a3}", "data/\u{3bf}\u{3b4}\u{3bf}\u{3c3}"],
        ),
        added(
            "valid-superscript-device-name",
            "Valid: data/COM\u{b9}.txt (FORMAT.md §3.6 names only COM1-COM9 and LPT1-LPT9 with ASCII digits; pack refuses COM\u{b9} all the same).",
            None,
            &["data/COM\u{b9}.txt"],
        ),
        added(
            "names-device-name-in-a-directory",
            "Not valid: data/aux/note.txt (FORMAT.md §3.6: a device name is refused in any component, any case).",
            Some("names"),
            &["data/aux/note.txt"],
        ),
        added(
            "valid-non-ascii-names-in-five-scripts",
            "Valid: NFC names in Greek, Georgian, Hebrew, CJK and with a precomposed accent.",
            None,
            &["data/\u{3b1}\u{3c0}\u{3cc}\u{3c6}\u{3b1}\u{3c3}\u{3b7}.txt", "data/\u{10d3}\u{10dd}\u{10d9}.txt", "data/\u{5de}\u{5e1}\u{5de}\u{5da}.txt", "data/\u{6587}\u{4ef6}.txt", "data/caf\u{e9}.txt"],
        ),
    ];
    // §3.1's limits, at and one past them.
    let long_path = |last: usize| {
        let c = |ch: &str, n| ch.repeat(n);
        format!(
            "data/{}/{}/{}/{}",
            c("a", 255),
            c("b", 255),
            c("c", 255),
            c("d", last)
        )
    };
    let (path_1024, path_1025) = (long_path(251), long_path(252));
    let (comp_255, comp_256) = (
        format!("data/{}.txt", "x".repeat(251)),
        format!("data/{}.txt", "y".repeat(252)),
    );
    for (name, readme, check, path) in [
        (
            "valid-path-of-1024-bytes",
            "Valid: a payload path of exactly 1,024 bytes (FORMAT.md §3.1).",
            None,
            &path_1024,
        ),
        (
            "names-path-of-1025-bytes",
            "Not valid: a payload path of 1,025 bytes (FORMAT.md §3.1: at most 1,024).",
            Some("names"),
            &path_1025,
        ),
        (
            "valid-component-of-255-bytes",
            "Valid: a file name of exactly 255 bytes (FORMAT.md §3.1).",
            None,
            &comp_255,
        ),
        (
            "names-component-of-256-bytes",
            "Not valid: a file name of 256 bytes (FORMAT.md §3.1: at most 255).",
            Some("names"),
            &comp_256,
        ),
    ] {
        assert_eq!(
            path.len(),
            if name.contains("1024") {
                1024
            } else if name.contains("1025") {
                1025
            } else {
                path.len()
            }
        );
        v.push(added(name, readme, check, &[path.as_str()]));
    }
    for (top, check, readme) in [
        ("case:7", Some("names"), "Not valid: the top directory is named case:7 (FORMAT.md §2.9: §3 applies to its name)."),
        ("CON", Some("names"), "Not valid: the top directory is named CON, a device name (FORMAT.md §2.9)."),
        ("archive copy \u{a7}1", None, "Valid: the top directory renamed to a name with a space and a non-ASCII character (FORMAT.md §2.9)."),
    ] {
        let slug: String = if check.is_some() { format!("names-top-directory-{}", if top == "CON" { "con" } else { "with-a-colon" }) } else { "valid-top-directory-with-a-space-and-non-ascii".into() };
        v.push(case(&slug, readme, check, Input::Zip(zip_of(top, &fx.files))));
    }
    let tree = fx.extract(&fx.files);
    let renamed = tree.with_file_name("mirror: any name");
    std::fs::rename(&tree, &renamed).unwrap();
    v.push(case(
        "valid-tree-top-directory-with-any-name",
        "Valid: an extracted tree whose top directory is named 'mirror: any name' (FORMAT.md §2.9: a tree's directory name is the mirror's, not the bundle's).",
        None,
        Input::Tar(tar_of(renamed.parent().unwrap())),
    ));
    v
}

/// §7.1: the trust policy files, read by their grammars.
fn trust_file_vectors(fx: &Fixture) -> Vec<Vector> {
    let line = allowed_signers_line("demo-office");
    let key_part = line[line.find("ssh-ed25519").unwrap()..]
        .trim_end()
        .to_owned();
    // A second trusted signer, so that a threshold of 1 can be met by the policy and a line
    // that may not sign releases is judged, not refused as a usage error (TRUST.md).
    let registrar = allowed_signers_line("demo-registrar");
    let k =
        intact::sign::SigningKey::load(&key("demo-office"), &intact::sign::NoPassphrase).unwrap();
    let fingerprint = intact::sign::fingerprint(k.public_key().key_data());
    let policy = |name: &str, readme: &str, check: Option<&'static str>, signers: String| {
        let mut v = case(name, readme, check, Input::Zip(fx.bytes.clone()));
        v.allowed_signers = signers;
        v
    };
    let revoked = |name: &str, readme: &str, check: Option<&'static str>, list: String| {
        let mut v = case(name, readme, check, Input::Zip(fx.bytes.clone()));
        v.files.insert("revoked".into(), list.into_bytes());
        v.options.insert("revoked".into(), json!("revoked"));
        v
    };
    vec![
        policy(
            "policy-namespaces-do-not-admit-intact-release",
            "Not valid: the signer's line has namespaces=\"git\" (FORMAT.md §7.1: the key may not sign releases; demo-registrar, who did not sign, may).",
            Some("signatures"),
            format!("{registrar}demo-office namespaces=\"git\" {key_part}\n"),
        ),
        policy(
            "valid-namespaces-pattern-admits-intact-release",
            "Valid: the signer's line has namespaces=\"git,intact-*\", a pattern that admits intact-release.",
            None,
            format!("demo-office namespaces=\"git,intact-*\" {key_part}\n"),
        ),
        policy(
            "policy-cert-authority-line",
            "Not valid: the signer's key is on a cert-authority line (FORMAT.md §7.1: never a release signer; demo-registrar, who did not sign, may).",
            Some("signatures"),
            format!("{registrar}demo-office cert-authority {key_part}\n"),
        ),
        policy(
            "valid-policy-with-comments-blank-lines-and-crlf",
            "Valid: the policy file has a comment, a blank line and CR LF line ends (read as ssh-keygen reads them).",
            None,
            format!("# the office's keys\r\n\r\n{}\r\n", line.trim_end()),
        ),
        revoked(
            "policy-revoked-by-fingerprint-with-a-date",
            "Not valid: the signer's key revoked by its SHA256 fingerprint from 2026-01-01, before the release's created time (FORMAT.md §7.1).",
            Some("signatures"),
            format!("{fingerprint} 2026-01-01 synthetic: key lost\n"),
        ),
        revoked(
            "valid-revoked-by-fingerprint-from-a-later-time",
            "Valid: the signer's key revoked from 2026-06-01T00:00:00+02:00, after the release was created (2026-02-03).",
            None,
            format!("# revocations\n{fingerprint} 2026-06-01T00:00:00+02:00 synthetic: key retired\n"),
        ),
    ]
}

/// Every vector of this file.
pub fn spec_vectors(fx: &Fixture) -> Vec<Vector> {
    let mut v = record_vectors(fx);
    v.extend(order_and_armor_vectors(fx));
    v.extend(statement_vectors(fx));
    v.extend(bag_info_vectors(fx));
    v.extend(name_vectors(fx));
    v.extend(trust_file_vectors(fx));
    v
}
