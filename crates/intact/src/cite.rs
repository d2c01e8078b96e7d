//! `intact cite` and `intact check` (docs/CITING.md): cite one item of a bundle with a small
//! inclusion proof, and later check a file against that proof, a bundle, or a log of releases.
//!
//! Every command returns a typed report (`--json` prints it; the fields are documented in
//! docs/CITING.md and are only ever added to).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ssh_key::PublicKey;

use crate::bag;
use crate::bundle::Bundle;
use crate::digest::{self, StreamDigest};
use crate::manifest::{Item, Manifest, RedactionStatus};
use crate::proof::{self, Proof, MAX_PROOF_BYTES};
use crate::release::{self, Previous, Statement, MAX_RELEASE_BYTES};
use crate::sign;
use crate::trust::{self, AllowedSigner, SignatureCheck, SignatureStatus, TrustPolicy};
use crate::verify::{self, Verified, VerifyError, VerifyOptions, VerifyReport};

/// Format id of the citation report (`intact cite --json`).
pub const CITE_REPORT: &str = "intact-cite/1";
/// Format id of the check report (`intact check --json`).
pub const CHECK_REPORT: &str = "intact-check/1";

/// Which item to cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Its bag path as the bundle lists it (`data/…`).
    Path(String),
    /// Its item id.
    Id(String),
}

/// How to cite.
pub struct CiteOptions {
    /// Check signatures against this policy; without one, every signature must still verify
    /// cryptographically, but no key is trusted (the citation says so).
    pub trust: Option<VerifyOptions>,
    /// Where to write the proof (default: `<sanitized id>.intact-proof.json` in the current
    /// directory).
    pub out: Option<PathBuf>,
    /// Replace an existing proof file.
    pub force: bool,
}

/// One signer of a cited release.
#[derive(Debug, Clone, Serialize)]
pub struct Signer {
    /// Principal from the trust policy; `null` when cited without `--trust`.
    pub principal: Option<String>,
    /// `SHA256:…` fingerprint of the key.
    pub fingerprint: String,
    /// Whether the key counted under the trust policy (always false without `--trust`).
    pub trusted: bool,
}

/// What `intact cite` made (`--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    /// `intact-cite/1`.
    pub citation: &'static str,
    pub bundle: PathBuf,
    pub collection: String,
    pub release: String,
    pub created: String,
    pub bundle_id: String,
    /// The item record, exactly as in `manifest.json`.
    pub item: Item,
    pub leaf_index: u64,
    pub tree_size: u64,
    /// Whether signatures were checked against a trust policy (`--trust`).
    pub trust_checked: bool,
    pub signers: Vec<Signer>,
    pub proof_file: PathBuf,
    pub proof_bytes: u64,
    /// The citation in one line of text.
    pub text: String,
}

/// Why `intact cite` made no proof.
#[derive(Debug, thiserror::Error)]
pub enum CiteError {
    /// A file could not be read or written (exit 2).
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    /// The bundle could not be checked at all (exit 2).
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// The proof file exists and `--force` was not given (exit 2).
    #[error("{path}: output exists (use --force to replace it)")]
    OutExists { path: PathBuf },
    /// The bundle is not valid (exit 1); the report lists every problem.
    #[error("{bundle}: not valid ({count} problem(s)); a proof from it would prove nothing", count = report.problems.len().max(1))]
    NotValid {
        bundle: PathBuf,
        report: Box<VerifyReport>,
    },
    /// No signature file that parses: nothing to cite (exit 1).
    #[error("{bundle}: unsigned: no readable signature in intact/signatures/")]
    Unsigned { bundle: PathBuf },
    /// No such item (exit 1).
    #[error("{bundle}: no item with {what}")]
    NotFound { bundle: PathBuf, what: String },
    /// The item is withheld: it has no published content to cite (exit 1).
    #[error("{bundle}: item '{id}' is withheld: there is no published content to cite")]
    Withheld { bundle: PathBuf, id: String },
    /// The bundle's copy of the item is not what the manifest signs (exit 1).
    #[error("{bundle}: {path}: {detail}")]
    Changed {
        bundle: PathBuf,
        path: String,
        detail: String,
    },
    /// The proof could not be built (exit 1).
    #[error("{bundle}: {source}")]
    Proof {
        bundle: PathBuf,
        source: proof::ProofError,
    },
}

impl CiteError {
    /// Whether this is a finding about the bundle (exit 1) rather than a usage or I/O error.
    pub fn is_finding(&self) -> bool {
        !matches!(
            self,
            CiteError::Io { .. } | CiteError::Verify(_) | CiteError::OutExists { .. }
        )
    }
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> CiteError + '_ {
    move |source| CiteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A file name for a proof of item `id`: every byte outside `A–Z a–z 0–9 . _ -` becomes `_`,
/// at most 100 characters, never starting with a dot.
pub fn proof_file_name(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, '_');
    }
    s + ".intact-proof.json"
}

/// Reads every signature file of a bundle: `(bag path, bytes)`, sorted by name.
fn signature_files(bundle: &Bundle) -> Vec<(String, Vec<u8>)> {
    bundle
        .members_under(bag::SIGNATURES_DIR)
        .filter_map(|m| {
            bundle
                .read(m, MAX_RELEASE_BYTES)
                .ok()
                .map(|b| (m.path.as_str().to_owned(), b))
        })
        .collect()
}

/// A policy that trusts exactly the keys that signed, each under its fingerprint: used to check
/// a bundle's signatures cryptographically when no trust policy is given.
fn self_policy(bundle: &Path, sigs: &[(String, Vec<u8>)]) -> Option<TrustPolicy> {
    let mut signers = Vec::new();
    for (_, bytes) in sigs {
        if let Ok(sig) = sign::parse_signature(bytes) {
            let key = sig.public_key().clone();
            signers.push(AllowedSigner {
                line: 0,
                principals: vec![sign::fingerprint(&key)],
                cert_authority: false,
                namespaces: None,
                valid_after: None,
                valid_before: None,
                key: PublicKey::new(key, ""),
            });
        }
    }
    (!signers.is_empty()).then(|| TrustPolicy {
        path: bundle.join("intact/signatures (keys of the bundle itself)"),
        signers,
    })
}

/// The one-line citation text.
pub fn citation_text(s: &Statement, bundle_id: &str, item: &Item) -> String {
    let md = item.metadata.clone().unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(t) = &md.title {
        parts.push(format!("\"{t}\""));
    }
    let mut loc = Vec::new();
    if let Some(c) = &md.case_no {
        loc.push(format!("case {c}"));
    }
    if let Some(v) = &md.volume {
        loc.push(format!("vol. {v}"));
    }
    if let Some(p) = &md.pages {
        loc.push(format!("pp. {p}"));
    }
    if !loc.is_empty() {
        parts.push(loc.join(", "));
    }
    parts.push(format!(
        "{}, release {} ({}), item {}",
        s.collection, s.release, s.created, item.id
    ));
    if let Some(p) = &item.path {
        parts.push(p.clone());
    }
    if let Some(d) = &item.sha256 {
        parts.push(format!("sha256 {d}"));
    }
    parts.push(format!("intact bundle {bundle_id}"));
    parts.join(". ") + "."
}

/// `intact cite`: checks the bundle (statement, signatures, tag files, manifests — and the cited
/// item's own bytes), then writes an inclusion proof for the item.
pub fn cite(
    bundle_path: &Path,
    selector: &Selector,
    opts: &CiteOptions,
) -> Result<Citation, CiteError> {
    let bundle = Bundle::open(bundle_path).map_err(|e| match e {
        crate::bundle::OpenError::Io { path, source } => CiteError::Io { path, source },
        other => CiteError::NotValid {
            bundle: bundle_path.to_owned(),
            report: Box::new(not_a_bundle_report(bundle_path, other.to_string())),
        },
    })?;
    let sigs = signature_files(&bundle);
    let owned;
    let vopts = match &opts.trust {
        Some(t) => VerifyOptions {
            policy: t.policy.clone(),
            revocations: t.revocations.clone(),
            threshold: t.threshold,
            at: t.at,
            skip_payload: true,
            skip_threshold: false,
        },
        None => {
            owned = self_policy(bundle_path, &sigs).ok_or_else(|| CiteError::Unsigned {
                bundle: bundle_path.to_owned(),
            })?;
            VerifyOptions {
                policy: owned,
                revocations: Default::default(),
                threshold: 1,
                at: None,
                skip_payload: true,
                skip_threshold: false,
            }
        }
    };
    let v = verify::verify_full(bundle_path, &vopts)?;
    let (Some(statement), Some(release_json), Some(manifest), true) =
        (v.statement, v.release_json, v.manifest, v.report.valid)
    else {
        return Err(CiteError::NotValid {
            bundle: bundle_path.to_owned(),
            report: Box::new(v.report),
        });
    };
    let found = match selector {
        Selector::Path(p) => manifest
            .items
            .iter()
            .position(|i| i.path.as_deref() == Some(p.as_str())),
        Selector::Id(id) => manifest.items.iter().position(|i| &i.id == id),
    };
    let Some(index) = found else {
        return Err(CiteError::NotFound {
            bundle: bundle_path.to_owned(),
            what: match selector {
                Selector::Path(p) if !p.starts_with("data/") => {
                    format!("path '{p}' (paths as the bundle lists them start with data/)")
                }
                Selector::Path(p) => format!("path '{p}'"),
                Selector::Id(id) => format!("id '{id}'"),
            },
        });
    };
    let item = &manifest.items[index];
    let (Some(path), Some(want)) = (&item.path, &item.sha256) else {
        return Err(CiteError::Withheld {
            bundle: bundle_path.to_owned(),
            id: item.id.clone(),
        });
    };
    // The payload was not hashed above; the cited item's own bytes are.
    check_member(&bundle, bundle_path, path, want, item.size)?;

    let doc = proof::build(&manifest, &release_json, &sigs, index).map_err(|source| {
        CiteError::Proof {
            bundle: bundle_path.to_owned(),
            source,
        }
    })?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(proof_file_name(&item.id)));
    let text = doc.to_json();
    write_atomically(&out, opts.force, text.as_bytes())?;

    let signers = v
        .report
        .signatures
        .iter()
        .filter_map(|c| {
            let fingerprint = c.fingerprint.clone()?;
            let valid = c.status == SignatureStatus::Valid;
            Some(Signer {
                principal: if opts.trust.is_some() {
                    c.principal.clone()
                } else {
                    None
                },
                fingerprint,
                trusted: valid && opts.trust.is_some(),
            })
        })
        .collect();
    let bundle_id = doc.bundle_id.clone();
    Ok(Citation {
        citation: CITE_REPORT,
        bundle: bundle_path.to_owned(),
        text: citation_text(&statement, &bundle_id, item),
        collection: statement.collection,
        release: statement.release,
        created: statement.created,
        bundle_id,
        item: item.clone(),
        leaf_index: doc.leaf_index,
        tree_size: doc.tree_size,
        trust_checked: opts.trust.is_some(),
        signers,
        proof_file: out,
        proof_bytes: text.len() as u64,
    })
}

fn not_a_bundle_report(path: &Path, message: String) -> VerifyReport {
    let mut r = VerifyReport::empty(path, 1);
    r.problems.push(verify::Problem {
        check: verify::Check::Container,
        path: String::new(),
        message,
    });
    r
}

/// Hashes one payload member and compares it with its item record.
fn check_member(
    bundle: &Bundle,
    bundle_path: &Path,
    path: &str,
    want: &str,
    size: Option<u64>,
) -> Result<(), CiteError> {
    let changed = |detail: String| CiteError::Changed {
        bundle: bundle_path.to_owned(),
        path: path.to_owned(),
        detail,
    };
    let m = bundle
        .get(path)
        .ok_or_else(|| changed("missing from the bundle".into()))?;
    let (d, crc_ok) = bundle.hash(m).map_err(|source| CiteError::Io {
        path: bundle_path.join(path),
        source,
    })?;
    if d.sha256.to_hex() != want || size != Some(d.size) || !crc_ok {
        return Err(changed(format!(
            "content changed: sha256 {} ({} bytes) but the manifest says {want}",
            d.sha256, d.size
        )));
    }
    Ok(())
}

fn write_atomically(out: &Path, force: bool, bytes: &[u8]) -> Result<(), CiteError> {
    if !force && out.symlink_metadata().is_ok() {
        return Err(CiteError::OutExists {
            path: out.to_owned(),
        });
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".intact-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(io_at(dir))?;
    tmp.write_all(bytes).map_err(io_at(out))?;
    // A proof is a public document: readable like any file the user writes (tempfile makes 0600).
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))
        .map_err(io_at(out))?;
    tmp.as_file().sync_all().map_err(io_at(out))?;
    let res = if force {
        tmp.persist(out)
    } else {
        tmp.persist_noclobber(out)
    };
    res.map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            CiteError::OutExists {
                path: out.to_owned(),
            }
        } else {
            CiteError::Io {
                path: out.to_owned(),
                source: e.error,
            }
        }
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// check

/// What the file was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckMode {
    Proof,
    Bundle,
    Log,
}

/// The step of a check a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStep {
    /// The proof document could not be read as an `intact-proof/1` (truncated, not JSON…).
    Proof,
    /// The file's digest or size is not the item's.
    File,
    /// The audit path does not lead to the statement's `merkle_root`.
    Inclusion,
    /// A signature is broken, or too few trusted principals signed.
    Signatures,
    /// A bundle failed verification.
    Bundle,
    /// No item has this content.
    Lookup,
}

/// One reason the check failed.
#[derive(Debug, Clone, Serialize)]
pub struct CheckProblem {
    pub check: CheckStep,
    /// The proof, bundle or log entry the problem is about.
    pub source: PathBuf,
    pub message: String,
}

/// A release that was consulted.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseInfo {
    pub source: PathBuf,
    /// Statement, signatures and manifests are valid (and, for a proof, the inclusion).
    pub valid: bool,
    pub bundle_id: Option<String>,
    pub collection: Option<String>,
    pub release: Option<String>,
    pub created: Option<String>,
    pub previous: Option<Previous>,
    /// Distinct trusted principals with a valid signature.
    pub signers: Vec<String>,
    pub signatures: Vec<SignatureCheck>,
}

/// How an item changed in a later release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The same id has other content (`sha256`).
    Changed,
    /// The same id is withheld.
    Withheld,
    /// No item has this id any more.
    Removed,
}

/// The first later release in which an item no longer has the file's content.
#[derive(Debug, Clone, Serialize)]
pub struct Supersession {
    pub source: PathBuf,
    pub release: String,
    pub created: String,
    pub bundle_id: String,
    pub change: Change,
    /// The item's digest in that release (`changed` only).
    pub sha256: Option<String>,
}

/// One item, in one release, that has the file's content (or, in `same_name`, its file name).
#[derive(Debug, Clone, Serialize)]
pub struct Appearance {
    pub source: PathBuf,
    pub collection: String,
    pub release: String,
    pub created: String,
    pub bundle_id: String,
    pub signers: Vec<String>,
    /// The item record, exactly as in `manifest.json`.
    pub item: Item,
    pub leaf_index: u64,
    /// Log mode: the first later release where this item id has other content, or none.
    pub superseded_by: Option<Supersession>,
}

/// The result of `intact check` (`--json` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// `intact-check/1`.
    pub report: &'static str,
    pub mode: CheckMode,
    pub file: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The file is what a valid release signed by enough trusted principals published.
    pub valid: bool,
    /// Items with the file's content, in valid releases (oldest release first).
    pub found: Vec<Appearance>,
    /// When nothing was found: items with the file's name (basename) but other content.
    pub same_name: Vec<Appearance>,
    /// Every release consulted.
    pub releases: Vec<ReleaseInfo>,
    /// Why the check failed (empty when valid).
    pub problems: Vec<CheckProblem>,
    /// Log mode: entries of the log that could not be used (not valid, unreadable); they do not
    /// change the verdict.
    pub skipped: Vec<CheckProblem>,
}

/// `intact check` could not be done at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Verify(#[from] VerifyError),
}

fn check_io(path: &Path) -> impl FnOnce(io::Error) -> CheckError + '_ {
    move |source| CheckError::Io {
        path: path.to_owned(),
        source,
    }
}

fn hash_file(path: &Path) -> Result<StreamDigest, CheckError> {
    let f = File::open(path).map_err(check_io(path))?;
    if f.metadata().map_err(check_io(path))?.is_dir() {
        return Err(CheckError::Io {
            path: path.to_owned(),
            source: io::Error::other("is a directory, not a file"),
        });
    }
    digest::hash_stream(f).map_err(check_io(path))
}

fn check_threshold(opts: &VerifyOptions) -> Result<(), CheckError> {
    let available = opts.policy.release_principals().len();
    if opts.threshold == 0 || opts.threshold > available {
        return Err(VerifyError::Threshold {
            threshold: opts.threshold,
            available,
            policy: opts.policy.path.clone(),
        }
        .into());
    }
    Ok(())
}

fn new_report(mode: CheckMode, file: &Path, d: &StreamDigest) -> CheckReport {
    CheckReport {
        report: CHECK_REPORT,
        mode,
        file: file.to_owned(),
        sha256: d.sha256.to_hex(),
        size: d.size,
        valid: false,
        found: Vec::new(),
        same_name: Vec::new(),
        releases: Vec::new(),
        problems: Vec::new(),
        skipped: Vec::new(),
    }
}

/// `intact check FILE --proof PROOF`: offline, from the proof alone.
pub fn check_proof(
    file: &Path,
    proof_path: &Path,
    opts: &VerifyOptions,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Proof, file, &d);
    let bytes = read_limited(proof_path, MAX_PROOF_BYTES)?;
    let problem = |check, message: String| CheckProblem {
        check,
        source: proof_path.to_owned(),
        message,
    };
    let p: Proof = match bytes
        .as_deref()
        .map_err(Clone::clone)
        .and_then(proof::parse)
    {
        Ok(p) => p,
        Err(e) => {
            r.problems.push(problem(CheckStep::Proof, e.to_string()));
            return Ok(r);
        }
    };
    let want = p.item_sha256();
    if want != Some(d.sha256) || p.item.size != Some(d.size) {
        r.problems.push(problem(
            CheckStep::File,
            format!(
                "this file (sha256 {}, {} bytes) is not the item the proof is about ('{}': sha256 {}, {} bytes)",
                d.sha256,
                d.size,
                p.item.id,
                p.item.sha256.as_deref().unwrap_or("?"),
                p.item.size.map(|s| s.to_string()).unwrap_or_else(|| "?".into())
            ),
        ));
    }
    if !p.verify_inclusion() {
        r.problems.push(problem(
            CheckStep::Inclusion,
            format!(
                "the audit path does not lead from item '{}' (leaf {} of {}) to the statement's merkle_root: the item record, leaf index or audit path was altered, or the statement is another release's",
                p.item.id, p.leaf_index, p.tree_size
            ),
        ));
    }
    let at = opts
        .at
        .or_else(|| release::parse_created(&p.statement.created));
    let mut signatures = Vec::new();
    if let Some(at) = at {
        for s in &p.signatures {
            let c = trust::check_signature(
                &s.file,
                s.signature.as_bytes(),
                &p.release_json,
                &opts.policy,
                &opts.revocations,
                at,
            );
            if matches!(
                c.status,
                SignatureStatus::Malformed
                    | SignatureStatus::Invalid
                    | SignatureStatus::WrongNamespace
            ) {
                r.problems.push(problem(
                    CheckStep::Signatures,
                    format!("{}: {}", s.file, c.detail),
                ));
            }
            signatures.push(c);
        }
    }
    let signers = trust::valid_principals(&signatures);
    if signers.len() < opts.threshold {
        let why: Vec<String> = signatures
            .iter()
            .filter(|c| c.status != SignatureStatus::Valid)
            .map(|c| c.detail.clone())
            .collect();
        r.problems.push(problem(
            CheckStep::Signatures,
            format!(
                "{} valid signature(s) by trusted principals; {} required{}",
                signers.len(),
                opts.threshold,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join("; "))
                }
            ),
        ));
    }
    r.valid = r.problems.is_empty();
    let s = &p.statement;
    r.releases.push(ReleaseInfo {
        source: proof_path.to_owned(),
        valid: r.valid,
        bundle_id: Some(p.bundle_id.clone()),
        collection: Some(s.collection.clone()),
        release: Some(s.release.clone()),
        created: Some(s.created.clone()),
        previous: s.previous.clone(),
        signers: signers.clone(),
        signatures,
    });
    if r.valid {
        r.found.push(Appearance {
            source: proof_path.to_owned(),
            collection: s.collection.clone(),
            release: s.release.clone(),
            created: s.created.clone(),
            bundle_id: p.bundle_id.clone(),
            signers,
            item: p.item.clone(),
            leaf_index: p.leaf_index,
            superseded_by: None,
        });
    }
    Ok(r)
}

/// Reads a file of at most `limit` bytes: `Ok(Err(_))` when it is larger (a finding, not I/O).
fn read_limited(path: &Path, limit: u64) -> Result<Result<Vec<u8>, proof::ProofError>, CheckError> {
    use std::io::Read;
    let f = File::open(path).map_err(check_io(path))?;
    let mut buf = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(check_io(path))?;
    Ok(if buf.len() as u64 > limit {
        Err(proof::ProofError::TooLarge)
    } else {
        Ok(buf)
    })
}

/// A release of a log (or a single bundle) that verified.
struct Release {
    source: PathBuf,
    statement: Statement,
    bundle_id: String,
    manifest: Manifest,
    signers: Vec<String>,
}

fn release_info(source: &Path, v: &VerifyReport) -> ReleaseInfo {
    ReleaseInfo {
        source: source.to_owned(),
        valid: v.valid,
        bundle_id: v.bundle_id.clone(),
        collection: v.collection.clone(),
        release: v.release.clone(),
        created: v.created.clone(),
        previous: v.previous.clone(),
        signers: v.signers.clone(),
        signatures: v.signatures.clone(),
    }
}

fn bundle_problems(source: &Path, v: &VerifyReport) -> Vec<CheckProblem> {
    let mut out: Vec<CheckProblem> = v
        .problems
        .iter()
        .map(|p| CheckProblem {
            check: CheckStep::Bundle,
            source: source.to_owned(),
            message: if p.path.is_empty() {
                format!("{}: {}", p.check.name(), p.message)
            } else {
                format!("{}: {}: {}", p.path, p.check.name(), p.message)
            },
        })
        .collect();
    if out.is_empty() {
        out.push(CheckProblem {
            check: CheckStep::Bundle,
            source: source.to_owned(),
            message: "not valid".into(),
        });
    }
    out
}

/// Turns a verification into a usable release, or `None` when it is not valid.
fn into_release(source: &Path, v: Verified) -> Option<Release> {
    match (v.statement, v.release_json, v.manifest, v.report.valid) {
        (Some(statement), Some(_), Some(manifest), true) => Some(Release {
            source: source.to_owned(),
            statement,
            bundle_id: v.report.bundle_id.clone().unwrap_or_default(),
            manifest,
            signers: v.report.signers.clone(),
        }),
        _ => None,
    }
}

fn appearance(rel: &Release, index: usize) -> Appearance {
    Appearance {
        source: rel.source.clone(),
        collection: rel.statement.collection.clone(),
        release: rel.statement.release.clone(),
        created: rel.statement.created.clone(),
        bundle_id: rel.bundle_id.clone(),
        signers: rel.signers.clone(),
        item: rel.manifest.items[index].clone(),
        leaf_index: index as u64,
        superseded_by: None,
    }
}

fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Items of `rel` with the file's content, and (separately) with its name but other content.
fn lookup(rel: &Release, d: &StreamDigest, name: &str) -> (Vec<Appearance>, Vec<Appearance>) {
    let want = d.sha256.to_hex();
    let mut found = Vec::new();
    let mut same_name = Vec::new();
    for (i, item) in rel.manifest.items.iter().enumerate() {
        if item.sha256.as_deref() == Some(want.as_str()) && item.size == Some(d.size) {
            found.push(appearance(rel, i));
        } else if item.path.as_deref().map(basename) == Some(name) {
            same_name.push(appearance(rel, i));
        }
    }
    (found, same_name)
}

fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn not_found(r: &mut CheckReport, source: &Path, what: &str) {
    let mut msg = format!("no item of {what} has this content (sha256 {})", r.sha256);
    if !r.same_name.is_empty() {
        let names: Vec<String> = r
            .same_name
            .iter()
            .map(|a| {
                format!(
                    "{} in release {} (sha256 {})",
                    a.item.path.as_deref().unwrap_or(&a.item.id),
                    a.release,
                    a.item.sha256.as_deref().unwrap_or("?")
                )
            })
            .collect();
        msg.push_str(&format!(
            "; an item with the same file name has different content: {}",
            names.join(", ")
        ));
    }
    r.problems.push(CheckProblem {
        check: CheckStep::Lookup,
        source: source.to_owned(),
        message: msg,
    });
}

fn skip_payload(opts: &VerifyOptions) -> VerifyOptions {
    VerifyOptions {
        policy: opts.policy.clone(),
        revocations: opts.revocations.clone(),
        threshold: opts.threshold,
        at: opts.at,
        skip_payload: true,
        skip_threshold: false,
    }
}

/// `intact check FILE --bundle BUNDLE`: checks the bundle's statement, signatures and manifests
/// (not its payload bytes), then looks the file's digest up among its items.
pub fn check_bundle(
    file: &Path,
    bundle: &Path,
    opts: &VerifyOptions,
) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Bundle, file, &d);
    let v = verify::verify_full(bundle, &skip_payload(opts))?;
    r.releases.push(release_info(bundle, &v.report));
    if !v.report.valid {
        r.problems = bundle_problems(bundle, &v.report);
        return Ok(r);
    }
    let Some(rel) = into_release(bundle, v) else {
        return Ok(r);
    };
    let (found, same_name) = lookup(&rel, &d, &file_name(file));
    r.found = found;
    if r.found.is_empty() {
        r.same_name = same_name;
        not_found(
            &mut r,
            bundle,
            &format!("release {}", rel.statement.release),
        );
    }
    r.valid = !r.found.is_empty();
    Ok(r)
}

/// One release source of a log directory. A later layout (statements stored beside their
/// manifests) becomes another variant with its own `load`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEntry {
    /// A bundle ZIP, or an extracted bundle directory.
    Bundle(PathBuf),
    /// An entry of a release log directory (`NNNNNN/` with release.json, manifest.json and
    /// signatures; docs/RELEASES.md).
    Logged(PathBuf),
}

impl LogEntry {
    pub fn path(&self) -> &Path {
        match self {
            LogEntry::Bundle(p) | LogEntry::Logged(p) => p,
        }
    }

    fn load(&self, opts: &VerifyOptions) -> Result<Verified, VerifyError> {
        match self {
            LogEntry::Bundle(p) => verify::verify_full(p, opts),
            LogEntry::Logged(p) => crate::log::verify_entry(p, opts).map_err(|e| match e {
                crate::log::LogError::Verify(v) => v,
                other => VerifyError::Io {
                    path: p.clone(),
                    source: std::io::Error::other(other.to_string()),
                },
            }),
        }
    }
}

/// The release sources of `dir`: the entries of a release log (`000001/`, …), or else every
/// `*.zip` file directly in `dir` and every directory that is an extracted bundle (holds
/// `intact/release.json`, itself or in its one subdirectory), sorted by name.
pub fn discover_log(dir: &Path) -> Result<Vec<LogEntry>, CheckError> {
    let mut out = Vec::new();
    if crate::log::is_log_dir(dir) {
        for e in std::fs::read_dir(dir).map_err(check_io(dir))? {
            let p = e.map_err(check_io(dir))?.path();
            if p.is_dir()
                && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.len() == crate::log::SEQ_WIDTH && n.bytes().all(|b| b.is_ascii_digit())
                })
            {
                out.push(LogEntry::Logged(p));
            }
        }
        out.sort_by(|a, b| a.path().cmp(b.path()));
        return Ok(out);
    }
    for e in std::fs::read_dir(dir).map_err(check_io(dir))? {
        let e = e.map_err(check_io(dir))?;
        let p = e.path();
        let ft = e.file_type().map_err(check_io(&p))?;
        let name = e.file_name().to_string_lossy().to_ascii_lowercase();
        let is_zip = ft.is_file() && name.ends_with(".zip");
        if is_zip || (ft.is_dir() && is_bundle_dir(&p)) {
            out.push(LogEntry::Bundle(p));
        }
    }
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(out)
}

fn is_bundle_dir(p: &Path) -> bool {
    if p.join(bag::RELEASE_PATH).is_file() {
        return true;
    }
    let Ok(rd) = std::fs::read_dir(p) else {
        return false;
    };
    let subs: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    subs.len() == 1 && subs[0].join(bag::RELEASE_PATH).is_file()
}

/// Whether following `previous` links from `from` reaches the release with bundle id `to`.
fn chain_reaches(from: &Release, to: &str, by_id: &HashMap<&str, &Release>) -> bool {
    let mut cur = from;
    for _ in 0..by_id.len() {
        let Some(prev) = &cur.statement.previous else {
            return false;
        };
        if prev.sha256 == to {
            return true;
        }
        match by_id.get(prev.sha256.as_str()) {
            Some(next) => cur = next,
            None => return false,
        }
    }
    false
}

/// Whether `a` comes after `b`: by `previous` links when they connect them, else by `created`.
fn is_later(a: &Release, b: &Release, by_id: &HashMap<&str, &Release>) -> bool {
    if chain_reaches(a, &b.bundle_id, by_id) {
        return true;
    }
    if chain_reaches(b, &a.bundle_id, by_id) {
        return false;
    }
    a.statement.created > b.statement.created
}

/// `intact check FILE --log DIR`: looks the file's digest up in every valid release of a log.
pub fn check_log(file: &Path, dir: &Path, opts: &VerifyOptions) -> Result<CheckReport, CheckError> {
    check_threshold(opts)?;
    let d = hash_file(file)?;
    let mut r = new_report(CheckMode::Log, file, &d);
    let entries = discover_log(dir)?;
    let vopts = skip_payload(opts);
    let mut releases: Vec<Release> = Vec::new();
    for entry in &entries {
        let src = entry.path();
        let v = match entry.load(&vopts) {
            Ok(v) => v,
            Err(e) => {
                r.skipped.push(CheckProblem {
                    check: CheckStep::Bundle,
                    source: src.to_owned(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        r.releases.push(release_info(src, &v.report));
        if !v.report.valid {
            r.skipped.extend(bundle_problems(src, &v.report));
            continue;
        }
        if let Some(rel) = into_release(src, v) {
            if !releases.iter().any(|o| o.bundle_id == rel.bundle_id) {
                releases.push(rel);
            }
        }
    }
    releases.sort_by(|a, b| {
        (a.statement.created.as_str(), &a.source).cmp(&(b.statement.created.as_str(), &b.source))
    });
    let by_id: HashMap<&str, &Release> =
        releases.iter().map(|r| (r.bundle_id.as_str(), r)).collect();
    let name = file_name(file);
    let mut same_name = Vec::new();
    for rel in &releases {
        let (found, names) = lookup(rel, &d, &name);
        for mut a in found {
            a.superseded_by = superseded(rel, &a.item, &releases, &by_id);
            r.found.push(a);
        }
        same_name.extend(names);
    }
    if r.found.is_empty() {
        r.same_name = same_name;
        let what = format!(
            "the {} valid release(s) in {}",
            releases.len(),
            dir.display()
        );
        not_found(&mut r, dir, &what);
    }
    r.valid = !r.found.is_empty();
    Ok(r)
}

/// The first release after `rel` (same collection) where `item`'s id no longer has its content.
fn superseded(
    rel: &Release,
    item: &Item,
    releases: &[Release],
    by_id: &HashMap<&str, &Release>,
) -> Option<Supersession> {
    let mut later: Vec<&Release> = releases
        .iter()
        .filter(|o| {
            o.bundle_id != rel.bundle_id
                && o.statement.collection == rel.statement.collection
                && is_later(o, rel, by_id)
        })
        .collect();
    later.sort_by(|a, b| {
        if is_later(b, a, by_id) {
            std::cmp::Ordering::Less
        } else if is_later(a, b, by_id) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    let ids: Vec<BTreeMap<&str, &Item>> = later
        .iter()
        .map(|o| {
            o.manifest
                .items
                .iter()
                .map(|i| (i.id.as_str(), i))
                .collect()
        })
        .collect();
    for (o, ids) in later.iter().zip(&ids) {
        let (change, sha256) = match ids.get(item.id.as_str()) {
            None => (Change::Removed, None),
            Some(i)
                if i.redaction
                    .as_ref()
                    .is_some_and(|r| r.status == RedactionStatus::Withheld) =>
            {
                (Change::Withheld, None)
            }
            Some(i) if i.sha256 != item.sha256 => (Change::Changed, i.sha256.clone()),
            Some(_) => continue,
        };
        return Some(Supersession {
            source: o.source.clone(),
            release: o.statement.release.clone(),
            created: o.statement.created.clone(),
            bundle_id: o.bundle_id.clone(),
            change,
            sha256,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_file_names_are_safe() {
        assert_eq!(
            proof_file_name("testimonies/testimony-001.txt"),
            "testimonies_testimony-001.txt.intact-proof.json"
        );
        assert_eq!(proof_file_name(".hidden"), "_.hidden.intact-proof.json");
        assert_eq!(proof_file_name("../x"), "_.._x.intact-proof.json");
        assert_eq!(proof_file_name(""), "_.intact-proof.json");
        assert_eq!(proof_file_name("показание"), "_________.intact-proof.json");
        assert!(proof_file_name(&"a".repeat(500)).len() < 130);
    }

    #[test]
    fn citation_text_uses_metadata_when_present() {
        let s: Statement = serde_json::from_value(serde_json::json!({
            "format": "intact-release/1", "collection": "c", "release": "r1",
            "created": "2026-01-15T09:00:00Z", "previous": null, "item_count": 1,
            "payload_bytes": 1, "merkle_root": "0".repeat(64), "tag_files": {}
        }))
        .unwrap();
        let item: Item = serde_json::from_value(serde_json::json!({
            "id": "T-4", "path": "data/t4.txt", "sha256": "a".repeat(64), "size": 1,
            "media_type": "text/plain",
            "metadata": {"title": "Testimony 4", "case_no": "2019-114", "volume": "2", "pages": "33-41"}
        }))
        .unwrap();
        let t = citation_text(&s, "b1d", &item);
        assert!(t.starts_with("\"Testimony 4\". case 2019-114, vol. 2, pp. 33-41. c, release r1"));
        assert!(t.ends_with("intact bundle b1d."));
    }
}
