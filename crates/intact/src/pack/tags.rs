//! The tag files: `manifest.json` and `manifest-sha256.txt` produced a block of items at a
//! time (never held whole), the signatures, and the tag manifest.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::PackError;
use crate::bag;
use crate::bagpath::BagPath;
use crate::canonical;
use crate::container;
use crate::digest::Sha256Digest;
use crate::fs::{At as _, PathError};
use crate::manifest::{Item, Manifest};
use crate::sign::{self, SigningKey};

/// Something that takes the bytes of a tag file in order (a hasher, a counter, a bundle entry).
pub(super) type Emit<'e> = dyn FnMut(&[u8]) -> Result<(), PackError> + 'e;

/// A JSON error while producing `manifest.json`, as an I/O error at that path.
fn json_error(e: serde_json::Error) -> PackError {
    PathError::new(Path::new(bag::ITEMS_PATH), io::Error::other(e)).into()
}

/// Produces `manifest.json` in canonical form (RFC 8785) a block of items at a time, handing the
/// bytes to `emit` in order, and each item's Merkle leaf hash to `leaves` when given (a leaf is
/// an item's canonical bytes). For 100,000s of items the document is never held whole.
/// The bytes are those of `canonical::to_canonical(m)` (a unit test holds the two together).
pub(super) fn emit_canonical_manifest(
    m: &Manifest,
    emit: &mut Emit<'_>,
    mut leaves: Option<&mut Vec<crate::merkle::Hash>>,
) -> Result<(), PackError> {
    use rayon::prelude::*;
    const BLOCK: usize = 4096;
    // RFC 8785 orders members by key: changes, collection, exceptions, format, items, release
    // (empty `changes` and `exceptions` are left out, as the type's serde attributes say).
    let mut head = vec![b'{'];
    if !m.changes.is_empty() {
        head.extend_from_slice(b"\"changes\":");
        head.extend(canonical::to_canonical(&m.changes).map_err(json_error)?);
        head.push(b',');
    }
    head.extend_from_slice(b"\"collection\":");
    head.extend(canonical::to_canonical(&m.collection).map_err(json_error)?);
    if !m.exceptions.is_empty() {
        head.extend_from_slice(b",\"exceptions\":");
        head.extend(canonical::to_canonical(&m.exceptions).map_err(json_error)?);
    }
    head.extend_from_slice(b",\"format\":");
    head.extend(canonical::to_canonical(&m.format).map_err(json_error)?);
    head.extend_from_slice(b",\"items\":[");
    emit(&head)?;
    for (k, block) in m.items.chunks(BLOCK).enumerate() {
        let done: Vec<Vec<u8>> = block
            .par_iter()
            .map(canonical::to_canonical)
            .collect::<Result<_, _>>()
            .map_err(json_error)?;
        for (j, b) in done.iter().enumerate() {
            if k + j > 0 {
                emit(b",")?;
            }
            emit(b)?;
        }
        if let Some(l) = leaves.as_deref_mut() {
            l.extend(
                done.par_iter()
                    .map(|b| crate::merkle::leaf_hash(b))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut tail = b"],\"release\":".to_vec();
    tail.extend(canonical::to_canonical(&m.release).map_err(json_error)?);
    tail.push(b'}');
    emit(&tail)
}

/// Produces `manifest-sha256.txt` (one line per published item, in manifest order).
pub(super) fn emit_manifest_txt(items: &[Item], emit: &mut Emit<'_>) -> Result<(), PackError> {
    for i in items {
        let (Some(p), Some(d)) = (i.path.as_deref(), i.sha256.as_deref()) else {
            continue;
        };
        if let (Ok(p), Some(d)) = (BagPath::parse(p), Sha256Digest::from_hex(d)) {
            emit(bag::write_manifest([(&p, &d)]).as_bytes())?;
        }
    }
    Ok(())
}

/// Length and SHA-256 of what `produce` emits (it is produced again to be written).
pub(super) fn measure(
    produce: impl FnOnce(&mut Emit<'_>) -> Result<(), PackError>,
) -> Result<(u64, Sha256Digest), PackError> {
    let mut len = 0u64;
    let mut sha = Sha256::new();
    produce(&mut |b: &[u8]| {
        len += b.len() as u64;
        sha.update(b);
        Ok(())
    })?;
    Ok((len, Sha256Digest(sha.finalize().into())))
}

/// Writes what `produce` emits as entry `name` of `len` bytes.
pub(super) fn write_produced<W: container::Output>(
    zip: &mut container::Writer<W>,
    name: &str,
    len: u64,
    out: &Path,
    produce: impl FnOnce(&mut Emit<'_>) -> Result<(), PackError>,
) -> Result<(), PackError> {
    zip.start(name, len, None).at(out)?;
    produce(&mut |b: &[u8]| Ok(zip.write_data(b).at(out)?))
}

/// Adds signature files and the tag manifest (which covers every tag file but itself).
pub fn finish_tags(files: &mut BTreeMap<String, Vec<u8>>, signatures: Vec<(String, Vec<u8>)>) {
    files.retain(|k, _| !k.starts_with(bag::SIGNATURES_DIR) && k != bag::TAGMANIFEST_PATH);
    for (name, sig) in signatures {
        files.insert(name, sig);
    }
    let listed: Vec<(BagPath, Sha256Digest)> = files
        .iter()
        .filter_map(|(k, v)| Some((BagPath::parse(k).ok()?, Sha256Digest::of(v))))
        .collect();
    let tagmanifest = bag::write_manifest(listed.iter().map(|(p, d)| (p, d)));
    files.insert(bag::TAGMANIFEST_PATH.to_owned(), tagmanifest.into_bytes());
}

/// Signs `release_json` with every key; refuses the same key twice.
pub fn sign_all(
    keys: &[SigningKey],
    release_json: &[u8],
) -> Result<Vec<(String, Vec<u8>)>, PackError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for k in keys {
        let name = sign::signature_path(k.public_key().key_data());
        if out.iter().any(|(n, _)| *n == name) {
            return Err(PackError::DuplicateKey(sign::fingerprint(
                k.public_key().key_data(),
            )));
        }
        out.push((name, k.sign_release(release_json)?.into_bytes()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Change, GateException, RedactionStatus, MANIFEST_FORMAT};

    #[test]
    fn canonical_manifest_is_the_canonical_form() {
        use crate::manifest::{ChangeAction, Description, Redaction};
        let item = |i: usize| Item {
            id: format!("doc-{i}"),
            path: Some(format!("data/d/\u{e9}-{i}.txt")),
            sha256: Some(Sha256Digest::of(&[i as u8]).to_hex()),
            size: Some(i as u64),
            media_type: Some("text/plain".into()),
            metadata: i.is_multiple_of(2).then(|| {
                Box::new(Description {
                    title: Some(format!("Synthetic \"quoted\" title {i} \u{1F600}")),
                    case_no: Some("C-1".into()),
                    ..Default::default()
                })
            }),
            redaction: i.is_multiple_of(3).then(|| {
                Box::new(Redaction {
                    status: RedactionStatus::Partial,
                    categories: vec!["witness-address".into()],
                    legal_basis: Some("placeholder basis".into()),
                    regions: Some(2),
                    reason: None,
                    commitment: None,
                })
            }),
        };
        for (n, with_extras) in [(0, false), (1, true), (5000, false), (9000, true)] {
            let mut m = Manifest {
                format: MANIFEST_FORMAT.into(),
                collection: "c".into(),
                release: "r2".into(),
                items: (0..n).map(item).collect(),
                changes: Vec::new(),
                exceptions: Vec::new(),
            };
            if with_extras {
                m.changes.push(Change {
                    id: "old".into(),
                    release: "r1".into(),
                    action: ChangeAction::Withdrawn,
                    reason: "placeholder reason".into(),
                    by: None,
                    sha256: None,
                });
                m.exceptions.push(GateException {
                    path: "data/x.bin".into(),
                    rule: "unsupported-file-type".into(),
                    location: "content".into(),
                    reason: "reviewed".into(),
                });
            }
            let mut bytes = Vec::new();
            let mut leaves = Vec::new();
            emit_canonical_manifest(
                &m,
                &mut |b: &[u8]| {
                    bytes.extend_from_slice(b);
                    Ok(())
                },
                Some(&mut leaves),
            )
            .unwrap();
            assert!(bytes == canonical::to_canonical(&m).unwrap(), "{n} items");
            assert_eq!(crate::merkle::root(&leaves), m.merkle_root(), "{n} items");
        }
    }
}
