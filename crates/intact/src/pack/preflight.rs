//! Checks made before any work: where the output goes, and that nothing private (metadata,
//! originals, the ledger, the gate's own files) can end up in the bundle.

use std::path::{Path, PathBuf};

use super::{PackError, PackOptions};
use crate::fs::{parent_dir, At as _};

/// Checks the output path before any work: not inside SRC, not existing unless `force`.
pub(super) fn check_output(src: &Path, out: &Path, force: bool) -> Result<(), PackError> {
    if out.symlink_metadata().is_ok() && !force {
        return Err(PackError::OutExists {
            path: out.to_owned(),
        });
    }
    let src_abs = std::fs::canonicalize(src).at(src)?;
    let out_parent = parent_dir(out);
    let parent_abs = std::fs::canonicalize(out_parent).at(out_parent)?;
    if parent_abs.starts_with(&src_abs) {
        return Err(PackError::OutInsideSrc {
            path: out.to_owned(),
        });
    }
    Ok(())
}

fn absolute(p: &Path) -> Result<PathBuf, PackError> {
    Ok(std::path::absolute(p).at(p)?)
}

/// Whether `inner` is `outer` or lies below it (both made absolute; `inner` need not exist).
fn is_within(inner: &Path, outer: &Path) -> Result<bool, PackError> {
    let outer = std::fs::canonicalize(outer).at(outer)?;
    let inner_abs = absolute(inner)?;
    let resolved = match (inner_abs.parent(), inner_abs.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => {
            std::fs::canonicalize(parent).at(parent)?.join(name)
        }
        _ => inner_abs,
    };
    Ok(resolved.starts_with(&outer))
}

/// Checks the private inputs cannot end up in the bundle, and the ledger is new.
pub(super) fn check_private_paths(opts: &PackOptions) -> Result<(), PackError> {
    if let Some(m) = &opts.metadata {
        if is_within(&m.path, &opts.src)? {
            return Err(PackError::Refused(format!(
                "{}: the metadata file is inside the source and would be published; move it out",
                m.path.display()
            )));
        }
    }
    if let Some(c) = &opts.commitments {
        if opts.metadata.is_none() {
            return Err(PackError::CommitmentsNeedMetadata);
        }
        if is_within(&c.originals, &opts.src)? || is_within(&opts.src, &c.originals)? {
            return Err(PackError::Refused(format!(
                "{}: the originals must not overlap the source directory",
                c.originals.display()
            )));
        }
        if c.ledger.symlink_metadata().is_ok() {
            return Err(PackError::Refused(format!(
                "{}: ledger exists; a ledger is never overwritten",
                c.ledger.display()
            )));
        }
        if is_within(&c.ledger, &opts.src)? {
            return Err(PackError::Refused(format!(
                "{}: the ledger must not be inside the source",
                c.ledger.display()
            )));
        }
        if absolute(&c.ledger)? == absolute(&opts.out)? {
            return Err(PackError::Refused(format!(
                "{}: the ledger cannot be the output",
                c.ledger.display()
            )));
        }
    }
    Ok(())
}

/// The deny-list and the exceptions file must not be inside the source (they would be published).
pub(super) fn check_gate_files(opts: &PackOptions) -> Result<(), PackError> {
    for (what, p) in [
        ("deny-list", &opts.gate.deny_list_path),
        ("exceptions file", &opts.gate.exceptions_path),
    ] {
        if let Some(p) = p {
            if is_within(p, &opts.src)? {
                return Err(PackError::Refused(format!(
                    "{}: the {what} is inside the source and would be published; move it out",
                    p.display()
                )));
            }
        }
    }
    Ok(())
}
