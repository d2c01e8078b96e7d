//! Salted commitments to the unredacted originals of redacted items, and the private ledger that
//! can open them later (docs/REDACTION.md).

use std::collections::BTreeMap;
use std::fs::File;
use std::io;

use super::{default_id, Commitments, PackError, PackOptions};
use crate::manifest::RedactionStatus;
use crate::metadata::MetadataSet;
use crate::problem::{Check, Problem};
use crate::redaction::{self, Ledger, LedgerEntry};

/// Salted commitments for every partial or withheld item; all missing originals at once.
pub(super) fn make_commitments(
    meta: &MetadataSet,
    c: &Commitments,
) -> Result<BTreeMap<String, LedgerEntry>, PackError> {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for item in &meta.items {
        if item.redaction.status == RedactionStatus::None {
            continue;
        }
        let rel = match (&item.original, &item.path) {
            (Some(o), _) => o.clone(),
            (None, Some(p)) => default_id(p),
            (None, None) => {
                problems.push(Problem::new(
                    Check::Source,
                    meta.path.display().to_string(),
                    format!(
                        "{}: withheld item '{}' needs an 'original' column to commit to",
                        item.row, item.id
                    ),
                ));
                continue;
            }
        };
        let abs = c.originals.join(&rel);
        let salt = redaction::new_salt();
        match File::open(&abs).and_then(|f| {
            if f.metadata()?.is_file() {
                redaction::commit(&salt, f)
            } else {
                Err(io::Error::other("not a regular file"))
            }
        }) {
            Ok((commitment, plain)) => {
                out.insert(
                    item.id.clone(),
                    LedgerEntry {
                        item_id: item.id.clone(),
                        original_path: rel,
                        original_sha256: plain.to_hex(),
                        salt: redaction::salt_hex(&salt),
                        commitment: commitment.to_hex(),
                    },
                );
            }
            Err(e) => problems.push(Problem::new(
                Check::Source,
                abs.display().to_string(),
                format!(
                    "original of redacted item '{}' cannot be read: {e}",
                    item.id
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(PackError::Source(problems))
    }
}

/// Writes the private ledger of a bundle (it must not exist yet).
pub(super) fn write_ledger(
    opts: &PackOptions,
    c: &Commitments,
    entries: &BTreeMap<String, LedgerEntry>,
    bundle_id: &str,
) -> Result<(), PackError> {
    let ledger = Ledger {
        ledger: redaction::LEDGER_FORMAT.into(),
        warning: redaction::LEDGER_WARNING.into(),
        collection: opts.collection.clone(),
        release: opts.release.clone(),
        bundle_id: bundle_id.to_owned(),
        entries: entries.values().cloned().collect(),
    };
    redaction::write_private_new(&c.ledger, &ledger.to_bytes())?;
    Ok(())
}
