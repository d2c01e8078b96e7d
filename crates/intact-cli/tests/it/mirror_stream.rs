//! `mirror pull` of a bundle large enough to be verified while it arrives (docs/MIRRORS.md):
//! its end is fetched first by a range request, the rest streamed, and the verification runs
//! beside the download. Against a real nginx on 127.0.0.1 and the fault proxy.

use std::path::{Path, PathBuf};

use intact_testkit::server::{Fault, FaultProxy, Nginx};
use intact_testkit::{code, s, stdout, text};

use crate::intact;
use crate::mirror::{publish, tree};
use crate::releases::Fx;

/// Synthetic text files of about 300 KB in all: a bundle well over the size streamed whole.
fn big_files() -> Vec<(String, String)> {
    (0..30)
        .map(|i| {
            let body: String = (0..400)
                .map(|l| format!("SYNTHETIC file {i:02}, line {l:04}: nothing here is real\n"))
                .collect();
            (format!("f{i:02}.txt"), body)
        })
        .collect()
}

struct Big {
    fx: Fx,
    served: PathBuf,
    bundle: PathBuf,
}

fn big_site() -> Big {
    let fx = Fx::new();
    let files = big_files();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_str()))
        .collect();
    let bundle = fx.ok_pack("big", "2026-03-01T00:00:00Z", &files, None, None);
    assert!(std::fs::metadata(&bundle).unwrap().len() > 256 << 10);
    let served = fx.p("www");
    publish(&fx, &served, &[&bundle]);
    Big { fx, served, bundle }
}

impl Big {
    fn pull(&self, url: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["mirror", "pull", url, s(dir), "--trust", s(&self.fx.trust)];
        args.extend_from_slice(extra);
        intact(&args)
    }

    /// Serves `bytes` in place of the bundle, under an index that matches them, and pulls into
    /// a new folder: the server (for its access log), the pull's output and the folder.
    fn pull_instead(&self, bytes: &[u8]) -> (Nginx, std::process::Output, PathBuf) {
        std::fs::write(self.served.join("bundles/big.zip"), bytes).unwrap();
        let o = intact(&["mirror", "index", s(&self.served)]);
        assert_eq!(code(&o), 0, "{}", text(&o));
        let nginx = Nginx::serve(&self.served);
        let dir = self.fx.p("m");
        let o = self.pull(&nginx.url("/"), &dir, &[]);
        (nginx, o, dir)
    }

    /// Nothing but a `bundles/` folder, empty: nothing unverified was named.
    fn nothing_named(&self, dir: &Path) {
        assert!(tree(dir).is_empty(), "{:?}", tree(dir).keys());
    }
}

/// The bundle's size and the ranges nginx answered for it, in order.
fn bundle_ranges(nginx: &Nginx) -> Vec<String> {
    nginx
        .access_log()
        .iter()
        .filter(|l| l.contains("/bundles/big.zip"))
        .map(|l| l.split('"').nth(1).unwrap_or("").to_owned())
        .collect()
}

#[test]
fn a_large_bundle_is_fetched_end_first_and_verified_while_it_arrives() {
    let big = big_site();
    let size = std::fs::metadata(&big.bundle).unwrap().len();
    let nginx = Nginx::serve(&big.served);
    let dir = big.fx.p("m");
    let o = big.pull(&nginx.url("/"), &dir, &["--json", "--no-sync"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&big.served));
    // The end first (a range to the last byte), then the stream from byte 0 up to the end's
    // first byte: every byte once, but for the part of the probe the end does not need.
    let ranges = bundle_ranges(&nginx);
    assert!(ranges.len() >= 2, "{ranges:?}");
    let last = format!("-{}", size - 1);
    assert!(ranges[0].ends_with(&last), "{ranges:?}");
    let stream = ranges.last().unwrap();
    assert!(stream.starts_with("bytes=0-"), "{ranges:?}");
    let from: u64 = stream["bytes=0-".len()..].parse::<u64>().unwrap() + 1;
    assert!(from > size / 2 && from < size, "{ranges:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let received = v["bytes_received"].as_u64().unwrap();
    assert!(
        received < size + (64 << 10) + 100_000,
        "{received} for {size}"
    );
}

#[test]
fn a_cut_stream_is_resumed_and_a_flipped_byte_anywhere_is_exit_1() {
    let big = big_site();
    let size = std::fs::metadata(&big.bundle).unwrap().len();
    let nginx = Nginx::serve(&big.served);
    // Cut once in the stream from byte 0: resumed from the byte reached.
    let proxy = FaultProxy::start(
        nginx.port,
        vec![Fault::CutRange {
            path: "bundles/big.zip".into(),
            range: "bytes=0-".into(),
            after: size / 3,
            times: 1,
        }],
    );
    let dir = big.fx.p("m-cut");
    let o = big.pull(&proxy.url("/"), &dir, &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(tree(&dir), tree(&big.served));
    let resumed = bundle_ranges(&nginx)
        .iter()
        .any(|r| r.starts_with(&format!("bytes={}-", size / 3)));
    assert!(resumed, "{:?}", nginx.access_log());
    // A bit flipped early (in the end's answer and the stream's), or late in the stream only.
    for at in [100, size / 2] {
        let proxy = FaultProxy::start(
            nginx.port,
            vec![Fault::Flip {
                path: "bundles/big.zip".into(),
                at,
            }],
        );
        let dir = big.fx.p(&format!("m-flip-{at}"));
        let o = big.pull(&proxy.url("/"), &dir, &[]);
        assert_eq!(code(&o), 1, "flip at {at}: {}", text(&o));
        assert!(stdout(&o).contains("sha256"), "{}", text(&o));
        big.nothing_named(&dir.join("bundles"));
        assert!(!dir.join("log").exists() && !dir.join("index.json").exists());
    }
}

/// The index matches the served file, but the file is not the signed release: one payload byte
/// changed after signing. The verification that ran beside the download refuses it.
#[test]
fn a_published_bundle_changed_after_signing_is_refused_though_the_index_matches() {
    let big = big_site();
    let mut bytes = std::fs::read(&big.bundle).unwrap();
    let needle = b"SYNTHETIC file 07, line 0200";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    bytes[at] = b'X';
    let (_nginx, o, dir) = big.pull_instead(&bytes);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = stdout(&o);
    assert!(out.contains("big.zip: not valid"), "{out}");
    assert!(out.contains("data/f07.txt"), "{out}");
    big.nothing_named(&dir.join("bundles"));
}

/// A served file that is no ZIP at all (its end has no central directory): streamed whole, and
/// the verification that waited for it says it is not a bundle.
#[test]
fn a_served_file_that_is_no_bundle_is_streamed_whole_and_refused() {
    let big = big_site();
    let junk: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (nginx, o, dir) = big.pull_instead(&junk);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(stdout(&o).contains("big.zip: not valid"), "{}", text(&o));
    // The probe of the end, then the whole file from byte 0.
    let ranges = bundle_ranges(&nginx);
    assert!(ranges.iter().any(|r| r == "-"), "{ranges:?}");
    big.nothing_named(&dir.join("bundles"));
}
