//! PDF: object surgery with lopdf. By default the document information dictionary (trailer
//! `/Info`) and the catalog's XMP (`/Metadata`) go; by option, embedded files, JavaScript and
//! actions, and the annotations the gate flags. The file is written again as one revision
//! holding only the objects reachable from its trailer; streams (page content, images, fonts)
//! are copied with their encoded bytes unchanged.
//!
//! A PDF with earlier revisions (incremental updates) is rewritten only with
//! [`PdfOptions::revisions`]: the earlier revisions hold whatever was changed or removed since,
//! so removing the Info dictionary from the latest alone would remove nothing — and rewriting
//! drops them, which the office must ask for. Encrypted PDFs are left as they are.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::Scrubbed;
use crate::gate::RuleId;

/// What scrub removes from a PDF besides the Info dictionary and the catalog XMP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// Rewrite a PDF with incremental updates as one revision (`--pdf-revisions`).
    pub revisions: bool,
    /// Remove embedded files and file attachment annotations (`--pdf-attachments`).
    pub attachments: bool,
    /// Remove JavaScript and actions that run by themselves (`--pdf-javascript`).
    pub javascript: bool,
    /// Remove annotations other than links and form widgets (`--pdf-annotations`).
    pub annotations: bool,
}

/// Deepest nesting of arrays and dictionaries walked inside one object.
const MAX_DEPTH: usize = 64;

/// Scrubs a PDF; `rules` are the gate's structural findings on it (what it has).
pub fn scrub_pdf(d: &[u8], o: &PdfOptions, rules: &[RuleId]) -> Result<Scrubbed, String> {
    let mut out = Scrubbed::default();
    let revisions = rules.contains(&RuleId::PdfIncrementalUpdate);
    if revisions && !o.revisions {
        return Ok(out); // the gate's finding is reported by the caller, with the option to give
    }
    if rules.contains(&RuleId::UnreadableFile) {
        return Ok(out);
    }
    // (lopdf's messages are not shown: they may quote the file)
    let mut doc = Document::load_mem(d).map_err(|_| "lopdf cannot read it".to_owned())?;
    if doc.was_encrypted() || doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err("it is encrypted".into());
    }
    if doc.trailer.remove(b"Info").is_some() {
        out.removed.push("PDF Info dictionary".into());
    }
    let catalog = doc
        .catalog_mut()
        .map_err(|_| "it has no catalog".to_owned())?;
    if catalog.remove(b"Metadata").is_some() {
        out.removed.push("PDF XMP metadata (catalog)".into());
    }
    if o.attachments && remove_attachments(&mut doc) {
        out.removed.push("PDF embedded files".into());
    }
    if o.javascript && remove_javascript(&mut doc) {
        out.removed.push("PDF JavaScript and actions".into());
    }
    if o.annotations {
        let n = remove_annotations(&mut doc);
        if n > 0 {
            out.removed.push(format!("PDF annotations ({n})"));
        }
    }
    if revisions {
        out.removed.push("PDF earlier revisions".into());
    }
    if out.removed.is_empty() {
        return Ok(out);
    }
    doc.prune_objects();
    // the trailer's /Size is one more than the highest object number left
    doc.max_id = doc.objects.keys().map(|id| id.0).max().unwrap_or(0);
    let mut bytes = Vec::with_capacity(d.len());
    doc.save_to(&mut bytes)
        .map_err(|_| "lopdf cannot write it".to_owned())?;
    out.bytes = Some(bytes);
    Ok(out)
}

/// The dictionary `o` is, directly or by reference.
fn dict_of<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => match doc.objects.get(id)? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        },
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Applies `f` to every dictionary in every object (streams' dictionaries too), nested ones
/// included (bounded depth).
fn each_dict(doc: &mut Document, f: &mut dyn FnMut(&mut Dictionary) -> bool) -> bool {
    fn walk(o: &mut Object, f: &mut dyn FnMut(&mut Dictionary) -> bool, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let mut changed = false;
        match o {
            Object::Dictionary(d) => {
                changed |= f(d);
                for (_, v) in d.iter_mut() {
                    changed |= walk(v, f, depth + 1);
                }
            }
            Object::Stream(s) => {
                changed |= f(&mut s.dict);
                for (_, v) in s.dict.iter_mut() {
                    changed |= walk(v, f, depth + 1);
                }
            }
            Object::Array(a) => {
                for v in a.iter_mut() {
                    changed |= walk(v, f, depth + 1);
                }
            }
            _ => {}
        }
        changed
    }
    let mut changed = false;
    for o in doc.objects.values_mut() {
        changed |= walk(o, f, 0);
    }
    changed |= f(&mut doc.trailer);
    changed
}

fn is_name(d: &Dictionary, key: &[u8], name: &[u8]) -> bool {
    d.get(key)
        .and_then(Object::as_name)
        .is_ok_and(|n| n == name)
}

/// Embedded files: the `/EmbeddedFiles` name trees, every file specification's `/EF` (and
/// `/RF`), associated files (`/AF`), and file attachment annotations (removed from `/Annots`).
fn remove_attachments(doc: &mut Document) -> bool {
    let annots = drop_annotations(doc, &|d| is_name(d, b"Subtype", b"FileAttachment")) > 0;
    let mut streams = Vec::new();
    for (id, o) in &doc.objects {
        if let Object::Stream(s) = o {
            if is_name(&s.dict, b"Type", b"EmbeddedFile") {
                streams.push(*id);
            }
        }
    }
    let keys = each_dict(doc, &mut |d| {
        let mut c = false;
        for k in [b"EmbeddedFiles".as_slice(), b"EF", b"RF", b"AF"] {
            c |= d.remove(k).is_some();
        }
        c
    });
    for id in &streams {
        doc.objects.insert(*id, Object::Null);
    }
    annots || keys || !streams.is_empty()
}

/// Whether `d` is a JavaScript action.
fn is_js(d: &Dictionary) -> bool {
    d.has(b"JS") || is_name(d, b"S", b"JavaScript")
}

/// JavaScript and actions that run by themselves: every JavaScript action (its object made
/// null, references to it dropped), the `/JavaScript` name trees, and the automatic actions
/// (`/OpenAction`, `/AA`) everywhere. Link actions that are not JavaScript (URI, GoTo) stay.
fn remove_javascript(doc: &mut Document) -> bool {
    let mut js_ids: Vec<ObjectId> = Vec::new();
    for (id, o) in &doc.objects {
        let d = match o {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if is_js(d) {
            js_ids.push(*id);
        }
    }
    let mut changed = !js_ids.is_empty();
    for id in &js_ids {
        doc.objects.insert(*id, Object::Null);
    }
    changed |= each_dict(doc, &mut |d| {
        let mut c = false;
        for k in [b"JavaScript".as_slice(), b"OpenAction", b"AA"] {
            c |= d.remove(k).is_some();
        }
        let a_js = match d.get(b"A") {
            Ok(Object::Dictionary(a)) => is_js(a),
            Ok(Object::Reference(id)) => js_ids.contains(id),
            _ => false,
        };
        if a_js {
            d.remove(b"A");
            c = true;
        }
        if is_js(d) {
            d.remove(b"JS");
            d.remove(b"S");
            c = true;
        }
        c
    });
    changed
}

/// Annotations other than links and form widgets (what the gate flags as `pdf-annotation`),
/// removed from every page's `/Annots`; their count.
fn remove_annotations(doc: &mut Document) -> usize {
    drop_annotations(doc, &|d| {
        !(is_name(d, b"Subtype", b"Link") || is_name(d, b"Subtype", b"Widget"))
    })
}

/// Removes from every page's `/Annots` the annotations `gone` selects; how many.
fn drop_annotations(doc: &mut Document, gone: &dyn Fn(&Dictionary) -> bool) -> usize {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut n = 0;
    for page in pages {
        let annots = match doc.get_dictionary(page).and_then(|p| p.get(b"Annots")) {
            Ok(a) => a.clone(),
            Err(_) => continue,
        };
        let (list, at) = match &annots {
            Object::Array(a) => (a.clone(), None),
            Object::Reference(id) => match doc.objects.get(id) {
                Some(Object::Array(a)) => (a.clone(), Some(*id)),
                _ => continue,
            },
            _ => continue,
        };
        let kept: Vec<Object> = list
            .iter()
            .filter(|o| !dict_of(doc, o).is_some_and(gone))
            .cloned()
            .collect();
        if kept.len() == list.len() {
            continue;
        }
        n += list.len() - kept.len();
        match at {
            Some(id) => {
                doc.objects.insert(id, Object::Array(kept));
            }
            None => {
                if let Ok(p) = doc.get_dictionary_mut(page) {
                    p.set("Annots", Object::Array(kept));
                }
            }
        }
    }
    n
}
