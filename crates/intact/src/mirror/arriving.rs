//! A file being downloaded, read by position while its bytes arrive: the source `mirror pull`
//! verifies a bundle through, so the verification runs beside the download instead of after it
//! (docs/MIRRORS.md).
//!
//! The download writes two regions of the file: the bundle's end (its central directory and the
//! tag files after `data/`), fetched first by a range request, and the stream from byte 0 up to
//! that end. A read waits until every byte it asks for is in one of them, or the download gave
//! up; it never waits on anything but the download, which never waits on a reader, so a read
//! either returns the bytes as written or fails.

use std::fs::File;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::source::ReadAt;

/// The regions of the file written so far.
#[derive(Debug, Default)]
struct Written {
    /// Bytes `0..upto` are written (the stream).
    upto: u64,
    /// Bytes `end_from..len` are written (the end, fetched first); `len` until then.
    end_from: u64,
    /// The download gave up: why. Reads of bytes not written fail from then on.
    failed: Option<String>,
}

/// A file of `len` bytes being written by a download, shared with the readers that wait for it.
#[derive(Debug)]
pub struct Arriving {
    file: File,
    len: u64,
    written: Mutex<Written>,
    changed: Condvar,
}

impl Arriving {
    /// The file that will hold `len` bytes, none of them written yet.
    pub fn new(file: File, len: u64) -> Arc<Arriving> {
        Arc::new(Arriving {
            file,
            len,
            written: Mutex::new(Written {
                upto: 0,
                end_from: len,
                failed: None,
            }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Written> {
        // A reader or writer that panicked holding the lock left plain numbers behind.
        self.written.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes `0..upto` are now written.
    pub fn streamed_to(&self, upto: u64) {
        self.lock().upto = upto.min(self.len);
        self.changed.notify_all();
    }

    /// Bytes `from..len` are now written.
    pub fn end_written_from(&self, from: u64) {
        let mut w = self.lock();
        w.end_from = w.end_from.min(from);
        drop(w);
        self.changed.notify_all();
    }

    /// The download gave up (`why`): waiting reads fail.
    pub fn fail(&self, why: String) {
        self.lock().failed.get_or_insert(why);
        self.changed.notify_all();
    }

    /// A reader's handle, for [`crate::verify::verify_zip_source`].
    pub fn source(self: &Arc<Arriving>) -> Box<dyn ReadAt + Send> {
        Box::new(Reader(self.clone()))
    }

    /// Waits until bytes `offset..end` are written (`Ok`) or the download gave up.
    fn wait_for(&self, offset: u64, end: u64) -> io::Result<()> {
        let mut w = self.lock();
        loop {
            if covered(&w, offset, end) {
                return Ok(());
            }
            if let Some(why) = &w.failed {
                return Err(io::Error::other(why.clone()));
            }
            w = self.changed.wait(w).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Whether bytes `offset..end` are all in `0..upto` or `end_from..`: the part of them before
/// `end_from` must be streamed already.
fn covered(w: &Written, offset: u64, end: u64) -> bool {
    end <= w.upto || offset.max(w.upto) >= w.end_from
}

/// [`Arriving`] as a source of positional reads.
struct Reader(Arc<Arriving>);

impl ReadAt for Reader {
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.len)
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.0.len)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::UnexpectedEof, "failed to fill whole buffer")
            })?;
        self.0.wait_for(offset, end)?;
        std::os::unix::fs::FileExt::read_exact_at(&self.0.file, buf, offset)
    }

    /// Local headers are checked as each member is read (FORMAT.md §2.10), not all at once
    /// when the ZIP is opened: the end arrives first, the headers with the stream.
    fn sparse(&self) -> bool {
        true
    }

    fn failure(&self) -> Option<io::Error> {
        let w = self.0.lock();
        w.failed.as_ref().map(|why| io::Error::other(why.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;
    use std::time::Duration;

    fn arriving(bytes: &[u8]) -> Arc<Arriving> {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        Arriving::new(f, bytes.len() as u64)
    }

    #[test]
    fn a_range_is_covered_by_the_stream_the_end_or_both() {
        let w = |upto, end_from| Written {
            upto,
            end_from,
            failed: None,
        };
        assert!(covered(&w(10, 100), 0, 10));
        assert!(!covered(&w(10, 100), 5, 11));
        assert!(covered(&w(10, 90), 90, 100));
        assert!(!covered(&w(10, 90), 89, 100));
        // Across the boundary: the stream reached the end region.
        assert!(covered(&w(90, 90), 50, 100));
        assert!(covered(&w(95, 90), 80, 100));
        assert!(!covered(&w(89, 90), 80, 100));
        assert!(covered(&w(0, 0), 0, 100));
    }

    #[test]
    fn a_read_waits_for_the_bytes_it_asks_for() {
        let a = arriving(b"0123456789");
        let src = a.source();
        let writer = {
            let a = a.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                a.end_written_from(8);
                std::thread::sleep(Duration::from_millis(50));
                a.streamed_to(8);
            })
        };
        let mut end = [0u8; 2];
        src.read_exact_at(8, &mut end).unwrap();
        assert_eq!(&end, b"89");
        let mut all = [0u8; 10];
        src.read_exact_at(0, &mut all).unwrap();
        assert_eq!(&all, b"0123456789");
        writer.join().unwrap();
        assert!(src.failure().is_none());
        assert!(src.sparse());
        assert_eq!(src.len().unwrap(), 10);
    }

    #[test]
    fn a_read_fails_once_the_download_gave_up() {
        let a = arriving(b"0123456789");
        let src = a.source();
        a.streamed_to(4);
        let mut some = [0u8; 4];
        src.read_exact_at(0, &mut some).unwrap();
        let failer = {
            let a = a.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(30));
                a.fail("connection reset".into());
            })
        };
        let e = src.read_exact_at(2, &mut some).unwrap_err();
        assert_eq!(e.to_string(), "connection reset");
        failer.join().unwrap();
        assert_eq!(src.failure().unwrap().to_string(), "connection reset");
        // What was written stays readable.
        src.read_exact_at(0, &mut some).unwrap();
    }

    #[test]
    fn reads_past_the_length_fail_at_once() {
        let a = arriving(b"0123");
        let mut buf = [0u8; 2];
        let e = a.source().read_exact_at(3, &mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        let e = a.source().read_exact_at(u64::MAX, &mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }
}
