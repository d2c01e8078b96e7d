//! Never printing a withheld string: the one place that turns whatever the gate shows a person
//! (paths, locations, exception reasons, messages) into text that holds no deny-list entry.
//!
//! The deny-list itself is the judge: a string is shown only if no reading of it
//! ([`DenyList::holds`]: as written, punctuation as spaces, percent-decoded, camel case split,
//! each case-folded and normalized) matches an entry. What does match is replaced:
//! - in text, the shortest run of words that holds an entry becomes the entry's mask
//!   (`[withheld #3, 15 chars]`: its number in the deny-list and its length, nothing else);
//! - in a path, each file or folder name that holds an entry becomes
//!   `[file #17, name withheld]` / `[folder #4, name withheld]`, numbered by its position in the
//!   listing of the scanned tree ([`Listing`]), so the office can still find it.
//!
//! A text or path whose masked form would still hold an entry (a name split across words or
//! folders) is replaced whole.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::denylist::DenyList;
use super::report::GateReport;

/// Lines longer than this many words are masked whole when they hold an entry.
const MAX_WORDS: usize = 64;

/// Characters that end a word of a message (besides whitespace).
fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '/' | '\\'
                | ':'
                | ','
                | ';'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '"'
                | '\''
                | '<'
                | '>'
                | '='
                | '`'
        )
}

/// The masks of the entries `text` holds, as one string (`[withheld #1, 15 chars]…`).
fn masks(deny: &DenyList, text: &str) -> String {
    let m = deny.find_in_name(text);
    if m.is_empty() {
        "[withheld]".to_owned()
    } else {
        m.concat()
    }
}

/// `s` with every run of words that holds a deny-list entry replaced by the entry's mask; `s`
/// itself when it holds none (the common case, one matcher pass).
pub fn mask_text(deny: &DenyList, s: &str) -> String {
    if !deny.holds(s) {
        return s.to_owned();
    }
    s.split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches(['\n', '\r']);
            format!("{}{}", mask_line(deny, body), &line[body.len()..])
        })
        .collect()
}

/// One line of [`mask_text`].
fn mask_line(deny: &DenyList, line: &str) -> String {
    if !deny.holds(line) {
        return line.to_owned();
    }
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (is_delimiter(c), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    if words.is_empty() || words.len() > MAX_WORDS {
        return masks(deny, line);
    }
    let n = words.len();
    let mut marked = vec![false; n];
    let window = |k: usize, j: usize| deny.holds(&line[words[k].0..words[j].1]);
    // every shortest window: the latest start k for its end j, and no entry held without j
    for j in 0..n {
        if !window(0, j) {
            continue;
        }
        if let Some(k) = (0..=j).rev().find(|&k| window(k, j)) {
            if k == j || !window(k, j - 1) {
                marked[k..=j].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let mut out = String::with_capacity(line.len());
    let mut kept = String::with_capacity(line.len());
    let mut pos = 0;
    let mut i = 0;
    while i < n {
        if !marked[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < n && marked[j + 1] {
            j += 1;
        }
        let (a, b) = (words[i].0, words[j].1);
        out.push_str(&line[pos..a]);
        kept.push_str(&line[pos..a]);
        kept.push(' ');
        out.push_str(&masks(deny, &line[a..b]));
        pos = b;
        i = j + 1;
    }
    out.push_str(&line[pos..]);
    kept.push_str(&line[pos..]);
    if deny.holds(&kept) {
        masks(deny, line)
    } else {
        out
    }
}

/// The entries of a scanned tree in the order their numbers count: every path relative to the
/// tree, in byte order, files (everything that is not a folder) and folders numbered apart from
/// 1 — the order of `(cd SRC && find . ! -type d | LC_ALL=C sort)`. Read from disk only when a
/// name has to be masked.
pub struct Listing {
    root: Option<PathBuf>,
    read: Option<(Vec<OsString>, Vec<OsString>)>,
}

impl Listing {
    /// The listing of the tree at `root` (read lazily).
    pub fn of(root: &Path) -> Listing {
        Listing {
            root: Some(root.to_path_buf()),
            read: None,
        }
    }

    /// No tree: names are masked without a number.
    pub fn none() -> Listing {
        Listing {
            root: None,
            read: None,
        }
    }

    fn entries(&mut self) -> &(Vec<OsString>, Vec<OsString>) {
        let root = self.root.clone();
        self.read.get_or_insert_with(|| {
            let (mut files, mut folders) = (Vec::new(), Vec::new());
            let Some(root) = root else {
                return (files, folders);
            };
            for e in walkdir::WalkDir::new(&root)
                .follow_links(false)
                .min_depth(1)
                .into_iter()
                .flatten()
            {
                let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
                let rel = rel.as_os_str().to_owned();
                if e.file_type().is_dir() {
                    folders.push(rel);
                } else {
                    files.push(rel);
                }
            }
            let by_bytes =
                |a: &OsString, b: &OsString| a.as_encoded_bytes().cmp(b.as_encoded_bytes());
            files.sort_by(by_bytes);
            folders.sort_by(by_bytes);
            (files, folders)
        })
    }

    /// `[file #N, name withheld]` or `[folder #N, name withheld]` for `rel`, or
    /// `[name withheld]` when it is not in the tree.
    fn label(&mut self, rel: &Path) -> String {
        let key = rel.as_os_str().as_encoded_bytes();
        let (files, folders) = self.entries();
        let find = |list: &[OsString]| {
            list.binary_search_by(|p| p.as_encoded_bytes().cmp(key))
                .ok()
                .map(|i| i + 1)
        };
        match (find(files), find(folders)) {
            (Some(n), _) => format!("[file #{n}, name withheld]"),
            (None, Some(n)) => format!("[folder #{n}, name withheld]"),
            (None, None) => "[name withheld]".to_owned(),
        }
    }
}

/// `rel` (a path relative to the tree of `listing`) with every name that holds a deny-list
/// entry replaced by its numbered label; every name, when the path holds an entry only across
/// names.
pub fn mask_path(deny: &DenyList, listing: &mut Listing, rel: &Path) -> PathBuf {
    let names: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    // a name is read from its bytes too (a cp1251 or cp866 name is not UTF-8, and its lossy
    // form would hide the entry)
    let held: Vec<bool> = rel
        .iter()
        .zip(&names)
        .map(|(c, n)| deny.holds(n) || name_bytes_hold(deny, c))
        .collect();
    let rest: Vec<&str> = names
        .iter()
        .zip(&held)
        .filter(|(_, h)| !**h)
        .map(|(n, _)| n.as_str())
        .collect();
    let across = deny.holds(&rest.join(" "));
    if !across && !held.contains(&true) {
        return rel.to_path_buf();
    }
    let mut prefix = PathBuf::new();
    let mut out = PathBuf::new();
    for (c, h) in rel.iter().zip(held) {
        prefix.push(c);
        if h || across {
            out.push(listing.label(&prefix));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether any reading of a name's bytes as the file system holds them
/// ([`crate::decode::name_views`]) holds an entry.
fn name_bytes_hold(deny: &DenyList, name: &std::ffi::OsStr) -> bool {
    #[cfg(unix)]
    let raw = {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let raw = name.to_string_lossy().into_owned().into_bytes();
    crate::decode::name_views(&raw)
        .iter()
        .any(|v| deny.holds(v))
}

/// Masks every path, location and reason of `report` ([`mask_path`], [`mask_text`]); `src` is
/// the scanned tree, whose listing numbers withheld names.
pub fn mask_report(deny: &DenyList, report: &mut GateReport, src: Option<&Path>) {
    let mut listing = src.map_or_else(Listing::none, Listing::of);
    for f in report
        .findings
        .iter_mut()
        .chain(report.excepted.iter_mut().map(|x| &mut x.finding))
    {
        f.file = mask_path(deny, &mut listing, &f.file);
        f.location = mask_text(deny, &f.location);
    }
    for x in &mut report.excepted {
        x.reason = mask_text(deny, &x.reason);
    }
    for e in &mut report.unused_exceptions {
        e.path = mask_path(deny, &mut listing, &e.path);
        e.reason = mask_text(deny, &e.reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Excepted, Finding};
    use crate::rules::RuleId;

    fn deny() -> DenyList {
        DenyList::from_entries(&["Ivan Fictitious", "Anahit Placeholder", "Elm Street 7"]).unwrap()
    }

    #[test]
    fn text_words_are_masked_and_the_rest_kept() {
        let d = deny();
        assert_eq!(mask_text(&d, "page 2 text"), "page 2 text");
        assert_eq!(
            mask_text(&d, "form field Ivan Fictitious: value"),
            "form field [withheld #1, 15 chars]: value"
        );
        assert_eq!(
            mask_text(
                &d,
                "word/IVAN_FICTITIOUS.xml: comment by anahit placeholder"
            ),
            "word/[withheld #1, 15 chars]: comment by [withheld #2, 18 chars]"
        );
        assert_eq!(
            mask_text(&d, "line one\nlives at elm-street-7\n"),
            "line one\nlives at [withheld #3, 12 chars]\n"
        );
    }

    #[test]
    fn text_held_only_across_delimiters_is_masked_whole() {
        let d = deny();
        let m = mask_text(&d, "(Ivan)(Fictitious)");
        assert!(!d.holds(&m), "{m}");
        assert!(m.contains("[withheld #1, 15 chars]"), "{m}");
    }

    #[test]
    fn paths_show_numbered_labels() {
        let t = tempfile::tempdir().unwrap();
        // byte order: "Ivan/…" (file #1) before "a.txt" (#2), then "z/A…" (#3), "z/b.txt" (#4)
        for f in [
            "a.txt",
            "Ivan/Fictitious.txt",
            "z/Anahit_Placeholder.pdf",
            "z/b.txt",
        ] {
            let p = t.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let d = deny();
        let mut l = Listing::of(t.path());
        let show = |l: &mut Listing, p: &str| mask_path(&d, l, Path::new(p)).display().to_string();
        assert_eq!(show(&mut l, "z/b.txt"), "z/b.txt");
        assert_eq!(
            show(&mut l, "z/Anahit_Placeholder.pdf"),
            "z/[file #3, name withheld]"
        );
        assert_eq!(
            show(&mut l, "Ivan/Fictitious.txt"),
            "[folder #1, name withheld]/[file #1, name withheld]"
        );
        assert_eq!(show(&mut l, "z"), "z");
        let mut none = Listing::none();
        assert_eq!(show(&mut none, "Anahit-Placeholder.csv"), "[name withheld]");
    }

    #[test]
    fn a_report_is_masked_everywhere() {
        let d = deny();
        let mut f = Finding::new("Ivan_Fictitious.txt", "file name", RuleId::DenyListMatch);
        f.masked = d.find("Ivan Fictitious").pop();
        let mut r = GateReport {
            findings: vec![f.clone()],
            excepted: vec![Excepted {
                finding: Finding::new(
                    "a.pdf",
                    "annotation by Ivan Fictitious",
                    RuleId::PdfAnnotation,
                ),
                reason: "reviewed with Anahit Placeholder".into(),
            }],
            ..Default::default()
        };
        mask_report(&d, &mut r, None);
        let json = serde_json::to_string(&r).unwrap();
        assert!(!d.holds(&json), "{json}");
        assert_eq!(r.findings[0].file, PathBuf::from("[name withheld]"));
        assert!(json.contains("[withheld #2, 18 chars]"), "{json}");
    }
}
