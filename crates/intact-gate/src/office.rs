//! Zip containers: OOXML (DOCX/XLSX/PPTX), OpenDocument (ODT/ODS/ODP) and plain zip archives.
//! Every member is inspected: XML parts as text (element by element, and joined so that text
//! split across runs matches) plus structural rules; other members through the same dispatch as
//! files (images, PDFs, nested zips up to the nesting bound); member names as names.

use std::io::{Cursor, Read};

use super::rules::RuleId;
use super::scan::scan_content;
use super::sink::Sink;
use super::xmp::walk_xml;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ooxml,
    Odf,
    Zip,
}

const MAX_ENTRIES: usize = 100_000;

const TRACKED: [&str; 14] = [
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "cellIns",
    "cellDel",
];

fn local(q: &str) -> &str {
    q.rsplit(':').next().unwrap_or(q)
}

/// Scan a zip container.
pub fn scan_zip(sink: &mut Sink, data: &[u8]) {
    let mut zip = match zip::ZipArchive::new(Cursor::new(data)) {
        Ok(z) => z,
        Err(_) => {
            sink.flag(RuleId::UnreadableFile, "zip structure (corrupt)");
            sink.bytes_fallback("file bytes", data);
            return;
        }
    };
    let names: Vec<String> = zip
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    let kind = if names.iter().any(|n| n == "[Content_Types].xml") {
        Kind::Ooxml
    } else if names.iter().any(|n| n == "mimetype") {
        Kind::Odf
    } else {
        Kind::Zip
    };
    if zip.len() > MAX_ENTRIES {
        sink.flag(RuleId::UnreadableFile, "zip structure (too many entries)");
        return;
    }
    for idx in 0..zip.len() {
        let mut entry = match zip.by_index(idx) {
            Ok(e) => e,
            Err(_) => {
                sink.flag(
                    RuleId::UnreadableFile,
                    &format!("zip member {idx} (unreadable or encrypted)"),
                );
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        // every reading of the name's bytes: without the UTF-8 flag, Windows writes names in the
        // OEM code page (cp866 on a Russian system), and `_` often stands for a space
        for v in crate::decode::name_views(entry.name_raw()) {
            sink.text(&format!("{name} (member name)"), &v);
        }
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            sink.flag(
                RuleId::UnreadableFile,
                &format!("{name} (encrypted member)"),
            );
            continue;
        }
        let limit = sink.limits().max_stream_bytes.min(sink.budget_left());
        let mut buf = Vec::new();
        let res = (&mut entry)
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf);
        if buf.len() as u64 > limit {
            sink.flag_budget(&name);
            continue;
        }
        if res.is_err() {
            sink.flag(RuleId::UnreadableFile, &format!("{name} (corrupt member)"));
            sink.bytes(&name, &buf);
            continue;
        }
        sink.spend(buf.len() as u64);
        let lower = name.to_ascii_lowercase();
        let is_thumb = match kind {
            Kind::Ooxml => lower.starts_with("docprops/thumbnail"),
            Kind::Odf => lower.starts_with("thumbnails/"),
            Kind::Zip => false,
        };
        if is_thumb {
            sink.flag(RuleId::OfficeThumbnail, &name);
        }
        let looks_xml = lower.ends_with(".xml")
            || lower.ends_with(".rels")
            || lower.ends_with(".vml")
            || (kind != Kind::Zip && buf.trim_ascii_start().starts_with(b"<"));
        if looks_xml {
            scan_xml_part(sink, kind, &name, &buf);
        } else if kind != Kind::Zip && is_settings_part(&lower) {
            // a binary part of a known kind that holds no document content: its bytes are
            // deny-list scanned under every reading, but it is not `unsupported-file-type`
            sink.bytes(&name, &buf);
        } else if kind == Kind::Odf && name == "mimetype" {
            sink.bytes(&name, &buf);
        } else if sink.enter(name.clone()) {
            scan_content(sink, &buf);
            sink.leave();
        } else {
            sink.flag(
                RuleId::UnsupportedFileType,
                &format!("{name} (nested too deeply)"),
            );
        }
    }
}

/// The office binary parts skipped by rule (docs/REDACTION.md): printer settings
/// (`printerSettings/printerSettings1.bin`: a Windows DEVMODE record — the printer's name and
/// paper options) and embedded fonts (`fonts/*.odttf`, `*.fntdata`: obfuscated font programs).
/// Their bytes are still scanned for withheld strings; only the "unsupported" finding is spared.
fn is_settings_part(lower: &str) -> bool {
    let file = lower.rsplit('/').next().unwrap_or(lower);
    (lower.contains("printersettings/")
        && file.starts_with("printersettings")
        && file.ends_with(".bin"))
        || (lower.contains("/fonts/") && (file.ends_with(".odttf") || file.ends_with(".fntdata")))
}

fn scan_xml_part(sink: &mut Sink, kind: Kind, name: &str, buf: &[u8]) {
    let w = walk_xml(buf);
    for (elem, text) in &w.texts {
        sink.text(&format!("{name} {elem}"), text);
    }
    for (elem, attr, val) in &w.attrs {
        let loc = format!("{name} {elem} @{attr}");
        sink.text(&loc, val);
        if sink.has_deny() {
            // a link target or a field code may hold a percent-encoded or escaped name
            crate::decode::for_each_escape_view(val, &mut |view, v| {
                sink.text(&format!("{loc} ({view})"), v)
            });
        }
    }
    sink.text(name, &w.tight);
    sink.text(name, &w.spaced);
    if sink.has_deny() {
        for joined in [&w.tight, &w.spaced] {
            crate::decode::for_each_escape_view(joined, &mut |view, v| {
                sink.text(&format!("{name} ({view})"), v)
            });
        }
    }
    if !w.well_formed {
        sink.flag(RuleId::UnreadableFile, &format!("{name} (malformed XML)"));
    }
    sink.bytes_fallback(name, buf);
    match kind {
        Kind::Ooxml => {
            let lower = name.to_ascii_lowercase();
            let tracked = w
                .elements
                .iter()
                .filter(|e| e.starts_with("w:") && TRACKED.contains(&local(e)))
                .count();
            if tracked > 0 {
                sink.flag(
                    RuleId::DocxTrackedChanges,
                    &format!("{name} ({tracked} tracked changes)"),
                );
            }
            let comment_part = lower.contains("comments") || lower.contains("/threadedcomments");
            let comments = w
                .elements
                .iter()
                .filter(|e| {
                    let l = local(e);
                    l == "comment"
                        || l == "commentReference"
                        || l == "commentRangeStart"
                        || l == "threadedComment"
                        || l == "cm"
                })
                .count();
            if comments > 0
                && (comment_part || w.elements.iter().any(|e| local(e).starts_with("comment")))
            {
                sink.flag(
                    RuleId::DocxComments,
                    &format!("{name} ({comments} comment elements)"),
                );
            }
        }
        Kind::Odf => {
            let changes = w
                .elements
                .iter()
                .filter(|e| *e == "text:changed-region")
                .count();
            if changes > 0 {
                sink.flag(
                    RuleId::OdtTrackedChanges,
                    &format!("{name} ({changes} tracked changes)"),
                );
            }
            let notes = w
                .elements
                .iter()
                .filter(|e| *e == "office:annotation")
                .count();
            if notes > 0 {
                sink.flag(
                    RuleId::OdtAnnotations,
                    &format!("{name} ({notes} annotations)"),
                );
            }
        }
        Kind::Zip => {}
    }
}

#[cfg(test)]
mod tests {
    use super::is_settings_part;

    #[test]
    fn settings_parts_by_rule() {
        for p in [
            "ppt/printersettings/printersettings1.bin",
            "xl/printersettings/printersettings2.bin",
            "word/fonts/font1.odttf",
            "ppt/fonts/font3.fntdata",
        ] {
            assert!(is_settings_part(p), "{p}");
        }
        for p in [
            "ppt/embeddings/oleobject1.bin",
            "word/vbaproject.bin",
            "printersettings1.bin",
            "word/media/image1.bin",
        ] {
            assert!(!is_settings_part(p), "{p}");
        }
    }
}
