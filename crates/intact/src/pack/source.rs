//! The source walk: which files of SRC go into the bundle, and what identifies each one's state
//! while it is read.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::PackError;
use crate::bagpath::{is_superscript_device_name, BagPath, NameError};
use crate::digest::{Sha256Digest, CHUNK};
use crate::fs::PathError;
use crate::problem::{Check, Problem};
use crate::progress::Progress;

/// A source file to pack.
pub(super) struct SourceFile {
    pub(super) abs: PathBuf,
    pub(super) path: BagPath,
    pub(super) size: u64,
}

/// Walks SRC: every regular file, with names checked against FORMAT.md §3; symlinks, special
/// files, unsafe names and colliding names are all reported together.
pub(super) fn collect_sources(src: &Path) -> Result<Vec<SourceFile>, PackError> {
    let meta = match std::fs::metadata(src) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(PackError::SrcMissing {
                path: src.to_owned(),
            })
        }
        Err(e) => return Err(PathError::new(src, e).into()),
    };
    if !meta.is_dir() {
        return Err(PackError::SrcNotDir {
            path: src.to_owned(),
        });
    }
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut keys: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).follow_links(false).min_depth(1) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_owned)
                    .unwrap_or_else(|| src.to_owned());
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| io::Error::other("cannot walk"));
                return Err(PathError { path, source }.into());
            }
        };
        let rel = entry.path().strip_prefix(src).unwrap_or(entry.path());
        let bad = |message: String| {
            Problem::new(Check::Source, entry.path().display().to_string(), message)
        };
        let ft = entry.file_type();
        if ft.is_symlink() {
            problems.push(bad(
                "symbolic link (the format carries regular files only)".into()
            ));
            continue;
        }
        let Some(rel_str) = rel.to_str() else {
            problems.push(bad("name is not UTF-8".into()));
            continue;
        };
        if !ft.is_dir() && !ft.is_file() {
            problems.push(bad(
                "special file (the format carries regular files only)".into()
            ));
            continue;
        }
        let name = format!("data/{rel_str}");
        let path = match BagPath::parse(&name) {
            Ok(p) => p,
            Err(NameError::NotNfc) => {
                problems.push(bad(
                    "name is not in Unicode NFC form (rename it; see FORMAT.md §3)".into(),
                ));
                continue;
            }
            Err(e) => {
                problems.push(bad(format!("name cannot be carried portably: {e}")));
                continue;
            }
        };
        if rel_str.split('/').any(is_superscript_device_name) {
            problems.push(bad(
                "name cannot be carried portably: a Windows device name (COM¹–COM³, LPT¹–LPT³)"
                    .into(),
            ));
            continue;
        }
        if let Some(other) = keys.insert(path.collision_key(), entry.path().to_owned()) {
            problems.push(bad(format!(
                "name collides with {} on case-insensitive or normalizing file systems",
                other.display()
            )));
            continue;
        }
        if ft.is_file() {
            let meta = entry
                .metadata()
                .map_err(|e| PathError::new(entry.path(), e.into()))?;
            files.push(SourceFile {
                abs: entry.path().to_owned(),
                path,
                size: meta.len(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(PackError::Source(problems));
    }
    if files.is_empty() {
        return Err(PackError::SrcEmpty {
            path: src.to_owned(),
        });
    }
    // ZIP entry order is byte order of the full name, not walk order.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What identifies a file's state: size, inode, and modification and change times. Any write
/// to the file changes its change time (which no caller can set back), so a file whose stamp is
/// unchanged has the bytes it had when the stamp was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) len: u64,
    dev: u64,
    ino: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    pub(super) fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: m.len(),
            dev: m.dev(),
            ino: m.ino(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }
}

/// What pack needs of a source file, computed from the bytes the leak gate read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Facts {
    pub(super) sha256: Sha256Digest,
    pub(super) crc32: u32,
    pub(super) size: u64,
    pub(super) stamp: Stamp,
}

/// SHA-256 and CRC-32 of a file the gate read: from its bytes in memory, or, for a file too
/// large for the gate to load, read here in chunks (positional reads from the start).
pub(super) fn facts_of(
    file: &File,
    meta: &std::fs::Metadata,
    loaded: Option<&[u8]>,
    progress: &dyn Progress,
) -> io::Result<Facts> {
    let stamp = Stamp::of(meta);
    let (sha256, crc32, size) = match loaded {
        Some(d) => (Sha256Digest::of(d), crc32fast::hash(d), d.len() as u64),
        None => {
            // the gate may have read part of it: from the start again
            let mut from = file;
            io::Seek::seek(&mut from, io::SeekFrom::Start(0))?;
            let d = crate::digest::hash_stream_with(from, &mut vec![0u8; CHUNK * 4], |n| {
                progress.advance(0, n)
            })?;
            (d.sha256, d.crc32, d.size)
        }
    };
    if loaded.is_some() {
        progress.advance(1, size);
    } else {
        progress.advance(1, 0);
    }
    Ok(Facts {
        sha256,
        crc32,
        size,
        stamp,
    })
}
