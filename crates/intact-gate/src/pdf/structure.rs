//! Structures that can carry content a reader does not see on the page: annotations (PDF 32000-1
//! §12.5) other than links and form widgets, JavaScript (§12.6.4.16, §7.7.4), embedded files
//! (§7.11.4) and filled-in form fields (§12.7.3).
//!
//! A form field is known by its place in the document, never by key names alone (a Type 3
//! font's `/CharProcs` has keys `/T` and `/V` when it has glyphs named T and V): an object of an
//! interactive form's field tree (`/AcroForm /Fields` and their `/Kids`, of every revision's
//! catalog), a widget annotation, or a dictionary whose `/FT` is one of the field types.

use std::collections::HashSet;

use super::document::Doc;
use super::lexer::{self, dict_get, Dict, Obj};
use crate::rules::RuleId;

/// The annotation types of Table 169; with a `/Rect`, a dictionary of one of these subtypes is
/// an annotation even without `/Type /Annot`.
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

/// A finding: the rule and what was found.
pub(super) type Found = (RuleId, String);

/// The field types of Table 220.
const FIELD_TYPES: [&[u8]; 4] = [b"Btn", b"Tx", b"Ch", b"Sig"];

/// Bound on the field objects collected from field trees.
const MAX_FIELDS: usize = 100_000;

/// The object numbers of every field of every interactive form (§12.7.3): the `/Fields` of the
/// `/AcroForm` of every catalog (superseded ones too) and their `/Kids`, recursively.
pub(super) fn form_field_objects(doc: &Doc) -> HashSet<u32> {
    let mut fields = HashSet::new();
    for o in doc.objs {
        let Some(form) = o.obj.get(b"AcroForm").and_then(|f| doc.resolve(f)) else {
            continue;
        };
        if let Some(list) = form.get(b"Fields") {
            collect_fields(list, doc, 0, &mut fields);
        }
    }
    fields
}

fn collect_fields(list: &Obj, doc: &Doc, depth: usize, fields: &mut HashSet<u32>) {
    if depth > lexer::MAX_DEPTH {
        return;
    }
    let Some(Obj::Array(items)) = doc.resolve(list) else {
        return;
    };
    for item in items {
        if fields.len() >= MAX_FIELDS {
            return;
        }
        if let Obj::Ref(n, _) = item {
            if !fields.insert(*n) {
                continue; // already seen: no cycles
            }
        }
        if let Some(kids) = doc.resolve(item).and_then(|d| d.get(b"Kids")) {
            collect_fields(kids, doc, depth + 1, fields);
        }
    }
}

/// Checks an object and every dictionary nested in it; `found` ends sorted, without repeats.
/// `is_field` says whether the object itself is in a form's field tree.
pub(super) fn check_structure(o: &Obj, doc: &Doc, is_field: bool, found: &mut Vec<Found>) {
    check_nested(o, doc, is_field, 0, found);
    found.sort();
    found.dedup();
}

fn check_nested(o: &Obj, doc: &Doc, is_field: bool, depth: usize, found: &mut Vec<Found>) {
    if depth > lexer::MAX_DEPTH {
        return;
    }
    match o {
        Obj::Dict(d) => {
            check_dict(d, doc, is_field, found);
            for (_, v) in d {
                check_nested(v, doc, false, depth + 1, found);
            }
        }
        Obj::Array(a) => a
            .iter()
            .for_each(|x| check_nested(x, doc, false, depth + 1, found)),
        _ => {}
    }
}

/// Every check of one dictionary.
fn check_dict(d: &Dict, doc: &Doc, is_field: bool, found: &mut Vec<Found>) {
    check_annotation(d, found);
    check_javascript(d, found);
    check_embedded_file(d, found);
    check_form_field(d, doc, is_field, found);
}

fn subtype(d: &Dict) -> Option<&[u8]> {
    dict_get(d, b"Subtype").and_then(|s| s.as_name())
}

/// An annotation other than Link and Widget; a file attachment annotation is also an attachment.
fn check_annotation(d: &Dict, found: &mut Vec<Found>) {
    let subtype = subtype(d);
    let is_annot = dict_get(d, b"Type").is_some_and(|t| t.is_name(b"Annot"))
        || (dict_get(d, b"Rect").is_some() && subtype.is_some_and(|s| ANNOT_SUBTYPES.contains(&s)));
    if !is_annot {
        return;
    }
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

/// A JavaScript action (`/S /JavaScript`, `/JS`) or the document's JavaScript name tree.
fn check_javascript(d: &Dict, found: &mut Vec<Found>) {
    if dict_get(d, b"JS").is_some()
        || dict_get(d, b"S").is_some_and(|s| s.is_name(b"JavaScript"))
        || dict_get(d, b"JavaScript").is_some()
    {
        found.push((RuleId::PdfJavascript, "JavaScript".into()));
    }
}

/// An embedded file stream, a file specification with `/EF`, or the `/EmbeddedFiles` name tree.
fn check_embedded_file(d: &Dict, found: &mut Vec<Found>) {
    if dict_get(d, b"Type").is_some_and(|t| t.is_name(b"EmbeddedFile"))
        || dict_get(d, b"EF").is_some()
        || dict_get(d, b"EmbeddedFiles").is_some()
    {
        found.push((RuleId::PdfAttachment, "embedded file".into()));
    }
}

/// A form field (or its widget) with a non-blank value (`/V`) or rich text value (`/RV`): a
/// member of a field tree, a widget annotation, or a dictionary with a field type.
fn check_form_field(d: &Dict, doc: &Doc, in_tree: bool, found: &mut Vec<Found>) {
    let typed = dict_get(d, b"FT")
        .and_then(|t| t.as_name())
        .is_some_and(|t| FIELD_TYPES.contains(&t));
    let is_field = in_tree || typed || subtype(d) == Some(b"Widget".as_slice());
    if is_field
        && (nonempty_value(dict_get(d, b"V"), doc) || nonempty_value(dict_get(d, b"RV"), doc))
    {
        found.push((RuleId::PdfFormFieldValue, "form field value".into()));
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

#[cfg(test)]
mod tests {
    use super::super::tests::{obj, raw, with_doc};
    use super::*;

    fn found_in(text: &str, in_tree: bool) -> Vec<(RuleId, String)> {
        let objs = [raw(1, 0, "(  )"), raw(2, 10, "(Ivan)")];
        with_doc(&objs, |doc| {
            let mut found = Vec::new();
            check_structure(&obj(text), doc, in_tree, &mut found);
            found
        })
    }

    fn found(text: &str) -> Vec<(RuleId, String)> {
        found_in(text, false)
    }

    fn check(f: fn(&Dict, &mut Vec<Found>), text: &str) -> Vec<Found> {
        let mut found = Vec::new();
        f(obj(text).as_dict().unwrap(), &mut found);
        found
    }

    #[test]
    fn annotations_other_than_links_and_widgets() {
        let text = |t: &str| check(check_annotation, t);
        assert_eq!(
            text("<< /Type /Annot /Subtype /Text >>"),
            vec![(RuleId::PdfAnnotation, "annotation /Text".to_string())]
        );
        assert_eq!(
            text("<< /Rect [0 0 1 1] /Subtype /FileAttachment >>"),
            vec![
                (RuleId::PdfAnnotation, "annotation /FileAttachment".into()),
                (RuleId::PdfAttachment, "file attachment annotation".into())
            ]
        );
        assert!(text("<< /Type /Annot /Subtype /Link >>").is_empty());
        assert!(text("<< /Rect [0 0 1 1] /Subtype /Widget >>").is_empty());
        assert!(
            text("<< /Subtype /Text >>").is_empty(),
            "no /Rect, no /Type"
        );
    }

    #[test]
    fn javascript_and_embedded_files() {
        let js = (RuleId::PdfJavascript, "JavaScript".to_string());
        assert_eq!(
            check(check_javascript, "<< /S /JavaScript >>"),
            vec![js.clone()]
        );
        assert_eq!(check(check_javascript, "<< /JS (x) >>"), vec![js.clone()]);
        assert_eq!(check(check_javascript, "<< /JavaScript 3 0 R >>"), vec![js]);
        assert!(check(check_javascript, "<< /S /URI >>").is_empty());
        let ef = (RuleId::PdfAttachment, "embedded file".to_string());
        assert_eq!(
            check(check_embedded_file, "<< /EF << >> >>"),
            vec![ef.clone()]
        );
        assert_eq!(
            check(check_embedded_file, "<< /Type /EmbeddedFile >>"),
            vec![ef]
        );
        assert!(check(check_embedded_file, "<< /Type /Filespec >>").is_empty());
    }

    #[test]
    fn form_fields_with_a_value() {
        let value = vec![(RuleId::PdfFormFieldValue, "form field value".to_string())];
        assert_eq!(found("<< /FT /Tx /V (Ivan) >>"), value);
        assert_eq!(
            found_in("<< /T (name) /V 2 0 R >>", true),
            value,
            "a field of the form's tree, its value through a reference"
        );
        assert_eq!(found("<< /Subtype /Widget /V [() (x)] >>"), value);
        assert_eq!(found("<< /FT /Tx /RV << >> >>"), value, "rich text stream");
        assert!(found("<< /FT /Tx /V 1 0 R >>").is_empty(), "blank");
        assert!(found("<< /FT /Tx >>").is_empty());
        assert!(found("<< /V (not a field) >>").is_empty());
    }

    #[test]
    fn glyph_names_t_and_v_are_not_a_field() {
        // a Type 3 font's glyph procedures named T and V (xkeyval.pdf)
        let charprocs = "<< /Type /Font /Subtype /Type3 /CharProcs << /T 2 0 R /V 2 0 R >> >>";
        assert!(found(charprocs).is_empty());
        assert!(
            found("<< /T (name) /V (Ivan) >>").is_empty(),
            "outside a form"
        );
        assert!(
            found("<< /FT 2 0 R /V (Ivan) >>").is_empty(),
            "not a field type"
        );
    }

    #[test]
    fn field_trees_of_every_form() {
        let objs = [
            raw(
                1,
                0,
                "<< /Type /Catalog /AcroForm << /Fields [2 0 R 9 0 R] >> >>",
            ),
            raw(2, 10, "<< /T (parent) /Kids [3 0 R 2 0 R] >>"),
            raw(3, 20, "<< /T (kid) /V (Ivan) >>"),
            raw(4, 30, "<< /AcroForm 5 0 R >>"),
            raw(5, 40, "<< /Fields 6 0 R >>"),
            raw(6, 50, "[7 0 R]"),
            raw(8, 60, "<< /T (T) /V (unrelated) >>"),
        ];
        let fields = with_doc(&objs, form_field_objects);
        let mut nums: Vec<u32> = fields.into_iter().collect();
        nums.sort();
        assert_eq!(nums, vec![2, 3, 7, 9]);
    }

    #[test]
    fn nested_dictionaries_checked_sorted_once() {
        assert_eq!(
            found("<< /A << /S /JavaScript >> /B [<< /JS (x) >> << /EF << >> >>] >>"),
            vec![
                (RuleId::PdfAttachment, "embedded file".to_string()),
                (RuleId::PdfJavascript, "JavaScript".to_string())
            ]
        );
    }
}
