//! Office documents (OOXML: DOCX, XLSX, PPTX; OpenDocument: ODT, ODS, ODP): the parts that
//! describe the document rather than being it go — the core, extended (app) and custom
//! properties, the document thumbnail, printer settings (OOXML) / the metadata part
//! `meta.xml` and `Thumbnails/` (OpenDocument) — with `[Content_Types].xml`, the package
//! relationships (`_rels/.rels`) and `META-INF/manifest.xml` written again without them. Every
//! other member is copied with its compressed bytes unchanged, in its order (the OpenDocument
//! `mimetype` stays first and stored).
//!
//! Comments, tracked changes and hidden text are content: scrub reports them as needing a
//! person's decision and never removes them.

use std::io::{Cursor, Read as _, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::Scrubbed;

/// Most members read from one document.
const MAX_MEMBERS: usize = 20_000;
/// Largest XML part read to edit or to look for hidden text.
const MAX_PART: u64 = 64 << 20;

/// Which package format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Package {
    Ooxml,
    Odf,
}

/// Whether a member is removed, and under what report name.
fn removed_member(pkg: Package, name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    match pkg {
        Package::Ooxml => match lower.as_str() {
            "docprops/core.xml" => Some("core properties (docProps/core.xml)"),
            "docprops/app.xml" => Some("extended properties (docProps/app.xml)"),
            "docprops/custom.xml" => Some("custom properties (docProps/custom.xml)"),
            _ if lower.starts_with("docprops/thumbnail.") => {
                Some("document thumbnail (docProps/thumbnail)")
            }
            _ if lower.contains("/printersettings/") => Some("printer settings"),
            _ => None,
        },
        Package::Odf => match lower.as_str() {
            "meta.xml" => Some("document metadata (meta.xml)"),
            _ if lower.starts_with("thumbnails/") => Some("document thumbnail (Thumbnails/)"),
            _ => None,
        },
    }
}

/// Total bytes decompressed from one document (the gate's zip-bomb bound).
const MAX_TOTAL: u64 = 1 << 30;

/// A document being read: the archive and what has been decompressed from it so far.
struct Reader<'a> {
    z: ZipArchive<Cursor<&'a [u8]>>,
    spent: u64,
}

impl Reader<'_> {
    /// Reads one member whole, within [`MAX_PART`] and the document's [`MAX_TOTAL`].
    fn member(&mut self, i: usize) -> Result<Vec<u8>, String> {
        let f = self
            .z
            .by_index(i)
            .map_err(|_| "a member cannot be read".to_owned())?;
        let limit = MAX_PART.min(MAX_TOTAL - self.spent);
        let mut out = Vec::new();
        f.take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|_| "a member cannot be decompressed".to_owned())?;
        if out.len() as u64 > limit {
            return Err("it decompresses to more than scrub reads".into());
        }
        self.spent += out.len() as u64;
        Ok(out)
    }
}

/// Removes every element named `tag` (start to end, or self-closing) whose text satisfies
/// `gone` from an XML part, by bytes (the rest is kept as it is); how many.
fn drop_elements(xml: &mut Vec<u8>, tag: &[u8], gone: &mut dyn FnMut(&[u8]) -> bool) -> usize {
    let mut n = 0;
    let mut at = 0;
    let open: Vec<u8> = [b"<".as_slice(), tag].concat();
    while let Some(k) = memchr::memmem::find(&xml[at..], &open) {
        let start = at + k;
        let after = start + open.len();
        // the name must end here (`<Override ` not `<Overrides`)
        if !xml
            .get(after)
            .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        {
            at = after;
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &xml[after..]).map(|g| after + g) else {
            break;
        };
        let end = if xml[gt - 1] == b'/' {
            gt + 1
        } else {
            let close: Vec<u8> = [b"</".as_slice(), tag, b">"].concat();
            match memchr::memmem::find(&xml[gt..], &close) {
                Some(c) => gt + c + close.len(),
                None => break,
            }
        };
        if gone(&xml[start..end]) {
            xml.drain(start..end);
            n += 1;
            at = start;
        } else {
            at = end;
        }
    }
    n
}

/// The value of attribute `name` in an element's text (`name="v"` or `name='v'`).
fn attr<'a>(elem: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    while let Some(k) = memchr::memmem::find(&elem[at..], name) {
        let i = at + k;
        let before_ok = i > 0 && elem[i - 1].is_ascii_whitespace();
        let rest = &elem[i + name.len()..];
        let rest = rest.trim_ascii_start();
        if before_ok {
            if let Some(r) = rest.strip_prefix(b"=") {
                let r = r.trim_ascii_start();
                if let Some(&q) = r.first().filter(|q| **q == b'"' || **q == b'\'') {
                    let end = memchr::memchr(q, &r[1..])?;
                    return Some(&r[1..1 + end]);
                }
            }
        }
        at = i + name.len();
    }
    None
}

/// The part name a relationship target or manifest path means, without a leading `/`.
fn part_name(target: &[u8]) -> String {
    String::from_utf8_lossy(target)
        .trim_start_matches('/')
        .to_ascii_lowercase()
}

/// Hidden text in a content part: `w:vanish` (Word), `text:hidden-text`,
/// `text:hidden-paragraph` or `text:display="none"` (OpenDocument).
fn has_hidden_text(name: &str, xml: &[u8]) -> bool {
    let content = name.starts_with("word/") || name == "content.xml" || name == "styles.xml";
    content
        && [
            b"<w:vanish".as_slice(),
            b"<text:hidden-text",
            b"<text:hidden-paragraph",
            b"text:display=\"none\"",
        ]
        .iter()
        .any(|p| memchr::memmem::find(xml, p).is_some())
}

/// The part a relationship part describes: `dir/_rels/name.rels` → `dir/name`.
fn source_of(rels: &str) -> Option<String> {
    let (dir, file) = rels.rsplit_once("_rels/")?;
    Some(format!("{dir}{}", file.strip_suffix(".rels")?))
}

/// Removes the reference to relationship `id` from a part: a `printerSettings` element that
/// refers to it goes whole (it says nothing else), any other attribute `…:id="ID"` goes.
fn drop_reference(xml: &mut Vec<u8>, id: &[u8]) {
    let pat: Vec<u8> = [b"=\"".as_slice(), id, b"\""].concat();
    let mut at = 0;
    while let Some(k) = memchr::memmem::find(&xml[at..], &pat) {
        let eq = at + k;
        // the attribute's name, back to the whitespace before it
        let Some(name_start) = xml[..eq].iter().rposition(|c| c.is_ascii_whitespace()) else {
            break;
        };
        let name = &xml[name_start + 1..eq];
        if !(name == b"id" || name.ends_with(b":id")) {
            at = eq + pat.len();
            continue;
        }
        let Some(lt) = memchr::memrchr(b'<', &xml[..eq]) else {
            break;
        };
        let tag_end = xml[lt + 1..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
            .map_or(xml.len(), |p| lt + 1 + p);
        let tag = &xml[lt + 1..tag_end];
        let self_closing =
            memchr::memchr(b'>', &xml[eq..]).is_some_and(|g| xml[eq + g - 1] == b'/');
        if (tag == b"printerSettings" || tag.ends_with(b":printerSettings")) && self_closing {
            let end = eq + memchr::memchr(b'>', &xml[eq..]).unwrap_or(0) + 1;
            xml.drain(lt..end);
            at = lt;
        } else {
            xml.drain(name_start..eq + pat.len());
            at = name_start;
        }
    }
}

/// The OpenDocument settings that name or describe the printer (`PrinterName`, and
/// `PrinterSetup`, the printer driver's own settings, which hold its name too), removed from
/// `settings.xml`; how many.
fn drop_printer_items(xml: &mut Vec<u8>) -> usize {
    drop_elements(xml, b"config:config-item", &mut |e| {
        attr(e, b"config:name").is_some_and(|n| {
            n == b"PrinterName" || n == b"PrinterSetup" || n == b"PrinterPaperFromSetup"
        })
    })
}

/// Writes one member, deflated.
fn write_member(w: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, data: &[u8]) -> Result<(), String> {
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    w.start_file(name, deflated)
        .and_then(|_| w.write_all(data).map_err(Into::into))
        .map_err(|_| "the document cannot be written again".to_owned())
}

/// Scrubs an office document.
pub fn scrub_office(d: &[u8]) -> Result<Scrubbed, String> {
    let z = ZipArchive::new(Cursor::new(d)).map_err(|_| "not a readable ZIP".to_owned())?;
    let mut z = Reader { z, spent: 0 };
    if z.z.len() > MAX_MEMBERS {
        return Err(format!("more than {MAX_MEMBERS} members"));
    }
    let names: Vec<String> = (0..z.z.len())
        .map(|i| {
            z.z.by_index_raw(i)
                .ok()
                .and_then(|f| f.name().ok().map(|n| n.into_owned()))
                .unwrap_or_default()
        })
        .collect();
    let pkg = if names.iter().any(|n| n == "[Content_Types].xml") {
        Package::Ooxml
    } else if names.iter().any(|n| n == "mimetype") {
        Package::Odf
    } else {
        return Err("neither OOXML nor OpenDocument".into());
    };
    let mut out = Scrubbed::default();
    let mut gone: Vec<String> = Vec::new(); // lower-case part names removed
    for n in &names {
        if let Some(what) = removed_member(pkg, n) {
            gone.push(n.to_ascii_lowercase());
            if !out.removed.iter().any(|r| r == what) {
                out.removed.push(what.into());
            }
        }
    }
    for (i, n) in names.iter().enumerate() {
        if n.ends_with(".xml") && has_hidden_text(n, &z.member(i)?) {
            let note = "hidden text: show it and decide whether it may be published";
            if !out.needs_decision.iter().any(|x| x == note) {
                out.needs_decision.push(note.into());
            }
        }
    }
    let mut edited: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
    if pkg == Package::Odf {
        if let Some(i) = names.iter().position(|n| n == "settings.xml") {
            let mut xml = z.member(i)?;
            if drop_printer_items(&mut xml) > 0 {
                out.removed.push("printer settings (settings.xml)".into());
                edited.insert("settings.xml".into(), xml);
            }
        }
    }
    if gone.is_empty() && edited.is_empty() {
        return Ok(out);
    }
    let is_gone = |target: &[u8]| gone.contains(&part_name(target));
    // every relationship part: without the relationships to removed parts (and to printer
    // settings); the parts that referred to a dropped relationship by its id
    let mut dropped_ids: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
    if pkg == Package::Ooxml {
        for (i, n) in names.iter().enumerate() {
            if !n.ends_with(".rels") {
                continue;
            }
            let mut xml = z.member(i)?;
            let root = n == "_rels/.rels";
            let mut ids = Vec::new();
            drop_elements(&mut xml, b"Relationship", &mut |e| {
                let drop = (root && attr(e, b"Target").is_some_and(is_gone))
                    || attr(e, b"Type").is_some_and(|t| t.ends_with(b"/printerSettings"));
                if drop {
                    ids.extend(attr(e, b"Id").map(<[u8]>::to_vec));
                }
                drop
            });
            if let Some(src) = source_of(n) {
                dropped_ids.insert(src, ids);
            }
            edited.insert(n.clone(), xml);
        }
    }
    let mut w = ZipWriter::new(Cursor::new(Vec::with_capacity(d.len())));
    for (i, n) in names.iter().enumerate() {
        if gone.contains(&n.to_ascii_lowercase()) {
            continue;
        }
        if let Some(xml) = edited.get(n) {
            write_member(&mut w, n, xml)?;
            continue;
        }
        if let Some(ids) = dropped_ids.get(n).filter(|ids| !ids.is_empty()) {
            let mut xml = z.member(i)?;
            for id in ids {
                drop_reference(&mut xml, id);
            }
            write_member(&mut w, n, &xml)?;
            continue;
        }
        let edit = match (pkg, n.as_str()) {
            (Package::Ooxml, "[Content_Types].xml") => {
                Some((b"Override".as_slice(), b"PartName".as_slice()))
            }
            (Package::Odf, "META-INF/manifest.xml") => Some((
                b"manifest:file-entry".as_slice(),
                b"manifest:full-path".as_slice(),
            )),
            _ => None,
        };
        match edit {
            Some((tag, key)) => {
                let mut xml = z.member(i)?;
                drop_elements(&mut xml, tag, &mut |e| attr(e, key).is_some_and(is_gone));
                if pkg == Package::Odf {
                    // the Thumbnails/ folder entry itself
                    drop_elements(&mut xml, tag, &mut |e| {
                        attr(e, key).is_some_and(|p| p.eq_ignore_ascii_case(b"Thumbnails/"))
                    });
                }
                write_member(&mut w, n, &xml)?;
            }
            None => {
                let f =
                    z.z.by_index_raw(i)
                        .map_err(|_| "a member cannot be read".to_owned())?;
                w.raw_copy_file(f)
                    .map_err(|_| "a member cannot be copied".to_owned())?;
            }
        }
    }
    let bytes = w
        .finish()
        .map_err(|_| "the document cannot be written again".to_owned())?
        .into_inner();
    out.bytes = Some(bytes);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_go_by_their_attribute_and_the_rest_stays() {
        let mut x = br#"<Types><Default Extension="xml"/><Override PartName="/docProps/core.xml" ContentType="a"/><Override PartName="/word/document.xml" ContentType="b"/><Overrides/></Types>"#.to_vec();
        let n = drop_elements(&mut x, b"Override", &mut |e| {
            attr(e, b"PartName").is_some_and(|p| p == b"/docProps/core.xml")
        });
        assert_eq!(n, 1);
        assert_eq!(
            x,
            br#"<Types><Default Extension="xml"/><Override PartName="/word/document.xml" ContentType="b"/><Overrides/></Types>"#
        );
        let mut m =
            b"<m><manifest:file-entry manifest:full-path='meta.xml'></manifest:file-entry><x/></m>"
                .to_vec();
        drop_elements(&mut m, b"manifest:file-entry", &mut |e| {
            attr(e, b"manifest:full-path") == Some(b"meta.xml")
        });
        assert_eq!(m, b"<m><x/></m>");
    }

    #[test]
    fn a_dropped_relationship_loses_its_references() {
        let mut x = br#"<w:settings><w:zoom w:percent="100"/><w:printerSettings r:id="rId3"/><w:x r:id="rId30"/></w:settings>"#.to_vec();
        drop_reference(&mut x, b"rId3");
        assert_eq!(
            x,
            br#"<w:settings><w:zoom w:percent="100"/><w:x r:id="rId30"/></w:settings>"#
        );
        let mut s =
            br#"<worksheet><pageSetup orientation="portrait" r:id="rId1"/></worksheet>"#.to_vec();
        drop_reference(&mut s, b"rId1");
        assert_eq!(
            s,
            br#"<worksheet><pageSetup orientation="portrait"/></worksheet>"#
        );
        assert_eq!(
            source_of("xl/worksheets/_rels/sheet1.xml.rels").unwrap(),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(source_of("_rels/.rels").unwrap(), "");
    }

    #[test]
    fn opendocument_printer_settings_go() {
        let mut x = br#"<c><config:config-item config:name="PrinterName" config:type="string">Office printer</config:config-item><config:config-item config:name="Zoom" config:type="short">100</config:config-item><config:config-item config:name="PrinterSetup" config:type="base64Binary"/></c>"#.to_vec();
        assert_eq!(drop_printer_items(&mut x), 2);
        assert_eq!(
            x,
            br#"<c><config:config-item config:name="Zoom" config:type="short">100</config:config-item></c>"#
        );
    }

    #[test]
    fn attributes_are_found_by_whole_name() {
        let e = br#"<Relationship Id="rId1" xTarget="no" Target = 'docProps/app.xml'/>"#;
        assert_eq!(attr(e, b"Target"), Some(b"docProps/app.xml".as_slice()));
        assert_eq!(attr(e, b"Missing"), None);
    }

    #[test]
    fn unreadable_input_is_an_error_not_a_panic() {
        assert!(scrub_office(b"PK\x03\x04 not really").is_err());
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("a.txt", SimpleFileOptions::default()).unwrap();
        w.write_all(b"x").unwrap();
        let z = w.finish().unwrap().into_inner();
        assert!(
            scrub_office(&z).is_err(),
            "a ZIP that is no office document"
        );
    }
}
