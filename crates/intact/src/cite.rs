//! `intact cite` (docs/CITING.md): cite one item of a bundle with a small inclusion proof, which
//! `intact check` ([`crate::check`], re-exported here) later checks a file against.
//!
//! Every command returns a typed report (`--json` prints it; the fields are documented in
//! docs/CITING.md and are only ever added to).

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bag;
use crate::bundle::Bundle;
use crate::fs::{Mode, PathError, WriteError};
use crate::manifest::Item;
use crate::proof;
use crate::release::{Statement, MAX_RELEASE_BYTES};
use crate::sign;
use crate::trust::{AllowedSigner, SignatureStatus, TrustPolicy};
use crate::verify::{self, VerifyError, VerifyOptions, VerifyReport};

pub use crate::check::{
    check_bundle, check_log, check_proof, discover_log, Appearance, ChangedBy, CheckError,
    CheckMode, CheckProblem, CheckReport, CheckStep, ItemStatus, ReleaseInfo, ReleaseSource,
    CHECK_REPORT,
};

/// Format id of the citation report (`intact cite --json`).
pub const CITE_REPORT: &str = "intact-cite/1";

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
    #[error("{path}: output exists (it is replaced only when forced)")]
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

impl From<PathError> for CiteError {
    fn from(e: PathError) -> CiteError {
        CiteError::Io {
            path: e.path,
            source: e.source,
        }
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
        if let Ok(sig) = crate::sshsig::read_exact(bytes) {
            signers.push(AllowedSigner {
                line: 0,
                principals: vec![sign::fingerprint_of_blob(&sig.key_blob)],
                cert_authority: false,
                namespaces: None,
                valid_after: None,
                valid_before: None,
                key_type: sig.key_type,
                key_blob: sig.key_blob,
                kind: sig.kind,
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
    if let Some(d) = &md.date {
        loc.push(format!("dated {d}"));
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
    let bundle = Bundle::open(bundle_path).map_err(|e| opened(bundle_path, e))?;
    cite_bundle(bundle_path, &bundle, selector, opts)
}

/// [`cite`] of the bundle at `url`, read by ranges: the tag files and the cited member only.
pub fn cite_url(
    remote: &crate::net::remote::Remote,
    url: &str,
    selector: &Selector,
    opts: &CiteOptions,
) -> Result<Citation, CiteError> {
    let path = Path::new(url);
    let source = remote
        .open(url)
        .map_err(|e| CiteError::Verify(crate::net::remote::io_error(url, e)))?;
    let bundle = Bundle::open_zip_checked(path, source, &crate::limits::Limits::DEFAULT)
        .map_err(|e| opened(path, e))?;
    cite_bundle(path, &bundle, selector, opts)
}

/// A bundle that could not be opened: an I/O error, or not valid.
fn opened(bundle_path: &Path, e: crate::bundle::OpenError) -> CiteError {
    match e {
        crate::bundle::OpenError::Io { path, source } => CiteError::Io { path, source },
        other => CiteError::NotValid {
            bundle: bundle_path.to_owned(),
            report: Box::new(not_a_bundle_report(bundle_path, other.to_string())),
        },
    }
}

/// [`cite`] over an opened bundle.
fn cite_bundle(
    bundle_path: &Path,
    bundle: &Bundle,
    selector: &Selector,
    opts: &CiteOptions,
) -> Result<Citation, CiteError> {
    let sigs = signature_files(bundle);
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
    let v = verify::verify_bundle(
        bundle,
        &vopts,
        &crate::limits::Limits::DEFAULT,
        &crate::progress::Silent,
        true,
    )?;
    let (Some(statement), Some(release_json), Some(manifest), true) =
        (v.statement, v.release_json, v.manifest, v.report.valid)
    else {
        return Err(CiteError::NotValid {
            bundle: bundle_path.to_owned(),
            report: Box::new(v.report),
        });
    };
    let found = match selector {
        // as given (`data/…`), else relative to the payload, as `--metadata` accepts it: a path
        // that names an item exactly as given wins
        Selector::Path(p) => {
            let at = |q: &str| {
                manifest
                    .items
                    .iter()
                    .position(|i| i.path.as_deref() == Some(q))
            };
            at(p).or_else(|| at(&format!("data/{p}")))
        }
        Selector::Id(id) => manifest.items.iter().position(|i| &i.id == id),
    };
    let Some(index) = found else {
        return Err(CiteError::NotFound {
            bundle: bundle_path.to_owned(),
            what: match selector {
                Selector::Path(p) if !p.starts_with("data/") => {
                    format!("path '{p}' (nor 'data/{p}')")
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
    check_member(bundle, bundle_path, path, want, item.size)?;

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
    write_proof(&out, opts.force, text.as_bytes())?;

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
    let hashed = bundle.hash(m);
    if let Some(source) = bundle.source_failure() {
        return Err(CiteError::Io {
            path: bundle_path.to_owned(),
            source,
        });
    }
    let (d, crc_ok) = match hashed {
        Ok(found) => found,
        // A read error of a bundle's own file is the I/O error it always was; a remote member
        // that fails its local header check is a finding.
        Err(e) if e.kind() == io::ErrorKind::InvalidData => return Err(changed(e.to_string())),
        Err(e) => return Err(PathError::new(&bundle_path.join(path), e).into()),
    };
    if d.sha256.to_hex() != want || size != Some(d.size) || !crc_ok {
        return Err(changed(format!(
            "content changed: sha256 {} ({} bytes) but the manifest says {want}",
            d.sha256, d.size
        )));
    }
    Ok(())
}

/// Writes the proof, replacing an existing file only with `force`. A proof is a public
/// document: readable like any file the user writes.
fn write_proof(out: &Path, force: bool, bytes: &[u8]) -> Result<(), CiteError> {
    if !force && out.symlink_metadata().is_ok() {
        return Err(CiteError::OutExists {
            path: out.to_owned(),
        });
    }
    crate::fs::write_atomically(out, bytes, Mode::Public, force).map_err(|e| match e {
        WriteError::Exists { path } => CiteError::OutExists { path },
        WriteError::Io(e) => e.into(),
    })
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
            "metadata": {"title": "Testimony 4", "case_no": "2019-114", "volume": "2", "pages": "33-41", "date": "1989-11-02"}
        }))
        .unwrap();
        let t = citation_text(&s, "b1d", &item);
        assert!(t.starts_with("\"Testimony 4\". case 2019-114, vol. 2, pp. 33-41, dated 1989-11-02. c, release r1"), "{t}");
        assert!(t.ends_with("intact bundle b1d."));
    }
}
