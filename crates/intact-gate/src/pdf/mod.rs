//! PDF scanning.
//!
//! The gate reads PDFs with its own bounded parser instead of trusting the cross-reference
//! table: it finds every `N G obj` in the file, so objects of every revision (including ones
//! superseded by incremental updates) and objects inside object streams are all inspected.
//! Every non-image stream is decoded (Flate, LZW, ASCII85, ASCIIHex, RunLength) within the
//! decompression bound. Then:
//! - deny-list: every string and name of every object, every decoded stream (raw bytes and the
//!   strings in it), XMP metadata packets, page text decoded through the fonts' ToUnicode maps
//!   (pieces of text on one line joined, and joined with spaces), and the bytes outside objects;
//! - structure: revisions (a linearized file's first-page section is not a revision),
//!   annotations other than Link and Widget, filled-in form fields, embedded files, JavaScript,
//!   text under filled boxes, encryption and damage (fail closed).
//!
//! The layers, from the bytes up: [`lexer`] (tokens and objects), `objects` (indirect objects,
//! stream data, object streams; [`filters`] decodes), `trailer` (trailers, encryption,
//! revisions), `document` (latest definitions, catalog, page tree), then what is checked:
//! `strings` (deny-list over objects and streams), `structure` (annotations, JavaScript, embedded
//! files, form fields) and, per page, `resources` + [`font`] + [`content`] (shown text, text
//! under boxes).

pub mod content;
mod document;
pub mod filters;
pub mod font;
pub mod lexer;
mod objects;
mod resources;
mod strings;
mod structure;
mod trailer;

use std::collections::HashMap;

use document::{Doc, Page, PageParts};
use lexer::find;
use objects::RawObj;
use trailer::{Revisions, Trailers};

use super::rules::RuleId;
use super::sink::Sink;

/// Scan a PDF held in memory.
pub fn scan_pdf(data: &[u8], sink: &mut Sink) {
    if !has_header(data) {
        sink.flag(RuleId::UnreadableFile, "no PDF header");
        sink.bytes_fallback("file bytes", data);
        return;
    }
    let (mut objs, stream_ranges) = objects::find_objects(data);
    let trailers = Trailers::find(data, &stream_ranges);
    if trailers.encrypted(&objs) {
        sink.flag(RuleId::UnreadableFile, "encrypted PDF");
        return;
    }
    if objs.is_empty() {
        sink.flag(RuleId::UnreadableFile, "no PDF objects found");
        sink.bytes_fallback("file bytes", data);
        return;
    }
    if trailers.startxrefs.is_empty() {
        sink.flag(
            RuleId::UnreadableFile,
            "no cross-reference section (truncated or damaged PDF)",
        );
    }
    let revisions = Revisions::count(&trailers.startxrefs, &objs);
    revisions.check_updates(&objs, sink);

    objects::decode_streams(data, &mut objs, sink);
    objects::expand_object_streams(&mut objs);
    let latest = document::latest_definitions(&objs);
    let doc = Doc {
        objs: &objs,
        latest: &latest,
    };

    let catalog = doc.catalog(trailers.root(&objs).as_ref());
    let pages = doc.catalog_pages(catalog.as_ref());
    if pages.is_empty() {
        sink.flag(RuleId::UnreadableFile, "no pages found (damaged page tree)");
    }
    let roles = Roles {
        parts: PageParts::of(&pages, &doc),
        info: trailers.info_object(&objs),
        multi_rev: revisions.count > 1,
    };
    scan_objects(sink, &doc, &revisions, &roles);
    scan_pages(sink, &doc, &pages);
    if sink.has_deny() {
        scan_outside_objects(sink, data, &objs);
    }
}

/// A PDF file starts with `%PDF-` (§7.5.2), tolerated anywhere in the first 1024 bytes.
fn has_header(data: &[u8]) -> bool {
    let head = data.get(..data.len().min(1024)).unwrap_or(&[]);
    find(head, b"%PDF-", 0).is_some()
}

/// What objects are to the document, for naming them in findings.
struct Roles {
    parts: PageParts,
    /// The document information dictionary's object number.
    info: Option<u32>,
    /// Whether the file has more than one revision.
    multi_rev: bool,
}

/// Scans every object, superseded ones included: its strings and stream (deny-list) and its
/// structure.
fn scan_objects(sink: &mut Sink, doc: &Doc, revisions: &Revisions, roles: &Roles) {
    for (i, o) in doc.objs.iter().enumerate() {
        let superseded = doc.latest.get(&o.num) != Some(&i);
        let is_info = Some(o.num) == roles.info && !superseded;
        let base = object_location(o, superseded, revisions.of(o.start), roles);
        if sink.has_deny() {
            strings::scan_object_text(sink, &base, o, is_info);
        }
        let mut found = Vec::new();
        structure::check_structure(&o.obj, doc, 0, &mut found);
        for (rule, what) in found {
            sink.flag(rule, &format!("{base} {what}"));
        }
    }
}

/// How findings name an object: its number, the object stream holding it, its revision (`rev`),
/// whether a later definition supersedes it, and what it is to the document (a page's content
/// stream, the document info, a page's annotation).
fn object_location(o: &RawObj, superseded: bool, rev: usize, roles: &Roles) -> String {
    let mut base = format!("object {} {}", o.num, o.gen);
    if let Some(c) = o.container {
        base.push_str(&format!(" (in object stream {c})"));
    }
    if rev > 0 {
        base.push_str(&format!(" (incremental update {rev})"));
    } else if roles.multi_rev {
        base.push_str(" (original revision)");
    }
    if superseded {
        base.push_str(" (superseded by a later definition)");
    }
    let is_info = Some(o.num) == roles.info && !superseded;
    let current = |m: &HashMap<u32, usize>| m.get(&o.num).filter(|_| !superseded).copied();
    if let Some(p) = current(&roles.parts.content) {
        format!("page {p} content stream ({base})")
    } else if is_info {
        format!("document info ({base})")
    } else if let Some(p) = current(&roles.parts.annotation) {
        format!("page {p} annotation ({base})")
    } else {
        base
    }
}

/// Scans what each page shows (§8.2): its content streams interpreted with its fonts, for the
/// deny-list, and for glyphs hidden under filled boxes.
fn scan_pages(sink: &mut Sink, doc: &Doc, pages: &[Page]) {
    let mut font_cache: HashMap<u32, font::Font> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let pno = i + 1;
        let content = page_content(p, doc);
        let res = p.resources.as_ref().and_then(|r| doc.resolve(r));
        let (fonts, alphas) = resources::page_resources(res, doc, &mut font_cache);
        let shown = content::interpret(
            &content,
            &content::Resources {
                fonts: &fonts,
                alphas: &alphas,
            },
        );
        let loc = format!("page {pno} text");
        sink.text(&loc, &shown.tight);
        sink.text(&loc, &shown.spaced);
        if shown.hidden_glyphs > 0 {
            sink.flag(
                RuleId::PdfTextUnderBox,
                &format!(
                    "page {pno} content stream ({} glyphs under a filled box)",
                    shown.hidden_glyphs
                ),
            );
        }
    }
}

/// A page's content streams, decoded and concatenated (§7.8.2), each followed by a newline.
fn page_content(p: &Page, doc: &Doc) -> Vec<u8> {
    let mut content = Vec::new();
    for r in document::refs_in(p.dict.get(b"Contents"), doc) {
        if let Some(d) = doc.get(r).and_then(|o| o.decoded.as_ref()) {
            content.extend_from_slice(d);
            content.push(b'\n');
        }
    }
    content
}

/// Scans the bytes outside objects (comments, trailers, garbage) for deny-listed entries not
/// already found.
fn scan_outside_objects(sink: &mut Sink, data: &[u8], objs: &[RawObj]) {
    let mut rest = data.to_vec();
    for o in objs.iter().filter(|o| o.container.is_none()) {
        if let Some(s) = rest.get_mut(o.start..o.end.min(data.len())) {
            s.fill(b' ');
        }
    }
    sink.bytes_fallback("file structure outside objects", &rest);
}
