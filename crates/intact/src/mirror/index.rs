//! The index of a published mirror folder (docs/RELEASES.md, docs/MIRRORS.md): `index.json`
//! beside `log/` and `bundles/`, listing every file of both with its size and SHA-256, so a
//! mirror on a website or in object storage can be pulled without a directory listing.
//!
//! The index is not trusted: it only says what to fetch and what the bytes in transit must be.
//! What a mirror keeps is decided by the signed log and by verifying each bundle.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::{self, Sha256Digest};
use crate::fs::{At as _, Mode, PathError, WriteError};

/// Format id of `index.json`.
pub const INDEX_FORMAT: &str = "intact-mirror-index/1";
/// The index's name under the base.
pub const INDEX_NAME: &str = "index.json";
/// The most bytes an index may have (about 200,000 files).
pub const MAX_INDEX_BYTES: u64 = 64 << 20;

/// One file of the published folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexFile {
    /// `log/NNNNNN/…` or `bundles/NAME`, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// `index.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub index: String,
    pub files: Vec<IndexFile>,
}

/// The index could not be read or is not one.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct IndexError {
    pub source_name: String,
    pub message: String,
}

/// Whether `c` may be part of a published path: a name a web server and an object store serve
/// as is, with no encoding.
fn safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+')
}

/// Checks a published path: `log/` then exactly a six-digit entry and a file (or
/// `signatures/FILE`, `timestamps/FILE`), the log's `tlog/` files (layout 2), or `bundles/NAME`; every component of safe characters, none `.`/`..`
/// or hidden.
pub fn check_path(path: &str) -> Result<(), String> {
    let parts: Vec<&str> = path.split('/').collect();
    let component_ok = |p: &str| !p.is_empty() && !p.starts_with('.') && p.chars().all(safe_char);
    if !parts.iter().all(|p| component_ok(p)) {
        return Err(format!("'{path}' is not a safe published path"));
    }
    let ok = match parts.as_slice() {
        // Layout 2 (FORMAT.md §15.4): the layout file, checkpoints, cosignatures.
        ["log", "tlog", "layout"] => true,
        ["log", "tlog", "checkpoints", size] => crate::log::entry_seq(size).is_some(),
        ["log", "tlog", "cosignatures", size, _] => crate::log::entry_seq(size).is_some(),
        ["log", entry, _] | ["log", entry, "signatures", _] | ["log", entry, "timestamps", _] => {
            crate::log::entry_seq(entry).is_some()
        }
        ["bundles", _] => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{path}' is neither under log/NNNNNN/ nor bundles/"
        ))
    }
}

impl Index {
    /// Reads an index: its format, each path safe and once, in byte order, each digest 64
    /// lowercase hex digits.
    pub fn parse(bytes: &[u8], source_name: &str) -> Result<Index, IndexError> {
        let err = |message: String| IndexError {
            source_name: source_name.to_owned(),
            message,
        };
        let index: Index =
            serde_json::from_slice(bytes).map_err(|e| err(format!("not a mirror index: {e}")))?;
        if index.index != INDEX_FORMAT {
            return Err(err(format!("index format '{}'", index.index)));
        }
        let mut prev: Option<&str> = None;
        for f in &index.files {
            check_path(&f.path).map_err(err)?;
            if prev.is_some_and(|p| p >= f.path.as_str()) {
                return Err(err(format!("'{}' is out of order or listed twice", f.path)));
            }
            prev = Some(&f.path);
            if Sha256Digest::from_hex(&f.sha256).is_none() {
                return Err(err(format!("'{}' has no valid sha256", f.path)));
            }
        }
        Ok(index)
    }

    /// The bytes `index.json` holds: pretty JSON and a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).unwrap_or_default();
        b.push(b'\n');
        b
    }

    /// The files under `prefix` (`log/`, `bundles/`).
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a IndexFile> + 'a {
        self.files
            .iter()
            .filter(move |f| f.path.starts_with(prefix))
    }
}

/// `intact mirror index DIR`: lists every regular file under `DIR/log` and `DIR/bundles` and
/// writes `DIR/index.json` (replacing it, atomically). A symlink or any other kind of file, or
/// a name that is not a safe published path, is an error.
pub fn write_index(dir: &Path) -> Result<Index, WriteError> {
    let mut files = Vec::new();
    for top in ["log", "bundles"] {
        let root = dir.join(top);
        if !root.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&root)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let p = e.path().map_or_else(|| root.clone(), Path::to_owned);
                PathError::new(
                    &p,
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("walk failed")),
                )
            })?;
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            let rel = published_name(dir, entry.path())?;
            if !ft.is_file() {
                return Err(bad(entry.path(), "not a regular file").into());
            }
            check_path(&rel).map_err(|m| bad(entry.path(), &m))?;
            let f = std::fs::File::open(entry.path()).at(entry.path())?;
            let d = digest::hash_stream(f).at(entry.path())?;
            files.push(IndexFile {
                path: rel,
                size: d.size,
                sha256: d.sha256.to_hex(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let index = Index {
        index: INDEX_FORMAT.into(),
        files,
    };
    crate::fs::write_atomically(&dir.join(INDEX_NAME), &index.to_bytes(), Mode::Public, true)?;
    Ok(index)
}

fn bad(path: &Path, message: &str) -> PathError {
    PathError::new(path, std::io::Error::other(message.to_owned()))
}

/// `path` relative to `dir`, `/`-separated, as UTF-8.
fn published_name(dir: &Path, path: &Path) -> Result<String, PathError> {
    let rel: PathBuf = path.strip_prefix(dir).unwrap_or(path).to_owned();
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| bad(path, "name is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_paths_are_checked() {
        for ok in [
            "log/000001/release.json",
            "log/000012/signatures/SHA256_abc.sig",
            "log/000003/timestamps/1.tsr",
            "log/tlog/layout",
            "log/tlog/checkpoints/000004",
            "log/tlog/cosignatures/000004/0f3a.sig",
            "bundles/case-archive-release-1.zip",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "log/000001/../x",
            "bundles/.hidden.zip",
            "bundles/a b.zip",
            "bundles/sub/x.zip",
            "log/1/release.json",
            "log/000000/release.json",
            "/bundles/x.zip",
            "index.json",
            "bundles/",
            "bundles/x%2f.zip",
            "log/tlog/checkpoints/4",
            "log/tlog/other",
            "log/000001/other/x",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_index_is_read_strictly() {
        let d = "0".repeat(64);
        let good = format!(
            r#"{{"index":"{INDEX_FORMAT}","files":[{{"path":"bundles/a.zip","size":1,"sha256":"{d}"}},{{"path":"log/000001/release.json","size":2,"sha256":"{d}"}}]}}"#
        );
        let i = Index::parse(good.as_bytes(), "u").unwrap();
        assert_eq!(i.under("log/").count(), 1);
        assert_eq!(Index::parse(&i.to_bytes(), "u").unwrap(), i);
        let unsorted = good.replacen("bundles/a.zip", "log/000002/release.json", 1);
        assert!(Index::parse(unsorted.as_bytes(), "u")
            .unwrap_err()
            .to_string()
            .contains("out of order"));
        let bad_digest = good.replacen(&d, "00", 1);
        assert!(Index::parse(bad_digest.as_bytes(), "u").is_err());
        let other = good.replace(INDEX_FORMAT, "intact-mirror-index/9");
        assert!(Index::parse(other.as_bytes(), "u").is_err());
        let traversal = good.replace("bundles/a.zip", "bundles/../../x");
        assert!(Index::parse(traversal.as_bytes(), "u").is_err());
    }
}
