//! XML walking shared by XMP packets (images, PDFs) and office documents, and the XMP scanner.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::rules::RuleId;
use super::sink::Sink;

/// What an XML document contains, in document order.
#[derive(Debug, Default)]
pub struct XmlWalk {
    /// (property element qualified name, text) for every text/CDATA node; the property element
    /// is the nearest enclosing element whose name does not start with `rdf:`.
    pub texts: Vec<(String, String)>,
    /// (element qualified name, attribute qualified name, value) for every attribute except
    /// namespace declarations.
    pub attrs: Vec<(String, String, String)>,
    /// Qualified names of all elements (start or empty tags).
    pub elements: Vec<String>,
    /// All text joined without separators (text split across runs matches).
    pub tight: String,
    /// All text joined with a space at every tag.
    pub spaced: String,
    /// Whether the document parsed to its end without error.
    pub well_formed: bool,
}

const MAX_EVENTS: usize = 20_000_000;

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Walk an XML document (bounded; never panics).
pub fn walk_xml(bytes: &[u8]) -> XmlWalk {
    let mut w = XmlWalk::default();
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_unmatched_ends = true;
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut events = 0usize;
    let prop = |stack: &[String]| -> String {
        stack
            .iter()
            .rev()
            .find(|n| !n.starts_with("rdf:"))
            .cloned()
            .unwrap_or_default()
    };
    let push_text = |w: &mut XmlWalk, stack: &[String], t: &str| {
        if t.is_empty() {
            return;
        }
        w.tight.push_str(t);
        w.spaced.push_str(t);
        let p = prop(stack);
        match w.texts.last_mut() {
            Some((last, text)) if *last == p => text.push_str(t),
            _ => w.texts.push((p, t.to_string())),
        }
    };
    loop {
        events += 1;
        if events > MAX_EVENTS {
            break;
        }
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(_) => return w,
        };
        let self_closing = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                for a in e.attributes().with_checks(false).flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let val = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                    w.attrs.push((name.clone(), key, val));
                }
                w.elements.push(name.clone());
                w.spaced.push(' ');
                if !self_closing && stack.len() < 10_000 {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                w.spaced.push(' ');
                stack.pop();
            }
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map(|c| c.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(t.as_ref()).into_owned());
                push_text(&mut w, &stack, &s);
            }
            Event::CData(t) => {
                let s = String::from_utf8_lossy(t.as_ref()).into_owned();
                push_text(&mut w, &stack, &s);
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => r.decode().ok().and_then(|n| entity(&n)),
                };
                if let Some(c) = c {
                    push_text(&mut w, &stack, &c.to_string());
                }
            }
            Event::Comment(t) => {
                let s = String::from_utf8_lossy(t.as_ref()).into_owned();
                w.texts.push(("(comment)".to_string(), s));
            }
            Event::Eof => {
                w.well_formed = true;
                return w;
            }
            _ => {}
        }
    }
    w
}

fn local(q: &str) -> &str {
    q.rsplit(':').next().unwrap_or(q)
}

/// Scan an XMP packet: deny-list over every property value (location `XMP <property>`), GPS
/// properties (`image-gps`) and embedded thumbnails (`image-thumbnail`).
pub fn scan_xmp(sink: &mut Sink, prefix: &str, bytes: &[u8]) {
    let w = walk_xml(bytes);
    let mut gps = false;
    let mut thumb = false;
    for (elem, text) in &w.texts {
        sink.text(&format!("{prefix}XMP {elem}"), text);
    }
    for (_, attr, val) in &w.attrs {
        sink.text(&format!("{prefix}XMP {attr}"), val);
        let l = local(attr);
        if l.starts_with("GPS") && l != "GPSVersionID" && !val.trim().is_empty() {
            gps = true;
        }
        if l == "Thumbnails" || (attr.starts_with("xmpGImg:") && l == "image") {
            thumb = true;
        }
    }
    for e in &w.elements {
        let l = local(e);
        if l.starts_with("GPS") && l != "GPSVersionID" {
            gps = true;
        }
        if l == "Thumbnails" || (e.starts_with("xmpGImg:") && l == "image") {
            thumb = true;
        }
    }
    if gps {
        sink.flag(RuleId::ImageGps, &format!("{prefix}XMP GPS properties"));
    }
    if thumb {
        sink.flag(RuleId::ImageThumbnail, &format!("{prefix}XMP thumbnail"));
    }
    sink.text(&format!("{prefix}XMP packet"), &w.tight);
    sink.text(&format!("{prefix}XMP packet"), &w.spaced);
    if !w.well_formed {
        sink.flag(
            RuleId::UnreadableFile,
            &format!("{prefix}XMP packet (malformed XML)"),
        );
    }
    sink.bytes_fallback(&format!("{prefix}XMP packet"), bytes);
}
