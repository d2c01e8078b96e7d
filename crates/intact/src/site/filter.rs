//! A release's filter index, cut into chunks: each chunk a script file with the filterable
//! fields of up to [`CHUNK_ITEMS`](super::CHUNK_ITEMS) documents, and one small facets file
//! that says, per case, volume, document type and redaction status, which chunks hold it, and
//! each chunk's date range — so a filter loads only the chunks that can match, one at a time.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::json;

use super::model::DocView;

/// The facets of one release: value → chunks that hold it, per field.
#[derive(Debug, Default, Serialize)]
pub struct Facets {
    pub release: String,
    pub count: usize,
    pub chunks: usize,
    pub case_no: BTreeMap<String, BTreeSet<usize>>,
    pub volume: BTreeMap<String, BTreeSet<usize>>,
    pub doc_type: BTreeMap<String, BTreeSet<usize>>,
    pub status: BTreeMap<String, BTreeSet<usize>>,
    /// `[min, max]` of the dates in each chunk (`null` when none has a date).
    pub dates: Vec<Option<(String, String)>>,
}

/// One row of a chunk: `[n, id, title, case, volume, type, date, status, state]`.
fn row(d: &DocView) -> serde_json::Value {
    let m = d.item.metadata.as_deref();
    let f = |g: fn(&crate::manifest::Description) -> &Option<String>| {
        m.and_then(|m| g(m).clone()).unwrap_or_default()
    };
    json!([
        d.n,
        d.item.id,
        f(|m| &m.title),
        f(|m| &m.case_no),
        f(|m| &m.volume),
        f(|m| &m.doc_type),
        f(|m| &m.date),
        d.status,
        d.state
    ])
}

/// Script text safe inside a `<script>` element or file: `<`, `>`, `&` and the two JavaScript
/// line separators as `\u` escapes (JSON.parse and JavaScript read them back unchanged).
pub fn script_json(v: &impl Serialize) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The chunk scripts and the facets of one release's documents (in manifest order).
pub fn build(release: &str, docs: &[DocView], chunk_items: usize) -> (Facets, Vec<String>) {
    let mut facets = Facets {
        release: release.to_owned(),
        count: docs.len(),
        ..Facets::default()
    };
    let mut chunks = Vec::new();
    for (ci, part) in docs.chunks(chunk_items.max(1)).enumerate() {
        let mut rows = Vec::with_capacity(part.len());
        let mut range: Option<(String, String)> = None;
        for d in part {
            rows.push(row(d));
            let m = d.item.metadata.as_deref();
            let add = |map: &mut BTreeMap<String, BTreeSet<usize>>, v: Option<&String>| {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    map.entry(v.clone()).or_default().insert(ci);
                }
            };
            add(&mut facets.case_no, m.and_then(|m| m.case_no.as_ref()));
            add(&mut facets.volume, m.and_then(|m| m.volume.as_ref()));
            add(&mut facets.doc_type, m.and_then(|m| m.doc_type.as_ref()));
            facets
                .status
                .entry(d.status.to_owned())
                .or_default()
                .insert(ci);
            if let Some(date) = m.and_then(|m| m.date.clone()).filter(|d| !d.is_empty()) {
                range = Some(match range {
                    None => (date.clone(), date),
                    Some((lo, hi)) => (lo.min(date.clone()), hi.max(date)),
                });
            }
        }
        facets.dates.push(range);
        chunks.push(format!(
            "IntactFilter.chunk({},{},{});\n",
            script_json(&release),
            ci,
            script_json(&rows)
        ));
    }
    facets.chunks = chunks.len();
    (facets, chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_its_script_element() {
        let s = script_json(&json!({"t": "</script><b>&\u{2028}"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "</script><b>&\u{2028}");
    }
}
