//! Where a document page's file comes from (`--files`): copied into the site from the verified
//! bundles or from an extracted mirror tree — each copy hashed and compared with its signed
//! record before it is kept — or linked on a mirror at a URL.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::bundle::Bundle;
use crate::digest::hex;
use crate::fs::At as _;

/// The source of the documents' files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// No file on the pages (the pages say where to get the bundle).
    None,
    /// Copy each file out of the release's bundle in `--bundles` (verified in full first).
    Bundles,
    /// Copy each file from a mirror tree: `DIR/<release>/<bag path>`.
    Dir(PathBuf),
    /// Link each file on a mirror tree at `URL/<release>/<bag path>`.
    Url(String),
}

impl FileSource {
    /// `--files VALUE`: a URL when it has a scheme (`https://…`, `http://…`), else a directory.
    pub fn parse(value: &str) -> FileSource {
        if value.starts_with("https://") || value.starts_with("http://") {
            FileSource::Url(value.trim_end_matches('/').to_owned())
        } else {
            FileSource::Dir(PathBuf::from(value))
        }
    }
}

/// A file that could not be copied into the site.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is missing from the bundle or the mirror tree (exit 1).
    #[error("{path}: missing: the signed record of release {release} lists it")]
    Missing { path: PathBuf, release: String },
    /// The file's bytes are not the signed ones (exit 1).
    #[error("{path}: SHA-256 {actual} is not the signed {expected} of release {release}")]
    Changed {
        path: PathBuf,
        release: String,
        expected: String,
        actual: String,
    },
}

impl FilesError {
    /// Whether the files themselves are wrong (exit 1), not an I/O error.
    pub fn is_finding(&self) -> bool {
        !matches!(self, FilesError::Io { .. })
    }
}

impl From<crate::fs::PathError> for FilesError {
    fn from(e: crate::fs::PathError) -> FilesError {
        FilesError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// A path segment percent-encoded for a URL: every byte outside `A–Z a–z 0–9 - . _ ~`.
pub fn url_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A bag path (`data/…`) as a URL path, each segment encoded.
pub fn url_path(bag_path: &str) -> String {
    bag_path
        .split('/')
        .map(url_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// Copies `reader` to `dest` (making its folders), hashing on the way; the copy is removed
/// unless its SHA-256 is `expected`.
pub fn copy_checked(
    reader: &mut dyn Read,
    dest: &Path,
    expected: &str,
    release: &str,
    source: &Path,
) -> Result<(), FilesError> {
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).at(parent)?;
    }
    let mut out = std::fs::File::create(dest).at(dest)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).at(source)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).at(dest)?;
    }
    let actual = hex(&h.finalize());
    if actual != expected {
        drop(out);
        let _ = std::fs::remove_file(dest);
        return Err(FilesError::Changed {
            path: source.to_owned(),
            release: release.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    Ok(())
}

/// Copies the file at bag path `path` of `bundle` to `dest`, checked against `sha256`.
pub fn copy_from_bundle(
    bundle: &Bundle,
    bundle_path: &Path,
    path: &str,
    sha256: &str,
    release: &str,
    dest: &Path,
) -> Result<(), FilesError> {
    let at = bundle_path.join(path);
    let Some(m) = bundle.get(path) else {
        return Err(FilesError::Missing {
            path: at,
            release: release.to_owned(),
        });
    };
    let mut r = bundle.reader(m).at(&at)?;
    copy_checked(&mut r, dest, sha256, release, &at)
}

/// Copies `DIR/<release>/<path>` to `dest`, checked against `sha256`.
pub fn copy_from_tree(
    dir: &Path,
    path: &str,
    sha256: &str,
    release: &str,
    dest: &Path,
) -> Result<(), FilesError> {
    let src = dir.join(release).join(path);
    match std::fs::symlink_metadata(&src) {
        Ok(m) if m.is_file() => {}
        Ok(_) => {
            return Err(FilesError::Missing {
                path: src,
                release: release.to_owned(),
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FilesError::Missing {
                path: src,
                release: release.to_owned(),
            })
        }
        Err(e) => return Err(crate::fs::PathError::new(&src, e).into()),
    }
    let mut f = std::fs::File::open(&src).at(&src)?;
    copy_checked(&mut f, dest, sha256, release, &src)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_encode_every_byte_outside_the_unreserved_set() {
        assert_eq!(
            url_path("data/a b/վկա.txt"),
            "data/a%20b/%D5%BE%D5%AF%D5%A1.txt"
        );
        assert_eq!(url_segment("?#%&"), "%3F%23%25%26");
    }

    #[test]
    fn files_is_a_url_only_with_a_scheme() {
        assert_eq!(
            FileSource::parse("https://mirror.example/a/"),
            FileSource::Url("https://mirror.example/a".into())
        );
        assert_eq!(
            FileSource::parse("mirror"),
            FileSource::Dir("mirror".into())
        );
    }

    #[test]
    fn a_copy_that_is_not_the_signed_file_is_removed_and_refused() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("r1/data")).unwrap();
        std::fs::write(d.path().join("r1/data/a.txt"), b"abc").unwrap();
        let good = hex(&Sha256::digest(b"abc"));
        let dest = d.path().join("out/a.txt");
        copy_from_tree(d.path(), "data/a.txt", &good, "r1", &dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"abc");
        let bad = hex(&Sha256::digest(b"abd"));
        let dest2 = d.path().join("out/b.txt");
        let e = copy_from_tree(d.path(), "data/a.txt", &bad, "r1", &dest2).unwrap_err();
        assert!(matches!(e, FilesError::Changed { .. }) && e.is_finding());
        assert!(!dest2.exists());
        let e = copy_from_tree(d.path(), "data/none.txt", &bad, "r1", &dest2).unwrap_err();
        assert!(matches!(e, FilesError::Missing { .. }));
    }
}
