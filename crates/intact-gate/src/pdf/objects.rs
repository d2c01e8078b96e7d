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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::lexer::Dict;
    use super::*;
    use crate::scan::Limits;

    const FILE: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\
        2 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj\n\
        xref\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n";

    #[test]
    fn objects_found_by_header() {
        let (objs, ranges) = find_objects(FILE);
        let nums: Vec<(u32, u16)> = objs.iter().map(|o| (o.num, o.gen)).collect();
        assert_eq!(nums, vec![(1, 0), (2, 0)]);
        assert!(objs[0].obj.get(b"Type").unwrap().is_name(b"Catalog"));
        assert_eq!(
            &FILE[objs[0].start..objs[0].end],
            b"1 0 obj\n<< /Type /Catalog >>\nendobj"
        );
        let (s, e) = objs[1].stream.unwrap();
        assert_eq!(&FILE[s..e], b"hello");
        assert_eq!(ranges, vec![(s, e)]);
        assert!(FILE[..objs[1].end].ends_with(b"endstream\nendobj"));
    }

    #[test]
    fn header_before_needs_number_generation_and_a_boundary() {
        let at = |d: &[u8]| header_before(d, d.len() - 3);
        assert_eq!(at(b"12 3 obj"), Some((12, 3, 0)));
        assert_eq!(at(b"x\n12 0 obj"), Some((12, 0, 2)));
        assert_eq!(at(b"a12 0 obj"), None);
        assert_eq!(at(b"12 obj"), None);
        assert_eq!(at(b"12 0obj"), None);
        assert_eq!(at(b"99999999999 0 obj"), None, "over u32");
    }

    #[test]
    fn stream_data_trusts_length_only_before_endstream() {
        let dict = |n: usize| Obj::Dict(vec![(b"Length".to_vec(), Obj::Num(n as f64))]);
        let d = b"stream\r\nhello\r\nendstream";
        assert_eq!(stream_data(d, &dict(5), 6), (8, 13));
        // a wrong /Length: up to endstream, its end-of-line marker excluded
        assert_eq!(stream_data(d, &dict(3), 6), (8, 13));
        assert_eq!(stream_data(d, &Obj::Null, 6), (8, 13));
        // no endstream: /Length when it fits, else the rest of the file
        let cut = b"stream\nhello world";
        assert_eq!(stream_data(cut, &dict(5), 6), (7, 12));
        assert_eq!(stream_data(cut, &dict(500), 6), (7, cut.len()));
    }

    #[test]
    fn object_ends() {
        assert_eq!(end_after_stream(b"x\nendstream\nendobj rest", 1), 18);
        assert_eq!(end_after_stream(b"x\nendstream rest", 1), 11);
        assert_eq!(end_after_stream(b"x", 1), 1);
        assert_eq!(end_after_object(b"<<>> endobj", 4), 11);
        assert_eq!(end_after_object(b"<<>> 2 0 obj", 4), 4);
    }

    fn stream_obj(num: u32, dict: Dict, raw: (usize, usize)) -> RawObj {
        RawObj {
            num,
            gen: 0,
            start: 0,
            end: 0,
            obj: Obj::Dict(dict),
            stream: Some(raw),
            container: None,
            order: (0, 0),
            decoded: None,
        }
    }

    fn name(n: &[u8]) -> Obj {
        Obj::Name(n.to_vec())
    }

    #[test]
    fn streams_decoded_skipped_or_flagged() {
        let data = b"68656C6C6F>";
        let whole = (0, data.len());
        let mut objs = vec![
            stream_obj(1, vec![(b"Filter".to_vec(), name(b"AHx"))], whole),
            stream_obj(2, vec![(b"Subtype".to_vec(), name(b"Image"))], whole),
            stream_obj(3, vec![(b"Length1".to_vec(), Obj::Num(1.0))], whole),
            stream_obj(4, vec![(b"Type".to_vec(), name(b"XRef"))], whole),
            stream_obj(5, vec![(b"Filter".to_vec(), name(b"Crypt"))], whole),
        ];
        let mut sink = Sink::new(Path::new("f.pdf"), None, Limits::default());
        decode_streams(data, &mut objs, &mut sink);
        assert_eq!(objs[0].decoded.as_deref(), Some(b"hello".as_slice()));
        assert!(objs[1..4].iter().all(|o| o.decoded.is_none()));
        // undecodable: flagged, raw bytes kept for the deny-list
        assert_eq!(objs[4].decoded.as_deref(), Some(data.as_slice()));
        let findings = sink.into_findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, RuleId::PdfUndecodableStream);
        assert_eq!(findings[0].location, "object 5 0 stream (Crypt)");
    }

    #[test]
    fn font_programs() {
        let dict = |k: &[u8], v: Obj| Obj::Dict(vec![(k.to_vec(), v)]);
        assert!(is_font_program(&dict(b"Length2", Obj::Num(1.0))));
        assert!(is_font_program(&dict(b"Subtype", name(b"OpenType"))));
        assert!(!is_font_program(&dict(b"Subtype", name(b"XML"))));
    }

    #[test]
    fn object_stream_members() {
        let mut container = stream_obj(
            7,
            vec![
                (b"Type".to_vec(), name(b"ObjStm")),
                (b"N".to_vec(), Obj::Num(2.0)),
                (b"First".to_vec(), Obj::Num(9.0)),
            ],
            (0, 0),
        );
        container.start = 100;
        container.decoded = Some(b"3 0 4 6 \n(one) (two)".to_vec());
        let mut objs = vec![container];
        expand_object_streams(&mut objs);
        assert_eq!(objs.len(), 3);
        for (member, (num, text, k)) in objs[1..].iter().zip([(3, b"one", 1), (4, b"two", 2)]) {
            assert_eq!((member.num, member.container), (num, Some(7)));
            assert_eq!(
                member.order,
                (100, k),
                "after the container, in stream order"
            );
            assert_eq!(member.obj, Obj::Str(text.to_vec()));
        }
    }
}
