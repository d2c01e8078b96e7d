//! `intact verify`: every rule of FORMAT.md §9 over a bundle ZIP or a mirrored directory. Every
//! problem found is reported with its path; the verdict is derived from the report.
//!
//! `check_bundle` reads like §9: one call per check, each a function in its own file, given
//! what earlier steps produced and returning its problems (and what later steps need); no
//! check shares state with another. Data decides the order they run in (FORMAT.md §9.1): the
//! statement is read first and alone, within its bound, because it pins the other tag files
//! by digest ([`read`]); only the tag files the format names are then read, each hashed before
//! it is parsed, and one whose digest is not the one pinned is not parsed. The `manifest` check
//! runs before `tag-files` and `tag-manifest` (it hashes the two large tag files whose digests
//! they compare). The report lists problems in §9 order regardless.
//!
//! | check          | file             | FORMAT.md      |
//! |----------------|------------------|----------------|
//! | `container`    | `container.rs`   | §2             |
//! | `names`        | `container.rs`   | §3             |
//! | `bag`          | `bag.rs`         | §4.1, 4.2, 4.5 |
//! | `statement`    | `statement.rs`   | §6             |
//! | `signatures`   | `signatures.rs`  | §7             |
//! | `tag-files`    | `tags.rs`        | §6 `tag_files` |
//! | `tag-manifest` | `tags.rs`        | §4.4           |
//! | `manifest`     | `manifest.rs`    | §5, §4.3       |
//! | `payload`      | `payload.rs`     | §9, §2.8       |
//! | `merkle`       | `merkle.rs`      | §8, §6         |

mod bag;
mod container;
#[cfg(test)]
mod fixture;
mod manifest;
mod merkle;
mod payload;
mod read;
mod records;
mod report;
mod signatures;
mod sorted;
mod statement;
mod tags;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use time::OffsetDateTime;

use crate::bag::{RELEASE_PATH, SIGNATURES_DIR, TAGMANIFEST_PATH};
use crate::bundle::{Bundle, OpenError};
use crate::limits::Limits;
use crate::manifest::Manifest;
use crate::progress::{Progress, Silent};
use crate::release::{self, Statement};
use crate::trust::{Revocations, TrustPolicy};

pub use crate::problem::{Check, Problem};
pub use report::{CheckResult, VerifyReport};

use read::TagDigests;
use signatures::{SignatureFile, Trust};

/// Largest `manifest.json` a verifier reads ([`Limits`] says why).
pub const MAX_MANIFEST_BYTES: u64 = Limits::DEFAULT.manifest_bytes;
/// Largest tag file of any kind a verifier reads (`manifest.json`; [`Limits`] gives each kind's).
pub const MAX_TAG_BYTES: u64 = Limits::DEFAULT.manifest_bytes;

/// How to verify.
#[derive(Clone)]
pub struct VerifyOptions {
    pub policy: TrustPolicy,
    pub revocations: Revocations,
    /// Distinct trusted principals required (≥ 1).
    pub threshold: usize,
    /// Check key validity windows at this time instead of the release's `created`.
    pub at: Option<OffsetDateTime>,
    /// Skip hashing payload files (statement, signatures, tag files and manifests only).
    pub skip_payload: bool,
    /// Check the bundle's consistency only: every signature must still be well-formed and
    /// verify over `release.json`, but no trusted signer is required (the threshold is not
    /// applied). Used before a signature is added (`intact sign`, `intact attach`).
    pub skip_threshold: bool,
}

impl VerifyOptions {
    /// Options for a consistency check without a trust policy: every rule of FORMAT.md §9
    /// except the signature threshold.
    pub fn consistency_only() -> VerifyOptions {
        VerifyOptions {
            policy: TrustPolicy {
                path: PathBuf::new(),
                signers: Vec::new(),
            },
            revocations: Revocations::default(),
            threshold: 0,
            at: None,
            skip_payload: false,
            skip_threshold: true,
        }
    }
}

/// The bundle could not be checked at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("threshold must be at least 1")]
    ThresholdZero,
    #[error("threshold {threshold} is larger than the {available} principal(s) allowed to sign releases in {policy}")]
    Threshold {
        threshold: usize,
        available: usize,
        policy: PathBuf,
    },
}

/// What verification learned about the bundle, for callers that go on (cite, check, log).
pub struct Verified {
    pub report: VerifyReport,
    pub statement: Option<Statement>,
    pub release_json: Option<Vec<u8>>,
    pub manifest: Option<Manifest>,
}

/// Verifies a bundle ZIP or directory.
pub fn verify(path: &Path, opts: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    run(path, opts, &Limits::DEFAULT, &Silent, false).map(|v| v.report)
}

/// [`verify`], reporting payload files and bytes hashed to `progress`. Keeps no parsed
/// manifest, so it needs less memory than [`verify_with_progress`].
pub fn verify_report_with_progress(
    path: &Path,
    opts: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<VerifyReport, VerifyError> {
    run(path, opts, &Limits::DEFAULT, progress, false).map(|v| v.report)
}

/// Verifies and also returns the parsed statement and manifest.
pub fn verify_full(path: &Path, opts: &VerifyOptions) -> Result<Verified, VerifyError> {
    verify_with_progress(path, opts, &Silent)
}

/// [`verify_full`], reporting payload files and bytes hashed to `progress`.
pub fn verify_with_progress(
    path: &Path,
    opts: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<Verified, VerifyError> {
    run(path, opts, &Limits::DEFAULT, progress, true)
}

/// [`verify_with_progress`] within `limits` instead of [`Limits::DEFAULT`]; `keep_manifest`
/// says whether to return the parsed `manifest.json` (which costs memory).
pub fn verify_with_limits(
    path: &Path,
    opts: &VerifyOptions,
    limits: &Limits,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<Verified, VerifyError> {
    run(path, opts, limits, progress, keep_manifest)
}

/// Verifies a bundle ZIP read through `source` (any [`crate::source::ReadAt`], e.g. a remote
/// object), which messages call `path`: every check of [`verify_with_limits`], the same report.
/// Also returns the opened bundle (`None` when it was not one), to read members from after.
pub fn verify_zip_source(
    path: &Path,
    source: Box<dyn crate::source::ReadAt + Send>,
    opts: &VerifyOptions,
    limits: &Limits,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<(Verified, Option<Bundle>), VerifyError> {
    let threshold = required_signers(opts)?;
    let mut report = VerifyReport::empty(path, threshold);
    let opened = Bundle::open_zip_checked(path, source, limits);
    match opened {
        Ok(bundle) => {
            let v = check_bundle(&bundle, opts, limits, progress, keep_manifest, report);
            Ok((failed_or(&bundle, v)?, Some(bundle)))
        }
        Err(OpenError::Io { path, source }) => Err(VerifyError::Io { path, source }),
        Err(OpenError::NotABundle { message, .. }) => {
            report.finish(vec![Problem::new(Check::Container, "", message)]);
            let v = Verified {
                report,
                statement: None,
                release_json: None,
                manifest: None,
            };
            Ok((v, None))
        }
    }
}

/// Verifies a bundle the caller opened: every check of [`verify_with_limits`], the same report.
pub fn verify_bundle(
    bundle: &Bundle,
    opts: &VerifyOptions,
    limits: &Limits,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<Verified, VerifyError> {
    let threshold = required_signers(opts)?;
    let report = VerifyReport::empty(&bundle.source, threshold);
    let v = check_bundle(bundle, opts, limits, progress, keep_manifest, report);
    failed_or(bundle, v)
}

/// The verification, unless the bundle's source failed on the way (a network gone after its
/// retries): then what was read is no finding about the bundle, and there is no verdict.
fn failed_or(bundle: &Bundle, v: Verified) -> Result<Verified, VerifyError> {
    match bundle.source_failure() {
        Some(source) => Err(VerifyError::Io {
            path: bundle.source.clone(),
            source,
        }),
        None => Ok(v),
    }
}

/// Opens the bundle at `path` and checks it.
fn run(
    path: &Path,
    opts: &VerifyOptions,
    limits: &Limits,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<Verified, VerifyError> {
    let threshold = required_signers(opts)?;
    let mut report = VerifyReport::empty(path, threshold);
    let bundle = match Bundle::open_with_limits(path, limits) {
        Ok(b) => b,
        Err(OpenError::Io { path, source }) => return Err(VerifyError::Io { path, source }),
        Err(OpenError::NotABundle { message, .. }) => {
            // Nothing to check: the one problem is that this is no bundle (FORMAT.md §2).
            report.finish(vec![Problem::new(Check::Container, "", message)]);
            return Ok(Verified {
                report,
                statement: None,
                release_json: None,
                manifest: None,
            });
        }
    };
    let verified = check_bundle(&bundle, opts, limits, progress, keep_manifest, report);
    // A bundle of many members takes milliseconds to free (a name and a path each): off the
    // caller's path, on the thread pool.
    rayon::spawn(move || drop(bundle));
    Ok(verified)
}

/// How many distinct trusted principals must have signed: the options' threshold, which the
/// policy must be able to meet, or none for a consistency check.
fn required_signers(opts: &VerifyOptions) -> Result<usize, VerifyError> {
    if opts.skip_threshold {
        return Ok(0);
    }
    if opts.threshold == 0 {
        return Err(VerifyError::ThresholdZero);
    }
    let available = opts.policy.release_principals().len();
    if opts.threshold > available {
        return Err(VerifyError::Threshold {
            threshold: opts.threshold,
            available,
            policy: opts.policy.path.clone(),
        });
    }
    Ok(opts.threshold)
}

/// The checks of FORMAT.md §9 over an opened bundle, into `report`. The payload is hashed
/// beside the checks before `payload` (each member's result kept until the manifests say what
/// it should be), unless each read is a round trip ([`Bundle::is_sparse`]): then only what the
/// manifests list is read, after them.
fn check_bundle(
    bundle: &Bundle,
    opts: &VerifyOptions,
    limits: &Limits,
    progress: &dyn Progress,
    keep_manifest: bool,
    mut report: VerifyReport,
) -> Verified {
    report.kind = Some(bundle.kind);
    let payload_members = bundle.members.under("data/");
    let trust = Trust {
        policy: &opts.policy,
        revocations: &opts.revocations,
        threshold: report.threshold,
    };
    let metadata = || check_metadata(bundle, opts, limits, &trust, keep_manifest);
    let (m, hashed) = if opts.skip_payload || bundle.is_sparse() {
        (metadata(), None)
    } else {
        let stop = AtomicBool::new(false);
        rayon::join(
            || {
                let m = metadata();
                // Nothing listed, nothing to compare: the rest need not be read.
                if m.manifests.expected.is_empty() {
                    stop.store(true, Ordering::Relaxed);
                }
                m
            },
            || {
                Some(payload::hash_members(
                    bundle,
                    payload_members,
                    progress,
                    &stop,
                ))
            },
        )
    };
    let hashing = match (&hashed, opts.skip_payload) {
        (_, true) => payload::Hashing::Skip,
        (Some(h), _) => payload::Hashing::Done(h),
        (None, _) => payload::Hashing::Now(progress),
    };
    let s = m.statement.as_ref();
    let totals = bag::payload_totals(bundle, payload_members, hashed.as_deref());
    let bag = m.bag.problems(totals);
    let payload = payload::check_payload(bundle, payload_members, m.manifests.expected, hashing);
    drop(hashed);
    let merkle = merkle::check_merkle(s, m.manifests.items.as_ref());

    report.bundle_id = m.bundle_id;
    if let Some(s) = s {
        report.describe(s);
    }
    report.signatures = m.signatures.checks;
    report.signers = m.signatures.signers;
    let found = [
        m.container,
        m.unreadable,
        m.names,
        bag,
        m.statement_problems,
        m.too_many_signatures,
        m.signature_problems,
        m.tag_files,
        m.tag_manifest,
        m.manifest_problems,
        payload,
        merkle,
    ];
    report.finish(found.into_iter().flatten().collect());
    Verified {
        report,
        statement: m.statement,
        release_json: m.release_json,
        manifest: m.manifests.manifest,
    }
}

/// What the checks before `payload` found, and what the later ones need.
struct Metadata {
    container: Vec<Problem>,
    unreadable: Vec<Problem>,
    names: Vec<Problem>,
    bag: bag::Bag,
    statement_problems: Vec<Problem>,
    too_many_signatures: Vec<Problem>,
    signature_problems: Vec<Problem>,
    tag_files: Vec<Problem>,
    tag_manifest: Vec<Problem>,
    manifest_problems: Vec<Problem>,
    statement: Option<Statement>,
    release_json: Option<Vec<u8>>,
    bundle_id: Option<String>,
    signatures: signatures::Signatures,
    manifests: manifest::Manifests,
}

/// The checks of FORMAT.md §9 before `payload`: `container`, `names`, `bag`, `statement`,
/// `signatures`, `tag-files`, `tag-manifest` and `manifest`, over the tag files read in trust
/// order (FORMAT.md §9.1: the statement first, then only what the format names).
fn check_metadata(
    bundle: &Bundle,
    opts: &VerifyOptions,
    limits: &Limits,
    trust: &Trust,
    keep_manifest: bool,
) -> Metadata {
    let container = container::check_container(bundle);
    let names = container::check_names(bundle);
    let (mut unreadable, mut tags) = read::read_release(bundle, limits);
    let (statement_problems, statement) = statement::check_statement(tags.bytes(RELEASE_PATH));
    let s = statement.as_ref();
    unreadable.extend(read::read_tag_files(bundle, s, limits, &mut tags));
    let (unreadable, too_many_signatures): (Vec<Problem>, Vec<Problem>) = unreadable
        .into_iter()
        .partition(|p| p.check == Check::Container);
    let release_json = tags.bytes(RELEASE_PATH);
    let bag = bag::check_bag(bundle, &tags, s);
    let at = opts.at.or_else(|| release_time(s));
    let signature_files = signature_files(bundle, &tags);
    let (signature_problems, signatures) =
        signatures::check_signatures(&signature_files, release_json, at, trust);
    let (manifest_problems, manifests) = manifest::check_manifest(bundle, limits, s, keep_manifest);
    let digests: TagDigests = tags
        .digests()
        .into_iter()
        .chain(manifests.digests.iter().cloned())
        .collect();
    let is_member = |p: &str| bundle.get(p).is_some();
    let tag_files = tags::check_tag_files(s, &digests, is_member);
    let tag_manifest = tags::check_tag_manifest(tags.bytes(TAGMANIFEST_PATH), &digests, is_member);
    // Every tag file is checked: free them before the payload is compared.
    let release_json = release_json.map(<[u8]>::to_vec);
    drop(signature_files);
    drop(tags);
    Metadata {
        container,
        unreadable,
        names,
        bag,
        statement_problems,
        too_many_signatures,
        signature_problems,
        tag_files,
        tag_manifest,
        manifest_problems,
        bundle_id: digests.get(RELEASE_PATH).map(|d| d.to_hex()),
        statement,
        release_json,
        signatures,
        manifests,
    }
}

/// The time at which keys are judged by default: the release's `created`.
fn release_time(statement: Option<&Statement>) -> Option<OffsetDateTime> {
    statement.and_then(|s| release::parse_created(&s.created))
}

/// The members under `intact/signatures/`, with the bytes of those that could be read.
fn signature_files<'a>(bundle: &'a Bundle, tags: &'a read::TagFiles) -> Vec<SignatureFile<'a>> {
    bundle
        .members_under(SIGNATURES_DIR)
        .map(|m| SignatureFile {
            path: m.path.as_str(),
            bytes: tags.bytes(m.path.as_str()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bag;

    /// Every check of the pipeline over the fixture bundle after `edit`, with one signature by
    /// the trusted demo key required.
    fn verify_files(edit: impl FnOnce(&mut fixture::Files)) -> Verified {
        let mut files = fixture::files();
        edit(&mut files);
        let b = fixture::bundle(&files);
        let opts = fixture::options();
        let report = VerifyReport::empty(Path::new("test.zip"), 1);
        check_bundle(&b, &opts, &Limits::DEFAULT, &Silent, true, report)
    }

    /// The checks that failed, in report order.
    fn failed(v: &Verified) -> Vec<Check> {
        let r = &v.report;
        assert_eq!(r.checks.len(), Check::ALL.len());
        r.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.check)
            .collect()
    }

    #[test]
    fn a_valid_bundle_passes_every_check() {
        let v = verify_files(|_| {});
        assert_eq!(v.report.problems, []);
        assert!(v.report.valid);
        assert_eq!(v.report.signers, ["demo-office"]);
        assert_eq!(v.report.item_count, Some(2));
        assert_eq!(v.report.kind, Some(crate::bundle::Kind::Zip));
        let files = fixture::files();
        let id = crate::digest::Sha256Digest::of(&files[bag::RELEASE_PATH]).to_hex();
        assert_eq!(v.report.bundle_id, Some(id));
        assert_eq!(
            v.release_json.as_deref(),
            Some(&files[bag::RELEASE_PATH][..])
        );
        assert_eq!(v.statement, Some(fixture::statement()));
        assert_eq!(v.manifest, Some(fixture::manifest()));
    }

    /// A change to a bundle's files.
    type Edit = Box<dyn FnOnce(&mut fixture::Files)>;

    #[test]
    fn each_kind_of_damage_fails_its_check() {
        let cases: Vec<(&str, Edit, Vec<Check>)> = vec![
            (
                "bad name",
                Box::new(|f| {
                    f.insert("data/CON.txt".into(), b"x".to_vec());
                }),
                vec![Check::Names],
            ),
            (
                "bagit.txt",
                Box::new(|f| {
                    f.insert(bag::BAGIT_PATH.into(), b"x".to_vec());
                    fixture::seal(f, |_| {});
                }),
                vec![Check::Bag],
            ),
            (
                "statement",
                Box::new(|f| fixture::seal(f, |s| s.created = "yesterday".into())),
                vec![Check::Statement, Check::Signatures],
            ),
            (
                "unsigned",
                Box::new(|f| {
                    f.retain(|p, _| !p.starts_with(bag::SIGNATURES_DIR));
                }),
                vec![Check::Signatures, Check::TagManifest],
            ),
            (
                "tag file pin",
                Box::new(|f| {
                    f.insert(bag::BAG_INFO_PATH.into(), b"Payload-Oxum: 10.2\n".to_vec());
                }),
                vec![Check::TagFiles, Check::TagManifest],
            ),
            (
                "manifest",
                Box::new(|f| {
                    let text = String::from_utf8(f[bag::MANIFEST_PATH].clone()).unwrap();
                    f.insert(
                        bag::MANIFEST_PATH.into(),
                        text.replace("  data/a", "  data/A").into_bytes(),
                    );
                    fixture::seal(f, |_| {});
                }),
                vec![Check::Manifest],
            ),
            (
                "payload",
                Box::new(|f| {
                    f.insert("data/a.txt".into(), b"ALPHA\n".to_vec());
                }),
                vec![Check::Payload],
            ),
            (
                "merkle",
                Box::new(|f| fixture::seal(f, |s| s.item_count = 3)),
                vec![Check::Merkle],
            ),
        ];
        for (name, edit, want) in cases {
            let v = verify_files(edit);
            assert_eq!(failed(&v), want, "{name}: {:?}", v.report.problems);
            assert!(!v.report.valid, "{name}");
        }
    }

    #[test]
    fn problems_are_listed_in_the_order_of_the_checks() {
        let v = verify_files(|f| {
            f.insert("data/a.txt".into(), b"ALPHA\n".to_vec());
            f.insert("data/extra.txt".into(), b"x".to_vec());
            f.insert("unexpected.txt".into(), b"x".to_vec());
        });
        let checks: Vec<Check> = v.report.problems.iter().map(|p| p.check).collect();
        assert_eq!(
            checks,
            [Check::Bag, Check::Bag, Check::Payload, Check::Payload]
        );
        assert!(v.report.problems[0].message.starts_with("Payload-Oxum"));
        // Not named by the format, so not read: one problem, of `bag`.
        assert_eq!(v.report.problems[1].path, "unexpected.txt");
        assert_eq!(v.report.problems[2].path, "data/extra.txt");
        assert_eq!(v.report.problems[3].path, "data/a.txt");
    }

    #[test]
    fn verify_reads_a_zip_and_a_tree_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let files = fixture::files();
        let top = dir.path().join("tree").join(fixture::TOP);
        for (p, b) in &files {
            std::fs::create_dir_all(top.join(p).parent().unwrap()).unwrap();
            std::fs::write(top.join(p), b).unwrap();
        }
        let report = verify(&top, &fixture::options()).unwrap();
        assert!(report.valid, "{:?}", report.problems);
        assert_eq!(report.kind, Some(crate::bundle::Kind::Directory));
        let zip = dir.path().join("b.zip");
        let mut w = crate::container::Writer::new(std::fs::File::create(&zip).unwrap());
        for (p, b) in &files {
            w.add(&format!("{}/{p}", fixture::TOP), b).unwrap();
        }
        w.finish().unwrap();
        let v = verify_full(&zip, &fixture::options()).unwrap();
        assert!(v.report.valid, "{:?}", v.report.problems);
        let small = Limits {
            tag_file_bytes: 100,
            ..Limits::DEFAULT
        };
        let v = verify_with_limits(&zip, &fixture::options(), &small, &Silent, false).unwrap();
        assert_eq!(v.report.problems[0].check, Check::Container);
        assert!(v.report.problems[0]
            .message
            .contains("more than the 100 allowed"));
        assert!(v.manifest.is_none());
    }

    /// A tree's payload files are not looked up as it is listed: `Payload-Oxum` is compared with
    /// the sizes hashing reads, or, when the payload is not hashed, looked up then.
    #[test]
    fn a_trees_payload_is_sized_as_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join(fixture::TOP);
        for (p, b) in &fixture::files() {
            std::fs::create_dir_all(top.join(p).parent().unwrap()).unwrap();
            std::fs::write(top.join(p), b).unwrap();
        }
        let a = top.join("data/a.txt");
        let grown = [std::fs::read(&a).unwrap(), b"grown".to_vec()].concat();
        std::fs::write(&a, &grown).unwrap();
        let oxum = |opts: &VerifyOptions| {
            let report = verify(&top, opts).unwrap();
            assert!(!report.valid);
            report
                .problems
                .into_iter()
                .filter(|p| p.check == Check::Bag)
                .map(|p| p.message)
                .collect::<Vec<_>>()
        };
        let all = oxum(&fixture::options());
        assert_eq!(all, ["Payload-Oxum 10.2 but the payload has 15.2"]);
        let skip = VerifyOptions {
            skip_payload: true,
            ..fixture::options()
        };
        assert_eq!(oxum(&skip), all);
    }

    #[test]
    fn a_file_that_is_no_bundle_is_one_container_problem() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.zip");
        std::fs::write(&junk, [b'x'; 100]).unwrap();
        let report = verify(&junk, &fixture::options()).unwrap();
        assert!(!report.valid);
        assert_eq!(report.kind, None);
        assert_eq!(
            report.problems,
            [Problem::new(Check::Container, "", "not a ZIP file")]
        );
        let missing = dir.path().join("missing.zip");
        assert!(matches!(
            verify(&missing, &fixture::options()),
            Err(VerifyError::Io { .. })
        ));
    }

    #[test]
    fn a_threshold_the_policy_cannot_meet_is_an_error() {
        let mut opts = fixture::options();
        opts.threshold = 2;
        let e = required_signers(&opts).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("threshold 2 is larger than the 1 principal(s)"));
        opts.threshold = 0;
        let e = required_signers(&opts).unwrap_err();
        assert_eq!(e.to_string(), "threshold must be at least 1");
        assert_eq!(
            required_signers(&VerifyOptions::consistency_only()).unwrap(),
            0
        );
    }
}
