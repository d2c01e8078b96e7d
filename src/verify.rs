//! `intact verify`: every rule of FORMAT.md §9 over a bundle ZIP or a mirrored directory. Every
//! problem found is reported with its path; the verdict is derived from the report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::bag;
use crate::bagpath::BagPath;
use crate::bundle::{Bundle, Kind, Member, OpenError};
use crate::canonical;
use crate::digest::{hex, Sha256Digest};
use crate::manifest::{Manifest, RedactionStatus, MANIFEST_FORMAT};
use crate::progress::{Progress, Silent};
use crate::release::{self, Statement, MAX_RELEASE_BYTES, RELEASE_FORMAT, REQUIRED_TAG_FILES};
use crate::trust::{self, Revocations, SignatureCheck, SignatureStatus, TrustPolicy};

/// Largest `manifest.json` a verifier reads into memory.
pub const MAX_MANIFEST_BYTES: u64 = 1 << 30;
/// Largest tag file other than `manifest.json` (signatures, manifests of 10 M lines).
pub const MAX_TAG_BYTES: u64 = 1 << 30;

/// The checks of FORMAT.md §9, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Container,
    Names,
    Bag,
    Statement,
    Signatures,
    TagFiles,
    TagManifest,
    Manifest,
    Payload,
    Merkle,
}

impl Check {
    pub const ALL: [Check; 10] = [
        Check::Container,
        Check::Names,
        Check::Bag,
        Check::Statement,
        Check::Signatures,
        Check::TagFiles,
        Check::TagManifest,
        Check::Manifest,
        Check::Payload,
        Check::Merkle,
    ];

    /// The stable name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Check::Container => "container",
            Check::Names => "names",
            Check::Bag => "bag",
            Check::Statement => "statement",
            Check::Signatures => "signatures",
            Check::TagFiles => "tag-files",
            Check::TagManifest => "tag-manifest",
            Check::Manifest => "manifest",
            Check::Payload => "payload",
            Check::Merkle => "merkle",
        }
    }
}

/// One thing wrong with the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub check: Check,
    /// Bag-relative path (or ZIP entry name for container problems); empty for the whole file.
    pub path: String,
    pub message: String,
}

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
    verify_full(path, opts).map(|v| v.report)
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
    for p in &bundle.problems {
        let check = if p.check == "names" {
            Check::Names
        } else {
            Check::Container
        };
        cx.add(check, p.path.clone(), p.message.clone());
    }

    // Tag files: every member outside data/, read whole (they are small) and hashed once.
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for m in bundle.members.values().filter(|m| !m.path.is_payload()) {
        let limit = if m.path.as_str() == bag::RELEASE_PATH {
            MAX_RELEASE_BYTES
        } else if m.path.as_str() == bag::ITEMS_PATH {
            MAX_MANIFEST_BYTES
        } else {
            MAX_TAG_BYTES
        };
        match bundle.read(m, limit) {
            Ok(b) => {
                tags.insert(m.path.as_str().to_owned(), b);
            }
            Err(e) => cx.add(
                Check::Container,
                m.path.as_str(),
                format!("cannot read: {e}"),
            ),
        }
    }
    let tag_digest = |p: &str| tags.get(p).map(|b| Sha256Digest::of(b));

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
    if let Some(bytes) = &release_json {
        report.bundle_id = Some(Sha256Digest::of(bytes).to_hex());
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

    // Digests the statement pins.
    if let Some(s) = &statement {
        for (path, want) in &s.tag_files {
            match tag_digest(path) {
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
    let data_members: Vec<&Member> = bundle.members_under("data/").collect();
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

    // Tag manifest: every tag file but itself, each digest right.
    match tags
        .get(bag::TAGMANIFEST_PATH)
        .map(|b| std::str::from_utf8(b))
    {
        None => cx.add(Check::TagManifest, bag::TAGMANIFEST_PATH, "missing"),
        Some(Err(_)) => cx.add(Check::TagManifest, bag::TAGMANIFEST_PATH, "not UTF-8"),
        Some(Ok(text)) => {
            let (entries, line_problems) = bag::parse_manifest(text);
            for lp in line_problems {
                cx.add(
                    Check::TagManifest,
                    format!("{}:{}", bag::TAGMANIFEST_PATH, lp.line),
                    lp.message,
                );
            }
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
                match tag_digest(p.as_str()) {
                    None => cx.add(
                        Check::TagManifest,
                        p.as_str(),
                        "listed in the tag manifest but missing",
                    ),
                    Some(d) if d != *want => cx.add(
                        Check::TagManifest,
                        p.as_str(),
                        "sha256 does not match the tag manifest",
                    ),
                    Some(_) => {}
                }
            }
            for name in tags.keys() {
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
    for name in tags.keys() {
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

    // Item records.
    let manifest = match tags.get(bag::ITEMS_PATH) {
        None => {
            cx.add(Check::Manifest, bag::ITEMS_PATH, "missing");
            None
        }
        Some(bytes) => parse_manifest_json(bytes, statement.as_ref(), &mut cx),
    };
    let payload_manifest: Option<Vec<(BagPath, Sha256Digest)>> =
        match tags.get(bag::MANIFEST_PATH).map(|b| std::str::from_utf8(b)) {
            None => {
                cx.add(Check::Manifest, bag::MANIFEST_PATH, "missing");
                None
            }
            Some(Err(_)) => {
                cx.add(Check::Manifest, bag::MANIFEST_PATH, "not UTF-8");
                None
            }
            Some(Ok(text)) => {
                let (entries, line_problems) = bag::parse_manifest(text);
                for lp in line_problems {
                    cx.add(
                        Check::Manifest,
                        format!("{}:{}", bag::MANIFEST_PATH, lp.line),
                        lp.message,
                    );
                }
                for (p, _) in &entries {
                    if !p.is_payload() {
                        cx.add(
                            Check::Manifest,
                            p.as_str(),
                            "payload manifest lists a file outside data/",
                        );
                    }
                }
                Some(entries)
            }
        };

    // Expected payload: path → (sha256, size) from manifest.json; cross-checked with the BagIt
    // manifest.
    let mut expected: BTreeMap<&str, (Option<Sha256Digest>, Option<u64>)> = BTreeMap::new();
    if let Some(m) = &manifest {
        for item in &m.items {
            if let Some(p) = &item.path {
                expected.insert(
                    p.as_str(),
                    (
                        item.sha256.as_deref().and_then(Sha256Digest::from_hex),
                        item.size,
                    ),
                );
            }
        }
    }
    if let Some(entries) = &payload_manifest {
        let from_txt: BTreeMap<&str, &Sha256Digest> =
            entries.iter().map(|(p, d)| (p.as_str(), d)).collect();
        if manifest.is_some() {
            for (p, d) in &from_txt {
                match expected.get(*p) {
                    None => cx.add(
                        Check::Manifest,
                        *p,
                        "in manifest-sha256.txt but not in manifest.json",
                    ),
                    Some((Some(e), _)) if e != *d => cx.add(
                        Check::Manifest,
                        *p,
                        "manifest-sha256.txt and manifest.json give different digests",
                    ),
                    _ => {}
                }
            }
            for p in expected.keys() {
                if !from_txt.contains_key(p) {
                    cx.add(
                        Check::Manifest,
                        *p,
                        "in manifest.json but not in manifest-sha256.txt",
                    );
                }
            }
        } else {
            for (p, d) in &from_txt {
                expected.insert(p, (Some(**d), None));
            }
        }
    }

    // Payload: each listed file present, right size and digest; nothing unlisted.
    let present: BTreeSet<&str> = data_members.iter().map(|m| m.path.as_str()).collect();
    for p in expected.keys() {
        if !present.contains(p) {
            cx.add(
                Check::Payload,
                *p,
                "missing: listed in the manifest but not in the bundle",
            );
        }
    }
    for m in &data_members {
        if !expected.contains_key(m.path.as_str()) {
            cx.add(
                Check::Payload,
                m.path.as_str(),
                "not listed in the manifest (added or renamed file)",
            );
        }
    }
    if !opts.skip_payload {
        let listed: Vec<&Member> = data_members
            .iter()
            .copied()
            .filter(|m| expected.contains_key(m.path.as_str()))
            .collect();
        progress.start(
            listed.len() as u64,
            listed.iter().map(|m| m.size).sum::<u64>(),
        );
        let mut payload_problems: Vec<Problem> = listed
            .par_iter()
            .filter_map(|m| {
                let (want, want_size) = expected.get(m.path.as_str())?;
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

    // Counts and the Merkle root the statement signs.
    if let (Some(s), Some(m)) = (&statement, &manifest) {
        if s.item_count != m.items.len() as u64 {
            cx.add(
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
            cx.add(
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
            cx.add(
                Check::Merkle,
                bag::ITEMS_PATH,
                format!(
                    "Merkle root {root} does not match release.json ({})",
                    s.merkle_root
                ),
            );
        }
    }

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

/// Parses and checks `manifest.json` against the statement.
fn parse_manifest_json(
    bytes: &[u8],
    statement: Option<&Statement>,
    cx: &mut Ctx,
) -> Option<Manifest> {
    let p = bag::ITEMS_PATH;
    if !canonical::is_canonical(bytes) {
        cx.add(Check::Manifest, p, "not canonical JSON (RFC 8785)");
    }
    let m: Manifest = match serde_json::from_slice(bytes) {
        Ok(m) => m,
        Err(e) => {
            cx.add(Check::Manifest, p, format!("not a valid manifest: {e}"));
            return None;
        }
    };
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
    let mut ids = BTreeSet::new();
    let mut paths = BTreeSet::new();
    for (i, item) in m.items.iter().enumerate() {
        let at = format!("{p} item {i}");
        if item.id.is_empty() || item.id.chars().any(char::is_control) {
            cx.add(
                Check::Manifest,
                at.clone(),
                "empty id or id with control characters",
            );
        }
        if !ids.insert(item.id.as_str()) {
            cx.add(
                Check::Manifest,
                at.clone(),
                format!("duplicate id '{}'", item.id),
            );
        }
        let withheld = item
            .redaction
            .as_ref()
            .is_some_and(|r| r.status == RedactionStatus::Withheld);
        let published = [
            item.path.is_some(),
            item.sha256.is_some(),
            item.size.is_some(),
            item.media_type.is_some(),
        ];
        if withheld {
            if published.iter().any(|x| *x) {
                cx.add(
                    Check::Manifest,
                    at.clone(),
                    "withheld item carries a path, digest, size or media type",
                );
            }
            continue;
        }
        if !published.iter().all(|x| *x) {
            cx.add(
                Check::Manifest,
                at.clone(),
                "published item needs path, sha256, size and media_type",
            );
            continue;
        }
        if let Some(path) = &item.path {
            match BagPath::parse(path) {
                Ok(bp) if bp.is_payload() => {
                    if !paths.insert(path.as_str()) {
                        cx.add(
                            Check::Manifest,
                            at.clone(),
                            format!("path {path} listed twice"),
                        );
                    }
                }
                _ => cx.add(
                    Check::Manifest,
                    at.clone(),
                    format!("path '{path}' is not a valid data/ path"),
                ),
            }
        }
        if item
            .sha256
            .as_deref()
            .and_then(Sha256Digest::from_hex)
            .is_none()
        {
            cx.add(
                Check::Manifest,
                at.clone(),
                "sha256 is not 64 lowercase hex digits",
            );
        }
    }
    Some(m)
}
