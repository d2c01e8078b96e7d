//! Checksum algorithms named by manifest files (`manifest-ALG.txt`), and hashing a file once with
//! every algorithm it needs.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// Read size when streaming a file through the hashers.
pub const CHUNK: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

pub const ALL: [Algorithm; 6] = [
    Algorithm::Md5,
    Algorithm::Sha1,
    Algorithm::Sha224,
    Algorithm::Sha256,
    Algorithm::Sha384,
    Algorithm::Sha512,
];

impl Algorithm {
    /// The algorithm a manifest file name uses (`md5`, `sha1`, `sha224`, `sha256`, `sha384`,
    /// `sha512`); `None` for any other name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Length of the checksum in hex digits.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha224 => 56,
            Algorithm::Sha256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 => 128,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlgorithmSet(u8);

impl AlgorithmSet {
    pub fn insert(&mut self, a: Algorithm) {
        self.0 |= a.bit();
    }

    pub fn contains(self, a: Algorithm) -> bool {
        self.0 & a.bit() != 0
    }
}

/// Lowercase hex checksums of one file, one per algorithm that was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Digests([Option<String>; 6]);

impl Digests {
    pub fn get(&self, a: Algorithm) -> Option<&str> {
        self.0[a as usize].as_deref()
    }
}

/// Reads `path` once, in [`CHUNK`]-sized pieces, feeding every algorithm in `set`.
/// Does not follow a symlink at `path`'s last component.
pub fn hash_file(path: &Path, set: AlgorithmSet) -> io::Result<Digests> {
    let mut file = open_no_follow(path)?;
    let mut md5 = set.contains(Algorithm::Md5).then(Md5::new);
    let mut sha1 = set.contains(Algorithm::Sha1).then(Sha1::new);
    let mut sha224 = set.contains(Algorithm::Sha224).then(Sha224::new);
    let mut sha256 = set.contains(Algorithm::Sha256).then(Sha256::new);
    let mut sha384 = set.contains(Algorithm::Sha384).then(Sha384::new);
    let mut sha512 = set.contains(Algorithm::Sha512).then(Sha512::new);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        if let Some(h) = md5.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha1.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha224.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha256.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha384.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = sha512.as_mut() {
            h.update(chunk);
        }
    }
    let mut out = Digests::default();
    out.0[Algorithm::Md5 as usize] = md5.map(|h| hex(&h.finalize()));
    out.0[Algorithm::Sha1 as usize] = sha1.map(|h| hex(&h.finalize()));
    out.0[Algorithm::Sha224 as usize] = sha224.map(|h| hex(&h.finalize()));
    out.0[Algorithm::Sha256 as usize] = sha256.map(|h| hex(&h.finalize()));
    out.0[Algorithm::Sha384 as usize] = sha384.map(|h| hex(&h.finalize()));
    out.0[Algorithm::Sha512 as usize] = sha512.map(|h| hex(&h.finalize()));
    Ok(out)
}

/// Opens a regular file for reading, refusing a symlink or special file at `path` (the payload
/// walk already reported those; this keeps a file swapped in since from being followed or
/// blocking the read).
fn open_no_follow(path: &Path) -> io::Result<File> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    File::open(path)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in ALL {
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
        assert_eq!(Algorithm::from_name("sha3-256"), None);
        assert_eq!(Algorithm::from_name("SHA256"), None);
    }

    #[test]
    fn hashes_once_with_every_algorithm() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = dir.path().join("hello.txt");
        std::fs::write(&p, b"hello\n").unwrap_or_else(|e| panic!("{e}"));
        let mut set = AlgorithmSet::default();
        for a in ALL {
            set.insert(a);
        }
        let d = hash_file(&p, set).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            d.get(Algorithm::Md5),
            Some("b1946ac92492d2347c6235b4d2611184")
        );
        assert_eq!(
            d.get(Algorithm::Sha1),
            Some("f572d396fae9206628714fb2ce00f72e94f2258f")
        );
        assert_eq!(
            d.get(Algorithm::Sha512),
            Some("e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629")
        );
        for a in ALL {
            assert_eq!(d.get(a).map(str::len), Some(a.hex_len()));
        }
        let mut only = AlgorithmSet::default();
        only.insert(Algorithm::Sha256);
        let d = hash_file(&p, only).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.get(Algorithm::Md5), None);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = dir.path().join("t");
        std::fs::write(&target, b"x").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        assert!(hash_file(&link, AlgorithmSet::default()).is_err());
    }
}
