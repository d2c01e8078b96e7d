//! Text that will go into the manifest (titles, descriptions, ...), supplied by the caller, and
//! a generic scanner for metadata files: CSV (every cell, located by row number and column name)
//! and JSON (every string value and object key, located by its JSON path). It does not depend on
//! the metadata schema.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::denylist::DenyList;
use super::error::GateError;
use super::report::Finding;
use super::rules::RuleId;

/// Deny-list findings for one manifest text field. `location` says where the text will go, e.g.
/// `line 3 field title`; findings have an empty `file` and location
/// `manifest field <location>`.
pub fn scan_text_field(deny: &DenyList, location: &str, value: &str) -> Vec<Finding> {
    deny.find(value)
        .into_iter()
        .map(|masked| Finding {
            file: PathBuf::new(),
            location: format!("manifest field {location}"),
            rule: RuleId::DenyListMatch,
            masked: Some(masked),
        })
        .collect()
}

/// Deny-list findings for `(location, text)` pairs.
pub fn scan_fields(deny: &DenyList, fields: &[(String, String)]) -> Vec<Finding> {
    fields
        .iter()
        .flat_map(|(loc, v)| scan_text_field(deny, loc, v))
        .collect()
}

/// Parse RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    parse_csv_lines(text).into_iter().map(|(_, r)| r).collect()
}

/// [`parse_csv`], each row with the line of the file it starts on (from 1), so that the gate
/// and `pack` name a metadata row by the same number.
pub fn parse_csv_lines(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut line = 1;
    let mut start = 1;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if c == '\n' {
            line += 1;
        }
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push((start, std::mem::take(&mut row)));
                start = line;
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        row.push(field);
        rows.push((start, row));
    }
    rows
}

/// `(location, text)` pairs of a CSV file: the header names the columns; a data row is named by
/// the line of the file it starts on (`line 3 field title`, the header is line 1: the numbers
/// `pack` gives metadata problems); the header row is scanned too, as `header column N`.
pub fn csv_fields(text: &str) -> Vec<(String, String)> {
    let rows = parse_csv_lines(text.strip_prefix('\u{FEFF}').unwrap_or(text));
    let mut out = Vec::new();
    let Some((header, data)) = rows.split_first() else {
        return out;
    };
    let (_, header) = header;
    for (i, h) in header.iter().enumerate() {
        out.push((format!("header column {}", i + 1), h.clone()));
    }
    for (line, row) in data {
        for (c, cell) in row.iter().enumerate() {
            let col = header
                .get(c)
                .cloned()
                .unwrap_or_else(|| format!("column {}", c + 1));
            out.push((format!("line {line} field {col}"), cell.clone()));
        }
    }
    out
}

/// `(location, text)` pairs of every string (and object key) in a JSON value; locations are
/// JSON paths like `$[3].title`.
pub fn json_fields(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk_json(v, "$".to_string(), 0, &mut out);
    out
}

fn walk_json(v: &Value, path: String, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > 256 {
        return;
    }
    match v {
        Value::String(s) => out.push((path, s.clone())),
        Value::Number(n) => out.push((path, n.to_string())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk_json(x, format!("{path}[{i}]"), depth + 1, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}.{k}");
                out.push((format!("{p} (key)"), k.clone()));
                walk_json(x, p, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Scan every text cell or value of a CSV or JSON metadata file (chosen by extension `.json` /
/// `.csv`; otherwise JSON is tried, then CSV). Findings carry `file` = the metadata path as given.
pub fn scan_metadata_file(deny: &DenyList, path: &Path) -> Result<Vec<Finding>, GateError> {
    scan_metadata(Some(deny), path)
}

/// Reads a metadata file (it must parse, deny-list or not) and scans its values when there is a
/// deny-list.
pub fn scan_metadata(deny: Option<&DenyList>, path: &Path) -> Result<Vec<Finding>, GateError> {
    let bytes = std::fs::read(path).map_err(|source| GateError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| GateError::Metadata {
        path: path.to_path_buf(),
        reason: "not valid UTF-8".to_string(),
    })?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let fields = if ext == "csv" {
        csv_fields(&text)
    } else {
        match serde_json::from_str::<Value>(text.trim_start_matches('\u{FEFF}')) {
            Ok(v) => json_fields(&v),
            Err(e) if ext == "json" => {
                return Err(GateError::Metadata {
                    path: path.to_path_buf(),
                    reason: format!("invalid JSON at line {} column {}", e.line(), e.column()),
                })
            }
            Err(_) => csv_fields(&text),
        }
    };
    let Some(deny) = deny else {
        return Ok(Vec::new());
    };
    let name = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
    Ok(scan_fields(deny, &fields)
        .into_iter()
        .map(|mut f| {
            f.file = name.clone();
            f
        })
        .collect())
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn csv_rows_are_named_by_the_line_they_start_on() {
        let f = csv_fields("id,title\n1,\"two\nlines\"\n2,after\n");
        let locs: Vec<&str> = f.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            locs,
            [
                "header column 1",
                "header column 2",
                "line 2 field id",
                "line 2 field title",
                "line 4 field id",
                "line 4 field title"
            ]
        );
    }
}
