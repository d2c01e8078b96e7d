//! `log verify --bundles` over a mirror of many bundles, verified several at once within a
//! memory bound (docs/MIRRORS.md, "Verifying many bundles at once"): the report is the same,
//! byte for byte, whether the bound forces one bundle at a time or lets all run at once, for a
//! folder and for `s3://`.

use std::path::{Path, PathBuf};

use intact_testkit::server::{S3sFs, S3_ACCESS_KEY, S3_SECRET_KEY};
use intact_testkit::{code, s, text};
use serde_json::Value;

use crate::intact;
use crate::releases::Fx;

/// The bounds and thread counts compared: one at a time (a bound of 0 or 1 byte), and all at
/// once (a bound far above every estimate).
const RUNS: &[&[&str]] = &[
    &["--memory-limit", "0"],
    &["--memory-limit", "1", "--parallel", "8"],
    &["--memory-limit", "1T", "--parallel", "16"],
    &["--memory-limit", "1T", "--parallel", "2"],
    &[],
];

/// A log of `n` chained releases `r1` … `rn` (each of a few items), and the bundles.
fn chain(fx: &Fx, n: usize) -> (PathBuf, Vec<PathBuf>) {
    let log = fx.p("log");
    let mut bundles: Vec<PathBuf> = Vec::new();
    for i in 1..=n {
        let body: Vec<(String, String)> = (0..3)
            .map(|k| {
                (
                    format!("r{i}-{k}.txt"),
                    format!("SYNTHETIC item {k} of release {i}\n"),
                )
            })
            .collect();
        let files: Vec<(&str, &str)> = body.iter().map(|(p, b)| (p.as_str(), b.as_str())).collect();
        let created = format!("2026-01-{i:02}T00:00:00Z");
        let b = fx.ok_pack(
            &format!("r{i}"),
            &created,
            &files,
            bundles.last().map(PathBuf::as_path),
            None,
        );
        let o = fx.append(&log, &b);
        assert!(o.status.success(), "{}", text(&o));
        bundles.push(b);
    }
    (log, bundles)
}

/// One byte of `needle` in `path` changed.
fn flip(path: &Path, needle: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = intact_testkit::bundle::offset_of(&bytes, needle);
    bytes[at] ^= 0x20;
    std::fs::write(path, bytes).unwrap();
}

/// A mirror of the releases: r2's payload changed, two bytes of r4's, r5 missing, two copies
/// of r3, r6 extracted into a tree with one file changed, a ZIP that is no bundle, a README.
fn mirror(fx: &Fx, bundles: &[PathBuf]) -> PathBuf {
    let dir = fx.p("mirror");
    std::fs::create_dir(&dir).unwrap();
    for (i, b) in bundles.iter().enumerate() {
        if i + 1 != 5 && i + 1 != 6 {
            std::fs::copy(b, dir.join(format!("r{}.zip", i + 1))).unwrap();
        }
    }
    std::fs::copy(&bundles[2], dir.join("r3-copy.zip")).unwrap();
    flip(&dir.join("r2.zip"), b"SYNTHETIC item 1 of release 2");
    flip(&dir.join("r4.zip"), b"SYNTHETIC item 0 of release 4");
    flip(&dir.join("r4.zip"), b"SYNTHETIC item 2 of release 4");
    let o = intact(&[
        "extract",
        s(&bundles[5]),
        "--to",
        s(&dir.join("r6-tree")),
        "--trust",
        s(&fx.trust),
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    std::fs::write(dir.join("r6-tree/coll-r6/data/r6-1.txt"), "altered\n").unwrap();
    std::fs::write(dir.join("broken.zip"), "SYNTHETIC: not a zip").unwrap();
    std::fs::write(dir.join("README.txt"), "SYNTHETIC mirror readme\n").unwrap();
    dir
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// The last path component of a problem's path.
fn last(p: &Value) -> &str {
    p["path"].as_str().unwrap().rsplit('/').next().unwrap()
}

#[test]
fn a_mirror_of_many_bundles_gives_the_same_report_one_at_a_time_and_all_at_once() {
    let fx = Fx::new();
    let (log, bundles) = chain(&fx, 9);
    let dir = mirror(&fx, &bundles);
    // A bundle of a release the log does not have.
    let other = fx.ok_pack(
        "x1",
        "2026-05-01T00:00:00Z",
        &[("x.txt", "SYNTHETIC x\n")],
        None,
        None,
    );
    std::fs::copy(&other, dir.join("x1.zip")).unwrap();
    let mut seen: Option<(Vec<u8>, Vec<u8>)> = None;
    for run in RUNS {
        let mut args = vec!["--bundles", s(&dir)];
        args.extend_from_slice(run);
        let human = fx.log_verify(&log, &args);
        assert_eq!(code(&human), 1, "{run:?}: {}", text(&human));
        args.push("--json");
        let o = fx.log_verify(&log, &args);
        assert_eq!(code(&o), 1, "{run:?}: {}", text(&o));
        match &seen {
            None => seen = Some((human.stdout.clone(), o.stdout.clone())),
            Some((h, j)) => {
                assert_eq!(
                    String::from_utf8_lossy(h),
                    String::from_utf8_lossy(&human.stdout),
                    "{run:?}"
                );
                assert_eq!(
                    String::from_utf8_lossy(j),
                    String::from_utf8_lossy(&o.stdout),
                    "{run:?}"
                );
            }
        }
    }
    // And what the report says: problems in the order of a run one at a time — the unreadable
    // bundle, then by release (r2's copy, r4's, r5 missing, r6's tree), each copy named.
    let r = json(&fx.log_verify(&log, &["--bundles", s(&dir), "--json"]));
    let problems = r["problems"].as_array().unwrap();
    let order: Vec<(Value, &str)> = problems
        .iter()
        .map(|p| (p["release"].clone(), last(p)))
        .collect();
    let mut want: Vec<(Value, &str)> = vec![(Value::Null, "broken.zip")];
    want.push(("r2".into(), "r2.zip"));
    want.extend([("r4".into(), "r4.zip"), ("r4".into(), "r4.zip")]);
    want.push(("r5".into(), "mirror"));
    // The tree's changed file: its size (Payload-Oxum) and its content.
    want.extend([("r6".into(), "r6-tree"), ("r6".into(), "r6-tree")]);
    assert_eq!(order, want, "{problems:#?}");
    assert!(problems[1]["message"]
        .as_str()
        .unwrap()
        .contains("data/r2-1.txt"));
    assert!(problems[2]["message"]
        .as_str()
        .unwrap()
        .contains("data/r4-0.txt"));
    assert!(problems[3]["message"]
        .as_str()
        .unwrap()
        .contains("data/r4-2.txt"));
    // r1 r2 r3 r3-copy r4 r6-tree r7 r8 r9; x1 is a bundle no release names.
    assert_eq!(r["bundles_checked"], 9, "{r}");
    let copies: Vec<&str> = r["releases"][2]["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(copies, ["r3-copy.zip", "r3.zip"]);
    let unlisted: Vec<&str> = r["unlisted_bundles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(unlisted, ["x1.zip"]);

    // Without the damage, every run says valid.
    for name in ["r2.zip", "r4.zip", "broken.zip"] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    std::fs::remove_dir_all(dir.join("r6-tree")).unwrap();
    for (i, b) in bundles.iter().enumerate() {
        let to = dir.join(format!("r{}.zip", i + 1));
        if !to.exists() {
            std::fs::copy(b, to).unwrap();
        }
    }
    for run in RUNS {
        let mut args = vec!["--bundles", s(&dir)];
        args.extend_from_slice(run);
        let o = fx.log_verify(&log, &args);
        assert_eq!(code(&o), 0, "{run:?}: {}", text(&o));
        assert!(text(&o).contains("10 bundle(s) in"), "{}", text(&o));
    }
}

#[test]
fn the_bound_and_the_count_are_checked_as_flags() {
    let fx = Fx::new();
    let log = fx.p("log");
    for args in [
        &["--memory-limit", "1G"][..],
        &["--parallel", "2"],
        &["--bundles", "b", "--memory-limit", "1.5G"],
        &["--bundles", "b", "--memory-limit", "12 apples"],
        &["--bundles", "b", "--parallel", "0"],
    ] {
        let o = fx.log_verify(&log, args);
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o));
    }
}

/// `intact` with the test S3 server's endpoint and credentials in the environment.
fn with_s3(endpoint: &str, args: &[&str]) -> std::process::Output {
    crate::intact_cmd()
        .args(args)
        .env("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .output()
}

#[test]
fn log_verify_bundles_s3_gives_the_same_report_one_at_a_time_and_all_at_once() {
    let fx = Fx::new();
    let (log, bundles) = chain(&fx, 6);
    let dir = mirror(&fx, &bundles);
    // The bucket `records` holds the mirror folder as objects (the tree becomes a "folder").
    let buckets = fx.p("s3");
    crate::releases::copy_dir(&dir, &buckets.join("records/m"));
    let s3 = S3sFs::serve(&buckets);
    let endpoint = s3.endpoint();
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "log",
            "verify",
            s(&log),
            "--bundles",
            "s3://records/m",
            "--trust",
            s(&fx.trust),
        ];
        args.extend_from_slice(extra);
        with_s3(&endpoint, &args)
    };
    let mut seen: Option<Vec<u8>> = None;
    for run in RUNS {
        let mut args = run.to_vec();
        args.push("--json");
        let o = verify(&args);
        assert_eq!(code(&o), 1, "{run:?}: {}", text(&o));
        match &seen {
            None => seen = Some(o.stdout.clone()),
            Some(j) => assert_eq!(
                String::from_utf8_lossy(j),
                String::from_utf8_lossy(&o.stdout),
                "{run:?}"
            ),
        }
    }
    let r = json(&verify(&["--json"]));
    let problems = r["problems"].as_array().unwrap();
    let order: Vec<(Value, &str)> = problems
        .iter()
        .map(|p| (p["release"].clone(), last(p)))
        .collect();
    let want: Vec<(Value, &str)> = vec![
        (Value::Null, "broken.zip"),
        ("r2".into(), "r2.zip"),
        ("r4".into(), "r4.zip"),
        ("r4".into(), "r4.zip"),
        ("r5".into(), "m"),
        ("r6".into(), "m"),
    ];
    assert_eq!(order, want, "{problems:#?}");
    assert_eq!(r["bundles_checked"], 5, "{r}");
    // The server gone: a network error, exit 2, whatever the bound.
    drop(s3);
    for run in [&["--memory-limit", "0"][..], &["--memory-limit", "1T"]] {
        let mut args = run.to_vec();
        args.extend(["--retries", "0"]);
        let o = verify(&args);
        assert_eq!(code(&o), 2, "{run:?}: {}", text(&o));
    }
}
