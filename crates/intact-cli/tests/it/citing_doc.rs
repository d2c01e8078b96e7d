//! docs/CITING.md's worked example is real output: every `$ command` of the section is run, in
//! order, in one shell in a fresh directory (with this build's `intact` first on the PATH), and
//! what it prints (standard output and error, as a terminal shows them) must be the indented
//! lines the document shows after it.

use intact_testkit::{repo, stderr, stdout, Cmd};

/// A command of the transcript and the output the document shows for it.
#[derive(Debug)]
struct Step {
    command: String,
    shown: String,
}

/// The `$ ` commands (a line ending in ` \` continues on the next) of the section and the
/// indented lines after each; a line of prose ends a command's output.
fn transcript(doc: &str, section: &str) -> Vec<Step> {
    let start = doc.find(section).expect("the section");
    let rest = &doc[start + section.len()..];
    let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut steps: Vec<Step> = Vec::new();
    let mut open = false;
    let mut continued = false;
    for line in body.lines() {
        if let Some(code) = line.strip_prefix("    ") {
            if continued {
                let step = steps.last_mut().unwrap();
                step.command.push(' ');
                step.command
                    .push_str(code.trim().trim_end_matches('\\').trim_end());
                continued = code.ends_with('\\');
            } else if let Some(cmd) = code.strip_prefix("$ ") {
                steps.push(Step {
                    command: cmd.trim_end_matches('\\').trim_end().to_owned(),
                    shown: String::new(),
                });
                continued = cmd.ends_with('\\');
                open = true;
            } else if open {
                let step = steps.last_mut().unwrap();
                step.shown.push_str(code);
                step.shown.push('\n');
            }
        } else if line.trim().is_empty() {
            if open && !continued {
                if let Some(step) = steps.last_mut() {
                    step.shown.push('\n');
                }
            }
        } else {
            open = false;
        }
    }
    for s in &mut steps {
        s.shown = s.shown.trim_end().to_owned();
    }
    steps
}

#[test]
fn citing_md_worked_example_is_what_intact_prints() {
    let doc = std::fs::read_to_string(repo().join("docs/CITING.md")).unwrap();
    let steps = transcript(&doc, "## Worked example (the demo)");
    assert!(steps.len() >= 8, "{steps:?}");
    let marker = "@@intact-citing-step@@";
    let mut script = String::from("set +e\nrc=0\n");
    for s in &steps {
        script.push_str(&format!(
            "echo '{marker}'\n(exit $rc); {} 2>&1; rc=$?\n",
            s.command
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_intact"))
        .parent()
        .unwrap()
        .to_owned();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let o = Cmd::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .env("PATH", path)
        .output();
    // The demo's bundle id changes with every run (fresh salts for its commitments): the
    // document's id stands for this run's.
    let (_, files) = intact_testkit::bundle::bundle_files(
        &std::fs::read(tmp.path().join("intact-demo/release-1.zip")).unwrap(),
    );
    let id = intact_testkit::sha_hex(&files[intact_testkit::bundle::RELEASE_JSON]);
    let shown_id = doc
        .split("bundle id  ")
        .nth(1)
        .and_then(|rest| rest.get(..64))
        .expect("a bundle id in the worked example");
    let out = stdout(&o).replace(&id, shown_id);
    let got: Vec<&str> = out.split(&format!("{marker}\n")).skip(1).collect();
    assert_eq!(got.len(), steps.len(), "{out}\n{}", stderr(&o));
    let mut wrong = Vec::new();
    for (s, g) in steps.iter().zip(got) {
        if g.trim_end() != s.shown {
            wrong.push(format!(
                "$ {}\n--- CITING.md shows:\n{}\n--- intact prints:\n{}",
                s.command,
                s.shown,
                g.trim_end()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
