//! Reading a bundle, whether a ZIP file or its extracted top directory (a mirrored tree), as
//! one set of bag-relative members (FORMAT.md §2–3).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::bagpath::BagPath;
use crate::container;
use crate::digest::{self, StreamDigest};
use crate::limits::Limits;
use crate::problem::{Check, Problem};
use crate::progress::{Progress, Silent};
use crate::source::ReadAt;

mod tree;
use tree::open_dir;

/// Read size when hashing members: large reads for large members, and one buffer per thread
/// for the whole run rather than one allocation per member (archives hold 100,000s of them).
const HASH_READ: usize = 1 << 20;

/// Read size for a file of a tree: each read is copied out of the page cache and hashed while
/// still in the core's L2 cache (a larger read would be evicted before it is hashed).
const FILE_READ: usize = digest::CHUNK;

thread_local! {
    static HASH_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Which form the bundle came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Zip,
    Directory,
}

/// Where a member's bytes are.
#[derive(Debug, Clone)]
enum Location {
    /// `header_at`: the local header's offset when it is still to be checked (a sparse source,
    /// [`ReadAt::sparse`]), which reading the member does first.
    Zip {
        offset: u64,
        size: u64,
        crc32: u32,
        header_at: Option<u64>,
    },
    /// A file of a tree (at the member's path under the tree's top directory), and its size
    /// when it was listed: a payload file's is not looked up (reading it finds it,
    /// [`Bundle::size`] looks it up).
    File { size: Option<u64> },
}

/// One member file of the bag.
#[derive(Debug, Clone)]
pub struct Member {
    pub path: BagPath,
    location: Location,
}

impl Member {
    /// The size known without reading the member: a ZIP member's from the central directory,
    /// a tree's tag file's as listed. `None` for a payload file of a tree, whose size is found
    /// as it is read, or by [`Bundle::size`].
    pub fn listed_size(&self) -> Option<u64> {
        match self.location {
            Location::Zip { size, .. } => Some(size),
            Location::File { size, .. } => size,
        }
    }
}

/// A bundle opened for reading.
pub struct Bundle {
    pub source: PathBuf,
    pub kind: Kind,
    /// Name of the bag's top directory.
    pub top: String,
    pub members: Members,
    /// What opening found: `container` and `names` problems (FORMAT.md §2–3). A member whose
    /// name breaks a rule is reported here and left out of `members`.
    pub problems: Vec<Problem>,
    /// The ZIP's bytes (none for a directory, whose members are files).
    zip: Option<Box<dyn ReadAt + Send>>,
    /// A tree's top directory, which its members' paths are relative to (none for a ZIP).
    tree: Option<PathBuf>,
}

/// The bundle could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {message}")]
    NotABundle { path: PathBuf, message: String },
}

impl OpenError {
    /// Whether this is an I/O failure (exit 2) rather than an invalid bundle (exit 1).
    pub fn is_io(&self) -> bool {
        matches!(self, OpenError::Io { .. })
    }
}

impl Bundle {
    /// Opens a ZIP bundle or a directory.
    pub fn open(path: &Path) -> Result<Bundle, OpenError> {
        Bundle::open_with_limits(path, &Limits::DEFAULT)
    }

    /// [`Bundle::open`] within `limits` (those of the ZIP's central directory).
    pub fn open_with_limits(path: &Path, limits: &Limits) -> Result<Bundle, OpenError> {
        let meta = std::fs::metadata(path).map_err(|source| OpenError::Io {
            path: path.to_owned(),
            source,
        })?;
        if meta.is_dir() {
            open_dir(path)
        } else {
            let file = File::open(path).map_err(|source| OpenError::Io {
                path: path.to_owned(),
                source,
            })?;
            Bundle::open_zip(path, Box::new(file), limits)
        }
    }

    /// Opens a bundle ZIP read from `source` (a file, bytes in memory, a remote object);
    /// `path` is what messages call it.
    pub fn open_zip(
        path: &Path,
        source: Box<dyn ReadAt + Send>,
        limits: &Limits,
    ) -> Result<Bundle, OpenError> {
        open_zip(path, source, limits)
    }

    /// [`Bundle::open_zip`], but a failure of the source itself while opening
    /// ([`ReadAt::failure`]) is an I/O error, not a finding that this is no bundle.
    pub fn open_zip_checked(
        path: &Path,
        source: Box<dyn ReadAt + Send>,
        limits: &Limits,
    ) -> Result<Bundle, OpenError> {
        let failure = |source: &dyn ReadAt| {
            source.failure().map(|e| OpenError::Io {
                path: path.to_owned(),
                source: e,
            })
        };
        // The source is moved into the bundle; a failed open returns the error only, so the
        // source is asked through a reference kept across the call.
        let shared = std::sync::Arc::new(source);
        let handle = SharedSource(shared.clone());
        let opened = open_zip(path, Box::new(handle), limits);
        if let Some(e) = failure(&**shared) {
            return Err(e);
        }
        opened
    }

    /// A member's size: the one listed ([`Member::listed_size`]), or a tree's payload file's
    /// looked up (not following a symbolic link).
    pub fn size(&self, m: &Member) -> io::Result<u64> {
        match &m.location {
            Location::Zip { size, .. }
            | Location::File {
                size: Some(size), ..
            } => Ok(*size),
            Location::File { size: None } => Ok(std::fs::symlink_metadata(self.file(m)?)?.len()),
        }
    }

    /// The top directory of the tree a member's file is in.
    fn tree_top(&self) -> io::Result<&Path> {
        self.tree
            .as_deref()
            .ok_or_else(|| io::Error::other("tree file without a tree"))
    }

    /// Where a tree's member is.
    fn file(&self, m: &Member) -> io::Result<PathBuf> {
        Ok(self.tree_top()?.join(m.path.as_str()))
    }

    /// Reads a whole member, refusing one larger than `limit` bytes.
    pub fn read(&self, m: &Member, limit: u64) -> Result<Vec<u8>, String> {
        let size = self.size(m).map_err(|e| e.to_string())?;
        if size > limit {
            return Err(format!(
                "{size} bytes is more than the {limit} allowed for this file"
            ));
        }
        let mut buf = Vec::with_capacity(size as usize);
        self.reader(m)
            .map_err(|e| e.to_string())?
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        if buf.len() as u64 != size {
            return Err("file changed size while being read".into());
        }
        if let Location::Zip { crc32, .. } = m.location {
            if crc32fast::hash(&buf) != crc32 {
                return Err("ZIP CRC-32 does not match the content".into());
            }
        }
        Ok(buf)
    }

    /// Streams a member: SHA-256, size, and for a ZIP member whether its CRC-32 matched. A file
    /// of a tree has no CRC-32: none is computed, and its `crc32` is 0.
    pub fn hash(&self, m: &Member) -> io::Result<(StreamDigest, bool)> {
        self.hash_with(m, &Silent)
    }

    /// [`Bundle::hash`], reporting the bytes hashed to `progress` as they go.
    pub fn hash_with(
        &self,
        m: &Member,
        progress: &dyn Progress,
    ) -> io::Result<(StreamDigest, bool)> {
        self.hash_in(m, progress, &mut Directory::default())
    }

    /// [`Bundle::hash_with`], a tree's file opened in `dir` (kept open for the next file
    /// beside it).
    pub fn hash_in(
        &self,
        m: &Member,
        progress: &dyn Progress,
        dir: &mut Directory,
    ) -> io::Result<(StreamDigest, bool)> {
        let r: Box<dyn Read> = match &m.location {
            Location::File { .. } => Box::new(dir.open(self.tree_top()?, m.path.as_str())?),
            Location::Zip { .. } => self.reader(m)?,
        };
        HASH_BUFFER.with(|b| {
            let mut buf = b.borrow_mut();
            if buf.len() < HASH_READ {
                buf.resize(HASH_READ, 0);
            }
            let seen = |n| progress.advance(0, n);
            match m.location {
                Location::Zip { crc32, .. } => {
                    let d = digest::hash_stream_with(r, &mut buf, seen)?;
                    Ok((d, d.crc32 == crc32))
                }
                Location::File { .. } => {
                    let (sha256, size) =
                        digest::sha256_stream_with(r, &mut buf[..FILE_READ], seen)?;
                    let d = StreamDigest {
                        sha256,
                        crc32: 0,
                        size,
                    };
                    Ok((d, true))
                }
            }
        })
    }

    /// Streams a member's bytes (a byte range of the ZIP, or the file of a tree).
    pub fn reader(&self, m: &Member) -> io::Result<Box<dyn Read + '_>> {
        match (&m.location, &self.zip) {
            (
                Location::Zip {
                    offset,
                    size,
                    crc32,
                    header_at: Some(at),
                },
                Some(source),
            ) => self.checked_reader(&**source, m, *offset, *size, *crc32, *at),
            (Location::Zip { offset, size, .. }, Some(source)) => Ok(Box::new(RangeReader {
                source: &**source,
                pos: *offset,
                end: offset + size,
            })),
            (Location::File { .. }, _) => Ok(Box::new(open_file(&self.file(m)?)?)),
            (Location::Zip { .. }, None) => Err(io::Error::other("ZIP member without a ZIP file")),
        }
    }

    /// A member whose local header was not read when the ZIP was opened (a sparse source): one
    /// read of the header and the first bytes, the header compared with the canonical layout
    /// before any byte is returned, then the rest by ranges.
    fn checked_reader<'a>(
        &self,
        source: &'a dyn ReadAt,
        m: &Member,
        offset: u64,
        size: u64,
        crc32: u32,
        at: u64,
    ) -> io::Result<Box<dyn Read + 'a>> {
        let header_len = offset - at;
        let first = size.min(HASH_READ as u64);
        let mut buf = vec![0u8; (header_len + first) as usize];
        source.read_exact_at(at, &mut buf).map_err(cut_short)?;
        let zip_member = container::Member {
            name: format!("{}/{}", self.top, m.path.as_str()),
            data_offset: offset,
            size,
            crc32,
            header_at: Some(at),
        };
        container::check_deferred_header(&zip_member, &buf[..header_len as usize])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        buf.drain(..header_len as usize);
        Ok(Box::new(io::Cursor::new(buf).chain(RangeReader {
            source,
            pos: offset + first,
            end: offset + size,
        })))
    }

    /// Whether each read of the bundle is a round trip (a remote object, [`ReadAt::sparse`]).
    pub fn is_sparse(&self) -> bool {
        self.zip.as_ref().is_some_and(|z| z.sparse())
    }

    /// The size of the ZIP (0 for a directory, or a source that cannot say).
    pub fn zip_len(&self) -> u64 {
        self.zip.as_ref().and_then(|z| z.len().ok()).unwrap_or(0)
    }

    /// The first read of the ZIP's source that failed because the source did
    /// ([`ReadAt::failure`]): then nothing read is a finding about the bundle.
    pub fn source_failure(&self) -> Option<io::Error> {
        self.zip.as_ref()?.failure()
    }

    /// Members under `prefix` (e.g. `data/`).
    pub fn members_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        self.members.under(prefix).iter()
    }

    /// Looks a member up by its plain bag-relative path.
    pub fn get(&self, path: &str) -> Option<&Member> {
        self.members.get_str(path)
    }
}

/// A source shared between a bundle and whoever opened it (to ask it of failures after).
struct SharedSource(std::sync::Arc<Box<dyn ReadAt + Send>>);

impl ReadAt for SharedSource {
    fn len(&self) -> io::Result<u64> {
        self.0.len()
    }

    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.0.read_exact_at(offset, buf)
    }

    fn sparse(&self) -> bool {
        self.0.sparse()
    }

    fn failure(&self) -> Option<io::Error> {
        self.0.failure()
    }
}

/// Positional reads of one byte range: members are read in place, in parallel, never extracted.
struct RangeReader<'a> {
    source: &'a dyn ReadAt,
    pos: u64,
    end: u64,
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end - self.pos;
        if left == 0 {
            return Ok(0);
        }
        let n = (buf.len() as u64).min(left) as usize;
        self.source
            .read_exact_at(self.pos, &mut buf[..n])
            .map_err(cut_short)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// A source that ended before a member did: the member was cut short.
fn cut_short(e: io::Error) -> io::Error {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            io::Error::new(io::ErrorKind::UnexpectedEof, "member cut short")
        }
        _ => e,
    }
}

/// The members of a bundle, sorted by path in byte order, each path once.
#[derive(Debug, Clone, Default)]
pub struct Members(Vec<Member>);

impl Members {
    /// Every member, in path order.
    pub fn values(&self) -> std::slice::Iter<'_, Member> {
        self.0.iter()
    }

    /// Every member, in path order, as a slice.
    pub fn as_slice(&self) -> &[Member] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The member at `path`.
    pub fn get(&self, path: &BagPath) -> Option<&Member> {
        self.get_str(path.as_str())
    }

    /// The member at a plain bag-relative path (no name rules applied: a name that breaks them
    /// is never a member).
    pub fn get_str(&self, path: &str) -> Option<&Member> {
        self.0
            .binary_search_by(|m| m.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.0[i])
    }

    pub fn contains_key(&self, path: &BagPath) -> bool {
        self.get(path).is_some()
    }

    /// The members whose path starts with `prefix`: one contiguous run of the sorted list.
    pub fn under(&self, prefix: &str) -> &[Member] {
        let start = self.0.partition_point(|m| m.path.as_str() < prefix);
        let len = self.0[start..].partition_point(|m| m.path.as_str().starts_with(prefix));
        &self.0[start..start + len]
    }
}

/// Opens a tree's file for reading, not following a symbolic link (the tree was listed with
/// none; one put in a file's place since is not read through).
fn open_file(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)
}

/// The directory of the tree file opened last, kept open: a file beside it is opened by its
/// name relative to it (`openat`), not by its whole path from the root, which a tree of many
/// small files would otherwise spend a good part of its verification looking up. Each hashing
/// thread holds one while it hashes a run of files.
#[derive(Default)]
pub struct Directory(Option<Kept>);

/// A directory kept open: the tree's top directory, its path from there, and the directory.
struct Kept {
    top: PathBuf,
    path: String,
    fd: rustix::fd::OwnedFd,
}

impl Directory {
    /// Opens the file at `rel` (a bag path) under `top` for reading ([`open_file`]'s way), in
    /// the directory kept open if it is the file's.
    fn open(&mut self, top: &Path, rel: &str) -> io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        // The directory and the name split at the last `/`, compared as bytes.
        let Some((parent, name)) = rel
            .rsplit_once('/')
            .filter(|(p, n)| !p.is_empty() && !n.is_empty())
        else {
            return open_file(&top.join(rel));
        };
        let fd = match &self.0 {
            Some(k) if k.path == parent && k.top == top => &k.fd,
            _ => {
                let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                let fd = rustix::fs::open(top.join(parent), flags, Mode::empty())?;
                let kept = Kept {
                    top: top.to_owned(),
                    path: parent.to_owned(),
                    fd,
                };
                &self.0.insert(kept).fd
            }
        };
        let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
        Ok(File::from(rustix::fs::openat(
            fd,
            name,
            flags,
            Mode::empty(),
        )?))
    }
}

/// Whether NFKC and lower-casing leave `name` as it is (ASCII without capitals): two such names
/// collide only if they are equal.
fn folds_to_itself(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
}

/// Adds members, checking names: valid bag paths, no duplicates or collisions.
///
/// What looks at each name's bytes runs on the thread pool (whether it is valid, whether it
/// folds to itself, whether the names are in strictly increasing order): the names were made
/// on other threads, and going through them one by one here would wait on memory for each.
fn add_members(top: &str, items: Vec<(String, Location)>, problems: &mut Vec<Problem>) -> Members {
    use rayon::prelude::*;
    let shown = |rel: &str| format!("{top}/{rel}");
    let checked: Vec<_> = items
        .par_iter()
        .with_min_len(1024)
        .map(|(rel, _)| (BagPath::check(rel), folds_to_itself(rel)))
        .collect();
    // Collision keys are only needed when some name does not fold to itself: two names that
    // both do collide only when equal, which the duplicate check below finds.
    let fold = !checked.par_iter().all(|(_, folds)| *folds);
    let mut keys: Option<HashMap<String, String>> =
        fold.then(|| HashMap::with_capacity(items.len()));
    // Names in strictly increasing order (as a valid bundle's are) are each in order and
    // once, whichever of them are left out.
    let increasing = items
        .par_windows(2)
        .with_min_len(1024)
        .all(|w| w[0].0 < w[1].0);
    let mut members: Vec<Member> = Vec::with_capacity(items.len());
    // Paths seen so far, only built once a name arrives out of order (input sorted in byte
    // order, as valid bundles are, needs no set: a duplicate would be the previous name).
    let mut seen: Option<HashSet<String>> = None;
    for ((rel, location), (checked, _)) in items.into_iter().zip(checked) {
        if let Err(e) = checked {
            problems.push(Problem::new(
                Check::Names,
                shown(&rel),
                format!("unsafe name: {e}"),
            ));
            continue;
        }
        let path = BagPath::checked(rel);
        let rel = path.as_str();
        if let Some(keys) = keys.as_mut() {
            if let Some(other) = keys.insert(path.collision_key(), rel.to_owned()) {
                if other != rel {
                    problems.push(Problem::new(
                        Check::Names,
                        shown(rel),
                        format!("name collides with '{other}' on case-insensitive or normalizing file systems"),
                    ));
                    continue;
                }
            }
        }
        let in_order = seen.is_none()
            && (increasing || members.last().is_none_or(|last| last.path.as_str() < rel));
        let duplicate = if in_order {
            false
        } else {
            let set = seen.get_or_insert_with(|| {
                members.iter().map(|m| m.path.as_str().to_owned()).collect()
            });
            !set.insert(rel.to_owned())
        };
        if duplicate {
            problems.push(Problem::new(Check::Names, shown(rel), "duplicate name"));
            continue;
        }
        members.push(Member { path, location });
    }
    if seen.is_some() {
        members.sort_by(|a, b| a.path.as_str().cmp(b.path.as_str()));
    }
    directory_collisions(top, &members, fold, problems);
    Members(members)
}

/// FORMAT.md §3.9: no file name is also a directory of another name (`data/a` beside
/// `data/a/y.txt`), and no directory collides with a file or another directory after NFKC and
/// lower-casing (`data/a` beside `data/A/y.txt`, `data/A/x` beside `data/a/y`): on extraction
/// one of them could not be created where its name says. `intact pack` never wrote such names:
/// a file system cannot hold the first, and pack refuses the others (it checks directories too).
/// `members` are sorted by path, each once: a name is found by a binary search, and a member
/// in the same directory as the one before it has no directory not seen already.
/// `fold`: whether some name may not fold to itself (when none does, two names collide only
/// when equal). The members whose directory is not the one before theirs are found on the
/// thread pool.
fn directory_collisions(top: &str, members: &[Member], fold: bool, problems: &mut Vec<Problem>) {
    use rayon::prelude::*;
    let is_file = |name: &str| {
        members
            .binary_search_by(|m| m.path.as_str().cmp(name))
            .is_ok()
    };
    fn parent(m: &Member) -> Option<&str> {
        m.path.as_str().rsplit_once('/').map(|(p, _)| p)
    }
    let firsts: Vec<&Member> = members
        .par_iter()
        .enumerate()
        .with_min_len(1024)
        .filter(|&(i, m)| i == 0 || parent(m) != parent(&members[i - 1]))
        .map(|(_, m)| m)
        .collect();
    // Folded key → (name, whether it is a directory), over every file and directory.
    let mut keys: HashMap<String, (&str, bool)> = HashMap::new();
    if fold {
        for m in members {
            keys.insert(m.path.collision_key(), (m.path.as_str(), false));
        }
    }
    let mut dirs: HashSet<&str> = HashSet::new();
    for m in firsts {
        let name = m.path.as_str();
        for (i, _) in name.match_indices('/') {
            let dir = &name[..i];
            if !dirs.insert(dir) {
                continue;
            }
            let other = if is_file(dir) {
                Some(dir)
            } else if fold {
                match keys.insert(crate::bagpath::collision_key(dir), (dir, true)) {
                    Some((o, is_dir)) if o != dir || !is_dir => Some(o),
                    _ => None,
                }
            } else {
                None
            };
            if let Some(other) = other {
                problems.push(Problem::new(
                    Check::Names,
                    format!("{top}/{name}"),
                    format!(
                        "directory '{dir}' collides with '{other}' (a file, or a name that is \
                         the same on case-insensitive or normalizing file systems)"
                    ),
                ));
            }
        }
    }
}

fn open_zip(
    path: &Path,
    source: Box<dyn ReadAt + Send>,
    limits: &Limits,
) -> Result<Bundle, OpenError> {
    let c = container::read_with_limits(&*source, limits).map_err(|p| OpenError::NotABundle {
        path: path.to_owned(),
        message: match p.entry {
            Some(e) => format!("{e}: {}", p.message),
            None => p.message,
        },
    })?;
    let mut problems: Vec<Problem> = c.problems;
    // Exactly one top directory holds every entry.
    let mut tops: BTreeMap<&str, usize> = BTreeMap::new();
    let mut last_top: Option<&str> = None;
    for m in &c.members {
        let top = m.name.split_once('/').map(|(t, _)| t).unwrap_or("");
        // Runs of one top directory (all of a valid bundle) cost no map lookup per member.
        if last_top == Some(top) {
            continue;
        }
        last_top = Some(top);
        tops.entry(top).or_default();
    }
    if tops.len() > 1 {
        tops.values_mut().for_each(|n| *n = 0);
        for m in &c.members {
            let top = m.name.split_once('/').map(|(t, _)| t).unwrap_or("");
            *tops.entry(top).or_default() += 1;
        }
    }
    let top = match tops.len() {
        0 => {
            return Err(OpenError::NotABundle {
                path: path.to_owned(),
                message: "the ZIP has no files".into(),
            });
        }
        1 => tops
            .keys()
            .next()
            .map(|t| t.to_string())
            .unwrap_or_default(),
        _ => {
            let names: Vec<String> = tops
                .keys()
                .map(|t| {
                    if t.is_empty() {
                        "(top level)".into()
                    } else {
                        format!("{t}/")
                    }
                })
                .collect();
            problems.push(Problem::new(
                Check::Container,
                "",
                format!("more than one top-level directory: {}", names.join(", ")),
            ));
            // Use the largest one so the other checks still run.
            tops.iter()
                .max_by_key(|(_, n)| **n)
                .map(|(t, _)| t.to_string())
                .unwrap_or_default()
        }
    };
    if let Err(e) = BagPath::parse(&top) {
        problems.push(Problem::new(
            Check::Names,
            top.clone(),
            format!("unsafe top directory name: {e}"),
        ));
    }
    let mut items = Vec::with_capacity(c.members.len());
    for mut m in c.members {
        match m.name.split_once('/') {
            Some((t, _)) if t == top => items.push((
                {
                    // The name without its top directory, in the same allocation.
                    m.name.drain(..top.len() + 1);
                    m.name
                },
                Location::Zip {
                    offset: m.data_offset,
                    size: m.size,
                    crc32: m.crc32,
                    header_at: m.header_at,
                },
            )),
            _ => {} // reported above as another top-level directory
        }
    }
    let members = add_members(&top, items, &mut problems);
    Ok(Bundle {
        source: path.to_owned(),
        kind: Kind::Zip,
        top,
        members,
        problems,
        zip: Some(source),
        tree: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Writer;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// Bytes that can be cut short after the bundle was opened, as a file truncated under a
    /// reader would be.
    struct Shrinking {
        bytes: Vec<u8>,
        cut: Arc<AtomicBool>,
    }

    impl ReadAt for Shrinking {
        fn len(&self) -> io::Result<u64> {
            Ok(self.bytes.len() as u64)
        }

        fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
            let end = if self.cut.load(Ordering::SeqCst) {
                40
            } else {
                self.bytes.len()
            };
            self.bytes[..end].read_exact_at(offset, buf)
        }
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.add(name, bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn members_are_read_from_any_source() {
        let bytes = zip(&[("t/bagit.txt", b"x"), ("t/data/a", b"hello")]);
        let b = Bundle::open_zip(Path::new("mem.zip"), Box::new(bytes), &Limits::DEFAULT).unwrap();
        assert_eq!((b.kind, b.top.as_str()), (Kind::Zip, "t"));
        assert_eq!(b.problems, []);
        let m = b.get("data/a").unwrap();
        assert_eq!(b.read(m, 100).unwrap(), b"hello");
        assert_eq!(
            b.read(m, 4).unwrap_err(),
            "5 bytes is more than the 4 allowed for this file"
        );
        let (d, crc_ok) = b.hash(m).unwrap();
        assert_eq!(
            (d.size, d.sha256),
            (5, crate::digest::Sha256Digest::of(b"hello"))
        );
        assert!(crc_ok);
    }

    #[test]
    fn a_source_cut_short_after_opening_is_an_error_not_a_short_member() {
        let cut = Arc::new(AtomicBool::new(false));
        let source = Shrinking {
            bytes: zip(&[("t/bagit.txt", b"x"), ("t/data/a", &[7u8; 100])]),
            cut: cut.clone(),
        };
        let b = Bundle::open_zip(Path::new("mem.zip"), Box::new(source), &Limits::DEFAULT).unwrap();
        let m = b.get("data/a").unwrap();
        cut.store(true, Ordering::SeqCst);
        assert_eq!(b.read(m, 1000).unwrap_err(), "member cut short");
        let e = b.hash(m).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    /// Bytes read through a sparse source: a remote object, where each read is a round trip.
    struct Sparse(Vec<u8>, Arc<std::sync::atomic::AtomicUsize>);

    impl ReadAt for Sparse {
        fn len(&self) -> io::Result<u64> {
            ReadAt::len(&self.0)
        }

        fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
            self.1.fetch_add(1, Ordering::SeqCst);
            self.0.read_exact_at(offset, buf)
        }

        fn sparse(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_sparse_source_checks_a_local_header_when_its_member_is_read() {
        let entries: Vec<(String, Vec<u8>)> = (0..50)
            .map(|i| (format!("t/data/{i:03}"), vec![i as u8; 10 + i]))
            .collect();
        let refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let bytes = zip(&refs);
        let reads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let b = Bundle::open_zip(
            Path::new("remote.zip"),
            Box::new(Sparse(bytes.clone(), reads.clone())),
            &Limits::DEFAULT,
        )
        .unwrap();
        assert_eq!((b.members.len(), b.problems.len()), (50, 0));
        // Opening read the end records and the central directory, no local header.
        assert!(reads.load(Ordering::SeqCst) <= 3, "{reads:?}");
        let before = reads.load(Ordering::SeqCst);
        let m = b.get("data/007").unwrap();
        assert_eq!(b.read(m, 100).unwrap(), vec![7u8; 17]);
        // One read: the header and the member's bytes together.
        assert_eq!(reads.load(Ordering::SeqCst), before + 1);
        let (d, crc_ok) = b.hash(b.get("data/049").unwrap()).unwrap();
        assert_eq!((d.size, crc_ok), (59, true));

        // A local header changed where the central directory does not look: found when read.
        let name = b"t/data/007";
        let at = bytes.windows(name.len()).position(|w| w == name).unwrap();
        let mut bad = bytes.clone();
        bad[at - 30 + 10] ^= 1; // the time field of its local header, before the name
        let b = Bundle::open_zip(
            Path::new("remote.zip"),
            Box::new(Sparse(bad, Arc::default())),
            &Limits::DEFAULT,
        )
        .unwrap();
        assert_eq!(b.problems, []);
        let e = b.read(b.get("data/007").unwrap(), 100).unwrap_err();
        assert!(e.contains("local header field"), "{e}");
        assert!(b.read(b.get("data/008").unwrap(), 100).is_ok());
    }

    /// The first of the two duplicate-name checks: the ZIP reader's (FORMAT.md §2.3), on its
    /// own (the bundle's own check, below, would hide it in a verify).
    #[test]
    fn the_zip_reader_finds_a_duplicate_entry_name() {
        // The writer refuses a name twice: rename the second entry in both of its headers.
        let mut bytes = zip(&[("t/a", b"x"), ("t/b", b"y")]);
        for i in 0..bytes.len() - 2 {
            if &bytes[i..i + 3] == b"t/b" {
                bytes[i + 2] = b'a';
            }
        }
        let c = container::read_with_limits(&bytes, &Limits::DEFAULT).unwrap();
        assert_eq!(
            c.problems,
            [Problem::new(
                Check::Container,
                "t/a",
                "duplicate entry name"
            )]
        );
    }

    /// The second: the bundle's, when the members are listed (FORMAT.md §3), whatever the
    /// reader found — and in a tree, where no ZIP reader runs — in order or not.
    #[test]
    fn listing_the_members_finds_a_duplicate_name() {
        let at = |n: u64| Location::File { size: Some(n) };
        for (names, twice) in [
            (["a", "a", "b"], "t/a"),
            (["b", "a", "b"], "t/b"),
            (["a", "b", "a"], "t/a"),
        ] {
            let items = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), at(i as u64)))
                .collect();
            let mut problems = Vec::new();
            let members = add_members("t", items, &mut problems);
            assert_eq!(
                problems,
                [Problem::new(Check::Names, twice, "duplicate name")],
                "{names:?}"
            );
            let listed: Vec<&str> = members.values().map(|m| m.path.as_str()).collect();
            assert_eq!(listed, ["a", "b"], "{names:?}");
        }
    }

    /// Files beside each other are opened in their directory kept open; a symbolic link is
    /// not read through, whichever way the file is opened.
    #[test]
    fn a_trees_files_are_opened_in_their_directory_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["a", "b"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("a/1"), b"one").unwrap();
        std::fs::write(dir.path().join("a/2"), b"two").unwrap();
        std::fs::write(dir.path().join("b/3"), b"three").unwrap();
        std::os::unix::fs::symlink(dir.path().join("a/1"), dir.path().join("b/link")).unwrap();
        let mut kept = Directory::default();
        let read = |kept: &mut Directory, p: &str| {
            let mut s = String::new();
            kept.open(dir.path(), p)?.read_to_string(&mut s)?;
            io::Result::Ok(s)
        };
        assert_eq!(read(&mut kept, "a/1").unwrap(), "one");
        assert_eq!(read(&mut kept, "a/2").unwrap(), "two");
        assert_eq!(kept.0.as_ref().unwrap().path, "a");
        assert_eq!(read(&mut kept, "b/3").unwrap(), "three");
        assert_eq!(kept.0.as_ref().unwrap().path, "b");
        assert!(read(&mut kept, "b/link").is_err());
        assert!(read(&mut kept, "b/missing").is_err());
        assert!(open_file(&dir.path().join("b/link")).is_err());
        assert!(open_file(&dir.path().join("b/3")).is_ok());
    }

    /// A tree's walk: every file with its size, in byte order of its path; a directory with
    /// nothing in it found wherever it is in the walk (before a sibling, inside another, last),
    /// but for `data/`.
    #[test]
    fn a_tree_lists_its_files_and_its_empty_directories() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("t");
        for d in ["data", "a/e1", "b/c/d", "b/e2", "z/e3"] {
            std::fs::create_dir_all(top.join(d)).unwrap();
        }
        let files = [
            ("bagit.txt", 3),
            ("b/c/d/f", 5),
            ("b/c-x", 0),
            ("b/g", 70000),
            ("data/p", 7),
        ];
        for (f, n) in files {
            std::fs::write(top.join(f), vec![1u8; n]).unwrap();
        }
        let b = Bundle::open(&top).unwrap();
        assert_eq!(b.kind, Kind::Directory);
        let listed: Vec<(&str, Option<u64>)> = b
            .members
            .values()
            .map(|m| (m.path.as_str(), m.listed_size()))
            .collect();
        // A payload file is not looked up as it is listed; `size` looks it up.
        assert_eq!(
            listed,
            [
                ("b/c-x", Some(0)),
                ("b/c/d/f", Some(5)),
                ("b/g", Some(70000)),
                ("bagit.txt", Some(3)),
                ("data/p", None)
            ]
        );
        assert_eq!(b.size(b.get("data/p").unwrap()).unwrap(), 7);
        assert_eq!(b.read(b.get("data/p").unwrap(), 7).unwrap(), [1u8; 7]);
        assert!(b
            .read(b.get("data/p").unwrap(), 6)
            .unwrap_err()
            .contains("7 bytes"));
        std::fs::remove_file(top.join("data/p")).unwrap();
        let empty = |d: &str| {
            Problem::new(
                Check::Container,
                format!("t/{d}"),
                "empty directory (a bundle holds only files)",
            )
        };
        assert_eq!(b.problems, [empty("a/e1"), empty("b/e2"), empty("z/e3")]);
        let (d, crc_ok) = b.hash(b.get("b/g").unwrap()).unwrap();
        assert_eq!(
            (d.sha256, d.size, crc_ok),
            (crate::digest::Sha256Digest::of(&[1u8; 70000]), 70000, true)
        );
        // With nothing after it, `data/` is still no problem.
        std::fs::remove_dir_all(top.join("z")).unwrap();
        let b = Bundle::open(&top).unwrap();
        assert_eq!(b.problems, [empty("a/e1"), empty("b/e2")]);

        // A link to a directory is not followed; a directory whose name is not UTF-8 is
        // reported, and so is each name inside it.
        use std::os::unix::ffi::OsStrExt;
        std::os::unix::fs::symlink(top.join("b"), top.join("b/link")).unwrap();
        let odd = top.join(std::ffi::OsStr::from_bytes(b"c\xff"));
        std::fs::create_dir(&odd).unwrap();
        std::fs::write(odd.join("f"), b"x").unwrap();
        let b = Bundle::open(&top).unwrap();
        assert_eq!(b.members.len(), 4);
        let not_utf8 = |p: &str| Problem::new(Check::Names, p, "name is not UTF-8");
        assert_eq!(
            b.problems,
            [
                empty("a/e1"),
                empty("b/e2"),
                Problem::new(Check::Container, "t/b/link", "symbolic link"),
                not_utf8("c\u{fffd}"),
                not_utf8("c\u{fffd}/f"),
            ]
        );
    }

    #[test]
    fn names_that_break_a_rule_are_names_problems() {
        let bytes = zip(&[("t/data/a\\b", b"x"), ("t/data/ok", b"y")]);
        let b = Bundle::open_zip(Path::new("mem.zip"), Box::new(bytes), &Limits::DEFAULT).unwrap();
        assert_eq!(b.members.len(), 1);
        assert_eq!(
            b.problems,
            [Problem::new(
                Check::Names,
                "t/data/a\\b",
                "unsafe name: backslash"
            )]
        );
    }
}
