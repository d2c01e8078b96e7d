//! Files written whole or not at all, and I/O errors that name their path: what every operation
//! that writes a file (a bundle, a proof, a key, a ledger, a mirror state, a log entry) shares.
//!
//! A file is written to a temporary name in the directory it goes in (`.intact-*.part`), waited
//! for until it is on disk, and only then renamed into place, so a reader sees the old file or
//! the new one, never a torn one; a failure or a crash leaves at most the temporary name, which
//! is removed on failure. A file that must not be replaced is linked into place without
//! clobbering (the check and the link are one step).

use std::fs::File;
use std::io::{self, Write as _};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Prefix and suffix of every temporary name.
const TEMP_PREFIX: &str = ".intact-";
const TEMP_SUFFIX: &str = ".part";

/// An I/O error and the path it happened at. Each operation's error type takes it into its
/// `Io { path, source }` variant (`From`), so `?` keeps the path.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct PathError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl PathError {
    pub fn new(path: &Path, source: io::Error) -> PathError {
        PathError {
            path: path.to_owned(),
            source,
        }
    }
}

/// Attaches a path to the error of an I/O result: `File::open(p).at(p)?`.
pub trait At<T> {
    fn at(self, path: &Path) -> Result<T, PathError>;
}

impl<T> At<T> for io::Result<T> {
    fn at(self, path: &Path) -> Result<T, PathError> {
        self.map_err(|source| PathError::new(path, source))
    }
}

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and was not to be replaced (nothing was written).
    #[error("{path}: already exists")]
    Exists { path: PathBuf },
    #[error(transparent)]
    Io(#[from] PathError),
}

impl WriteError {
    /// The error as an I/O error at its path (`Exists` becomes `AlreadyExists`), for callers
    /// that have no variant of their own for it.
    pub fn into_path_error(self) -> PathError {
        match self {
            WriteError::Exists { path } => PathError {
                path,
                source: io::ErrorKind::AlreadyExists.into(),
            },
            WriteError::Io(e) => e,
        }
    }
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Mode 0600 from the moment the file exists (keys, ledgers, mirror state).
    Private,
    /// Mode 0644 once written, whatever the umask: a bundle, a proof or a statement is public,
    /// readable like any file `cp` makes.
    Public,
}

/// The directory a file `path` goes in (`.` for a bare name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Gives a written file its mode and, with `sync`, waits until it is on disk. Errors name
/// `path`, the name the file is written for.
pub fn seal(file: &File, path: &Path, mode: Mode, sync: bool) -> Result<(), PathError> {
    if mode == Mode::Public {
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
            .at(path)?;
    }
    if sync {
        file.sync_all().at(path)?;
    }
    Ok(())
}

/// A file being written under a temporary name beside its target: removed if it is dropped,
/// given the target's name by [`AtomicFile::persist`].
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Creates the temporary file (mode 0600) in the directory of `target`.
    pub fn create(target: &Path) -> Result<AtomicFile, PathError> {
        let dir = parent_dir(target);
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .at(dir)?;
        Ok(AtomicFile {
            tmp,
            target: target.to_owned(),
        })
    }

    /// The file to write to.
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// The name it will have.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// [`seal`] for this file.
    pub fn seal(&self, mode: Mode, sync: bool) -> Result<(), PathError> {
        seal(self.file(), &self.target, mode, sync)
    }

    /// Renames the file into place: replacing the target when `replace`, else only if there is
    /// none ([`WriteError::Exists`]).
    pub fn persist(self, replace: bool) -> Result<(), WriteError> {
        let target = self.target;
        let res = if replace {
            self.tmp.persist(&target)
        } else {
            self.tmp.persist_noclobber(&target)
        };
        res.map_err(|e| {
            if !replace && e.error.kind() == io::ErrorKind::AlreadyExists {
                WriteError::Exists { path: target }
            } else {
                PathError::new(&target, e.error).into()
            }
        })?;
        Ok(())
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, given `mode`, on
/// disk, then renamed into place (replacing `path` only when `replace`).
pub fn write_atomically(
    path: &Path,
    bytes: &[u8],
    mode: Mode,
    replace: bool,
) -> Result<(), WriteError> {
    let f = AtomicFile::create(path)?;
    f.file().write_all(bytes).at(path)?;
    f.seal(mode, true)?;
    f.persist(replace)
}

/// A directory built under a temporary name beside where it goes (removed if it is dropped),
/// then renamed into place whole by [`AtomicDir::persist`].
pub struct AtomicDir {
    tmp: tempfile::TempDir,
    target: PathBuf,
}

impl AtomicDir {
    /// Creates the temporary directory in the directory of `target`.
    pub fn create(target: &Path) -> Result<AtomicDir, PathError> {
        let dir = parent_dir(target);
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempdir_in(dir)
            .at(dir)?;
        Ok(AtomicDir {
            tmp,
            target: target.to_owned(),
        })
    }

    /// Where to build the directory's contents.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Renames the directory into place, unless something is already there
    /// ([`WriteError::Exists`]); on failure the temporary directory is removed.
    pub fn persist(self) -> Result<(), WriteError> {
        let target = self.target;
        let tmp = self.tmp.keep();
        if target.exists() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(WriteError::Exists { path: target });
        }
        if let Err(e) = std::fs::rename(&tmp, &target) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(PathError::new(&target, e).into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn mode_of(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_public_file_replaces_and_a_private_one_never_does() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        write_atomically(&p, b"one", Mode::Public, false).unwrap();
        assert_eq!(mode_of(&p), 0o644);
        let e = write_atomically(&p, b"two", Mode::Private, false).unwrap_err();
        assert!(matches!(e, WriteError::Exists { .. }), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomically(&p, b"three", Mode::Private, true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        assert_eq!(mode_of(&p), 0o600);
        assert_eq!(names(dir.path()), ["f"]);
    }

    #[test]
    fn a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let f = AtomicFile::create(&dir.path().join("f")).unwrap();
        f.file().write_all(b"half").unwrap();
        assert_eq!(names(dir.path()).len(), 1);
        drop(f);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no/such/dir/f");
        let e = write_atomically(&missing, b"x", Mode::Public, true).unwrap_err();
        let e = e.into_path_error();
        assert_eq!(e.path, dir.path().join("no/such/dir"));
        assert_eq!(e.source.kind(), io::ErrorKind::NotFound);
        let e = std::fs::read(&missing).at(&missing).unwrap_err();
        assert!(e.to_string().starts_with(&missing.display().to_string()));
    }

    #[test]
    fn a_directory_goes_into_place_whole_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("000001");
        let d = AtomicDir::create(&target).unwrap();
        std::fs::write(d.path().join("a"), b"a").unwrap();
        d.persist().unwrap();
        assert_eq!(std::fs::read(target.join("a")).unwrap(), b"a");
        let d = AtomicDir::create(&target).unwrap();
        let e = d.persist().unwrap_err();
        assert!(matches!(e, WriteError::Exists { .. }), "{e}");
        assert_eq!(names(dir.path()), ["000001"]);
    }
}
