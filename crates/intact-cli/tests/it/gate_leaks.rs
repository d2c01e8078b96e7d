//! The leak gate's promise about itself: a withheld string is never printed. Every command the
//! gate takes part in (scan, pack — refused by the gate, by a bad source, by bad metadata, and
//! packed — inspect, verify, redaction prove and verify) runs over a leaky fixture set: file and
//! folder names that hold deny-list entries through separators, case, percent-escapes, camel
//! case and other scripts; contents, metadata cells and headers (a column shifted by an unquoted
//! comma), exception paths and reasons, originals. Each runs twice — with plain pipes, and under
//! a pseudo-terminal (`script`, util-linux), so the progress bars are drawn — and no output, and
//! no file any of them wrote except the private ledger, may hold an entry in any reading the
//! gate's matcher has ([`intact::gate::DenyList::holds`]: case-folded, normalized, punctuation as
//! spaces, percent-decoded, camel case split, words run together).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use intact_testkit::gate::{deny, NAME, NAME2};
use intact_testkit::office::docx;
use intact_testkit::pdf::one_page;
use intact_testkit::{repo, s, write_file, Cmd};

use crate::intact_cmd;

const CYRILLIC: &str = "Дмитрий Вымышленный";
const ARMENIAN: &str = "Անահիտ Օրինակյան";

/// How a command's output is taken.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// stdout and stderr are pipes: no progress bar.
    Pipes,
    /// Both are a pseudo-terminal: progress bars are drawn.
    Pty,
}

/// Every file under `dir`, recursively (symbolic links not followed).
fn files_under(dir: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Writes the leaky fixture set under `root` (inputs only; nothing any command wrote).
fn fixtures(root: &Path) {
    std::fs::write(
        root.join("deny.txt"),
        format!("# private\n{NAME}\n{NAME2}\n{CYRILLIC}\n{ARMENIAN}\n"),
    )
    .unwrap();
    // leaky: names in every reading, contents in several formats
    let leaky = root.join("leaky");
    for (rel, body) in [
        (
            "Ivan_Fictitious_statement.txt",
            b"an ordinary statement\n".to_vec(),
        ),
        ("by-anahit-placeholder/page.txt", b"ok\n".to_vec()),
        ("ДМИТРИЙ.ВЫМЫШЛЕННЫЙ/IvanFictitious.txt", b"ok\n".to_vec()),
        ("Ivan/Fictitious/split.txt", b"ok\n".to_vec()),
        ("drafts/ivanfictitious-draft.txt", b"ok\n".to_vec()),
        ("Անահիտ-Օրինակյան.txt", b"ok\n".to_vec()),
        (
            "notes.txt",
            format!("witnesses {NAME} and {NAME2}\n").into_bytes(),
        ),
        (
            "letter.pdf",
            one_page(
                b"BT /F1 12 Tf 72 700 Td (Witness: Ivan Fictitious) Tj ET",
                "",
                "",
                &[],
                "",
            ),
        ),
        (
            "memo.docx",
            docx(&format!("<w:p><w:r><w:t>{NAME2}</w:t></w:r></w:p>"), &[]),
        ),
    ] {
        write_file(&leaky.join(rel), body);
    }
    // special: a symbolic link and a name with `%`, each holding a withheld name (pack refuses
    // them before the gate)
    let special = root.join("special");
    write_file(&special.join("a.txt"), "ok\n");
    write_file(&special.join("Ivan%20Fictitious.txt"), "ok\n");
    std::os::unix::fs::symlink("a.txt", special.join("Anahit_Placeholder.lnk")).unwrap();
    std::fs::create_dir_all(root.join("Anahit-Placeholder-empty")).unwrap();
    // clean: what packs, with an original named after the person it protects
    let clean = root.join("clean");
    write_file(
        &clean.join("t/testimony-1.txt"),
        "Witness lives at [REDACTED].\n",
    );
    write_file(&clean.join("t/testimony-2.txt"), "No redaction.\n");
    write_file(
        &root.join("originals/Ivan_Fictitious_original.txt"),
        format!("Witness {NAME} lives at 7 Elm Street.\n"),
    );
    let header = "path,id,case_no,doc_type,title,date,redaction_status,redaction_categories,legal_basis,reason,original\n";
    std::fs::write(
        root.join("meta-good.csv"),
        format!(
            "{header}t/testimony-1.txt,T-1,77,testimony,Testimony one,1990,partial,witness address,Art. 1,,Ivan_Fictitious_original.txt\n\
             t/testimony-2.txt,T-2,77,testimony,Testimony two,1990,none,,,,\n"
        ),
    )
    .unwrap();
    // metadata whose values hold withheld strings where they do not belong
    std::fs::write(
        root.join("meta-shifted.csv"),
        format!(
            "{header}t/testimony-1.txt,{NAME},77,{NAME2},Testimony one,{NAME},{ARMENIAN},,,,\n\
             {CYRILLIC}.txt,{NAME},77,testimony,Two,1990,none,,,,\n\
             t/testimony-2.txt,T-2,77,testimony,Two,1990,none,,,,,{NAME}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("meta-header.csv"),
        format!("path,id,{NAME},{NAME}\nt/testimony-1.txt,T-1,x,y\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("meta.json"),
        format!(r#"[{{"path":"t/testimony-1.txt","id":"T-1","case_no":"1","doc_type":"testimony","title":"t","redaction_status":"none","{NAME}":"x","date":"{NAME2}"}}]"#),
    )
    .unwrap();
    std::fs::write(
        root.join("exceptions.tsv"),
        format!(
            "Ivan_Fictitious_statement.txt\tunsupported-file-type\treviewed with {NAME2}\n\
             {CYRILLIC}/x.pdf\tpdf-annotation\tchecked by hand\n\
             t/testimony-1.txt\tpdf-annotation\tasked {ARMENIAN}\n"
        ),
    )
    .unwrap();
}

/// Runs `intact ARGS` in `dir` and returns its exit code and everything it printed.
fn run(mode: Mode, dir: &Path, args: &[&str]) -> (i32, String) {
    let o = match mode {
        Mode::Pipes => intact_cmd().args(args).current_dir(dir).output(),
        Mode::Pty => {
            let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
            let mut line = quote(env!("CARGO_BIN_EXE_intact"));
            for a in args {
                line.push(' ');
                line.push_str(&quote(a));
            }
            Cmd::new("script")
                .args(["-qec", &line, "/dev/null"])
                .env("TERM", "xterm")
                .current_dir(dir)
                .output()
        }
    };
    let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text)
}

/// Whether `bytes` hold a deny-list entry, read as UTF-8 or UTF-16 (either byte order).
fn holds(bytes: &[u8]) -> bool {
    let d = deny();
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    d.holds(&String::from_utf8_lossy(bytes)) || d.holds(&utf16(false)) || d.holds(&utf16(true))
}

/// Every command the gate takes part in, with the exit code it must end with; `{m}` in an
/// argument becomes the mode's name (each mode writes its own outputs).
fn commands() -> Vec<(i32, Vec<&'static str>)> {
    let key = "KEY";
    let base = [
        "--collection",
        "c",
        "--release",
        "r1",
        "--key",
        key,
        "--created",
        "2026-03-01T00:00:00Z",
    ];
    let pack = |src: &'static str, out: &'static str, extra: &[&'static str]| {
        let mut a = vec!["pack", src];
        a.extend(base);
        a.extend(["-o", out, "--deny-list", "deny.txt"]);
        a.extend(extra);
        a
    };
    let scan = |src: &'static str, extra: &[&'static str]| {
        let mut a = vec!["scan", src, "--deny-list", "deny.txt"];
        a.extend(extra);
        a
    };
    vec![
        (1, scan("leaky", &[])),
        (1, scan("leaky", &["--json"])),
        (
            1,
            scan(
                "leaky",
                &[
                    "--metadata",
                    "meta-shifted.csv",
                    "--exceptions",
                    "exceptions.tsv",
                ],
            ),
        ),
        (
            1,
            scan(
                "leaky",
                &[
                    "--metadata",
                    "meta-header.csv",
                    "--exceptions",
                    "exceptions.tsv",
                    "--json",
                ],
            ),
        ),
        (1, scan("special", &["--json"])),
        (
            1,
            scan(
                "clean",
                &["--metadata", "meta.json", "--exceptions", "exceptions.tsv"],
            ),
        ),
        (1, pack("leaky", "refused-{m}.zip", &[])),
        (
            1,
            pack(
                "leaky",
                "refused-{m}.zip",
                &["--json", "--exceptions", "exceptions.tsv"],
            ),
        ),
        (2, pack("special", "special-{m}.zip", &[])),
        (2, pack("Anahit-Placeholder-empty", "empty-{m}.zip", &[])),
        (
            2,
            pack(
                "clean",
                "shifted-{m}.zip",
                &["--metadata", "meta-shifted.csv"],
            ),
        ),
        (
            2,
            pack(
                "clean",
                "header-{m}.zip",
                &["--metadata", "meta-header.csv"],
            ),
        ),
        (
            2,
            pack("clean", "json-{m}.zip", &["--metadata", "meta.json"]),
        ),
        (
            1,
            pack(
                "clean",
                "reasons-{m}.zip",
                &["--exceptions", "exceptions.tsv"],
            ),
        ),
        (
            0,
            pack(
                "clean",
                "good-{m}.zip",
                &[
                    "--metadata",
                    "meta-good.csv",
                    "--originals",
                    "originals",
                    "--ledger",
                    "ledger-{m}.json",
                ],
            ),
        ),
        (0, vec!["inspect", "good-{m}.zip"]),
        (0, vec!["inspect", "good-{m}.zip", "--json"]),
        (0, vec!["verify", "good-{m}.zip", "--trust", "TRUST"]),
        (
            0,
            vec![
                "redaction",
                "prove",
                "--ledger",
                "ledger-{m}.json",
                "--original",
                "originals/Ivan_Fictitious_original.txt",
                "--bundle",
                "good-{m}.zip",
                "--item",
                "T-1",
                "-o",
                "disclosure-{m}.json",
            ],
        ),
        (
            0,
            vec![
                "redaction",
                "verify",
                "disclosure-{m}.json",
                "--original",
                "originals/Ivan_Fictitious_original.txt",
                "--bundle",
                "good-{m}.zip",
                "--trust",
                "TRUST",
            ],
        ),
    ]
}

#[test]
fn no_command_prints_or_writes_a_withheld_string() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fixtures(root);
    let trust = root.join("allowed_signers");
    std::fs::write(&trust, intact_cli::demo::demo_allowed_signers()).unwrap();
    let key = repo().join("keys/demo-office.key");
    let inputs = files_under(root);
    let mut masks_seen = 0;
    let mut progress_drawn = false;
    for mode in [Mode::Pipes, Mode::Pty] {
        let name = format!("{mode:?}").to_lowercase();
        for (code, args) in commands() {
            let args: Vec<String> = args
                .iter()
                .map(|a| match *a {
                    "KEY" => s(&key).to_owned(),
                    "TRUST" => s(&trust).to_owned(),
                    a => a.replace("{m}", &name),
                })
                .collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (got, out) = run(mode, root, &args);
            assert_eq!(got, code, "{mode:?} intact {}:\n{out}", args.join(" "));
            assert!(
                !holds(out.as_bytes()),
                "{mode:?} intact {} printed a withheld string:\n{out}",
                args.join(" ")
            );
            progress_drawn |= matches!(mode, Mode::Pty) && out.contains("packing ");
            masks_seen +=
                out.matches("[withheld #").count() + out.matches("name withheld]").count();
        }
    }
    // the refusals did say what they found, in masked form; the terminal saw a progress bar
    assert!(masks_seen > 40, "{masks_seen}");
    assert!(progress_drawn);
    let mut written = 0;
    for f in files_under(root).difference(&inputs) {
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("ledger-") {
            // the private ledger: it names the originals, and never leaves the office
            continue;
        }
        written += 1;
        let bytes = std::fs::read(f).unwrap();
        assert!(!holds(&bytes), "{} holds a withheld string", f.display());
    }
    // two bundles and two disclosures, and nothing of any refused run
    assert_eq!(
        written,
        4,
        "{:?}",
        files_under(root).difference(&inputs).collect::<Vec<_>>()
    );
}
