//! Structures that can carry content a reader does not see on the page: annotations (PDF 32000-1
//! §12.5) other than links and form widgets, JavaScript (§12.6.4.16, §7.7.4), embedded files
//! (§7.11.4) and filled-in form fields (§12.7.3).

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

/// Checks an object and every dictionary nested in it; `found` ends sorted, without repeats.
pub(super) fn check_structure(o: &Obj, doc: &Doc, depth: usize, found: &mut Vec<Found>) {
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

/// Every check of one dictionary.
fn check_dict(d: &Dict, doc: &Doc, found: &mut Vec<Found>) {
    check_annotation(d, found);
    check_javascript(d, found);
    check_embedded_file(d, found);
    check_form_field(d, doc, found);
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

/// A form field (or its widget) with a non-blank value (`/V`) or rich text value (`/RV`).
fn check_form_field(d: &Dict, doc: &Doc, found: &mut Vec<Found>) {
    let is_field = dict_get(d, b"FT").is_some()
        || dict_get(d, b"T").is_some()
        || subtype(d) == Some(b"Widget".as_slice());
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

    fn found(text: &str) -> Vec<(RuleId, String)> {
        let objs = [raw(1, 0, "(  )"), raw(2, 10, "(Ivan)")];
        with_doc(&objs, |doc| {
            let mut found = Vec::new();
            check_structure(&obj(text), doc, 0, &mut found);
            found
        })
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
            found("<< /T (name) /V 2 0 R >>"),
            value,
            "through a reference"
        );
        assert_eq!(found("<< /Subtype /Widget /V [() (x)] >>"), value);
        assert_eq!(found("<< /FT /Tx /RV << >> >>"), value, "rich text stream");
        assert!(found("<< /FT /Tx /V 1 0 R >>").is_empty(), "blank");
        assert!(found("<< /FT /Tx >>").is_empty());
        assert!(found("<< /V (not a field) >>").is_empty());
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
