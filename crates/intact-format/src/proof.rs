//! Inclusion proofs (FORMAT.md §13): a small, self-contained document that ties one item record
//! to a signed release — the exact `release.json`, its signatures, the item record, and the
//! RFC 9162 audit path from the item's leaf to the statement's `merkle_root`.
//!
//! Building works over an in-memory [`Manifest`], so a proof for a 100,000-item release needs
//! no bundle on disk. Parsing turns untrusted bytes into a validated [`Proof`] or a
//! [`ProofError`]; it never panics.

use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::digest::{hex, Sha256Digest};
use crate::limits::Limits;
use crate::manifest::{Item, Manifest, RedactionStatus};
use crate::merkle;
use crate::release::{self, Statement, MAX_RELEASE_BYTES, RELEASE_FORMAT};

/// Format id of a proof document.
pub const PROOF_FORMAT: &str = "intact-proof/1";
/// Largest proof file a checker reads (FORMAT.md §13; [`Limits`] says why).
pub const MAX_PROOF_BYTES: u64 = Limits::DEFAULT.proof_bytes;
/// Most audit-path hashes a proof may carry (a tree of 2^64 leaves needs 64).
pub const MAX_AUDIT_PATH: usize = Limits::DEFAULT.proof_audit_path;
/// Most signatures a proof may carry.
pub const MAX_SIGNATURES: usize = Limits::DEFAULT.proof_signatures;

/// One signature file of the release, as it is in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofSignature {
    /// Bag-relative name: `intact/signatures/<hex>.sig`.
    pub file: String,
    /// The armored SSHSIG text, byte for byte.
    pub signature: String,
}

/// The proof document as it is written to disk (FORMAT.md §13). Field order is output order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofDocument {
    /// `intact-proof/1`.
    pub proof: String,
    /// Lowercase hex SHA-256 of the bytes of `release_json` (the bundle id).
    pub bundle_id: String,
    /// The exact bytes of `intact/release.json`, as a JSON string (it is canonical UTF-8 JSON).
    pub release_json: String,
    /// Every signature file of the bundle.
    pub signatures: Vec<ProofSignature>,
    /// The item record, exactly as in `manifest.json`; its canonical JSON is the Merkle leaf.
    pub item: Item,
    /// Zero-based position of the item in `manifest.json`.
    pub leaf_index: u64,
    /// Number of leaves: the statement's `item_count`.
    pub tree_size: u64,
    /// RFC 9162 §2.1.3.1 audit path, bottom up, each 64 lowercase hex digits.
    pub audit_path: Vec<String>,
}

impl ProofDocument {
    /// The document as pretty-printed JSON with a final newline, as `intact cite` writes it.
    pub fn to_json(&self) -> String {
        // Strings, integers and derived structs always serialize.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// A proof that parsed and whose parts are well formed. Whether it *holds* (inclusion,
/// signatures, the file) is decided by [`Proof::verify_inclusion`] and by `cite::check_proof`.
#[derive(Debug, Clone)]
pub struct Proof {
    pub release_json: Vec<u8>,
    pub statement: Statement,
    pub bundle_id: String,
    pub signatures: Vec<ProofSignature>,
    pub item: Item,
    pub leaf_index: u64,
    pub tree_size: u64,
    pub audit_path: Vec<merkle::Hash>,
}

/// Why a proof document is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The file is larger than [`MAX_PROOF_BYTES`].
    #[error("proof is larger than {MAX_PROOF_BYTES} bytes")]
    TooLarge,
    /// Not JSON, truncated, or not the shape of an intact proof (unknown or missing fields).
    #[error("not a readable intact proof: {0}")]
    Malformed(String),
    /// Another format id.
    #[error("proof format '{0}' is not {PROOF_FORMAT}")]
    Format(String),
    /// `release_json` is not canonical JSON (so it cannot be the signed bytes).
    #[error("release_json is not canonical JSON (RFC 8785), so it is not the signed statement")]
    NotCanonical,
    /// `release_json` is not a well-formed statement.
    #[error("release_json is not a valid statement: {0}")]
    Statement(String),
    /// `bundle_id` is not the SHA-256 of `release_json`.
    #[error("bundle_id {stated} is not the SHA-256 of release_json ({actual})")]
    BundleId { stated: String, actual: String },
    /// Too many signatures.
    #[error("proof carries {0} signatures; at most {MAX_SIGNATURES}")]
    TooManySignatures(usize),
    /// An audit-path entry is not a hash.
    #[error("audit_path entry {0} is not 64 lowercase hex digits")]
    AuditHash(usize),
    /// Too long an audit path.
    #[error("audit_path has {0} hashes; at most {MAX_AUDIT_PATH}")]
    AuditLength(usize),
    /// `leaf_index` out of range.
    #[error("leaf_index {index} is not below tree_size {size}")]
    Index { index: u64, size: u64 },
    /// `tree_size` disagrees with the statement.
    #[error("tree_size {tree_size} differs from the statement's item_count {item_count}")]
    TreeSize { tree_size: u64, item_count: u64 },
    /// The item is withheld or incomplete: there is no content to compare.
    #[error("item record: {0}")]
    Item(String),
    /// Building: the index is not an item of the manifest.
    #[error("no item at index {index} (the manifest has {count})")]
    NoSuchItem { index: usize, count: usize },
    /// Building: the manifest is not the one the statement signs.
    #[error("the manifest's Merkle root {actual} is not the statement's merkle_root {stated}")]
    RootMismatch { stated: String, actual: String },
}

/// Makes proof documents for items of one release: hashes the manifest's leaves once and checks
/// them against the statement, then builds a proof per item cheaply.
pub struct ProofBuilder<'a> {
    manifest: &'a Manifest,
    release_json: &'a [u8],
    signatures: Vec<ProofSignature>,
    leaves: Vec<merkle::Hash>,
}

impl<'a> ProofBuilder<'a> {
    /// `release_json` is the statement's exact bytes; `signatures` the bundle's signature files
    /// as `(bag path, armored bytes)`. Refuses a manifest the statement does not sign.
    pub fn new(
        manifest: &'a Manifest,
        release_json: &'a [u8],
        signatures: &[(String, Vec<u8>)],
    ) -> Result<ProofBuilder<'a>, ProofError> {
        let statement = parse_statement(release_json)?;
        let leaves: Vec<merkle::Hash> = manifest.items.iter().map(Item::leaf_hash).collect();
        let root = hex(&merkle::root(&leaves));
        if root != statement.merkle_root {
            return Err(ProofError::RootMismatch {
                stated: statement.merkle_root,
                actual: root,
            });
        }
        if statement.item_count != leaves.len() as u64 {
            return Err(ProofError::TreeSize {
                tree_size: leaves.len() as u64,
                item_count: statement.item_count,
            });
        }
        let mut sigs = Vec::new();
        for (file, bytes) in signatures {
            let signature = String::from_utf8(bytes.clone())
                .map_err(|_| ProofError::Malformed(format!("{file} is not text")))?;
            sigs.push(ProofSignature {
                file: file.clone(),
                signature,
            });
        }
        Ok(ProofBuilder {
            manifest,
            release_json,
            signatures: sigs,
            leaves,
        })
    }

    /// The proof document for item `index` (manifest order).
    pub fn proof(&self, index: usize) -> Result<ProofDocument, ProofError> {
        let count = self.leaves.len();
        let item = self
            .manifest
            .items
            .get(index)
            .ok_or(ProofError::NoSuchItem { index, count })?;
        let path = merkle::inclusion_proof(index, &self.leaves)
            .ok_or(ProofError::NoSuchItem { index, count })?;
        Ok(ProofDocument {
            proof: PROOF_FORMAT.into(),
            bundle_id: Sha256Digest::of(self.release_json).to_hex(),
            // ProofBuilder::new checked that the bytes are canonical JSON, hence UTF-8.
            release_json: String::from_utf8_lossy(self.release_json).into_owned(),
            signatures: self.signatures.clone(),
            item: item.clone(),
            leaf_index: index as u64,
            tree_size: count as u64,
            audit_path: path.iter().map(|h| hex(h.as_slice())).collect(),
        })
    }
}

/// Builds the proof document for item `index` of `manifest` (see [`ProofBuilder`]).
pub fn build(
    manifest: &Manifest,
    release_json: &[u8],
    signatures: &[(String, Vec<u8>)],
    index: usize,
) -> Result<ProofDocument, ProofError> {
    ProofBuilder::new(manifest, release_json, signatures)?.proof(index)
}

/// Checks that `bytes` are a canonical, well-formed `intact-release/1` statement.
fn parse_statement(bytes: &[u8]) -> Result<Statement, ProofError> {
    if bytes.len() as u64 > MAX_RELEASE_BYTES {
        return Err(ProofError::Statement(format!(
            "larger than {MAX_RELEASE_BYTES} bytes"
        )));
    }
    if !canonical::is_canonical(bytes) {
        return Err(ProofError::NotCanonical);
    }
    let s: Statement =
        serde_json::from_slice(bytes).map_err(|e| ProofError::Statement(e.to_string()))?;
    if s.format != RELEASE_FORMAT {
        return Err(ProofError::Statement(format!(
            "format '{}' is not {RELEASE_FORMAT}",
            s.format
        )));
    }
    if !release::is_valid_id(&s.collection) || !release::is_valid_id(&s.release) {
        return Err(ProofError::Statement(
            "collection or release is not a valid id".into(),
        ));
    }
    if release::parse_created(&s.created).is_none() {
        return Err(ProofError::Statement(format!(
            "created '{}' is not YYYY-MM-DDTHH:MM:SSZ",
            s.created
        )));
    }
    if Sha256Digest::from_hex(&s.merkle_root).is_none() {
        return Err(ProofError::Statement(
            "merkle_root is not 64 lowercase hex digits".into(),
        ));
    }
    Ok(s)
}

/// Parses and validates a proof document (any JSON layout; UTF-8).
pub fn parse(bytes: &[u8]) -> Result<Proof, ProofError> {
    if bytes.len() as u64 > MAX_PROOF_BYTES {
        return Err(ProofError::TooLarge);
    }
    // Read the format id first, so another format is named as such rather than as a shape error.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ProofError::Malformed(e.to_string()))?;
    match value.get("proof") {
        Some(serde_json::Value::String(f)) if f == PROOF_FORMAT => {}
        Some(serde_json::Value::String(f)) => return Err(ProofError::Format(f.clone())),
        _ => {
            return Err(ProofError::Malformed(
                "no \"proof\": \"intact-proof/1\" field".into(),
            ))
        }
    }
    let doc: ProofDocument =
        serde_json::from_slice(bytes).map_err(|e| ProofError::Malformed(e.to_string()))?;
    let release_json = doc.release_json.into_bytes();
    let statement = parse_statement(&release_json)?;
    let actual = Sha256Digest::of(&release_json).to_hex();
    if doc.bundle_id != actual {
        return Err(ProofError::BundleId {
            stated: doc.bundle_id,
            actual,
        });
    }
    if doc.signatures.len() > MAX_SIGNATURES {
        return Err(ProofError::TooManySignatures(doc.signatures.len()));
    }
    if doc.audit_path.len() > MAX_AUDIT_PATH {
        return Err(ProofError::AuditLength(doc.audit_path.len()));
    }
    let mut audit_path = Vec::with_capacity(doc.audit_path.len());
    for (i, h) in doc.audit_path.iter().enumerate() {
        audit_path.push(Sha256Digest::from_hex(h).ok_or(ProofError::AuditHash(i))?.0);
    }
    if doc.leaf_index >= doc.tree_size {
        return Err(ProofError::Index {
            index: doc.leaf_index,
            size: doc.tree_size,
        });
    }
    if doc.tree_size != statement.item_count {
        return Err(ProofError::TreeSize {
            tree_size: doc.tree_size,
            item_count: statement.item_count,
        });
    }
    check_item(&doc.item)?;
    Ok(Proof {
        release_json,
        statement,
        bundle_id: actual,
        signatures: doc.signatures,
        item: doc.item,
        leaf_index: doc.leaf_index,
        tree_size: doc.tree_size,
        audit_path,
    })
}

/// A proof is about published content: the record must carry a path, digest and size.
fn check_item(item: &Item) -> Result<(), ProofError> {
    if item
        .redaction
        .as_ref()
        .is_some_and(|r| r.status == RedactionStatus::Withheld)
    {
        return Err(ProofError::Item(format!(
            "item '{}' is withheld: there is no published content to check",
            item.id
        )));
    }
    match (&item.path, &item.sha256, item.size, &item.media_type) {
        (Some(_), Some(d), Some(_), Some(_)) if Sha256Digest::from_hex(d).is_some() => Ok(()),
        _ => Err(ProofError::Item(format!(
            "item '{}' lacks a path, a valid sha256, a size or a media type",
            item.id
        ))),
    }
}

impl Proof {
    /// Whether the audit path leads from the item record's leaf to the statement's root.
    pub fn verify_inclusion(&self) -> bool {
        let Some(root) = Sha256Digest::from_hex(&self.statement.merkle_root) else {
            return false;
        };
        merkle::verify_inclusion(
            self.leaf_index,
            self.tree_size,
            &self.item.leaf_hash(),
            &self.audit_path,
            &root.0,
        )
    }

    /// The item's content digest (checked well formed by [`parse`]).
    pub fn item_sha256(&self) -> Option<Sha256Digest> {
        self.item.sha256.as_deref().and_then(Sha256Digest::from_hex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Description, Redaction, MANIFEST_FORMAT};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item {
                id: format!("doc-{i:06}"),
                path: Some(format!("data/vol-{}/doc-{i:06}.pdf", i / 1000)),
                sha256: Some(Sha256Digest::of(format!("content {i}").as_bytes()).to_hex()),
                size: Some(1000 + i as u64),
                media_type: Some("application/pdf".into()),
                metadata: Some(Box::new(Description {
                    case_no: Some("2019-114".into()),
                    title: Some(format!("Synthetic document {i}")),
                    ..Default::default()
                })),
                redaction: (i % 3 == 0).then(|| {
                    Box::new(Redaction {
                        status: RedactionStatus::Partial,
                        categories: vec!["witness-address".into()],
                        legal_basis: None,
                        regions: Some(2),
                        reason: None,
                        commitment: None,
                    })
                }),
            })
            .collect()
    }

    fn manifest(n: usize) -> Manifest {
        Manifest {
            format: MANIFEST_FORMAT.into(),
            collection: "synthetic".into(),
            release: "r1".into(),
            items: items(n),
            changes: Vec::new(),
            exceptions: Vec::new(),
        }
    }

    fn statement_for(m: &Manifest) -> Vec<u8> {
        let mut tag_files = BTreeMap::new();
        for p in crate::release::REQUIRED_TAG_FILES {
            tag_files.insert(p.to_string(), "0".repeat(64));
        }
        let s = Statement {
            format: RELEASE_FORMAT.into(),
            collection: m.collection.clone(),
            release: m.release.clone(),
            created: "2026-01-15T09:00:00Z".into(),
            previous: None,
            item_count: m.items.len() as u64,
            payload_bytes: m.payload_bytes(),
            merkle_root: hex(&m.merkle_root()),
            tag_files,
            gate: None,
        };
        canonical::to_canonical(&s).unwrap()
    }

    /// Independent root: pair nodes level by level, promoting an odd last node.
    fn root_by_levels(items: &[Item]) -> merkle::Hash {
        use sha2::{Digest as _, Sha256};
        let mut level: Vec<merkle::Hash> = items
            .iter()
            .map(|i| {
                let bytes = serde_jcs::to_vec(i).unwrap();
                Sha256::new()
                    .chain_update([0u8])
                    .chain_update(&bytes)
                    .finalize()
                    .into()
            })
            .collect();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|c| match c {
                    [a, b] => Sha256::new()
                        .chain_update([1u8])
                        .chain_update(a)
                        .chain_update(b)
                        .finalize()
                        .into(),
                    [a] => *a,
                    _ => unreachable!(),
                })
                .collect();
        }
        level[0]
    }

    #[test]
    fn every_position_of_trees_1_to_70_round_trips_through_the_document() {
        for n in 1..=70 {
            let m = manifest(n);
            let rj = statement_for(&m);
            let root = root_by_levels(&m.items);
            let builder = ProofBuilder::new(&m, &rj, &[]).unwrap();
            for i in 0..n {
                let doc = builder.proof(i).unwrap();
                let p = parse(doc.to_json().as_bytes()).unwrap();
                assert_eq!(p.statement.merkle_root, hex(&root), "size {n}");
                assert!(p.verify_inclusion(), "size {n} index {i}");
                assert_eq!(p.item, m.items[i]);
                assert_eq!(p.release_json, rj);
                // Another position with the same path, or another item at this position, fails.
                if n > 1 {
                    let mut other = doc.clone();
                    other.leaf_index = ((i + 1) % n) as u64;
                    assert!(!parse(other.to_json().as_bytes())
                        .unwrap()
                        .verify_inclusion());
                    let mut swapped = doc.clone();
                    swapped.item = m.items[(i + 1) % n].clone();
                    assert!(!parse(swapped.to_json().as_bytes())
                        .unwrap()
                        .verify_inclusion());
                }
            }
        }
    }

    #[test]
    fn proof_for_100k_items_is_under_8_kb() {
        // The proof's size depends on the statement, the signatures, the one cited record and
        // log2(n); the other records only need to be distinct leaves (kept small so the test is
        // quick in debug builds). The cited records carry every metadata field, filled.
        let cited = [0, 54_321, 99_999];
        let mut m = manifest(0);
        m.items = (0..100_000)
            .map(|i| Item {
                id: format!("doc-{i:06}"),
                path: Some(format!("data/doc-{i:06}.pdf")),
                sha256: Some(hex(&merkle::leaf_hash(&(i as u64).to_le_bytes()))),
                size: Some(i as u64),
                media_type: Some("application/pdf".into()),
                metadata: None,
                redaction: None,
            })
            .collect();
        let long = "x".repeat(200);
        for &i in &cited {
            m.items[i].metadata = Some(Box::new(Description {
                case_no: Some(long.clone()),
                volume: Some(long.clone()),
                pages: Some(long.clone()),
                doc_type: Some(long.clone()),
                title: Some(long.clone()),
                date: Some(long.clone()),
                language: Some(long.clone()),
                description: Some(long.clone()),
                source: Some(long.clone()),
                custody: Some(long.clone()),
                digitization: Some(long.clone()),
                rights: Some(long.clone()),
            }));
            m.items[i].redaction = Some(Box::new(Redaction {
                status: RedactionStatus::Partial,
                categories: vec!["witness-address".into(), "helper-identity".into()],
                legal_basis: Some(long.clone()),
                regions: Some(3),
                reason: None,
                commitment: Some("c".repeat(64)),
            }));
        }
        let rj = statement_for(&m);
        let key = ssh_key::PrivateKey::random(&mut rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .unwrap();
        let sig = crate::sign::SigningKey::from_private("test.key".into(), key)
            .sign_release(&rj)
            .unwrap()
            .into_bytes();
        let sigs = vec![("intact/signatures/x.sig".to_string(), sig)];
        let builder = ProofBuilder::new(&m, &rj, &sigs).unwrap();
        for i in cited {
            let doc = builder.proof(i).unwrap();
            let text = doc.to_json();
            assert!(text.len() < 8 * 1024, "{} bytes", text.len());
            assert!(doc.audit_path.len() <= 17);
            assert!(parse(text.as_bytes()).unwrap().verify_inclusion());
        }
    }

    #[test]
    fn build_refuses_a_manifest_the_statement_does_not_sign() {
        let m = manifest(5);
        let rj = statement_for(&manifest(6));
        assert!(matches!(
            build(&m, &rj, &[], 0),
            Err(ProofError::RootMismatch { .. })
        ));
        assert!(matches!(
            build(&m, &statement_for(&m), &[], 5),
            Err(ProofError::NoSuchItem { index: 5, count: 5 })
        ));
    }

    #[test]
    fn bad_documents_name_the_reason() {
        let m = manifest(5);
        let rj = statement_for(&m);
        let doc = build(&m, &rj, &[], 2).unwrap();
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v = serde_json::to_value(&doc).unwrap();
            f(&mut v);
            parse(serde_json::to_string(&v).unwrap().as_bytes())
        };
        assert!(matches!(parse(b"not json"), Err(ProofError::Malformed(_))));
        let text = doc.to_json();
        assert!(matches!(
            parse(&text.as_bytes()[..text.len() / 2]),
            Err(ProofError::Malformed(_))
        ));
        assert!(matches!(
            edit(&|v| v["proof"] = "intact-proof/9".into()),
            Err(ProofError::Format(_))
        ));
        assert!(matches!(
            edit(&|v| v["extra"] = 1.into()),
            Err(ProofError::Malformed(_))
        ));
        assert!(matches!(
            edit(&|v| v["item"]["extra"] = 1.into()),
            Err(ProofError::Malformed(_))
        ));
        assert!(matches!(
            edit(&|v| v["audit_path"][0] = "zz".into()),
            Err(ProofError::AuditHash(0))
        ));
        assert!(matches!(
            edit(&|v| v["leaf_index"] = 5.into()),
            Err(ProofError::Index { .. })
        ));
        assert!(matches!(
            edit(&|v| v["tree_size"] = 6.into()),
            Err(ProofError::TreeSize { .. })
        ));
        assert!(matches!(
            edit(&|v| v["bundle_id"] = "0".repeat(64).into()),
            Err(ProofError::BundleId { .. })
        ));
        assert!(matches!(
            edit(&|v| {
                let s = v["release_json"]
                    .as_str()
                    .unwrap()
                    .replace("\"format\"", " \"format\"");
                v["release_json"] = s.into();
            }),
            Err(ProofError::NotCanonical)
        ));
        let withheld = edit(&|v| {
            let item = v["item"].as_object_mut().unwrap();
            for k in ["path", "sha256", "size", "media_type"] {
                item.remove(k);
            }
            item.insert(
                "redaction".into(),
                serde_json::json!({"status": "withheld"}),
            );
        });
        assert!(matches!(withheld, Err(ProofError::Item(_))));
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics_on_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn parser_never_panics_on_edited_json(
            field in proptest::sample::select(vec![
                "proof", "bundle_id", "release_json", "signatures", "item",
                "leaf_index", "tree_size", "audit_path",
            ]),
            value in proptest::prop_oneof![
                proptest::strategy::Just(serde_json::Value::Null),
                proptest::num::i64::ANY.prop_map(serde_json::Value::from),
                proptest::num::u64::ANY.prop_map(serde_json::Value::from),
                "\\PC{0,80}".prop_map(serde_json::Value::from),
                proptest::collection::vec("[0-9a-f]{0,70}", 0..80)
                    .prop_map(serde_json::Value::from),
            ],
        ) {
            let m = manifest(7);
            let rj = statement_for(&m);
            let doc = build(&m, &rj, &[], 3).unwrap();
            let mut v = serde_json::to_value(&doc).unwrap();
            v[field] = value;
            if let Ok(p) = parse(serde_json::to_string(&v).unwrap().as_bytes()) {
                let _ = p.verify_inclusion();
            }
        }
    }
}
