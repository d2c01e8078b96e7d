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

/// Every string, name and key in `o`, each decoded as a text string, separated by [`SEP`]; one
/// with percent-escapes (a link's `/URI`, a URL file specification) also percent-decoded.
fn joined_strings(o: &Obj) -> String {
    let mut strs = Vec::new();
    collect_strings(o, 0, &mut strs);
    let mut joined = String::new();
    for s in strs {
        for t in crate::text::pdf_string(&s) {
            joined.push_str(&t);
            joined.push(SEP);
            for d in uri_readings(&t) {
                joined.push_str(&d);
                joined.push(SEP);
            }
        }
    }
    joined
}

/// The readings of a string with percent-escapes (RFC 3986 §2.1), decoded until no escape is
/// left ([`crate::decode::escapes::percent`]: `+` kept and as a space, UTF-8 and the candidate
/// code pages); none when it has no escape.
fn uri_readings(t: &str) -> Vec<String> {
    if crate::decode::escapes::percent_decoded_bytes(t.as_bytes()).is_none() {
        return Vec::new();
    }
    crate::decode::escapes::percent(t)
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

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, obj, raw};
    use super::*;
    use crate::rules::RuleId;

    fn hits(f: &[crate::report::Finding]) -> Vec<&str> {
        f.iter()
            .filter(|f| f.rule == RuleId::DenyListMatch)
            .map(|f| f.location.as_str())
            .collect()
    }

    #[test]
    fn joined_strings_keep_strings_apart() {
        let j = joined_strings(&obj("<< /Author (Ivan) /K [/Name (Fictitious)] >>"));
        assert_eq!(j, "Author\u{1}Ivan\u{1}K\u{1}Name\u{1}Fictitious\u{1}");
    }

    #[test]
    fn percent_escapes_decoded() {
        assert_eq!(
            uri_readings("https://x.test/?q=Ivan+Fictitious"),
            Vec::<String>::new()
        );
        let r = uri_readings("q=%2549van+%D0%98%C3%A9");
        assert!(r.contains(&"q=Ivan+Иé".to_string()), "{r:?}");
        assert!(r.contains(&"q=Ivan Иé".to_string()), "{r:?}");
        // not UTF-8 once decoded: Latin-1 too
        assert!(uri_readings("%C9mile").contains(&"Émile".to_string()));
    }

    #[test]
    fn link_uris_scanned_decoded() {
        let o = raw(
            6,
            0,
            "<< /Type /Annot /Subtype /Link /A << /S /URI \
             /URI (https://example.test/find?who=Ivan%20Fictitious) >> >>",
        );
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "object 6 0", &o, false)
        });
        assert_eq!(hits(&f), vec!["object 6 0"]);
        let plus = raw(
            7,
            0,
            "<< /URI (https://example.test/?q=%49van+Fictitious) >>",
        );
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "object 7 0", &plus, false)
        });
        assert_eq!(hits(&f), vec!["object 7 0"]);
    }

    #[test]
    fn stream_strings_alone_and_in_runs() {
        let (singles, runs) =
            stream_strings(b"BT (Iv) Tj [(an) -20 ( Fic)] TJ 3 Td (titious) Tj ET (x) Tj");
        assert_eq!(singles, "Iv\u{1}titious\u{1}x\u{1}");
        assert_eq!(runs, "Ivan Fictitious\u{1}x\u{1}");
    }

    #[test]
    fn info_entries_scanned_one_by_one() {
        let o = raw(3, 0, "<< /Author (Ivan Fictitious) /Title (x) >>");
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "document info (object 3 0)", &o, true)
        });
        assert_eq!(hits(&f), vec!["document info (object 3 0) /Author"]);
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "object 3 0", &o, false)
        });
        assert_eq!(hits(&f), vec!["object 3 0"]);
    }

    #[test]
    fn decoded_streams_scanned() {
        let mut o = raw(4, 0, "<< /Length 9 >>");
        o.decoded = Some(b"[(Ivan) ( Fictitious)] TJ".to_vec());
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "object 4 0", &o, false)
        });
        assert_eq!(hits(&f), vec!["object 4 0 stream"]);
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "page 1 content stream (object 4 0)", &o, false)
        });
        assert_eq!(hits(&f), vec!["page 1 content stream (object 4 0)"]);
    }

    #[test]
    fn xmp_streams_scanned_as_xmp() {
        let mut o = raw(5, 0, "<< /Type /Metadata /Subtype /XML >>");
        o.decoded = Some(
            b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>Ivan Fictitious</dc:creator></x:xmpmeta>"
                .to_vec(),
        );
        let f = findings(&["Ivan Fictitious"], |sink| {
            scan_object_text(sink, "object 5 0", &o, false)
        });
        let hits = hits(&f);
        assert!(hits.contains(&"object 5 0 stream"), "{hits:?}");
        assert!(hits.contains(&"object 5 0 XMP packet"), "{hits:?}");
    }
}
