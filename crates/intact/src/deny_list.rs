//! `intact deny-list expand`: the variants of a deny-list's entries written to a private file
//! for the office to review (the rules are in `intact_gate::expand`, docs/REDACTION.md
//! "Expanding a deny-list").

use std::path::{Path, PathBuf};

use crate::fs::{write_atomically, Mode, WriteError};
use crate::gate::{expand, DenyList, GateError};

/// A deny-list larger than this is refused (a list of names and addresses is far smaller).
pub const MAX_LIST_BYTES: u64 = 16 << 20;

/// An expanded deny-list, not yet written.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// Entries of the original list.
    pub entries: usize,
    /// Lines: every entry and every variant.
    pub lines: usize,
    /// The expanded list loaded as a deny-list (to mask what the command prints).
    pub deny: DenyList,
    text: String,
}

/// What `expand` wrote (the `--json` summary).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    pub out: PathBuf,
    pub entries: usize,
    pub lines: usize,
}

fn io(path: &Path, source: std::io::Error) -> GateError {
    GateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Read the deny-list `list` (checked as `scan` checks it: UTF-8, entries long enough; an error
/// names the file and line, never the content) and expand every entry.
pub fn expand_list(list: &Path) -> Result<Expanded, GateError> {
    let meta = std::fs::metadata(list).map_err(|e| io(list, e))?;
    if meta.len() > MAX_LIST_BYTES {
        return Err(GateError::DenyList {
            path: list.to_path_buf(),
            line: 0,
            reason: format!("larger than {MAX_LIST_BYTES} bytes"),
        });
    }
    DenyList::load(list)?;
    let text = std::fs::read_to_string(list).map_err(|e| io(list, e))?;
    let entries: Vec<String> = DenyList::entries(&text)
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let variants = expand::expand(&entries);
    let text = expand::render(&variants);
    let deny = DenyList::parse(list, &text)?;
    Ok(Expanded {
        entries: entries.len(),
        lines: variants.len(),
        deny,
        text,
    })
}

/// Write `x` to `out` (mode 0600, whole or not at all); an existing `out` is replaced only when
/// `replace`, and never when it is `list` itself.
pub fn write(x: &Expanded, list: &Path, out: &Path, replace: bool) -> Result<Written, GateError> {
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(list), std::fs::canonicalize(out)) {
        if a == b {
            let e =
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "is the deny-list itself");
            return Err(io(out, e));
        }
    }
    write_atomically(out, x.text.as_bytes(), Mode::Private, replace).map_err(|e| match e {
        WriteError::Exists { path } => io(
            &path,
            std::io::Error::new(std::io::ErrorKind::AlreadyExists, "already exists"),
        ),
        WriteError::Io(p) => io(&p.path, p.source),
    })?;
    Ok(Written {
        out: out.to_path_buf(),
        entries: x.entries,
        lines: x.lines,
    })
}

/// [`expand_list`] then [`write`].
pub fn expand_file(list: &Path, out: &Path, replace: bool) -> Result<Written, GateError> {
    write(&expand_list(list)?, list, out, replace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_privately_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("deny.txt");
        std::fs::write(&list, "# office list\nZarifa Testova\n").unwrap();
        let out = dir.path().join("expanded.txt");
        let x = expand_file(&list, &out, false).unwrap();
        assert_eq!(x.entries, 1);
        assert!(x.lines > 5);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("Testova Zarifa\t# entry 1: reversed order\n"),
            "{text}"
        );
        assert!(!expand_list(&list)
            .unwrap()
            .deny
            .find("Testova Zarifa")
            .is_empty());
        let e = expand_file(&list, &out, false).unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        expand_file(&list, &out, true).unwrap();
        assert!(expand_file(&list, &list, true).is_err());
        std::fs::write(&list, "ab\n").unwrap();
        let e = expand_file(&list, &out, true).unwrap_err().to_string();
        assert!(e.contains("deny.txt:1:") && !e.contains("ab\n"), "{e}");
    }
}
