//! `pack --previous`: the release the new one extends, and what is known of the archive so far.

use std::path::Path;

use super::PackError;
use crate::digest::Sha256Digest;
use crate::fs::At as _;
use crate::manifest::{Manifest, MANIFEST_FORMAT};
use crate::release::{Previous, Statement};

/// What `--previous PREV` says: the link to put in the new statement, and what is known of the
/// archive so far. PREV is a release log directory (the whole chain is known), a bundle ZIP or
/// directory (that release's items are known), or a `release.json` (only the link is known).
pub fn previous_from(path: &Path) -> Result<(Previous, crate::archive::ArchiveState), PackError> {
    let refused = |m: String| PackError::Refused(format!("{}: {m}", path.display()));
    if crate::log::is_log_dir(path) {
        let (entries, mut problems) =
            crate::log::read_log(path).map_err(|e| refused(e.to_string()))?;
        let state = crate::log::fold(&entries, &mut problems);
        if let Some(p) = problems.first() {
            return Err(refused(format!("release log is broken: {}", p.message)));
        }
        let head = state
            .head()
            .ok_or_else(|| refused("empty release log".into()))?;
        let prev = Previous {
            release: head.release.clone(),
            sha256: head.bundle_id.clone(),
        };
        return Ok((prev, state));
    }
    if path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        let bytes = std::fs::read(path).at(path)?;
        let s: Statement = serde_json::from_slice(&bytes)
            .map_err(|e| refused(format!("not a release statement: {e}")))?;
        let id = Sha256Digest::of(&bytes).to_hex();
        let mut state = crate::archive::ArchiveState::default();
        let empty = Manifest {
            format: MANIFEST_FORMAT.into(),
            collection: s.collection.clone(),
            release: s.release.clone(),
            items: Vec::new(),
            changes: Vec::new(),
            exceptions: Vec::new(),
        };
        state = if state
            .apply(
                &Statement {
                    previous: None,
                    ..s.clone()
                },
                &id,
                &empty,
            )
            .is_ok()
        {
            state
        } else {
            crate::archive::ArchiveState::default()
        };
        return Ok((
            Previous {
                release: s.release,
                sha256: id,
            },
            state,
        ));
    }
    let c = crate::inspect::read_contents(path).map_err(|e| refused(e.to_string()))?;
    let id = c.bundle_id();
    let state = crate::archive::ArchiveState::from_release(&c.statement, &id, &c.manifest);
    Ok((
        Previous {
            release: c.statement.release.clone(),
            sha256: id,
        },
        state,
    ))
}
