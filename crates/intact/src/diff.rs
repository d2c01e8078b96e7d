//! `intact diff OLD NEW`: what a release changed relative to an earlier one — items added,
//! changed, superseded and withdrawn, and redaction changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::inspect::{read_contents, InspectError};
use crate::manifest::{ChangeAction, Item, RedactionStatus};

/// One item in a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffItem {
    pub id: String,
    pub path: Option<String>,
    pub old_sha256: Option<String>,
    pub new_sha256: Option<String>,
    /// The change record of NEW that covers it, if any.
    pub reason: Option<String>,
    pub by: Option<String>,
}

/// A redaction record that differs between the two releases.
#[derive(Debug, Clone, Serialize)]
pub struct RedactionChange {
    pub id: String,
    pub old_status: Option<RedactionStatus>,
    pub new_status: Option<RedactionStatus>,
    pub old_categories: Vec<String>,
    pub new_categories: Vec<String>,
}

/// The diff report (`--json`, format `intact-diff/1`). Signatures are not checked.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub report: &'static str,
    pub old: PathBuf,
    pub new: PathBuf,
    pub old_release: String,
    pub new_release: String,
    /// NEW's `previous` names OLD.
    pub new_follows_old: bool,
    pub added: Vec<DiffItem>,
    /// Same id, different content.
    pub changed: Vec<DiffItem>,
    pub superseded: Vec<DiffItem>,
    pub withdrawn: Vec<DiffItem>,
    pub redaction_changes: Vec<RedactionChange>,
    /// Items of OLD that NEW neither carries nor changes (still current in the archive).
    pub carried_over: usize,
}

fn status(i: &Item) -> (Option<RedactionStatus>, Vec<String>) {
    match &i.redaction {
        Some(r) => (Some(r.status), r.categories.clone()),
        None => (None, Vec::new()),
    }
}

/// Compares two bundles.
pub fn diff(old: &Path, new: &Path) -> Result<DiffReport, InspectError> {
    let a = read_contents(old)?;
    let b = read_contents(new)?;
    let old_items: BTreeMap<&str, &Item> = a
        .manifest
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let mut r = DiffReport {
        report: "intact-diff/1",
        old: old.to_owned(),
        new: new.to_owned(),
        old_release: a.statement.release.clone(),
        new_release: b.statement.release.clone(),
        new_follows_old: b
            .statement
            .previous
            .as_ref()
            .is_some_and(|p| p.sha256 == a.bundle_id()),
        added: Vec::new(),
        changed: Vec::new(),
        superseded: Vec::new(),
        withdrawn: Vec::new(),
        redaction_changes: Vec::new(),
        carried_over: 0,
    };
    let record = |id: &str| b.manifest.changes.iter().find(|c| c.id == id);
    let superseding: BTreeMap<&str, &str> = b
        .manifest
        .changes
        .iter()
        .filter(|c| c.action == ChangeAction::Superseded)
        .filter_map(|c| Some((c.by.as_deref()?, c.id.as_str())))
        .collect();
    for item in &b.manifest.items {
        let old_item = old_items.get(item.id.as_str()).copied().or_else(|| {
            superseding
                .get(item.id.as_str())
                .and_then(|o| old_items.get(o).copied())
        });
        match old_item {
            None => r.added.push(DiffItem {
                id: item.id.clone(),
                path: item.path.clone(),
                old_sha256: None,
                new_sha256: item.sha256.clone(),
                reason: None,
                by: None,
            }),
            Some(o) => {
                if o.sha256 != item.sha256 || o.path != item.path {
                    let rec = record(&o.id);
                    r.changed.push(DiffItem {
                        id: item.id.clone(),
                        path: item.path.clone(),
                        old_sha256: o.sha256.clone(),
                        new_sha256: item.sha256.clone(),
                        reason: rec.map(|c| c.reason.clone()),
                        by: rec.and_then(|c| c.by.clone()),
                    });
                }
                let (os, oc) = status(o);
                let (ns, nc) = status(item);
                if os != ns || oc != nc {
                    r.redaction_changes.push(RedactionChange {
                        id: item.id.clone(),
                        old_status: os,
                        new_status: ns,
                        old_categories: oc,
                        new_categories: nc,
                    });
                }
            }
        }
    }
    for c in &b.manifest.changes {
        let d = DiffItem {
            id: c.id.clone(),
            path: old_items.get(c.id.as_str()).and_then(|i| i.path.clone()),
            old_sha256: c.sha256.clone(),
            new_sha256: c
                .by
                .as_deref()
                .and_then(|by| b.manifest.items.iter().find(|i| i.id == by))
                .and_then(|i| i.sha256.clone()),
            reason: Some(c.reason.clone()),
            by: c.by.clone(),
        };
        match c.action {
            ChangeAction::Superseded => r.superseded.push(d),
            ChangeAction::Withdrawn => r.withdrawn.push(d),
        }
    }
    let touched: std::collections::BTreeSet<&str> = b
        .manifest
        .items
        .iter()
        .map(|i| i.id.as_str())
        .chain(b.manifest.changes.iter().map(|c| c.id.as_str()))
        .collect();
    r.carried_over = old_items.keys().filter(|id| !touched.contains(*id)).count();
    Ok(r)
}
