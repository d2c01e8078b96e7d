//! The archive's state: the chain of releases folded in order (docs/RELEASES.md). A release
//! carries only new and changed items; an item published earlier stays in the state until a
//! later release's signed change record supersedes or withdraws it. Nothing disappears
//! silently, and nothing is replaced without a record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::manifest::{Change, ChangeAction, Manifest, RedactionStatus};
use crate::release::{self, Statement};

/// One release in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRef {
    pub release: String,
    /// SHA-256 of its `release.json`.
    pub bundle_id: String,
    pub created: String,
    pub items: usize,
    pub changes: usize,
}

/// The current version of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Current {
    pub id: String,
    pub release: String,
    pub sha256: Option<String>,
    pub path: Option<String>,
    pub status: Option<RedactionStatus>,
    pub categories: Vec<String>,
}

/// An item version that a later release superseded or withdrew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: String,
    /// The release that had published the old version, and its digest.
    pub release: String,
    pub sha256: Option<String>,
    pub action: ChangeAction,
    /// The release whose change record did it.
    pub changed_in: String,
    pub by: Option<String>,
    /// Digest of the superseding item.
    pub by_sha256: Option<String>,
    pub reason: String,
}

/// Releases, current items, and history of one collection.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ArchiveState {
    pub collection: Option<String>,
    pub releases: Vec<ReleaseRef>,
    pub current: BTreeMap<String, Current>,
    pub history: Vec<Event>,
}

impl ArchiveState {
    /// The newest release.
    pub fn head(&self) -> Option<&ReleaseRef> {
        self.releases.last()
    }

    /// Folds one more release into the state. On any problem the state is left unchanged and
    /// every problem is returned.
    pub fn apply(
        &mut self,
        s: &Statement,
        bundle_id: &str,
        m: &Manifest,
    ) -> Result<(), Vec<String>> {
        // `apply_inner` checks everything before it changes anything, so the state is not
        // copied (a copy per release made folding a log of many releases quadratic).
        let problems = self.apply_inner(s, bundle_id, m);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Starts a partial state from one release without checking its `previous` link (what
    /// `pack --previous BUNDLE` knows: that release's items only).
    pub fn from_release(s: &Statement, bundle_id: &str, m: &Manifest) -> ArchiveState {
        let mut st = ArchiveState::default();
        let mut unlinked = s.clone();
        unlinked.previous = None;
        let _ = st.apply_inner(
            &unlinked,
            bundle_id,
            &Manifest {
                changes: Vec::new(),
                ..m.clone()
            },
        );
        st
    }

    /// Checks the release against the state and, only when there is no problem, folds it in.
    fn apply_inner(&mut self, s: &Statement, bundle_id: &str, m: &Manifest) -> Vec<String> {
        let mut problems = Vec::new();
        let r = &s.release;
        match (&self.collection, self.head()) {
            (Some(c), _) if *c != s.collection => {
                problems.push(format!(
                    "release {r} is of collection {}, the log is of {c}",
                    s.collection
                ));
            }
            _ => {}
        }
        match (self.head(), &s.previous) {
            (None, None) => {}
            (None, Some(p)) => problems.push(format!(
                "release {r} links to previous release {} but the chain starts here",
                p.release
            )),
            (Some(h), None) => problems.push(format!(
                "release {r} has no previous link but follows {}",
                h.release
            )),
            (Some(h), Some(p)) => {
                if p.sha256 != h.bundle_id || p.release != h.release {
                    problems.push(format!(
                        "release {r} links to {} ({}), not to the head {} ({})",
                        p.release, p.sha256, h.release, h.bundle_id
                    ));
                }
                let (a, b) = (
                    release::parse_created(&h.created),
                    release::parse_created(&s.created),
                );
                if let (Some(a), Some(b)) = (a, b) {
                    if b < a {
                        problems.push(format!(
                            "release {r} was created ({}) before its previous release ({})",
                            s.created, h.created
                        ));
                    }
                }
            }
        }
        if self.releases.iter().any(|x| x.release == *r) {
            problems.push(format!("release id {r} is already in the chain"));
        }
        for p in m.change_problems() {
            problems.push(format!("release {r}: {p}"));
        }
        let sha_of = |id: &str| {
            m.items
                .iter()
                .find(|i| i.id == id)
                .and_then(|i| i.sha256.clone())
        };
        let mut changed = BTreeMap::new();
        for c in &m.changes {
            match self.current.get(&c.id) {
                None => problems.push(format!(
                    "release {r}: change record for item '{}', which is not a current item (never published, or already withdrawn)",
                    c.id
                )),
                Some(cur) => {
                    if cur.release != c.release || cur.sha256 != c.sha256 {
                        problems.push(format!(
                            "release {r}: change record for '{}' names {} {}, but the current version is {} {}",
                            c.id,
                            c.release,
                            c.sha256.as_deref().unwrap_or("(no digest)"),
                            cur.release,
                            cur.sha256.as_deref().unwrap_or("(no digest)")
                        ));
                    }
                    changed.insert(c.id.clone(), c.clone());
                }
            }
        }
        for item in &m.items {
            if self.current.contains_key(&item.id) && !changed.contains_key(&item.id) {
                let cur = &self.current[&item.id];
                problems.push(format!(
                    "release {r}: item '{}' was published in release {}; replacing it needs a change record",
                    item.id, cur.release
                ));
            }
        }
        if !problems.is_empty() {
            return problems;
        }
        for (id, c) in &changed {
            let old = self.current.remove(id);
            self.history.push(Event {
                id: id.clone(),
                release: c.release.clone(),
                sha256: old.and_then(|o| o.sha256),
                action: c.action,
                changed_in: r.clone(),
                by: c.by.clone(),
                by_sha256: c.by.as_deref().and_then(sha_of),
                reason: c.reason.clone(),
            });
        }
        for item in &m.items {
            let red = item.redaction.as_ref();
            self.current.insert(
                item.id.clone(),
                Current {
                    id: item.id.clone(),
                    release: r.clone(),
                    sha256: item.sha256.clone(),
                    path: item.path.clone(),
                    status: red.map(|x| x.status),
                    categories: red.map(|x| x.categories.clone()).unwrap_or_default(),
                },
            );
        }
        self.collection = Some(s.collection.clone());
        self.releases.push(ReleaseRef {
            release: r.clone(),
            bundle_id: bundle_id.to_owned(),
            created: s.created.clone(),
            items: m.items.len(),
            changes: m.changes.len(),
        });
        Vec::new()
    }
}

/// A change record as written by office staff (`pack --changes FILE`): `release` and `sha256`
/// may be left out when the previous release or log says them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub row: String,
    pub id: String,
    pub action: ChangeAction,
    pub by: Option<String>,
    pub reason: String,
    pub release: Option<String>,
    pub sha256: Option<String>,
}

/// Why a changes file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .problems.iter().map(|p| format!("{}: {p}", .path.display())).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        problems: Vec<String>,
    },
}

const CHANGE_FIELDS: [&str; 6] = ["id", "action", "by", "reason", "release", "sha256"];

/// Loads a changes file: CSV with the columns `id,action,by,reason[,release,sha256]`, or a
/// JSON array of objects with those fields.
pub fn load_changes(path: &Path) -> Result<Vec<ChangeRequest>, ChangesError> {
    let bytes = std::fs::read(path).map_err(|source| ChangesError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |problems| ChangesError::Invalid {
        path: path.to_owned(),
        problems,
    };
    let mut rows: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    let is_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if is_json {
        let v: Vec<BTreeMap<String, serde_json::Value>> = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(vec![format!("not a JSON array of change records: {e}")]))?;
        for (i, obj) in v.into_iter().enumerate() {
            let mut f = BTreeMap::new();
            for (k, val) in obj {
                match val {
                    serde_json::Value::String(s) => {
                        f.insert(k, s);
                    }
                    serde_json::Value::Null => {}
                    _ => {
                        return Err(invalid(vec![format!(
                            "item {i}: field '{k}' must be a string"
                        )]))
                    }
                }
            }
            rows.push((format!("item {i}"), f));
        }
    } else {
        let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| invalid(vec![format!("row 1: {e}")]))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        for rec in r.records() {
            let rec = rec.map_err(|e| invalid(vec![format!("malformed CSV: {e}")]))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let f = headers
                .iter()
                .zip(rec.iter())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(h, v)| (h.clone(), v.trim().to_owned()))
                .collect();
            rows.push((format!("row {line}"), f));
        }
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, f) in rows {
        for k in f.keys() {
            if !CHANGE_FIELDS.contains(&k.as_str()) {
                problems.push(format!(
                    "{row}: unknown field '{k}' ({})",
                    CHANGE_FIELDS.join(", ")
                ));
            }
        }
        let action = match f.get("action").map(|a| a.to_ascii_lowercase()) {
            Some(a) if a == "superseded" => Some(ChangeAction::Superseded),
            Some(a) if a == "withdrawn" => Some(ChangeAction::Withdrawn),
            other => {
                problems.push(format!(
                    "{row}: action must be superseded or withdrawn, not {other:?}"
                ));
                None
            }
        };
        let (Some(id), Some(reason), Some(action)) = (f.get("id"), f.get("reason"), action) else {
            if !f.contains_key("id") || !f.contains_key("reason") {
                problems.push(format!("{row}: id and reason are required"));
            }
            continue;
        };
        out.push(ChangeRequest {
            row,
            id: id.clone(),
            action,
            by: f.get("by").cloned(),
            reason: reason.clone(),
            release: f.get("release").cloned(),
            sha256: f.get("sha256").cloned(),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(invalid(problems))
    }
}

/// Completes change requests from the known state (release and digest of each current item).
pub fn resolve_changes(
    requests: &[ChangeRequest],
    known: &ArchiveState,
) -> Result<Vec<Change>, Vec<String>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for q in requests {
        let cur = known.current.get(&q.id);
        let release = q.release.clone().or_else(|| cur.map(|c| c.release.clone()));
        let sha256 = q
            .sha256
            .clone()
            .or_else(|| cur.and_then(|c| c.sha256.clone()));
        let Some(release) = release else {
            problems.push(format!(
                "{}: item '{}' is not in the previous release; give its release and sha256",
                q.row, q.id
            ));
            continue;
        };
        out.push(Change {
            id: q.id.clone(),
            release,
            sha256,
            action: q.action,
            by: q.by.clone(),
            reason: q.reason.clone(),
        });
    }
    out.sort_by(|a, b| (&a.release, &a.id).cmp(&(&b.release, &b.id)));
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(release: &str, previous: Option<(&str, &str)>) -> Statement {
        Statement {
            format: release::RELEASE_FORMAT.into(),
            collection: "coll".into(),
            release: release.into(),
            created: "2026-01-01T00:00:00Z".into(),
            previous: previous.map(|(r, s)| release::Previous {
                release: r.into(),
                sha256: s.into(),
            }),
            item_count: 0,
            payload_bytes: 0,
            merkle_root: String::new(),
            tag_files: BTreeMap::new(),
            gate: None,
        }
    }

    fn manifest(release: &str, ids: &[&str]) -> Manifest {
        let items = ids
            .iter()
            .map(|id| {
                serde_json::from_value(serde_json::json!({"id": id, "path": format!("data/{id}")}))
                    .unwrap()
            })
            .collect();
        Manifest {
            format: crate::manifest::MANIFEST_FORMAT.into(),
            collection: "coll".into(),
            release: release.into(),
            items,
            changes: Vec::new(),
            exceptions: Vec::new(),
        }
    }

    #[test]
    fn a_release_with_a_problem_leaves_the_state_as_it_was() {
        let mut st = ArchiveState::default();
        st.apply(&statement("r1", None), "id1", &manifest("r1", &["a", "b"]))
            .unwrap();
        let before = serde_json::to_string(&st).unwrap();
        // A new item and an old one reused without a change record: refused, nothing folded.
        let bad = manifest("r2", &["c", "a"]);
        let problems = st
            .apply(&statement("r2", Some(("r1", "id1"))), "id2", &bad)
            .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(serde_json::to_string(&st).unwrap(), before);
        // A good one is folded in.
        st.apply(
            &statement("r2", Some(("r1", "id1"))),
            "id2",
            &manifest("r2", &["c"]),
        )
        .unwrap();
        assert_eq!(st.current.len(), 3);
        assert_eq!(st.head().map(|h| h.release.as_str()), Some("r2"));
    }
}
