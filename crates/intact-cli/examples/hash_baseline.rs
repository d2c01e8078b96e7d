//! The plain baseline `scripts/bench.sh` compares `intact verify` with: SHA-256 of every regular
//! file under DIR, in 2 threads, with the same crates `intact` uses (sha2, rayon, walkdir) and
//! nothing else (no container, no manifest, no CRC).
//!
//! `cargo run --release --example hash_baseline -- DIR [THREADS]`

use std::fs::File;
use std::io::Read;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: hash_baseline DIR [THREADS]");
    let threads: usize = args.next().map_or(2, |t| t.parse().expect("THREADS"));
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let (bytes, xor) = pool.install(|| {
        files
            .par_iter()
            .map_init(
                || vec![0u8; 256 * 1024],
                |buf, path| {
                    let mut f = File::open(path).expect("open");
                    let mut sha = Sha256::new();
                    let mut n = 0u64;
                    loop {
                        let k = f.read(buf).expect("read");
                        if k == 0 {
                            break;
                        }
                        sha.update(&buf[..k]);
                        n += k as u64;
                    }
                    (n, sha.finalize()[0])
                },
            )
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 ^ b.1))
    });
    println!(
        "{} files, {bytes} bytes hashed (check byte {xor:02x})",
        files.len()
    );
}
