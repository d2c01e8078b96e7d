//! `intact verify`: every rule of FORMAT.md §9 over a bundle ZIP or a mirrored directory. Every
//! problem found is reported with its path; the verdict is derived from the report.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::bag;
use crate::bagpath::BagPath;
use crate::bundle::{Bundle, Kind, Member, OpenError};
use crate::canonical;
use crate::digest::{hex, Sha256Digest};
use crate::limits::Limits;
use crate::manifest::{ItemView, Manifest, ManifestView, MANIFEST_FORMAT};
use crate::progress::{Progress, Silent};
use crate::release::{self, Statement, MAX_RELEASE_BYTES, RELEASE_FORMAT, REQUIRED_TAG_FILES};
use crate::trust::{self, Revocations, SignatureCheck, SignatureStatus, TrustPolicy};

pub use crate::problem::{Check, Problem};

/// Largest `manifest.json` a verifier reads into memory ([`Limits`] says why).
pub const MAX_MANIFEST_BYTES: u64 = Limits::DEFAULT.manifest_bytes;
/// Largest tag file other than `manifest.json` (signatures, manifests of 10 M lines).
pub const MAX_TAG_BYTES: u64 = Limits::DEFAULT.tag_file_bytes;

/// Result of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub check: Check,
    pub passed: bool,
    pub problems: usize,
}

/// The verification report (`--json` prints it; docs/FORMAT.md §10 documents it).
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub report: &'static str,
    pub bundle: PathBuf,
    pub kind: Option<Kind>,
    pub valid: bool,
    pub bundle_id: Option<String>,
    pub collection: Option<String>,
    pub release: Option<String>,
    pub created: Option<String>,
    pub previous: Option<release::Previous>,
    pub item_count: Option<u64>,
    pub payload_bytes: Option<u64>,
    pub merkle_root: Option<String>,
    pub threshold: usize,
    /// Distinct trusted principals with a valid signature.
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
    pub checks: Vec<CheckResult>,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// A report with nothing read yet (not valid).
    pub fn empty(path: &Path, threshold: usize) -> VerifyReport {
        VerifyReport {
            report: "intact-verify/1",
            bundle: path.to_owned(),
            kind: None,
            valid: false,
            bundle_id: None,
            collection: None,
            release: None,
            created: None,
            previous: None,
            item_count: None,
            payload_bytes: None,
            merkle_root: None,
            threshold,
            signers: Vec::new(),
            signatures: Vec::new(),
            checks: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// How to verify.
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
    #[error("threshold {threshold} is larger than the {available} principal(s) allowed to sign releases in {policy}")]
    Threshold {
        threshold: usize,
        available: usize,
        policy: PathBuf,
    },
}

struct Ctx {
    problems: Vec<Problem>,
}

impl Ctx {
    fn add(&mut self, check: Check, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            check,
            path: path.into(),
            message: message.into(),
        });
    }
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
    run(path, opts, &Silent, false).map(|v| v.report)
}

/// [`verify`], reporting payload files and bytes hashed to `progress`. Keeps no parsed
/// manifest, so it needs less memory than [`verify_with_progress`].
pub fn verify_report_with_progress(
    path: &Path,
    opts: &VerifyOptions,
    progress: &dyn Progress,
) -> Result<VerifyReport, VerifyError> {
    run(path, opts, progress, false).map(|v| v.report)
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
    run(path, opts, progress, true)
}

/// Verifies; `keep_manifest` says whether the caller wants the parsed `manifest.json` back.
fn run(
    path: &Path,
    opts: &VerifyOptions,
    progress: &dyn Progress,
    keep_manifest: bool,
) -> Result<Verified, VerifyError> {
    let available = opts.policy.release_principals().len();
    let threshold = if opts.skip_threshold {
        0
    } else {
        opts.threshold
    };
    if !opts.skip_threshold && (opts.threshold == 0 || opts.threshold > available) {
        return Err(VerifyError::Threshold {
            threshold: opts.threshold,
            available,
            policy: opts.policy.path.clone(),
        });
    }
    let mut report = VerifyReport::empty(path, threshold);
    let bundle = match Bundle::open(path) {
        Ok(b) => b,
        Err(e) if e.is_io() => {
            let OpenError::Io { path, source } = e else {
                unreachable!()
            };
            return Err(VerifyError::Io { path, source });
        }
        Err(e) => {
            let message = match e {
                OpenError::NotABundle { message, .. } => message,
                OpenError::Io { source, .. } => source.to_string(),
            };
            report.problems.push(Problem {
                check: Check::Container,
                path: String::new(),
                message,
            });
            finish(&mut report);
            return Ok(Verified {
                report,
                statement: None,
                release_json: None,
                manifest: None,
            });
        }
    };
    report.kind = Some(bundle.kind);
    let mut cx = Ctx {
        problems: Vec::new(),
    };
    cx.problems.extend(bundle.problems.iter().cloned());

    // Tag files: every member outside data/, read whole and hashed once. The two that grow
    // with the number of items (manifest.json, manifest-sha256.txt) are read one after the
    // other further down, each dropped once used, so they are never in memory together.
    let read_tag = |m: &Member, cx: &mut Ctx| {
        let limit = if m.path.as_str() == bag::RELEASE_PATH {
            MAX_RELEASE_BYTES
        } else if m.path.as_str() == bag::ITEMS_PATH {
            MAX_MANIFEST_BYTES
        } else {
            MAX_TAG_BYTES
        };
        match bundle.read(m, limit) {
            Ok(b) => Some(b),
            Err(e) => {
                cx.add(
                    Check::Container,
                    m.path.as_str(),
                    format!("cannot read: {e}"),
                );
                None
            }
        }
    };
    let large = |p: &str| p == bag::ITEMS_PATH || p == bag::MANIFEST_PATH;
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    // The digest of every tag file that could be read.
    let mut tag_digests: BTreeMap<String, Sha256Digest> = BTreeMap::new();
    for m in bundle.members.values().filter(|m| !m.path.is_payload()) {
        if large(m.path.as_str()) {
            continue;
        }
        if let Some(b) = read_tag(m, &mut cx) {
            tag_digests.insert(m.path.as_str().to_owned(), Sha256Digest::of(&b));
            tags.insert(m.path.as_str().to_owned(), b);
        }
    }
    let read_large = |p: &str, cx: &mut Ctx, digests: &mut BTreeMap<String, Sha256Digest>| {
        let b = read_tag(bundle.members.get_str(p)?, cx)?;
        digests.insert(p.to_owned(), Sha256Digest::of(&b));
        Some(b)
    };

    // Statement.
    let release_json = tags.get(bag::RELEASE_PATH).cloned();
    let statement = match &release_json {
        None => {
            cx.add(
                Check::Statement,
                bag::RELEASE_PATH,
                "missing: the bundle has no signed statement",
            );
            None
        }
        Some(bytes) => parse_statement(bytes, &mut cx),
    };
    if release_json.is_some() {
        report.bundle_id = tag_digests.get(bag::RELEASE_PATH).map(|d| d.to_hex());
    }
    if let Some(s) = &statement {
        report.collection = Some(s.collection.clone());
        report.release = Some(s.release.clone());
        report.created = Some(s.created.clone());
        report.previous = s.previous.clone();
        report.item_count = Some(s.item_count);
        report.payload_bytes = Some(s.payload_bytes);
        report.merkle_root = Some(s.merkle_root.clone());
    }

    // Signatures.
    let created = statement
        .as_ref()
        .and_then(|s| release::parse_created(&s.created));
    let at = opts.at.or(created);
    let sig_members: Vec<&Member> = bundle.members_under(bag::SIGNATURES_DIR).collect();
    if let (Some(bytes), Some(at)) = (&release_json, at) {
        for m in &sig_members {
            let name = m.path.as_str();
            let Some(sig_bytes) = tags.get(name) else {
                continue;
            };
            let rest = &name[bag::SIGNATURES_DIR.len()..];
            let check =
                trust::check_signature(name, sig_bytes, bytes, &opts.policy, &opts.revocations, at);
            let well_named = rest.len() == 68
                && rest.ends_with(".sig")
                && Sha256Digest::from_hex(&rest[..64]).is_some();
            if !well_named {
                cx.add(
                    Check::Signatures,
                    name,
                    "signature file name is not '<64 hex digits>.sig'",
                );
            }
            match check.status {
                SignatureStatus::Malformed
                | SignatureStatus::Invalid
                | SignatureStatus::WrongNamespace => {
                    cx.add(Check::Signatures, name, check.detail.clone());
                }
                _ => {
                    if let Ok(sig) = crate::sign::parse_signature(sig_bytes) {
                        if crate::sign::signature_path(sig.public_key()) != name && well_named {
                            cx.add(
                                Check::Signatures,
                                name,
                                "signature file is not named after its key's fingerprint",
                            );
                        }
                    }
                }
            }
            report.signatures.push(check);
        }
        report.signers = trust::valid_principals(&report.signatures);
        if report.signers.len() < threshold {
            let msg = if sig_members.is_empty() {
                "unsigned: no signature in intact/signatures/".to_string()
            } else {
                format!(
                    "{} valid signature(s) by trusted principals; {} required",
                    report.signers.len(),
                    threshold
                )
            };
            cx.add(
                Check::Signatures,
                bag::SIGNATURES_DIR.trim_end_matches('/'),
                msg,
            );
        }
    } else {
        cx.add(
            Check::Signatures,
            bag::SIGNATURES_DIR.trim_end_matches('/'),
            "signatures cannot be checked without a readable statement",
        );
    }

    // Bag structure.
    match tags.get(bag::BAGIT_PATH) {
        None => cx.add(Check::Bag, bag::BAGIT_PATH, "missing"),
        Some(b) if b.as_slice() != bag::BAGIT_TXT.as_bytes() => cx.add(
            Check::Bag,
            bag::BAGIT_PATH,
            "not the BagIt 1.0 declaration FORMAT.md requires",
        ),
        Some(_) => {}
    }
    let data_members: &[Member] = bundle.members.under("data/");
    match tags.get(bag::BAG_INFO_PATH).map(|b| std::str::from_utf8(b)) {
        None => cx.add(Check::Bag, bag::BAG_INFO_PATH, "missing"),
        Some(Err(_)) => cx.add(Check::Bag, bag::BAG_INFO_PATH, "not UTF-8"),
        Some(Ok(text)) => {
            let actual = (
                data_members.iter().map(|m| m.size).sum::<u64>(),
                data_members.len() as u64,
            );
            match bag::payload_oxum(text) {
                None => cx.add(Check::Bag, bag::BAG_INFO_PATH, "no valid Payload-Oxum"),
                Some(ox) if ox != actual => cx.add(
                    Check::Bag,
                    bag::BAG_INFO_PATH,
                    format!(
                        "Payload-Oxum {}.{} but the payload has {}.{}",
                        ox.0, ox.1, actual.0, actual.1
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    // Item records: read in place when canonical and in the simple form, else parsed the
    // general way (which also says what is wrong with them).
    let items_bytes = read_large(bag::ITEMS_PATH, &mut cx, &mut tag_digests);
    let mut parsed: Option<Manifest> = None;
    let mut view: Option<ManifestView> = match &items_bytes {
        None => {
            cx.add(Check::Manifest, bag::ITEMS_PATH, "missing");
            None
        }
        Some(bytes) => {
            let hint = statement.as_ref().map_or(0, |s| s.item_count);
            match ManifestView::read_canonical(bytes, usize::try_from(hint).unwrap_or(0)) {
                Some(v) => Some(v),
                None => {
                    parsed = parse_manifest_json(bytes, &mut cx);
                    parsed.as_ref().map(ManifestView::of)
                }
            }
        }
    };
    if let Some(v) = &view {
        check_manifest_view(v, statement.as_ref(), &mut cx);
    }

    // Counts and the Merkle root the statement signs (reported after the payload).
    let mut merkle_problems = Ctx {
        problems: Vec::new(),
    };
    if let (Some(s), Some(m)) = (&statement, &view) {
        if s.item_count != m.items.len() as u64 {
            merkle_problems.add(
                Check::Merkle,
                bag::RELEASE_PATH,
                format!(
                    "item_count {} but manifest.json has {} items",
                    s.item_count,
                    m.items.len()
                ),
            );
        }
        if s.payload_bytes != m.payload_bytes() {
            merkle_problems.add(
                Check::Merkle,
                bag::RELEASE_PATH,
                format!(
                    "payload_bytes {} but the items add up to {}",
                    s.payload_bytes,
                    m.payload_bytes()
                ),
            );
        }
        let root = hex(&m.merkle_root());
        if root != s.merkle_root {
            merkle_problems.add(
                Check::Merkle,
                bag::ITEMS_PATH,
                format!(
                    "Merkle root {root} does not match release.json ({})",
                    s.merkle_root
                ),
            );
        }
    }

    if let Some(v) = &mut view {
        v.leaves = Vec::new();
    }

    // Expected payload, sorted by path: (path, sha256, size) from manifest.json (the last
    // record for a path counts); kept without manifest.json, which goes now.
    let have_items = view.is_some();
    let mut expected = ExpectedList::default();
    if let Some(v) = &view {
        let mut records: Vec<&ItemView> = v.items.iter().filter(|i| i.path.is_some()).collect();
        records = sorted_unique(records, |i| i.path.as_deref().unwrap_or_default());
        expected.reserve(
            records.len(),
            records
                .iter()
                .map(|i| i.path.as_deref().map_or(0, str::len))
                .sum(),
        );
        for i in records {
            expected.push(
                i.path.as_deref().unwrap_or_default(),
                i.sha256.flatten(),
                i.size,
            );
        }
    }
    let read_in_place = view.is_some() && parsed.is_none();
    drop(view);
    let manifest = if !keep_manifest {
        None
    } else if parsed.is_some() {
        parsed.take()
    } else if read_in_place {
        // The view was read in place, so this cannot fail; if it did, the bundle is not valid.
        let full = items_bytes
            .as_deref()
            .and_then(|b| serde_json::from_slice::<Manifest>(b).ok());
        if full.is_none() {
            cx.add(
                Check::Manifest,
                bag::ITEMS_PATH,
                "cannot be read as a manifest",
            );
        }
        full
    } else {
        None
    };
    drop(parsed);
    drop(items_bytes);

    // The BagIt payload manifest, its paths borrowed from its text, cross-checked with
    // manifest.json (or standing for it when it cannot be read).
    let payload_manifest_bytes = read_large(bag::MANIFEST_PATH, &mut cx, &mut tag_digests);
    match payload_manifest_bytes.as_deref().map(std::str::from_utf8) {
        None => cx.add(Check::Manifest, bag::MANIFEST_PATH, "missing"),
        Some(Err(_)) => cx.add(Check::Manifest, bag::MANIFEST_PATH, "not UTF-8"),
        Some(Ok(text)) => {
            let (entries, line_problems) =
                bag::parse_manifest_in_place(text, Check::Manifest, bag::MANIFEST_PATH);
            cx.problems.extend(line_problems);
            for (p, _) in &entries {
                if !p.starts_with("data/") {
                    cx.add(
                        Check::Manifest,
                        *p,
                        "payload manifest lists a file outside data/",
                    );
                }
            }
            let entries = sorted_unique(entries, |e| e.0);
            if have_items {
                // In path order, as a walk of both in sorted order finds them: lines not in
                // manifest.json and digests that differ, then records not in this manifest.
                let mut not_in_txt = Vec::new();
                merge_join(
                    &entries,
                    expected.as_slice(),
                    |e| e.0,
                    |e| expected.path(e),
                    |joined| match joined {
                        Joined::Left((p, _)) => cx.add(
                            Check::Manifest,
                            *p,
                            "in manifest-sha256.txt but not in manifest.json",
                        ),
                        Joined::Right(e) => not_in_txt.push(expected.path(e)),
                        Joined::Both((p, d), e) => {
                            if e.sha256.is_some_and(|e| e != *d) {
                                cx.add(
                                    Check::Manifest,
                                    *p,
                                    "manifest-sha256.txt and manifest.json give different digests",
                                );
                            }
                        }
                    },
                );
                for p in not_in_txt {
                    cx.add(
                        Check::Manifest,
                        p,
                        "in manifest.json but not in manifest-sha256.txt",
                    );
                }
            } else {
                expected.reserve(entries.len(), entries.iter().map(|e| e.0.len()).sum());
                for (p, d) in &entries {
                    expected.push(p, Some(*d), None);
                }
            }
        }
    }
    drop(payload_manifest_bytes);

    // Digests the statement pins.
    if let Some(s) = &statement {
        for (path, want) in &s.tag_files {
            match tag_digests.get(path) {
                None => cx.add(
                    Check::TagFiles,
                    path.as_str(),
                    "listed in release.json tag_files but missing",
                ),
                Some(d) if d.to_hex() != *want => cx.add(
                    Check::TagFiles,
                    path.as_str(),
                    format!("sha256 {} does not match release.json ({want})", d.to_hex()),
                ),
                Some(_) => {}
            }
        }
    }

    // Tag manifest: every tag file but itself, each digest right.
    match tags
        .get(bag::TAGMANIFEST_PATH)
        .map(|b| std::str::from_utf8(b))
    {
        None => cx.add(Check::TagManifest, bag::TAGMANIFEST_PATH, "missing"),
        Some(Err(_)) => cx.add(Check::TagManifest, bag::TAGMANIFEST_PATH, "not UTF-8"),
        Some(Ok(text)) => {
            let (entries, line_problems) =
                bag::parse_manifest(text, Check::TagManifest, bag::TAGMANIFEST_PATH);
            cx.problems.extend(line_problems);
            let listed: BTreeSet<&str> = entries.iter().map(|(p, _)| p.as_str()).collect();
            for (p, want) in &entries {
                if p.is_payload() {
                    cx.add(
                        Check::TagManifest,
                        p.as_str(),
                        "payload file listed in the tag manifest",
                    );
                    continue;
                }
                match tag_digests.get(p.as_str()) {
                    None => cx.add(
                        Check::TagManifest,
                        p.as_str(),
                        "listed in the tag manifest but missing",
                    ),
                    Some(d) if d != want => cx.add(
                        Check::TagManifest,
                        p.as_str(),
                        "sha256 does not match the tag manifest",
                    ),
                    Some(_) => {}
                }
            }
            for name in tag_digests.keys() {
                if name != bag::TAGMANIFEST_PATH && !listed.contains(name.as_str()) {
                    cx.add(
                        Check::TagManifest,
                        name.as_str(),
                        "tag file not listed in the tag manifest",
                    );
                }
            }
        }
    }

    // Only known tag files may exist (or ones the statement pins).
    for name in tag_digests.keys() {
        let known = [
            bag::BAGIT_PATH,
            bag::BAG_INFO_PATH,
            bag::MANIFEST_PATH,
            bag::TAGMANIFEST_PATH,
            bag::ITEMS_PATH,
            bag::RELEASE_PATH,
        ]
        .contains(&name.as_str())
            || name.starts_with(bag::SIGNATURES_DIR)
            || statement
                .as_ref()
                .is_some_and(|s| s.tag_files.contains_key(name));
        if !known {
            cx.add(
                Check::Bag,
                name.as_str(),
                "unexpected file (not part of the format, not pinned by release.json)",
            );
        }
    }

    drop(tags);

    // Payload: each listed file present, right size and digest; nothing unlisted.
    let mut missing = Vec::new();
    let mut unlisted = Vec::new();
    let mut listed: Vec<(&Member, Option<Sha256Digest>, Option<u64>)> =
        Vec::with_capacity(data_members.len());
    merge_join(
        expected.as_slice(),
        data_members,
        |e| expected.path(e),
        |m| m.path.as_str(),
        |joined| match joined {
            Joined::Left(e) => missing.push(expected.path(e)),
            Joined::Right(m) => unlisted.push(m.path.as_str()),
            Joined::Both(e, m) => listed.push((m, e.sha256, e.size)),
        },
    );
    for p in missing {
        cx.add(
            Check::Payload,
            p,
            "missing: listed in the manifest but not in the bundle",
        );
    }
    for p in unlisted {
        cx.add(
            Check::Payload,
            p,
            "not listed in the manifest (added or renamed file)",
        );
    }
    drop(expected);

    if !opts.skip_payload {
        progress.start(
            listed.len() as u64,
            listed.iter().map(|(m, _, _)| m.size).sum::<u64>(),
        );
        let mut payload_problems: Vec<Problem> = listed
            .par_iter()
            .with_min_len(16)
            .filter_map(|(m, want, want_size)| {
                let mut msgs = Vec::new();
                let hashed = bundle.hash_with(m, progress);
                progress.advance(1, 0);
                match hashed {
                    Err(e) => msgs.push(format!("cannot read: {e}")),
                    Ok((d, crc_ok)) => {
                        if let Some(size) = want_size {
                            if *size != d.size {
                                msgs.push(format!("size {} but the manifest says {size}", d.size));
                            }
                        }
                        if let Some(want) = want {
                            if *want != d.sha256 {
                                msgs.push(format!(
                                    "content changed: sha256 {} but the manifest says {}",
                                    d.sha256, want
                                ));
                            }
                        }
                        if !crc_ok {
                            msgs.push("ZIP CRC-32 does not match the content".into());
                        }
                    }
                }
                (!msgs.is_empty()).then(|| Problem {
                    check: Check::Payload,
                    path: m.path.as_str().to_owned(),
                    message: msgs.join("; "),
                })
            })
            .collect();
        progress.finish();
        payload_problems.sort_by(|a, b| a.path.cmp(&b.path));
        cx.problems.extend(payload_problems);
    }
    drop(listed);
    cx.problems.extend(merkle_problems.problems);

    report.problems = cx.problems;
    finish(&mut report);
    Ok(Verified {
        report,
        statement,
        release_json,
        manifest,
    })
}

fn finish(report: &mut VerifyReport) {
    report.checks = Check::ALL
        .iter()
        .map(|c| {
            let n = report.problems.iter().filter(|p| p.check == *c).count();
            CheckResult {
                check: *c,
                passed: n == 0,
                problems: n,
            }
        })
        .collect();
    report.problems.sort_by_key(|p| p.check);
    report.valid = report.problems.is_empty()
        && report.signers.len() >= report.threshold
        && report.kind.is_some();
}

/// Parses and checks `release.json`.
fn parse_statement(bytes: &[u8], cx: &mut Ctx) -> Option<Statement> {
    let p = bag::RELEASE_PATH;
    if !canonical::is_canonical(bytes) {
        cx.add(Check::Statement, p, "not canonical JSON (RFC 8785)");
    }
    let s: Statement = match serde_json::from_slice(bytes) {
        Ok(s) => s,
        Err(e) => {
            cx.add(Check::Statement, p, format!("not a valid statement: {e}"));
            return None;
        }
    };
    if s.format != RELEASE_FORMAT {
        cx.add(
            Check::Statement,
            p,
            format!("format '{}' is not {RELEASE_FORMAT}", s.format),
        );
    }
    for id in [&s.collection, &s.release] {
        if !release::is_valid_id(id) {
            cx.add(Check::Statement, p, format!("'{id}' is not a valid id"));
        }
    }
    if release::parse_created(&s.created).is_none() {
        cx.add(
            Check::Statement,
            p,
            format!("created '{}' is not YYYY-MM-DDTHH:MM:SSZ", s.created),
        );
    }
    if Sha256Digest::from_hex(&s.merkle_root).is_none() {
        cx.add(
            Check::Statement,
            p,
            "merkle_root is not 64 lowercase hex digits",
        );
    }
    if let Some(prev) = &s.previous {
        if Sha256Digest::from_hex(&prev.sha256).is_none() || !release::is_valid_id(&prev.release) {
            cx.add(Check::Statement, p, "previous is not {release, sha256}");
        }
    }
    for req in REQUIRED_TAG_FILES {
        if !s.tag_files.contains_key(req) {
            cx.add(Check::Statement, p, format!("tag_files does not pin {req}"));
        }
    }
    for (k, v) in &s.tag_files {
        if BagPath::parse(k).map(|b| b.is_payload()).unwrap_or(true)
            || k == bag::RELEASE_PATH
            || k == bag::TAGMANIFEST_PATH
            || k.starts_with(bag::SIGNATURES_DIR)
        {
            cx.add(Check::Statement, p, format!("tag_files may not list '{k}'"));
        }
        if Sha256Digest::from_hex(v).is_none() {
            cx.add(
                Check::Statement,
                p,
                format!("tag_files digest of {k} is not 64 lowercase hex digits"),
            );
        }
    }
    Some(s)
}

/// Parses `manifest.json` the general way (when it cannot be read in place), saying whether it
/// is canonical and why it does not parse.
fn parse_manifest_json(bytes: &[u8], cx: &mut Ctx) -> Option<Manifest> {
    let p = bag::ITEMS_PATH;
    if !canonical::is_canonical(bytes) {
        cx.add(Check::Manifest, p, "not canonical JSON (RFC 8785)");
    }
    match serde_json::from_slice(bytes) {
        Ok(m) => Some(m),
        Err(e) => {
            cx.add(Check::Manifest, p, format!("not a valid manifest: {e}"));
            None
        }
    }
}

/// Checks the item records of `manifest.json` (FORMAT.md §5) and that they belong to the
/// statement's release.
fn check_manifest_view(m: &ManifestView, statement: Option<&Statement>, cx: &mut Ctx) {
    let p = bag::ITEMS_PATH;
    if m.format != MANIFEST_FORMAT {
        cx.add(
            Check::Manifest,
            p,
            format!("format '{}' is not {MANIFEST_FORMAT}", m.format),
        );
    }
    if let Some(s) = statement {
        if m.collection != s.collection || m.release != s.release {
            cx.add(
                Check::Manifest,
                p,
                "collection or release differs from release.json",
            );
        }
    }
    for message in m.change_problems() {
        cx.add(Check::Manifest, p, message);
    }
    // Ids and paths are unique; in sorted order (as pack writes paths) that needs no set.
    let mut ids = Unique::default();
    let mut paths = Unique::default();
    for (i, item) in m.items.iter().enumerate() {
        let at = || format!("{p} item {i}");
        if item.id.is_empty() || item.id.chars().any(char::is_control) {
            cx.add(
                Check::Manifest,
                at(),
                "empty id or id with control characters",
            );
        }
        if !ids.insert(&item.id) {
            cx.add(Check::Manifest, at(), format!("duplicate id '{}'", item.id));
        }
        let published = [
            item.path.is_some(),
            item.sha256.is_some(),
            item.size.is_some(),
            item.has_media_type,
        ];
        if item.withheld {
            if published.iter().any(|x| *x) {
                cx.add(
                    Check::Manifest,
                    at(),
                    "withheld item carries a path, digest, size or media type",
                );
            }
            continue;
        }
        if !published.iter().all(|x| *x) {
            cx.add(
                Check::Manifest,
                at(),
                "published item needs path, sha256, size and media_type",
            );
            continue;
        }
        if let Some(path) = &item.path {
            match BagPath::parse(path) {
                Ok(bp) if bp.is_payload() => {
                    if !paths.insert(path) {
                        cx.add(Check::Manifest, at(), format!("path {path} listed twice"));
                    }
                }
                _ => cx.add(
                    Check::Manifest,
                    at(),
                    format!("path '{path}' is not a valid data/ path"),
                ),
            }
        }
        if !matches!(item.sha256, Some(Some(_))) {
            cx.add(
                Check::Manifest,
                at(),
                "sha256 is not 64 lowercase hex digits",
            );
        }
    }
}

/// Finds repeated strings: in strictly increasing order (the usual case) by comparing with the
/// previous one only; once out of order, with a set of everything seen.
#[derive(Default)]
struct Unique<'a> {
    last: Option<&'a str>,
    seen: Option<HashSet<&'a str>>,
    all: Vec<&'a str>,
}

impl<'a> Unique<'a> {
    /// Whether `s` was not seen before.
    fn insert(&mut self, s: &'a str) -> bool {
        if let Some(seen) = &mut self.seen {
            return seen.insert(s);
        }
        if self.last.is_none_or(|l| l < s) {
            self.last = Some(s);
            self.all.push(s);
            return true;
        }
        let mut seen: HashSet<&str> = std::mem::take(&mut self.all).into_iter().collect();
        let new = seen.insert(s);
        self.seen = Some(seen);
        new
    }
}

/// The payload files the manifests list, sorted by path, their paths in one string.
#[derive(Default)]
struct ExpectedList {
    paths: String,
    entries: Vec<Expected>,
}

/// One payload file that the manifests list: its path is `paths[start..start + len]` (the
/// manifests are at most 1 GiB each, so offsets fit in 32 bits).
struct Expected {
    start: u32,
    len: u32,
    sha256: Option<Sha256Digest>,
    size: Option<u64>,
}

impl ExpectedList {
    fn reserve(&mut self, entries: usize, path_bytes: usize) {
        self.entries.reserve_exact(entries);
        self.paths.reserve_exact(path_bytes);
    }

    fn push(&mut self, path: &str, sha256: Option<Sha256Digest>, size: Option<u64>) {
        let (Ok(start), Ok(len)) = (u32::try_from(self.paths.len()), u32::try_from(path.len()))
        else {
            // Past 4 GiB of paths (more than the manifests can hold): keep the list unchanged
            // rather than wrap, so such a file is reported unlisted, never accepted.
            return;
        };
        self.paths.push_str(path);
        self.entries.push(Expected {
            start,
            len,
            sha256,
            size,
        });
    }

    fn as_slice(&self) -> &[Expected] {
        &self.entries
    }

    fn path(&self, e: &Expected) -> &str {
        let start = e.start as usize;
        &self.paths[start..start + e.len as usize]
    }
}

/// `v` sorted by `key`, one element per key (the last one, as a map filled in order keeps).
/// In strictly increasing order already (the usual case), `v` is returned as it is.
fn sorted_unique<T>(mut v: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    if v.windows(2).all(|w| key(&w[0]) < key(&w[1])) {
        return v;
    }
    v.sort_by(|a, b| key(a).cmp(key(b)));
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        match out.last_mut() {
            Some(last) if key(last) == key(&x) => *last = x,
            _ => out.push(x),
        }
    }
    out
}

/// An element of one sorted list, of the other, or of both.
enum Joined<'l, 'r, L, R> {
    Left(&'l L),
    Right(&'r R),
    Both(&'l L, &'r R),
}

/// Walks two lists sorted by key (each key once) in key order, calling `f` for each key.
fn merge_join<'l, 'r, L, R>(
    left: &'l [L],
    right: &'r [R],
    lkey: impl Fn(&'l L) -> &'l str,
    rkey: impl Fn(&'r R) -> &'r str,
    mut f: impl FnMut(Joined<'l, 'r, L, R>),
) {
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        match lkey(&left[i]).cmp(rkey(&right[j])) {
            std::cmp::Ordering::Less => {
                f(Joined::Left(&left[i]));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                f(Joined::Right(&right[j]));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                f(Joined::Both(&left[i], &right[j]));
                i += 1;
                j += 1;
            }
        }
    }
    left[i..].iter().for_each(|l| f(Joined::Left(l)));
    right[j..].iter().for_each(|r| f(Joined::Right(r)));
}
