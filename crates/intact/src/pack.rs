//! `intact pack`: a source tree (or an existing bag's payload) into a signed bundle ZIP.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use crate::bag;
use crate::bagpath::{BagPath, NameError};
use crate::canonical;
use crate::container;
use crate::digest::{hex, Sha256Digest, CHUNK};
use crate::gate;
use crate::manifest::{Change, GateException, Item, Manifest, RedactionStatus, MANIFEST_FORMAT};
use crate::metadata::{MetadataError, MetadataSet};
use crate::progress::{Progress, Silent};
use crate::redaction::{self, Ledger, LedgerEntry, RedactionError};
use crate::release::{self, GateOutcome, Previous, Statement, RELEASE_FORMAT};
use crate::sign::{self, KeyError, SigningKey};
use crate::staging;

/// What to pack.
pub struct PackOptions {
    pub src: PathBuf,
    pub out: PathBuf,
    pub collection: String,
    pub release: String,
    pub created: OffsetDateTime,
    pub previous: Option<Previous>,
    /// Keys to sign with; none writes an unsigned bundle (for offline signing).
    pub keys: Vec<SigningKey>,
    pub force: bool,
    /// Wait until the bundle is on disk (fsync) before renaming it into place. Off by default:
    /// a bundle can be packed again byte for byte, and a torn one never verifies.
    pub sync: bool,
    /// Item metadata and redaction records (docs/METADATA.md).
    pub metadata: Option<MetadataSet>,
    /// Pack files that have no metadata row.
    pub allow_missing_metadata: bool,
    /// Unredacted originals and the private ledger for salted commitments.
    pub commitments: Option<Commitments>,
    /// Extra `bag-info.txt` fields (e.g. kept from a source bag).
    pub bag_info: Vec<(String, String)>,
    /// Change records for items of earlier releases.
    pub changes: Vec<Change>,
    /// What is known of the archive before this release (from `--previous`): the new release
    /// must extend it, and replace its items only through change records.
    pub known: Option<crate::archive::ArchiveState>,
    /// The leak gate: deny-list and reviewed exceptions (it always runs; docs/REDACTION.md).
    pub gate: GateConfig,
}

/// How the leak gate runs inside `pack`.
#[derive(Default)]
pub struct GateConfig {
    pub options: gate::ScanOptions,
    /// Where the deny-list and exceptions came from: both must lie outside SRC.
    pub deny_list_path: Option<PathBuf>,
    pub exceptions_path: Option<PathBuf>,
}

impl PackOptions {
    /// Options with no keys, metadata, commitments or previous release.
    pub fn new(
        src: PathBuf,
        out: PathBuf,
        collection: &str,
        release: &str,
        created: OffsetDateTime,
    ) -> PackOptions {
        PackOptions {
            src,
            out,
            collection: collection.to_owned(),
            release: release.to_owned(),
            created,
            previous: None,
            keys: Vec::new(),
            force: false,
            sync: false,
            metadata: None,
            allow_missing_metadata: false,
            commitments: None,
            bag_info: Vec::new(),
            changes: Vec::new(),
            known: None,
            gate: GateConfig::default(),
        }
    }
}

/// Where the unredacted originals are, and where the private ledger goes.
#[derive(Debug, Clone)]
pub struct Commitments {
    pub originals: PathBuf,
    pub ledger: PathBuf,
}

/// What was written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackSummary {
    pub out: PathBuf,
    pub bundle_id: String,
    pub collection: String,
    pub release: String,
    pub created: String,
    pub items: u64,
    pub payload_bytes: u64,
    pub merkle_root: String,
    pub signatures: Vec<String>,
    /// Salted commitments recorded (and ledger entries written).
    pub commitments: u64,
}

/// One source file that cannot be packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceProblem {
    pub path: PathBuf,
    pub message: String,
}

/// Why no bundle was written.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{path}: source directory does not exist")]
    SrcMissing { path: PathBuf },
    #[error("{path}: source is not a directory")]
    SrcNotDir { path: PathBuf },
    #[error("{path}: source directory has no files to pack")]
    SrcEmpty { path: PathBuf },
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.path.display(), p.message)).collect::<Vec<_>>().join("\n"))]
    Source(Vec<SourceProblem>),
    #[error("{path}: output exists (use --force to replace it)")]
    OutExists { path: PathBuf },
    #[error("{path}: output must not be inside the source directory")]
    OutInsideSrc { path: PathBuf },
    #[error(
        "'{0}' is not a valid id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit)"
    )]
    BadId(String),
    #[error("two signing keys are the same key ({0})")]
    DuplicateKey(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: file changed while it was being packed")]
    Changed { path: PathBuf },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Redaction(#[from] RedactionError),
    #[error("{}leak gate: {} finding(s) in {} file(s) scanned; nothing was written (docs/REDACTION.md)", .0.findings.iter().map(|f| format!("{}\n", f.line())).collect::<String>(), .0.findings.len(), .0.files_scanned)]
    Gate(Box<gate::GateReport>),
    #[error("leak gate: {0}")]
    GateSetup(#[from] gate::GateError),
}

/// A source file to pack.
struct SourceFile {
    abs: PathBuf,
    path: BagPath,
    size: u64,
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> PackError + '_ {
    move |source| PackError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Walks SRC: every regular file, with names checked against FORMAT.md §3; symlinks, special
/// files, unsafe names and colliding names are all reported together.
fn collect_sources(src: &Path) -> Result<Vec<SourceFile>, PackError> {
    let meta = match std::fs::metadata(src) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(PackError::SrcMissing {
                path: src.to_owned(),
            })
        }
        Err(e) => {
            return Err(PackError::Io {
                path: src.to_owned(),
                source: e,
            })
        }
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
                return Err(PackError::Io { path, source });
            }
        };
        let rel = entry.path().strip_prefix(src).unwrap_or(entry.path());
        let bad = |message: String| SourceProblem {
            path: entry.path().to_owned(),
            message,
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
        if let Some(other) = keys.insert(path.collision_key(), entry.path().to_owned()) {
            problems.push(bad(format!(
                "name collides with {} on case-insensitive or normalizing file systems",
                other.display()
            )));
            continue;
        }
        if ft.is_file() {
            let meta = entry.metadata().map_err(|e| PackError::Io {
                path: entry.path().to_owned(),
                source: e.into(),
            })?;
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

/// The bag's top directory name: `<collection>-<release>`.
pub fn top_directory(collection: &str, release: &str) -> String {
    format!("{collection}-{release}")
}

/// What identifies a file's state: size, inode, and modification and change times. Any write
/// to the file changes its change time (which no caller can set back), so a file whose stamp is
/// unchanged has the bytes it had when the stamp was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    dev: u64,
    ino: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
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
struct Facts {
    sha256: Sha256Digest,
    crc32: u32,
    size: u64,
    stamp: Stamp,
}

/// SHA-256 and CRC-32 of a file the gate read: from its bytes in memory, or, for a file too
/// large for the gate to load, read here in chunks (positional reads from the start).
fn facts_of(
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

/// Copies one source file into the open entry of `zip`, refusing a file that is no longer what
/// the gate read (`Facts`): its stamp is checked before and after, and the CRC-32 of the bytes
/// copied must be the one computed from the bytes the gate scanned.
fn copy_source<W: container::Output>(
    zip: &mut container::Writer<W>,
    abs: &Path,
    facts: &Facts,
    buf: &mut Vec<u8>,
) -> Result<(), PackError> {
    let changed = || PackError::Changed {
        path: abs.to_owned(),
    };
    let mut f = File::open(abs).map_err(io_at(abs))?;
    let before = Stamp::of(&f.metadata().map_err(io_at(abs))?);
    if before != facts.stamp || before.len != facts.size {
        return Err(changed());
    }
    let data_err = |e: io::Error| match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => changed(),
        _ => PackError::Io {
            path: abs.to_owned(),
            source: e,
        },
    };
    buf.resize(CHUNK * 4, 0);
    let mut crc = crc32fast::Hasher::new();
    let mut left = facts.size;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n]).map_err(data_err)?;
        crc.update(&buf[..n]);
        zip.write_data(&buf[..n]).map_err(data_err)?;
        left -= n as u64;
    }
    let after = Stamp::of(&f.metadata().map_err(io_at(abs))?);
    if after != before || crc.finalize() != facts.crc32 {
        return Err(changed());
    }
    Ok(())
}

/// The default item id of a payload path: the path below `data/`.
pub fn default_id(path: &BagPath) -> String {
    path.as_str()
        .strip_prefix("data/")
        .unwrap_or(path.as_str())
        .to_owned()
}

/// Media type guessed from the extension.
pub fn media_type(path: &BagPath) -> String {
    mime_guess::from_path(path.as_str())
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// Checks the output path before any work: not inside SRC, not existing unless `force`.
fn check_output(src: &Path, out: &Path, force: bool) -> Result<(), PackError> {
    if out.symlink_metadata().is_ok() && !force {
        return Err(PackError::OutExists {
            path: out.to_owned(),
        });
    }
    let src_abs = std::fs::canonicalize(src).map_err(io_at(src))?;
    let out_parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent_abs = std::fs::canonicalize(out_parent).map_err(io_at(out_parent))?;
    if parent_abs.starts_with(&src_abs) {
        return Err(PackError::OutInsideSrc {
            path: out.to_owned(),
        });
    }
    Ok(())
}

/// Something that takes the bytes of a tag file in order (a hasher, a counter, a bundle entry).
type Emit<'e> = dyn FnMut(&[u8]) -> Result<(), PackError> + 'e;

fn json_error(e: serde_json::Error) -> PackError {
    PackError::Io {
        path: PathBuf::from(bag::ITEMS_PATH),
        source: io::Error::other(e),
    }
}

/// Produces `manifest.json` in canonical form (RFC 8785) a block of items at a time, handing the
/// bytes to `emit` in order, and each item's Merkle leaf hash to `leaves` when given (a leaf is
/// an item's canonical bytes). For 100,000s of items the document is never held whole.
/// The bytes are those of `canonical::to_canonical(m)` (a unit test holds the two together).
fn emit_canonical_manifest(
    m: &Manifest,
    emit: &mut Emit<'_>,
    mut leaves: Option<&mut Vec<crate::merkle::Hash>>,
) -> Result<(), PackError> {
    use rayon::prelude::*;
    const BLOCK: usize = 4096;
    // RFC 8785 orders members by key: changes, collection, exceptions, format, items, release
    // (empty `changes` and `exceptions` are left out, as the type's serde attributes say).
    let mut head = vec![b'{'];
    if !m.changes.is_empty() {
        head.extend_from_slice(b"\"changes\":");
        head.extend(canonical::to_canonical(&m.changes).map_err(json_error)?);
        head.push(b',');
    }
    head.extend_from_slice(b"\"collection\":");
    head.extend(canonical::to_canonical(&m.collection).map_err(json_error)?);
    if !m.exceptions.is_empty() {
        head.extend_from_slice(b",\"exceptions\":");
        head.extend(canonical::to_canonical(&m.exceptions).map_err(json_error)?);
    }
    head.extend_from_slice(b",\"format\":");
    head.extend(canonical::to_canonical(&m.format).map_err(json_error)?);
    head.extend_from_slice(b",\"items\":[");
    emit(&head)?;
    for (k, block) in m.items.chunks(BLOCK).enumerate() {
        let done: Vec<Vec<u8>> = block
            .par_iter()
            .map(canonical::to_canonical)
            .collect::<Result<_, _>>()
            .map_err(json_error)?;
        for (j, b) in done.iter().enumerate() {
            if k + j > 0 {
                emit(b",")?;
            }
            emit(b)?;
        }
        if let Some(l) = leaves.as_deref_mut() {
            l.extend(
                done.par_iter()
                    .map(|b| crate::merkle::leaf_hash(b))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut tail = b"],\"release\":".to_vec();
    tail.extend(canonical::to_canonical(&m.release).map_err(json_error)?);
    tail.push(b'}');
    emit(&tail)
}

/// Produces `manifest-sha256.txt` (one line per published item, in manifest order).
fn emit_manifest_txt(items: &[Item], emit: &mut Emit<'_>) -> Result<(), PackError> {
    for i in items {
        let (Some(p), Some(d)) = (i.path.as_deref(), i.sha256.as_deref()) else {
            continue;
        };
        if let (Ok(p), Some(d)) = (BagPath::parse(p), Sha256Digest::from_hex(d)) {
            emit(bag::write_manifest([(&p, &d)]).as_bytes())?;
        }
    }
    Ok(())
}

/// Length and SHA-256 of what `produce` emits (it is produced again to be written).
fn measure(
    produce: impl FnOnce(&mut Emit<'_>) -> Result<(), PackError>,
) -> Result<(u64, Sha256Digest), PackError> {
    let mut len = 0u64;
    let mut sha = Sha256::new();
    produce(&mut |b: &[u8]| {
        len += b.len() as u64;
        sha.update(b);
        Ok(())
    })?;
    Ok((len, Sha256Digest(sha.finalize().into())))
}

/// Writes what `produce` emits as entry `name` of `len` bytes.
fn write_produced<W: container::Output>(
    zip: &mut container::Writer<W>,
    name: &str,
    len: u64,
    out: &Path,
    produce: impl FnOnce(&mut Emit<'_>) -> Result<(), PackError>,
) -> Result<(), PackError> {
    zip.start(name, len, None).map_err(io_at(out))?;
    produce(&mut |b: &[u8]| zip.write_data(b).map_err(io_at(out)))
}

/// Adds signature files and the tag manifest (which covers every tag file but itself).
pub fn finish_tags(files: &mut BTreeMap<String, Vec<u8>>, signatures: Vec<(String, Vec<u8>)>) {
    files.retain(|k, _| !k.starts_with(bag::SIGNATURES_DIR) && k != bag::TAGMANIFEST_PATH);
    for (name, sig) in signatures {
        files.insert(name, sig);
    }
    let listed: Vec<(BagPath, Sha256Digest)> = files
        .iter()
        .filter_map(|(k, v)| Some((BagPath::parse(k).ok()?, Sha256Digest::of(v))))
        .collect();
    let tagmanifest = bag::write_manifest(listed.iter().map(|(p, d)| (p, d)));
    files.insert(bag::TAGMANIFEST_PATH.to_owned(), tagmanifest.into_bytes());
}

/// Signs `release_json` with every key; refuses the same key twice.
pub fn sign_all(
    keys: &[SigningKey],
    release_json: &[u8],
) -> Result<Vec<(String, Vec<u8>)>, PackError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for k in keys {
        let name = sign::signature_path(k.public_key().key_data());
        if out.iter().any(|(n, _)| *n == name) {
            return Err(PackError::DuplicateKey(sign::fingerprint(
                k.public_key().key_data(),
            )));
        }
        out.push((name, k.sign_release(release_json)?.into_bytes()));
    }
    Ok(out)
}

/// Writes a temp file beside `out` (removed again if anything fails or it is dropped), public
/// (0644) once written. With `sync`, waits until it is on disk.
pub fn write_temp(
    out: &Path,
    sync: bool,
    write: impl FnOnce(&File) -> Result<(), PackError>,
) -> Result<tempfile::NamedTempFile, PackError> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".intact-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(io_at(dir))?;
    write(tmp.as_file())?;
    // A bundle is public: readable by all, like any file `cp` would make (temp files are 0600).
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(io_at(out))?;
    if sync {
        tmp.as_file().sync_all().map_err(io_at(out))?;
    }
    Ok(tmp)
}

/// Renames a finished temp file into place (refusing to replace `out` unless `force`).
pub fn persist(tmp: tempfile::NamedTempFile, out: &Path, force: bool) -> Result<(), PackError> {
    if force {
        tmp.persist(out).map_err(|e| PackError::Io {
            path: out.to_owned(),
            source: e.error,
        })?;
    } else {
        tmp.persist_noclobber(out).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                PackError::OutExists {
                    path: out.to_owned(),
                }
            } else {
                PackError::Io {
                    path: out.to_owned(),
                    source: e.error,
                }
            }
        })?;
    }
    Ok(())
}

/// Writes a temp file beside `out`, then renames it into place; nothing is left on failure.
pub fn write_atomically(
    out: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<&File>) -> Result<(), PackError>,
) -> Result<(), PackError> {
    let tmp = write_temp(out, true, |file| {
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        w.flush().map_err(io_at(out))
    })?;
    persist(tmp, out, force)
}

fn absolute(p: &Path) -> Result<PathBuf, PackError> {
    std::path::absolute(p).map_err(io_at(p))
}

/// Whether `inner` is `outer` or lies below it (both made absolute; `inner` need not exist).
fn is_within(inner: &Path, outer: &Path) -> Result<bool, PackError> {
    let outer = std::fs::canonicalize(outer).map_err(io_at(outer))?;
    let inner_abs = absolute(inner)?;
    let resolved = match (inner_abs.parent(), inner_abs.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => std::fs::canonicalize(parent)
            .map_err(io_at(parent))?
            .join(name),
        _ => inner_abs,
    };
    Ok(resolved.starts_with(&outer))
}

/// Checks the private inputs cannot end up in the bundle, and the ledger is new.
fn check_private_paths(opts: &PackOptions) -> Result<(), PackError> {
    if let Some(m) = &opts.metadata {
        if is_within(&m.path, &opts.src)? {
            return Err(PackError::Refused(format!(
                "{}: the metadata file is inside the source and would be published; move it out",
                m.path.display()
            )));
        }
    }
    if let Some(c) = &opts.commitments {
        if opts.metadata.is_none() {
            return Err(PackError::Refused(
                "--originals needs --metadata (it says which items are redacted)".into(),
            ));
        }
        if is_within(&c.originals, &opts.src)? || is_within(&opts.src, &c.originals)? {
            return Err(PackError::Refused(format!(
                "{}: the originals must not overlap the source directory",
                c.originals.display()
            )));
        }
        if c.ledger.symlink_metadata().is_ok() {
            return Err(PackError::Refused(format!(
                "{}: ledger exists; a ledger is never overwritten",
                c.ledger.display()
            )));
        }
        if is_within(&c.ledger, &opts.src)? {
            return Err(PackError::Refused(format!(
                "{}: the ledger must not be inside the source",
                c.ledger.display()
            )));
        }
        if absolute(&c.ledger)? == absolute(&opts.out)? {
            return Err(PackError::Refused(format!(
                "{}: the ledger cannot be the output",
                c.ledger.display()
            )));
        }
    }
    Ok(())
}

/// Salted commitments for every partial or withheld item; all missing originals at once.
fn make_commitments(
    meta: &MetadataSet,
    c: &Commitments,
) -> Result<BTreeMap<String, LedgerEntry>, PackError> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for item in &meta.items {
        if item.redaction.status == RedactionStatus::None {
            continue;
        }
        let rel = match (&item.original, &item.path) {
            (Some(o), _) => o.clone(),
            (None, Some(p)) => default_id(p),
            (None, None) => {
                problems.push(SourceProblem {
                    path: meta.path.clone(),
                    message: format!(
                        "{}: withheld item '{}' needs an 'original' column to commit to",
                        item.row, item.id
                    ),
                });
                continue;
            }
        };
        let abs = c.originals.join(&rel);
        let salt = redaction::new_salt();
        match File::open(&abs).and_then(|f| {
            if f.metadata()?.is_file() {
                redaction::commit(&salt, f)
            } else {
                Err(io::Error::other("not a regular file"))
            }
        }) {
            Ok((commitment, plain)) => {
                out.insert(
                    item.id.clone(),
                    LedgerEntry {
                        item_id: item.id.clone(),
                        original_path: rel,
                        original_sha256: plain.to_hex(),
                        salt: redaction::salt_hex(&salt),
                        commitment: commitment.to_hex(),
                    },
                );
            }
            Err(e) => problems.push(SourceProblem {
                path: abs,
                message: format!(
                    "original of redacted item '{}' cannot be read: {e}",
                    item.id
                ),
            }),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(PackError::Source(problems))
    }
}

/// The item record of a payload file.
fn payload_item(
    opts: &PackOptions,
    s: &SourceFile,
    digest: Sha256Digest,
    ledger: &BTreeMap<String, LedgerEntry>,
) -> Item {
    let meta = opts.metadata.as_ref().and_then(|m| m.for_path(&s.path));
    let mut item = Item {
        id: meta
            .map(|m| m.id.clone())
            .unwrap_or_else(|| default_id(&s.path)),
        path: Some(s.path.as_str().to_owned()),
        sha256: Some(digest.to_hex()),
        size: Some(s.size),
        media_type: Some(media_type(&s.path)),
        metadata: meta.map(|m| Box::new(m.description.clone())),
        redaction: meta.map(|m| Box::new(m.redaction.clone())),
    };
    if let (Some(r), Some(e)) = (item.redaction.as_mut(), ledger.get(&item.id)) {
        r.commitment = Some(e.commitment.clone());
    }
    item
}

/// Every text that goes into the bundle besides the payload, with where it goes: what the
/// gate's deny-list must also be matched against.
fn bundle_texts(opts: &PackOptions) -> Vec<(String, String)> {
    let mut t = vec![
        (
            "release.json collection".to_owned(),
            opts.collection.clone(),
        ),
        ("release.json release".to_owned(), opts.release.clone()),
    ];
    if let Some(p) = &opts.previous {
        t.push(("release.json previous release".into(), p.release.clone()));
    }
    if let Some(m) = &opts.metadata {
        for item in &m.items {
            t.extend(item.texts.iter().cloned());
        }
    }
    for (label, value) in &opts.bag_info {
        t.push(("bag-info.txt label".into(), label.clone()));
        t.push((format!("bag-info.txt {label}"), value.clone()));
    }
    for c in &opts.changes {
        t.push((format!("change record for {} id", c.id), c.id.clone()));
        t.push((
            format!("change record for {} reason", c.id),
            c.reason.clone(),
        ));
        if let Some(by) = &c.by {
            t.push((format!("change record for {} by", c.id), by.clone()));
        }
    }
    for e in &opts.gate.options.exceptions {
        t.push((
            format!("exception reason for {}", e.path.display()),
            e.reason.clone(),
        ));
    }
    t
}

/// The deny-list and the exceptions file must not be inside the source (they would be published).
fn check_gate_files(opts: &PackOptions) -> Result<(), PackError> {
    for (what, p) in [
        ("deny-list", &opts.gate.deny_list_path),
        ("exceptions file", &opts.gate.exceptions_path),
    ] {
        if let Some(p) = p {
            if is_within(p, &opts.src)? {
                return Err(PackError::Refused(format!(
                    "{}: the {what} is inside the source and would be published; move it out",
                    p.display()
                )));
            }
        }
    }
    Ok(())
}

/// Runs the leak gate over SRC (contents, metadata of files, names) and over every text that
/// goes into the bundle. Fails closed: any finding that no reviewed exception covers refuses
/// the release before anything is written.
fn run_gate(
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<(gate::GateReport, FactsByPath), PackError> {
    let visit =
        |f: &File, m: &std::fs::Metadata, loaded: Option<&[u8]>| facts_of(f, m, loaded, progress);
    let (mut report, visited) = gate::scan_tree_with(&opts.src, &opts.gate.options, &visit)?;
    if let Some(deny) = &opts.gate.options.deny {
        report
            .findings
            .extend(gate::scan_fields(deny, &bundle_texts(opts)));
        report.sort();
    }
    if report.clean() {
        Ok((report, visited.into_iter().collect()))
    } else {
        Err(PackError::Gate(Box::new(report)))
    }
}

/// What the gate's pass learnt of each file it read, by the path it walked.
type FactsByPath = std::collections::HashMap<PathBuf, io::Result<Facts>>;

/// The exceptions the gate applied, as the manifest records them.
fn gate_exceptions(report: &gate::GateReport) -> Vec<GateException> {
    report
        .excepted
        .iter()
        .map(|x| GateException {
            path: if x.finding.file.as_os_str().is_empty() {
                String::new()
            } else {
                format!("data/{}", x.finding.file.to_string_lossy())
            },
            rule: x.finding.rule.as_str().to_owned(),
            location: x.finding.location.clone(),
            reason: x.reason.clone(),
        })
        .collect()
}

/// Packs `opts.src` into a bundle at `opts.out`.
pub fn pack(opts: &PackOptions) -> Result<PackSummary, PackError> {
    pack_with_progress(opts, &Silent)
}

/// [`pack`], reporting payload files and bytes read to `progress`.
///
/// Each source file is read once: the leak gate scans the bytes, SHA-256 and CRC-32 are computed
/// from them, and the same bytes are written into the bundle, which is assembled in an unnamed
/// file ([`staging`]) and given its name only once the gate has passed the whole release. Where
/// the file system has no unnamed files, the gate reads the whole release first, and the files
/// are copied afterwards (each checked to be unchanged since the gate read it).
pub fn pack_with_progress(
    opts: &PackOptions,
    progress: &dyn Progress,
) -> Result<PackSummary, PackError> {
    pack_staged(opts, progress, true)
}

/// [`pack_with_progress`]; `unnamed: false` takes the two-pass way even where the file system
/// has unnamed files (tests compare the two).
fn pack_staged(
    opts: &PackOptions,
    progress: &dyn Progress,
    unnamed: bool,
) -> Result<PackSummary, PackError> {
    for id in [&opts.collection, &opts.release] {
        if !release::is_valid_id(id) {
            return Err(PackError::BadId(id.clone()));
        }
    }
    let sources = collect_sources(&opts.src)?;
    check_output(&opts.src, &opts.out, opts.force)?;
    check_private_paths(opts)?;
    check_gate_files(opts)?;
    if let Some(m) = &opts.metadata {
        let payload = sources.iter().map(|s| s.path.clone()).collect();
        m.check_against(&payload, opts.allow_missing_metadata)?;
    }
    let ledger_entries = match (&opts.metadata, &opts.commitments) {
        (Some(m), Some(c)) => make_commitments(m, c)?,
        _ => BTreeMap::new(),
    };
    let payload_bytes: u64 = sources.iter().map(|s| s.size).sum();
    let created = release::format_created(opts.created);
    let bag_info = bag::bag_info(
        &opts.collection,
        &opts.release,
        &created[..10],
        payload_bytes,
        sources.len() as u64,
        &opts.bag_info,
    );
    let mut plan = Plan {
        opts,
        sources,
        ledger: &ledger_entries,
        top: top_directory(&opts.collection, &opts.release),
        created,
        bag_info,
        payload_bytes,
    };
    let dir = staging::parent_dir(&opts.out);
    let staged = if unnamed {
        staging::unnamed_in(&dir).map_err(io_at(&dir))?
    } else {
        None
    };
    match staged {
        Some(file) => {
            let summary = plan.single_pass(&file, progress)?;
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(io_at(&opts.out))?;
            if opts.sync {
                file.sync_all().map_err(io_at(&opts.out))?;
            }
            plan.publish(summary, || {
                staging::publish(&file, &opts.out, opts.force).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        PackError::OutExists {
                            path: opts.out.clone(),
                        }
                    } else {
                        PackError::Io {
                            path: opts.out.clone(),
                            source: e,
                        }
                    }
                })
            })
        }
        None => plan.two_pass(progress),
    }
}

/// Everything one pack needs besides the output file.
struct Plan<'a> {
    opts: &'a PackOptions,
    /// Taken (and freed) once the payload is written: for 100,000s of items the tag files need
    /// the room.
    sources: Vec<SourceFile>,
    ledger: &'a BTreeMap<String, LedgerEntry>,
    top: String,
    created: String,
    bag_info: String,
    payload_bytes: u64,
}

/// One source file as the single pass read it.
struct Loaded {
    /// The whole content, when the gate loaded it; `None` for a file larger than the gate loads
    /// (it is streamed into the bundle; without a reviewed exception the gate refuses it).
    data: Option<Vec<u8>>,
    sha256: Sha256Digest,
    crc32: u32,
    findings: Vec<gate::Finding>,
}

/// A batch of the single pass holds files in order up to this many bytes (or
/// [`BATCH_FILES`] files); a file above [`gate::SEQUENTIAL_ABOVE`] is a batch of its own.
const BATCH_BYTES: u64 = 16 << 20;
const BATCH_FILES: usize = 512;

impl Plan<'_> {
    fn start_zip<W: container::Output>(&self, zip: &mut container::Writer<W>) -> io::Result<()> {
        zip.add(
            &format!("{}/{}", self.top, bag::BAG_INFO_PATH),
            self.bag_info.as_bytes(),
        )?;
        zip.add(
            &format!("{}/{}", self.top, bag::BAGIT_PATH),
            bag::BAGIT_TXT.as_bytes(),
        )
    }

    fn rel<'s>(&self, s: &'s SourceFile) -> &'s Path {
        s.abs.strip_prefix(&self.opts.src).unwrap_or(&s.abs)
    }

    /// Reads one source file whole (within the gate's bound), scans it and hashes it.
    fn load(&self, s: &SourceFile, progress: &dyn Progress) -> Result<Loaded, PackError> {
        let limits = &self.opts.gate.options.limits;
        let rel = self.rel(s);
        let changed = || PackError::Changed {
            path: s.abs.clone(),
        };
        if s.size > limits.max_file_bytes {
            // checked again while streaming: the size must still be the one listed
            return Ok(Loaded {
                data: None,
                sha256: Sha256Digest([0; 32]),
                crc32: 0,
                findings: vec![gate::scan::too_large(rel, s.size, limits)],
            });
        }
        let f = File::open(&s.abs).map_err(io_at(&s.abs))?;
        let mut data = Vec::with_capacity(s.size as usize + 1);
        (&f).take(s.size + 1)
            .read_to_end(&mut data)
            .map_err(io_at(&s.abs))?;
        if data.len() as u64 != s.size {
            return Err(changed());
        }
        let opts = &self.opts.gate.options;
        let ((sha256, crc32), findings) = if s.size > gate::scan::SEQUENTIAL_ABOVE {
            rayon::join(
                || rayon::join(|| Sha256Digest::of(&data), || crc32fast::hash(&data)),
                || gate::scan_bytes(rel, &data, opts),
            )
        } else {
            (
                (Sha256Digest::of(&data), crc32fast::hash(&data)),
                gate::scan_bytes(rel, &data, opts),
            )
        };
        progress.advance(1, s.size);
        Ok(Loaded {
            data: Some(data),
            sha256,
            crc32,
            findings,
        })
    }

    /// Writes one loaded file into the bundle; returns its SHA-256.
    fn write_one<W: container::Output + Send>(
        &self,
        zip: &mut container::Writer<W>,
        s: &SourceFile,
        loaded: &Loaded,
        progress: &dyn Progress,
    ) -> Result<Sha256Digest, PackError> {
        let name = format!("{}/{}", self.top, s.path.as_str());
        let out_err = io_at(&self.opts.out);
        if let Some(data) = &loaded.data {
            zip.start(&name, s.size, Some(loaded.crc32))
                .map_err(out_err)?;
            zip.write_data(data).map_err(io_at(&self.opts.out))?;
            return Ok(loaded.sha256);
        }
        // Too large for the gate to load: streamed in chunks, hashed on the way.
        zip.start(&name, s.size, None).map_err(out_err)?;
        let mut f = File::open(&s.abs).map_err(io_at(&s.abs))?;
        let mut sha = Sha256::new();
        let mut buf = vec![0u8; CHUNK * 4];
        let mut left = s.size;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            f.read_exact(&mut buf[..n]).map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => PackError::Changed {
                    path: s.abs.clone(),
                },
                _ => PackError::Io {
                    path: s.abs.clone(),
                    source: e,
                },
            })?;
            let chunk = &buf[..n];
            // hashing beside CRC-32 and writing
            let ((), written) = rayon::join(|| sha.update(chunk), || zip.write_data(chunk));
            written.map_err(io_at(&self.opts.out))?;
            left -= n as u64;
            progress.advance(0, n as u64);
        }
        if f.metadata().map_err(io_at(&s.abs))?.len() != s.size {
            return Err(PackError::Changed {
                path: s.abs.clone(),
            });
        }
        progress.advance(1, 0);
        Ok(Sha256Digest(sha.finalize().into()))
    }

    /// Batches of consecutive sources for the single pass.
    fn batches(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut bytes = 0u64;
        for (i, s) in self.sources.iter().enumerate() {
            let alone = s.size > gate::scan::SEQUENTIAL_ABOVE;
            if i > start && (alone || bytes + s.size > BATCH_BYTES || i - start >= BATCH_FILES) {
                out.push(start..i);
                start = i;
                bytes = 0;
            }
            bytes += s.size;
            if alone {
                out.push(start..i + 1);
                start = i + 1;
                bytes = 0;
            }
        }
        if start < self.sources.len() {
            out.push(start..self.sources.len());
        }
        out
    }

    /// The single pass: read, scan, hash and write every file once, into the unnamed `file`.
    /// Batches overlap: while one is written, the next is read and scanned (in parallel).
    fn single_pass(
        &mut self,
        file: &File,
        progress: &dyn Progress,
    ) -> Result<PackSummary, PackError> {
        use rayon::prelude::*;
        let mut zip = container::Writer::new(file);
        zip.reserve_central(
            self.sources
                .iter()
                .map(|s| container::CENTRAL_ENTRY_LEN + self.top.len() + 1 + s.path.as_str().len())
                .sum(),
        );
        self.start_zip(&mut zip).map_err(io_at(&self.opts.out))?;
        let mut items = Vec::with_capacity(self.sources.len());
        let mut findings = Vec::new();
        let load_batch = |r: std::ops::Range<usize>| -> Result<Vec<Loaded>, PackError> {
            self.sources[r.clone()]
                .par_iter()
                .map(|s| self.load(s, progress))
                .collect()
        };
        let mut write_batch = |r: std::ops::Range<usize>,
                               loaded: Vec<Loaded>|
         -> Result<Vec<gate::Finding>, PackError> {
            let mut found = Vec::new();
            for (s, l) in self.sources[r].iter().zip(loaded) {
                let digest = self.write_one(&mut zip, s, &l, progress)?;
                items.push(payload_item(self.opts, s, digest, self.ledger));
                found.extend(l.findings);
            }
            Ok(found)
        };
        progress.start(self.sources.len() as u64, self.payload_bytes);
        let mut pending: Option<(std::ops::Range<usize>, Vec<Loaded>)> = None;
        let mut result = Ok(());
        for r in self.batches() {
            // A big file is not read while another is still held: memory stays at about the
            // largest file.
            let big = r.len() == 1 && self.sources[r.start].size > gate::scan::SEQUENTIAL_ABOVE;
            let (written, next) = match pending.take() {
                Some((pr, pl)) if !big => {
                    rayon::join(|| write_batch(pr, pl), || load_batch(r.clone()))
                }
                Some((pr, pl)) => {
                    let w = write_batch(pr, pl);
                    (w, load_batch(r.clone()))
                }
                None => (Ok(Vec::new()), load_batch(r.clone())),
            };
            match (written, next) {
                (Ok(f), Ok(l)) => {
                    findings.extend(f);
                    pending = Some((r, l));
                }
                (Err(e), _) | (_, Err(e)) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let (Ok(()), Some((pr, pl))) = (&result, pending.take()) {
            match write_batch(pr, pl) {
                Ok(f) => findings.extend(f),
                Err(e) => result = Err(e),
            }
        }
        progress.finish();
        result?;
        let gate_report = self.gate_report(findings)?;
        drop(std::mem::take(&mut self.sources));
        self.finish_bundle(zip, items, &gate_report)
    }

    /// The gate's verdict on the single pass: content findings, every published name, every
    /// text that enters the bundle.
    fn gate_report(&self, mut findings: Vec<gate::Finding>) -> Result<gate::GateReport, PackError> {
        let opts = &self.opts.gate.options;
        if let Some(deny) = &opts.deny {
            findings.extend(gate::scan::scan_names(
                deny,
                self.sources.iter().map(|s| self.rel(s)),
            ));
        }
        let mut report = gate::scan::build_report(findings, self.sources.len() as u64, opts);
        if let Some(deny) = &opts.deny {
            report
                .findings
                .extend(gate::scan_fields(deny, &bundle_texts(self.opts)));
            report.sort();
        }
        if report.clean() {
            Ok(report)
        } else {
            Err(PackError::Gate(Box::new(report)))
        }
    }

    /// Without unnamed files: the gate reads the whole release first (computing SHA-256 and
    /// CRC-32 as it goes), then the files are copied into a temp file beside the output.
    fn two_pass(&mut self, progress: &dyn Progress) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        progress.start(self.sources.len() as u64, self.payload_bytes);
        let gate_result = run_gate(opts, progress);
        progress.finish();
        let (gate_report, facts) = gate_result?;
        let mut summary = None;
        let tmp = write_temp(&opts.out, opts.sync, |file| {
            let mut zip = container::Writer::new(file);
            self.start_zip(&mut zip).map_err(io_at(&opts.out))?;
            let mut items = Vec::with_capacity(self.sources.len());
            let mut buf = Vec::new();
            for s in &self.sources {
                let f = match facts.get(&s.abs) {
                    Some(Ok(f)) => f,
                    Some(Err(e)) => {
                        return Err(PackError::Io {
                            path: s.abs.clone(),
                            source: io::Error::new(e.kind(), e.to_string()),
                        })
                    }
                    // not there when the gate walked the tree: it changed since it was listed
                    None => {
                        return Err(PackError::Changed {
                            path: s.abs.clone(),
                        })
                    }
                };
                if f.size != s.size {
                    return Err(PackError::Changed {
                        path: s.abs.clone(),
                    });
                }
                zip.start(
                    &format!("{}/{}", self.top, s.path.as_str()),
                    f.size,
                    Some(f.crc32),
                )
                .map_err(io_at(&opts.out))?;
                copy_source(&mut zip, &s.abs, f, &mut buf)?;
                items.push(payload_item(opts, s, f.sha256, self.ledger));
            }
            summary = Some(self.finish_bundle(zip, items, &gate_report)?);
            Ok(())
        })?;
        let summary = summary.ok_or_else(|| PackError::Io {
            path: opts.out.clone(),
            source: io::Error::other("no summary"),
        })?;
        self.publish(summary, || persist(tmp, &opts.out, opts.force))
    }

    /// Withheld items, tag files, signatures, the central directory: the rest of the bundle.
    fn finish_bundle<W: container::Output>(
        &self,
        mut zip: container::Writer<W>,
        mut items: Vec<Item>,
        gate_report: &gate::GateReport,
    ) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        if let Some(m) = &opts.metadata {
            for w in m.withheld() {
                let mut redaction = w.redaction.clone();
                redaction.commitment = self.ledger.get(&w.id).map(|e| e.commitment.clone());
                items.push(Item {
                    id: w.id.clone(),
                    path: None,
                    sha256: None,
                    size: None,
                    media_type: None,
                    metadata: Some(Box::new(w.description.clone())),
                    redaction: Some(Box::new(redaction)),
                });
            }
        }
        let manifest = Manifest {
            format: MANIFEST_FORMAT.into(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            items,
            changes: opts.changes.clone(),
            exceptions: gate_exceptions(gate_report),
        };
        let top = &self.top;
        let out = &opts.out;
        // The tag files in bundle order after the payload: intact/manifest.json,
        // intact/release.json, intact/signatures/*, manifest-sha256.txt, tagmanifest-sha256.txt.
        // The two manifests are produced item by item, never held whole; manifest.json goes
        // into the bundle right away, manifest-sha256.txt (which comes after the statement) is
        // hashed first and produced again to be written.
        let mut leaves = Vec::with_capacity(manifest.items.len());
        let (json_len, _) = measure(|e| emit_canonical_manifest(&manifest, e, Some(&mut leaves)))?;
        let merkle_root = crate::merkle::root(&leaves);
        drop(leaves);
        let mut json_sha = Sha256::new();
        zip.start(&format!("{top}/{}", bag::ITEMS_PATH), json_len, None)
            .map_err(io_at(out))?;
        emit_canonical_manifest(
            &manifest,
            &mut |b: &[u8]| {
                json_sha.update(b);
                zip.write_data(b).map_err(io_at(out))
            },
            None,
        )?;
        let json_digest = Sha256Digest(json_sha.finalize().into());
        let (txt_len, txt_digest) = measure(|e| emit_manifest_txt(&manifest.items, e))?;
        let mut tag_digests: BTreeMap<String, Sha256Digest> = BTreeMap::new();
        tag_digests.insert(
            bag::BAGIT_PATH.to_owned(),
            Sha256Digest::of(bag::BAGIT_TXT.as_bytes()),
        );
        tag_digests.insert(
            bag::BAG_INFO_PATH.to_owned(),
            Sha256Digest::of(self.bag_info.as_bytes()),
        );
        tag_digests.insert(bag::MANIFEST_PATH.to_owned(), txt_digest);
        tag_digests.insert(bag::ITEMS_PATH.to_owned(), json_digest);
        let statement = Statement {
            format: RELEASE_FORMAT.into(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            created: self.created.clone(),
            previous: opts.previous.clone(),
            item_count: manifest.items.len() as u64,
            payload_bytes: manifest.payload_bytes(),
            merkle_root: hex(&merkle_root),
            tag_files: tag_digests
                .iter()
                .map(|(k, d)| (k.clone(), d.to_hex()))
                .collect(),
            gate: Some(GateOutcome {
                rules: gate_report
                    .rules
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect(),
                files_scanned: gate_report.files_scanned,
                deny_list: gate_report.deny_list_used,
                exceptions: gate_report.excepted.len() as u64,
            }),
        };
        let release_json = canonical::to_canonical(&statement).map_err(|e| PackError::Io {
            path: PathBuf::from(bag::RELEASE_PATH),
            source: io::Error::other(e),
        })?;
        let bundle_id = Sha256Digest::of(&release_json);
        if let Some(known) = &opts.known {
            let mut next = known.clone();
            next.apply(&statement, &bundle_id.to_hex(), &manifest)
                .map_err(|problems| PackError::Refused(problems.join("\n")))?;
        }
        let mut sigs = sign_all(&opts.keys, &release_json)?;
        sigs.sort();
        let sig_names = sigs.iter().map(|(n, _)| n.clone()).collect();
        zip.add(&format!("{top}/{}", bag::RELEASE_PATH), &release_json)
            .map_err(io_at(out))?;
        tag_digests.insert(bag::RELEASE_PATH.to_owned(), bundle_id);
        for (name, bytes) in &sigs {
            zip.add(&format!("{top}/{name}"), bytes)
                .map_err(io_at(out))?;
            tag_digests.insert(name.clone(), Sha256Digest::of(bytes));
        }
        write_produced(
            &mut zip,
            &format!("{top}/{}", bag::MANIFEST_PATH),
            txt_len,
            out,
            |e| emit_manifest_txt(&manifest.items, e),
        )?;
        // the tag manifest covers every tag file but itself
        let listed: Vec<(BagPath, Sha256Digest)> = tag_digests
            .into_iter()
            .filter_map(|(k, d)| Some((BagPath::parse(&k).ok()?, d)))
            .collect();
        let tagmanifest = bag::write_manifest(listed.iter().map(|(p, d)| (p, d)));
        zip.add(
            &format!("{top}/{}", bag::TAGMANIFEST_PATH),
            tagmanifest.as_bytes(),
        )
        .map_err(io_at(out))?;
        zip.finish().map_err(io_at(out))?;
        Ok(PackSummary {
            out: opts.out.clone(),
            bundle_id: bundle_id.to_hex(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            created: self.created.clone(),
            items: statement.item_count,
            payload_bytes: statement.payload_bytes,
            merkle_root: statement.merkle_root.clone(),
            signatures: sig_names,
            commitments: self.ledger.len() as u64,
        })
    }

    /// Writes the private ledger (which must not exist yet), then gives the bundle its name with
    /// `name_bundle`; if that fails, the ledger is taken back.
    fn publish(
        &self,
        summary: PackSummary,
        name_bundle: impl FnOnce() -> Result<(), PackError>,
    ) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        if let Some(c) = &opts.commitments {
            let ledger = Ledger {
                ledger: redaction::LEDGER_FORMAT.into(),
                warning: redaction::LEDGER_WARNING.into(),
                collection: opts.collection.clone(),
                release: opts.release.clone(),
                bundle_id: summary.bundle_id.clone(),
                entries: self.ledger.values().cloned().collect(),
            };
            redaction::write_private_new(&c.ledger, &ledger.to_bytes())?;
            if let Err(e) = name_bundle() {
                let _ = std::fs::remove_file(&c.ledger);
                return Err(e);
            }
        } else {
            name_bundle()?;
        }
        Ok(summary)
    }
}

/// An existing BagIt bag given as the source (`pack --from-bag`): its payload directory and the
/// `bag-info.txt` fields to keep.
#[derive(Debug, Clone)]
pub struct SourceBag {
    pub payload: PathBuf,
    pub bag_info: Vec<(String, String)>,
}

/// `bag-info.txt` labels that the packer writes itself, so a source bag's values are dropped.
const REGENERATED_LABELS: [&str; 6] = [
    "payload-oxum",
    "bagging-date",
    "bag-software-agent",
    "bag-size",
    "bag-count",
    "bag-group-identifier",
];

/// Validates an existing bag (every manifest, every file) and returns what `pack` needs from
/// it. An invalid or incomplete bag (files still listed in `fetch.txt`) is refused.
pub fn source_bag(dir: &Path) -> Result<SourceBag, PackError> {
    let report = crate::bagit::validate(dir, &crate::bagit::ValidateOptions { fast: false })
        .map_err(|e| PackError::Refused(format!("--from-bag: {e}")))?;
    let blocking: Vec<SourceProblem> = report
        .problems
        .iter()
        .filter(|p| {
            p.severity == crate::bagit::Severity::Error
                || p.code == crate::bagit::Code::NotYetFetched
        })
        .map(|p| SourceProblem {
            path: dir.join(&p.file),
            message: format!(
                "{}{} [{}] (the source bag must be valid and complete)",
                p.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
                p.message,
                p.code.as_str()
            ),
        })
        .collect();
    if !blocking.is_empty() {
        return Err(PackError::Source(blocking));
    }
    let info_path = ["bag-info.txt", "package-info.txt"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists());
    let mut bag_info = Vec::new();
    if let Some(p) = info_path {
        let bytes = std::fs::read(&p).map_err(io_at(&p))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            PackError::Refused(format!(
                "{}: bag-info is not UTF-8; convert it before packing",
                p.display()
            ))
        })?;
        let version = crate::bagit::parse::Version::V1_0;
        let (elements, _) = crate::bagit::parse::metadata(&text, "bag-info.txt", version);
        for e in elements {
            if REGENERATED_LABELS.contains(&e.label.to_ascii_lowercase().as_str()) {
                continue;
            }
            let clean = |s: &str| {
                s.chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim()
                    .to_owned()
            };
            bag_info.push((clean(&e.label), clean(&e.value)));
        }
    }
    Ok(SourceBag {
        payload: dir.join("data"),
        bag_info,
    })
}

/// What `--previous PREV` says: the link to put in the new statement, and what is known of the
/// archive so far. PREV is a release log directory (the whole chain is known), a bundle ZIP or
/// directory (that release's items are known), or a `release.json` (only the link is known).
pub fn previous_from(path: &Path) -> Result<(Previous, crate::archive::ArchiveState), PackError> {
    let refused = |m: String| PackError::Refused(format!("{}: {m}", path.display()));
    let is_log = path.is_dir() && path.join(format!("{:06}", 1)).is_dir();
    if is_log {
        let (entries, mut problems) =
            crate::log::read_log(path).map_err(|e| refused(e.to_string()))?;
        let state = crate::log::fold(&entries, &mut problems);
        if let Some(p) = problems.first() {
            return Err(refused(format!("release log is broken: {}", p.message)));
        }
        let head = state
            .head()
            .ok_or_else(|| refused("empty release log".into()))?;
        let prev = Previous {
            release: head.release.clone(),
            sha256: head.bundle_id.clone(),
        };
        return Ok((prev, state));
    }
    if path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        let bytes = std::fs::read(path).map_err(io_at(path))?;
        let s: Statement = serde_json::from_slice(&bytes)
            .map_err(|e| refused(format!("not a release statement: {e}")))?;
        let id = Sha256Digest::of(&bytes).to_hex();
        let mut state = crate::archive::ArchiveState::default();
        let empty = Manifest {
            format: MANIFEST_FORMAT.into(),
            collection: s.collection.clone(),
            release: s.release.clone(),
            items: Vec::new(),
            changes: Vec::new(),
            exceptions: Vec::new(),
        };
        state = if state
            .apply(
                &Statement {
                    previous: None,
                    ..s.clone()
                },
                &id,
                &empty,
            )
            .is_ok()
        {
            state
        } else {
            crate::archive::ArchiveState::default()
        };
        return Ok((
            Previous {
                release: s.release,
                sha256: id,
            },
            state,
        ));
    }
    let c = crate::inspect::read_contents(path).map_err(|e| refused(e.to_string()))?;
    let id = c.bundle_id();
    let state = crate::archive::ArchiveState::from_release(&c.statement, &id, &c.manifest);
    Ok((
        Previous {
            release: c.statement.release.clone(),
            sha256: id,
        },
        state,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{verify, VerifyOptions};

    fn tree(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            let p = dir.path().join("src").join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        dir
    }

    fn options(dir: &Path, out: &str) -> PackOptions {
        PackOptions::new(
            dir.join("src"),
            dir.join(out),
            "c",
            "r1",
            time::macros::datetime!(2026-01-02 03:04:05 UTC),
        )
    }

    fn sample() -> Vec<(&'static str, Vec<u8>)> {
        let big: Vec<u8> = b"placeholder line of a transcript\n"
            .iter()
            .copied()
            .cycle()
            .take(3 << 20)
            .collect();
        vec![
            ("a.txt", b"synthetic statement\n".to_vec()),
            ("empty.txt", Vec::new()),
            ("sub/b.txt", b"another line\n".to_vec()),
            ("sub/deeper/big.txt", big),
        ]
    }

    /// Files left in the directory of the output besides `src` and what is listed.
    fn leftovers(dir: &Path, expected: &[&str]) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "src" && !expected.contains(&n.as_str()))
            .collect()
    }

    #[test]
    fn single_pass_and_two_pass_write_the_same_bundle() {
        let t = tree(&sample());
        let one = pack_staged(&options(t.path(), "one.zip"), &Silent, true).unwrap();
        let two = pack_staged(&options(t.path(), "two.zip"), &Silent, false).unwrap();
        assert_eq!(one.bundle_id, two.bundle_id);
        let a = std::fs::read(t.path().join("one.zip")).unwrap();
        let b = std::fs::read(t.path().join("two.zip")).unwrap();
        assert!(a == b, "the two ways wrote different bytes");
        let report = verify(
            &t.path().join("one.zip"),
            &VerifyOptions::consistency_only(),
        )
        .unwrap();
        assert!(report.valid, "{:?}", report);
        assert!(leftovers(t.path(), &["one.zip", "two.zip"]).is_empty());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(t.path().join("one.zip"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn a_refused_release_leaves_nothing_either_way() {
        let mut files = sample();
        files.push((
            "sub/leak.txt",
            b"the helper was Placeholder Withheld\n".to_vec(),
        ));
        let t = tree(&files);
        for unnamed in [true, false] {
            let mut o = options(t.path(), "out.zip");
            o.gate.options.deny = Some(
                gate::DenyList::parse(Path::new("deny.txt"), "Placeholder Withheld\n").unwrap(),
            );
            let e = pack_staged(&o, &Silent, unnamed).unwrap_err();
            assert!(matches!(e, PackError::Gate(_)), "{e}");
            assert!(leftovers(t.path(), &[]).is_empty(), "unnamed {unnamed}");
        }
    }

    #[test]
    fn an_existing_output_is_kept_without_force_and_replaced_with_it() {
        let t = tree(&sample());
        std::fs::write(t.path().join("out.zip"), b"old").unwrap();
        for unnamed in [true, false] {
            let e = pack_staged(&options(t.path(), "out.zip"), &Silent, unnamed).unwrap_err();
            assert!(matches!(e, PackError::OutExists { .. }), "{e}");
            assert_eq!(std::fs::read(t.path().join("out.zip")).unwrap(), b"old");
        }
        let mut o = options(t.path(), "out.zip");
        o.force = true;
        pack_staged(&o, &Silent, true).unwrap();
        assert_ne!(std::fs::read(t.path().join("out.zip")).unwrap(), b"old");
        assert!(leftovers(t.path(), &["out.zip"]).is_empty());
    }

    /// A file larger than the gate loads is refused, unless excepted; then it is streamed into
    /// the bundle and hashed on the way (the bundle verifies).
    #[test]
    fn a_file_over_the_gate_bound_needs_an_exception_and_is_streamed() {
        let t = tree(&sample());
        for unnamed in [true, false] {
            let mut o = options(t.path(), "out.zip");
            o.force = true;
            o.gate.options.limits.max_file_bytes = 1 << 20;
            let e = pack_staged(&o, &Silent, unnamed).unwrap_err();
            assert!(e.to_string().contains("file-too-large-to-scan"), "{e}");
            o.gate.options.exceptions = vec![gate::Exception {
                path: PathBuf::from("sub/deeper/big.txt"),
                rule: gate::RuleId::FileTooLargeToScan,
                reason: "reviewed by hand".into(),
            }];
            let s = pack_staged(&o, &Silent, unnamed).unwrap();
            assert_eq!(s.items, 4);
            let report = verify(
                &t.path().join("out.zip"),
                &VerifyOptions::consistency_only(),
            )
            .unwrap();
            assert!(report.valid, "unnamed {unnamed}: {:?}", report);
        }
    }

    #[test]
    fn canonical_manifest_is_the_canonical_form() {
        use crate::manifest::{ChangeAction, Description, Redaction};
        let item = |i: usize| Item {
            id: format!("doc-{i}"),
            path: Some(format!("data/d/\u{e9}-{i}.txt")),
            sha256: Some(Sha256Digest::of(&[i as u8]).to_hex()),
            size: Some(i as u64),
            media_type: Some("text/plain".into()),
            metadata: (i % 2 == 0).then(|| {
                Box::new(Description {
                    title: Some(format!("Synthetic \"quoted\" title {i} \u{1F600}")),
                    case_no: Some("C-1".into()),
                    ..Default::default()
                })
            }),
            redaction: (i % 3 == 0).then(|| {
                Box::new(Redaction {
                    status: RedactionStatus::Partial,
                    categories: vec!["witness-address".into()],
                    legal_basis: Some("placeholder basis".into()),
                    regions: Some(2),
                    reason: None,
                    commitment: None,
                })
            }),
        };
        for (n, with_extras) in [(0, false), (1, true), (5000, false), (9000, true)] {
            let mut m = Manifest {
                format: MANIFEST_FORMAT.into(),
                collection: "c".into(),
                release: "r2".into(),
                items: (0..n).map(item).collect(),
                changes: Vec::new(),
                exceptions: Vec::new(),
            };
            if with_extras {
                m.changes.push(Change {
                    id: "old".into(),
                    release: "r1".into(),
                    action: ChangeAction::Withdrawn,
                    reason: "placeholder reason".into(),
                    by: None,
                    sha256: None,
                });
                m.exceptions.push(GateException {
                    path: "data/x.bin".into(),
                    rule: "unsupported-file-type".into(),
                    location: "content".into(),
                    reason: "reviewed".into(),
                });
            }
            let mut bytes = Vec::new();
            let mut leaves = Vec::new();
            emit_canonical_manifest(
                &m,
                &mut |b: &[u8]| {
                    bytes.extend_from_slice(b);
                    Ok(())
                },
                Some(&mut leaves),
            )
            .unwrap();
            assert!(bytes == canonical::to_canonical(&m).unwrap(), "{n} items");
            assert_eq!(crate::merkle::root(&leaves), m.merkle_root(), "{n} items");
        }
    }

    #[test]
    fn batches_cover_every_source_once_in_order() {
        let t = tree(&sample());
        let o = options(t.path(), "out.zip");
        let sources: Vec<SourceFile> = [0u64, 5, BATCH_BYTES, gate::scan::SEQUENTIAL_ABOVE + 1, 7]
            .iter()
            .chain(std::iter::repeat_n(&1u64, BATCH_FILES + 3))
            .enumerate()
            .map(|(i, &size)| SourceFile {
                abs: PathBuf::from(format!("/x/{i:05}")),
                path: BagPath::parse(&format!("data/{i:05}")).unwrap(),
                size,
            })
            .collect();
        let plan = Plan {
            opts: &o,
            sources,
            ledger: &BTreeMap::new(),
            top: "c-r1".into(),
            created: String::new(),
            bag_info: String::new(),
            payload_bytes: 0,
        };
        let batches = plan.batches();
        let sources = &plan.sources;
        let flat: Vec<usize> = batches.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(flat, (0..sources.len()).collect::<Vec<_>>());
        for r in &batches {
            let bytes: u64 = sources[r.clone()].iter().map(|s| s.size).sum();
            assert!(r.len() <= BATCH_FILES);
            assert!(r.len() == 1 || bytes <= BATCH_BYTES, "{r:?}");
        }
        // the big file is alone
        assert!(batches.contains(&(3..4)));
    }
}
