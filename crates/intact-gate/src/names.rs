//! File and folder names.

use std::path::Path;

use super::denylist::DenyList;
use super::report::Finding;
use super::rules::RuleId;

/// The bytes of a name as the file system holds them.
#[cfg(unix)]
fn raw_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

/// The bytes of a name as the file system holds them (UTF-8 where names are Unicode).
#[cfg(not(unix))]
fn raw_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

/// Deny-list findings for the last component of `rel` (a path relative to the source).
/// `is_dir` selects the location `folder name` or `file name`.
pub fn scan_name(deny: &DenyList, rel: &Path, is_dir: bool) -> Vec<Finding> {
    let Some(name) = rel.file_name() else {
        return Vec::new();
    };
    // every reading of the name's bytes (a name written in cp1251 or cp866 is not UTF-8),
    // percent-decoded, and with separators and underscores read as spaces
    let mut hits = Vec::new();
    for v in crate::decode::name_views(&raw_bytes(name)) {
        hits.extend(deny.find(&v));
    }
    hits.sort();
    hits.dedup();
    let location = if is_dir { "folder name" } else { "file name" };
    hits.into_iter()
        .map(|masked| Finding {
            file: rel.to_path_buf(),
            location: location.to_string(),
            rule: RuleId::DenyListMatch,
            masked: Some(masked),
        })
        .collect()
}
