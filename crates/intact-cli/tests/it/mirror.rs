//! Mirrors and remote bundles over HTTP (docs/MIRRORS.md), against a real nginx the tests start
//! on 127.0.0.1 and a fault proxy in front of it: `mirror pull`, `verify URL`,
//! `check --bundle URL`, `cite URL`; each fault gives its exit code, a one-line message, and
//! nothing unverified in the mirror.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use intact_testkit::server::{Fault, FaultProxy, Nginx, S3sFs, S3_ACCESS_KEY, S3_SECRET_KEY};
use intact_testkit::{code, s, stderr, stdout, text};

use crate::intact;
use crate::releases::{two_releases, Fx};

/// Every file under `dir` (hidden ones too) and its bytes.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// Every name under `dir`, folders too.
fn names(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            e.path().strip_prefix(dir).unwrap().display().to_string()
        })
        .collect()
}

/// The office's published folders under `served`: `new/` with releases 1 and 2, `old/` with
/// release 1 only (an older copy of the same record).
struct Site {
    fx: Fx,
    served: PathBuf,
    r1: PathBuf,
    r2: PathBuf,
}

pub(crate) fn publish(fx: &Fx, dir: &Path, bundles: &[&Path]) {
    std::fs::create_dir_all(dir.join("bundles")).unwrap();
    for b in bundles {
        let o = fx.append(&dir.join("log"), b);
        assert_eq!(code(&o), 0, "{}", text(&o));
        std::fs::copy(b, dir.join("bundles").join(b.file_name().unwrap())).unwrap();
    }
    let o = intact(&["mirror", "index", s(dir)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
}

fn site() -> Site {
    let fx = Fx::new();
    let (r1, r2) = two_releases(&fx);
    let served = fx.p("www");
    publish(&fx, &served.join("new"), &[&r1, &r2]);
    publish(&fx, &served.join("old"), &[&r1]);
    Site { fx, served, r1, r2 }
}

impl Site {
    fn pull(&self, url: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["mirror", "pull", url, s(dir), "--trust", s(&self.fx.trust)];
        args.extend_from_slice(extra);
        intact(&args)
    }
}

/// The mirror holds nothing but what verified: no log, no index, no temporary folder, and any
/// bundle it holds is the published one.
fn nothing_unverified(site: &Site, dir: &Path) {
    let published = tree(&site.served.join("new"));
    for (rel, bytes) in tree(dir) {
        assert!(rel.starts_with("bundles/"), "{rel} in the mirror");
        assert_eq!(
            published.get(&rel),
            Some(&bytes),
            "{rel} is not the published file"
        );
    }
    for n in names(dir) {
        assert!(
            n == "bundles" || n.starts_with("bundles/"),
            "{n} left in the mirror"
        );
    }
}

#[test]
fn a_mirror_pulled_from_nginx_equals_the_published_folder() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let dir = site.fx.p("mirror");
    let state = site.fx.p("state.json");
    let o = site.pull(&nginx.url("/new/"), &dir, &["--state", s(&state), "--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("new")));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["report"], "intact-mirror-pull/1");
    assert_eq!(v["downloaded"].as_array().unwrap().len(), 2);
    assert_eq!(v["new_releases"].as_array().unwrap().len(), 2);
    assert_eq!(v["state_updated"], true);
    // The mirror is a log and bundles `log verify` accepts.
    let o = site.fx.log_verify(
        &dir.join("log"),
        &["--bundles", s(&dir.join("bundles")), "--state", s(&state)],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));

    // A second run downloads nothing.
    let o = site.pull(&nginx.url("/new"), &dir, &["--state", s(&state), "--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["downloaded"].as_array().unwrap().len(), 0);
    assert_eq!(v["held"].as_array().unwrap().len(), 2);
}

#[test]
fn a_pull_downloads_only_the_releases_it_does_not_have() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let dir = site.fx.p("mirror");
    let o = site.pull(&nginx.url("/old/"), &dir, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("old")));
    let before = nginx.access_log().len();
    let o = site.pull(&nginx.url("/new/"), &dir, &["--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("new")));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<&str> = v["downloaded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["bundles/r2.zip"]);
    let r1_again = nginx.access_log()[before..]
        .iter()
        .any(|l| l.contains("/new/bundles/r1.zip"));
    assert!(!r1_again, "{:?}", nginx.access_log());
}

#[test]
fn remote_bundles_are_verified_checked_and_cited_by_ranges() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let url = nginx.url("/new/bundles/r1.zip");
    let trust = s(&site.fx.trust);
    let o = intact(&["verify", &url, "--trust", trust]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(stdout(&o).contains("VALID: http://"), "{}", text(&o));

    let file = site.fx.p("c.txt");
    std::fs::write(&file, "SYNTHETIC item c\n").unwrap();
    let o = intact(&["check", s(&file), "--bundle", &url, "--trust", trust]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let out = stdout(&o);
    assert!(
        out.contains("not verified: the rest of the bundle"),
        "{out}"
    );
    assert!(out.contains("byte for byte"), "{out}");
    let o = intact(&[
        "check",
        s(&file),
        "--bundle",
        &url,
        "--trust",
        trust,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert!(v["remote"]["bytes_received"].as_u64().unwrap() > 0);

    std::fs::write(&file, "SYNTHETIC item c, changed\n").unwrap();
    let o = intact(&["check", s(&file), "--bundle", &url, "--trust", trust]);
    assert_eq!(code(&o), 1, "{}", text(&o));

    let proof = site.fx.p("c.proof.json");
    let o = intact(&[
        "cite",
        &url,
        "--id",
        "c.txt",
        "-o",
        s(&proof),
        "--trust",
        trust,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    std::fs::write(&file, "SYNTHETIC item c\n").unwrap();
    let o = intact(&["check", s(&file), "--proof", s(&proof), "--trust", trust]);
    assert_eq!(code(&o), 0, "{}", text(&o));

    // A server that ignores suffix ranges: a HEAD and an explicit range instead.
    let proxy = FaultProxy::start(nginx.port, vec![Fault::NoSuffixRanges]);
    let o = intact(&[
        "verify",
        &proxy.url("/new/bundles/r2.zip"),
        "--trust",
        trust,
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o));

    // A URL that is not there, a tampered copy.
    let o = intact(&[
        "verify",
        &nginx.url("/new/bundles/none.zip"),
        "--trust",
        trust,
    ]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(stderr(&o).contains("HTTP 404"), "{}", text(&o));
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::Flip {
            path: "r1.zip".into(),
            at: 200,
        }],
    );
    let o = intact(&[
        "verify",
        &proxy.url("/new/bundles/r1.zip"),
        "--trust",
        trust,
    ]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let _ = (&site.r1, &site.r2);
}

/// A file already at a bundle's name stands for a new release only when it verifies in full: a
/// same-size copy with one payload byte changed (its `release.json` untouched) is refused and
/// the log is not extended.
#[test]
fn a_held_copy_of_a_new_release_is_verified_before_it_counts() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let dir = site.fx.p("mirror");
    std::fs::create_dir_all(dir.join("bundles")).unwrap();
    let mut bytes = std::fs::read(&site.r2).unwrap();
    let at = bytes
        .windows(9)
        .position(|w| w == b"SYNTHETIC")
        .expect("a payload text in the bundle");
    bytes[at] ^= 0x20;
    let held = dir.join("bundles").join(site.r2.file_name().unwrap());
    std::fs::write(&held, &bytes).unwrap();
    let o = site.pull(&nginx.url("/new/"), &dir, &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("does not verify"), "{}", text(&o));
    assert!(!dir.join("log").exists(), "the log was extended");
    assert_eq!(
        std::fs::read(&held).unwrap(),
        bytes,
        "the held file was replaced"
    );
}

#[test]
fn a_connection_cut_mid_bundle_is_resumed_or_fails_with_nothing_named() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let size = std::fs::metadata(&site.r1).unwrap().len();
    let cut = |times| Fault::Cut {
        path: "bundles/r1.zip".into(),
        after: size / 2,
        times,
    };
    // Cut once: resumed from the byte reached.
    let proxy = FaultProxy::start(nginx.port, vec![cut(1)]);
    let dir = site.fx.p("m-once");
    let o = site.pull(&proxy.url("/new/"), &dir, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("new")));
    let resumed = nginx.access_log().iter().any(|l| {
        l.contains("/new/bundles/r1.zip 206") && l.contains(&format!("bytes={}-", size / 2))
    });
    assert!(resumed, "{:?}", nginx.access_log());

    // Cut every time: exit 2 after the retries, nothing unverified named.
    let proxy = FaultProxy::start(nginx.port, vec![cut(1000)]);
    let dir = site.fx.p("m-always");
    let o = site.pull(&proxy.url("/new/"), &dir, &["--retries", "1"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        stdout(&o).contains("r1.zip: the connection ended before the whole answer arrived"),
        "{}",
        text(&o)
    );
    nothing_unverified(&site, &dir);
}

#[test]
fn a_byte_flipped_in_transit_is_exit_1_and_nothing_is_named() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    for (path, at) in [("bundles/r2.zip", 1000), ("log/000002/manifest.json", 10)] {
        let proxy = FaultProxy::start(
            nginx.port,
            vec![Fault::Flip {
                path: path.into(),
                at,
            }],
        );
        let dir = site.fx.p(&format!("m-{}", path.replace('/', "-")));
        let o = site.pull(&proxy.url("/new/"), &dir, &[]);
        assert_eq!(code(&o), 1, "{path}: {}", text(&o));
        assert!(stdout(&o).contains("sha256"), "{}", text(&o));
        assert!(!dir.join("bundles/r2.zip").exists());
        nothing_unverified(&site, &dir);
    }
}

#[test]
fn a_404_for_one_bundle_is_exit_2_and_the_log_is_not_changed() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::NotFound {
            path: "bundles/r2.zip".into(),
        }],
    );
    let dir = site.fx.p("m");
    let o = site.pull(&proxy.url("/new/"), &dir, &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        stdout(&o).contains("r2.zip: HTTP 404 Not Found"),
        "{}",
        text(&o)
    );
    nothing_unverified(&site, &dir);
    // The next run, with the server mended, completes.
    let o = site.pull(&nginx.url("/new/"), &dir, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("new")));
}

#[test]
fn an_older_log_served_later_is_a_rollback_refused() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let dir = site.fx.p("m");
    let state = site.fx.p("state.json");
    let o = site.pull(&nginx.url("/new/"), &dir, &["--state", s(&state)]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let before = tree(&dir);
    let state_before = std::fs::read(&state).unwrap();
    // The same URL, but the server now serves the older folder.
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::Rewrite {
            from: "/new/".into(),
            to: "/old/".into(),
        }],
    );
    let o = site.pull(&proxy.url("/new/"), &dir, &["--state", s(&state)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(stdout(&o).contains("rollback"), "{}", text(&o));
    assert_eq!(tree(&dir), before);
    assert_eq!(std::fs::read(&state).unwrap(), state_before);
    // The state file alone catches it for a fresh folder, too.
    let fresh = site.fx.p("fresh");
    let o = site.pull(&proxy.url("/new/"), &fresh, &["--state", s(&state)]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(stdout(&o).contains("rollback"), "{}", text(&o));
    assert!(tree(&fresh).is_empty());
}

#[test]
fn a_slow_server_times_out_with_exit_2_and_nothing_named() {
    let site = site();
    let nginx = Nginx::serve(&site.served);
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::Stall {
            path: "bundles/r1.zip".into(),
            wait: Duration::from_secs(4),
        }],
    );
    let dir = site.fx.p("m");
    let o = site.pull(
        &proxy.url("/new/"),
        &dir,
        &["--timeout", "1", "--retries", "0"],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(stdout(&o).contains("r1.zip: timed out"), "{}", text(&o));
    nothing_unverified(&site, &dir);
}

#[test]
fn a_source_that_is_not_a_url_or_not_there_is_exit_2() {
    let site = site();
    let dir = site.fx.p("m");
    let o = site.pull("/srv/not-a-url", &dir, &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let nginx = Nginx::serve(&site.served);
    let o = site.pull(&nginx.url("/nothing/"), &dir, &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(stderr(&o).contains("index.json: HTTP 404"), "{}", text(&o));
    assert!(tree(&dir).is_empty());
}

/// The JSON documents of this area, for the schema test (schemas.rs): `index.json`, a pull
/// report (valid, then with a problem and an error), and `check --bundle URL --json`.
pub(crate) fn documents(check: &mut dyn FnMut(&str, &str, &serde_json::Value)) {
    let site = site();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.served.join("new/index.json")).unwrap())
            .unwrap();
    check("mirror-index.schema.json", "index.json", &index);
    let nginx = Nginx::serve(&site.served);
    let dir = site.fx.p("m");
    let o = site.pull(&nginx.url("/new/"), &dir, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    check("mirror-pull-report.schema.json", "mirror pull --json", &v);
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::NotFound {
            path: "r2.zip".into(),
        }],
    );
    let o = site.pull(&proxy.url("/new/"), &site.fx.p("m2"), &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(1), "{v}");
    check(
        "mirror-pull-report.schema.json",
        "mirror pull --json (404)",
        &v,
    );
    let file = site.fx.p("c.txt");
    std::fs::write(&file, "SYNTHETIC item c\n").unwrap();
    let url = nginx.url("/new/bundles/r1.zip");
    let o = intact(&[
        "check",
        s(&file),
        "--bundle",
        &url,
        "--trust",
        s(&site.fx.trust),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    check("check-report.schema.json", "check --bundle URL --json", &v);
}

/// `intact` with the test S3 server's endpoint and credentials in the environment (read by the
/// command line only).
fn with_s3(s3: &S3sFs, args: &[&str]) -> std::process::Output {
    crate::intact_cmd()
        .args(args)
        .env("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", S3_SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", s3.endpoint())
        .output()
}

#[test]
fn a_mirror_pulled_from_s3_equals_the_published_folder() {
    let site = site();
    // The bucket `records` holds the published folders as objects.
    let buckets = site.fx.p("s3");
    crate::releases::copy_dir(&site.served, &buckets.join("records"));
    let s3 = S3sFs::serve(&buckets);
    let dir = site.fx.p("mirror");
    let trust = s(&site.fx.trust);
    let o = with_s3(
        &s3,
        &[
            "mirror",
            "pull",
            "s3://records/old",
            s(&dir),
            "--trust",
            trust,
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("old")));
    let o = with_s3(
        &s3,
        &[
            "mirror",
            "pull",
            "s3://records/new/",
            s(&dir),
            "--trust",
            trust,
            "--json",
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&site.served.join("new")));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["downloaded"].as_array().unwrap().len(), 1, "{v}");

    // Remote bundles by ranges, over S3; an object that is not there; no credentials.
    let url = "s3://records/new/bundles/r2.zip";
    let o = with_s3(&s3, &["verify", url, "--trust", trust]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let file = site.fx.p("d.txt");
    std::fs::write(&file, "SYNTHETIC item d\n").unwrap();
    let o = with_s3(&s3, &["check", s(&file), "--bundle", url, "--trust", trust]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = with_s3(
        &s3,
        &[
            "verify",
            "s3://records/new/bundles/none.zip",
            "--trust",
            trust,
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    let o = crate::intact_cmd()
        .args([
            "verify",
            url,
            "--trust",
            trust,
            "--endpoint",
            &s3.endpoint(),
            "--retries",
            "0",
        ])
        .output();
    assert_eq!(code(&o), 2, "{}", text(&o));

    // log verify --bundles s3://…: every *.zip object, in full; then one byte changed there.
    let log = site.served.join("new/log");
    let bundles = "s3://records/new/bundles";
    let verify_log = |extra: &[&str]| {
        let mut args = vec![
            "log",
            "verify",
            s(&log),
            "--bundles",
            bundles,
            "--trust",
            trust,
        ];
        args.extend_from_slice(extra);
        with_s3(&s3, &args)
    };
    let o = verify_log(&["--json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["bundles_checked"], 2, "{v}");
    let object = buckets.join("records/new/bundles/r1.zip");
    let mut bytes = std::fs::read(&object).unwrap();
    let at = intact_testkit::bundle::offset_of(&bytes, b"SYNTHETIC item c");
    bytes[at] ^= 0x20;
    std::fs::write(&object, bytes).unwrap();
    let o = verify_log(&[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(
        stdout(&o).contains("s3://records/new/bundles/r1.zip"),
        "{}",
        text(&o)
    );
}

/// A published log in layout 2 (FORMAT.md §15): `mirror pull` copies its checkpoints and
/// cosignatures, checks them with the log key and the witness policy, and keeps the head
/// checkpoint in the state; without the key, or with a head no witness cosigned, nothing is
/// pulled.
#[test]
fn a_layout_2_log_is_pulled_with_its_checkpoints_and_witness_policy() {
    use crate::transparency::{append_signed, cosign, keys};
    let fx = Fx::new();
    let k = keys(&fx);
    let (r1, r2) = two_releases(&fx);
    let served = fx.p("www");
    let publish_signed = |dir: &Path, cosigned: bool| {
        std::fs::create_dir_all(dir.join("bundles")).unwrap();
        for b in [&r1, &r2] {
            append_signed(&fx, &k, &dir.join("log"), b);
            std::fs::copy(b, dir.join("bundles").join(b.file_name().unwrap())).unwrap();
        }
        if cosigned {
            let o = cosign(&k, &dir.join("log"), &fx.p("witness-state.json"));
            assert_eq!(code(&o), 0, "{}", text(&o));
        }
        let o = intact(&["mirror", "index", s(dir)]);
        assert_eq!(code(&o), 0, "{}", text(&o));
    };
    publish_signed(&served.join("witnessed"), true);
    publish_signed(&served.join("bare"), false);
    let nginx = Nginx::serve(&served);
    let policy = ["--log-key", s(&k.log_vkey), "--witnesses", s(&k.witnesses)];
    let pull = |url: &str, dir: &Path, extra: &[&str]| {
        let mut args = vec!["mirror", "pull", url, s(dir), "--trust", s(&fx.trust)];
        args.extend_from_slice(extra);
        intact(&args)
    };

    let dir = fx.p("mirror");
    let state = fx.p("state.json");
    let mut args = policy.to_vec();
    args.extend(["--state", s(&state)]);
    let o = pull(&nginx.url("/witnessed/"), &dir, &args);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&served.join("witnessed")));
    assert!(dir.join("log/tlog/checkpoints/000002").is_file());
    let st: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(st["state"], "intact-mirror-state/2");
    assert!(st["checkpoint"].as_str().unwrap().contains("\n2\n"));

    // Without the log key a layout-2 log cannot be checked: nothing is pulled.
    let other = fx.p("mirror-no-key");
    let o = pull(&nginx.url("/witnessed/"), &other, &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(!other.join("log").exists());

    // A head no listed witness cosigned fails the policy: nothing is pulled.
    let other = fx.p("mirror-bare");
    let o = pull(&nginx.url("/bare/"), &other, &policy);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(!other.join("log").exists());
}
