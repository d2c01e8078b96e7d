//! Seeded synthetic corpora for `scripts/bench.sh`: the same arguments give the same files.
//!
//! `cargo run --release --example gen_corpus -- DIR KIND COUNT [TOTAL_BYTES] [SEED]`
//!
//! KIND is `mixed` (COUNT files adding up to TOTAL_BYTES, sizes log-normal with a long tail, like
//! scans and photographs), `tiny` (COUNT files of exactly TOTAL_BYTES bytes each, default 4096),
//! `small` (COUNT files of 0 to TOTAL_BYTES bytes, default 8192), or `big` (one file of
//! TOTAL_BYTES bytes). Files go 1,000 to a folder.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;

/// SplitMix64: small, fast, seeded.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// A standard normal sample (Box-Muller).
    fn normal(&mut self) -> f64 {
        (-2.0 * self.unit().ln()).sqrt() * (std::f64::consts::TAU * self.unit()).cos()
    }
}

/// Writes `size` pseudo-random bytes (incompressible, like JPEG or PDF content).
fn write_file(path: &Path, size: u64, rng: &mut Rng, buf: &mut Vec<u8>) {
    let f = File::create(path).expect("create");
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut left = size;
    while left > 0 {
        let n = left.min(1 << 20) as usize;
        buf.clear();
        while buf.len() < n {
            buf.extend_from_slice(&rng.next().to_le_bytes());
        }
        w.write_all(&buf[..n]).expect("write");
        left -= n as u64;
    }
    w.flush().expect("flush");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: gen_corpus DIR mixed|tiny|small|big COUNT [TOTAL_BYTES] [SEED]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[0]);
    let kind = args[1].as_str();
    let count: u64 = args[2].parse().expect("COUNT");
    let total: Option<u64> = args.get(3).map(|s| s.parse().expect("TOTAL_BYTES"));
    let seed: u64 = args.get(4).map_or(9, |s| s.parse().expect("SEED"));
    let mut rng = Rng(seed);
    let sizes: Vec<u64> = match kind {
        "mixed" => {
            let total = total.unwrap_or(1_500_000_000);
            // Log-normal, sigma 1.6: most files tens of KiB to a few MiB, a few of 50+ MiB.
            let raw: Vec<f64> = (0..count).map(|_| (1.6 * rng.normal()).exp()).collect();
            let sum: f64 = raw.iter().sum();
            let cap = 256.0 * 1024.0 * 1024.0;
            raw.iter()
                .map(|r| (r / sum * total as f64).min(cap) as u64)
                .collect()
        }
        "tiny" => vec![total.unwrap_or(4096); count as usize],
        "small" => {
            let max = total.unwrap_or(8192);
            (0..count).map(|_| rng.next() % (max + 1)).collect()
        }
        "big" => vec![total.unwrap_or((4 << 30) + (1 << 20))],
        other => panic!("unknown kind {other}"),
    };
    let exts = ["jpg", "tif", "pdf", "png", "txt"];
    let mut buf = Vec::with_capacity(1 << 20);
    let mut bytes = 0u64;
    for (i, size) in sizes.iter().enumerate() {
        let sub = dir.join(format!("d{:04}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&sub).expect("mkdir");
        }
        let name = format!("f{i:07}.{}", exts[i % exts.len()]);
        write_file(&sub.join(name), *size, &mut rng, &mut buf);
        bytes += size;
    }
    println!("{} files, {bytes} bytes in {}", sizes.len(), dir.display());
}
