//! Seeded synthetic corpora for `scripts/bench.sh`: the same arguments give the same files.
//!
//! `cargo run --release --example gen_corpus -- DIR KIND COUNT [TOTAL_BYTES] [SEED]`
//!
//! KIND is `mixed` (COUNT files adding up to TOTAL_BYTES, sizes log-normal with a long tail, like
//! scans and photographs), `tiny` (COUNT files of exactly TOTAL_BYTES bytes each, default 4096),
//! `small` (COUNT files of 0 to TOTAL_BYTES bytes, default 8192), or `big` (one file of
//! TOTAL_BYTES bytes). Files go 1,000 to a folder.
//!
//! Each file is of a kind the leak gate reads (no exceptions needed): JPEG photographs and PNG
//! scans whose image data is random bytes, and plain-text transcripts of placeholder words, in
//! turn; files under 64 bytes are text. All content is synthetic.

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

/// Fills `buf` with exactly `n` pseudo-random bytes.
fn random_bytes(rng: &mut Rng, buf: &mut Vec<u8>, n: usize) {
    buf.clear();
    while buf.len() < n {
        buf.extend_from_slice(&rng.next().to_le_bytes());
    }
    buf.truncate(n);
}

/// Synthetic words for text files (placeholder text, no real names).
const WORDS: [&str; 16] = [
    "synthetic",
    "placeholder",
    "statement",
    "record",
    "witness",
    "page",
    "archive",
    "case",
    "item",
    "sample",
    "text",
    "line",
    "testimony",
    "scan",
    "entry",
    "report",
];

/// What a file holds, chosen by its extension. Every kind is one the leak gate reads, as in a
/// real release: photographs (JPEG), scans (PNG), transcripts (plain text). The bulk of each
/// image is random bytes, so the data is as incompressible as real pixel data.
#[derive(Clone, Copy)]
enum Kind {
    Jpeg,
    Png,
    Text,
}

/// Writes a file of exactly `size` bytes of kind `kind` (a file too small for the kind's
/// structure is written as text).
fn write_file(path: &Path, size: u64, kind: Kind, rng: &mut Rng, buf: &mut Vec<u8>) {
    let f = File::create(path).expect("create");
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let kind = match kind {
        Kind::Jpeg if size >= 64 => Kind::Jpeg,
        Kind::Png if size >= 64 => Kind::Png,
        _ => Kind::Text,
    };
    match kind {
        Kind::Jpeg => {
            // SOI, a JFIF APP0 segment, SOS, entropy-coded data (0xFF always followed by a
            // stuffed 0x00), EOI.
            let head: [u8; 20] = [
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1,
                0, 0,
            ];
            let sos: [u8; 14] = [
                0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00,
            ];
            w.write_all(&head).expect("write");
            w.write_all(&sos).expect("write");
            let mut left = size - (head.len() + sos.len() + 2) as u64;
            while left > 0 {
                let n = left.min(1 << 20) as usize;
                random_bytes(rng, buf, n);
                for i in 0..n {
                    if buf[i] == 0xFF {
                        if i + 1 < n {
                            buf[i + 1] = 0x00;
                        } else {
                            buf[i] = 0xFE;
                        }
                    }
                }
                w.write_all(buf).expect("write");
                left -= n as u64;
            }
            w.write_all(&[0xFF, 0xD9]).expect("write");
        }
        Kind::Png => {
            // Signature, IHDR, one IDAT chunk of random bytes, IEND (each chunk with its CRC).
            let chunk = |w: &mut BufWriter<File>, ty: &[u8; 4], data: &[u8]| {
                w.write_all(&(data.len() as u32).to_be_bytes())
                    .expect("write");
                w.write_all(ty).expect("write");
                w.write_all(data).expect("write");
                let mut crc = crc32fast::Hasher::new();
                crc.update(ty);
                crc.update(data);
                w.write_all(&crc.finalize().to_be_bytes()).expect("write");
            };
            w.write_all(b"\x89PNG\r\n\x1a\n").expect("write");
            let ihdr = [0, 0, 4, 0, 0, 0, 3, 0, 8, 2, 0, 0, 0];
            chunk(&mut w, b"IHDR", &ihdr);
            let idat = size - 8 - (12 + 13) - 12 - 12;
            random_bytes(rng, buf, idat as usize);
            chunk(&mut w, b"IDAT", buf);
            chunk(&mut w, b"IEND", &[]);
        }
        Kind::Text => {
            let mut left = size;
            let mut line = String::new();
            while left > 0 {
                line.clear();
                while line.len() < 72 {
                    line.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
                    line.push(' ');
                }
                line.push('\n');
                let n = left.min(line.len() as u64) as usize;
                w.write_all(&line.as_bytes()[..n]).expect("write");
                left -= n as u64;
            }
        }
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
    let kind_arg = args[1].as_str();
    let count: u64 = args[2].parse().expect("COUNT");
    let total: Option<u64> = args.get(3).map(|s| s.parse().expect("TOTAL_BYTES"));
    let seed: u64 = args.get(4).map_or(9, |s| s.parse().expect("SEED"));
    let mut rng = Rng(seed);
    let sizes: Vec<u64> = match kind_arg {
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
    let kinds = [
        ("jpg", Kind::Jpeg),
        ("png", Kind::Png),
        ("jpg", Kind::Jpeg),
        ("txt", Kind::Text),
    ];
    let mut buf = Vec::with_capacity(1 << 20);
    let mut bytes = 0u64;
    for (i, size) in sizes.iter().enumerate() {
        let sub = dir.join(format!("d{:04}", i / 1000));
        if i % 1000 == 0 {
            fs::create_dir_all(&sub).expect("mkdir");
        }
        let (ext, kind) = kinds[i % kinds.len()];
        let kind = if kind_arg == "big" { Kind::Jpeg } else { kind };
        write_file(
            &sub.join(format!("f{i:07}.{ext}")),
            *size,
            kind,
            &mut rng,
            &mut buf,
        );
        bytes += size;
    }
    println!("{} files, {bytes} bytes in {}", sizes.len(), dir.display());
}
