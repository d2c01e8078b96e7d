//! The ZIP container (FORMAT.md §2): a strict reader for untrusted bundles.
//!
//! Written by hand rather than with the `zip` crate's reader on purpose: the verifier must see
//! the exact bytes (local headers, central directory, gaps, trailing data) that general archive
//! readers are built to tolerate, because each tolerance is a known way to make a file that two
//! tools read differently. The reader never decompresses anything: v1 allows only STORED entries,
//! so every member is a byte range of the file, read in place.

use std::fs::File;
use std::os::unix::fs::FileExt;

use rayon::prelude::*;

/// One member of a bundle ZIP: where its bytes are, and what the central directory says of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The entry name exactly as stored (validated UTF-8).
    pub name: String,
    /// Offset of the first data byte in the file.
    pub data_offset: u64,
    /// Size in bytes (STORED: compressed = uncompressed).
    pub size: u64,
    /// CRC-32 from the central directory.
    pub crc32: u32,
}

/// A problem with the container itself, with the entry name when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerProblem {
    pub entry: Option<String>,
    pub message: String,
}

/// The members that passed every per-entry rule, and every problem found.
#[derive(Debug, Default)]
pub struct Container {
    pub members: Vec<Member>,
    pub problems: Vec<ContainerProblem>,
}

const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_EOCD: u32 = 0x0605_4b50;
const SIG_ZIP64_EOCD: u32 = 0x0606_4b50;
const SIG_ZIP64_LOCATOR: u32 = 0x0706_4b50;
const EOCD_LEN: u64 = 22;
const ZIP64_LOCATOR_LEN: u64 = 20;
const ZIP64_EOCD_LEN: u64 = 56;
const FLAG_UTF8: u16 = 0x0800;
/// The one modification date allowed (1980-01-01; the time field is 0).
const DOS_DATE_1980: u16 = 0x0021;
/// "Version made by" host byte of Unix: the external attributes carry a Unix mode.
const MADE_BY_UNIX: u16 = 3;
const MAX_ENTRIES: u64 = 10_000_000;
/// The central directory is read into memory; bound it (10 million entries of ~150 bytes).
const MAX_CENTRAL_DIRECTORY: u64 = 2 << 30;

fn problem(entry: Option<&str>, message: impl Into<String>) -> ContainerProblem {
    ContainerProblem {
        entry: entry.map(str::to_owned),
        message: message.into(),
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(b: &'a [u8]) -> Self {
        Cursor { b, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
    }
}

fn read_exact_at(file: &File, offset: u64, len: usize) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; len];
    file.read_exact_at(&mut buf, offset)
        .map_err(|e| format!("cannot read {len} bytes at offset {offset}: {e}"))?;
    Ok(buf)
}

/// Reads up to `buf.len()` bytes at `offset` into `buf`: fewer only at the end of the file.
fn read_at_most(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
    let len = buf.len();
    let mut n = 0;
    while n < len {
        match file.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Where the central directory is, from the end records.
struct Directory {
    entries: u64,
    cd_offset: u64,
    cd_size: u64,
}

/// Reads the end of central directory (and its ZIP64 form), requiring it to end the file.
fn read_end(file: &File, len: u64) -> Result<Directory, ContainerProblem> {
    if len == 0 {
        return Err(problem(None, "empty file, not a ZIP bundle"));
    }
    if len < EOCD_LEN {
        return Err(problem(
            None,
            "not a ZIP file (too short for an end of central directory)",
        ));
    }
    let eocd_at = len - EOCD_LEN;
    let eocd = read_exact_at(file, eocd_at, EOCD_LEN as usize).map_err(|m| problem(None, m))?;
    let mut c = Cursor::new(&eocd);
    if c.u32() != Some(SIG_EOCD) {
        return Err(problem(None, locate_misplaced_end(file, len)));
    }
    let disk = c.u16().unwrap_or(1);
    let cd_disk = c.u16().unwrap_or(1);
    let n_disk = c.u16().unwrap_or(0);
    let n_total = c.u16().unwrap_or(0);
    let cd_size32 = c.u32().unwrap_or(0);
    let cd_off32 = c.u32().unwrap_or(0);
    let comment_len = c.u16().unwrap_or(1);
    if comment_len != 0 {
        return Err(problem(
            None,
            "ZIP comment present (the format allows none)",
        ));
    }
    let needs64 = n_total == 0xFFFF || cd_size32 == 0xFFFF_FFFF || cd_off32 == 0xFFFF_FFFF;
    let (entries, cd_offset, cd_size, end_start) = if needs64 {
        if eocd_at < ZIP64_LOCATOR_LEN + ZIP64_EOCD_LEN {
            return Err(problem(None, "ZIP64 end records missing (file truncated?)"));
        }
        let loc_at = eocd_at - ZIP64_LOCATOR_LEN;
        let loc = read_exact_at(file, loc_at, ZIP64_LOCATOR_LEN as usize)
            .map_err(|m| problem(None, m))?;
        let mut c = Cursor::new(&loc);
        if c.u32() != Some(SIG_ZIP64_LOCATOR) {
            return Err(problem(
                None,
                "ZIP64 end of central directory locator missing",
            ));
        }
        let loc_disk = c.u32().unwrap_or(1);
        let rec_at = c.u64().unwrap_or(u64::MAX);
        let disks = c.u32().unwrap_or(0);
        if loc_disk != 0 || disks != 1 {
            return Err(problem(None, "multi-disk ZIP archives are not bundles"));
        }
        if rec_at.checked_add(ZIP64_EOCD_LEN) != Some(loc_at) {
            return Err(problem(
                None,
                "ZIP64 end record is not right before its locator",
            ));
        }
        let rec =
            read_exact_at(file, rec_at, ZIP64_EOCD_LEN as usize).map_err(|m| problem(None, m))?;
        let mut c = Cursor::new(&rec);
        if c.u32() != Some(SIG_ZIP64_EOCD) {
            return Err(problem(
                None,
                "ZIP64 end of central directory record missing",
            ));
        }
        let rec_size = c.u64().unwrap_or(0);
        let _made_by = c.u16();
        let _needed = c.u16();
        let d = c.u32().unwrap_or(1);
        let cd_d = c.u32().unwrap_or(1);
        let n_d = c.u64().unwrap_or(0);
        let n_t = c.u64().unwrap_or(1);
        let size = c.u64().unwrap_or(0);
        let off = c.u64().unwrap_or(0);
        if rec_size != ZIP64_EOCD_LEN - 12 {
            return Err(problem(
                None,
                "ZIP64 end record has extensible data (not allowed)",
            ));
        }
        if d != 0 || cd_d != 0 || n_d != n_t {
            return Err(problem(None, "multi-disk ZIP archives are not bundles"));
        }
        (n_t, off, size, rec_at)
    } else {
        if disk != 0 || cd_disk != 0 || n_disk != n_total {
            return Err(problem(None, "multi-disk ZIP archives are not bundles"));
        }
        (
            u64::from(n_total),
            u64::from(cd_off32),
            u64::from(cd_size32),
            eocd_at,
        )
    };
    if entries > MAX_ENTRIES {
        return Err(problem(
            None,
            format!("{entries} entries is more than the {MAX_ENTRIES} allowed"),
        ));
    }
    if cd_size > MAX_CENTRAL_DIRECTORY {
        return Err(problem(None, "central directory too large"));
    }
    match cd_offset.checked_add(cd_size) {
        Some(end) if end == end_start => {}
        Some(end) if end < end_start => {
            // A central directory found right before its end record, but not where the offsets
            // say: every offset is short by the same amount, i.e. bytes were prepended.
            let shifted = read_exact_at(file, end_start - cd_size, 4)
                .is_ok_and(|b| b == SIG_CENTRAL.to_le_bytes());
            let message = if shifted && entries > 0 {
                format!(
                    "{} bytes before the first entry (prepended data)",
                    end_start - end
                )
            } else {
                format!(
                    "{} unexpected bytes between the central directory and its end record",
                    end_start - end
                )
            };
            return Err(problem(None, message));
        }
        _ => {
            return Err(problem(
                None,
                "central directory lies outside the file (truncated, or bytes prepended)",
            ))
        }
    }
    Ok(Directory {
        entries,
        cd_offset,
        cd_size,
    })
}

/// The end record is not at the very end: say whether bytes were appended or the file is no ZIP.
fn locate_misplaced_end(file: &File, len: u64) -> String {
    let window = len.min(1 << 20);
    let Ok(tail) = read_exact_at(file, len - window, window as usize) else {
        return "not a ZIP file".into();
    };
    let sig = SIG_EOCD.to_le_bytes();
    match tail.windows(4).rposition(|w| w == sig) {
        Some(i) => {
            let eocd_end = (len - window) + i as u64 + EOCD_LEN;
            let comment_len = tail
                .get(i + 20..i + 22)
                .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])));
            if comment_len != 0 && eocd_end + comment_len == len {
                "ZIP comment present (the format allows none)".into()
            } else if eocd_end < len {
                format!(
                    "{} bytes after the end of the ZIP archive (appended data)",
                    len - eocd_end
                )
            } else {
                "ZIP end record is cut off (truncated file)".into()
            }
        }
        None => {
            let head = read_exact_at(file, 0, 4.min(len as usize)).unwrap_or_default();
            if head == SIG_LOCAL.to_le_bytes() {
                "ZIP end of central directory missing (truncated file)".into()
            } else {
                "not a ZIP file".into()
            }
        }
    }
}

struct CentralEntry<'a> {
    name_raw: &'a [u8],
    made_by: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc32: u32,
    csize: u64,
    usize_: u64,
    local_offset: u64,
    unix_mode: u32,
}

/// Sizes and offset from a ZIP64 extra field (uncompressed, compressed, local header offset).
type Zip64Fields = (Option<u64>, Option<u64>, Option<u64>);

/// Parses the ZIP64 extended-information extra field for the fields that were saturated.
fn zip64_fields(
    extra: &[u8],
    want_usize: bool,
    want_csize: bool,
    want_offset: bool,
) -> Result<Zip64Fields, String> {
    let mut c = Cursor::new(extra);
    let mut found = None;
    while c.pos < extra.len() {
        let id = c.u16().ok_or("malformed extra field")?;
        let len = c.u16().ok_or("malformed extra field")?;
        let data = c.take(len as usize).ok_or("malformed extra field")?;
        if id != 0x0001 {
            return Err(format!("extra field 0x{id:04x} (only ZIP64 is allowed)"));
        }
        if found.is_some() {
            return Err("two ZIP64 extra fields".into());
        }
        found = Some(data);
    }
    let Some(data) = found else {
        if want_usize || want_csize || want_offset {
            return Err("ZIP64 extra field missing".into());
        }
        return Ok((None, None, None));
    };
    let mut d = Cursor::new(data);
    let u = if want_usize {
        Some(d.u64().ok_or("short ZIP64 extra field")?)
    } else {
        None
    };
    let cs = if want_csize {
        Some(d.u64().ok_or("short ZIP64 extra field")?)
    } else {
        None
    };
    let off = if want_offset {
        Some(d.u64().ok_or("short ZIP64 extra field")?)
    } else {
        None
    };
    if d.pos != data.len() {
        return Err("ZIP64 extra field has unexpected contents".into());
    }
    Ok((u, cs, off))
}

fn parse_central(cd: &[u8], count: u64) -> Result<Vec<CentralEntry<'_>>, ContainerProblem> {
    let mut c = Cursor::new(cd);
    let mut out = Vec::with_capacity(count.min(1 << 20) as usize);
    for i in 0..count {
        let bad = |m: &str| problem(None, format!("central directory entry {i}: {m}"));
        if c.u32() != Some(SIG_CENTRAL) {
            return Err(bad("bad signature"));
        }
        let made_by = c.u16().ok_or_else(|| bad("truncated"))?;
        let _needed = c.u16().ok_or_else(|| bad("truncated"))?;
        let flags = c.u16().ok_or_else(|| bad("truncated"))?;
        let method = c.u16().ok_or_else(|| bad("truncated"))?;
        let time = c.u16().ok_or_else(|| bad("truncated"))?;
        let date = c.u16().ok_or_else(|| bad("truncated"))?;
        let crc32 = c.u32().ok_or_else(|| bad("truncated"))?;
        let csize32 = c.u32().ok_or_else(|| bad("truncated"))?;
        let usize32 = c.u32().ok_or_else(|| bad("truncated"))?;
        let name_len = c.u16().ok_or_else(|| bad("truncated"))?;
        let extra_len = c.u16().ok_or_else(|| bad("truncated"))?;
        let comment_len = c.u16().ok_or_else(|| bad("truncated"))?;
        let disk = c.u16().ok_or_else(|| bad("truncated"))?;
        let _internal = c.u16().ok_or_else(|| bad("truncated"))?;
        let external = c.u32().ok_or_else(|| bad("truncated"))?;
        let off32 = c.u32().ok_or_else(|| bad("truncated"))?;
        let name_raw = c.take(name_len as usize).ok_or_else(|| bad("truncated"))?;
        let extra = c.take(extra_len as usize).ok_or_else(|| bad("truncated"))?;
        let _comment = c
            .take(comment_len as usize)
            .ok_or_else(|| bad("truncated"))?;
        let bad_entry = |m: String| problem(Some(&String::from_utf8_lossy(name_raw)), m);
        if comment_len != 0 {
            return Err(bad_entry("entry comment present (not allowed)".into()));
        }
        if disk != 0 {
            return Err(bad_entry("entry on another disk".into()));
        }
        let (u, cs, off) = zip64_fields(
            extra,
            usize32 == 0xFFFF_FFFF,
            csize32 == 0xFFFF_FFFF,
            off32 == 0xFFFF_FFFF,
        )
        .map_err(bad_entry)?;
        out.push(CentralEntry {
            name_raw,
            made_by,
            flags,
            method,
            time,
            date,
            crc32,
            csize: cs.unwrap_or(u64::from(csize32)),
            usize_: u.unwrap_or(u64::from(usize32)),
            local_offset: off.unwrap_or(u64::from(off32)),
            unix_mode: external >> 16,
        });
    }
    if c.pos != cd.len() {
        return Err(problem(
            None,
            "central directory has bytes after its last entry",
        ));
    }
    Ok(out)
}

/// Reads and checks the local header of `e`; returns the offset of its first data byte.
fn check_local(file: &File, e: &CentralEntry, name: &str) -> Result<u64, String> {
    // One read for the usual header (the central directory's name, a ZIP64 extra at most),
    // into a buffer on the stack for the usual name length.
    let want = 30 + e.name_raw.len() + 20;
    let mut stack = [0u8; 512];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if want <= stack.len() {
        &mut stack[..want]
    } else {
        heap.resize(want, 0);
        &mut heap
    };
    let got = read_at_most(file, e.local_offset, buf)
        .map_err(|_| "local header lies outside the file".to_string())?;
    let head = &buf[..got];
    if head.len() < 30 {
        return Err("local header lies outside the file".into());
    }
    let mut c = Cursor::new(&head[..30]);
    if c.u32() != Some(SIG_LOCAL) {
        return Err("no local header where the central directory points".into());
    }
    let _needed = c.u16();
    let flags = c.u16().unwrap_or(0);
    let method = c.u16().unwrap_or(0);
    let time = c.u16().unwrap_or(0);
    let date = c.u16().unwrap_or(0);
    let crc = c.u32().unwrap_or(0);
    let csize32 = c.u32().unwrap_or(0);
    let usize32 = c.u32().unwrap_or(0);
    let name_len = c.u16().unwrap_or(0) as usize;
    let extra_len = c.u16().unwrap_or(0) as usize;
    let rest;
    let var = match head.get(30..30 + name_len + extra_len) {
        Some(v) => v,
        None => {
            rest = read_exact_at(file, e.local_offset + 30, name_len + extra_len)
                .map_err(|_| "local header lies outside the file".to_string())?;
            &rest[..]
        }
    };
    let (lname, lextra) = var.split_at(name_len);
    let mut diffs = Vec::new();
    if lname != e.name_raw {
        diffs.push("name");
    }
    if flags != e.flags {
        diffs.push("flags");
    }
    if method != e.method {
        diffs.push("compression method");
    }
    if time != e.time || date != e.date {
        diffs.push("modification time");
    }
    if crc != e.crc32 {
        diffs.push("CRC-32");
    }
    let (u, cs, _) = zip64_fields(
        lextra,
        usize32 == 0xFFFF_FFFF,
        csize32 == 0xFFFF_FFFF,
        false,
    )
    .map_err(|m| format!("local header: {m}"))?;
    if u.unwrap_or(u64::from(usize32)) != e.usize_ || cs.unwrap_or(u64::from(csize32)) != e.csize {
        diffs.push("sizes");
    }
    if !diffs.is_empty() {
        return Err(format!(
            "local header disagrees with the central directory ({}) for {name}",
            diffs.join(", ")
        ));
    }
    Ok(e.local_offset + 30 + (name_len + extra_len) as u64)
}

/// Reads the container of a bundle ZIP, applying every container rule of FORMAT.md §2.
///
/// `Err` means the archive structure could not be read at all; otherwise every member that
/// passed the per-entry rules is returned, with a problem for each one that did not.
pub fn read(file: &File) -> Result<Container, ContainerProblem> {
    let len = file
        .metadata()
        .map_err(|e| problem(None, format!("cannot stat: {e}")))?
        .len();
    let dir = read_end(file, len)?;
    if dir.entries.saturating_mul(46) > dir.cd_size {
        return Err(problem(
            None,
            "central directory too small for its entry count",
        ));
    }
    let cd =
        read_exact_at(file, dir.cd_offset, dir.cd_size as usize).map_err(|m| problem(None, m))?;
    let entries = parse_central(&cd, dir.entries)?;
    // The local headers are read and checked in parallel (one small positional read each, which
    // for 100,000s of entries is most of the time spent here); their results are used in
    // central-directory order below, so the first problem found is the same as one by one.
    let locals: Vec<Result<u64, String>> = entries
        .par_iter()
        .with_min_len(64)
        .map(|e| match std::str::from_utf8(e.name_raw) {
            Ok(name) => check_local(file, e, name),
            Err(_) => Err(String::new()), // refused below before this is looked at
        })
        .collect();

    let mut out = Container {
        members: Vec::with_capacity(entries.len()),
        problems: Vec::new(),
    };
    // Layout: entries back to back from offset 0, in central-directory order, and the central
    // directory right after the last one. Anything else hides bytes from some reader.
    let mut expected_offset = 0u64;
    let mut prev_name: Option<&[u8]> = None;
    for (e, local) in entries.iter().zip(locals) {
        let name = match std::str::from_utf8(e.name_raw) {
            Ok(n) => n,
            Err(_) => {
                return Err(problem(
                    Some(&String::from_utf8_lossy(e.name_raw)),
                    "entry name is not UTF-8",
                ))
            }
        };
        if e.local_offset != expected_offset {
            let m = if expected_offset == 0 {
                format!(
                    "{} bytes before the first entry (prepended data)",
                    e.local_offset
                )
            } else {
                "entries are not stored back to back (gap, overlap or reordering)".into()
            };
            return Err(problem(Some(name), m));
        }
        if let Some(prev) = prev_name {
            if prev >= e.name_raw {
                let m = if prev == e.name_raw {
                    "duplicate entry name"
                } else {
                    "entries are not sorted by name"
                };
                out.problems.push(problem(Some(name), m));
            }
        }
        prev_name = Some(e.name_raw);
        let data_offset = local.map_err(|m| problem(Some(name), m))?;
        let end = data_offset
            .checked_add(e.csize)
            .filter(|end| *end <= dir.cd_offset)
            .ok_or_else(|| problem(Some(name), "entry data runs past the central directory"))?;
        expected_offset = end;

        let mut entry_problems = Vec::new();
        if e.flags & 0x0001 != 0 {
            entry_problems.push("encrypted entry".to_string());
        }
        if e.flags & !FLAG_UTF8 & !0x0001 != 0 {
            entry_problems.push(format!(
                "general purpose flags 0x{:04x} not allowed",
                e.flags
            ));
        }
        if !name.is_ascii() && e.flags & FLAG_UTF8 == 0 {
            entry_problems.push("non-ASCII name without the UTF-8 flag".into());
        }
        if e.method != 0 {
            entry_problems.push(format!(
                "compression method {} (only STORED is allowed)",
                e.method
            ));
        }
        if e.csize != e.usize_ {
            entry_problems.push("stored entry with different compressed and real sizes".into());
        }
        if e.time != 0 || e.date != DOS_DATE_1980 {
            entry_problems.push("modification time is not 1980-01-01 00:00:00".into());
        }
        let file_type = e.unix_mode & 0o170000;
        if file_type == 0o120000 {
            entry_problems.push("symbolic link entry".into());
        } else if name.ends_with('/') || file_type == 0o040000 {
            entry_problems.push("directory entry (the format has none)".into());
        } else if e.made_by >> 8 != MADE_BY_UNIX || file_type == 0 {
            entry_problems.push("no Unix mode (the format requires 0100644)".into());
        } else if file_type != 0o100000 {
            entry_problems.push(format!("special file entry (mode {:o})", e.unix_mode));
        } else if e.unix_mode != 0o100644 {
            entry_problems.push(format!(
                "Unix mode {:o} (only 0100644 is allowed)",
                e.unix_mode
            ));
        }
        if entry_problems.is_empty() {
            out.members.push(Member {
                name: name.to_owned(),
                data_offset,
                size: e.usize_,
                crc32: e.crc32,
            });
        } else {
            for m in entry_problems {
                out.problems.push(problem(Some(name), m));
            }
        }
    }
    if expected_offset != dir.cd_offset {
        return Err(problem(
            None,
            format!(
                "{} unexpected bytes between the last entry and the central directory",
                dir.cd_offset.saturating_sub(expected_offset)
            ),
        ));
    }
    Ok(out)
}

/// Where a [`Writer`]'s bytes go: written in order, plus the rare rewrite of a few bytes already
/// written (a CRC-32 that was not known when its header was written).
pub trait Output: std::io::Write {
    /// Overwrites `bytes` at `offset`, which lies in what was already written.
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()>;
}

impl Output for &File {
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all_at(bytes, offset)
    }
}

impl Output for File {
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.write_all_at(bytes, offset)
    }
}

impl Output for std::io::BufWriter<&File> {
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        std::io::Write::flush(self)?;
        self.get_ref().write_all_at(bytes, offset)
    }
}

impl<O: Output + ?Sized> Output for &mut O {
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        (**self).rewrite_at(offset, bytes)
    }
}

impl Output for std::io::Cursor<Vec<u8>> {
    fn rewrite_at(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        let at = usize::try_from(offset).map_err(std::io::Error::other)?;
        self.get_mut()
            .get_mut(at..at + bytes.len())
            .ok_or_else(|| std::io::Error::other("rewrite past the end"))?
            .copy_from_slice(bytes);
        Ok(())
    }
}

/// The entry being written.
struct OpenEntry {
    name: String,
    /// Offset of its local header in the file.
    header_at: u64,
    /// Offset of its record in the central directory being built.
    central_at: usize,
    size: u64,
    written: u64,
    /// The CRC-32 being computed, when the caller did not give one.
    crc: Option<crc32fast::Hasher>,
}

/// The data of a [`Writer`]'s open entry, written through [`Writer::write_data`].
pub struct EntryData<'a, W: Output>(&'a mut Writer<W>);

impl<W: Output> std::io::Write for EntryData<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_data(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Length of a central directory entry without its name and extra field.
pub const CENTRAL_ENTRY_LEN: usize = 46;

/// Output is gathered into blocks of this size before it is written.
const WRITE_BLOCK: usize = 1 << 20;
const VERSION_STORED: u16 = 10;
const VERSION_ZIP64: u16 = 45;
const MODE_0644: u32 = 0o100644 << 16;

/// Writes a bundle ZIP the one way FORMAT.md §2 allows: STORED entries in the order they are
/// added (the caller adds them sorted), fixed time (1980-01-01 00:00), mode 0644, no extra
/// field but ZIP64 for members of 4 GiB or more (and in the central directory for offsets past
/// 4 GiB), no comments.
///
/// Each local header is written once, in sequence, with its CRC-32 when the caller knows it
/// ([`Writer::start`] with `Some`); otherwise the CRC-32 is computed from the data and put into
/// the header afterwards (in the block still being gathered, or with one positional write).
/// The central directory is kept as the bytes it will be (about 80
/// bytes and the name per entry).
pub struct Writer<W: Output> {
    out: W,
    buf: Vec<u8>,
    /// Bytes already handed to `out`.
    flushed: u64,
    central: Vec<u8>,
    entries: u64,
    last_name: Option<String>,
    open: Option<OpenEntry>,
}

impl<W: Output> Writer<W> {
    /// Starts a bundle on `out`.
    pub fn new(out: W) -> Self {
        Writer {
            out,
            buf: Vec::with_capacity(WRITE_BLOCK),
            flushed: 0,
            central: Vec::new(),
            entries: 0,
            last_name: None,
            open: None,
        }
    }

    /// Makes room for `bytes` more of central directory (about [`CENTRAL_ENTRY_LEN`] and the
    /// name per entry), so that it is not regrown while a large bundle is written.
    pub fn reserve_central(&mut self, bytes: usize) {
        self.central.reserve(bytes);
    }

    fn position(&self) -> u64 {
        self.flushed + self.buf.len() as u64
    }

    fn flush_block(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.flushed += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.buf.len() + bytes.len() > WRITE_BLOCK {
            self.flush_block()?;
            if bytes.len() >= WRITE_BLOCK {
                self.out.write_all(bytes)?;
                self.flushed += bytes.len() as u64;
                return Ok(());
            }
        }
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// Rewrites bytes at `offset`, in the block still being gathered or in the output.
    fn rewrite(&mut self, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
        if offset >= self.flushed {
            let at = (offset - self.flushed) as usize;
            self.buf[at..at + bytes.len()].copy_from_slice(bytes);
            Ok(())
        } else {
            self.out.rewrite_at(offset, bytes)
        }
    }

    /// Starts entry `name` of `size` bytes with CRC-32 `crc32` (computed from the data written
    /// when `None`); the caller then writes exactly `size` bytes with [`Writer::write_data`] or
    /// [`Writer::copy_from`].
    pub fn start(&mut self, name: &str, size: u64, crc32: Option<u32>) -> std::io::Result<()> {
        self.end_entry()?;
        if let Some(last) = &self.last_name {
            if last.as_str() >= name {
                return Err(std::io::Error::other(format!(
                    "entries out of order: {name} after {last}"
                )));
            }
        }
        let name_len = u16::try_from(name.len())
            .map_err(|_| std::io::Error::other(format!("entry name too long: {name}")))?;
        self.last_name = Some(name.to_owned());
        let header_at = self.position();
        let large = size >= 0xFFFF_FFFF;
        let far = header_at >= 0xFFFF_FFFF;
        let flags = if name.is_ascii() { 0 } else { FLAG_UTF8 };
        let crc = crc32.unwrap_or(0);
        let size32 = if large { 0xFFFF_FFFF } else { size as u32 };

        let mut local = Vec::with_capacity(30 + name.len() + 20);
        local.extend_from_slice(&SIG_LOCAL.to_le_bytes());
        let needed = if large { VERSION_ZIP64 } else { VERSION_STORED };
        for v in [needed, flags, 0, 0, DOS_DATE_1980] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size32, size32] {
            local.extend_from_slice(&v.to_le_bytes());
        }
        local.extend_from_slice(&name_len.to_le_bytes());
        local.extend_from_slice(&(if large { 20u16 } else { 0 }).to_le_bytes());
        local.extend_from_slice(name.as_bytes());
        if large {
            local.extend_from_slice(&1u16.to_le_bytes());
            local.extend_from_slice(&16u16.to_le_bytes());
            local.extend_from_slice(&size.to_le_bytes());
            local.extend_from_slice(&size.to_le_bytes());
        }

        let central_at = self.central.len();
        let c = &mut self.central;
        let needed = if large || far {
            VERSION_ZIP64
        } else {
            VERSION_STORED
        };
        let extra_len: u16 = match (large, far) {
            (false, false) => 0,
            (true, false) => 20,
            (false, true) => 12,
            (true, true) => 28,
        };
        c.extend_from_slice(&SIG_CENTRAL.to_le_bytes());
        for v in [
            MADE_BY_UNIX << 8 | needed,
            needed,
            flags,
            0,
            0,
            DOS_DATE_1980,
        ] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size32, size32] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, extra_len, 0, 0, 0] {
            c.extend_from_slice(&v.to_le_bytes());
        }
        c.extend_from_slice(&MODE_0644.to_le_bytes());
        let off32 = if far { 0xFFFF_FFFF } else { header_at as u32 };
        c.extend_from_slice(&off32.to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        if extra_len > 0 {
            c.extend_from_slice(&1u16.to_le_bytes());
            c.extend_from_slice(&(extra_len - 4).to_le_bytes());
            if large {
                c.extend_from_slice(&size.to_le_bytes());
                c.extend_from_slice(&size.to_le_bytes());
            }
            if far {
                c.extend_from_slice(&header_at.to_le_bytes());
            }
        }
        self.entries += 1;
        self.put(&local)?;
        self.open = Some(OpenEntry {
            name: name.to_owned(),
            header_at,
            central_at,
            size,
            written: 0,
            crc: crc32.is_none().then(crc32fast::Hasher::new),
        });
        Ok(())
    }

    fn open_entry(&mut self, more: u64) -> std::io::Result<&mut OpenEntry> {
        let e = self
            .open
            .as_mut()
            .ok_or_else(|| std::io::Error::other("data written outside an entry"))?;
        if e.written + more > e.size {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: more data than the {} bytes declared", e.name, e.size),
            ));
        }
        Ok(e)
    }

    /// Writes the next bytes of the open entry.
    pub fn write_data(&mut self, data: &[u8]) -> std::io::Result<()> {
        let e = self.open_entry(data.len() as u64)?;
        e.written += data.len() as u64;
        if let Some(h) = &mut e.crc {
            h.update(data);
        }
        self.put(data)
    }

    /// The open entry's data as an [`std::io::Write`] (for [`std::io::copy`] and the like).
    pub fn data(&mut self) -> EntryData<'_, W> {
        EntryData(self)
    }

    /// Closes the open entry: checks its size, and puts a computed CRC-32 into both headers.
    fn end_entry(&mut self) -> std::io::Result<()> {
        let Some(e) = self.open.take() else {
            return Ok(());
        };
        if e.written != e.size {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}: {} bytes written, {} declared",
                    e.name, e.written, e.size
                ),
            ));
        }
        if let Some(h) = e.crc {
            let crc = h.finalize().to_le_bytes();
            self.rewrite(e.header_at + 14, &crc)?;
            self.central[e.central_at + 16..e.central_at + 20].copy_from_slice(&crc);
        }
        Ok(())
    }

    /// Adds a whole entry from memory.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.start(name, bytes.len() as u64, Some(crc32fast::hash(bytes)))?;
        let e = self.open_entry(bytes.len() as u64)?;
        e.written = bytes.len() as u64;
        self.put(bytes)
    }

    /// Writes the central directory and the end records, and returns the output.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.end_entry()?;
        let cd_offset = self.position();
        let central = std::mem::take(&mut self.central);
        self.put(&central)?;
        let cd_size = central.len() as u64;
        let n = self.entries;
        let zip64 = n >= 0xFFFF || cd_size >= 0xFFFF_FFFF || cd_offset >= 0xFFFF_FFFF;
        if zip64 {
            let rec_at = self.position();
            let mut r = Vec::with_capacity(ZIP64_EOCD_LEN as usize + ZIP64_LOCATOR_LEN as usize);
            r.extend_from_slice(&SIG_ZIP64_EOCD.to_le_bytes());
            r.extend_from_slice(&(ZIP64_EOCD_LEN - 12).to_le_bytes());
            r.extend_from_slice(&(MADE_BY_UNIX << 8 | VERSION_ZIP64).to_le_bytes());
            r.extend_from_slice(&VERSION_ZIP64.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            for v in [n, n, cd_size, cd_offset] {
                r.extend_from_slice(&v.to_le_bytes());
            }
            r.extend_from_slice(&SIG_ZIP64_LOCATOR.to_le_bytes());
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&rec_at.to_le_bytes());
            r.extend_from_slice(&1u32.to_le_bytes());
            self.put(&r)?;
        }
        let n16 = if n >= 0xFFFF { 0xFFFF } else { n as u16 };
        let sat = |v: u64| {
            if v >= 0xFFFF_FFFF {
                0xFFFF_FFFF
            } else {
                v as u32
            }
        };
        let mut e = Vec::with_capacity(EOCD_LEN as usize);
        e.extend_from_slice(&SIG_EOCD.to_le_bytes());
        for v in [0u16, 0, n16, n16] {
            e.extend_from_slice(&v.to_le_bytes());
        }
        e.extend_from_slice(&sat(cd_size).to_le_bytes());
        e.extend_from_slice(&sat(cd_offset).to_le_bytes());
        e.extend_from_slice(&0u16.to_le_bytes());
        self.put(&e)?;
        self.flush_block()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod writer_tests {
    use super::*;
    use std::io::Write;

    /// What the `zip` crate writes with the options the format requires.
    fn zip_crate(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            let o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644);
            z.start_file(*n, o).unwrap();
            z.write_all(b).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn ours(entries: &[(&str, &[u8])], known_crc: bool) -> Vec<u8> {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            let crc = known_crc.then(|| crc32fast::hash(b));
            w.start(n, b.len() as u64, crc).unwrap();
            // in two pieces, as a stream would come
            let half = b.len() / 2;
            w.write_data(&b[..half]).unwrap();
            w.data().write_all(&b[half..]).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn same_bytes_as_the_zip_crate() {
        let entries: [(&str, &[u8]); 4] = [
            ("t/a.txt", b"hello"),
            ("t/data/empty", b""),
            ("t/data/\u{e9}t\u{e9}.txt", b"caf\xc3\xa9"),
            ("t/z", &[7u8; 3000]),
        ];
        let expected = zip_crate(&entries);
        assert_eq!(ours(&entries, true), expected);
        assert_eq!(ours(&entries, false), expected);
    }

    #[test]
    fn a_computed_crc_is_patched_after_the_block_was_written() {
        // the entry's header is flushed before its data ends: the CRC goes in by rewrite_at
        let big = vec![0x5Au8; WRITE_BLOCK * 2 + 17];
        let entries: [(&str, &[u8]); 2] = [("t/a", b"x"), ("t/big", &big)];
        let bytes = ours(&entries, false);
        assert_eq!(bytes, zip_crate(&entries));
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&bytes).unwrap();
        let c = read(tmp.as_file()).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.members[1].crc32, crc32fast::hash(&big));
    }

    #[test]
    fn wrong_sizes_are_refused() {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        w.start("t/a", 3, None).unwrap();
        assert!(w.write_data(b"abcd").is_err());
        w.write_data(b"ab").unwrap();
        // one byte short: the next entry (or finish) refuses
        assert!(w.start("t/b", 0, None).is_err());
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        w.start("t/a", 3, Some(0)).unwrap();
        assert!(w.finish().is_err());
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        assert!(w.write_data(b"x").is_err(), "data outside an entry");
    }

    #[test]
    fn more_than_65535_entries_use_zip64_end_records() {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for i in 0..70_000u32 {
            w.add(&format!("t/{i:06}"), &i.to_le_bytes()).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(&bytes).unwrap();
        let c = read(tmp.as_file()).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems.first());
        assert_eq!(c.members.len(), 70_000);
        assert_eq!(c.members[69_999].name, "t/069999");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_zip(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            w.add(n, b).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        tmp.write_all(&bytes).unwrap();
        tmp
    }

    #[test]
    fn writer_output_reads_back_strictly() {
        let tmp = write_zip(&[("t/a.txt", b"hello"), ("t/data/\u{e9}.txt", b"x")]);
        let c = read(tmp.as_file()).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.members.len(), 2);
        assert_eq!(c.members[0].name, "t/a.txt");
        assert_eq!(c.members[0].size, 5);
        assert_eq!(c.members[0].crc32, crc32fast::hash(b"hello"));
    }

    #[test]
    fn writer_refuses_unsorted_entries() {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        w.add("t/b", b"").unwrap();
        assert!(w.add("t/a", b"").is_err());
        assert!(w.add("t/b", b"").is_err());
    }

    #[test]
    fn prepended_and_appended_bytes_are_found() {
        let tmp = write_zip(&[("t/a.txt", b"hello")]);
        let bytes = std::fs::read(tmp.path()).unwrap();
        let mut pre = tempfile::NamedTempFile::new().unwrap();
        pre.write_all(b"MZ").unwrap();
        pre.write_all(&bytes).unwrap();
        assert!(read(pre.as_file()).is_err());
        let mut post = tempfile::NamedTempFile::new().unwrap();
        post.write_all(&bytes).unwrap();
        post.write_all(b"junk").unwrap();
        let e = read(post.as_file()).unwrap_err();
        assert!(e.message.contains("appended"), "{}", e.message);
    }

    #[test]
    fn empty_and_garbage_are_not_zips() {
        let empty = tempfile::NamedTempFile::new().unwrap();
        assert!(read(empty.as_file()).unwrap_err().message.contains("empty"));
        let mut junk = tempfile::NamedTempFile::new().unwrap();
        junk.write_all(&[b'x'; 100]).unwrap();
        assert_eq!(read(junk.as_file()).unwrap_err().message, "not a ZIP file");
    }

    #[test]
    fn truncation_is_detected() {
        let tmp = write_zip(&[("t/a.txt", b"hello world")]);
        let bytes = std::fs::read(tmp.path()).unwrap();
        for cut in 1..bytes.len() {
            let mut t = tempfile::NamedTempFile::new().unwrap();
            t.write_all(&bytes[..cut]).unwrap();
            assert!(read(t.as_file()).is_err(), "cut at {cut}");
        }
    }

    proptest::proptest! {
        #[test]
        fn reader_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut t = tempfile::NamedTempFile::new().unwrap();
            t.write_all(&bytes).unwrap();
            let _ = read(t.as_file());
        }

        #[test]
        fn reader_never_panics_on_mutated_zip(pos in 0usize..200, val in proptest::num::u8::ANY) {
            let tmp = write_zip(&[("t/a.txt", b"hello"), ("t/b.txt", b"world")]);
            let mut bytes = std::fs::read(tmp.path()).unwrap();
            let p = pos % bytes.len();
            bytes[p] = val;
            let mut t = tempfile::NamedTempFile::new().unwrap();
            t.write_all(&bytes).unwrap();
            if let Ok(c) = read(t.as_file()) {
                // A mutation that still parses must not move data outside the file.
                for m in c.members {
                    proptest::prop_assert!(m.data_offset + m.size <= bytes.len() as u64);
                }
            }
        }
    }
}
