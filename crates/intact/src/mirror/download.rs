//! Fetching one published file: into an unnamed file in the mirror, hashed as the bytes arrive,
//! resumed with a range request where a connection ended, and compared with the index.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::index::IndexFile;
use super::Store;
use crate::fs::{At as _, PathError};
use crate::net::NetError;
use crate::progress::Progress;

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

/// Read size of a download.
const CHUNK: usize = 1 << 20;

/// Fetches `f` into `out` (empty, at its start), hashing every byte as it arrives; a response
/// cut short is resumed from the byte reached (the store's retries bound the attempts). The
/// bytes must be exactly the index's size and SHA-256.
pub fn fetch_into(
    store: &dyn Store,
    f: &IndexFile,
    out: &mut File,
    at: &Path,
    progress: &dyn Progress,
) -> Result<(), Failed> {
    let mut hasher = Sha256::new();
    let mut got = 0u64;
    let mut resumes = store.retries();
    let mut wait = store.backoff();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let ended = if got == f.size && f.size > 0 {
            Ok(())
        } else {
            let mut body = store.stream_from(&f.path, got, f.size)?;
            copy_body(
                store,
                f,
                &mut *body,
                out,
                at,
                &mut buf,
                &mut hasher,
                &mut got,
                progress,
            )?
        };
        match ended {
            Ok(()) if got == f.size => break,
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
    let sha = hex(&hasher.finalize());
    if sha != f.sha256 {
        return Err(Failed::Bad(format!(
            "{}: the bytes that arrived have sha256 {sha}, the index says {}",
            store.name(&f.path),
            f.sha256
        )));
    }
    out.flush().at(at)?;
    Ok(())
}

/// Copies one response body into `out` until it ends (`Ok(Ok)`) or the connection fails
/// (`Ok(Err)`, to resume); more bytes than the index says is a finding.
#[allow(clippy::too_many_arguments)]
fn copy_body(
    store: &dyn Store,
    f: &IndexFile,
    body: &mut dyn Read,
    out: &mut File,
    at: &Path,
    buf: &mut [u8],
    hasher: &mut Sha256,
    got: &mut u64,
    progress: &dyn Progress,
) -> Result<Result<(), NetError>, Failed> {
    loop {
        let n = match body.read(buf) {
            Ok(0) => return Ok(Ok(())),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Ok(Err(NetError::from_io(&store.name(&f.path), e))),
        };
        store.count(n);
        if *got + n as u64 > f.size {
            return Err(Failed::Bad(format!(
                "{}: more bytes arrived than the {} the index says",
                store.name(&f.path),
                f.size
            )));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).at(at)?;
        *got += n as u64;
        progress.advance(0, n as u64);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
