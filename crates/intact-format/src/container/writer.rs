//! The ZIP writer: the one layout FORMAT.md §2 allows.

use std::fs::File;
use std::os::unix::fs::FileExt;

use super::layout;

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
    /// Its CRC-32, when the caller gave it.
    crc32: u32,
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

/// Writes a bundle ZIP the one way FORMAT.md §2 allows: STORED entries in the order they are
/// added (the caller adds them sorted), every header exactly as the canonical layout
/// (layout.rs) has it — fixed time (1980-01-01 00:00), mode 0644, no extra field but ZIP64 for
/// members of 4 GiB or more (and in the central directory for offsets past 4 GiB), no comments.
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
        if u16::try_from(name.len()).is_err() {
            return Err(std::io::Error::other(format!(
                "entry name too long: {name}"
            )));
        }
        self.last_name = Some(name.to_owned());
        let header_at = self.position();
        let local = layout::local_header(name.as_bytes(), size, crc32.unwrap_or(0));
        self.entries += 1;
        self.put(local.bytes())?;
        self.open = Some(OpenEntry {
            name: name.to_owned(),
            header_at,
            crc32: crc32.unwrap_or(0),
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
        let crc32 = match e.crc {
            Some(h) => {
                let crc = h.finalize();
                self.rewrite(e.header_at + 14, &crc.to_le_bytes())?;
                crc
            }
            None => e.crc32,
        };
        let central = layout::central_record(e.name.as_bytes(), e.size, crc32, e.header_at);
        self.central.extend_from_slice(central.bytes());
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
        let end = layout::end_records(self.entries, cd_size, cd_offset);
        self.put(end.bytes())?;
        self.flush_block()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod writer_tests {
    use super::*;
    use crate::container::read;
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
