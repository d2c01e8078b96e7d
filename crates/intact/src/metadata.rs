//! Item metadata given to `intact pack --metadata` (docs/METADATA.md): a CSV or JSON file with
//! one row per item — provenance, description and the redaction record. Every row is checked,
//! and every problem reported at once with its row, before anything is written.
//!
//! A problem names the row (or item), the column (or field) and what is wrong, never the value:
//! a cell may hold a withheld name — a column shifted by an unquoted comma is the everyday way
//! there — and an error message is no place to repeat it. A column the file names but intact
//! does not know is named by its number only, for the same reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::bagpath::BagPath;
use crate::manifest::{Description, Redaction, RedactionStatus};
use crate::problem::{Check, Problem};

/// Column (CSV) and field (JSON) names, in the order the docs list them.
pub const FIELDS: [&str; 20] = [
    "path",
    "id",
    "case_no",
    "volume",
    "pages",
    "doc_type",
    "title",
    "date",
    "language",
    "description",
    "source",
    "custody",
    "digitization",
    "rights",
    "redaction_status",
    "redaction_categories",
    "legal_basis",
    "redaction_regions",
    "reason",
    "original",
];

/// Document types (`doc_type`); spaces and underscores in the input are read as hyphens.
pub const DOC_TYPES: [&str; 9] = [
    "testimony",
    "photograph",
    "material-evidence",
    "document",
    "protocol",
    "audio",
    "video",
    "map",
    "other",
];

/// Why the metadata cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", .problems.iter().map(|p| if p.path.is_empty() { format!("{}: {}", .path.display(), p.message) } else { format!("{}: {}: {}", .path.display(), p.path, p.message) }).collect::<Vec<_>>().join("\n"))]
    Invalid {
        path: PathBuf,
        /// Check [`Check::Metadata`]; the path is "line 3" (CSV line number, the header is line 1) or "item 2" (JSON
        /// array index), or "" for the whole file.
        problems: Vec<Problem>,
    },
}

/// One validated row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemMeta {
    /// Where the row is, for messages.
    pub row: String,
    /// Payload path (`data/…`); `None` for a withheld item.
    pub path: Option<BagPath>,
    pub id: String,
    pub description: Description,
    pub redaction: Redaction,
    /// Path of the unredacted original below `--originals` (default: the item's path below
    /// `data/`).
    pub original: Option<String>,
    /// Every text value of the row that goes into the manifest, with its location, for the leak
    /// gate (`original` names a private file and never enters a bundle).
    pub texts: Vec<(String, String)>,
}

/// A loaded metadata file.
#[derive(Debug, Clone)]
pub struct MetadataSet {
    pub path: PathBuf,
    pub items: Vec<ItemMeta>,
    /// The problems of rows that did not validate ([`MetadataSet::load_partial`]), reported
    /// with the payload's by [`MetadataSet::check_against`]: every problem in one report.
    pub row_problems: Vec<Problem>,
    /// Every row's path below `data/` as given, valid row or not (a file a row names is not
    /// "without a row").
    pub named: BTreeSet<String>,
    /// Rows that did not validate and are not withheld, with their path below `data/`: their
    /// path is still checked against the payload.
    pub unchecked: Vec<(String, String)>,
}

type Row = (String, BTreeMap<String, String>);

/// Sort key of a row label ("line 3", "item 2", "").
fn row_number(label: &str) -> usize {
    label
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

impl MetadataSet {
    /// Loads and validates a CSV (`.csv`) or JSON (`.json`, or content starting with `[`/`{`).
    pub fn load(path: &Path) -> Result<MetadataSet, MetadataError> {
        let set = MetadataSet::load_partial(path)?;
        if set.row_problems.is_empty() {
            Ok(set)
        } else {
            Err(MetadataError::Invalid {
                path: path.to_owned(),
                problems: set.row_problems,
            })
        }
    }

    /// [`MetadataSet::load`], keeping the rows that validated and the problems of the others
    /// in `row_problems` (an error only when the file cannot be read as rows at all), so that
    /// `pack` reports them together with the payload's ([`MetadataSet::check_against`]).
    pub fn load_partial(path: &Path) -> Result<MetadataSet, MetadataError> {
        let bytes = std::fs::read(path).map_err(|source| MetadataError::Read {
            path: path.to_owned(),
            source,
        })?;
        let invalid = |problems| MetadataError::Invalid {
            path: path.to_owned(),
            problems,
        };
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || bytes
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'[' || *b == 0x7B);
        let rows = if is_json {
            json_rows(&bytes)
        } else {
            csv_rows(&bytes)
        }
        .map_err(invalid)?;
        let mut problems = Vec::new();
        let mut items = Vec::new();
        let mut ids = BTreeMap::new();
        let mut paths = BTreeMap::new();
        let mut unchecked = Vec::new();
        for (row, fields) in rows {
            // Duplicates are found on the raw values, so an invalid row still claims its id.
            if let Some(id) = fields.get("id") {
                if let Some(first) = ids.insert(id.clone(), row.clone()) {
                    problems.push(Problem::new(
                        Check::Metadata,
                        row.clone(),
                        format!("id: the same id as {first}"),
                    ));
                }
            }
            if let Some(p) = fields.get("path") {
                let key = p.strip_prefix("data/").unwrap_or(p).to_owned();
                if let Some(first) = paths.insert(key, row.clone()) {
                    problems.push(Problem::new(
                        Check::Metadata,
                        row.clone(),
                        format!("path: the same file as {first}"),
                    ));
                }
            }
            match validate_row(&row, &fields) {
                Ok(item) => items.push(item),
                Err(mut ps) => {
                    problems.append(&mut ps);
                    let withheld = fields.get("redaction_status").map(String::as_str);
                    if let (Some(p), false) = (fields.get("path"), withheld == Some("withheld")) {
                        let rel = p.strip_prefix("data/").unwrap_or(p).to_owned();
                        unchecked.push((row.clone(), rel));
                    }
                }
            }
        }
        problems.sort_by_key(|p| row_number(&p.path));
        if items.is_empty() && problems.is_empty() {
            return Err(invalid(vec![Problem::new(
                Check::Metadata,
                String::new(),
                "no rows",
            )]));
        }
        Ok(MetadataSet {
            path: path.to_owned(),
            items,
            row_problems: problems,
            named: paths.into_keys().collect(),
            unchecked,
        })
    }

    /// Matches rows to the payload: every row's path must exist, and every payload file needs
    /// a row unless `allow_missing`. A withheld row whose file is in the payload is an error:
    /// withheld material must not be packed.
    pub fn check_against(
        &self,
        payload: &BTreeSet<BagPath>,
        allow_missing: bool,
    ) -> Result<(), MetadataError> {
        let mut problems = self.row_problems.clone();
        let described: BTreeSet<&BagPath> =
            self.items.iter().filter_map(|i| i.path.as_ref()).collect();
        let named = |p: &BagPath| {
            p.as_str()
                .strip_prefix("data/")
                .is_some_and(|rel| self.named.contains(rel))
        };
        for item in &self.items {
            match (&item.path, item.redaction.status) {
                (Some(p), RedactionStatus::Withheld) => {
                    let msg = if payload.contains(p) {
                        "path: the item is withheld but its file is in the source: remove the file, withheld material is never packed".to_owned()
                    } else {
                        "a withheld item has no path".into()
                    };
                    problems.push(Problem::new(Check::Metadata, item.row.clone(), msg));
                }
                (Some(p), _) if !payload.contains(p) => {
                    problems.push(Problem::new(
                        Check::Metadata,
                        item.row.clone(),
                        "path: no such file in the source",
                    ));
                }
                (None, s) if s != RedactionStatus::Withheld => {
                    problems.push(Problem::new(
                        Check::Metadata,
                        item.row.clone(),
                        "path is required unless redaction_status is withheld",
                    ));
                }
                _ => {}
            }
        }
        for (row, rel) in &self.unchecked {
            if BagPath::parse(&format!("data/{rel}")).is_ok_and(|p| !payload.contains(&p)) {
                problems.push(Problem::new(
                    Check::Metadata,
                    row.clone(),
                    "path: no such file in the source",
                ));
            }
        }
        if !allow_missing {
            for p in payload {
                if !described.contains(p) && !named(p) {
                    problems.push(Problem::new(
                        Check::Metadata,
                        String::new(),
                        format!("{p} has no metadata row (or allow items without metadata)"),
                    ));
                }
            }
        }
        // by line; a problem of the whole file (a file without a row) after the rows'
        problems.sort_by_key(|p| match row_number(&p.path) {
            0 if p.path.is_empty() => usize::MAX,
            n => n,
        });
        if problems.is_empty() {
            Ok(())
        } else {
            Err(MetadataError::Invalid {
                path: self.path.clone(),
                problems,
            })
        }
    }

    /// The row for a payload path.
    pub fn for_path(&self, path: &BagPath) -> Option<&ItemMeta> {
        self.items.iter().find(|i| i.path.as_ref() == Some(path))
    }

    /// Withheld rows, sorted by id.
    pub fn withheld(&self) -> Vec<&ItemMeta> {
        let mut w: Vec<&ItemMeta> = self
            .items
            .iter()
            .filter(|i| i.redaction.status == RedactionStatus::Withheld)
            .collect();
        w.sort_by(|a, b| a.id.cmp(&b.id));
        w
    }
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, Vec<Problem>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => {
            return Err(vec![Problem::new(
                Check::Metadata,
                "line 1",
                format!("unreadable header: {e}"),
            )])
        }
    };
    if let Some(hint) = delimiter_hint(&headers) {
        return Err(vec![Problem::new(Check::Metadata, "line 1", hint)]);
    }
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, h) in headers.iter().enumerate() {
        let known = FIELDS.contains(&h.as_str());
        if !known {
            problems.push(Problem::new(
                Check::Metadata,
                "line 1",
                format!(
                    "column {}: not a known column name (columns: {})",
                    i + 1,
                    FIELDS.join(", ")
                ),
            ));
        } else if !seen.insert(h.clone()) {
            problems.push(Problem::new(
                Check::Metadata,
                "line 1",
                format!("column {} ({h}): the column appears twice", i + 1),
            ));
        }
    }
    let mut rows = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                let mut fields = BTreeMap::new();
                for (h, v) in headers.iter().zip(r.iter()) {
                    if !v.trim().is_empty() {
                        fields.insert(h.clone(), v.trim().to_owned());
                    }
                }
                rows.push((format!("line {line}"), fields));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem::new(
                    Check::Metadata,
                    format!("line {line}"),
                    format!("malformed CSV: {e}"),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A header of one column that is really several separated by `;` or a tab (what spreadsheet
/// programs write as "CSV" in locales whose decimal mark is a comma): the problem to report.
fn delimiter_hint(headers: &[String]) -> Option<String> {
    let [only] = headers else { return None };
    [(';', "semicolons"), ('\t', "tabs")]
        .into_iter()
        .find(|(d, _)| {
            only.split(*d)
                .filter(|c| FIELDS.contains(&c.trim()))
                .count()
                >= 2
        })
        .map(|(_, name)| {
            format!(
                "the columns are separated by {name}, not commas (as spreadsheet programs write \
                 CSV in some locales): save the file as CSV with commas (e.g. \"CSV UTF-8 \
                 (comma delimited)\"), or give the metadata as JSON"
            )
        })
}

fn json_rows(bytes: &[u8]) -> Result<Vec<Row>, Vec<Problem>> {
    let whole = |m: String| vec![Problem::new(Check::Metadata, String::new(), m)];
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| whole(format!("not valid JSON: {e}")))?;
    let list = match v {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) => match o.remove("items") {
            Some(serde_json::Value::Array(a)) => a,
            _ => {
                return Err(whole(
                    "expected an array of items, or {\"items\": [...]}".into(),
                ))
            }
        },
        _ => return Err(whole("expected an array of items".into())),
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, entry) in list.into_iter().enumerate() {
        let row = format!("item {i}");
        let serde_json::Value::Object(obj) = entry else {
            problems.push(Problem::new(Check::Metadata, row, "not an object"));
            continue;
        };
        let mut fields = BTreeMap::new();
        for (k, v) in obj {
            if !FIELDS.contains(&k.as_str()) {
                problems.push(Problem::new(
                    Check::Metadata,
                    row.clone(),
                    format!(
                        "a field that is not a known name (fields: {})",
                        FIELDS.join(", ")
                    ),
                ));
                continue;
            }
            let text = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) if k == "redaction_regions" => n.to_string(),
                serde_json::Value::Array(a) if k == "redaction_categories" => {
                    let mut parts = Vec::new();
                    for x in a {
                        match x {
                            serde_json::Value::String(s) => parts.push(s),
                            _ => problems.push(Problem::new(
                                Check::Metadata,
                                row.clone(),
                                "redaction_categories must be strings",
                            )),
                        }
                    }
                    parts.join(";")
                }
                _ => {
                    problems.push(Problem::new(
                        Check::Metadata,
                        row.clone(),
                        format!("field '{k}' must be a string"),
                    ));
                    continue;
                }
            };
            if !text.trim().is_empty() {
                fields.insert(k, text.trim().to_owned());
            }
        }
        rows.push((row, fields));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or an interval `A/B` of those with A ≤ B.
pub fn is_valid_date(s: &str) -> bool {
    fn one(s: &str) -> Option<(i32, u8, u8)> {
        let parts: Vec<&str> = s.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        match parts.as_slice() {
            [y] if digits(y, 4) => Some((y.parse().ok()?, 0, 0)),
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let m: u8 = m.parse().ok()?;
                (1..=12).contains(&m).then_some((y.parse().ok()?, m, 0))
            }
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
                let date =
                    time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
                Some((date.year(), u8::from(date.month()), date.day()))
            }
            _ => None,
        }
    }
    match s.split_once('/') {
        Some((a, b)) => matches!((one(a), one(b)), (Some(x), Some(y)) if x <= y),
        None => one(s).is_some(),
    }
}

fn is_valid_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks one row and reads it into an [`ItemMeta`]; every problem is reported, in the order of
/// the checks below.
fn validate_row(row: &str, f: &BTreeMap<String, String>) -> Result<ItemMeta, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut bad = |m: String| problems.push(Problem::new(Check::Metadata, row.to_owned(), m));
    check_required_and_clean(f, &mut bad);
    let status = parse_status(f, &mut bad);
    let doc_type = parse_doc_type(f, &mut bad);
    check_date_and_language(f, &mut bad);
    let categories = parse_categories(f);
    let regions = parse_regions(f, &mut bad);
    check_redaction_fields(f, status, &categories, regions, &mut bad);
    let path = parse_path(f, &mut bad);
    check_id(f, &mut bad);
    if !problems.is_empty() {
        return Err(problems);
    }
    let get = |k: &str| f.get(k).cloned();
    let texts = f
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "redaction_status" | "redaction_regions" | "original"
            )
        })
        .map(|(k, v)| (format!("{row} field {k}"), v.clone()))
        .collect();
    Ok(ItemMeta {
        row: row.to_owned(),
        path,
        id: get("id").unwrap_or_default(),
        description: Description {
            case_no: get("case_no"),
            volume: get("volume"),
            pages: get("pages"),
            doc_type,
            title: get("title"),
            date: get("date"),
            language: get("language"),
            description: get("description"),
            source: get("source"),
            custody: get("custody"),
            digitization: get("digitization"),
            rights: get("rights"),
        },
        redaction: Redaction {
            status: status.unwrap_or(RedactionStatus::None),
            categories,
            legal_basis: get("legal_basis"),
            regions,
            reason: get("reason"),
            commitment: None,
        },
        original: get("original"),
        texts,
    })
}

/// Where a row's problems go.
type Bad<'a> = dyn FnMut(String) + 'a;

/// The required fields are there, and no value holds a control character (but a newline).
fn check_required_and_clean(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) {
    for req in ["id", "case_no", "doc_type", "title", "redaction_status"] {
        if !f.contains_key(req) {
            bad(format!("missing required field '{req}'"));
        }
    }
    for (k, v) in f {
        if v.chars().any(|c| c.is_control() && c != '\n') {
            bad(format!("field '{k}' contains a control character"));
        }
    }
}

/// `redaction_status`: none, partial or withheld (any case); `None` when missing or unknown.
fn parse_status(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) -> Option<RedactionStatus> {
    match f.get("redaction_status").map(|s| s.to_ascii_lowercase()) {
        Some(s) if s == "none" => Some(RedactionStatus::None),
        Some(s) if s == "partial" => Some(RedactionStatus::Partial),
        Some(s) if s == "withheld" => Some(RedactionStatus::Withheld),
        Some(_) => {
            bad("redaction_status: not none, partial or withheld".into());
            None
        }
        None => None,
    }
}

/// `doc_type`, lowercased with spaces and underscores read as hyphens; one of [`DOC_TYPES`].
fn parse_doc_type(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) -> Option<String> {
    let doc_type = f
        .get("doc_type")
        .map(|d| d.trim().to_lowercase().replace([' ', '_'], "-"));
    if let Some(d) = &doc_type {
        if !DOC_TYPES.contains(&d.as_str()) {
            bad(format!("doc_type: not one of {}", DOC_TYPES.join(", ")));
        }
    }
    doc_type
}

/// `date` (see [`is_valid_date`]) and `language` (a BCP 47 tag), when given.
fn check_date_and_language(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) {
    if let Some(d) = f.get("date") {
        if !is_valid_date(d) {
            bad("date: not YYYY, YYYY-MM, YYYY-MM-DD, or FROM/TO".into());
        }
    }
    if let Some(l) = f.get("language") {
        if !is_valid_language(l) {
            bad("language: not a BCP 47 tag such as hy, ru, en, hy-Latn".into());
        }
    }
}

/// `redaction_categories`: a `;`-separated list, blanks dropped.
fn parse_categories(f: &BTreeMap<String, String>) -> Vec<String> {
    f.get("redaction_categories")
        .map(|c| {
            c.split(';')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// `redaction_regions`: a whole number, when given.
fn parse_regions(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) -> Option<u64> {
    let r = f.get("redaction_regions")?;
    match r.parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            bad("redaction_regions: not a whole number".into());
            None
        }
    }
}

/// What the redaction status asks of the other redaction fields: a partial or withheld item
/// says what was redacted and on what basis (withheld: and why); `none` redacts nothing.
fn check_redaction_fields(
    f: &BTreeMap<String, String>,
    status: Option<RedactionStatus>,
    categories: &[String],
    regions: Option<u64>,
    bad: &mut Bad<'_>,
) {
    match status {
        Some(RedactionStatus::Partial) | Some(RedactionStatus::Withheld) => {
            if categories.is_empty() {
                bad("a partial or withheld item needs redaction_categories".into());
            }
            if !f.contains_key("legal_basis") {
                bad("a partial or withheld item needs legal_basis".into());
            }
            if status == Some(RedactionStatus::Withheld) && !f.contains_key("reason") {
                bad("a withheld item needs a reason".into());
            }
        }
        Some(RedactionStatus::None) if !categories.is_empty() || regions.is_some_and(|r| r > 0) => {
            bad("redaction_status none with redaction categories or regions".into());
        }
        Some(RedactionStatus::None) | None => {}
    }
}

/// `path`, with or without the leading `data/`, as a payload path.
fn parse_path(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) -> Option<BagPath> {
    let p = f.get("path")?;
    let rel = p.strip_prefix("data/").unwrap_or(p);
    match BagPath::parse(&format!("data/{rel}")) {
        Ok(bp) => Some(bp),
        Err(e) => {
            bad(format!("path: not a payload path: {e}"));
            None
        }
    }
}

/// `id`: no control characters, at most 256 bytes.
fn check_id(f: &BTreeMap<String, String>, bad: &mut Bad<'_>) {
    if let Some(id) = f.get("id") {
        if id.chars().any(char::is_control) || id.len() > 256 {
            bad("id: has control characters or is longer than 256 bytes".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(name: &str, text: &str) -> Result<MetadataSet, MetadataError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        MetadataSet::load(&p)
    }

    fn problems(r: Result<MetadataSet, MetadataError>) -> Vec<Problem> {
        match r {
            Err(MetadataError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    const HEADER: &str = "path,id,case_no,doc_type,title,date,redaction_status,redaction_categories,legal_basis,reason\n";

    #[test]
    fn csv_good_rows() {
        let text = format!("{HEADER}t/a.txt,T-1,101,testimony,Testimony A,1990-04,partial,witness address;helper identity,Art. 5,\n,W-1,101,material evidence,Withheld object,1990,withheld,helper identity,Art. 6,court order\n");
        let m = load_str("m.csv", &text).unwrap();
        assert_eq!(m.items.len(), 2);
        let a = &m.items[0];
        assert_eq!(a.path.as_ref().unwrap().as_str(), "data/t/a.txt");
        assert_eq!(
            a.redaction.categories,
            vec!["witness address", "helper identity"]
        );
        assert_eq!(a.row, "line 2");
        assert_eq!(
            m.items[1].description.doc_type.as_deref(),
            Some("material-evidence")
        );
        assert_eq!(m.withheld().len(), 1);
    }

    #[test]
    fn all_problems_reported_with_rows() {
        let text = format!(
            "{HEADER}a.txt,T-1,101,testimony,A,1990-13,none,,,\nb.txt,T-1,101,poem,B,,maybe,,,\nc.txt,T-3,,testimony,,,partial,,,\n"
        );
        let p = problems(load_str("m.csv", &text));
        let msgs: Vec<String> = p
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        let joined = msgs.join("\n");
        for want in [
            "line 2: date: not YYYY",
            "line 3: redaction_status: not none, partial or withheld",
            "line 3: doc_type: not one of",
            "line 4: missing required field 'case_no'",
            "line 4: missing required field 'title'",
            "line 4: a partial or withheld item needs redaction_categories",
        ] {
            assert!(joined.contains(want), "missing '{want}' in:\n{joined}");
        }
    }

    #[test]
    fn semicolon_and_tab_separated_files_get_a_hint() {
        for d in [";", "\t"] {
            let text = format!(
                "path{d}id{d}case_no{d}doc_type{d}title{d}redaction_status\na.txt{d}A{d}1{d}document{d}A{d}none\n"
            );
            let ps = problems(load_str("m.csv", &text));
            assert_eq!(ps.len(), 1, "{ps:?}");
            assert_eq!(ps[0].path, "line 1");
            assert!(ps[0].message.contains("not commas"), "{}", ps[0].message);
        }
        // One unknown column with a semicolon in it is only an unknown column.
        let ps = problems(load_str("m.csv", "a;b\nx\n"));
        assert!(ps[0].message.contains("not a known column name"));
    }

    #[test]
    fn duplicate_ids_and_unknown_columns() {
        let text =
            format!("{HEADER}a.txt,T-1,1,testimony,A,,none,,,\nb.txt,T-1,1,testimony,B,,none,,,\n");
        assert!(problems(load_str("m.csv", &text))
            .iter()
            .any(|p| p.path == "line 3" && p.message == "id: the same id as line 2"));
        let p = problems(load_str("m.csv", "path,id,secret\na,b,c\n"));
        assert!(p
            .iter()
            .any(|p| p.message.starts_with("column 3: not a known column name")));
        assert!(p.iter().all(|p| !p.message.contains("secret")));
    }

    #[test]
    fn json_rows_and_types() {
        let m = load_str(
            "m.json",
            r#"[{"path":"a.txt","id":"A","case_no":"1","doc_type":"photograph","title":"t","redaction_status":"partial","redaction_categories":["x","y"],"legal_basis":"L","redaction_regions":2}]"#,
        )
        .unwrap();
        assert_eq!(m.items[0].redaction.regions, Some(2));
        assert_eq!(m.items[0].redaction.categories.len(), 2);
        let p = problems(load_str("m.json", r#"[{"id": 5}]"#));
        assert!(p
            .iter()
            .any(|p| p.path == "item 0" && p.message.contains("must be a string")));
        assert!(!problems(load_str("m.json", "{not json")).is_empty());
    }

    #[test]
    fn payload_matching() {
        let text = format!("{HEADER}a.txt,A,1,testimony,A,,none,,,\nmissing.txt,B,1,testimony,B,,none,,,\ngone.txt,W,1,document,W,,withheld,x,L,r\n");
        let m = load_str("m.csv", &text).unwrap();
        let payload: BTreeSet<BagPath> = ["data/a.txt", "data/extra.txt", "data/gone.txt"]
            .iter()
            .map(|p| BagPath::parse(p).unwrap())
            .collect();
        let err = m.check_against(&payload, false).unwrap_err().to_string();
        assert!(
            err.contains("line 3: path: no such file in the source"),
            "{err}"
        );
        assert!(err.contains("data/extra.txt has no metadata row"), "{err}");
        assert!(
            err.contains("withheld but its file is in the source"),
            "{err}"
        );
    }

    #[test]
    fn dates() {
        for ok in [
            "1990",
            "1990-04",
            "1990-04-30",
            "1990/1991",
            "1990-01/1990-02-03",
        ] {
            assert!(is_valid_date(ok), "{ok}");
        }
        for bad in [
            "90",
            "1990-4",
            "1990-02-30",
            "1991/1990",
            "yesterday",
            "1990-00",
        ] {
            assert!(!is_valid_date(bad), "{bad}");
        }
    }

    /// A value in a cell never comes back in a message: a shifted column (an unquoted comma)
    /// puts a name where a date, a status or a type belongs.
    #[test]
    fn no_message_repeats_a_value() {
        let secret = "Placeholder Witness";
        let rows = [
            format!("{HEADER}a.txt,T-1,101,testimony,A,{secret},none,,,\n"),
            format!("{HEADER}a.txt,T-1,101,{secret},A,,{secret},,,\n"),
            format!("{HEADER}a.txt,{secret}\u{1},101,testimony,A,,none,,,\n"),
            format!("{HEADER}a.txt,{secret},1,testimony,A,,none,,,\nb.txt,{secret},1,testimony,B,,none,,,\n"),
            format!("{HEADER}{secret}/../x,T-1,101,testimony,A,,none,,,\nb.txt,T-2,101,testimony,A,,none,,,\n"),
            format!("{HEADER}a.txt,T-1,101,testimony,A,,partial,x,L,,\n"),
            format!("path,id,{secret}\na,b,c\n"),
            format!("path,id,case_no,doc_type,title,redaction_status,redaction_regions,language\na,b,1,document,t,none,{secret},{secret}\n"),
        ];
        for text in rows {
            let p = problems(load_str("m.csv", &text));
            assert!(!p.is_empty(), "{text}");
            for p in &p {
                assert!(
                    !p.message.contains("Placeholder") && !p.path.contains("Placeholder"),
                    "{}: {}",
                    p.path,
                    p.message
                );
            }
        }
        let json = format!(
            r#"[{{"path":"a","id":"b","case_no":"1","doc_type":"document","title":"t","redaction_status":"none","{secret}":"x","date":"{secret}"}}]"#
        );
        for p in problems(load_str("m.json", &json)) {
            assert!(!p.message.contains("Placeholder"), "{}", p.message);
        }
        let m = load_str(
            "m.csv",
            &format!("{HEADER}{secret}.txt,T-1,1,testimony,A,,none,,,\n"),
        )
        .unwrap();
        let payload = BTreeSet::from([BagPath::parse("data/a.txt").unwrap()]);
        let err = m.check_against(&payload, true).unwrap_err().to_string();
        assert!(!err.contains("Placeholder"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn loader_never_panics(s in "\\PC{0,300}") {
            let _ = load_str("m.csv", &s);
            let _ = load_str("m.json", &s);
        }
    }
}
