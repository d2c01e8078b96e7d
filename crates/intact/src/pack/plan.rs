//! What one pack works from (the sources, the ledger, the bag's top directory, the dates), and
//! the last step of both ways of writing: the ledger, then the bundle's name.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::source::SourceFile;
use super::{commitments, default_id, media_type, PackError, PackOptions, PackSummary};
use crate::bag;
use crate::container;
use crate::digest::Sha256Digest;
use crate::manifest::Item;
use crate::redaction::LedgerEntry;

/// Everything one pack needs besides the output file.
pub(super) struct Plan<'a> {
    pub(super) opts: &'a PackOptions,
    /// Taken (and freed) once the payload is written: for 100,000s of items the tag files need
    /// the room.
    pub(super) sources: Vec<SourceFile>,
    pub(super) ledger: &'a BTreeMap<String, LedgerEntry>,
    pub(super) top: String,
    pub(super) created: String,
    pub(super) bag_info: String,
    pub(super) payload_bytes: u64,
}

impl Plan<'_> {
    /// The first two entries of every bundle: `bag-info.txt` and `bagit.txt`.
    pub(super) fn start_zip<W: container::Output>(
        &self,
        zip: &mut container::Writer<W>,
    ) -> io::Result<()> {
        zip.add(
            &format!("{}/{}", self.top, bag::BAG_INFO_PATH),
            self.bag_info.as_bytes(),
        )?;
        zip.add(
            &format!("{}/{}", self.top, bag::BAGIT_PATH),
            bag::BAGIT_TXT.as_bytes(),
        )
    }

    /// A source file's path below SRC (as the gate names it).
    pub(super) fn rel<'s>(&self, s: &'s SourceFile) -> &'s Path {
        s.abs.strip_prefix(&self.opts.src).unwrap_or(&s.abs)
    }

    /// Writes the private ledger (which must not exist yet), then gives the bundle its name with
    /// `name_bundle`; if that fails, the ledger is taken back.
    pub(super) fn publish(
        &self,
        summary: PackSummary,
        name_bundle: impl FnOnce() -> Result<(), PackError>,
    ) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        if let Some(c) = &opts.commitments {
            commitments::write_ledger(opts, c, self.ledger, &summary.bundle_id)?;
            if let Err(e) = name_bundle() {
                let _ = std::fs::remove_file(&c.ledger);
                return Err(e);
            }
        } else {
            name_bundle()?;
        }
        Ok(summary)
    }
}

/// The item record of a payload file.
pub(super) fn payload_item(
    opts: &PackOptions,
    s: &SourceFile,
    digest: Sha256Digest,
    ledger: &BTreeMap<String, LedgerEntry>,
) -> Result<Item, PackError> {
    let meta = opts.metadata.as_ref().and_then(|m| m.for_path(&s.path));
    let mut item = Item {
        id: meta
            .map(|m| m.id.clone())
            .unwrap_or_else(|| default_id(&s.path)),
        path: Some(s.path.as_str().to_owned()),
        sha256: Some(digest.to_hex()),
        size: Some(s.size),
        media_type: Some(media_type(&s.path)),
        metadata: meta.map(|m| Box::new(m.description.clone())),
        redaction: meta.map(|m| Box::new(m.redaction.clone())),
    };
    if let (Some(r), Some(e)) = (item.redaction.as_mut(), ledger.get(&item.id)) {
        r.commitment = Some(e.commitment.clone());
    }
    if let Some(notes) = &opts.scrub_notes {
        if let Some(note) = notes.note_for(&s.path, &digest.to_hex())? {
            let m = item.metadata.get_or_insert_with(Default::default);
            m.digitization = Some(super::scrub_notes::with_note(m.digitization.take(), note));
        }
    }
    Ok(item)
}
