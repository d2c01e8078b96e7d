//! Where a bundle's bytes come from: any source of positional reads.
//!
//! A bundle ZIP is read in place: the end records, the central directory, each local header
//! and each member's data are byte ranges, read where they lie and in parallel (FORMAT.md §2
//! makes every member a byte range, since entries are STORED). So the readers need nothing but
//! "these bytes at this offset" and the length: [`ReadAt`]. A file is one such source; a byte
//! slice (tests), a bounded reader or a remote object (HTTP range requests, S3) can be another,
//! without a change to the container reader or the checks.

use std::fs::File;
use std::io;

/// A source of positional reads, shared by the threads that read members in parallel.
pub trait ReadAt: Sync {
    /// The length of the source in bytes.
    fn len(&self) -> io::Result<u64>;

    /// Whether the source holds no bytes.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Fills `buf` with the bytes at `offset`; fails with [`io::ErrorKind::UnexpectedEof`] when
    /// the source ends first.
    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()>;

    /// Whether each read costs a round trip (a remote object read by ranges). The container
    /// reader then reads no local header when opening, only the end records and the central
    /// directory, and checks each member's local header, byte for byte against the canonical
    /// layout, when that member is read (FORMAT.md §2.10): a reader that needs three members
    /// fetches three headers, not all of them. A full verification reads every member, so it
    /// checks every header either way.
    fn sparse(&self) -> bool {
        false
    }

    /// The first read that failed because the source did (a network that went away after its
    /// retries), not because the bytes ended or differ: a verification that met one has no
    /// verdict, only this error. Never for a file or bytes in memory, whose read errors are
    /// what the checks report.
    fn failure(&self) -> Option<io::Error> {
        None
    }
}

impl ReadAt for File {
    fn len(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }
}

impl ReadAt for [u8] {
    fn len(&self) -> io::Result<u64> {
        Ok(<[u8]>::len(self) as u64)
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let bytes = usize::try_from(offset)
            .ok()
            .and_then(|start| self.get(start..start.checked_add(buf.len())?))
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "failed to fill whole buffer")
            })?;
        buf.copy_from_slice(bytes);
        Ok(())
    }
}

impl ReadAt for Vec<u8> {
    fn len(&self) -> io::Result<u64> {
        ReadAt::len(self.as_slice())
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.as_slice().read_exact_at(offset, buf)
    }
}

/// Reads `len` bytes at `offset` into a new buffer; the message says where, for a report.
pub(crate) fn read_vec_at(source: &dyn ReadAt, offset: u64, len: usize) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; len];
    source
        .read_exact_at(offset, &mut buf)
        .map_err(|e| format!("cannot read {len} bytes at offset {offset}: {e}"))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_slice_reads_ranges_and_refuses_past_the_end() {
        let b: &[u8] = b"hello world";
        assert_eq!(ReadAt::len(b).unwrap(), 11);
        let mut buf = [0u8; 5];
        b.read_exact_at(6, &mut buf).unwrap();
        assert_eq!(&buf, b"world");
        let e = b.read_exact_at(7, &mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert!(b.read_exact_at(u64::MAX, &mut buf).is_err());
        assert!(b.read_exact_at(11, &mut []).is_ok());
    }

    #[test]
    fn a_file_and_its_bytes_read_alike() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"0123456789").unwrap();
        let file: &dyn ReadAt = tmp.as_file();
        let bytes: Vec<u8> = b"0123456789".to_vec();
        for source in [file, &bytes as &dyn ReadAt] {
            assert_eq!(source.len().unwrap(), 10);
            assert!(!source.is_empty().unwrap());
            let mut buf = [0u8; 3];
            source.read_exact_at(7, &mut buf).unwrap();
            assert_eq!(&buf, b"789");
            let e = source.read_exact_at(8, &mut buf).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
            assert_eq!(
                read_vec_at(source, 9, 2).unwrap_err(),
                "cannot read 2 bytes at offset 9: failed to fill whole buffer"
            );
        }
    }
}
