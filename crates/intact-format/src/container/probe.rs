//! What a file that is not a valid bundle looks like, to say so in plain words: not a ZIP at all,
//! a ZIP that holds no intact bag (an ordinary archive), or a bundle whose container is broken.
//!
//! Lenient on purpose, unlike the reader: it looks only for the end record and the names in the
//! central directory, to tell "this is not an intact bundle" from "this bundle was damaged". It
//! never decides validity (a file it calls a bundle is still checked by every rule), reads a
//! bounded number of bytes per entry, and stops at the first thing it cannot follow.

use std::io;

use super::{
    ReadAt, EOCD_LEN, SIG_CENTRAL, SIG_EOCD, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR, ZIP64_EOCD_LEN,
    ZIP64_LOCATOR_LEN,
};

/// The most central directory entries looked at.
const MAX_ENTRIES: u64 = 1_000_000;
/// The length of the fixed part of a central directory entry.
const CENTRAL_FIXED: usize = 46;

/// What a file looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    /// No ZIP end record: not a ZIP file.
    NotZip,
    /// A ZIP file without `TOP/bagit.txt` or `TOP/intact/release.json`: not an intact bundle.
    OtherZip,
    /// A ZIP file with an intact bag's names in it (whatever else is wrong with it).
    Bundle,
}

fn u16_at(b: &[u8], i: usize) -> u64 {
    b.get(i..i + 2)
        .map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])))
        .unwrap_or(0)
}

fn u32_at(b: &[u8], i: usize) -> u64 {
    b.get(i..i + 4)
        .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
        .unwrap_or(0)
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    b.get(i..i + 8)
        .map(|s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
        .unwrap_or(0)
}

fn read(source: &dyn ReadAt, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    source.read_exact_at(offset, &mut buf)?;
    Ok(buf)
}

/// Whether a member name is one only an intact bag has: `TOP/bagit.txt`, `TOP/intact/…`.
fn bag_name(name: &[u8]) -> bool {
    match name.iter().position(|&b| b == b'/') {
        Some(i) => {
            let rest = &name[i + 1..];
            rest == b"bagit.txt" || rest.starts_with(b"intact/")
        }
        None => false,
    }
}

/// Where the central directory is and how many entries it has: `(offset, size, entries)`,
/// from the end record (or its ZIP64 form); `None` when there is no end record.
fn central_directory(source: &dyn ReadAt, len: u64) -> io::Result<Option<(u64, u64, u64)>> {
    if len < EOCD_LEN {
        return Ok(None);
    }
    let tail_len = len.min(EOCD_LEN + 0xFFFF);
    let tail_start = len - tail_len;
    let tail = read(source, tail_start, tail_len as usize)?;
    let sig = SIG_EOCD.to_le_bytes();
    let Some(at) = (0..=tail.len() - EOCD_LEN as usize)
        .rev()
        .find(|&i| tail[i..i + 4] == sig)
    else {
        return Ok(None);
    };
    let (mut entries, mut size, mut offset) = (
        u16_at(&tail, at + 10),
        u32_at(&tail, at + 12),
        u32_at(&tail, at + 16),
    );
    let eocd = tail_start + at as u64;
    if (entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF)
        && eocd >= ZIP64_LOCATOR_LEN
    {
        let loc = read(source, eocd - ZIP64_LOCATOR_LEN, ZIP64_LOCATOR_LEN as usize)?;
        if u32_at(&loc, 0) == u64::from(SIG_ZIP64_LOCATOR) {
            let z = u64_at(&loc, 8);
            if z.checked_add(ZIP64_EOCD_LEN).is_some_and(|end| end <= len) {
                let rec = read(source, z, ZIP64_EOCD_LEN as usize)?;
                if u32_at(&rec, 0) == u64::from(SIG_ZIP64_EOCD) {
                    (entries, size, offset) =
                        (u64_at(&rec, 32), u64_at(&rec, 40), u64_at(&rec, 48));
                }
            }
        }
    }
    Ok(Some((offset, size, entries)))
}

/// What `source` looks like (see [`Looks`]); an I/O error only when it cannot be read.
pub fn probe(source: &dyn ReadAt) -> io::Result<Looks> {
    let len = source.len()?;
    let Some((offset, size, entries)) = central_directory(source, len)? else {
        return Ok(Looks::NotZip);
    };
    let end = offset.saturating_add(size).min(len);
    let mut pos = offset;
    for _ in 0..entries.min(MAX_ENTRIES) {
        if pos.saturating_add(CENTRAL_FIXED as u64) > end {
            break;
        }
        let h = read(source, pos, CENTRAL_FIXED)?;
        if u32_at(&h, 0) != u64::from(SIG_CENTRAL) {
            break;
        }
        let (n, e, c) = (u16_at(&h, 28), u16_at(&h, 30), u16_at(&h, 32));
        let name_at = pos + CENTRAL_FIXED as u64;
        if name_at.saturating_add(n) > end {
            break;
        }
        if bag_name(&read(source, name_at, n as usize)?) {
            return Ok(Looks::Bundle);
        }
        pos = name_at + n + e + c;
    }
    Ok(Looks::OtherZip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_zip() {
        assert_eq!(probe(&b"hello\n".to_vec()).unwrap(), Looks::NotZip);
        assert_eq!(probe(&Vec::new()).unwrap(), Looks::NotZip);
        assert_eq!(probe(&vec![0u8; 100_000]).unwrap(), Looks::NotZip);
    }

    /// A STORED ZIP with these names (contents empty), as any archiver writes it.
    fn zip(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let off = out.len() as u32;
            out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            out.extend_from_slice(&[0u8; 22]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&[0u8; 24]);
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0u8; 12]);
            central.extend_from_slice(&off.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_off = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0u8; 4]);
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_off.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn an_ordinary_zip_is_not_a_bundle() {
        assert_eq!(
            probe(&zip(&["a.txt", "dir/b.txt"])).unwrap(),
            Looks::OtherZip
        );
        assert_eq!(probe(&zip(&[])).unwrap(), Looks::OtherZip);
        // bagit.txt not under one top directory is no bag of a bundle
        assert_eq!(probe(&zip(&["bagit.txt"])).unwrap(), Looks::OtherZip);
    }

    #[test]
    fn a_zip_with_a_bag_looks_like_a_bundle() {
        assert_eq!(
            probe(&zip(&["top/", "top/bagit.txt"])).unwrap(),
            Looks::Bundle
        );
        assert_eq!(
            probe(&zip(&["x/data/a", "x/intact/release.json"])).unwrap(),
            Looks::Bundle
        );
    }

    #[test]
    fn a_truncated_central_directory_stops_quietly() {
        let mut z = zip(&["a.txt", "top/bagit.txt"]);
        let n = z.len();
        // claim a central directory far past the end
        z[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(probe(&z).is_ok());
    }
}
