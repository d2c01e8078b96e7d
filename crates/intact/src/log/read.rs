//! Reading a log directory: the one place that knows what an entry is (`NNNNNN/`, numbered
//! from 1) and what it holds (`release.json`, `manifest.json`, `signatures/*.sig`).

use std::path::{Path, PathBuf};

use super::{seq_name, Entry, LogError, LogProblem, SEQ_WIDTH};
use crate::archive::ArchiveState;
use crate::bag;
use crate::canonical;
use crate::digest::{hex, Sha256Digest};
use crate::fs::{At as _, PathError};
use crate::manifest::Manifest;
use crate::release::{Statement, MAX_RELEASE_BYTES};
use crate::verify::MAX_MANIFEST_BYTES;

/// Reads every entry of a log, checking its layout: entries `000001`… with no gap, nothing
/// else in the log, each entry holding exactly `release.json`, `manifest.json` and
/// `signatures/*.sig`. A missing log directory is an empty log.
pub fn read_log(dir: &Path) -> Result<(Vec<Entry>, Vec<LogProblem>), LogError> {
    let mut entries = Vec::new();
    if !dir.exists() {
        return Ok((entries, Vec::new()));
    }
    let (seqs, mut problems) = entry_dirs(dir)?;
    for (i, (n, path)) in seqs.into_iter().enumerate() {
        let expected = i as u64 + 1;
        if n != expected {
            problems.push(LogProblem {
                seq: Some(n),
                release: None,
                path: path.display().to_string(),
                message: format!(
                    "gap in the log: entry {} is missing before this one",
                    seq_name(expected)
                ),
            });
        }
        entries.push(read_entry(n, &path, &mut problems)?);
    }
    Ok((entries, problems))
}

/// [`read_log`] of a log that must exist (`log verify`, `log status`): a missing directory is
/// an I/O error (exit 2, "could not check"), not an empty log.
pub fn read_existing_log(dir: &Path) -> Result<(Vec<Entry>, Vec<LogProblem>), LogError> {
    std::fs::metadata(dir).at(dir)?;
    read_log(dir)
}

/// The entries of a log directory by number: `(seq, dir)`.
pub type EntryDirs = Vec<(u64, PathBuf)>;

/// The entries of a log directory, `(seq, dir)` in order, and a problem for everything else in
/// it (entries are directories `000001`, `000002`, …; gaps are [`read_log`]'s to report).
pub fn entry_dirs(dir: &Path) -> Result<(EntryDirs, Vec<LogProblem>), PathError> {
    let mut problems = Vec::new();
    let mut seqs = EntryDirs::new();
    for e in std::fs::read_dir(dir).at(dir)? {
        let e = e.at(dir)?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ft = e.file_type().at(&e.path())?;
        match entry_seq(&name) {
            Some(n) if ft.is_dir() => seqs.push((n, e.path())),
            // Layout 2 (FORMAT.md §15): checkpoints and cosignatures, judged by tlog_verify.
            None if name == super::tlog::TLOG_DIR && ft.is_dir() => {}
            _ => problems.push(LogProblem {
                seq: None,
                release: None,
                path: e.path().display().to_string(),
                message: "not a log entry (entries are directories 000001, 000002, …)".into(),
            }),
        }
    }
    seqs.sort();
    Ok((seqs, problems))
}

/// The number of a log entry named `name`: exactly six ASCII digits, not all zero (FORMAT.md
/// §14). `+00001`, ` 00001`, `0000001` or `00001` are not entry names.
pub fn entry_seq(name: &str) -> Option<u64> {
    if name.len() != SEQ_WIDTH || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse::<u64>().ok().filter(|&n| n > 0)
}

/// Reads one entry `dir` of the log (number `seq`), adding what is wrong with it to `problems`.
pub(super) fn read_entry(
    seq: u64,
    dir: &Path,
    problems: &mut Vec<LogProblem>,
) -> Result<Entry, LogError> {
    let mut add = |release: Option<String>, path: &Path, message: String| {
        problems.push(LogProblem {
            seq: Some(seq),
            release,
            path: path.display().to_string(),
            message,
        })
    };
    let rpath = dir.join("release.json");
    let release_json = read_limited(&rpath, MAX_RELEASE_BYTES)?.unwrap_or_default();
    let statement: Option<Statement> = serde_json::from_slice(&release_json).ok();
    let rel = statement.as_ref().map(|s| s.release.clone());
    if release_json.is_empty() {
        add(None, &rpath, "missing or not a regular file".into());
    } else if statement.is_none() {
        add(None, &rpath, "not a valid statement".into());
    } else if !canonical::is_canonical(&release_json) {
        add(rel.clone(), &rpath, "not canonical JSON".into());
    }
    let mpath = dir.join("manifest.json");
    let manifest_bytes = read_limited(&mpath, MAX_MANIFEST_BYTES)?;
    let mut manifest = None;
    match (&manifest_bytes, &statement) {
        (None, _) => add(rel.clone(), &mpath, "missing or not a regular file".into()),
        (Some(b), Some(s)) => {
            let want = s.tag_files.get(bag::ITEMS_PATH);
            if want != Some(&Sha256Digest::of(b).to_hex()) {
                add(
                    rel.clone(),
                    &mpath,
                    "does not match the digest in release.json".into(),
                );
            } else {
                match serde_json::from_slice::<Manifest>(b) {
                    Ok(m) => {
                        let root = hex(&m.merkle_root());
                        if root != s.merkle_root || m.items.len() as u64 != s.item_count {
                            add(
                                rel.clone(),
                                &mpath,
                                "item records do not match release.json (Merkle root or count)"
                                    .into(),
                            );
                        }
                        manifest = Some(m);
                    }
                    Err(e) => add(rel.clone(), &mpath, format!("not a valid manifest: {e}")),
                }
            }
        }
        (Some(_), None) => {}
    }
    let mut signatures = Vec::new();
    let sdir = dir.join("signatures");
    if sdir.is_dir() {
        for e in std::fs::read_dir(&sdir).at(&sdir)? {
            let e = e.at(&sdir)?;
            let name = e.file_name().to_string_lossy().into_owned();
            match read_limited(&e.path(), 1 << 20)? {
                Some(b) if name.ends_with(".sig") => signatures.push((name, b)),
                _ => add(
                    rel.clone(),
                    &e.path(),
                    "unexpected file in signatures/".into(),
                ),
            }
        }
        signatures.sort();
    }
    for e in std::fs::read_dir(dir).at(dir)? {
        let e = e.at(dir)?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !matches!(
            name.as_str(),
            "release.json" | "manifest.json" | "signatures" | crate::timestamp::store::ENTRY_DIR
        ) {
            add(
                rel.clone(),
                &e.path(),
                "unexpected file in a log entry".into(),
            );
        }
    }
    Ok(Entry {
        seq,
        dir: dir.to_owned(),
        release_json,
        statement,
        manifest,
        signatures,
    })
}

/// Folds entries into the archive state, recording chain problems (gaps were found by
/// `read_log`; forks and broken links, decreasing `created`, changes without records here).
pub fn fold(entries: &[Entry], problems: &mut Vec<LogProblem>) -> ArchiveState {
    let mut state = ArchiveState::default();
    for e in entries {
        let (Some(s), Some(m)) = (&e.statement, &e.manifest) else {
            continue;
        };
        if let Err(ps) = state.apply(s, &e.bundle_id(), m) {
            for p in ps {
                problems.push(LogProblem {
                    seq: Some(e.seq),
                    release: Some(s.release.clone()),
                    path: e.dir.display().to_string(),
                    message: p,
                });
            }
        }
    }
    state
}

/// The bytes of `p` if it is a regular file of at most `limit` bytes; `None` if it is missing,
/// not a regular file, or larger.
fn read_limited(p: &Path, limit: u64) -> Result<Option<Vec<u8>>, PathError> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_file() && m.len() <= limit => std::fs::read(p).map(Some).at(p),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PathError::new(p, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_are_exactly_six_digits_from_one() {
        assert_eq!(entry_seq("000001"), Some(1));
        assert_eq!(entry_seq("999999"), Some(999_999));
        for bad in [
            "+00001",
            "-00001",
            " 00001",
            "00001 ",
            "0000001",
            "00001",
            "000000",
            "00000a",
            "0x0001",
            "٠٠٠٠٠١",
            "",
        ] {
            assert_eq!(entry_seq(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn anything_but_an_entry_name_in_the_log_is_a_problem() {
        let t = tempfile::tempdir().unwrap();
        for d in ["000001", "+00002", "0000003", "000000"] {
            std::fs::create_dir(t.path().join(d)).unwrap();
        }
        std::fs::write(t.path().join("000004"), b"a file, not an entry").unwrap();
        let (seqs, problems) = entry_dirs(t.path()).unwrap();
        assert_eq!(seqs, vec![(1, t.path().join("000001"))]);
        let mut named: Vec<String> = problems
            .iter()
            .map(|p| p.path.rsplit('/').next().unwrap().to_owned())
            .collect();
        named.sort();
        assert_eq!(named, ["+00002", "000000", "0000003", "000004"]);
    }
}
