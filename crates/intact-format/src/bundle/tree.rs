//! A bundle's extracted top directory (a mirrored tree) opened as members: listed level by
//! level, then gone through in name order (FORMAT.md §2–3 for a tree).

use std::ffi::OsString;
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
    /// A regular file: its path, and its size (not following a symbolic link) unless it is a
    /// payload file.
    File(PathBuf, Option<u64>),
    /// A directory: its index among the listed directories.
    Dir(usize),
    Symlink,
    /// Anything else (a socket, a device, a pipe).
    Special,
}

/// A directory of a tree and what it holds, by path relative to the top, in name order.
struct Listing {
    path: PathBuf,
    rel: PathBuf,
    entries: Vec<(PathBuf, Node)>,
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
        rel: PathBuf::new(),
        entries: Vec::new(),
    }];
    let mut level = vec![0usize];
    while !level.is_empty() {
        let listed: Vec<Result<Vec<(OsString, Node)>, OpenError>> = level
            .par_iter()
            .map(|&i| list_directory(&dirs[i].path, !dirs[i].rel.starts_with("data")))
            .collect();
        let mut next = Vec::new();
        for (&i, entries) in level.iter().zip(listed) {
            let mut kept = Vec::new();
            for (name, node) in entries? {
                let rel = dirs[i].rel.join(&name);
                let node = match node {
                    Node::Dir(_) => {
                        let path = dirs[i].path.join(&name);
                        next.push(dirs.len());
                        dirs.push(Listing {
                            path,
                            rel: rel.clone(),
                            entries: Vec::new(),
                        });
                        Node::Dir(dirs.len() - 1)
                    }
                    other => other,
                };
                kept.push((rel, node));
            }
            dirs[i].entries = kept;
        }
        level = next;
    }
    Ok(dirs)
}

/// The entries of one directory, sorted by name (bytes), each with its kind and, when `sizes`,
/// a file's size.
fn list_directory(dir: &Path, sizes: bool) -> Result<Vec<(OsString, Node)>, OpenError> {
    let io_err = |path: PathBuf| move |source| OpenError::Io { path, source };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err(dir.to_owned()))? {
        let entry = entry.map_err(io_err(dir.to_owned()))?;
        let ft = entry.file_type().map_err(io_err(entry.path()))?;
        let node = if ft.is_symlink() {
            Node::Symlink
        } else if ft.is_dir() {
            Node::Dir(0)
        } else if ft.is_file() {
            // `DirEntry::metadata` does not follow a symbolic link, and looks the name up in
            // `dir` (fstatat), not from the root.
            let size = match sizes {
                true => Some(entry.metadata().map_err(io_err(entry.path()))?.len()),
                false => None,
            };
            Node::File(entry.path(), size)
        } else {
            Node::Special
        };
        out.push((entry.file_name(), node));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
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
    let mut items = Vec::new();
    let mut dirs = list_tree(&root)?;
    // Every entry in name order, each directory followed by what it holds (depth first), so
    // problems are reported in the same order on every file system.
    let mut stack = vec![std::mem::take(&mut dirs[0].entries).into_iter()];
    while let Some(top_of_stack) = stack.last_mut() {
        let Some((rel_os, node)) = top_of_stack.next() else {
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
        let Some(rel) = rel_os.to_str().map(str::to_owned) else {
            problems.push(Problem::new(
                Check::Names,
                rel_os.to_string_lossy(),
                "name is not UTF-8",
            ));
            continue;
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
            Node::File(path, size) => items.push((rel, Location::File { path, size })),
            Node::Special => problems.push(Problem::new(
                Check::Container,
                format!("{top}/{rel}"),
                "special file (not a regular file)",
            )),
        }
    }
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let members = add_members(&top, items, &mut problems);
    Ok(Bundle {
        source: path.to_owned(),
        kind: Kind::Directory,
        top,
        members,
        problems,
        zip: None,
    })
}
