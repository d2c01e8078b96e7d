//! Where a bundle is assembled before it is published: an unnamed file.
//!
//! `pack` writes the bundle while the leak gate is still reading the release (FORMAT.md §13,
//! docs/REDACTION.md). So that nothing the gate might still refuse is ever visible, the bundle
//! is built in a file that has no name at all (Linux `O_TMPFILE`): no other process can open it,
//! a refused or failed pack simply closes it, and even a crash leaves nothing behind (the file
//! system frees an unnamed file). Only a bundle the gate has passed is given a name, by linking
//! the file into the output directory.
//!
//! On a file system without unnamed files, [`unnamed_in`] returns `None` and `pack` falls back
//! to a gate pass over the whole release before anything is written.

use std::fs::File;
use std::io;
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags, CWD};

/// Opens an unnamed file for writing in `dir` (mode 0600 until published). `None` when the file
/// system does not support unnamed files.
pub fn unnamed_in(dir: &Path) -> io::Result<Option<File>> {
    let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
    match rustix::fs::open(dir, flags, Mode::from_raw_mode(0o600)) {
        Ok(fd) => Ok(Some(File::from(fd))),
        Err(e)
            if e == rustix::io::Errno::OPNOTSUPP
                || e == rustix::io::Errno::ISDIR
                || e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Gives the unnamed `file` (in the directory of `out`) the name `out`: fails with
/// `AlreadyExists` if `out` exists and `!replace`; with `replace`, an existing `out` is replaced
/// in one step (linked under a temporary name, then renamed over it).
pub fn publish(file: &File, out: &Path, replace: bool) -> io::Result<()> {
    if !replace {
        return link(file, out);
    }
    let dir = crate::fs::parent_dir(out);
    for _ in 0..100 {
        let tmp = dir.join(format!(".intact-{:016x}.part", random_u64()));
        match link(file, &tmp) {
            Ok(()) => {
                return std::fs::rename(&tmp, out).inspect_err(|_| {
                    let _ = std::fs::remove_file(&tmp);
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free temporary name"))
}

/// Links an open unnamed file to `target`: through `/proc/self/fd` (no privilege needed), or
/// with `AT_EMPTY_PATH` where `/proc` is not mounted.
fn link(file: &File, target: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
    match rustix::fs::linkat(
        CWD,
        proc_path.as_str(),
        CWD,
        target,
        AtFlags::SYMLINK_FOLLOW,
    ) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::NOENT && !Path::new("/proc/self/fd").exists() => {
            rustix::fs::linkat(file, "", CWD, target, AtFlags::EMPTY_PATH).map_err(Into::into)
        }
        Err(e) => Err(e.into()),
    }
}

fn random_u64() -> u64 {
    use rand_core::RngCore;
    rand_core::OsRng.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn an_unnamed_file_is_invisible_until_published() {
        let dir = tempfile::tempdir().unwrap();
        let Some(mut f) = unnamed_in(dir.path()).unwrap() else {
            eprintln!("file system without O_TMPFILE: nothing to test");
            return;
        };
        f.write_all(b"bundle").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let out = dir.path().join("b.zip");
        publish(&f, &out, false).unwrap();
        let mut s = String::new();
        File::open(&out).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "bundle");
        // no replace: refused; replace: done, and no temporary name is left
        let g = unnamed_in(dir.path()).unwrap().unwrap();
        (&g).write_all(b"second").unwrap();
        let e = publish(&g, &out, false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        publish(&g, &out, true).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_dropped_unnamed_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        if let Some(mut f) = unnamed_in(dir.path()).unwrap() {
            f.write_all(b"refused").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
