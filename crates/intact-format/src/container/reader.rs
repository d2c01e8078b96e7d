//! The strict ZIP reader (FORMAT.md §2): every container rule, applied to an untrusted archive
//! read through a [`ReadAt`] source.

use rayon::prelude::*;

use super::*;
use crate::container::layout;
use crate::limits::Limits;
use crate::problem::{Check, Problem};
use crate::source::read_vec_at;

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

/// Where the central directory is, from the end records.
struct Directory {
    entries: u64,
    cd_offset: u64,
    cd_size: u64,
}

/// Reads the end of central directory (and its ZIP64 form), requiring it to end the file.
fn read_end(source: &dyn ReadAt, len: u64, limits: &Limits) -> Result<Directory, ContainerProblem> {
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
    let eocd = read_vec_at(source, eocd_at, EOCD_LEN as usize).map_err(|m| problem(None, m))?;
    let mut c = Cursor::new(&eocd);
    if c.u32() != Some(SIG_EOCD) {
        return Err(problem(None, locate_misplaced_end(source, len)));
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
        let loc = read_vec_at(source, loc_at, ZIP64_LOCATOR_LEN as usize)
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
            read_vec_at(source, rec_at, ZIP64_EOCD_LEN as usize).map_err(|m| problem(None, m))?;
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
    if entries > limits.zip_entries {
        return Err(problem(
            None,
            format!(
                "{entries} entries is more than the {} allowed",
                limits.zip_entries
            ),
        ));
    }
    if cd_size > limits.central_directory_bytes {
        return Err(problem(None, "central directory too large"));
    }
    match cd_offset.checked_add(cd_size) {
        Some(end) if end == end_start => {}
        Some(end) if end < end_start => {
            // A central directory found right before its end record, but not where the offsets
            // say: every offset is short by the same amount, i.e. bytes were prepended.
            let shifted = read_vec_at(source, end_start - cd_size, 4)
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
fn locate_misplaced_end(source: &dyn ReadAt, len: u64) -> String {
    let window = len.min(1 << 20);
    let Ok(tail) = read_vec_at(source, len - window, window as usize) else {
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
            let head = read_vec_at(source, 0, 4.min(len as usize)).unwrap_or_default();
            if head == SIG_LOCAL.to_le_bytes() {
                "ZIP end of central directory missing (truncated file)".into()
            } else {
                "not a ZIP file".into()
            }
        }
    }
}

struct CentralEntry<'a> {
    /// The whole record (fixed part, name, extra field, comment) and its offset in the file.
    record: &'a [u8],
    record_at: u64,
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

fn parse_central(
    cd: &[u8],
    cd_offset: u64,
    count: u64,
) -> Result<Vec<CentralEntry<'_>>, ContainerProblem> {
    let mut c = Cursor::new(cd);
    let mut out = Vec::with_capacity(count.min(1 << 20) as usize);
    for i in 0..count {
        let start = c.pos;
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
            record: &cd[start..c.pos],
            record_at: cd_offset + start as u64,
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

/// A local header that was read: the offset of the entry's first data byte, and how the header
/// differs from the canonical layout's (`None`: not at all).
struct Local {
    data_offset: u64,
    not_canonical: Option<String>,
}

/// Reads and checks the local header of `e`, and compares it with the canonical layout's.
fn check_local(
    source: &dyn ReadAt,
    len: u64,
    e: &CentralEntry,
    name: &str,
) -> Result<Local, String> {
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
    // Fewer bytes only where the file ends.
    let got = buf
        .len()
        .min(usize::try_from(len.saturating_sub(e.local_offset)).unwrap_or(usize::MAX));
    source
        .read_exact_at(e.local_offset, &mut buf[..got])
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
            rest = read_vec_at(source, e.local_offset + 30, name_len + extra_len)
                .map_err(|_| "local header lies outside the file".to_string())?;
            &rest[..]
        }
    };
    let (lname, lextra) = var.split_at(name_len);
    // The canonical header is never longer than the one the central directory's name and a
    // ZIP64 extra make, which is what was read, unless the file ends first.
    let canonical = layout::local_header(e.name_raw, e.usize_, e.crc32);
    let found = &head[..head.len().min(canonical.bytes().len())];
    let not_canonical = canonical.compare(e.local_offset, found);
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
    Ok(Local {
        data_offset: e.local_offset + 30 + (name_len + extra_len) as u64,
        not_canonical,
    })
}

/// A local header not read yet (a sparse source): where the canonical layout puts the entry's
/// data. [`check_deferred_header`] compares the header's bytes when the member is read.
fn canonical_local(e: &CentralEntry) -> Local {
    let header = layout::local_header(e.name_raw, e.usize_, e.crc32);
    Local {
        data_offset: e.local_offset + header.bytes().len() as u64,
        not_canonical: None,
    }
}

/// Checks the local header of a member whose header reading deferred ([`Member::header_at`]):
/// `found`, the bytes from the header's offset to the member's data, must be exactly the
/// canonical layout's header for the central directory's name, size and CRC-32 (FORMAT.md
/// §2.10), which also makes the two headers agree. `Ok` for a member checked when read.
pub fn check_deferred_header(m: &Member, found: &[u8]) -> Result<(), String> {
    let Some(at) = m.header_at else {
        return Ok(());
    };
    let canonical = layout::local_header(m.name.as_bytes(), m.size, m.crc32);
    match canonical.compare(at, found) {
        None => Ok(()),
        Some(m) => Err(m),
    }
}

/// Reads the container of a bundle ZIP, applying every container rule of FORMAT.md §2, within
/// [`Limits::DEFAULT`].
///
/// `Err` means the archive structure could not be read at all; otherwise every member that
/// passed the per-entry rules is returned, with a problem for each one that did not.
pub fn read(source: &dyn ReadAt) -> Result<Container, ContainerProblem> {
    read_with_limits(source, &Limits::DEFAULT)
}

/// [`read`] within `limits` (its entry count and central directory size).
pub fn read_with_limits(
    source: &dyn ReadAt,
    limits: &Limits,
) -> Result<Container, ContainerProblem> {
    let len = source
        .len()
        .map_err(|e| problem(None, format!("cannot stat: {e}")))?;
    let dir = read_end(source, len, limits)?;
    if dir.entries.saturating_mul(46) > dir.cd_size {
        return Err(problem(
            None,
            "central directory too small for its entry count",
        ));
    }
    let cd =
        read_vec_at(source, dir.cd_offset, dir.cd_size as usize).map_err(|m| problem(None, m))?;
    let entries = parse_central(&cd, dir.cd_offset, dir.entries)?;
    // The local headers are read and checked in parallel (one small positional read each, which
    // for 100,000s of entries is most of the time spent here); their results are used in
    // central-directory order below, so the first problem found is the same as one by one.
    // A sparse source defers them: each is checked when its member is read.
    let deferred = source.sparse();
    let locals: Vec<Result<Local, String>> = if deferred {
        entries.iter().map(|e| Ok(canonical_local(e))).collect()
    } else {
        entries
            .par_iter()
            .with_min_len(64)
            .map(|e| match std::str::from_utf8(e.name_raw) {
                Ok(name) => check_local(source, len, e, name),
                Err(_) => Err(String::new()), // refused below before this is looked at
            })
            .collect()
    };

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
                out.problems.push(Problem::new(Check::Container, name, m));
            }
        }
        prev_name = Some(e.name_raw);
        let local = local.map_err(|m| problem(Some(name), m))?;
        let data_offset = local.data_offset;
        let end = data_offset
            .checked_add(e.csize)
            .filter(|end| *end <= dir.cd_offset)
            .ok_or_else(|| problem(Some(name), "entry data runs past the central directory"))?;
        expected_offset = end;

        let mut entry_problems = entry_problems(e, name);
        if entry_problems.is_empty() {
            // The rules above hold; then every other byte of both headers must be the canonical
            // layout's (FORMAT.md §2.10), the first difference in each reported.
            let central = layout::central_record(e.name_raw, e.usize_, e.crc32, e.local_offset);
            entry_problems.extend(local.not_canonical);
            entry_problems.extend(central.compare(e.record_at, e.record));
        }
        if entry_problems.is_empty() {
            out.members.push(Member {
                name: name.to_owned(),
                data_offset,
                size: e.usize_,
                crc32: e.crc32,
                header_at: deferred.then_some(e.local_offset),
            });
        } else {
            for m in entry_problems {
                out.problems.push(Problem::new(Check::Container, name, m));
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
    out.problems.extend(check_end_records(source, len, &dir)?);
    Ok(out)
}

/// The end records as the canonical layout has them for this many entries and this central
/// directory (FORMAT.md §2.10): every byte from the end of the central directory to the end of
/// the file. A record that is there but not needed, or needed but not there, or any field that
/// differs (an entry count saturated without need, a ZIP64 record that disagrees), is a
/// `container` problem at its offset.
fn check_end_records(
    source: &dyn ReadAt,
    len: u64,
    dir: &Directory,
) -> Result<Option<Problem>, ContainerProblem> {
    let end_start = dir.cd_offset + dir.cd_size; // read_end checked that it does not overflow
    let found =
        read_vec_at(source, end_start, (len - end_start) as usize).map_err(|m| problem(None, m))?;
    let expected = layout::end_records(dir.entries, dir.cd_size, dir.cd_offset);
    Ok(expected
        .compare(end_start, &found)
        .map(|m| Problem::new(Check::Container, "", m)))
}

/// The rules of FORMAT.md §2.1, §2.4 and §2.7 that one entry breaks: flags, method, sizes,
/// time, and a Unix mode of exactly a regular file `0100644`.
fn entry_problems(e: &CentralEntry, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if e.flags & 0x0001 != 0 {
        out.push("encrypted entry".to_string());
    }
    if e.flags & !FLAG_UTF8 & !0x0001 != 0 {
        out.push(format!(
            "general purpose flags 0x{:04x} not allowed",
            e.flags
        ));
    }
    if !name.is_ascii() && e.flags & FLAG_UTF8 == 0 {
        out.push("non-ASCII name without the UTF-8 flag".into());
    }
    if e.method != 0 {
        out.push(format!(
            "compression method {} (only STORED is allowed)",
            e.method
        ));
    }
    if e.csize != e.usize_ {
        out.push("stored entry with different compressed and real sizes".into());
    }
    if e.time != 0 || e.date != DOS_DATE_1980 {
        out.push("modification time is not 1980-01-01 00:00:00".into());
    }
    let file_type = e.unix_mode & 0o170000;
    if file_type == 0o120000 {
        out.push("symbolic link entry".into());
    } else if name.ends_with('/') || file_type == 0o040000 {
        out.push("directory entry (the format has none)".into());
    } else if e.made_by >> 8 != MADE_BY_UNIX || file_type == 0 {
        out.push("no Unix mode (the format requires 0100644)".into());
    } else if file_type != 0o100000 {
        out.push(format!("special file entry (mode {:o})", e.unix_mode));
    } else if e.unix_mode != 0o100644 {
        out.push(format!(
            "Unix mode {:o} (only 0100644 is allowed)",
            e.unix_mode
        ));
    }
    out
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

    fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for (n, b) in entries {
            w.add(n, b).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn limits_bound_the_entry_count_and_the_central_directory() {
        let bytes = zip_bytes(&[("t/a", b"x"), ("t/b", b"y")]);
        assert!(read(&bytes).unwrap().problems.is_empty());
        let few = Limits {
            zip_entries: 1,
            ..Limits::DEFAULT
        };
        let e = read_with_limits(&bytes, &few).unwrap_err();
        assert_eq!(e.message, "2 entries is more than the 1 allowed");
        let small = Limits {
            central_directory_bytes: 10,
            ..Limits::DEFAULT
        };
        let e = read_with_limits(&bytes, &small).unwrap_err();
        assert_eq!(e.message, "central directory too large");
    }

    #[test]
    fn an_entry_breaking_a_rule_is_a_container_problem_at_its_name() {
        let mut bytes = zip_bytes(&[("t/a", b"x"), ("t/b", b"y")]);
        // The second central directory record's external attributes: mode 0100755.
        let sig = SIG_CENTRAL.to_le_bytes();
        let at = bytes.windows(4).rposition(|w| w == sig).unwrap() + 38;
        bytes[at..at + 4].copy_from_slice(&(0o100755u32 << 16).to_le_bytes());
        let c = read(&bytes).unwrap();
        assert_eq!(
            c.problems,
            vec![Problem::new(
                Check::Container,
                "t/b",
                "Unix mode 100755 (only 0100644 is allowed)"
            )]
        );
        assert_eq!(c.members.len(), 1);
        assert_eq!(c.members[0].name, "t/a");
    }

    /// A bundle ZIP with an ASCII and a non-ASCII name, and which bytes are member data.
    fn zip_and_data_ranges() -> (Vec<u8>, Vec<std::ops::Range<usize>>) {
        let bytes = zip_bytes(&[
            ("t/a", b"hello"),
            ("t/z", b"world"),
            ("t/\u{e9}t\u{e9}", b""),
        ]);
        let c = read(&bytes).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let data = c
            .members
            .iter()
            .map(|m| m.data_offset as usize..(m.data_offset + m.size) as usize)
            .collect();
        (bytes, data)
    }

    #[test]
    fn every_byte_but_member_data_is_compared_with_the_canonical_layout() {
        let (bytes, data) = zip_and_data_ranges();
        for at in (0..bytes.len()).filter(|i| !data.iter().any(|r| r.contains(i))) {
            for flip in [0x01u8, 0x02, 0x10, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[at] ^= flip;
                if let Ok(c) = read(&b) {
                    assert!(
                        !c.problems.is_empty(),
                        "byte {at} ^ {flip:#04x} read without a problem"
                    );
                }
            }
        }
    }

    /// The offset of the `n`th central directory record (counting from 0).
    fn central_at(bytes: &[u8], n: usize) -> usize {
        let sig = SIG_CENTRAL.to_le_bytes();
        let all: Vec<usize> = (0..bytes.len() - 3)
            .filter(|&i| bytes[i..i + 4] == sig)
            .collect();
        all[n]
    }

    fn only_problem(bytes: &[u8]) -> Problem {
        let c = read(&bytes.to_vec()).unwrap();
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        c.problems[0].clone()
    }

    #[test]
    fn fields_read_and_never_compared_before_are_named_at_their_offset() {
        let (bytes, _) = zip_and_data_ranges();
        let cd = central_at(&bytes, 0);
        // (offset, new value, field named)
        let cases: [(usize, &[u8], &str); 6] = [
            (
                4,
                &[20, 0],
                "local header field 'version needed to extract' at offset 4",
            ),
            (
                cd + 6,
                &[20, 0],
                "central directory record field 'version needed to extract'",
            ),
            (
                cd + 4,
                &[0x14, 3],
                "central directory record field 'version made by'",
            ),
            (
                cd + 36,
                &[1, 0],
                "central directory record field 'internal attributes'",
            ),
            (
                cd + 38,
                &[0x10, 0],
                "central directory record field 'external attributes'",
            ),
            (
                cd + 38,
                &[0, 0x80],
                "central directory record field 'external attributes'",
            ),
        ];
        for (at, value, want) in cases {
            let mut b = bytes.clone();
            b[at..at + value.len()].copy_from_slice(value);
            let p = only_problem(&b);
            assert_eq!((p.check, p.path.as_str()), (Check::Container, "t/a"));
            assert!(p.message.contains(want), "{want}: {}", p.message);
            assert!(p.message.contains(&format!("offset {at}")), "{}", p.message);
        }
    }

    /// Rewrites a ZIP's extra fields: `local` and `central` for the first entry (shifting every
    /// later offset), as another writer could.
    fn with_first_extra(entries: &[(&str, &[u8])], local: &[u8], central: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for (i, (name, data)) in entries.iter().enumerate() {
            let crc = crc32fast::hash(data);
            let mut l = layout::local_header(name.as_bytes(), data.len() as u64, crc)
                .bytes()
                .to_vec();
            let mut c =
                layout::central_record(name.as_bytes(), data.len() as u64, crc, out.len() as u64)
                    .bytes()
                    .to_vec();
            if i == 0 {
                l[28..30].copy_from_slice(&(local.len() as u16).to_le_bytes());
                l.extend_from_slice(local);
                c[30..32].copy_from_slice(&(central.len() as u16).to_le_bytes());
                c.extend_from_slice(central);
            }
            out.extend(l);
            out.extend_from_slice(data);
            cd.extend(c);
        }
        let at = out.len() as u64;
        out.extend_from_slice(&cd);
        out.extend_from_slice(
            layout::end_records(entries.len() as u64, cd.len() as u64, at).bytes(),
        );
        out
    }

    #[test]
    fn zip64_extra_fields_where_nothing_needs_them_are_refused() {
        let entries: [(&str, &[u8]); 2] = [("t/a", b"hello"), ("t/b", b"x")];
        assert!(read(&with_first_extra(&entries, &[], &[]))
            .unwrap()
            .problems
            .is_empty());
        let empty: &[u8] = &[1, 0, 0, 0];
        let sizes: &[u8] = &[1, 0, 0, 0]; // the size without the 0xFFFFFFFF that asks for it
        for (local, central, want) in [
            (empty, &[][..], "local header field 'extra field length'"),
            (
                &[][..],
                empty,
                "central directory record field 'extra field length'",
            ),
            (empty, empty, "local header field 'extra field length'"),
            (sizes, &[][..], "local header field 'extra field length'"),
        ] {
            let c = read(&with_first_extra(&entries, local, central)).unwrap();
            let p = c.problems.first().expect("a problem");
            assert_eq!(p.path, "t/a");
            assert!(p.message.contains(want), "{want}: {}", p.message);
        }
    }

    #[test]
    fn zip64_end_records_where_nothing_needs_them_are_refused() {
        let bytes = zip_bytes(&[("t/a", b"hello"), ("t/b", b"x")]);
        let eocd = bytes.len() - EOCD_LEN as usize;
        let cd_offset = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap());
        let cd_size = u32::from_le_bytes(bytes[eocd + 12..eocd + 16].try_into().unwrap());
        // The records a ZIP64 writer adds for 2 entries, and the entry count saturated so that a
        // reader takes its values from them: every value still true.
        let zip64 = layout::end_records(0xFFFF, cd_size.into(), cd_offset.into());
        let mut tail = zip64.bytes()[..(ZIP64_EOCD_LEN + ZIP64_LOCATOR_LEN) as usize].to_vec();
        tail[24..40].copy_from_slice(&[2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        let mut b = bytes[..eocd].to_vec();
        b.extend_from_slice(&tail);
        let mut end = bytes[eocd..].to_vec();
        end[8..12].copy_from_slice(&[0xFF; 4]);
        b.extend_from_slice(&end);
        let p = only_problem(&b);
        assert_eq!(p.path, "");
        assert!(
            p.message.contains(&format!(
                "end of central directory record field 'end record signature' at offset {eocd}"
            )),
            "{}",
            p.message
        );
    }

    /// A file of `len` bytes that holds `pieces` at their offsets and zeros elsewhere: a bundle
    /// over 4 GiB without 4 GiB of memory (the reader never reads member data).
    struct Sparse {
        len: u64,
        pieces: Vec<(u64, Vec<u8>)>,
    }

    impl ReadAt for Sparse {
        fn len(&self) -> std::io::Result<u64> {
            Ok(self.len)
        }

        fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
            if offset + buf.len() as u64 > self.len {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.fill(0);
            for (at, piece) in &self.pieces {
                let (start, end) = (*at, at + piece.len() as u64);
                let (from, to) = (offset.max(start), (offset + buf.len() as u64).min(end));
                if from < to {
                    buf[(from - offset) as usize..(to - offset) as usize]
                        .copy_from_slice(&piece[(from - start) as usize..(to - start) as usize]);
                }
            }
            Ok(())
        }
    }

    /// A 5 GiB member, then a small one whose local header lies past 4 GiB, as pack writes them;
    /// and the small one's local header offset.
    fn zip64_bundle() -> (Sparse, u64) {
        let big = 5u64 << 30;
        let (a, b) = (b"t/big".as_slice(), b"t/small".as_slice());
        let la = layout::local_header(a, big, 1);
        let b_at = la.bytes().len() as u64 + big;
        let lb = layout::local_header(b, 3, 2);
        let cd_at = b_at + lb.bytes().len() as u64 + 3;
        let mut cd = layout::central_record(a, big, 1, 0).bytes().to_vec();
        cd.extend_from_slice(layout::central_record(b, 3, 2, b_at).bytes());
        let end = layout::end_records(2, cd.len() as u64, cd_at);
        assert_eq!(
            end.bytes().len(),
            98,
            "ZIP64 end records: the offset needs them"
        );
        let len = cd_at + cd.len() as u64 + 98;
        let pieces = vec![
            (0, la.bytes().to_vec()),
            (b_at, lb.bytes().to_vec()),
            (cd_at + cd.len() as u64, end.bytes().to_vec()),
            (cd_at, cd),
        ];
        (Sparse { len, pieces }, b_at)
    }

    #[test]
    fn zip64_sizes_offsets_and_end_records_read_back_canonical() {
        let (zip, b_at) = zip64_bundle();
        let c = read(&zip).unwrap();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let got: Vec<(&str, u64, u64)> = c
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.data_offset, m.size))
            .collect();
        let big = 5u64 << 30;
        assert_eq!(
            got,
            [("t/big", 30 + 5 + 20, big), ("t/small", b_at + 30 + 7, 3)]
        );
    }

    #[test]
    fn every_header_byte_of_a_zip64_bundle_is_compared() {
        let (zip, _) = zip64_bundle();
        for p in 0..zip.pieces.len() {
            for i in 0..zip.pieces[p].1.len() {
                for flip in [0x01u8, 0x80] {
                    let mut z = Sparse {
                        len: zip.len,
                        pieces: zip.pieces.clone(),
                    };
                    z.pieces[p].1[i] ^= flip;
                    if let Ok(c) = read(&z) {
                        assert!(!c.problems.is_empty(), "piece {p} byte {i} ^ {flip:#04x}");
                    }
                }
            }
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
