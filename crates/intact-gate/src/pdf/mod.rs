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

pub mod content;
pub mod filters;
pub mod font;
pub mod lexer;

use std::collections::{HashMap, HashSet};

use lexer::{dict_get, find, is_delim, is_ws, Dict, Lexer, Obj};

use super::rules::RuleId;
use super::sink::Sink;

/// One object occurrence in the file.
struct RawObj {
    num: u32,
    gen: u16,
    /// file offset of the header (for members of object streams: of the container)
    start: usize,
    /// end offset of the object in the file (container end for members)
    end: usize,
    obj: Obj,
    stream: Option<(usize, usize)>,
    container: Option<u32>,
    /// ordering key: later wins
    order: (usize, usize),
    decoded: Option<Vec<u8>>,
}

const MAX_OBJECTS: usize = 2_000_000;

const ANNOT_SUBTYPES: [&[u8]; 28] = [
    b"Text",
    b"Link",
    b"FreeText",
    b"Line",
    b"Square",
    b"Circle",
    b"Polygon",
    b"PolyLine",
    b"Highlight",
    b"Underline",
    b"Squiggly",
    b"StrikeOut",
    b"Stamp",
    b"Caret",
    b"Ink",
    b"Popup",
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Widget",
    b"Screen",
    b"PrinterMark",
    b"TrapNet",
    b"Watermark",
    b"3D",
    b"Redact",
    b"Projection",
    b"RichMedia",
];

/// Scan a PDF held in memory.
pub fn scan_pdf(data: &[u8], sink: &mut Sink) {
    let head = data.get(..data.len().min(1024)).unwrap_or(&[]);
    if find(head, b"%PDF-", 0).is_none() {
        sink.flag(RuleId::UnreadableFile, "no PDF header");
        sink.bytes_fallback("file bytes", data);
        return;
    }
    let (mut objs, stream_ranges) = find_objects(data);
    let outside = |p: usize| !stream_ranges.iter().any(|&(s, e)| p >= s && p < e);
    let trailers: Vec<(usize, Obj)> = find_all(data, b"trailer")
        .into_iter()
        .filter(|&p| outside(p))
        .filter_map(|p| {
            let mut lx = Lexer::new(data, p + 7);
            match lx.next_obj(0) {
                Some(o @ Obj::Dict(_)) => Some((p, o)),
                _ => None,
            }
        })
        .collect();
    let startxrefs: Vec<usize> = find_all(data, b"startxref")
        .into_iter()
        .filter(|&p| outside(p))
        .collect();

    // encryption: the gate cannot read encrypted strings and streams
    let xref_dicts = objs
        .iter()
        .filter(|o| o.obj.get(b"Type").is_some_and(|t| t.is_name(b"XRef")));
    let encrypted = trailers.iter().any(|(_, t)| t.get(b"Encrypt").is_some())
        || xref_dicts.clone().any(|o| o.obj.get(b"Encrypt").is_some());
    if encrypted {
        sink.flag(RuleId::UnreadableFile, "encrypted PDF");
        return;
    }
    if objs.is_empty() {
        sink.flag(RuleId::UnreadableFile, "no PDF objects found");
        sink.bytes_fallback("file bytes", data);
        return;
    }
    if startxrefs.is_empty() {
        sink.flag(
            RuleId::UnreadableFile,
            "no cross-reference section (truncated or damaged PDF)",
        );
    }

    // linearization: the first object carries /Linearized
    let first = objs.iter().min_by_key(|o| o.start);
    let linearized = first.is_some_and(|o| o.start < 2048 && o.obj.get(b"Linearized").is_some());
    let lin = usize::from(linearized);
    let revisions = startxrefs.len().saturating_sub(lin).max(1);
    if revisions > 1 {
        sink.flag(
            RuleId::PdfIncrementalUpdate,
            &format!(
                "{revisions} revisions ({} incremental updates)",
                revisions - 1
            ),
        );
    }
    if let Some(&last_sx) = startxrefs.iter().max() {
        if objs.iter().any(|o| o.start > last_sx) {
            sink.flag(
                RuleId::PdfIncrementalUpdate,
                "objects after the last cross-reference section",
            );
        }
    }
    let rev_of = |off: usize| -> usize {
        let c = startxrefs.iter().filter(|&&s| s < off).count();
        c.saturating_sub(lin)
    };

    // decode streams
    decode_streams(data, &mut objs, sink);
    // members of object streams
    let mut members = Vec::new();
    for o in &objs {
        if o.obj.get(b"Type").is_some_and(|t| t.is_name(b"ObjStm")) {
            if let Some(d) = &o.decoded {
                members.extend(parse_objstm(o, d));
            }
        }
    }
    objs.extend(members);

    // latest definition of each object number
    let mut latest: HashMap<u32, usize> = HashMap::new();
    for (i, o) in objs.iter().enumerate() {
        match latest.get(&o.num) {
            Some(&j) if objs[j].order >= o.order => {}
            _ => {
                latest.insert(o.num, i);
            }
        }
    }
    let doc = Doc {
        objs: &objs,
        latest: &latest,
    };

    // catalog and pages
    let root_ref = trailers
        .iter()
        .map(|(p, t)| (*p, t.get(b"Root").cloned()))
        .chain(
            objs.iter()
                .filter(|o| o.obj.get(b"Type").is_some_and(|t| t.is_name(b"XRef")))
                .map(|o| (o.start, o.obj.get(b"Root").cloned())),
        )
        .filter_map(|(p, r)| r.map(|r| (p, r)))
        .max_by_key(|(p, _)| *p)
        .map(|(_, r)| r);
    let info_num = trailers
        .iter()
        .map(|(p, t)| (*p, t.get(b"Info").cloned()))
        .chain(objs.iter().map(|o| (o.start, o.obj.get(b"Info").cloned())))
        .filter_map(|(p, r)| match r {
            Some(Obj::Ref(n, _)) => Some((p, n)),
            _ => None,
        })
        .max_by_key(|(p, _)| *p)
        .map(|(_, n)| n);
    let catalog = match root_ref {
        Some(r) => doc.resolve(&r).cloned(),
        None => objs
            .iter()
            .rev()
            .find(|o| o.obj.get(b"Type").is_some_and(|t| t.is_name(b"Catalog")))
            .map(|o| o.obj.clone()),
    };
    let pages = match catalog.as_ref().and_then(|c| c.get(b"Pages")) {
        Some(p) => doc.pages(p),
        None => Vec::new(),
    };
    if pages.is_empty() {
        sink.flag(RuleId::UnreadableFile, "no pages found (damaged page tree)");
    }
    let mut content_page: HashMap<u32, usize> = HashMap::new();
    let mut annot_page: HashMap<u32, usize> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        for r in refs_in(p.dict.get(b"Contents"), &doc) {
            content_page.entry(r).or_insert(i + 1);
        }
        for r in refs_in(p.dict.get(b"Annots"), &doc) {
            annot_page.entry(r).or_insert(i + 1);
        }
    }

    // per-object scans
    let multi_rev = revisions > 1;
    for (i, o) in objs.iter().enumerate() {
        let superseded = latest.get(&o.num) != Some(&i);
        let rev = rev_of(o.start);
        let mut base = format!("object {} {}", o.num, o.gen);
        if let Some(c) = o.container {
            base.push_str(&format!(" (in object stream {c})"));
        }
        if rev > 0 {
            base.push_str(&format!(" (incremental update {rev})"));
        } else if multi_rev {
            base.push_str(" (original revision)");
        }
        if superseded {
            base.push_str(" (superseded by a later definition)");
        }
        let is_info = Some(o.num) == info_num && !superseded;
        if let Some(p) = content_page.get(&o.num).filter(|_| !superseded) {
            base = format!("page {p} content stream ({base})");
        } else if is_info {
            base = format!("document info ({base})");
        } else if let Some(p) = annot_page.get(&o.num).filter(|_| !superseded) {
            base = format!("page {p} annotation ({base})");
        }
        if sink.has_deny() {
            scan_object_text(sink, &base, o, is_info);
        }
        let mut found = Vec::new();
        check_structure(&o.obj, &doc, 0, &mut found);
        for (rule, what) in found {
            sink.flag(rule, &format!("{base} {what}"));
        }
    }

    // page text and hidden text
    let mut font_cache: HashMap<u32, font::Font> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let pno = i + 1;
        let mut content = Vec::new();
        for r in refs_in(p.dict.get(b"Contents"), &doc) {
            if let Some(d) = doc.get(r).and_then(|o| o.decoded.as_ref()) {
                content.extend_from_slice(d);
                content.push(b'\n');
            }
        }
        let res = p.resources.as_ref().and_then(|r| doc.resolve(r));
        let (fonts, alphas) = page_resources(res, &doc, &mut font_cache);
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

    // bytes outside objects (comments, trailers, garbage)
    if sink.has_deny() {
        let mut rest = data.to_vec();
        for o in objs.iter().filter(|o| o.container.is_none()) {
            if let Some(s) = rest.get_mut(o.start..o.end.min(data.len())) {
                s.fill(b' ');
            }
        }
        sink.bytes_fallback("file structure outside objects", &rest);
    }
}

fn find_all(data: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(data, needle)
        .take(100_000)
        .collect()
}

/// Locate every `N G obj` and parse it; returns the objects and the stream data ranges.
fn find_objects(data: &[u8]) -> (Vec<RawObj>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let mut pos = 0usize;
    while let Some(i) = find(data, b"obj", pos) {
        pos = i + 3;
        if out.len() >= MAX_OBJECTS {
            break;
        }
        let after_ok = data.get(i + 3).is_none_or(|&b| is_ws(b) || is_delim(b));
        if !after_ok {
            continue;
        }
        let Some((num, gen, start)) = header_before(data, i) else {
            continue;
        };
        let mut lx = Lexer::new(data, i + 3);
        let obj = lx.next_obj(0).unwrap_or(Obj::Null);
        let obj = match obj {
            Obj::Kw(k) if k == b"endobj" => Obj::Null,
            o => o,
        };
        let after_obj = lx.pos;
        lx.skip_ws();
        let mut stream = None;
        let mut end = after_obj;
        if data.get(lx.pos..lx.pos + 6) == Some(b"stream") {
            let mut s = lx.pos + 6;
            if data.get(s) == Some(&b'\r') {
                s += 1;
            }
            if data.get(s) == Some(&b'\n') {
                s += 1;
            }
            let by_len = obj
                .get(b"Length")
                .and_then(|l| l.as_num())
                .filter(|l| *l >= 0.0)
                .map(|l| s.saturating_add(l as usize))
                .filter(|&e| {
                    e <= data.len() && {
                        let mut k = Lexer::new(data, e);
                        k.skip_ws();
                        data.get(k.pos..k.pos + 9) == Some(b"endstream")
                    }
                });
            let e = match by_len {
                Some(e) => e,
                None => match find(data, b"endstream", s) {
                    Some(e) => {
                        let mut e2 = e;
                        while e2 > s && matches!(data.get(e2 - 1), Some(b'\n' | b'\r')) {
                            e2 -= 1;
                        }
                        e2
                    }
                    // damaged file: trust /Length when it fits, else the rest of the file
                    None => obj
                        .get(b"Length")
                        .and_then(|l| l.as_num())
                        .filter(|l| *l >= 0.0)
                        .map(|l| s.saturating_add(l as usize))
                        .filter(|&e| e <= data.len())
                        .unwrap_or(data.len()),
                },
            };
            stream = Some((s, e));
            ranges.push((s, e));
            end = find(data, b"endstream", e)
                .map(|x| x + 9)
                .unwrap_or(data.len());
            if let Some(eo) = find(data, b"endobj", end).filter(|&x| x < end + 64) {
                end = eo + 6;
            }
        } else {
            let mut k = Lexer::new(data, after_obj);
            k.skip_ws();
            if data.get(k.pos..k.pos + 6) == Some(b"endobj") {
                end = k.pos + 6;
            }
        }
        out.push(RawObj {
            num,
            gen,
            start,
            end,
            obj,
            stream,
            container: None,
            order: (start, 0),
            decoded: None,
        });
        pos = pos.max(end);
    }
    (out, ranges)
}

fn header_before(data: &[u8], i: usize) -> Option<(u32, u16, usize)> {
    let mut j = i;
    let ws_end = j;
    while j > 0 && is_ws(data[j - 1]) {
        j -= 1;
    }
    if j == ws_end {
        return None;
    }
    let g_end = j;
    while j > 0 && data[j - 1].is_ascii_digit() && g_end - j < 6 {
        j -= 1;
    }
    if j == g_end {
        return None;
    }
    let gen: u16 = std::str::from_utf8(&data[j..g_end]).ok()?.parse().ok()?;
    let w_end = j;
    while j > 0 && is_ws(data[j - 1]) {
        j -= 1;
    }
    if j == w_end {
        return None;
    }
    let n_end = j;
    while j > 0 && data[j - 1].is_ascii_digit() && n_end - j < 11 {
        j -= 1;
    }
    if j == n_end {
        return None;
    }
    if j > 0 && !(is_ws(data[j - 1]) || is_delim(data[j - 1])) {
        return None;
    }
    let num: u32 = std::str::from_utf8(&data[j..n_end]).ok()?.parse().ok()?;
    Some((num, gen, j))
}

fn is_font_program(o: &Obj) -> bool {
    o.get(b"Length1").is_some()
        || o.get(b"Length2").is_some()
        || o.get(b"Subtype").is_some_and(|s| {
            s.is_name(b"Type1C") || s.is_name(b"CIDFontType0C") || s.is_name(b"OpenType")
        })
}

fn decode_streams(data: &[u8], objs: &mut [RawObj], sink: &mut Sink) {
    for o in objs.iter_mut() {
        let Some((s, e)) = o.stream else { continue };
        let raw = data.get(s..e).unwrap_or(&[]);
        let ty = o.obj.get(b"Type");
        if ty.is_some_and(|t| t.is_name(b"XRef")) {
            continue;
        }
        let is_image = o.obj.get(b"Subtype").is_some_and(|s| s.is_name(b"Image"));
        let names = filters::filter_names(&o.obj);
        let image_codec = names
            .iter()
            .any(|n| filters::IMAGE_FILTERS.contains(&n.as_slice()));
        if is_image || image_codec || is_font_program(&o.obj) {
            continue;
        }
        let limit = sink.limits().max_stream_bytes.min(sink.budget_left());
        match filters::decode(raw, &names, limit) {
            Ok(d) => {
                sink.spend(d.len() as u64);
                o.decoded = Some(d);
            }
            Err(filters::DecodeError::TooLarge) => {
                sink.flag_budget(&format!("object {} {} stream", o.num, o.gen));
            }
            Err(filters::DecodeError::Unsupported(f)) | Err(filters::DecodeError::Corrupt(f)) => {
                sink.flag(
                    RuleId::PdfUndecodableStream,
                    &format!("object {} {} stream ({f})", o.num, o.gen),
                );
                // still look at the raw bytes
                o.decoded = Some(raw.to_vec());
            }
        }
    }
}

fn parse_objstm(container: &RawObj, d: &[u8]) -> Vec<RawObj> {
    let n = container
        .obj
        .get(b"N")
        .and_then(|v| v.as_num())
        .unwrap_or(0.0);
    let first = container
        .obj
        .get(b"First")
        .and_then(|v| v.as_num())
        .unwrap_or(0.0);
    if !(0.0..=1_000_000.0).contains(&n) || first < 0.0 || first as usize > d.len() {
        return Vec::new();
    }
    let (n, first) = (n as usize, first as usize);
    let mut lx = Lexer::new(d.get(..first).unwrap_or(&[]), 0);
    let mut pairs = Vec::new();
    for _ in 0..n {
        let (Some(Obj::Num(num)), Some(Obj::Num(off))) = (lx.next_obj(0), lx.next_obj(0)) else {
            break;
        };
        if num < 0.0 || off < 0.0 || num > u32::MAX as f64 {
            break;
        }
        pairs.push((num as u32, off as usize));
    }
    let mut out = Vec::new();
    for (k, (num, off)) in pairs.into_iter().enumerate() {
        let Some(p) = first.checked_add(off).filter(|&p| p <= d.len()) else {
            continue;
        };
        let mut lx = Lexer::new(d, p);
        let obj = lx.next_obj(0).unwrap_or(Obj::Null);
        out.push(RawObj {
            num,
            gen: 0,
            start: container.start,
            end: container.end,
            obj,
            stream: None,
            container: Some(container.num),
            order: (container.start, k + 1),
            decoded: None,
        });
    }
    out
}

struct Doc<'a> {
    objs: &'a [RawObj],
    latest: &'a HashMap<u32, usize>,
}

struct Page {
    dict: Obj,
    resources: Option<Obj>,
}

impl<'a> Doc<'a> {
    fn get(&self, num: u32) -> Option<&'a RawObj> {
        self.latest.get(&num).and_then(|&i| self.objs.get(i))
    }

    fn resolve<'b>(&self, o: &'b Obj) -> Option<&'b Obj>
    where
        'a: 'b,
    {
        let mut cur = o;
        for _ in 0..32 {
            match cur {
                Obj::Ref(n, _) => cur = &self.get(*n)?.obj,
                other => return Some(other),
            }
        }
        None
    }

    fn pages(&self, root: &Obj) -> Vec<Page> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.walk_pages(root, None, 0, &mut seen, &mut out);
        out
    }

    fn walk_pages(
        &self,
        node: &Obj,
        inherited: Option<&Obj>,
        depth: usize,
        seen: &mut HashSet<u32>,
        out: &mut Vec<Page>,
    ) {
        if depth > 64 || out.len() > 200_000 {
            return;
        }
        if let Obj::Ref(n, _) = node {
            if !seen.insert(*n) {
                return;
            }
        }
        let Some(d) = self.resolve(node) else { return };
        let res = d.get(b"Resources").or(inherited);
        let is_pages = d.get(b"Type").is_some_and(|t| t.is_name(b"Pages"))
            || (d.get(b"Kids").is_some() && !d.get(b"Type").is_some_and(|t| t.is_name(b"Page")));
        if is_pages {
            if let Some(Obj::Array(kids)) = d.get(b"Kids").and_then(|k| self.resolve(k)) {
                for k in kids {
                    self.walk_pages(k, res, depth + 1, seen, out);
                }
            }
        } else if d.as_dict().is_some() {
            out.push(Page {
                dict: d.clone(),
                resources: res.cloned(),
            });
        }
    }
}

/// Object numbers referenced by a ref, an array of refs or a ref to an array.
fn refs_in(o: Option<&Obj>, doc: &Doc) -> Vec<u32> {
    match o {
        Some(Obj::Ref(n, _)) => match doc.get(*n).map(|r| &r.obj) {
            Some(Obj::Array(a)) => a
                .iter()
                .filter_map(|x| match x {
                    Obj::Ref(n, _) => Some(*n),
                    _ => None,
                })
                .collect(),
            _ => vec![*n],
        },
        Some(Obj::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Obj::Ref(n, _) => Some(*n),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn collect_strings(o: &Obj, depth: usize, out: &mut Vec<Vec<u8>>) {
    if depth > lexer::MAX_DEPTH || out.len() > 100_000 {
        return;
    }
    match o {
        Obj::Str(s) => out.push(s.clone()),
        Obj::Name(n) => out.push(n.clone()),
        Obj::Array(a) => a.iter().for_each(|x| collect_strings(x, depth + 1, out)),
        Obj::Dict(d) => d.iter().for_each(|(k, v)| {
            out.push(k.clone());
            collect_strings(v, depth + 1, out)
        }),
        _ => {}
    }
}

/// Separator between independent strings scanned in one pass: it survives normalization and is
/// not whitespace, so no match spans two strings.
const SEP: char = '\u{1}';

fn scan_strings(sink: &mut Sink, loc: &str, o: &Obj) {
    let mut strs = Vec::new();
    collect_strings(o, 0, &mut strs);
    let mut joined = String::new();
    for s in strs {
        for t in crate::text::pdf_string(&s) {
            joined.push_str(&t);
            joined.push(SEP);
        }
    }
    sink.text(loc, &joined);
}

fn scan_object_text(sink: &mut Sink, base: &str, o: &RawObj, is_info: bool) {
    match &o.obj {
        Obj::Dict(d) if is_info => {
            for (k, v) in d {
                let loc = format!("{base} /{}", String::from_utf8_lossy(k));
                scan_strings(sink, &loc, v);
            }
        }
        other => scan_strings(sink, base, other),
    }
    if let Some(d) = &o.decoded {
        let is_xmp = o.obj.get(b"Type").is_some_and(|t| t.is_name(b"Metadata"))
            || o.obj.get(b"Subtype").is_some_and(|t| t.is_name(b"XML"));
        if is_xmp {
            crate::xmp::scan_xmp(sink, &format!("{base} "), d);
        }
        let loc = if base.starts_with("page ") {
            base.to_string()
        } else {
            format!("{base} stream")
        };
        sink.bytes(&loc, d);
        // strings in the stream (content streams, object-stream members, CMaps, ...), each
        // alone and consecutive ones joined (text split across show operators)
        let mut lx = Lexer::new(d, 0);
        let mut steps = 0usize;
        let mut singles = String::new();
        let mut runs = String::new();
        let mut run: Vec<u8> = Vec::new();
        let flush = |run: &mut Vec<u8>, runs: &mut String| {
            if !run.is_empty() {
                for txt in crate::text::pdf_string(run) {
                    runs.push_str(&txt);
                    runs.push(SEP);
                }
                run.clear();
            }
        };
        while let Some(t) = lx.next_obj(0) {
            steps += 1;
            if steps > 5_000_000 {
                break;
            }
            match t {
                Obj::Str(s) => {
                    for txt in crate::text::pdf_string(&s) {
                        singles.push_str(&txt);
                        singles.push(SEP);
                    }
                    run.extend_from_slice(&s);
                }
                Obj::Array(a) => {
                    for x in a {
                        if let Obj::Str(s) = x {
                            run.extend_from_slice(&s);
                        }
                    }
                }
                Obj::Kw(k) if matches!(k.as_slice(), b"Tj" | b"TJ" | b"'" | b"\"" | b"Td") => {}
                Obj::Num(_) => {}
                _ => flush(&mut run, &mut runs),
            }
        }
        flush(&mut run, &mut runs);
        sink.text(&loc, &singles);
        sink.text(&loc, &runs);
    }
}

fn nonempty_value(o: Option<&Obj>, doc: &Doc) -> bool {
    match o.and_then(|v| doc.resolve(v)) {
        Some(Obj::Str(s)) => {
            let t = crate::text::pdf_string(s);
            t.iter().any(|x| !x.trim().is_empty())
        }
        Some(Obj::Array(a)) => a.iter().any(|x| nonempty_value(Some(x), doc)),
        Some(Obj::Dict(_)) => true, // a stream (rich text value)
        _ => false,
    }
}

fn check_dict(d: &Dict, doc: &Doc, found: &mut Vec<(RuleId, String)>) {
    let subtype = dict_get(d, b"Subtype").and_then(|s| s.as_name());
    let is_annot = dict_get(d, b"Type").is_some_and(|t| t.is_name(b"Annot"))
        || (dict_get(d, b"Rect").is_some() && subtype.is_some_and(|s| ANNOT_SUBTYPES.contains(&s)));
    if is_annot {
        let st = subtype
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default();
        if st != "Link" && st != "Widget" {
            found.push((RuleId::PdfAnnotation, format!("annotation /{st}")));
        }
        if st == "FileAttachment" {
            found.push((RuleId::PdfAttachment, "file attachment annotation".into()));
        }
    }
    if dict_get(d, b"JS").is_some()
        || dict_get(d, b"S").is_some_and(|s| s.is_name(b"JavaScript"))
        || dict_get(d, b"JavaScript").is_some()
    {
        found.push((RuleId::PdfJavascript, "JavaScript".into()));
    }
    if dict_get(d, b"Type").is_some_and(|t| t.is_name(b"EmbeddedFile"))
        || dict_get(d, b"EF").is_some()
        || dict_get(d, b"EmbeddedFiles").is_some()
    {
        found.push((RuleId::PdfAttachment, "embedded file".into()));
    }
    let is_field = dict_get(d, b"FT").is_some()
        || dict_get(d, b"T").is_some()
        || subtype == Some(b"Widget".as_slice());
    if is_field
        && (nonempty_value(dict_get(d, b"V"), doc) || nonempty_value(dict_get(d, b"RV"), doc))
    {
        found.push((RuleId::PdfFormFieldValue, "form field value".into()));
    }
}

fn check_structure(o: &Obj, doc: &Doc, depth: usize, found: &mut Vec<(RuleId, String)>) {
    if depth > lexer::MAX_DEPTH {
        return;
    }
    match o {
        Obj::Dict(d) => {
            check_dict(d, doc, found);
            for (_, v) in d {
                check_structure(v, doc, depth + 1, found);
            }
        }
        Obj::Array(a) => a
            .iter()
            .for_each(|x| check_structure(x, doc, depth + 1, found)),
        _ => {}
    }
    found.sort();
    found.dedup();
}

fn num_of(o: Option<&Obj>, doc: &Doc) -> Option<f64> {
    o.and_then(|v| doc.resolve(v)).and_then(|v| v.as_num())
}

fn build_font(fd: &Obj, doc: &Doc) -> font::Font {
    let mut f = font::Font::unknown();
    let subtype = fd.get(b"Subtype").and_then(|s| s.as_name()).unwrap_or(b"");
    let type0 = subtype == b"Type0";
    if type0 {
        f.code_len = 2;
        f.default_width = 1000.0;
        if let Some(Obj::Array(desc)) = fd.get(b"DescendantFonts").and_then(|d| doc.resolve(d)) {
            if let Some(cid) = desc.first().and_then(|d| doc.resolve(d)) {
                if let Some(dw) = num_of(cid.get(b"DW"), doc) {
                    f.default_width = dw;
                }
                if let Some(Obj::Array(w)) = cid.get(b"W").and_then(|w| doc.resolve(w)) {
                    let mut i = 0;
                    while i < w.len() && f.widths.len() < 200_000 {
                        match (w.get(i).and_then(|x| x.as_num()), w.get(i + 1)) {
                            (Some(c), Some(Obj::Array(ws))) => {
                                for (k, x) in ws.iter().enumerate() {
                                    if let Some(x) = x.as_num() {
                                        f.widths.insert(c as u32 + k as u32, x);
                                    }
                                }
                                i += 2;
                            }
                            (Some(c1), Some(Obj::Num(c2))) => {
                                let wv = w.get(i + 2).and_then(|x| x.as_num()).unwrap_or(1000.0);
                                let (a, b) = (c1 as u32, *c2 as u32);
                                if b >= a && b - a < 65536 {
                                    for c in a..=b {
                                        f.widths.insert(c, wv);
                                    }
                                }
                                i += 3;
                            }
                            _ => break,
                        }
                    }
                }
            }
        }
    } else {
        let first = num_of(fd.get(b"FirstChar"), doc).unwrap_or(0.0) as u32;
        if let Some(Obj::Array(ws)) = fd.get(b"Widths").and_then(|w| doc.resolve(w)) {
            for (k, x) in ws.iter().enumerate().take(65536) {
                if let Some(x) = num_of(Some(x), doc) {
                    f.widths.insert(first + k as u32, x);
                }
            }
        }
        if let Some(enc) = fd.get(b"Encoding").and_then(|e| doc.resolve(e)) {
            if let Some(Obj::Array(diffs)) = enc.get(b"Differences") {
                let mut code = 0u32;
                for d in diffs.iter().take(100_000) {
                    match d {
                        Obj::Num(n) => code = *n as u32,
                        Obj::Name(name) => {
                            if let Some(t) = font::glyph_name_text(name) {
                                f.map.insert(code, t);
                            }
                            code = code.saturating_add(1);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    if let Some(Obj::Ref(n, _)) = fd.get(b"ToUnicode") {
        if let Some(d) = doc.get(*n).and_then(|o| o.decoded.as_ref()) {
            let (len, map) = font::parse_to_unicode(d);
            if !map.is_empty() {
                f.map = map;
                f.has_unicode = true;
                f.code_len = if type0 { len.max(1) } else { 1 };
            }
        }
    }
    f
}

fn page_resources(
    res: Option<&Obj>,
    doc: &Doc,
    cache: &mut HashMap<u32, font::Font>,
) -> (HashMap<Vec<u8>, font::Font>, HashMap<Vec<u8>, f64>) {
    let mut fonts = HashMap::new();
    let mut alphas = HashMap::new();
    let Some(res) = res else {
        return (fonts, alphas);
    };
    if let Some(Obj::Dict(fd)) = res.get(b"Font").and_then(|f| doc.resolve(f)) {
        for (name, v) in fd.iter().take(10_000) {
            let f = match v {
                Obj::Ref(n, _) => {
                    if let Some(f) = cache.get(n) {
                        f.clone()
                    } else {
                        let f = doc
                            .resolve(v)
                            .map(|d| build_font(d, doc))
                            .unwrap_or_else(font::Font::unknown);
                        cache.insert(*n, f.clone());
                        f
                    }
                }
                d => build_font(d, doc),
            };
            fonts.insert(name.clone(), f);
        }
    }
    if let Some(Obj::Dict(gd)) = res.get(b"ExtGState").and_then(|f| doc.resolve(f)) {
        for (name, v) in gd.iter().take(10_000) {
            if let Some(a) = doc.resolve(v).and_then(|g| num_of(g.get(b"ca"), doc)) {
                alphas.insert(name.clone(), a);
            }
        }
    }
    (fonts, alphas)
}
