//! `intact/manifest.json` (FORMAT.md §5): the item records of a release, in canonical JSON.

use serde::{Deserialize, Serialize};

use crate::canonical;
use crate::digest::Sha256Digest;
use crate::merkle;
use rayon::prelude::*;

/// Format id of `manifest.json`.
pub const MANIFEST_FORMAT: &str = "intact-manifest/1";

/// Provenance and description of one item (all optional; FORMAT.md §5.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights: Option<String>,
}

/// Redaction status of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactionStatus {
    None,
    Partial,
    Withheld,
}

/// What was withheld from an item, and why (FORMAT.md §5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    pub status: RedactionStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<u64>,
    /// For a withheld item: why it is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Salted commitment to the unredacted original (hex SHA-256), never an unsalted digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
}

/// One item record. A published item has `path`, `sha256`, `size` and `media_type`; a withheld
/// item has none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Box<Description>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Box<Redaction>>,
}

impl Item {
    /// The canonical JSON bytes of this record: a Merkle leaf.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Serializing plain strings, integers and options cannot fail.
        canonical::to_canonical(self).unwrap_or_default()
    }

    /// RFC 9162 leaf hash of this record.
    pub fn leaf_hash(&self) -> merkle::Hash {
        merkle::leaf_hash(&self.canonical_bytes())
    }
}

/// What a change record does to an item published by an earlier release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeAction {
    /// Replaced by an item of this release (`by`).
    Superseded,
    /// Withdrawn: no longer part of the archive's current state (its record stays in the log).
    Withdrawn,
}

/// A signed change record (FORMAT.md §5.4): the only way a release replaces or withdraws an
/// item that an earlier release published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Identifier of the earlier item.
    pub id: String,
    /// Release that published it.
    pub release: String,
    /// Its sha256 (absent for a withheld item, which has no payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub action: ChangeAction,
    /// For `superseded`: the id of the item of this release that replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why, e.g. `re-redacted`, `duplicate`, `court order`.
    pub reason: String,
}

/// The whole `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub collection: String,
    pub release: String,
    pub items: Vec<Item>,
    /// Change records for items of earlier releases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Leak-gate findings that a reviewed exception let through (FORMAT.md §5.5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<GateException>,
}

/// A leak-gate finding waived by a reviewed exception, with its written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateException {
    /// Bag path of the file (`data/…`).
    pub path: String,
    /// Gate rule id (docs/REDACTION.md).
    pub rule: String,
    /// Where in the file the finding was.
    pub location: String,
    pub reason: String,
}

impl Manifest {
    /// Checks the change records on their own: each well-formed, at most one per earlier item,
    /// and a superseding item present in this manifest. Returns one message per problem.
    pub fn change_problems(&self) -> Vec<String> {
        change_problems(&self.changes, &self.release, |by| {
            self.items.iter().any(|i| i.id == by)
        })
    }

    /// Merkle root over the item records in manifest order.
    pub fn merkle_root(&self) -> merkle::Hash {
        // Each leaf is a canonical serialization and a hash: in parallel for 100,000s of items.
        let leaves: Vec<merkle::Hash> = self.items.par_iter().map(Item::leaf_hash).collect();
        merkle::root(&leaves)
    }

    /// Number of payload bytes the published items declare.
    pub fn payload_bytes(&self) -> u64 {
        self.items
            .iter()
            .filter_map(|i| i.size)
            .fold(0, u64::wrapping_add)
    }
}

/// The checks of [`Manifest::change_problems`], with `is_item` saying whether an id is an item
/// of this release.
pub(crate) fn change_problems(
    changes: &[Change],
    release: &str,
    is_item: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in changes.iter().enumerate() {
        let at = format!("change {i} (item '{}')", c.id);
        if c.id.is_empty() || c.release.is_empty() || c.reason.trim().is_empty() {
            out.push(format!("{at}: id, release and reason are required"));
        }
        if !seen.insert((c.release.clone(), c.id.clone())) {
            out.push(format!(
                "{at}: more than one change record for the same item"
            ));
        }
        if c.release == release {
            out.push(format!(
                "{at}: a change record names an item of an earlier release"
            ));
        }
        if let Some(d) = &c.sha256 {
            if Sha256Digest::from_hex(d).is_none() {
                out.push(format!("{at}: sha256 is not 64 lowercase hex digits"));
            }
        }
        match (c.action, &c.by) {
            (ChangeAction::Superseded, Some(by)) => {
                if !is_item(by) {
                    out.push(format!(
                        "{at}: superseded by '{by}', which is not an item of this release"
                    ));
                }
            }
            (ChangeAction::Superseded, None) => out.push(format!("{at}: superseded needs 'by'")),
            (ChangeAction::Withdrawn, Some(_)) => {
                out.push(format!("{at}: withdrawn takes no 'by'"))
            }
            (ChangeAction::Withdrawn, None) => {}
        }
    }
    out
}
