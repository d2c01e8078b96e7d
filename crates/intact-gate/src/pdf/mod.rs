//! PDF scanning.
//!
//! The gate reads PDFs with its own bounded parser instead of trusting the cross-reference
//! table: it finds every `N G obj` in the file, so objects of every revision (including ones
//! superseded by incremental updates) and objects inside object streams are all inspected.
//! Every non-image stream is decoded (Flate, LZW, ASCII85, ASCIIHex, RunLength) within the
//! decompression bound. Then:
//! - deny-list: every string and name of every object (percent-decoded too when it has escapes,
//!   as a link's URI may), every decoded stream (raw bytes and the strings in it), XMP metadata
//!   packets, page text decoded through the fonts' ToUnicode maps or glyph names (pieces of text
//!   on one line joined, joined with spaces, and [`layout`]: by position, with `/ActualText`),
//!   and the bytes outside objects;
//! - structure: revisions (a linearized file's first-page section is not a revision),
//!   annotations other than Link and Widget, filled-in form fields (by the form's field trees),
//!   embedded files, JavaScript, text under opaque filled boxes, encryption and damage (fail
//!   closed).
//!
//! The layers, from the bytes up: [`lexer`] (tokens and objects), `objects` (indirect objects,
//! stream data, object streams; [`filters`] decodes), `trailer` (trailers, encryption,
//! revisions), `document` (latest definitions, catalog, page tree), then what is checked:
//! `strings` (deny-list over objects and streams), `structure` (annotations, JavaScript, embedded
//! files, form fields) and, per page, `resources` + [`font`] (with `glyphlist` and `stdfonts`) +
//! [`content`] (shown text, text under boxes) + [`layout`] (text by position).

pub mod content;
mod document;
pub mod filters;
pub mod font;
mod glyphlist;
pub mod layout;
pub mod lexer;
mod objects;
mod resources;
mod stdfonts;
mod strings;
mod structure;
mod trailer;

use std::collections::{HashMap, HashSet};

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
    let fields = structure::form_field_objects(&doc);
    scan_objects(sink, &doc, &revisions, &roles, &fields);
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
fn scan_objects(
    sink: &mut Sink,
    doc: &Doc,
    revisions: &Revisions,
    roles: &Roles,
    fields: &HashSet<u32>,
) {
    for (i, o) in doc.objs.iter().enumerate() {
        let superseded = doc.latest.get(&o.num) != Some(&i);
        let is_info = Some(o.num) == roles.info && !superseded;
        let base = object_location(o, superseded, revisions.of(o.start), roles);
        if sink.has_deny() {
            strings::scan_object_text(sink, &base, o, is_info);
        }
        let mut found = Vec::new();
        structure::check_structure(&o.obj, doc, fields.contains(&o.num), &mut found);
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
    let mut font_cache: HashMap<u32, std::rc::Rc<font::Font>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let pno = i + 1;
        let content = page_content(p, doc);
        let res = p.resources.as_ref().and_then(|r| doc.resolve(r));
        let (fonts, alphas, actual_texts) = resources::page_resources(res, doc, &mut font_cache);
        let shown = content::interpret(
            &content,
            &content::Resources {
                fonts: &fonts,
                alphas: &alphas,
                actual_texts: &actual_texts,
            },
        );
        let loc = format!("page {pno} text");
        sink.text(&loc, &shown.tight);
        sink.text(&loc, &shown.spaced);
        sink.text(&loc, &shown.lines);
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
/// already found: each object's bytes stand as one space (whitespace runs read as one space
/// anyway), so the scan costs what lies outside objects.
fn scan_outside_objects(sink: &mut Sink, data: &[u8], objs: &[RawObj]) {
    let mut ranges: Vec<(usize, usize)> = objs
        .iter()
        .filter(|o| o.container.is_none())
        .map(|o| (o.start.min(data.len()), o.end.min(data.len())))
        .collect();
    ranges.sort_unstable();
    let mut rest = Vec::new();
    let mut at = 0usize;
    for (start, end) in ranges {
        if start > at {
            rest.extend_from_slice(data.get(at..start).unwrap_or(&[]));
        }
        if end > at {
            rest.push(b' ');
            at = end;
        }
    }
    rest.extend_from_slice(data.get(at..).unwrap_or(&[]));
    sink.bytes_fallback("file structure outside objects", &rest);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::lexer::Lexer;
    use super::*;
    use crate::denylist::DenyList;
    use crate::report::Finding;
    use crate::scan::Limits;

    /// One PDF object from its text.
    pub(super) fn obj(text: &str) -> lexer::Obj {
        Lexer::new(text.as_bytes(), 0).next_obj(0).unwrap()
    }

    /// Object `num` (generation 0) at offset `start`, with `text` as its value.
    pub(super) fn raw(num: u32, start: usize, text: &str) -> RawObj {
        RawObj {
            num,
            gen: 0,
            start,
            end: start,
            obj: obj(text),
            stream: None,
            container: None,
            order: (start, 0),
            decoded: None,
        }
    }

    /// Runs `f` on the document of `objs`.
    pub(super) fn with_doc<T>(objs: &[RawObj], f: impl FnOnce(&Doc) -> T) -> T {
        let latest = document::latest_definitions(objs);
        f(&Doc {
            objs,
            latest: &latest,
        })
    }

    /// Runs `f` with a sink (with a deny-list of `deny` when not empty) and returns its findings.
    pub(super) fn findings(deny: &[&str], f: impl FnOnce(&mut Sink)) -> Vec<Finding> {
        let deny = (!deny.is_empty()).then(|| DenyList::from_entries(deny).unwrap());
        let mut sink = Sink::new(Path::new("f.pdf"), deny.as_ref(), Limits::default());
        f(&mut sink);
        sink.into_findings()
    }

    fn locations(findings: &[Finding]) -> Vec<(RuleId, &str)> {
        findings
            .iter()
            .map(|f| (f.rule, f.location.as_str()))
            .collect()
    }

    #[test]
    fn header_anywhere_in_the_first_kilobyte() {
        assert!(has_header(b"%PDF-1.4\n"));
        assert!(has_header(
            &[b"junk ".repeat(100), b"%PDF-1.4".to_vec()].concat()
        ));
        assert!(!has_header(
            &[vec![b' '; 1024], b"%PDF-1.4".to_vec()].concat()
        ));
        assert!(!has_header(b"%!PS-Adobe"));
    }

    #[test]
    fn object_location_names_what_the_object_is() {
        let mut roles = Roles {
            parts: PageParts::default(),
            info: Some(9),
            multi_rev: false,
        };
        roles.parts.content.insert(4, 1);
        roles.parts.annotation.insert(5, 2);
        let o = raw(4, 0, "null");
        assert_eq!(
            object_location(&o, false, 0, &roles),
            "page 1 content stream (object 4 0)"
        );
        assert_eq!(
            object_location(&o, true, 0, &roles),
            "object 4 0 (superseded by a later definition)"
        );
        assert_eq!(
            object_location(&raw(9, 0, "null"), false, 0, &roles),
            "document info (object 9 0)"
        );
        let mut member = raw(5, 0, "null");
        member.container = Some(7);
        roles.multi_rev = true;
        assert_eq!(
            object_location(&member, false, 0, &roles),
            "page 2 annotation (object 5 0 (in object stream 7) (original revision))"
        );
        assert_eq!(
            object_location(&raw(6, 0, "null"), false, 2, &roles),
            "object 6 0 (incremental update 2)"
        );
    }

    #[test]
    fn page_content_concatenates_decoded_streams() {
        let mut objs = vec![
            raw(1, 0, "<< /Contents [2 0 R 3 0 R 4 0 R] >>"),
            raw(2, 10, "<< >>"),
            raw(3, 20, "<< >>"),
            raw(4, 30, "<< >>"),
        ];
        objs[1].decoded = Some(b"BT".to_vec());
        objs[3].decoded = Some(b"ET".to_vec());
        let page = Page {
            dict: objs[0].obj.clone(),
            resources: None,
        };
        assert_eq!(with_doc(&objs, |doc| page_content(&page, doc)), b"BT\nET\n");
    }

    #[test]
    fn bytes_outside_objects_joined_around_objects() {
        // overlapping and unsorted ranges; a name split by an object still reads as words
        let data = b"%PDF Ivan 1 0 obj (x) endobj Fictitious 2 0 obj () endobj tail";
        let mut a = raw(2, 40, "null");
        a.end = 58;
        let mut b = raw(1, 10, "null");
        b.end = 28;
        let mut c = raw(3, 12, "null");
        c.end = 20;
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_outside_objects(sink, data, &[a, b, c]);
        });
        assert_eq!(
            locations(&f),
            vec![(RuleId::DenyListMatch, "file structure outside objects")]
        );
    }

    #[test]
    fn bytes_outside_objects_are_a_fallback() {
        let data = b"%PDF-1.7 % Ivan Fictitious\n1 0 obj (Ivan Fictitious) endobj\n";
        let mut o = raw(1, 27, "null");
        o.end = 60;
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_outside_objects(sink, data, &[o]);
        });
        assert_eq!(
            locations(&f),
            vec![(RuleId::DenyListMatch, "file structure outside objects")]
        );
        // only for entries not already found elsewhere in the file
        let f = findings(&["Ivan Fictitious"], |sink| {
            sink.text("page 1 text", "Ivan Fictitious");
            scan_outside_objects(sink, data, &[]);
        });
        assert_eq!(locations(&f), vec![(RuleId::DenyListMatch, "page 1 text")]);
    }

    #[test]
    fn scan_pdf_runs_every_step() {
        let data = b"%PDF-1.7\n\
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
            2 0 obj << /Type /Pages /Kids [3 0 R] >> endobj\n\
            3 0 obj << /Type /Page /Contents 4 0 R /Annots [5 0 R] >> endobj\n\
            4 0 obj << /Length 30 >>\nstream\nBT (Ivan Fictitious) Tj ET    \nendstream\nendobj\n\
            5 0 obj << /Type /Annot /Subtype /Text /Contents (note) >> endobj\n\
            trailer << /Root 1 0 R >>\nstartxref\n0\n%%EOF\n";
        let f = findings(&["Ivan Fictitious"], |sink| scan_pdf(data, sink));
        assert_eq!(
            locations(&f),
            vec![
                (
                    RuleId::PdfAnnotation,
                    "page 1 annotation (object 5 0) annotation /Text"
                ),
                (RuleId::DenyListMatch, "page 1 content stream (object 4 0)"),
                (RuleId::DenyListMatch, "page 1 text"),
            ]
        );
    }

    #[test]
    fn scan_pdf_fails_closed() {
        let rules = |data: &[u8]| -> Vec<String> {
            findings(&[], |sink| scan_pdf(data, sink))
                .iter()
                .map(|f| f.location.clone())
                .collect()
        };
        assert_eq!(rules(b"no header"), vec!["no PDF header"]);
        assert_eq!(rules(b"%PDF-1.7\n%%EOF"), vec!["no PDF objects found"]);
        assert_eq!(
            rules(b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Encrypt 2 0 R >>\n"),
            vec!["encrypted PDF"]
        );
        assert_eq!(
            rules(b"%PDF-1.7\n1 0 obj << >> endobj\n"),
            vec![
                "no cross-reference section (truncated or damaged PDF)",
                "no pages found (damaged page tree)"
            ]
        );
    }
}
