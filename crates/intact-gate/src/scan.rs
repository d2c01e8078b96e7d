//! Walking the source tree, dispatching each file by its content (not its extension), bounds,
//! panic containment and exceptions.

use std::fs::{File, Metadata};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::denylist::DenyList;
use super::error::GateError;
use super::exceptions::Exception;
use super::report::{Excepted, Finding, GateReport};
use super::rules::RuleId;
use super::sink::Sink;
use super::{decode, exceptions, image, mask, names, office, pdf, text};

/// Resource bounds of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file loaded into memory; larger files are `file-too-large-to-scan`.
    pub max_file_bytes: u64,
    /// Largest single decompressed stream or zip member.
    pub max_stream_bytes: u64,
    /// Total decompressed bytes per file (zip-bomb bound).
    pub max_decompressed_bytes: u64,
    /// How deep containers (zip in zip, image in DOCX, attachment in a mail) are followed.
    pub max_nesting: u32,
    /// Most leaf parts decoded from one MIME message (mail, MHT); more is
    /// `decompression-limit-exceeded`.
    pub max_mime_parts: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 512 << 20,
            max_stream_bytes: 256 << 20,
            max_decompressed_bytes: 1 << 30,
            max_nesting: 3,
            max_mime_parts: 10_000,
        }
    }
}

/// What to scan with.
#[derive(Debug, Default)]
pub struct ScanOptions {
    /// The deny-list; without one only structural rules run.
    pub deny: Option<DenyList>,
    /// Reviewed exceptions.
    pub exceptions: Vec<Exception>,
    /// Resource bounds.
    pub limits: Limits,
}

/// Dispatch bytes by content: PDF, JPEG, PNG, GIF, TIFF, WebP, zip (DOCX/ODT/...), text (UTF-8,
/// UTF-16 with a BOM or clearly UTF-16 without, or bytes that read as text in a single-byte code
/// page), decoded by the
/// decoding layer (`decode`); anything else is `unsupported-file-type` (its bytes are still
/// deny-list scanned).
pub fn scan_content(sink: &mut Sink, d: &[u8]) {
    let head = d.get(..d.len().min(1024)).unwrap_or(&[]);
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        pdf::scan_pdf(d, sink);
    } else if d.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image::scan_jpeg(sink, "", d);
    } else if d.starts_with(b"\x89PNG\r\n\x1a\n") {
        image::scan_png(sink, "", d);
    } else if d.starts_with(b"II*\0") || d.starts_with(b"MM\0*") {
        image::scan_tiff(sink, "", d);
    } else if d.len() >= 12 && d.starts_with(b"RIFF") && &d[8..12] == b"WEBP" {
        image::scan_webp(sink, "", d);
    } else if d.starts_with(b"PK\x03\x04") || d.starts_with(b"PK\x05\x06") {
        office::scan_zip(sink, d);
    } else if d.starts_with(b"GIF87a") || d.starts_with(b"GIF89a") {
        super::gif::scan_gif(sink, "", d);
    } else if let Some(t) = text::as_plain_text(d) {
        text::scan_text(sink, d, Some(&t));
    } else if decode::codepage::looks_like_8bit_text(d) {
        text::scan_text(sink, d, None);
    } else if let Some(t) = text::utf16_without_bom(d) {
        text::scan_text(sink, d, Some(&t));
    } else {
        sink.flag(
            RuleId::UnsupportedFileType,
            "content (not a supported format or plain text)",
        );
        sink.bytes("content", d);
    }
}

/// The location of the finding a parser's panic becomes (`unreadable-file`: fail closed). Tests
/// treat it as a crash.
pub const INTERNAL_FAILURE: &str = "internal parser failure";

/// Scan bytes of one file; `display` is the path shown in findings.
pub fn scan_bytes(display: &Path, data: &[u8], opts: &ScanOptions) -> Vec<Finding> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut sink = Sink::new(display, opts.deny.as_ref(), opts.limits);
        scan_content(&mut sink, data);
        sink.into_findings()
    }));
    match result {
        Ok(f) => f,
        Err(_) => vec![Finding::new(
            display,
            INTERNAL_FAILURE,
            RuleId::UnreadableFile,
        )],
    }
}

/// Scan one file's content (not its name). `display` is the path shown in findings.
pub fn scan_file(path: &Path, display: &Path, opts: &ScanOptions) -> Vec<Finding> {
    scan_one(path, display, opts, &|_, _, _| ()).0
}

/// A file to scan: where it is, and its path relative to the scanned tree.
type SourceFile = (PathBuf, PathBuf);

/// What a caller of [`scan_tree_with`] does with each regular file the gate reads: it gets the
/// open file, its metadata when it was opened, and the whole content when the gate loaded it
/// (files within [`Limits::max_file_bytes`]; a larger file is not loaded, and the visitor reads
/// it itself, from the start: the gate may have read part of it). So a caller can hash exactly the bytes the gate scanned,
/// reading each file once.
pub type Visitor<'a, T> = dyn Fn(&File, &Metadata, Option<&[u8]>) -> T + Sync + 'a;

/// Opens, reads and scans one file, and hands it to `visit`; `None` when it cannot be read.
fn scan_one<T: Send>(
    abs: &Path,
    rel: &Path,
    opts: &ScanOptions,
    visit: &Visitor<'_, T>,
) -> (Vec<Finding>, Option<T>) {
    let unreadable = || {
        vec![Finding::new(
            rel,
            "file cannot be read",
            RuleId::UnreadableFile,
        )]
    };
    let max = opts.limits.max_file_bytes;
    let too_large = |n: u64| vec![too_large(rel, n, &opts.limits)];
    let Ok(file) = File::open(abs) else {
        return (unreadable(), None);
    };
    let Ok(meta) = file.metadata() else {
        return (unreadable(), None);
    };
    if meta.len() > max {
        return (too_large(meta.len()), Some(visit(&file, &meta, None)));
    }
    let mut d = Vec::with_capacity(meta.len() as usize + 1);
    match (&file).take(max + 1).read_to_end(&mut d) {
        Err(_) => (unreadable(), None),
        Ok(_) if d.len() as u64 > max => {
            let n = d.len() as u64;
            drop(d);
            (too_large(n), Some(visit(&file, &meta, None)))
        }
        Ok(_) if d.len() as u64 > SEQUENTIAL_ABOVE => {
            // a large file: its scan and its visit run side by side
            let (findings, t) = rayon::join(
                || scan_bytes(rel, &d, opts),
                || visit(&file, &meta, Some(&d)),
            );
            (findings, Some(t))
        }
        Ok(_) => (
            scan_bytes(rel, &d, opts),
            Some(visit(&file, &meta, Some(&d))),
        ),
    }
}

/// Files larger than this are scanned one at a time (each is read whole).
pub const SEQUENTIAL_ABOVE: u64 = 32 << 20;

/// Scan every file and folder under `src` (symbolic links are not followed: they are findings),
/// apply exceptions and return the report.
pub fn scan_tree(src: &Path, opts: &ScanOptions) -> Result<GateReport, GateError> {
    scan_tree_with(src, opts, &|_, _, _| ()).map(|(report, _)| report)
}

/// [`scan_tree`], handing every regular file it reads to `visit`: returns the report and, for
/// each file that could be read, its path (under `src`, as walked) and what `visit` returned.
pub fn scan_tree_with<T: Send>(
    src: &Path,
    opts: &ScanOptions,
    visit: &Visitor<'_, T>,
) -> Result<(GateReport, Vec<(PathBuf, T)>), GateError> {
    let meta = std::fs::metadata(src).map_err(|source| GateError::Io {
        path: src.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(GateError::NotADirectory {
            path: src.to_path_buf(),
        });
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| src.to_path_buf());
                let rel = p.strip_prefix(src).unwrap_or(&p).to_path_buf();
                findings.push(Finding::new(
                    rel,
                    "cannot be listed",
                    RuleId::UnreadableFile,
                ));
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(src)
            .unwrap_or(entry.path())
            .to_path_buf();
        let ft = entry.file_type();
        if let Some(d) = &opts.deny {
            findings.extend(names::scan_name(d, &rel, ft.is_dir()));
        }
        if ft.is_dir() {
            continue;
        }
        if ft.is_file() {
            files.push((entry.path().to_path_buf(), rel));
        } else {
            let what = if ft.is_symlink() {
                "symbolic link"
            } else {
                "not a regular file"
            };
            findings.push(Finding::new(rel, what, RuleId::SpecialFile));
        }
    }
    // A file is scanned whole in memory: small files in parallel, large ones one at a time, so
    // peak memory is about the largest file scanned rather than twice it.
    let (large, small): (Vec<&SourceFile>, Vec<&SourceFile>) =
        files.iter().partition(|(abs, _)| {
            std::fs::metadata(abs)
                .map(|m| m.len() > SEQUENTIAL_ABOVE)
                .unwrap_or(false)
        });
    let per_file: Vec<(Vec<Finding>, Option<T>)> = small
        .par_iter()
        .map(|(abs, rel)| scan_one(abs, rel, opts, visit))
        .collect();
    let mut visited = Vec::with_capacity(files.len());
    for ((abs, _), (f, t)) in small.iter().zip(per_file) {
        findings.extend(f);
        visited.extend(t.map(|t| (abs.clone(), t)));
    }
    for (abs, rel) in large {
        let (f, t) = scan_one(abs, rel, opts, visit);
        findings.extend(f);
        visited.extend(t.map(|t| (abs.clone(), t)));
    }
    let report = build_report(findings, files.len() as u64, opts, Some(src));
    Ok((report, visited))
}

/// The report of a scan from all its findings: the reasons of the exceptions checked (they go
/// into the manifest), exceptions applied, withheld strings masked ([`mask::mask_report`]; `src`
/// is the scanned tree, whose listing numbers withheld names).
pub fn build_report(
    mut findings: Vec<Finding>,
    files_scanned: u64,
    opts: &ScanOptions,
    src: Option<&Path>,
) -> GateReport {
    let mut report = GateReport {
        files_scanned,
        deny_list_used: opts.deny.is_some(),
        rules: if opts.deny.is_some() {
            RuleId::ALL.to_vec()
        } else {
            RuleId::structural()
        },
        ..Default::default()
    };
    if let Some(d) = &opts.deny {
        findings.extend(exceptions::scan_reasons(d, &opts.exceptions));
    }
    apply_exceptions(&mut report, findings, &opts.exceptions);
    if let Some(d) = &opts.deny {
        let in_locations = exceptions::scan_excepted(d, &report.excepted);
        report.findings.extend(in_locations);
        report.sort();
        mask::mask_report(d, &mut report, src);
    }
    report
}

/// Deny-list findings in the names of `files` (paths relative to the scanned tree) and of every
/// folder they are in: every name that a bundle of these files would carry.
pub fn scan_names<'a>(deny: &DenyList, files: impl IntoIterator<Item = &'a Path>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut folders = std::collections::BTreeSet::new();
    for rel in files {
        findings.extend(names::scan_name(deny, rel, false));
        folders.extend(
            rel.ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty()),
        );
    }
    for f in folders {
        findings.extend(names::scan_name(deny, f, true));
    }
    findings
}

/// The finding for a file larger than the gate loads.
pub fn too_large(rel: &Path, size: u64, limits: &Limits) -> Finding {
    Finding::new(
        rel,
        format!("{size} bytes (limit {})", limits.max_file_bytes),
        RuleId::FileTooLargeToScan,
    )
}

/// Split findings into blocking and excepted ones; unmatched exceptions are reported.
pub fn apply_exceptions(report: &mut GateReport, findings: Vec<Finding>, exceptions: &[Exception]) {
    let mut used = vec![false; exceptions.len()];
    // (path, rule) → first exception: a lookup per finding, not a scan of the whole list.
    let mut index: std::collections::HashMap<(&Path, RuleId), usize> =
        std::collections::HashMap::new();
    for (i, e) in exceptions.iter().enumerate() {
        index.entry((e.path.as_path(), e.rule)).or_insert(i);
    }
    for f in findings {
        let hit = if f.rule.exceptable() {
            index.get(&(f.file.as_path(), f.rule)).copied()
        } else {
            None
        };
        match hit {
            Some(i) => {
                used[i] = true;
                report.excepted.push(Excepted {
                    finding: f,
                    reason: exceptions[i].reason.clone(),
                });
            }
            None => report.findings.push(f),
        }
    }
    report.unused_exceptions = exceptions
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(e, _)| e.clone())
        .collect();
    report.sort();
}
