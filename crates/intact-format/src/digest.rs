//! SHA-256 digests: the one content address of the format, written as 64 lowercase hex digits.

use std::fmt;
use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Digest(pub [u8; 32]);

impl Sha256Digest {
    /// Digest of a byte slice.
    pub fn of(bytes: &[u8]) -> Sha256Digest {
        Sha256Digest(Sha256::digest(bytes).into())
    }

    /// Parses exactly 64 lowercase hex digits (the only spelling the format allows).
    /// Each digit is looked up in a table and any bad one is found once all are read, with no
    /// branch per digit: a digest's digits are random, and a branch on each (digit or letter)
    /// was mispredicted half the time (in a tree of 20,000 small files, more time than the
    /// record's Merkle leaf).
    pub fn from_hex(s: &str) -> Option<Sha256Digest> {
        let b: &[u8; 64] = s.as_bytes().try_into().ok()?;
        let mut out = [0u8; 32];
        let mut bad = 0u8;
        for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
            let (high, low) = (HEX_VALUE[pair[0] as usize], HEX_VALUE[pair[1] as usize]);
            bad |= high | low;
            *o = (high << 4) | low;
        }
        (bad & NOT_HEX == 0).then_some(Sha256Digest(out))
    }

    /// 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({})", self.to_hex())
    }
}

/// Lowercase hex of any bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// A lowercase hex digit's value; [`NOT_HEX`] for any other byte.
const HEX_VALUE: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Not a digit's value (a digit's fits in the low four bits).
const NOT_HEX: u8 = 0x10;

/// What one streaming pass over a file yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamDigest {
    pub sha256: Sha256Digest,
    pub crc32: u32,
    pub size: u64,
}

/// Size of the read buffer used for every streamed file.
pub const CHUNK: usize = 256 * 1024;

/// Hashes a reader to its end in fixed-size chunks: SHA-256, CRC-32 (for ZIP members) and size.
pub fn hash_stream(r: impl Read) -> io::Result<StreamDigest> {
    hash_stream_with(r, &mut vec![0u8; CHUNK], |_| {})
}

/// [`hash_stream`] reading into the caller's buffer (one per thread, not one per file), calling
/// `seen` with the size of each chunk hashed.
pub fn hash_stream_with(
    r: impl Read,
    buf: &mut [u8],
    seen: impl FnMut(u64),
) -> io::Result<StreamDigest> {
    let mut crc = crc32fast::Hasher::new();
    let (sha256, size) = stream(r, buf, |chunk| crc.update(chunk), seen)?;
    Ok(StreamDigest {
        sha256,
        crc32: crc.finalize(),
        size,
    })
}

/// [`hash_stream_with`] without the CRC-32, for bytes that have none to match (a file of an
/// extracted tree): SHA-256 and size.
pub fn sha256_stream_with(
    r: impl Read,
    buf: &mut [u8],
    seen: impl FnMut(u64),
) -> io::Result<(Sha256Digest, u64)> {
    stream(r, buf, |_| {}, seen)
}

/// Reads `r` to its end through `buf`: SHA-256 and size, each chunk also given to `also`.
fn stream(
    mut r: impl Read,
    buf: &mut [u8],
    mut also: impl FnMut(&[u8]),
    mut seen: impl FnMut(u64),
) -> io::Result<(Sha256Digest, u64)> {
    let mut sha = Sha256::new();
    let mut size = 0u64;
    loop {
        let n = match r.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        sha.update(&buf[..n]);
        also(&buf[..n]);
        size += n as u64;
        seen(n as u64);
    }
    Ok((Sha256Digest(sha.finalize().into()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_string_digest() {
        assert_eq!(
            Sha256Digest::of(b"").to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hex_round_trip_and_strictness() {
        let d = Sha256Digest::of(b"abc");
        assert_eq!(Sha256Digest::from_hex(&d.to_hex()), Some(d));
        assert_eq!(Sha256Digest::from_hex(&d.to_hex().to_uppercase()), None);
        assert_eq!(Sha256Digest::from_hex("abc"), None);
        assert_eq!(Sha256Digest::from_hex(&"g".repeat(64)), None);
    }

    /// The table's reading is the plain one: exactly 64 lowercase hex digits.
    fn from_hex_plainly(s: &str) -> Option<Sha256Digest> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.as_bytes().chunks(2).enumerate() {
            out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
        }
        Some(Sha256Digest(out))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn from_hex_reads_as_the_plain_reading_does(
            digest in proptest::array::uniform32(proptest::prelude::any::<u8>()),
            at in 0usize..64,
            byte in proptest::prelude::any::<u8>(),
            edit in proptest::prelude::any::<bool>(),
            other in "\\PC{0,70}",
        ) {
            let mut text = Sha256Digest(digest).to_hex().into_bytes();
            if edit {
                text[at] = byte;
            }
            let text = String::from_utf8_lossy(&text).into_owned();
            proptest::prop_assert_eq!(Sha256Digest::from_hex(&text), from_hex_plainly(&text));
            proptest::prop_assert_eq!(Sha256Digest::from_hex(&other), from_hex_plainly(&other));
        }
    }

    #[test]
    fn stream_matches_one_shot() {
        let data = vec![7u8; CHUNK * 2 + 13];
        let s = hash_stream(&data[..]).unwrap();
        assert_eq!(s.sha256, Sha256Digest::of(&data));
        assert_eq!(s.size, data.len() as u64);
        assert_eq!(s.crc32, crc32fast::hash(&data));
        let mut chunks = 0;
        let (sha, size) = sha256_stream_with(&data[..], &mut [0u8; 1000], |_| chunks += 1).unwrap();
        assert_eq!((sha, size), (s.sha256, s.size));
        assert_eq!(chunks, data.len().div_ceil(1000));
    }
}
