//! The ZIP writer: the one layout FORMAT.md §2 allows.

use std::fs::File;
use std::os::unix::fs::FileExt;

use super::*;

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
    /// through [`Writer::data`].
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
