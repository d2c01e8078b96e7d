//! A bundle's extracted top directory (a mirrored tree) opened as members: listed level by
//! level, then gone through in name order (FORMAT.md §2–3 for a tree).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::{add_members, Bundle, Kind, Location, OpenError};
use crate::problem::{Check, Problem};

/// A directory with nothing in it: no part of the bag (a bundle ZIP has no directory entries, so
/// extracting one makes none), but for `data/`, which a bag without payload files still has
/// (RFC 8493 §2.1.2).
fn empty_directory(top: &str, rel: &str, problems: &mut Vec<Problem>) {
    if rel != "data" {
        problems.push(Problem::new(
            Check::Container,
            format!("{top}/{rel}"),
            "empty directory (a bundle holds only files)",
        ));
    }
}

/// What a directory of a tree holds, as listed.
enum Node {
    /// A regular file, and its size (not following a symbolic link) unless it is a payload
    /// file.
    File(Option<u64>),
    /// A directory: its index among the listed directories.
    Dir(usize),
    Symlink,
    /// Anything else (a socket, a device, a pipe).
    Special,
}

/// A directory of a tree: its path, its path relative to the top (empty for the top), and
/// what it holds, each by its path relative to the top, in name order.
struct Listing {
    path: PathBuf,
    rel: Vec<u8>,
    entries: Entries,
}

/// A directory's entries, each by its path relative to the top (its bytes when they are not
/// UTF-8).
type Entries = Vec<(Result<String, Vec<u8>>, Node)>;

/// An entry's path as bytes.
fn bytes(path: &Result<String, Vec<u8>>) -> &[u8] {
    match path {
        Ok(text) => text.as_bytes(),
        Err(bytes) => bytes,
    }
}

/// Whether a directory (by its path relative to the top) is `data/` or inside it.
fn is_payload(rel: &[u8]) -> bool {
    rel == b"data" || rel.starts_with(b"data/")
}

/// Lists every directory of the tree under `root`, level by level, the directories of a level
/// in parallel (each an open and its entries read; no path is looked up from the root again).
/// A tag file's size is looked up as it is listed (one `fstatat` relative to its directory); a
/// payload file's (under `data/`) is not: hashing it reads it whole, and a lookup per file
/// would cost a tree of small files a third of its verification. The first directory listed
/// is `root`.
fn list_tree(root: &Path) -> Result<Vec<Listing>, OpenError> {
    use rayon::prelude::*;
    let mut dirs = vec![Listing {
        path: root.to_owned(),
        rel: Vec::new(),
        entries: Vec::new(),
    }];
    let mut level = vec![0usize];
    while !level.is_empty() {
        let listed: Vec<Result<Entries, OpenError>> = level
            .par_iter()
            .map(|&i| list_directory(&dirs[i].path, &dirs[i].rel))
            .collect();
        let mut next = Vec::new();
        for (&i, entries) in level.iter().zip(listed) {
            let mut entries = entries?;
            for (rel, node) in &mut entries {
                if let Node::Dir(index) = node {
                    *index = dirs.len();
                    next.push(dirs.len());
                    dirs.push(Listing {
                        path: root.join(OsStr::from_bytes(bytes(rel))),
                        rel: bytes(rel).to_vec(),
                        entries: Vec::new(),
                    });
                }
            }
            dirs[i].entries = entries;
        }
        level = next;
    }
    Ok(dirs)
}

/// The entries of the directory at `dir` (`rel` from the top), each by its path from the top,
/// sorted by name (bytes), with its kind and, outside `data/`, a file's size. The entries are
/// read from the kernel's buffer as they are (`getdents64`): one allocation per entry, its
/// path.
fn list_directory(dir: &Path, rel: &[u8]) -> Result<Entries, OpenError> {
    use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir};
    let io_err = |path: PathBuf| {
        move |e: rustix::io::Errno| OpenError::Io {
            path,
            source: e.into(),
        }
    };
    let sizes = !is_payload(rel);
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(dir, flags, Mode::empty()).map_err(io_err(dir.to_owned()))?;
    let mut buf: Vec<u8> = Vec::with_capacity(32 << 10);
    let mut listing = RawDir::new(&fd, buf.spare_capacity_mut());
    let mut out = Vec::new();
    while let Some(entry) = listing.next() {
        let entry = entry.map_err(io_err(dir.to_owned()))?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let mut kind = entry.file_type();
        let mut size = None;
        // A file system that does not give the kind in the listing is asked for it, as is a
        // tag file's size (neither follows a symbolic link).
        if kind == FileType::Unknown || (kind == FileType::RegularFile && sizes) {
            let st = rustix::fs::statat(&fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                .map_err(io_err(dir.join(OsStr::from_bytes(name))))?;
            kind = FileType::from_raw_mode(st.st_mode);
            size = u64::try_from(st.st_size).ok();
        }
        let node = match kind {
            FileType::Symlink => Node::Symlink,
            FileType::Directory => Node::Dir(0),
            FileType::RegularFile => Node::File(if sizes { size } else { None }),
            _ => Node::Special,
        };
        let mut path = Vec::with_capacity(rel.len() + 1 + name.len());
        if !rel.is_empty() {
            path.extend_from_slice(rel);
            path.push(b'/');
        }
        path.extend_from_slice(name);
        out.push((String::from_utf8(path).map_err(|e| e.into_bytes()), node));
    }
    // Every path here starts with `rel/`: in the order of the names.
    out.sort_unstable_by(|a, b| bytes(&a.0).cmp(bytes(&b.0)));
    Ok(out)
}

pub(super) fn open_dir(path: &Path) -> Result<Bundle, OpenError> {
    let io_err = |source| OpenError::Io {
        path: path.to_owned(),
        source,
    };
    // The bag's top directory itself, or a directory that holds exactly it.
    let root = if path.join("bagit.txt").exists() {
        path.to_owned()
    } else {
        let entries: Vec<_> = std::fs::read_dir(path)
            .map_err(io_err)?
            .collect::<Result<_, _>>()
            .map_err(io_err)?;
        let dirs: Vec<_> = entries
            .iter()
            .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
            .collect();
        if entries.len() == 1 && dirs.len() == 1 && dirs[0].path().join("bagit.txt").exists() {
            dirs[0].path()
        } else if dirs.len() > 1 && dirs.iter().any(|d| d.path().join("bagit.txt").exists()) {
            return Err(OpenError::NotABundle {
                path: path.to_owned(),
                message: "more than one top-level directory".into(),
            });
        } else {
            return Err(OpenError::NotABundle {
                path: path.to_owned(),
                message: "not a bundle directory (no bagit.txt)".into(),
            });
        }
    };
    let top = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut dirs = list_tree(&root)?;
    let mut items = Vec::with_capacity(dirs.iter().map(|d| d.entries.len()).sum());
    // Every entry in name order, each directory followed by what it holds (depth first), so
    // problems are reported in the same order on every file system.
    let mut stack = vec![std::mem::take(&mut dirs[0].entries).into_iter()];
    while let Some(top_of_stack) = stack.last_mut() {
        let Some((rel, node)) = top_of_stack.next() else {
            stack.pop();
            continue;
        };
        let inside = match node {
            Node::Dir(i) => Some(std::mem::take(&mut dirs[i].entries)),
            _ => None,
        };
        let empty = inside.as_ref().is_some_and(Vec::is_empty);
        if let Some(inside) = inside {
            stack.push(inside.into_iter());
        }
        let rel = match rel {
            Ok(rel) => rel,
            Err(rel) => {
                problems.push(Problem::new(
                    Check::Names,
                    String::from_utf8_lossy(&rel),
                    "name is not UTF-8",
                ));
                continue;
            }
        };
        match node {
            Node::Symlink => problems.push(Problem::new(
                Check::Container,
                format!("{top}/{rel}"),
                "symbolic link",
            )),
            Node::Dir(_) => {
                if empty {
                    empty_directory(&top, &rel, &mut problems);
                }
            }
            Node::File(size) => items.push((rel, Location::File { size })),
            Node::Special => problems.push(Problem::new(
                Check::Container,
                format!("{top}/{rel}"),
                "special file (not a regular file)",
            )),
        }
    }
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let members = add_members(&top, items, &mut problems);
    Ok(Bundle {
        source: path.to_owned(),
        kind: Kind::Directory,
        top,
        members,
        problems,
        zip: None,
        tree: Some(root),
    })
}
