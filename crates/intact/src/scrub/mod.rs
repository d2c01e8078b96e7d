//! `intact scrub`: a copy of a file or a tree with the metadata that must not be published
//! removed, without re-encoding any content (docs/SCRUB.md). The source is never changed; the
//! copy is built under a temporary name beside OUT and renamed into place only when whole
//! ([`crate::fs`]), so OUT is either the complete copy or absent.
//!
//! One file per format: `jpeg.rs`, `png.rs` (PNG and WebP), with the metadata editors they
//! share (`exif.rs`, `xmp.rs`, `iptc.rs`); `report.rs` the report.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::fs::{At as _, AtomicDir, Mode, PathError, WriteError};
use crate::gate::RuleId;

pub mod exif;
pub mod iptc;
pub mod jpeg;
pub mod office;
pub mod pdf;
pub mod png;
pub mod report;
pub mod xmp;

pub use pdf::PdfOptions;
pub use report::{FileReport, Fingerprint, Kind, NotFixed, ScrubReport, Status};

/// What one file's scrub produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scrubbed {
    /// The new bytes; `None`: the file is copied unchanged.
    pub bytes: Option<Vec<u8>>,
    /// What was removed, in report words.
    pub removed: Vec<String>,
    pub not_fixed: Vec<NotFixed>,
    pub needs_decision: Vec<String>,
}

/// How scrub runs.
#[derive(Debug, Clone)]
pub struct ScrubOptions {
    /// Files larger than this are copied unchanged and reported not scrubbed.
    pub max_file_bytes: u64,
    /// What is removed from PDFs besides the Info dictionary and the catalog XMP.
    pub pdf: PdfOptions,
}

impl Default for ScrubOptions {
    fn default() -> Self {
        ScrubOptions {
            max_file_bytes: crate::gate::Limits::default().max_file_bytes,
            pdf: PdfOptions::default(),
        }
    }
}

/// Why no copy was written.
#[derive(Debug, thiserror::Error)]
pub enum ScrubError {
    #[error("{path}: no such file or directory")]
    SrcMissing { path: PathBuf },
    #[error("{path}: already exists (scrub never replaces or edits in place)")]
    OutExists { path: PathBuf },
    #[error("{path}: is inside the source (the copy must go elsewhere)")]
    OutInsideSrc { path: PathBuf },
    #[error(transparent)]
    Io(#[from] PathError),
}

impl From<WriteError> for ScrubError {
    fn from(e: WriteError) -> ScrubError {
        match e {
            WriteError::Exists { path } => ScrubError::OutExists { path },
            WriteError::Io(e) => ScrubError::Io(e),
        }
    }
}

/// Copies `src` (a file or a tree) to `out` with its metadata scrubbed; the report of every file.
pub fn scrub(src: &Path, out: &Path, opts: &ScrubOptions) -> Result<ScrubReport, ScrubError> {
    let meta = std::fs::symlink_metadata(src).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ScrubError::SrcMissing {
            path: src.to_owned(),
        },
        _ => PathError::new(src, e).into(),
    })?;
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(ScrubError::OutExists {
            path: out.to_owned(),
        });
    }
    if meta.is_dir() {
        check_outside(src, out)?;
        let dir = AtomicDir::create(out)?;
        let files = scrub_tree(src, dir.path(), opts)?;
        dir.persist()?;
        return Ok(ScrubReport::new(files));
    }
    let name = src
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (report, bytes) = scrub_path(src, name, &meta, opts)?;
    if report.status != Status::Skipped {
        let bytes = match bytes {
            Some(b) => b,
            None => std::fs::read(src).at(src)?,
        };
        crate::fs::write_atomically(out, &bytes, Mode::Public, false)?;
    }
    Ok(ScrubReport::new(vec![report]))
}

/// OUT may not be SRC or inside it (its parent must exist).
fn check_outside(src: &Path, out: &Path) -> Result<(), ScrubError> {
    let src = src.canonicalize().at(src)?;
    let parent = crate::fs::parent_dir(out);
    let parent = parent.canonicalize().at(parent)?;
    let target = match out.file_name() {
        Some(n) => parent.join(n),
        None => parent,
    };
    if target.starts_with(&src) {
        return Err(ScrubError::OutInsideSrc {
            path: out.to_owned(),
        });
    }
    Ok(())
}

/// Every entry under `src`, in name order, scrubbed into `dest` (a fresh directory): the
/// folders first, then the files in parallel, each written as soon as it is scrubbed.
fn scrub_tree(src: &Path, dest: &Path, opts: &ScrubOptions) -> Result<Vec<FileReport>, ScrubError> {
    use rayon::prelude::*;
    let mut entries = Vec::new();
    for entry in walkdir::WalkDir::new(src)
        .follow_links(false)
        .sort_by_file_name()
        .min_depth(1)
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(src).to_owned();
            PathError::new(&path, e.into())
        })?;
        if entry.file_type().is_dir() {
            let target = dest.join(entry.path().strip_prefix(src).unwrap_or(entry.path()));
            std::fs::create_dir(&target).at(&target)?;
        } else {
            entries.push(entry);
        }
    }
    entries
        .par_iter()
        .map(|entry| {
            let rel = entry.path().strip_prefix(src).unwrap_or(entry.path());
            let target = dest.join(rel);
            let meta = entry
                .metadata()
                .map_err(|e| PathError::new(entry.path(), e.into()))?;
            let shown = rel.to_string_lossy().into_owned();
            let (report, bytes) = scrub_path(entry.path(), shown, &meta, opts)?;
            if report.status != Status::Skipped {
                match bytes {
                    Some(b) => std::fs::write(&target, b).at(&target)?,
                    None => {
                        std::fs::copy(entry.path(), &target).at(&target)?;
                    }
                }
            }
            Ok(report)
        })
        .collect()
}

/// One file: its report and, when it differs from the source, the bytes to write.
fn scrub_path(
    path: &Path,
    shown: String,
    meta: &std::fs::Metadata,
    opts: &ScrubOptions,
) -> Result<(FileReport, Option<Vec<u8>>), ScrubError> {
    let mut report = FileReport {
        path: shown,
        kind: Kind::Other,
        status: Status::Skipped,
        before: Fingerprint {
            size: meta.len(),
            sha256: String::new(),
        },
        after: None,
        removed: Vec::new(),
        not_fixed: Vec::new(),
        needs_decision: Vec::new(),
    };
    if !meta.is_file() {
        report.not_fixed.push(NotFixed::new(
            "the file",
            "a symbolic link or special file: not followed and not copied",
        ));
        return Ok((report, None));
    }
    if meta.len() > opts.max_file_bytes {
        report.status = Status::NotScrubbed;
        report.before = fingerprint_file(path)?;
        report.after = Some(report.before.clone());
        report.not_fixed.push(NotFixed::new(
            "the file",
            &format!(
                "larger than {} bytes, the most scrub reads into memory",
                opts.max_file_bytes
            ),
        ));
        return Ok((report, None));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(opts.max_file_bytes + 1).read_to_end(&mut bytes))
        .at(path)?;
    report.before = Fingerprint::of(&bytes);
    let (kind, s) = scrub_bytes(&bytes, opts);
    report.kind = kind;
    report.removed = s.removed;
    report.not_fixed = s.not_fixed;
    report.needs_decision = s.needs_decision;
    report.status = match (&s.bytes, kind) {
        (Some(_), _) => Status::Scrubbed,
        (None, Kind::Other) => Status::Copied,
        (None, _) if !report.not_fixed.is_empty() => Status::NotScrubbed,
        (None, _) => Status::Clean,
    };
    report.after = Some(match &s.bytes {
        Some(b) => Fingerprint::of(b),
        None => report.before.clone(),
    });
    Ok((report, s.bytes))
}

fn fingerprint_file(path: &Path) -> Result<Fingerprint, ScrubError> {
    use sha2::{Digest as _, Sha256};
    let mut f = std::fs::File::open(path).at(path)?;
    let mut h = Sha256::new();
    let size = std::io::copy(&mut f, &mut h).at(path)?;
    Ok(Fingerprint {
        size,
        sha256: h.finalize().iter().map(|b| format!("{b:02x}")).collect(),
    })
}

/// The kind of `d` by its first bytes.
pub fn kind_of(d: &[u8]) -> Kind {
    if d.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Kind::Jpeg
    } else if d.starts_with(b"\x89PNG\r\n\x1a\n") {
        Kind::Png
    } else if d.len() >= 12 && &d[..4] == b"RIFF" && &d[8..12] == b"WEBP" {
        Kind::Webp
    } else if d.starts_with(b"II*\0") || d.starts_with(b"MM\0*") {
        Kind::Tiff
    } else if d.starts_with(b"%PDF-") {
        Kind::Pdf
    } else if d.starts_with(b"PK\x03\x04") && is_office(d) {
        Kind::Office
    } else {
        Kind::Other
    }
}

/// A ZIP whose first member names an office format (OOXML `[Content_Types].xml` or the
/// OpenDocument `mimetype`) — enough to say "office document" in the report.
fn is_office(d: &[u8]) -> bool {
    let head = &d[..d.len().min(4096)];
    memchr::memmem::find(head, b"[Content_Types].xml").is_some()
        || memchr::memmem::find(head, b"mimetypeapplication/vnd.oasis.opendocument").is_some()
}

/// Scrubs one file's bytes by their kind; then the gate's structural rules on the result say
/// what is left ([`left_over`]).
pub fn scrub_bytes(d: &[u8], opts: &ScrubOptions) -> (Kind, Scrubbed) {
    let kind = kind_of(d);
    // a parser's panic on a hostile file leaves the file as it was, reported (fail closed)
    let res = std::panic::catch_unwind(|| edit(kind, d, opts))
        .unwrap_or_else(|_| Err("scrub could not parse it (internal error)".into()));
    let mut s = res.unwrap_or_else(|why| not_scrubbed(&format!("left as it was: {why}")));
    let rules = structural(s.bytes.as_deref().unwrap_or(d));
    for rule in rules {
        left_over(rule, opts, &mut s);
    }
    (kind, s)
}

/// The edit of one file by its kind.
fn edit(kind: Kind, d: &[u8], opts: &ScrubOptions) -> Result<Scrubbed, String> {
    match kind {
        Kind::Jpeg => jpeg::scrub_jpeg(d).map_err(|e| format!("not a readable JPEG ({e})")),
        Kind::Png => png::scrub_png(d).map_err(|e| format!("not a readable PNG ({e})")),
        Kind::Webp => png::scrub_webp(d).map_err(|e| format!("not a readable WebP ({e})")),
        Kind::Tiff => Ok(not_scrubbed(
            "TIFF is not scrubbed: its metadata and its image data share one IFD structure that scrub does not rewrite (convert it to PNG without loss, or remove the fields with another tool and review the result)",
        )),
        Kind::Pdf => pdf::scrub_pdf(d, &opts.pdf, &structural(d)),
        Kind::Office => office::scrub_office(d),
        Kind::Other => Ok(Scrubbed::default()),
    }
}

/// The gate's structural findings on `d` (no deny-list), one per rule.
fn structural(d: &[u8]) -> Vec<RuleId> {
    let mut rules: Vec<RuleId> =
        crate::gate::scan_bytes(Path::new("f"), d, &crate::gate::ScanOptions::default())
            .into_iter()
            .map(|f| f.rule)
            .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// What a structural finding left after scrub means for a person: something scrub did not fix
/// (and why), or content a person must decide about. In scrub's own words only: a finding's
/// location can quote the file.
fn left_over(rule: RuleId, opts: &ScrubOptions, s: &mut Scrubbed) {
    let pdf_option = |given: bool, what: &str| {
        if given {
            "still found after scrub removed what it could: remove the rest by hand".to_owned()
        } else {
            format!("kept: scrub removes {what} only when asked to (docs/SCRUB.md)")
        }
    };
    let (what, why): (&str, String) = match rule {
        RuleId::DocxTrackedChanges | RuleId::OdtTrackedChanges => {
            s.needs_decision.push("tracked changes: accept or reject each one and save again".into());
            return;
        }
        RuleId::DocxComments | RuleId::OdtAnnotations => {
            s.needs_decision.push("comments: delete them and save again (scrub never removes content)".into());
            return;
        }
        RuleId::PdfAnnotation if !opts.pdf.annotations => {
            s.needs_decision.push("PDF annotations (comments, highlights, notes): flatten or delete them, or ask scrub to remove them (docs/SCRUB.md)".into());
            return;
        }
        RuleId::PdfFormFieldValue => {
            s.needs_decision.push("filled-in PDF form fields: flatten the form or clear them".into());
            return;
        }
        RuleId::PdfTextUnderBox => {
            s.needs_decision.push("text drawn under a box: the box hides nothing; delete the text itself and export again".into());
            return;
        }
        RuleId::PdfIncrementalUpdate => (
            "earlier PDF revisions (and the Info dictionary and XMP, removed only with them)",
            pdf_option(opts.pdf.revisions, "earlier revisions"),
        ),
        RuleId::PdfAttachment => ("PDF embedded files", pdf_option(opts.pdf.attachments, "embedded files")),
        RuleId::PdfJavascript => ("PDF JavaScript", pdf_option(opts.pdf.javascript, "JavaScript and actions")),
        RuleId::PdfAnnotation => ("PDF annotations", pdf_option(true, "")),
        RuleId::PdfUndecodableStream => (
            "a PDF stream that cannot be decoded",
            "its text cannot be checked: export the PDF again, or check it by eye".into(),
        ),
        RuleId::ImageGps => ("GPS position", "in a place scrub does not edit: remove it by hand and review".into()),
        RuleId::ImageThumbnail => ("embedded thumbnail", "in a place scrub does not edit: remove it by hand and review".into()),
        RuleId::ImageTrailingData => (
            "data after the image's end",
            "kept with the scan data scrub never touches: look at it, then cut it (save the image again)".into(),
        ),
        RuleId::OfficeThumbnail => ("document thumbnail", "still present: save without a preview picture".into()),
        RuleId::UnreadableFile => ("the file", "cannot be read or parsed (corrupt, truncated or encrypted)".into()),
        RuleId::UnsupportedFileType => (
            "the file",
            "a binary type the gate cannot inspect: convert it, or add a reviewed exception after checking it by eye".into(),
        ),
        RuleId::FileTooLargeToScan | RuleId::DecompressionLimitExceeded => {
            ("the file", "too large for the gate to check: split it, or check it by other means".into())
        }
        RuleId::DenyListMatch | RuleId::SpecialFile => return,
    };
    if !s.not_fixed.iter().any(|n| n.what == what) {
        s.not_fixed.push(NotFixed::new(what, &why));
    }
}

fn not_scrubbed(why: &str) -> Scrubbed {
    Scrubbed {
        not_fixed: vec![NotFixed::new("the file", why)],
        ..Scrubbed::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG with EXIF (Artist, GPS, thumbnail), a comment and a one-byte "scan".
    fn jpeg() -> Vec<u8> {
        let tiff = exif::tests::sample(b"Someone");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut d = vec![0xFF, 0xD8];
        for (m, p) in [
            (0xE1u8, app1),
            (0xFE, b"a comment".to_vec()),
            (0xDA, vec![0; 10]),
        ] {
            d.extend_from_slice(&[0xFF, m]);
            d.extend_from_slice(&((p.len() + 2) as u16).to_be_bytes());
            d.extend_from_slice(&p);
        }
        d.extend_from_slice(&[0x12, 0x34, 0xFF, 0xD9]);
        d
    }

    #[test]
    fn a_jpeg_loses_its_metadata_and_keeps_its_scan() {
        let d = jpeg();
        let s = edit(Kind::Jpeg, &d, &ScrubOptions::default()).unwrap();
        let out = s.bytes.unwrap();
        assert_eq!(
            s.removed,
            [
                "EXIF thumbnail (IFD1)",
                "EXIF UserComment",
                "EXIF GPS",
                "EXIF Artist",
                "JPEG comment"
            ]
        );
        assert!(out.ends_with(&[0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0xFF, 0xD9]));
        assert!(memchr::memmem::find(&out, b"Someone").is_none());
        assert!(memchr::memmem::find(&out, b"a comment").is_none());
        assert_eq!(
            out.len(),
            d.len() - (4 + 9),
            "only the comment segment is shorter"
        );
    }

    #[test]
    fn damaged_files_never_panic() {
        let good = jpeg();
        let o = ScrubOptions::default();
        for n in 0..good.len() {
            let _ = edit(Kind::Jpeg, &good[..n], &o);
        }
        for i in 0..good.len() {
            for v in [0u8, 0xFF, 0x80] {
                let mut d = good.clone();
                d[i] = v;
                let _ = edit(Kind::Jpeg, &d, &o);
            }
        }
        for k in [Kind::Png, Kind::Webp, Kind::Pdf, Kind::Office] {
            for n in 0..good.len() {
                let _ = edit(k, &good[..n], &o);
            }
        }
    }
}
