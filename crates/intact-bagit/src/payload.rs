//! The payload directory `data/` as it is on disk: every regular file with its size, without
//! following symlinks. Symlinks and special files are problems, not payload.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use walkdir::WalkDir;

use super::manifest::PAYLOAD_PREFIX;
use super::report::{Code, Problem};

pub const DIR: &str = "data";

/// What the payload walk found. Paths are relative to the bag root, `/`-separated, UTF-8.
#[derive(Debug, Clone, Default)]
pub struct Payload {
    /// Regular files and their sizes.
    pub files: BTreeMap<String, u64>,
    /// Symlinks and special files (already reported as problems).
    pub rejected: BTreeSet<String>,
    /// Directories (a manifest naming one is wrong: manifests list files).
    pub dirs: BTreeSet<String>,
}

impl Payload {
    pub fn bytes(&self) -> u64 {
        self.files.values().fold(0u64, |a, &b| a.saturating_add(b))
    }

    pub fn count(&self) -> u64 {
        self.files.len() as u64
    }
}

/// Walks `bag/data`. A missing or non-directory `data` is a problem and yields an empty payload.
pub fn scan(bag: &Path, problems: &mut Vec<Problem>) -> Payload {
    let mut payload = Payload::default();
    let root = bag.join(DIR);
    match std::fs::symlink_metadata(&root) {
        Ok(m) if m.file_type().is_symlink() => {
            problems.push(Problem::error(
                Code::Symlink,
                DIR,
                None,
                "the payload directory data/ is a symlink; intact does not follow symlinks",
            ));
            return payload;
        }
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            problems.push(Problem::error(
                Code::MissingPayloadDir,
                DIR,
                None,
                "data is not a directory",
            ));
            return payload;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            problems.push(Problem::error(
                Code::MissingPayloadDir,
                DIR,
                None,
                "the payload directory data/ is missing",
            ));
            return payload;
        }
        Err(e) => {
            problems.push(Problem::error(
                Code::UnreadableFile,
                DIR,
                None,
                format!("cannot read data/: {e}"),
            ));
            return payload;
        }
    }
    for item in WalkDir::new(&root)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry = match item {
            Ok(entry) => entry,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(bag).ok())
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| DIR.into());
                problems.push(Problem::error(
                    Code::UnreadableFile,
                    at,
                    None,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(bag) else {
            continue;
        };
        let Some(rel_str) = rel.to_str() else {
            problems.push(Problem::error(
                Code::NonUtf8Filename,
                rel,
                None,
                "file name is not UTF-8, so no manifest can name it",
            ));
            continue;
        };
        let rel_str = to_slashes(rel_str);
        let file_type = entry.file_type();
        if file_type.is_dir() {
            payload.dirs.insert(rel_str);
        } else if file_type.is_symlink() {
            problems.push(Problem::error(
                Code::Symlink,
                rel,
                None,
                "symlink in the payload; intact does not follow symlinks (a bag must hold its files)",
            ));
            payload.rejected.insert(rel_str);
        } else if file_type.is_file() {
            match entry.metadata() {
                Ok(m) => {
                    payload.files.insert(rel_str, m.len());
                }
                Err(e) => {
                    problems.push(Problem::error(
                        Code::UnreadableFile,
                        rel,
                        None,
                        format!("cannot read size: {e}"),
                    ));
                    payload.rejected.insert(rel_str);
                }
            }
        } else {
            problems.push(Problem::error(
                Code::SpecialFile,
                rel,
                None,
                "special file (device, FIFO or socket) in the payload; a payload holds only regular files",
            ));
            payload.rejected.insert(rel_str);
        }
    }
    debug_assert!(payload.files.keys().all(|k| k.starts_with(PAYLOAD_PREFIX)));
    payload
}

#[cfg(windows)]
fn to_slashes(s: &str) -> String {
    s.replace('\\', "/")
}

#[cfg(not(windows))]
fn to_slashes(s: &str) -> String {
    s.to_owned()
}

/// Operating-system metadata files that end up in payloads by accident, with what made them.
pub fn system_file_origin(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name {
        ".DS_Store" => Some("macOS Finder"),
        "Thumbs.db" | "ehthumbs.db" | "desktop.ini" => Some("Windows Explorer"),
        _ if name.starts_with("._") => Some("macOS (AppleDouble resource fork)"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_files() {
        assert_eq!(system_file_origin("data/.DS_Store"), Some("macOS Finder"));
        assert_eq!(
            system_file_origin("data/x/Thumbs.db"),
            Some("Windows Explorer")
        );
        assert_eq!(
            system_file_origin("data/._a"),
            Some("macOS (AppleDouble resource fork)")
        );
        assert_eq!(system_file_origin("data/a.db"), None);
    }

    #[cfg(unix)]
    #[test]
    fn walks_without_following_symlinks() {
        let bag = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data = bag.path().join("data");
        std::fs::create_dir_all(data.join("sub")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(data.join("sub/a"), b"abc").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("/etc", data.join("link")).unwrap_or_else(|e| panic!("{e}"));
        let mut problems = Vec::new();
        let p = scan(bag.path(), &mut problems);
        assert_eq!(p.files.get("data/sub/a"), Some(&3));
        assert!(p.dirs.contains("data/sub"));
        assert!(p.rejected.contains("data/link"));
        assert_eq!(
            problems.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(),
            ["symlink"]
        );
        assert_eq!(p.bytes(), 3);
    }

    #[test]
    fn missing_data_dir() {
        let bag = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut problems = Vec::new();
        scan(bag.path(), &mut problems);
        assert_eq!(problems[0].code, Code::MissingPayloadDir);
    }
}
