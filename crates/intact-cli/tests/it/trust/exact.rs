//! Issue 14: signatures are exact or the bundle is invalid. `attach` reads what `ssh-keygen`
//! reads and stores the armor ssh-keygen writes; a signature file that is not exactly that
//! breaks the bundle for verify, check, extract, sign and the release log; `allowed_signers`
//! lines for other key types are read.

use super::*;
use intact_testkit::bundle::{bundle_files, fix_tagmanifest, zip_of, SIG_DIR};

/// A junk signature file an attacker might add: an SSHSIG prefix naming `ssh-rsa`, then text.
fn junk_signature() -> Vec<u8> {
    let mut blob = b"SSHSIG\0\0\0\x01\0\0\0\x07ssh-rsa".to_vec();
    blob.extend(b"Withheld words ride along.");
    intact::sshsig::armor(&blob).into_bytes()
}

/// `zip` with `edit` applied to its bag and the tag manifest fixed, written to `out`.
fn forge(zip: &Path, out: &Path, edit: impl FnOnce(&mut intact_testkit::bundle::Files)) {
    let (top, mut files) = bundle_files(&std::fs::read(zip).unwrap());
    edit(&mut files);
    fix_tagmanifest(&mut files);
    std::fs::write(out, zip_of(&top, &files)).unwrap();
}

#[test]
fn attach_reads_what_ssh_keygen_reads_and_stores_its_armor() {
    let e = Env::new();
    let bundle = e.pack("u.zip", &[]);
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    let sig = e.ssh_sign("a", "intact-release", &stmt);
    let canonical = std::fs::read_to_string(&sig).unwrap();
    let body: String = canonical
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let wrap64: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let accepted = [
        format!(
            "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
            wrap64.join("\n")
        ),
        canonical
            .replacen("\n", "\n\r\n", 2)
            .replacen("\n\r\n", "\n", 1),
        format!("{canonical}trailing words\n"),
        format!("{canonical}\n\n"),
    ];
    let policy = e.three();
    for (i, v) in accepted.iter().enumerate() {
        let copy = e.path(&format!("copy{i}.zip"));
        std::fs::copy(&bundle, &copy).unwrap();
        let f = e.path(&format!("variant{i}.sig"));
        std::fs::write(&f, v).unwrap();
        let o = intact(&["attach", s(&copy), s(&f)]);
        assert!(o.status.success(), "{v:?}: {}", stderr(&o));
        let stored: Vec<Vec<u8>> = members(&copy)
            .into_iter()
            .filter(|(n, _)| n.contains("/intact/signatures/"))
            .map(|(_, b)| b)
            .collect();
        assert_eq!(stored, [canonical.as_bytes().to_vec()], "{v:?}");
        assert_eq!(verify_json(&copy, &policy, &[]).0, 0);
    }
    let before = std::fs::read(&bundle).unwrap();
    for (v, want) in [
        (format!("\n{canonical}"), "does not start with the line"),
        (
            canonical.replace('\n', "\r\n"),
            "does not start with the line",
        ),
        (format!("note\n{canonical}"), "does not start with the line"),
        (
            String::from_utf8(junk_signature()).unwrap(),
            "malformed SSHSIG blob",
        ),
    ] {
        let f = e.path("refused.sig");
        std::fs::write(&f, &v).unwrap();
        let o = intact(&["attach", s(&bundle), s(&f)]);
        assert_eq!(o.status.code(), Some(2), "{v:?}");
        assert!(stderr(&o).contains(want), "{want}: {}", stderr(&o));
        assert_eq!(std::fs::read(&bundle).unwrap(), before);
    }
}

/// The attack: a junk `.sig` under `intact/signatures/`, listed in the tag manifest,
/// beside a good signature. Every reader refuses the bundle now; `sign` does not co-sign it.
#[test]
fn a_junk_signature_file_breaks_verify_check_extract_and_sign() {
    let e = Env::new();
    let policy = e.three();
    let good = e.pack("good.zip", &["a"]);
    let bad = e.path("bad.zip");
    let junk_name = format!("{SIG_DIR}{}.sig", "cd".repeat(32));
    forge(&good, &bad, |f| {
        f.insert(junk_name.clone(), junk_signature());
    });
    let (code, v) = verify_json(&bad, &policy, &[]);
    assert_eq!(code, 1, "{v}");
    let problems = v["problems"].to_string();
    assert!(problems.contains("malformed SSHSIG blob"), "{problems}");
    assert!(
        statuses(&v).contains(&("?".into(), "malformed".into())),
        "{v}"
    );
    let tree = unzip(&bad, &e.path("tree"));
    assert_eq!(verify_json(&tree, &policy, &[]).0, 1);
    let item = e.path("src/readme.txt");
    let o = intact(&[
        "check",
        s(&item),
        "--bundle",
        s(&bad),
        "--trust",
        s(&policy),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = e.path("out");
    let o = intact(&["extract", s(&bad), "-o", s(&out), "--trust", s(&policy)]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("intact").exists());
    let before = std::fs::read(&bad).unwrap();
    let o = e.sign(&bad, "b");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&bad).unwrap(), before);
}

/// `log verify` reports each signature failure of an entry: none, untrusted, malformed.
#[test]
fn log_verify_reports_each_signature_failure() {
    let e = Env::new();
    let policy = e.three();
    let bundle = e.pack("r1.zip", &["a"]);
    let log = e.path("log");
    let o = intact(&["log", "append", s(&log), s(&bundle), "--trust", s(&policy)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let verify = |log: &Path| intact(&["log", "verify", s(log), "--trust", s(&policy)]);
    assert_eq!(
        verify(&log).status.code(),
        Some(0),
        "{}",
        stderr(&verify(&log))
    );
    let sigs = |log: &Path| -> Vec<PathBuf> {
        let entry = std::fs::read_dir(log)
            .unwrap()
            .map(|d| d.unwrap().path())
            .find(|p| p.join("signatures").is_dir())
            .unwrap();
        std::fs::read_dir(entry.join("signatures"))
            .unwrap()
            .map(|d| d.unwrap().path())
            .collect()
    };
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    e.keygen("d");
    let untrusted = std::fs::read(e.ssh_sign("d", "intact-release", &stmt)).unwrap();
    type Edit<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "0 valid signature(s)",
            Box::new(|l| {
                sigs(l)
                    .iter()
                    .for_each(|p| std::fs::remove_file(p).unwrap())
            }),
        ),
        (
            "0 valid signature(s)",
            Box::new(|l| {
                let d = sigs(l)[0].parent().unwrap().to_owned();
                sigs(l)
                    .iter()
                    .for_each(|p| std::fs::remove_file(p).unwrap());
                let name = intact::sign::signature_file_name(
                    &intact::sshsig::read_exact(&untrusted).unwrap().key_blob,
                );
                std::fs::write(d.join(name), &untrusted).unwrap();
            }),
        ),
        (
            "not exactly what ssh-keygen -Y sign writes",
            Box::new(|l| {
                let p = &sigs(l)[0];
                let mut b = std::fs::read(p).unwrap();
                b.extend(b"a note after the end\n");
                std::fs::write(p, b).unwrap();
            }),
        ),
        (
            "malformed SSHSIG blob",
            Box::new(|l| {
                let d = sigs(l)[0].parent().unwrap().to_owned();
                std::fs::write(d.join(format!("{}.sig", "cd".repeat(32))), junk_signature())
                    .unwrap();
            }),
        ),
    ];
    for (i, (want, edit)) in cases.iter().enumerate() {
        let copy = e.path(&format!("log{i}"));
        copy_tree(&log, &copy);
        edit(&copy);
        let o = verify(&copy);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{want}: {all}");
        assert!(all.contains(want), "{want}: {all}");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for d in std::fs::read_dir(from).unwrap() {
        let d = d.unwrap();
        let t = to.join(d.file_name());
        if d.file_type().unwrap().is_dir() {
            copy_tree(&d.path(), &t);
        } else {
            std::fs::copy(d.path(), &t).unwrap();
        }
    }
}

/// An `allowed_signers` file with ECDSA and RSA lines serves both tools: intact reads it
/// (it exited 2 before), and the Ed25519 signer still counts.
#[test]
fn ecdsa_and_rsa_lines_in_allowed_signers_are_read() {
    let e = Env::new();
    for (name, kind) in [("ec", "ecdsa"), ("rs", "rsa")] {
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", kind, "-N", "", "-f", s(&e.path(name))])
            .status()
            .unwrap();
        assert!(st.success());
    }
    let ec = std::fs::read_to_string(e.path("ec.pub")).unwrap();
    let rs = std::fs::read_to_string(e.path("rs.pub")).unwrap();
    let policy = e.policy(&[
        format!("ops {}", ec.trim()),
        format!("ops2 namespaces=\"intact-release\" {}", rs.trim()),
        format!("alice {}", e.pubkey("a")),
    ]);
    let bundle = e.pack("b.zip", &["a"]);
    let (code, v) = verify_json(&bundle, &policy, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["signers"], serde_json::json!(["alice"]));
    // A well-formed ECDSA signature, named after its key, does not count and breaks nothing.
    let stmt = e.path("release.json");
    std::fs::write(&stmt, release_json(&bundle)).unwrap();
    let ec_sig = std::fs::read(e.ssh_sign("ec", "intact-release", &stmt)).unwrap();
    let with_ec = e.path("with-ec.zip");
    forge(&bundle, &with_ec, |f| {
        let name = intact::sign::signature_file_name(
            &intact::sshsig::read_exact(&ec_sig).unwrap().key_blob,
        );
        f.insert(format!("{SIG_DIR}{name}"), ec_sig.clone());
    });
    let (code, v) = verify_json(&with_ec, &policy, &[]);
    assert_eq!(code, 0, "{v}");
    assert!(
        statuses(&v).contains(&("ops".into(), "unsupported-key".into()))
            || v["signatures"].to_string().contains("unsupported-key"),
        "{v}"
    );
    // The policy's principals for the threshold are Ed25519 lines only.
    let o = intact(&[
        "verify",
        s(&bundle),
        "--trust",
        s(&policy),
        "--threshold",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the 1 principal(s)"), "{}", stderr(&o));
}
