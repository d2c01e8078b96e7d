//! `intact pack`: a source tree (or an existing bag's payload) into a signed bundle ZIP.
//!
//! The steps, each in its own file: walk the source ([`source`]), check where the output and
//! the private inputs are ([`preflight`]), make the salted commitments ([`commitments`]), then
//! write the bundle in one pass ([`single_pass`]) or two ([`two_pass`]), with the leak gate's
//! verdict ([`gate_pass`]) before the bundle gets its name ([`plan`]); the tag files, statement
//! and signatures end the bundle ([`finish`], [`tags`]). [`from_bag`] and [`previous`] read what
//! `--from-bag` and `--previous` give.

use std::collections::BTreeMap;
use std::path::PathBuf;

use time::OffsetDateTime;

use crate::bag;
use crate::bagpath::BagPath;
use crate::fs::{At as _, PathError, WriteError};
use crate::gate;
use crate::manifest::Change;
use crate::metadata::{MetadataError, MetadataSet};
use crate::problem::Problem;
use crate::progress::{Progress, Silent};
use crate::redaction::RedactionError;
use crate::release::{self, Previous};
use crate::sign::{KeyError, SigningKey};
use crate::staging;

mod commitments;
mod finish;
mod from_bag;
mod gate_pass;
mod plan;
mod preflight;
mod previous;
mod scrub_notes;
mod single_pass;
mod source;
mod tags;
mod two_pass;

pub use from_bag::{source_bag, SourceBag};
pub use previous::previous_from;
pub use scrub_notes::ScrubNotes;
pub use tags::{finish_tags, sign_all};

use plan::Plan;

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
    /// Provenance notes from `intact scrub`'s report, added to the items' `digitization`.
    pub scrub_notes: Option<ScrubNotes>,
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
            scrub_notes: None,
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
    /// Whether the leak gate matched a deny-list (without one only its structural rules ran).
    pub deny_list: bool,
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
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.path, p.message)).collect::<Vec<_>>().join("\n"))]
    /// Source files that cannot be packed (check [`Check::Source`], path as given).
    Source(Vec<Problem>),
    #[error("{path}: output exists (it is replaced only when forced)")]
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
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// More items than a verifier reads (FORMAT.md §9.1, `Limits::items`): the bundle would
    /// never verify, so it is not written.
    #[error("{count} items is more than the {limit} a verifier reads (FORMAT.md §9.1); split the release")]
    TooManyItems { count: usize, limit: usize },
    #[error("{path}: file changed while it was being packed")]
    Changed { path: PathBuf },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("{0}")]
    Refused(String),
    /// Commitments to originals were asked for without item metadata, which says which items
    /// are redacted.
    #[error("commitments to originals need metadata (it says which items are redacted)")]
    CommitmentsNeedMetadata,
    /// The existing bag given as the source could not be validated at all.
    #[error("source bag: {0}")]
    SourceBag(#[source] crate::bagit::BagitError),
    #[error(transparent)]
    Redaction(#[from] RedactionError),
    #[error("{}leak gate: {} finding(s) in {} file(s) scanned; nothing was written (docs/REDACTION.md)", .0.findings.iter().map(|f| format!("{}\n", f.line())).collect::<String>(), .0.findings.len(), .0.files_scanned)]
    Gate(Box<gate::GateReport>),
    #[error("leak gate: {0}")]
    GateSetup(#[from] gate::GateError),
}

impl From<PathError> for PackError {
    fn from(e: PathError) -> PackError {
        PackError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// FORMAT.md §9.1: a release holds at most `Limits::items` items, or no verifier reads it.
pub(super) fn check_item_count(count: usize) -> Result<(), PackError> {
    let limit = crate::limits::Limits::DEFAULT.items;
    if count > limit {
        return Err(PackError::TooManyItems { count, limit });
    }
    Ok(())
}

/// A bundle that was not to replace an existing output says so ([`PackError::OutExists`]).
impl From<WriteError> for PackError {
    fn from(e: WriteError) -> PackError {
        match e {
            WriteError::Exists { path } => PackError::OutExists { path },
            WriteError::Io(e) => e.into(),
        }
    }
}

/// The bag's top directory name: `<collection>-<release>`.
pub fn top_directory(collection: &str, release: &str) -> String {
    format!("{collection}-{release}")
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
    let sources = source::collect_sources(&opts.src)?;
    check_item_count(sources.len())?;
    preflight::check_output(&opts.src, &opts.out, opts.force)?;
    preflight::check_private_paths(opts)?;
    preflight::check_gate_files(opts)?;
    if let Some(m) = &opts.metadata {
        let payload = sources.iter().map(|s| s.path.clone()).collect();
        m.check_against(&payload, opts.allow_missing_metadata)?;
    }
    let ledger_entries = match (&opts.metadata, &opts.commitments) {
        (Some(m), Some(c)) => commitments::make_commitments(m, c)?,
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
    let dir = crate::fs::parent_dir(&opts.out);
    let staged = if unnamed {
        staging::unnamed_in(dir).at(dir)?
    } else {
        None
    };
    match staged {
        Some(file) => plan.single_pass(&file, progress),
        None => plan.two_pass(progress),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refuses_more_items_than_a_verifier_reads() {
        let limit = crate::limits::Limits::DEFAULT.items;
        assert!(check_item_count(limit).is_ok());
        match check_item_count(limit + 1) {
            Err(PackError::TooManyItems { count, limit: l }) => {
                assert_eq!((count, l), (limit + 1, limit))
            }
            other => panic!("{other:?}"),
        }
    }

    use super::*;
    use crate::verify::{verify, VerifyOptions};
    use std::path::Path;

    pub(super) fn tree(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            let p = dir.path().join("src").join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        dir
    }

    pub(super) fn options(dir: &Path, out: &str) -> PackOptions {
        PackOptions::new(
            dir.join("src"),
            dir.join(out),
            "c",
            "r1",
            time::macros::datetime!(2026-01-02 03:04:05 UTC),
        )
    }

    pub(super) fn sample() -> Vec<(&'static str, Vec<u8>)> {
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
}
