//! Citations of an item beyond `intact cite`'s one line ([`crate::cite::citation_text`]): an
//! archival note (Chicago-style, archive first), BibTeX and CSL-JSON. Metadata is used as
//! written; missing fields are left out, never invented.

use serde_json::{json, Map, Value};

use crate::manifest::Item;
use crate::release::Statement;

fn md(item: &Item) -> crate::manifest::Description {
    item.metadata.as_deref().cloned().unwrap_or_default()
}

/// An archival note: title, date, case/volume/pages, then the collection and release with the
/// item's digest and the bundle id.
pub fn note_citation(s: &Statement, bundle_id: &str, item: &Item) -> String {
    let m = md(item);
    let mut parts: Vec<String> = Vec::new();
    parts.push(m.title.clone().unwrap_or_else(|| item.id.clone()));
    if let Some(t) = &m.doc_type {
        parts.push(t.clone());
    }
    if let Some(d) = &m.date {
        parts.push(d.clone());
    }
    let mut loc = Vec::new();
    if let Some(c) = &m.case_no {
        loc.push(format!("Case {c}"));
    }
    if let Some(v) = &m.volume {
        loc.push(format!("vol. {v}"));
    }
    if let Some(p) = &m.pages {
        loc.push(format!("fol. {p}"));
    }
    if !loc.is_empty() {
        parts.push(loc.join(", "));
    }
    parts.push(format!(
        "{}, release {}, {}",
        s.collection,
        s.release,
        s.created.get(..10).unwrap_or(&s.created)
    ));
    parts.push(format!("item {}", item.id));
    if let Some(d) = &item.sha256 {
        parts.push(format!("SHA-256 {d}"));
    }
    parts.push(format!("bundle {bundle_id}"));
    parts.join(". ") + "."
}

/// A BibTeX key: the collection, release and leaf-safe id, ASCII letters, digits and `-:_.`.
fn bibtex_key(s: &Statement, item: &Item) -> String {
    format!("{}:{}:{}", s.collection, s.release, item.id)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-:_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A BibTeX field value in braces: `{`, `}` and `\` escaped, control characters as spaces.
fn bib_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('{');
    for c in v.chars() {
        match c {
            '{' | '}' | '\\' | '%' | '&' | '#' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('}');
    out
}

/// A BibTeX `@misc` entry.
pub fn bibtex(s: &Statement, bundle_id: &str, item: &Item) -> String {
    let m = md(item);
    let mut fields: Vec<(&str, String)> =
        vec![("title", m.title.clone().unwrap_or_else(|| item.id.clone()))];
    if let Some(d) = &m.date {
        fields.push(("date", d.clone()));
    }
    fields.push(("organization", s.collection.clone()));
    let mut how = Vec::new();
    if let Some(t) = &m.doc_type {
        how.push(t.clone());
    }
    if let Some(c) = &m.case_no {
        how.push(format!("case {c}"));
    }
    if let Some(v) = &m.volume {
        how.push(format!("vol. {v}"));
    }
    if let Some(p) = &m.pages {
        how.push(format!("fol. {p}"));
    }
    if !how.is_empty() {
        fields.push(("howpublished", how.join(", ")));
    }
    if let Some(l) = &m.language {
        fields.push(("language", l.clone()));
    }
    let mut note = format!("release {} ({}), item {}", s.release, s.created, item.id);
    if let Some(d) = &item.sha256 {
        note.push_str(&format!(", SHA-256 {d}"));
    }
    note.push_str(&format!(", intact bundle {bundle_id}"));
    fields.push(("note", note));
    let mut out = format!("@misc{{{},\n", bibtex_key(s, item));
    for (k, v) in fields {
        out.push_str(&format!("  {k} = {},\n", bib_value(&v)));
    }
    out.push_str("}\n");
    out
}

/// A CSL-JSON item (an array of one), pretty-printed.
pub fn csl_json(s: &Statement, bundle_id: &str, item: &Item) -> String {
    let m = md(item);
    let mut o = Map::new();
    o.insert("id".into(), json!(bibtex_key(s, item)));
    o.insert("type".into(), json!("document"));
    o.insert(
        "title".into(),
        json!(m.title.clone().unwrap_or_else(|| item.id.clone())),
    );
    o.insert("archive".into(), json!(s.collection));
    let mut loc = Vec::new();
    if let Some(c) = &m.case_no {
        loc.push(format!("case {c}"));
    }
    if let Some(v) = &m.volume {
        loc.push(format!("vol. {v}"));
    }
    if let Some(p) = &m.pages {
        loc.push(format!("fol. {p}"));
    }
    if !loc.is_empty() {
        o.insert("archive_location".into(), json!(loc.join(", ")));
    }
    if let Some(t) = &m.doc_type {
        o.insert("genre".into(), json!(t));
    }
    if let Some(l) = &m.language {
        o.insert("language".into(), json!(l));
    }
    if let Some(d) = &m.date {
        o.insert("issued".into(), json!({ "raw": d }));
    }
    if let Some(d) = &m.description {
        o.insert("abstract".into(), json!(d));
    }
    let mut note = format!("release {} ({}), item {}", s.release, s.created, item.id);
    if let Some(d) = &item.sha256 {
        note.push_str(&format!(", SHA-256 {d}"));
    }
    note.push_str(&format!(", intact bundle {bundle_id}"));
    o.insert("note".into(), json!(note));
    serde_json::to_string_pretty(&Value::Array(vec![Value::Object(o)])).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> (Statement, Item) {
        let s: Statement = serde_json::from_value(json!({
            "format": "intact-release/1", "collection": "c1", "release": "r1",
            "created": "2026-01-15T09:00:00Z", "previous": null, "item_count": 1,
            "payload_bytes": 3, "merkle_root": "00", "tag_files": {}
        }))
        .unwrap();
        let item: Item = serde_json::from_value(json!({
            "id": "T-1 {x}", "path": "data/a.txt", "sha256": "ab", "size": 3,
            "media_type": "text/plain",
            "metadata": {"title": "Testimony of a witness & 50% {draft}", "case_no": "12/3",
                         "volume": "2", "pages": "4-7", "date": "1990-02-01", "language": "hy"}
        }))
        .unwrap();
        (s, item)
    }

    #[test]
    fn bibtex_escapes_its_special_characters_and_keeps_the_digest() {
        let (s, item) = fixture();
        let b = bibtex(&s, "ff", &item);
        assert!(b.starts_with("@misc{c1:r1:T-1__x_,\n"), "{b}");
        assert!(
            b.contains("title = {Testimony of a witness \\& 50\\% \\{draft\\}}"),
            "{b}"
        );
        assert!(b.contains("SHA-256 ab"), "{b}");
        assert!(
            b.contains("howpublished = {case 12/3, vol. 2, fol. 4-7}"),
            "{b}"
        );
    }

    #[test]
    fn csl_json_is_an_array_of_one_document_with_the_metadata_as_written() {
        let (s, item) = fixture();
        let v: Value = serde_json::from_str(&csl_json(&s, "ff", &item)).unwrap();
        assert_eq!(v[0]["type"], "document");
        assert_eq!(v[0]["title"], "Testimony of a witness & 50% {draft}");
        assert_eq!(v[0]["issued"]["raw"], "1990-02-01");
        assert_eq!(v[0]["archive"], "c1");
        assert!(v[0]["note"].as_str().unwrap().contains("intact bundle ff"));
    }

    #[test]
    fn the_note_leaves_out_what_the_record_does_not_say() {
        let (s, mut item) = fixture();
        item.metadata = None;
        let n = note_citation(&s, "ff", &item);
        assert_eq!(
            n,
            "T-1 {x}. c1, release r1, 2026-01-15. item T-1 {x}. SHA-256 ab. bundle ff."
        );
    }
}
