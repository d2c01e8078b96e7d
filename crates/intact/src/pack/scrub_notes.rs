//! `pack --scrub-report FILE`: the provenance note scrub's report gives each file it changed
//! ("metadata removed by intact scrub 0.1.0: EXIF GPS, EXIF thumbnail (IFD1)"), added to the
//! item's `digitization` (FORMAT.md §5.2, docs/SCRUB.md). A note is true only of the file scrub
//! wrote: an item whose SHA-256 differs from the report's `after` digest refuses the pack.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::PackError;
use crate::bagpath::BagPath;
use crate::fs::At as _;

/// Largest scrub report read.
const MAX_REPORT: u64 = 256 << 20;

/// The notes of one scrub report, by path below `data/`.
#[derive(Debug, Clone, Default)]
pub struct ScrubNotes {
    pub report: PathBuf,
    /// path → (SHA-256 of the scrubbed file, note)
    pub notes: BTreeMap<String, (String, String)>,
}

#[derive(Deserialize)]
struct Report {
    report: String,
    tool: String,
    files: Vec<File>,
}

#[derive(Deserialize)]
struct File {
    path: String,
    after: Option<After>,
    #[serde(default)]
    removed: Vec<String>,
}

#[derive(Deserialize)]
struct After {
    sha256: String,
}

impl ScrubNotes {
    /// Reads an `intact scrub --json` report (`intact-scrub/1`).
    pub fn load(path: &Path) -> Result<ScrubNotes, PackError> {
        let refused = |m: &str| PackError::Refused(format!("{}: {m}", path.display()));
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_REPORT + 1).read_to_end(&mut bytes))
            .at(path)?;
        if bytes.len() as u64 > MAX_REPORT {
            return Err(refused("larger than a scrub report can be"));
        }
        let r: Report = serde_json::from_slice(&bytes)
            .map_err(|_| refused("not a scrub report (intact scrub --json)"))?;
        let version_ok = r.tool.strip_prefix("intact scrub ").is_some_and(|v| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
        });
        if r.report != "intact-scrub/1" || !version_ok {
            return Err(refused(
                "not a scrub report (intact-scrub/1 from intact scrub)",
            ));
        }
        let mut notes = BTreeMap::new();
        for f in r.files {
            if let (Some(after), false) = (f.after, f.removed.is_empty()) {
                let note = format!("metadata removed by {}: {}", r.tool, f.removed.join(", "));
                notes.insert(f.path, (after.sha256, note));
            }
        }
        Ok(ScrubNotes {
            report: path.to_owned(),
            notes,
        })
    }

    /// The note for the item at `path` whose digest is `sha256`; refused when the report
    /// describes another file at that path.
    pub fn note_for(&self, path: &BagPath, sha256: &str) -> Result<Option<&str>, PackError> {
        let rel = path.as_str().strip_prefix("data/").unwrap_or(path.as_str());
        match self.notes.get(rel) {
            None => Ok(None),
            Some((sha, note)) if sha == sha256 => Ok(Some(note)),
            Some(_) => Err(PackError::Refused(format!(
                "{}: {rel}: is not the file scrub wrote (its SHA-256 differs from the report's); scrub it again, or pack without the scrub report",
                self.report.display()
            ))),
        }
    }

    /// The notes as texts that enter the manifest (for the leak gate).
    pub fn texts(&self) -> Vec<(String, String)> {
        self.notes
            .iter()
            .map(|(p, (_, n))| (format!("scrub report note for {p}"), n.clone()))
            .collect()
    }
}

/// `digitization` with the note added (after a `; ` when there was one already).
pub(super) fn with_note(digitization: Option<String>, note: &str) -> String {
    match digitization {
        Some(d) if !d.trim().is_empty() => format!("{d}; {note}"),
        _ => note.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(json: &str) -> Result<ScrubNotes, PackError> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("r.json");
        std::fs::write(&p, json).unwrap();
        ScrubNotes::load(&p)
    }

    const SHA: &str = "aa";

    #[test]
    fn a_note_per_changed_file_true_only_of_that_file() {
        let n = notes(
            r#"{"report":"intact-scrub/1","tool":"intact scrub 0.1.0","files":[
            {"path":"a.jpg","after":{"sha256":"aa","size":1},"removed":["EXIF GPS","EXIF Artist"]},
            {"path":"b.txt","after":{"sha256":"bb","size":1},"removed":[]}]}"#,
        )
        .unwrap();
        let a = BagPath::parse("data/a.jpg").unwrap();
        assert_eq!(
            n.note_for(&a, SHA).unwrap(),
            Some("metadata removed by intact scrub 0.1.0: EXIF GPS, EXIF Artist")
        );
        assert!(n.note_for(&a, "cc").is_err(), "another file at that path");
        assert_eq!(
            n.note_for(&BagPath::parse("data/b.txt").unwrap(), "bb")
                .unwrap(),
            None
        );
        assert_eq!(
            with_note(Some("scanned 2024".into()), "x"),
            "scanned 2024; x"
        );
        assert_eq!(with_note(None, "x"), "x");
    }

    #[test]
    fn other_json_is_refused() {
        assert!(notes("{}").is_err());
        assert!(notes(r#"{"report":"intact-scrub/1","tool":"evil: Artist","files":[]}"#).is_err());
        assert!(notes(r#"{"report":"intact-scan/1","tool":"intact scrub 1","files":[]}"#).is_err());
    }
}
