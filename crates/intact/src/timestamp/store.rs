//! Where tokens live (FORMAT.md §16.1): always outside the bundle, so a bundle stays format v1
//! byte for byte. Beside a bundle `B` (a ZIP or an extracted directory): `B.tsr`, then
//! `B.2.tsr`, `B.3.tsr`, … (the first free name; the number is decimal, from 2, with no leading
//! zero). In a log entry: `timestamps/1.tsr`, `timestamps/2.tsr`, … Each file is one DER
//! TimeStampToken (what `openssl ts -reply -token_out` writes), never a whole reply.

use std::path::{Path, PathBuf};

use intact_format::limits::Limits;
use intact_format::timestamp::{read_within, TokenError};

use crate::fs::{At, Mode, PathError, WriteError};

/// The directory of a log entry that holds its tokens.
pub const ENTRY_DIR: &str = "timestamps";

/// A stored token: where it was found, and its bytes (or why they were not read).
pub type StoredToken = (PathBuf, Result<Vec<u8>, TokenError>);

/// The number `name` gives a token, if it is `<prefix><N>.tsr` with N decimal, no leading
/// zero, at least `min`; `<prefix>tsr` (no number) counts as 1 where `min` is 2.
fn token_number(name: &str, prefix: &str, min: u64) -> Option<u64> {
    let rest = name.strip_prefix(prefix)?;
    if min == 2 && rest == "tsr" {
        return Some(1);
    }
    let digits = rest.strip_suffix(".tsr")?;
    let ok = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && digits.len() <= 6;
    ok.then(|| digits.parse().ok())?.filter(|&n| n >= min)
}

/// The path of a target as written, without a trailing slash (a directory bundle `d/`).
fn plain(target: &Path) -> PathBuf {
    target.components().collect()
}

/// The tokens stored beside `target`, in number order: `T.tsr`, `T.2.tsr`, …
pub fn sidecars(target: &Path) -> Result<Vec<PathBuf>, PathError> {
    let target = plain(target);
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{name}.");
    let dir = crate::fs::parent_dir(&target);
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(dir).at(dir)? {
        let e = e.at(dir)?;
        let fname = e.file_name();
        if let Some(n) = fname.to_str().and_then(|f| token_number(f, &prefix, 2)) {
            found.push((n, target.with_file_name(&fname)));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// The tokens in log entry `entry`'s `timestamps/` (`1.tsr`, `2.tsr`, … in number order), and
/// the files there that are not tokens' names.
pub fn entry_tokens(entry: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), PathError> {
    let dir = entry.join(ENTRY_DIR);
    if !dir.is_dir() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    let mut strangers = Vec::new();
    for e in std::fs::read_dir(&dir).at(&dir)? {
        let e = e.at(&dir)?;
        let is_file = e.file_type().at(&e.path())?.is_file();
        match e.file_name().to_str().and_then(|f| token_number(f, "", 1)) {
            Some(n) if is_file => found.push((n, e.path())),
            _ => strangers.push(e.path()),
        }
    }
    found.sort();
    strangers.sort();
    Ok((found.into_iter().map(|(_, p)| p).collect(), strangers))
}

/// Reads the token files `paths`, each within [`Limits::timestamp_token_bytes`], at most
/// [`Limits::timestamp_tokens`] of them (the others are refused unread).
pub fn read_tokens(paths: &[PathBuf], limits: &Limits) -> Result<Vec<StoredToken>, PathError> {
    let mut out = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        if i >= limits.timestamp_tokens {
            let e = TokenError::Unreadable(format!(
                "more than {} tokens for one release: not read",
                limits.timestamp_tokens
            ));
            out.push((p.clone(), Err(e)));
            continue;
        }
        let max = limits.timestamp_token_bytes;
        let read = read_within(p, max)
            .at(p)?
            .map_err(|size| TokenError::TooLarge { size, max });
        out.push((p.clone(), read));
    }
    Ok(out)
}

/// Writes `token` beside `target` under the first free name (`T.tsr`, `T.2.tsr`, …), never
/// replacing a file; returns its path.
pub fn store_beside(target: &Path, token: &[u8]) -> Result<PathBuf, WriteError> {
    let target = plain(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    store_numbered(token, |n| match n {
        1 => target.with_file_name(format!("{name}.tsr")),
        n => target.with_file_name(format!("{name}.{n}.tsr")),
    })
}

/// Writes `token` into log entry `entry`'s `timestamps/` under the first free number.
pub fn store_in_entry(entry: &Path, token: &[u8]) -> Result<PathBuf, WriteError> {
    let dir = entry.join(ENTRY_DIR);
    std::fs::create_dir_all(&dir).at(&dir)?;
    store_numbered(token, |n| dir.join(format!("{n}.tsr")))
}

/// Writes `token` (public: a token says nothing the release does not) at `name(n)` for the
/// first n from 1 whose file does not exist, atomically and without replacing.
fn store_numbered(token: &[u8], name: impl Fn(u64) -> PathBuf) -> Result<PathBuf, WriteError> {
    for n in 1..=999_999 {
        let path = name(n);
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        match crate::fs::write_atomically(&path, token, Mode::Public, false) {
            Ok(()) => return Ok(path),
            Err(WriteError::Exists { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(WriteError::Exists {
        path: name(999_999),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_names_are_numbered_without_leading_zeros() {
        assert_eq!(token_number("b.zip.tsr", "b.zip.", 2), Some(1));
        assert_eq!(token_number("b.zip.2.tsr", "b.zip.", 2), Some(2));
        assert_eq!(token_number("b.zip.12.tsr", "b.zip.", 2), Some(12));
        for bad in [
            "b.zip.1.tsr",
            "b.zip.02.tsr",
            "b.zip..tsr",
            "b.zip.x.tsr",
            "b.zip.2.tsr~",
        ] {
            assert_eq!(token_number(bad, "b.zip.", 2), None, "{bad}");
        }
        assert_eq!(token_number("1.tsr", "", 1), Some(1));
        assert_eq!(token_number("tsr", "", 1), None);
        assert_eq!(token_number("01.tsr", "", 1), None);
        assert_eq!(token_number("0.tsr", "", 1), None);
    }

    #[test]
    fn tokens_beside_a_bundle_take_the_first_free_name_and_are_listed_in_order() {
        let d = tempfile::tempdir().unwrap();
        let b = d.path().join("r.zip");
        std::fs::write(&b, b"zip").unwrap();
        let names: Vec<PathBuf> = (0..11).map(|i| store_beside(&b, &[i]).unwrap()).collect();
        assert_eq!(names[0], d.path().join("r.zip.tsr"));
        assert_eq!(names[1], d.path().join("r.zip.2.tsr"));
        std::fs::write(d.path().join("r.zip.02.tsr"), b"x").unwrap();
        std::fs::write(d.path().join("other.zip.tsr"), b"x").unwrap();
        assert_eq!(sidecars(&b).unwrap(), names, "10 after 9, nothing else");
        std::fs::remove_file(&names[3]).unwrap();
        assert_eq!(store_beside(&b, b"again").unwrap(), names[3]);
        let dir = d.path().join("tree");
        std::fs::create_dir(&dir).unwrap();
        let slash = PathBuf::from(format!("{}/", dir.display()));
        assert_eq!(
            store_beside(&slash, b"t").unwrap(),
            d.path().join("tree.tsr")
        );
        assert_eq!(sidecars(&slash).unwrap(), [d.path().join("tree.tsr")]);
    }

    #[test]
    fn entry_tokens_are_numbered_and_strangers_named() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(entry_tokens(d.path()).unwrap(), (vec![], vec![]));
        let a = store_in_entry(d.path(), b"a").unwrap();
        let b = store_in_entry(d.path(), b"b").unwrap();
        assert_eq!(a, d.path().join("timestamps/1.tsr"));
        std::fs::write(d.path().join("timestamps/notes.txt"), b"x").unwrap();
        let (tokens, strangers) = entry_tokens(d.path()).unwrap();
        assert_eq!(tokens, [a, b]);
        assert_eq!(strangers, [d.path().join("timestamps/notes.txt")]);
    }

    #[test]
    fn read_tokens_bounds_size_and_count() {
        let d = tempfile::tempdir().unwrap();
        let limits = Limits {
            timestamp_token_bytes: 4,
            timestamp_tokens: 2,
            ..Limits::DEFAULT
        };
        let p: Vec<PathBuf> = ["a", "b", "c"].iter().map(|n| d.path().join(n)).collect();
        std::fs::write(&p[0], b"1234").unwrap();
        std::fs::write(&p[1], b"12345").unwrap();
        std::fs::write(&p[2], b"1").unwrap();
        let r = read_tokens(&p, &limits).unwrap();
        assert_eq!(r[0].1, Ok(b"1234".to_vec()));
        assert!(matches!(
            r[1].1,
            Err(TokenError::TooLarge { size: 5, max: 4 })
        ));
        assert!(matches!(r[2].1, Err(TokenError::Unreadable(_))));
    }
}
