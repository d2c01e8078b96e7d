//! Names as this archive writes them (issue 18): the normalization (`İ`/`ı`, look-alike
//! letters, `ǝ`) against the original deny-list, and `intact deny-list expand` for spellings
//! that were not on it — end to end, with nothing of an entry printed.

use std::path::{Path, PathBuf};
use std::process::Output;

use intact_testkit::s;

use crate::intact as run;

/// Words of the entries and of their variants that must never be printed.
const SECRET_WORDS: &[&str] = &[
    "rustam",
    "əliyev",
    "aliyev",
    "aliev",
    "рустам",
    "алиев",
    "мамедов",
    "testova",
    "тестова",
    "zarifa",
    "зарифа",
    "qurbanl",
    "петросян",
    "petrosyan",
    "պետրոսյան",
];

fn nothing_printed(o: &Output) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
    .to_lowercase();
    for w in SECRET_WORDS {
        assert!(!text.contains(w), "printed {w}: {text}");
    }
}

fn list(dir: &Path) -> PathBuf {
    let p = dir.join("deny.txt");
    std::fs::write(
        &p,
        "# synthetic\nRustam Əliyev\nРустам Мамедов\nZarifa Qurbanlı-Testova\nԱնահիտ Պետրոսյան\n+994 50 000 11 22\n14 Testov Street, apartment 7\n",
    )
    .unwrap();
    p
}

fn findings(src: &Path, deny: &Path) -> Vec<String> {
    let o = run(&["scan", s(src), "--deny-list", s(deny), "--json"]);
    nothing_printed(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn normalization_refuses_the_spellings_of_the_same_letters() {
    let d = tempfile::tempdir().unwrap();
    let deny = list(d.path());
    let src = d.path().join("src");
    std::fs::create_dir(&src).unwrap();
    for (i, text) in [
        "RUSTAM ƏLİYEV",
        "rustam əlıyev",
        "Rust\u{430}m \u{1DD}liyev",
        "Р\u{79}стам Мамедов",
        "Zarifa Qurbanli Testova",
        "ԱՆԱՀԻ՞Տ ՊԵՏՐՈՍՅԱՆ",
        "tel. +994500001122",
        "14 Testov Street,apartment 7",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(src.join(format!("t{i}.txt")), format!("statement: {text}.")).unwrap();
    }
    std::fs::write(src.join("RUSTAM_ƏLİYEV.txt"), "x").unwrap();
    std::fs::write(
        src.join("clean.txt"),
        "Rauf Qasımlı-Testzadə, 14 Testov Lane",
    )
    .unwrap();
    let mut f = findings(&src, &deny);
    f.sort();
    f.dedup();
    assert_eq!(f.len(), 9, "{f:?}");
}

#[test]
fn expanded_list_refuses_spellings_the_office_did_not_list() {
    let d = tempfile::tempdir().unwrap();
    let deny = list(d.path());
    let out = d.path().join("Rustam_Aliyev_variants.txt");
    let o = run(&["deny-list", "expand", s(&deny), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    nothing_printed(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("[withheld #"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let src = d.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let texts = [
        "Aliyev Rustam",
        "R. Aliyev",
        "Rustam Aliev",
        "Алиев Рустам",
        "показания Мамедова Рустама",
        "Zarifa Qurbanli-Testova",
        "Anahit Petrosian",
        "Анагит Петросян",
        "zəng: 0500001122",
        "14 Testov St., apt. 7",
    ];
    for (i, t) in texts.iter().enumerate() {
        std::fs::write(src.join(format!("t{i}.txt")), t).unwrap();
    }
    std::fs::write(src.join("RustamAliyev.txt"), "x").unwrap();
    std::fs::write(src.join("clean.txt"), "Rauf Aliyeva-Qasımlı, Petrosov").unwrap();
    let mut f = findings(&src, &out);
    f.sort();
    f.dedup();
    assert_eq!(f.len(), texts.len() + 1, "{f:?}");
    assert!(findings(&src, &deny).len() < texts.len());
}

#[test]
fn expand_errors_name_the_file_and_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let deny = list(d.path());
    let out = d.path().join("out.txt");
    assert_eq!(
        run(&["deny-list", "expand", s(&deny), "-o", s(&out)])
            .status
            .code(),
        Some(0)
    );
    let before = std::fs::read(&out).unwrap();
    let again = run(&["deny-list", "expand", s(&deny), "-o", s(&out)]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("out.txt") && err.contains("already exists"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let forced = run(&[
        "deny-list",
        "expand",
        s(&deny),
        "-o",
        s(&out),
        "--force",
        "--json",
    ]);
    assert_eq!(forced.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&forced.stdout).unwrap();
    assert_eq!(v["entries"], 6);
    let bad = d.path().join("bad.txt");
    std::fs::write(&bad, "Zarifa Testova\nZa\n").unwrap();
    let o = run(&[
        "deny-list",
        "expand",
        s(&bad),
        "-o",
        s(&d.path().join("o2.txt")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.txt:2:") && !err.contains("Zarifa"),
        "{err}"
    );
    assert!(!d.path().join("o2.txt").exists());
    let o = run(&[
        "deny-list",
        "expand",
        s(&d.path().join("none.txt")),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2));
    nothing_printed(&o);
}

/// `(file, rule)` of every finding of `intact scan SRC --deny-list DENY --json`.
fn scan_rules(src: &Path, deny: &Path) -> Vec<(String, String)> {
    let o = run(&["scan", s(src), "--deny-list", s(deny), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (g("file"), g("rule"))
        })
        .collect()
}

/// The false-alarm corpus (`scripts/gen-names-corpus.sh`: Russian, Azerbaijani and Armenian
/// documents by LibreOffice, full of names like the deny-list's): no deny-list match, neither
/// with the list as written nor expanded; the control documents (variants) are all found.
#[test]
fn similar_names_in_ordinary_documents_raise_no_deny_list_match() {
    let corpus = intact_testkit::repo().join("tests/names-corpus");
    let d = tempfile::tempdir().unwrap();
    let expanded = d.path().join("expanded.txt");
    let o = run(&[
        "deny-list",
        "expand",
        s(&corpus.join("deny.txt")),
        "-o",
        s(&expanded),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    for deny in [corpus.join("deny.txt"), expanded.clone()] {
        let hits: Vec<_> = scan_rules(&corpus.join("src"), &deny)
            .into_iter()
            .filter(|(_, r)| r == "deny-list-match")
            .collect();
        assert!(hits.is_empty(), "false alarms: {hits:?}");
    }
    let found: std::collections::BTreeSet<String> = scan_rules(&corpus.join("control"), &expanded)
        .into_iter()
        .filter(|(_, r)| r == "deny-list-match")
        .map(|(f, _)| f)
        .collect();
    assert_eq!(found.len(), 4, "{found:?}");
}
