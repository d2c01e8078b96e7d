//! Deny-list scanning of what an object says: its strings and names (PDF 32000-1 §7.3.4,
//! §7.3.5), the entries of the document information dictionary (§14.3.3) one by one, XMP
//! metadata streams (§14.3.2), and the decoded stream bytes with the strings in them.

use super::lexer::{self, Lexer, Obj};
use super::objects::RawObj;
use crate::sink::Sink;

/// Separator between independent strings scanned in one pass: it survives normalization and is
/// not whitespace, so no match spans two strings.
const SEP: char = '\u{1}';

/// Scans one object's strings and, when it has decoded stream data, that data. `base` names the
/// object in findings; `is_info` scans the document information entries one by one.
pub(super) fn scan_object_text(sink: &mut Sink, base: &str, o: &RawObj, is_info: bool) {
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
        scan_stream(sink, base, &o.obj, d);
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

/// Every string, name and key in `o`, each decoded as a text string, separated by [`SEP`].
fn joined_strings(o: &Obj) -> String {
    let mut strs = Vec::new();
    collect_strings(o, 0, &mut strs);
    let mut joined = String::new();
    for s in strs {
        for t in crate::text::pdf_string(&s) {
            joined.push_str(&t);
            joined.push(SEP);
        }
    }
    joined
}

fn scan_strings(sink: &mut Sink, loc: &str, o: &Obj) {
    sink.text(loc, &joined_strings(o));
}

/// Scans decoded stream data: as XMP when it is a metadata stream, as bytes, and the strings in
/// it (content streams, object-stream members, CMaps, ...).
fn scan_stream(sink: &mut Sink, base: &str, dict: &Obj, d: &[u8]) {
    let is_xmp = dict.get(b"Type").is_some_and(|t| t.is_name(b"Metadata"))
        || dict.get(b"Subtype").is_some_and(|t| t.is_name(b"XML"));
    if is_xmp {
        crate::xmp::scan_xmp(sink, &format!("{base} "), d);
    }
    let loc = if base.starts_with("page ") {
        base.to_string()
    } else {
        format!("{base} stream")
    };
    sink.bytes(&loc, d);
    let (singles, runs) = stream_strings(d);
    sink.text(&loc, &singles);
    sink.text(&loc, &runs);
}

/// The strings in stream data, each alone, and consecutive ones joined (text split across show
/// operators, §9.4.3): a run goes on across numbers and text operators, and ends at anything
/// else.
fn stream_strings(d: &[u8]) -> (String, String) {
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
    (singles, runs)
}
