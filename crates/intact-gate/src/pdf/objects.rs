//! The indirect objects of a file (PDF 32000-1 §7.3.10), found by their `N G obj` headers rather
//! than through the cross-reference table, so objects of every revision are seen; their stream
//! data (§7.3.8), decoded; and the objects compressed in object streams (§7.5.7).

use super::filters;
use super::lexer::{find, is_delim, is_ws, Lexer, Obj};
use crate::rules::RuleId;
use crate::sink::Sink;

/// At most this many objects are read from one file.
const MAX_OBJECTS: usize = 2_000_000;

/// One object occurrence in the file.
pub(super) struct RawObj {
    pub(super) num: u32,
    pub(super) gen: u16,
    /// file offset of the header (for members of object streams: of the container)
    pub(super) start: usize,
    /// end offset of the object in the file (container end for members)
    pub(super) end: usize,
    pub(super) obj: Obj,
    /// where the stream data is in the file, for a stream object
    pub(super) stream: Option<(usize, usize)>,
    /// the object stream holding this object, for a member of one
    pub(super) container: Option<u32>,
    /// ordering key: later wins
    pub(super) order: (usize, usize),
    pub(super) decoded: Option<Vec<u8>>,
}

/// Locate every `N G obj` and parse it; returns the objects and the stream data ranges.
pub(super) fn find_objects(data: &[u8]) -> (Vec<RawObj>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    let mut pos = 0usize;
    while let Some(i) = find(data, b"obj", pos) {
        pos = i + 3;
        if out.len() >= MAX_OBJECTS {
            break;
        }
        let Some(o) = object_at(data, i) else {
            continue;
        };
        if let Some(range) = o.stream {
            ranges.push(range);
        }
        pos = pos.max(o.end);
        out.push(o);
    }
    (out, ranges)
}

/// The indirect object whose `obj` keyword is at `i`: `N G obj <object> [stream … endstream]
/// endobj`. `None` when `obj` is not such a keyword (part of a longer word, no `N G` before it).
fn object_at(data: &[u8], i: usize) -> Option<RawObj> {
    let after_ok = data.get(i + 3).is_none_or(|&b| is_ws(b) || is_delim(b));
    if !after_ok {
        return None;
    }
    let (num, gen, start) = header_before(data, i)?;
    let mut lx = Lexer::new(data, i + 3);
    let obj = match lx.next_obj(0).unwrap_or(Obj::Null) {
        Obj::Kw(k) if k == b"endobj" => Obj::Null,
        o => o,
    };
    let after_obj = lx.pos;
    lx.skip_ws();
    let (stream, end) = if data.get(lx.pos..lx.pos + 6) == Some(b"stream") {
        let (s, e) = stream_data(data, &obj, lx.pos + 6);
        (Some((s, e)), end_after_stream(data, e))
    } else {
        (None, end_after_object(data, after_obj))
    };
    Some(RawObj {
        num,
        gen,
        start,
        end,
        obj,
        stream,
        container: None,
        order: (start, 0),
        decoded: None,
    })
}

/// The object number, generation and header offset of the `N G` before the `obj` at `i`.
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

/// Where a stream's data is (§7.3.8.1), given the end of its `stream` keyword: from after the
/// end-of-line marker, for `/Length` bytes when `endstream` follows them; else up to the next
/// `endstream` (its end-of-line marker excluded); in a damaged file without one, `/Length` bytes
/// when they fit, else the rest of the file.
fn stream_data(data: &[u8], dict: &Obj, keyword_end: usize) -> (usize, usize) {
    let mut s = keyword_end;
    if data.get(s) == Some(&b'\r') {
        s += 1;
    }
    if data.get(s) == Some(&b'\n') {
        s += 1;
    }
    let by_length = dict
        .get(b"Length")
        .and_then(|l| l.as_num())
        .filter(|l| *l >= 0.0)
        .map(|l| s.saturating_add(l as usize));
    let checked = by_length.filter(|&e| {
        e <= data.len() && {
            let mut k = Lexer::new(data, e);
            k.skip_ws();
            data.get(k.pos..k.pos + 9) == Some(b"endstream")
        }
    });
    let e = match checked {
        Some(e) => e,
        None => match find(data, b"endstream", s) {
            Some(e) => {
                let mut e2 = e;
                while e2 > s && matches!(data.get(e2 - 1), Some(b'\n' | b'\r')) {
                    e2 -= 1;
                }
                e2
            }
            None => by_length.filter(|&e| e <= data.len()).unwrap_or(data.len()),
        },
    };
    (s, e)
}

/// End of a stream object whose data ends at `data_end`: after `endstream`, and after an
/// `endobj` that follows closely.
fn end_after_stream(data: &[u8], data_end: usize) -> usize {
    let mut end = find(data, b"endstream", data_end)
        .map(|x| x + 9)
        .unwrap_or(data.len());
    if let Some(eo) = find(data, b"endobj", end).filter(|&x| x < end + 64) {
        end = eo + 6;
    }
    end
}

/// End of an object without a stream: after its `endobj` when that comes next, else where the
/// object's value ends.
fn end_after_object(data: &[u8], after_obj: usize) -> usize {
    let mut k = Lexer::new(data, after_obj);
    k.skip_ws();
    if data.get(k.pos..k.pos + 6) == Some(b"endobj") {
        k.pos + 6
    } else {
        after_obj
    }
}

/// Font programs (§9.9): embedded font files, never text.
fn is_font_program(o: &Obj) -> bool {
    o.get(b"Length1").is_some()
        || o.get(b"Length2").is_some()
        || o.get(b"Subtype").is_some_and(|s| {
            s.is_name(b"Type1C") || s.is_name(b"CIDFontType0C") || s.is_name(b"OpenType")
        })
}

/// Decodes the data of every stream that may hold text (not cross-reference streams, images or
/// font programs) through its filters (§7.4), within the file's decompression budget. A stream
/// the gate cannot decode is flagged, and its raw bytes are scanned instead.
pub(super) fn decode_streams(data: &[u8], objs: &mut [RawObj], sink: &mut Sink) {
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

/// Adds the objects stored in every decoded object stream (`/Type /ObjStm`, §7.5.7).
pub(super) fn expand_object_streams(objs: &mut Vec<RawObj>) {
    let mut members = Vec::new();
    for o in objs.iter() {
        if o.obj.get(b"Type").is_some_and(|t| t.is_name(b"ObjStm")) {
            if let Some(d) = &o.decoded {
                members.extend(parse_objstm(o, d));
            }
        }
    }
    objs.extend(members);
}

/// The members of one object stream: `/N` pairs of object number and offset, then the objects
/// from `/First`.
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
