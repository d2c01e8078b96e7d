//! Fetching one published bundle into an unnamed file in the mirror, verified while it arrives
//! (docs/MIRRORS.md): the bundle's end (central directory and the tag files after `data/`) is
//! fetched first by a range request, then the rest is streamed from byte 0; the verifier reads
//! the file through [`Arriving`] as the bytes land, the whole file is hashed for the index on
//! another thread, and a connection that ends early is resumed with a range request.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::mpsc;

use sha2::{Digest as _, Sha256};

use super::arriving::Arriving;
use super::index::IndexFile;
use super::Store;
use crate::container;
use crate::fs::{At as _, PathError};
use crate::limits::Limits;
use crate::net::NetError;
use crate::progress::Progress;
use crate::source::ReadAt;

/// Why a file was not fetched.
#[derive(Debug)]
pub enum Failed {
    /// The network or the server failed (exit 2).
    Net(NetError),
    /// The mirror's disk failed (exit 2).
    Io(PathError),
    /// The bytes that arrived are not the published ones (exit 1).
    Bad(String),
}

impl From<NetError> for Failed {
    fn from(e: NetError) -> Failed {
        Failed::Net(e)
    }
}

impl From<PathError> for Failed {
    fn from(e: PathError) -> Failed {
        Failed::Io(e)
    }
}

impl Failed {
    /// One line, for a reader waiting on the download.
    fn line(&self) -> String {
        match self {
            Failed::Net(e) => e.to_string(),
            Failed::Io(e) => e.to_string(),
            Failed::Bad(m) => m.clone(),
        }
    }
}

/// Bytes written, and handed to the hasher, at a time.
const CHUNK: usize = 1 << 20;
/// Chunks on their way to the hasher at most (the memory a download holds: this many MiB).
const IN_FLIGHT: usize = 4;
/// A bundle smaller than this is streamed whole; the verifier then reads it once it is all
/// there (a request for the end first would save nothing).
const STREAM_WHOLE_BELOW: u64 = 64 << 10;
/// The first request for the end reads a sixteenth of the bundle, at least 64 KiB and at most
/// 1 MiB: the end records and, for most bundles, the central directory and the tag files.
const END_PROBE: (u64, u64) = (64 << 10, 1 << 20);
/// The rest of the end is fetched in requests of at most this many bytes.
const END_CHUNK: u64 = 8 << 20;

/// Downloads `f` into `out` (empty) while `verify` reads it through a source that waits for
/// the bytes it asks for; returns what `verify` returned once every byte arrived and the file
/// is exactly the index's size and SHA-256. A download that fails ends the waiting reads, and
/// its failure is returned, not the verification.
pub fn fetch_verifying<R: Send>(
    store: &dyn Store,
    f: &IndexFile,
    out: &File,
    at: &Path,
    progress: &dyn Progress,
    verify: impl FnOnce(Box<dyn ReadAt + Send>) -> R + Send,
) -> Result<R, Failed> {
    reserve(out, at, f.size)?;
    let arriving = Arriving::new(out.try_clone().at(at)?, f.size);
    let source = arriving.source();
    let hashers = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| behind_the_transfer())
        .build()
        .map_err(|e| Failed::Io(PathError::new(at, std::io::Error::other(e.to_string()))))?;
    std::thread::scope(|s| {
        let verifier = s.spawn(move || {
            behind_the_transfer();
            hashers.install(|| verify(source))
        });
        let fetched = fetch(store, f, out, at, &arriving, progress);
        if let Err(e) = &fetched {
            arriving.fail(e.line());
        }
        let verdict = verifier.join();
        fetched?;
        verdict.map_err(|_| {
            Failed::Io(PathError::new(
                at,
                std::io::Error::other("the verification stopped unexpectedly"),
            ))
        })
    })
}

/// Lowers the calling thread's scheduling priority (Linux: nice is per thread) a little: the
/// threads that hash and verify what arrived yield to the one that receives and writes it, so
/// on a machine short of cores the transfer is never slowed by the work it feeds; they catch
/// up whenever it waits on the network. Where that fails they run at the usual priority.
fn behind_the_transfer() {
    if let Ok(now) = rustix::process::getpriority_process(None) {
        let _ = rustix::process::setpriority_process(None, (now + HASHING_NICE).min(19));
    }
}

/// How much lower than the transfer the hashing threads run (nice values go from -20 to 19).
const HASHING_NICE: i32 = 5;

/// Asks the file system for the file's blocks at once: fewer, larger extents, cheaper writes,
/// and a disk too full for the file found before the transfer. Where the file system cannot,
/// the writes allocate the blocks as they go.
fn reserve(out: &File, at: &Path, size: u64) -> Result<(), Failed> {
    if size == 0 {
        return Ok(());
    }
    match rustix::fs::fallocate(out, rustix::fs::FallocateFlags::KEEP_SIZE, 0, size) {
        Err(e) if e == rustix::io::Errno::NOSPC || e == rustix::io::Errno::FBIG => {
            Err(Failed::Io(PathError::new(at, std::io::Error::from(e))))
        }
        _ => Ok(()),
    }
}

/// The download itself: the end first (when worth it), then the stream to it, hashed on a
/// second thread; the file's SHA-256 compared with the index's.
fn fetch(
    store: &dyn Store,
    f: &IndexFile,
    out: &File,
    at: &Path,
    arriving: &Arriving,
    progress: &dyn Progress,
) -> Result<(), Failed> {
    let end_from = if f.size >= STREAM_WHOLE_BELOW {
        fetch_end(store, f, out, at, progress)?
    } else {
        None
    };
    if let Some(from) = end_from {
        arriving.end_written_from(from);
    }
    let stream_to = end_from.unwrap_or(f.size);
    let mut sha = std::thread::scope(|s| -> Result<Sha256, Failed> {
        let (to_hasher, chunks) = mpsc::sync_channel::<(Vec<u8>, usize)>(IN_FLIGHT);
        let (give_back, spare) = mpsc::channel::<Vec<u8>>();
        let hasher = s.spawn(move || {
            behind_the_transfer();
            let mut sha = Sha256::new();
            for (buf, n) in chunks {
                sha.update(&buf[..n]);
                // The stream may have stopped taking buffers back: nothing to do then.
                let _ = give_back.send(buf);
            }
            sha
        });
        let streamed = stream(
            store,
            f,
            out,
            at,
            stream_to,
            arriving,
            progress,
            |buf, n| {
                to_hasher.send((buf, n)).ok();
                spare.try_recv().unwrap_or_else(|_| vec![0u8; CHUNK])
            },
        );
        drop(to_hasher);
        let sha = hasher.join().map_err(|_| {
            Failed::Io(PathError::new(at, std::io::Error::other("hashing stopped")))
        })?;
        streamed.map(|()| sha)
    })?;
    // The end, as written, after the stream's bytes.
    hash_file_range(out, at, stream_to, f.size, &mut sha)?;
    let hex = crate::digest::Sha256Digest(sha.finalize().into()).to_hex();
    if hex != f.sha256 {
        return Err(Failed::Bad(format!(
            "{}: the bytes that arrived have sha256 {hex}, the index says {}",
            store.name(&f.path),
            f.sha256
        )));
    }
    Ok(())
}

/// The bytes `from..` of the bundle after its payload — the tag files that sort after `data/`,
/// the central directory and the end records — read by range requests and written into `out`
/// at their place; `from`, or `None` when the end cannot be found (not a ZIP, no `data/`, or
/// an end larger than an eighth of the file): the verifier then reads it after the stream.
fn fetch_end(
    store: &dyn Store,
    f: &IndexFile,
    out: &File,
    at: &Path,
    progress: &dyn Progress,
) -> Result<Option<u64>, Failed> {
    let probe_len = (f.size / 16).clamp(END_PROBE.0, END_PROBE.1).min(f.size);
    let mut probe = vec![0u8; probe_len as usize];
    store.read_range(&f.path, f.size - probe_len, &mut probe, f.size)?;
    let ranges = EndRanges {
        store,
        rel: &f.path,
        size: f.size,
        probe: &probe,
        failed: std::sync::Mutex::new(None),
    };
    let read = container::read_with_limits(&ranges, &Limits::DEFAULT);
    if let Some(e) = ranges.failed.into_inner().ok().flatten() {
        return Err(Failed::Net(e));
    }
    // A central directory is the server's word too: an end that does not lie inside the file
    // is no end to fetch first.
    let Some(from) = read
        .ok()
        .and_then(|c| end_start(&c.members))
        .filter(|from| *from > 0 && *from < f.size)
    else {
        return Ok(None);
    };
    if f.size - from > (f.size / 8).max(END_PROBE.1) {
        return Ok(None);
    }
    // The end, probe included: one request for what the probe does not hold.
    let probe_from = f.size - probe_len;
    // What the probe does not hold, a chunk per request (the index's size is the server's
    // word: memory stays bounded whatever it says).
    let mut pos = from;
    let mut buf = Vec::new();
    while pos < probe_from {
        let n = (probe_from - pos).min(END_CHUNK) as usize;
        buf.resize(n, 0);
        store.read_range(&f.path, pos, &mut buf, f.size)?;
        out.write_all_at(&buf, pos).at(at)?;
        progress.advance(0, n as u64);
        pos += n as u64;
    }
    let keep = (probe_from.max(from) - probe_from) as usize;
    out.write_all_at(&probe[keep..], probe_from.max(from))
        .at(at)?;
    progress.advance(0, (probe.len() - keep) as u64);
    Ok(Some(from))
}

/// Where the members after the payload begin: the local header of the first member that sorts
/// after every `TOP/data/…` member (members are in name order, FORMAT.md §2).
fn end_start(members: &[container::Member]) -> Option<u64> {
    let is_payload = |m: &container::Member| {
        m.name
            .split_once('/')
            .is_some_and(|(_, rest)| rest.starts_with("data/"))
    };
    let last_payload = members.iter().rposition(is_payload)?;
    let next = members.get(last_payload + 1)?;
    next.header_at
        .filter(|at| *at >= members[last_payload].data_offset)
}

/// The bundle's end read by ranges for [`container::read_with_limits`]: the probe (the last
/// bytes) served from memory, anything before it by one range request each.
struct EndRanges<'a> {
    store: &'a dyn Store,
    rel: &'a str,
    size: u64,
    probe: &'a [u8],
    failed: std::sync::Mutex<Option<NetError>>,
}

impl ReadAt for EndRanges<'_> {
    fn len(&self) -> std::io::Result<u64> {
        Ok(self.size)
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.size)
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "past the end")
            })?;
        let probe_from = self.size - self.probe.len() as u64;
        if offset >= probe_from {
            let at = (offset - probe_from) as usize;
            buf.copy_from_slice(&self.probe[at..at + buf.len()]);
            return Ok(());
        }
        let split = (end.min(probe_from) - offset) as usize;
        let (remote, held) = buf.split_at_mut(split);
        held.copy_from_slice(&self.probe[..held.len()]);
        self.store
            .read_range(self.rel, offset, remote, self.size)
            .map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                if let Ok(mut slot) = self.failed.lock() {
                    slot.get_or_insert(e);
                }
                io
            })
    }

    fn sparse(&self) -> bool {
        true
    }
}

/// Streams bytes `0..to` of `f` into `out` at their place, each chunk handed to `hashed` (which
/// gives back a buffer to fill next) and announced to `arriving`; a response cut short is
/// resumed from the byte reached (the store's retries bound the attempts).
#[allow(clippy::too_many_arguments)]
fn stream(
    store: &dyn Store,
    f: &IndexFile,
    out: &File,
    at: &Path,
    to: u64,
    arriving: &Arriving,
    progress: &dyn Progress,
    mut hashed: impl FnMut(Vec<u8>, usize) -> Vec<u8>,
) -> Result<(), Failed> {
    let mut got = 0u64;
    let mut resumes = store.retries();
    let mut wait = store.backoff();
    let mut buf = vec![0u8; CHUNK];
    while got < to {
        let ended = match store.stream_span(&f.path, got, to, f.size) {
            Ok(mut body) => loop {
                let (n, ended) = fill(store, f, &mut *body, &mut buf, to - got)?;
                if n > 0 {
                    out.write_all_at(&buf[..n], got).at(at)?;
                    got += n as u64;
                    arriving.streamed_to(got);
                    progress.advance(0, n as u64);
                    buf = hashed(buf, n);
                }
                if let Some(ended) = ended {
                    break ended;
                }
            },
            Err(e) => Err(e),
        };
        match ended {
            Ok(()) if got == to => break,
            Ok(()) => {
                if resumes == 0 {
                    return Err(NetError::cut(&store.name(&f.path)).into());
                }
            }
            Err(e) if e.is_transient() && resumes > 0 => {}
            Err(e) => return Err(e.into()),
        }
        resumes -= 1;
        std::thread::sleep(wait);
        wait = wait.saturating_mul(2);
    }
    Ok(())
}

/// Fills `buf` from `body` with at most `left` bytes: how many, and whether the body ended
/// (`Some(Ok)`) or failed (`Some(Err)`, to resume). More bytes than `left` is a finding.
fn fill(
    store: &dyn Store,
    f: &IndexFile,
    body: &mut dyn Read,
    buf: &mut [u8],
    left: u64,
) -> Result<(usize, Option<Result<(), NetError>>), Failed> {
    let mut n = 0;
    while n < buf.len() {
        match body.read(&mut buf[n..]) {
            Ok(0) => return Ok((n, Some(Ok(())))),
            Ok(k) => {
                store.count(k);
                n += k;
                if n as u64 > left {
                    return Err(Failed::Bad(format!(
                        "{}: more bytes arrived than the {} the index says",
                        store.name(&f.path),
                        f.size
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Ok((n, Some(Err(NetError::from_io(&store.name(&f.path), e))))),
        }
    }
    Ok((n, None))
}

/// Adds the bytes `from..to` of `file` to `sha`.
fn hash_file_range(
    file: &File,
    at: &Path,
    from: u64,
    to: u64,
    sha: &mut Sha256,
) -> Result<(), Failed> {
    let mut buf = vec![0u8; CHUNK];
    let mut pos = from;
    while pos < to {
        let n = (to - pos).min(CHUNK as u64) as usize;
        std::os::unix::fs::FileExt::read_exact_at(file, &mut buf[..n], pos).at(at)?;
        sha.update(&buf[..n]);
        pos += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, header_at: u64, data_offset: u64) -> container::Member {
        container::Member {
            name: name.into(),
            data_offset,
            size: 1,
            crc32: 0,
            header_at: Some(header_at),
        }
    }

    #[test]
    fn the_end_starts_at_the_first_member_after_the_payload() {
        let members = [
            member("b/bag-info.txt", 0, 40),
            member("b/bagit.txt", 41, 80),
            member("b/data/a.txt", 81, 120),
            member("b/data/z.txt", 121, 160),
            member("b/manifest-sha256.txt", 161, 210),
            member("b/release.json", 211, 250),
        ];
        assert_eq!(end_start(&members), Some(161));
        // No payload, or nothing after it: no end to fetch first.
        assert_eq!(end_start(&members[..2]), None);
        assert_eq!(end_start(&members[..4]), None);
        // A member "after" the payload that lies before it (not a layout pack writes).
        let odd = [member("b/data/a.txt", 81, 120), member("b/x.txt", 0, 40)];
        assert_eq!(end_start(&odd), None);
    }
}
