//! `intact inspect`: what a bundle says it holds — items with type, case, date and redaction
//! record, the withheld items, and counts per status, category and type. It reads the
//! statement and item records without checking signatures (`intact verify` does that).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::bag;
use crate::bundle::{Bundle, OpenError};
use crate::digest::Sha256Digest;
use crate::manifest::{Item, Manifest, RedactionStatus};
use crate::release::{Statement, MAX_RELEASE_BYTES};
use crate::verify::MAX_MANIFEST_BYTES;

/// Why a bundle's statement or manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{path}: {file}: {message}")]
    Unreadable {
        path: PathBuf,
        file: &'static str,
        message: String,
    },
}

impl InspectError {
    /// Whether this is an I/O failure (exit 2) rather than a broken bundle (exit 1).
    pub fn is_io(&self) -> bool {
        matches!(self, InspectError::Open(e) if e.is_io())
    }
}

/// The statement bytes, statement and manifest of a bundle, not verified.
pub struct Contents {
    pub release_json: Vec<u8>,
    pub statement: Statement,
    pub manifest: Manifest,
}

impl Contents {
    /// Bundle id: SHA-256 of the statement bytes.
    pub fn bundle_id(&self) -> String {
        Sha256Digest::of(&self.release_json).to_hex()
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.manifest.items.iter().find(|i| i.id == id)
    }
}

/// Reads `release.json` and `manifest.json` of a bundle ZIP or directory.
pub fn read_contents(path: &Path) -> Result<Contents, InspectError> {
    contents_of(&Bundle::open(path)?, path)
}

/// [`read_contents`] of a bundle already opened (`path` is what messages call it).
pub fn contents_of(b: &Bundle, path: &Path) -> Result<Contents, InspectError> {
    let read = |file: &'static str, limit: u64| -> Result<Vec<u8>, InspectError> {
        let m = b.get(file).ok_or_else(|| InspectError::Unreadable {
            path: path.to_owned(),
            file,
            message: "missing".into(),
        })?;
        b.read(m, limit)
            .map_err(|message| InspectError::Unreadable {
                path: path.to_owned(),
                file,
                message,
            })
    };
    let release_json = read(bag::RELEASE_PATH, MAX_RELEASE_BYTES)?;
    let statement: Statement =
        serde_json::from_slice(&release_json).map_err(|e| InspectError::Unreadable {
            path: path.to_owned(),
            file: bag::RELEASE_PATH,
            message: e.to_string(),
        })?;
    let manifest_bytes = read(bag::ITEMS_PATH, MAX_MANIFEST_BYTES)?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| InspectError::Unreadable {
            path: path.to_owned(),
            file: bag::ITEMS_PATH,
            message: e.to_string(),
        })?;
    Ok(Contents {
        release_json,
        statement,
        manifest,
    })
}

/// One line of the inspect listing.
#[derive(Debug, Clone, Serialize)]
pub struct ItemSummary {
    pub id: String,
    pub path: Option<String>,
    pub doc_type: Option<String>,
    pub case_no: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub status: Option<RedactionStatus>,
    pub categories: Vec<String>,
    pub legal_basis: Option<String>,
    pub reason: Option<String>,
    pub committed: bool,
}

/// The inspect report (`--json`, format `intact-inspect/1`).
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub report: &'static str,
    pub bundle: PathBuf,
    /// Always false: inspect does not check signatures or digests.
    pub verified: bool,
    pub bundle_id: String,
    pub collection: String,
    pub release: String,
    pub created: String,
    /// Whether the leak gate matched a deny-list before the release was packed (the statement's
    /// `gate.deny_list`); `None` when the statement records no gate outcome.
    pub deny_list: Option<bool>,
    pub items: Vec<ItemSummary>,
    pub withheld: Vec<ItemSummary>,
    /// Items per redaction status (`unrecorded` when an item has no redaction record).
    pub by_status: BTreeMap<String, u64>,
    pub by_category: BTreeMap<String, u64>,
    pub by_doc_type: BTreeMap<String, u64>,
}

fn summarize(i: &Item) -> ItemSummary {
    let m = i.metadata.as_ref();
    let r = i.redaction.as_ref();
    ItemSummary {
        id: i.id.clone(),
        path: i.path.clone(),
        doc_type: m.and_then(|m| m.doc_type.clone()),
        case_no: m.and_then(|m| m.case_no.clone()),
        date: m.and_then(|m| m.date.clone()),
        title: m.and_then(|m| m.title.clone()),
        status: r.map(|r| r.status),
        categories: r.map(|r| r.categories.clone()).unwrap_or_default(),
        legal_basis: r.and_then(|r| r.legal_basis.clone()),
        reason: r.and_then(|r| r.reason.clone()),
        committed: r.is_some_and(|r| r.commitment.is_some()),
    }
}

/// Builds the inspect report of a bundle.
pub fn inspect(path: &Path) -> Result<InspectReport, InspectError> {
    let c = read_contents(path)?;
    let mut report = InspectReport {
        report: "intact-inspect/1",
        bundle: path.to_owned(),
        verified: false,
        bundle_id: c.bundle_id(),
        collection: c.statement.collection.clone(),
        release: c.statement.release.clone(),
        created: c.statement.created.clone(),
        deny_list: c.statement.gate.as_ref().map(|g| g.deny_list),
        items: Vec::new(),
        withheld: Vec::new(),
        by_status: BTreeMap::new(),
        by_category: BTreeMap::new(),
        by_doc_type: BTreeMap::new(),
    };
    for item in &c.manifest.items {
        let s = summarize(item);
        let status = match s.status {
            Some(RedactionStatus::None) => "none",
            Some(RedactionStatus::Partial) => "partial",
            Some(RedactionStatus::Withheld) => "withheld",
            None => "unrecorded",
        };
        *report.by_status.entry(status.into()).or_default() += 1;
        for cat in &s.categories {
            *report.by_category.entry(cat.clone()).or_default() += 1;
        }
        *report
            .by_doc_type
            .entry(s.doc_type.clone().unwrap_or_else(|| "unrecorded".into()))
            .or_default() += 1;
        if s.status == Some(RedactionStatus::Withheld) {
            report.withheld.push(s);
        } else {
            report.items.push(s);
        }
    }
    Ok(report)
}
