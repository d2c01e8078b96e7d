//! What the pages show, built once from the verified log: releases with their signers, and one
//! document per item record (in log order, then manifest order) with its history.

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding as _};
use serde::Serialize;

use super::SiteError;
use crate::archive::ArchiveState;
use crate::log::{Entry, LogReport};
use crate::manifest::{ChangeAction, Item, Manifest, RedactionStatus};
use crate::release::Statement;
use crate::sshsig;
use crate::trust::SignatureStatus;

/// The whole site's content.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub collection: String,
    pub releases: Vec<ReleaseView>,
    pub docs: Vec<DocView>,
}

/// One signer of a release: the principal the trust policy names, the key's fingerprint, and
/// its `allowed_signers` line (what the browser verifies against).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignerView {
    pub principal: String,
    pub fingerprint: String,
    pub key_type: String,
    pub line: String,
}

/// One release of the log.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseView {
    pub seq: u64,
    pub release: String,
    pub created: String,
    /// `YYYY-MM-DD` of `created`.
    pub date: String,
    pub bundle_id: String,
    pub merkle_root: String,
    pub item_count: u64,
    pub payload_bytes: u64,
    pub previous: Option<String>,
    pub signers: Vec<SignerView>,
    pub published: usize,
    pub partial: usize,
    pub withheld: usize,
    pub changes: usize,
    /// The statement's exact bytes, as text (canonical JSON is UTF-8).
    pub release_json: String,
    /// `(bag path, armored text)` of each signature file.
    pub signatures: Vec<(String, String)>,
    /// Index of its first document in [`Site::docs`].
    pub first_doc: usize,
}

/// One line of an item's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryLine {
    /// `superseded`, `withdrawn` or `supersedes`.
    pub kind: &'static str,
    /// The release whose signed change record says so.
    pub in_release: String,
    /// The other item: its id, release, and its document page when it is in the log.
    pub other_id: Option<String>,
    pub other_release: Option<String>,
    pub other_n: Option<usize>,
    pub reason: String,
}

/// One item record of one release.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    pub release: String,
    pub release_seq: u64,
    /// Index of its release in [`Site::releases`].
    pub release_index: usize,
    /// Position in the manifest (the Merkle leaf index; the page's file name).
    pub n: usize,
    pub item: Item,
    /// `none`, `partial` or `withheld`.
    pub status: &'static str,
    /// `current`, `superseded` or `withdrawn`.
    pub state: &'static str,
    pub history: Vec<HistoryLine>,
}

impl DocView {
    pub fn withheld(&self) -> bool {
        self.status == "withheld"
    }
}

/// The redaction status word of an item (no record: `none`).
pub fn status_word(item: &Item) -> &'static str {
    match item.redaction.as_ref().map(|r| r.status) {
        Some(RedactionStatus::Withheld) => "withheld",
        Some(RedactionStatus::Partial) => "partial",
        _ => "none",
    }
}

impl Site {
    /// Builds the content from a log `verify_log` found valid.
    pub fn new(
        entries: &[Entry],
        report: &LogReport,
        state: &ArchiveState,
    ) -> Result<Site, SiteError> {
        let mut releases = Vec::new();
        let mut docs = Vec::new();
        let mut collection = String::new();
        for (ri, e) in entries.iter().enumerate() {
            let (Some(s), Some(m)) = (&e.statement, &e.manifest) else {
                continue;
            };
            collection.clone_from(&s.collection);
            let bundle_id = e.bundle_id();
            let checks = report.releases.get(ri).map(|r| &r.signatures[..]);
            releases.push(release_view(
                e,
                s,
                m,
                &bundle_id,
                checks.unwrap_or(&[]),
                docs.len(),
            ));
            for (n, item) in m.items.iter().enumerate() {
                docs.push(doc_view(s, e.seq, releases.len() - 1, n, item));
            }
        }
        let mut site = Site {
            collection,
            releases,
            docs,
        };
        site.add_history(entries, state);
        Ok(site)
    }

    /// Each document's history from the signed change records: superseded or withdrawn by a
    /// later release (with its reason), or superseding an earlier item.
    fn add_history(&mut self, entries: &[Entry], state: &ArchiveState) {
        let index: BTreeMap<(String, String), usize> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| ((d.release.clone(), d.item.id.clone()), i))
            .collect();
        for ev in &state.history {
            let Some(&i) = index.get(&(ev.release.clone(), ev.id.clone())) else {
                continue;
            };
            let by_doc = ev
                .by
                .as_ref()
                .and_then(|b| index.get(&(ev.changed_in.clone(), b.clone())).copied())
                .map(|j| self.docs[j].n);
            let d = &mut self.docs[i];
            d.state = match ev.action {
                ChangeAction::Superseded => "superseded",
                ChangeAction::Withdrawn => "withdrawn",
            };
            d.history.push(HistoryLine {
                kind: d.state,
                in_release: ev.changed_in.clone(),
                other_id: ev.by.clone(),
                other_release: ev.by.as_ref().map(|_| ev.changed_in.clone()),
                other_n: by_doc,
                reason: ev.reason.clone(),
            });
        }
        for e in entries {
            let (Some(s), Some(m)) = (&e.statement, &e.manifest) else {
                continue;
            };
            for c in &m.changes {
                let Some(by) = &c.by else { continue };
                let Some(&i) = index.get(&(s.release.clone(), by.clone())) else {
                    continue;
                };
                let earlier = index
                    .get(&(c.release.clone(), c.id.clone()))
                    .map(|&j| self.docs[j].n);
                self.docs[i].history.push(HistoryLine {
                    kind: "supersedes",
                    in_release: s.release.clone(),
                    other_id: Some(c.id.clone()),
                    other_release: Some(c.release.clone()),
                    other_n: earlier,
                    reason: c.reason.clone(),
                });
            }
        }
    }
}

fn release_view(
    e: &Entry,
    s: &Statement,
    m: &Manifest,
    bundle_id: &str,
    checks: &[crate::trust::SignatureCheck],
    first_doc: usize,
) -> ReleaseView {
    let count = |w: &str| m.items.iter().filter(|i| status_word(i) == w).count();
    let signatures: Vec<(String, String)> = e
        .signatures
        .iter()
        .map(|(name, bytes)| {
            (
                format!("intact/signatures/{name}"),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        })
        .collect();
    ReleaseView {
        seq: e.seq,
        release: s.release.clone(),
        created: s.created.clone(),
        date: s.created.get(..10).unwrap_or(&s.created).to_owned(),
        bundle_id: bundle_id.to_owned(),
        merkle_root: s.merkle_root.clone(),
        item_count: s.item_count,
        payload_bytes: s.payload_bytes,
        previous: s.previous.as_ref().map(|p| p.release.clone()),
        signers: signers(e, checks),
        published: m.items.len() - count("withheld"),
        partial: count("partial"),
        withheld: count("withheld"),
        changes: m.changes.len(),
        release_json: String::from_utf8_lossy(&e.release_json).into_owned(),
        signatures,
        first_doc,
    }
}

/// The trusted signers of a release (signatures the policy counted), each with the
/// `allowed_signers` line of its key.
fn signers(e: &Entry, checks: &[crate::trust::SignatureCheck]) -> Vec<SignerView> {
    let mut out = Vec::new();
    for c in checks {
        if c.status != SignatureStatus::Valid {
            continue;
        }
        let name = c.file.rsplit('/').next().unwrap_or(&c.file);
        let Some((_, bytes)) = e.signatures.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let Ok(sig) = sshsig::read_exact(bytes) else {
            continue;
        };
        let principal = c.principal.clone().unwrap_or_default();
        out.push(SignerView {
            line: format!(
                "{principal} namespaces=\"intact-release\" {} {}",
                sig.key_type,
                Base64::encode_string(&sig.key_blob)
            ),
            principal,
            fingerprint: c.fingerprint.clone().unwrap_or_default(),
            key_type: sig.key_type,
        });
    }
    out.sort_by(|a, b| (&a.principal, &a.fingerprint).cmp(&(&b.principal, &b.fingerprint)));
    out
}

fn doc_view(s: &Statement, seq: u64, release_index: usize, n: usize, item: &Item) -> DocView {
    DocView {
        release: s.release.clone(),
        release_seq: seq,
        release_index,
        n,
        item: item.clone(),
        status: status_word(item),
        state: "current",
        history: Vec::new(),
    }
}
