//! File and folder names.

use std::path::Path;

use super::denylist::DenyList;
use super::report::Finding;
use super::rules::RuleId;

/// Deny-list findings for the last component of `rel` (a path relative to the source).
/// `is_dir` selects the location `folder name` or `file name`.
pub fn scan_name(deny: &DenyList, rel: &Path, is_dir: bool) -> Vec<Finding> {
    let Some(name) = rel.file_name() else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    // separators and underscores often stand for spaces in names
    let spaced: String = name
        .chars()
        .map(|c| {
            if matches!(c, '_' | '-' | '.' | '+') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut hits = deny.find(&name);
    hits.extend(deny.find(&spaced));
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
