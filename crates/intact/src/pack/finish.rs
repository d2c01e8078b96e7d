//! The end of a bundle, after the payload: the manifests, the statement and its signatures, the
//! tag manifest and the central directory.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::gate_pass::gate_exceptions;
use super::plan::Plan;
use super::tags::{emit_canonical_manifest, emit_manifest_txt, measure, sign_all, write_produced};
use super::{PackError, PackSummary};
use crate::bag;
use crate::bagpath::BagPath;
use crate::canonical;
use crate::container;
use crate::digest::{hex, Sha256Digest};
use crate::fs::{At as _, PathError};
use crate::gate;
use crate::manifest::{Item, Manifest, MANIFEST_FORMAT};
use crate::merkle;
use crate::release::{GateOutcome, Statement, RELEASE_FORMAT};

/// Digests of the tag files by bag path, as the statement and the tag manifest list them.
type TagDigests = BTreeMap<String, Sha256Digest>;

impl Plan<'_> {
    /// Withheld items, tag files, signatures, the central directory: the rest of the bundle.
    pub(super) fn finish_bundle<W: container::Output>(
        &self,
        mut zip: container::Writer<W>,
        items: Vec<Item>,
        gate_report: &gate::GateReport,
    ) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        let manifest = self.manifest(items, gate_report);
        super::check_item_count(manifest.items.len())?;
        let top = &self.top;
        let out = &opts.out;
        // The tag files in bundle order after the payload: intact/manifest.json,
        // intact/release.json, intact/signatures/*, manifest-sha256.txt, tagmanifest-sha256.txt.
        // The two manifests are produced item by item, never held whole; manifest.json goes
        // into the bundle right away, manifest-sha256.txt (which comes after the statement) is
        // hashed first and produced again to be written.
        let (merkle_root, json_digest) = self.write_manifest_json(&mut zip, &manifest)?;
        let (txt_len, txt_digest) = measure(|e| emit_manifest_txt(&manifest.items, e))?;
        let mut tag_digests = self.tag_digests(txt_digest, json_digest);
        let statement = self.statement(&manifest, &merkle_root, &tag_digests, gate_report);
        let release_json = canonical::to_canonical(&statement)
            .map_err(|e| PathError::new(Path::new(bag::RELEASE_PATH), io::Error::other(e)))?;
        let bundle_id = Sha256Digest::of(&release_json);
        if let Some(known) = &opts.known {
            let mut next = known.clone();
            next.apply(&statement, &bundle_id.to_hex(), &manifest)
                .map_err(|problems| PackError::Refused(problems.join("\n")))?;
        }
        let mut sigs = sign_all(&opts.keys, &release_json)?;
        sigs.sort();
        let sig_names = sigs.iter().map(|(n, _)| n.clone()).collect();
        zip.add(&format!("{top}/{}", bag::RELEASE_PATH), &release_json)
            .at(out)?;
        tag_digests.insert(bag::RELEASE_PATH.to_owned(), bundle_id);
        for (name, bytes) in &sigs {
            zip.add(&format!("{top}/{name}"), bytes).at(out)?;
            tag_digests.insert(name.clone(), Sha256Digest::of(bytes));
        }
        write_produced(
            &mut zip,
            &format!("{top}/{}", bag::MANIFEST_PATH),
            txt_len,
            out,
            |e| emit_manifest_txt(&manifest.items, e),
        )?;
        write_tagmanifest(&mut zip, top, tag_digests).at(out)?;
        zip.finish().at(out)?;
        Ok(PackSummary {
            out: opts.out.clone(),
            bundle_id: bundle_id.to_hex(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            created: self.created.clone(),
            items: statement.item_count,
            payload_bytes: statement.payload_bytes,
            merkle_root: statement.merkle_root.clone(),
            signatures: sig_names,
            commitments: self.ledger.len() as u64,
            deny_list: gate_report.deny_list_used,
        })
    }

    /// The manifest: the payload `items`, then the withheld items (with their commitments), the
    /// change records and the exceptions the gate applied.
    fn manifest(&self, mut items: Vec<Item>, gate_report: &gate::GateReport) -> Manifest {
        let opts = self.opts;
        if let Some(m) = &opts.metadata {
            for w in m.withheld() {
                let mut redaction = w.redaction.clone();
                redaction.commitment = self.ledger.get(&w.id).map(|e| e.commitment.clone());
                items.push(Item {
                    id: w.id.clone(),
                    path: None,
                    sha256: None,
                    size: None,
                    media_type: None,
                    metadata: Some(Box::new(w.description.clone())),
                    redaction: Some(Box::new(redaction)),
                });
            }
        }
        Manifest {
            format: MANIFEST_FORMAT.into(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            items,
            changes: opts.changes.clone(),
            exceptions: gate_exceptions(gate_report),
        }
    }

    /// Writes `manifest.json` (measured first: an entry's length comes before its bytes);
    /// returns the Merkle root of the items and the file's SHA-256.
    fn write_manifest_json<W: container::Output>(
        &self,
        zip: &mut container::Writer<W>,
        manifest: &Manifest,
    ) -> Result<(merkle::Hash, Sha256Digest), PackError> {
        let out = &self.opts.out;
        let mut leaves = Vec::with_capacity(manifest.items.len());
        let (json_len, _) = measure(|e| emit_canonical_manifest(manifest, e, Some(&mut leaves)))?;
        let merkle_root = merkle::root(&leaves);
        drop(leaves);
        let mut json_sha = Sha256::new();
        zip.start(&format!("{}/{}", self.top, bag::ITEMS_PATH), json_len, None)
            .at(out)?;
        emit_canonical_manifest(
            manifest,
            &mut |b: &[u8]| {
                json_sha.update(b);
                Ok(zip.write_data(b).at(out)?)
            },
            None,
        )?;
        Ok((merkle_root, Sha256Digest(json_sha.finalize().into())))
    }

    /// The tag files the statement pins: `bagit.txt`, `bag-info.txt` and the two manifests.
    fn tag_digests(&self, txt_digest: Sha256Digest, json_digest: Sha256Digest) -> TagDigests {
        let mut tag_digests = TagDigests::new();
        tag_digests.insert(
            bag::BAGIT_PATH.to_owned(),
            Sha256Digest::of(bag::BAGIT_TXT.as_bytes()),
        );
        tag_digests.insert(
            bag::BAG_INFO_PATH.to_owned(),
            Sha256Digest::of(self.bag_info.as_bytes()),
        );
        tag_digests.insert(bag::MANIFEST_PATH.to_owned(), txt_digest);
        tag_digests.insert(bag::ITEMS_PATH.to_owned(), json_digest);
        tag_digests
    }

    /// The release statement (`release.json`).
    fn statement(
        &self,
        manifest: &Manifest,
        merkle_root: &merkle::Hash,
        tag_digests: &TagDigests,
        gate_report: &gate::GateReport,
    ) -> Statement {
        let opts = self.opts;
        Statement {
            format: RELEASE_FORMAT.into(),
            collection: opts.collection.clone(),
            release: opts.release.clone(),
            created: self.created.clone(),
            previous: opts.previous.clone(),
            item_count: manifest.items.len() as u64,
            payload_bytes: manifest.payload_bytes(),
            merkle_root: hex(merkle_root),
            tag_files: tag_digests
                .iter()
                .map(|(k, d)| (k.clone(), d.to_hex()))
                .collect(),
            gate: Some(GateOutcome {
                rules: gate_report
                    .rules
                    .iter()
                    .map(|r| r.as_str().to_owned())
                    .collect(),
                files_scanned: gate_report.files_scanned,
                deny_list: gate_report.deny_list_used,
                exceptions: gate_report.excepted.len() as u64,
            }),
        }
    }
}

/// Writes `tagmanifest-sha256.txt`: it covers every tag file but itself.
fn write_tagmanifest<W: container::Output>(
    zip: &mut container::Writer<W>,
    top: &str,
    tag_digests: TagDigests,
) -> io::Result<()> {
    let listed: Vec<(BagPath, Sha256Digest)> = tag_digests
        .into_iter()
        .filter_map(|(k, d)| Some((BagPath::parse(&k).ok()?, d)))
        .collect();
    let tagmanifest = bag::write_manifest(listed.iter().map(|(p, d)| (p, d)));
    zip.add(
        &format!("{top}/{}", bag::TAGMANIFEST_PATH),
        tagmanifest.as_bytes(),
    )
}
