//! Builders for leak-gate test fixtures: a minimal PDF writer with a correct xref table and
//! incremental updates, a JPEG with a hand-built EXIF (TIFF layout) APP1 segment, and DOCX/ODT
//! zips. All names are invented.
#![allow(dead_code)]

use std::io::Write;

pub const NAME: &str = "Ivan Fictitious";
pub const NAME2: &str = "Anahit Placeholder";

/// A deny-list over the invented names.
pub fn deny() -> intact::gate::DenyList {
    intact::gate::DenyList::from_entries(&[NAME, NAME2, "Дмитрий Вымышленный", "Անահիտ Օրինակյան"])
        .expect("valid deny-list")
}

pub fn opts() -> intact::gate::ScanOptions {
    intact::gate::ScanOptions {
        deny: Some(deny()),
        ..Default::default()
    }
}

pub fn scan(bytes: &[u8]) -> Vec<intact::gate::Finding> {
    intact::gate::scan_bytes(std::path::Path::new("f"), bytes, &opts())
}

pub fn rules(f: &[intact::gate::Finding]) -> Vec<&'static str> {
    let mut r: Vec<&'static str> = f.iter().map(|f| f.rule.as_str()).collect();
    r.sort();
    r.dedup();
    r
}

pub fn has(f: &[intact::gate::Finding], rule: &str, loc_part: &str) -> bool {
    f.iter()
        .any(|f| f.rule.as_str() == rule && f.location.contains(loc_part))
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory")
}

/// An object body for a stream; `compress` applies FlateDecode.
pub fn stream(extra_dict: &str, data: &[u8], compress: bool) -> Vec<u8> {
    let (data, filter) = if compress {
        (zlib(data), "/Filter /FlateDecode ")
    } else {
        (data.to_vec(), "")
    };
    let mut out = format!(
        "<< {extra_dict} {filter}/Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Write a PDF: `objs[i]` is object `i + 1`; `trailer_extra` goes into the trailer
/// (e.g. `/Root 1 0 R /Info 6 0 R`). Returns the bytes.
pub fn pdf(objs: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offs = Vec::new();
    for (i, body) in objs.iter().enumerate() {
        offs.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offs {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Append an incremental update replacing/adding `objs` (number, body).
pub fn update(base: &[u8], objs: &[(u32, Vec<u8>)], size: u32, trailer_extra: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(base);
    let prev: usize = text
        .rsplit("startxref")
        .next()
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("base has startxref");
    let mut out = base.to_vec();
    let mut offs = Vec::new();
    for (n, body) in objs {
        offs.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (n, o) in offs {
        out.extend_from_slice(format!("{n} 1\n{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Prev {prev} {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// A one-page PDF with the given content stream (Helvetica as /F1), Flate-compressed.
/// Objects: 1 Catalog, 2 Pages, 3 Page, 4 content, 5 font; `more` objects follow from 6.
pub fn one_page(
    content: &[u8],
    page_extra: &str,
    catalog_extra: &str,
    more: &[Vec<u8>],
    trailer_extra: &str,
) -> Vec<u8> {
    let mut objs = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> {page_extra} >>"
        )
        .into_bytes(),
        stream("", content, true),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objs.extend_from_slice(more);
    pdf(&objs, &format!("/Root 1 0 R {trailer_extra}"))
}

// ---- EXIF / JPEG ----

/// One IFD entry: tag, type (2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 1 BYTE, 7 UNDEFINED),
/// count and raw value bytes (little-endian).
pub struct Entry(pub u16, pub u16, pub u32, pub Vec<u8>);

pub fn ascii(tag: u16, s: &str) -> Entry {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    Entry(tag, 2, v.len() as u32, v)
}
pub fn long(tag: u16, v: u32) -> Entry {
    Entry(tag, 4, 1, v.to_le_bytes().to_vec())
}
pub fn rational(tag: u16, vals: &[(u32, u32)]) -> Entry {
    let mut b = Vec::new();
    for (n, d) in vals {
        b.extend_from_slice(&n.to_le_bytes());
        b.extend_from_slice(&d.to_le_bytes());
    }
    Entry(tag, 5, vals.len() as u32, b)
}

fn ifd_size(e: &[Entry]) -> usize {
    2 + 12 * e.len()
        + 4
        + e.iter()
            .map(|x| {
                if x.3.len() > 4 {
                    x.3.len() + x.3.len() % 2
                } else {
                    0
                }
            })
            .sum::<usize>()
}

fn write_ifd(out: &mut Vec<u8>, entries: &[Entry], next: u32) {
    let start = out.len();
    let mut data_off = start + 2 + 12 * entries.len() + 4;
    let mut data = Vec::new();
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for Entry(tag, ty, count, val) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        if val.len() <= 4 {
            let mut v = val.clone();
            v.resize(4, 0);
            out.extend_from_slice(&v);
        } else {
            out.extend_from_slice(&(data_off as u32).to_le_bytes());
            data.extend_from_slice(val);
            if val.len() % 2 == 1 {
                data.push(0);
            }
            data_off += val.len() + val.len() % 2;
        }
    }
    out.extend_from_slice(&next.to_le_bytes());
    out.extend_from_slice(&data);
}

/// EXIF in TIFF layout: IFD0 entries, optional GPS IFD entries, optional thumbnail (IFD1 with
/// JPEGInterchangeFormat pointing at `thumb` bytes).
pub fn tiff(mut ifd0: Vec<Entry>, gps: Option<Vec<Entry>>, thumb: Option<&[u8]>) -> Vec<u8> {
    if gps.is_some() {
        ifd0.push(long(0x8825, 0));
    }
    ifd0.sort_by_key(|e| e.0);
    let ifd0_at = 8usize;
    let gps_at = ifd0_at + ifd_size(&ifd0);
    let ifd1_at = gps_at + gps.as_ref().map(|g| ifd_size(g)).unwrap_or(0);
    if let Some(e) = ifd0.iter_mut().find(|e| e.0 == 0x8825) {
        e.3 = (gps_at as u32).to_le_bytes().to_vec();
    }
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&(ifd0_at as u32).to_le_bytes());
    write_ifd(
        &mut out,
        &ifd0,
        if thumb.is_some() { ifd1_at as u32 } else { 0 },
    );
    if let Some(g) = &gps {
        write_ifd(&mut out, g, 0);
    }
    if let Some(t) = thumb {
        let ifd1 = vec![long(0x0201, 0), long(0x0202, t.len() as u32)];
        let thumb_at = ifd1_at + ifd_size(&ifd1);
        let ifd1 = vec![long(0x0201, thumb_at as u32), long(0x0202, t.len() as u32)];
        write_ifd(&mut out, &ifd1, 0);
        out.extend_from_slice(t);
    }
    out
}

/// A JPEG: SOI, APP1 EXIF (if any), extra segments, a tiny scan, EOI.
pub fn jpeg(exif: Option<&[u8]>, extra_segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    if let Some(t) = exif {
        let mut p = b"Exif\0\0".to_vec();
        p.extend_from_slice(t);
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&((p.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&p);
    }
    for (m, p) in extra_segments {
        out.extend_from_slice(&[0xFF, *m]);
        out.extend_from_slice(&((p.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(p);
    }
    out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    out.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0x56]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A minimal thumbnail-looking JPEG.
pub fn tiny_jpeg() -> Vec<u8> {
    jpeg(None, &[])
}

// ---- zip (DOCX / ODT) ----

pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(*name, o).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

pub const CT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

/// A DOCX whose body is `body` (inner XML of w:body), plus extra parts.
pub fn docx(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ];
    for (n, d) in extra {
        parts.push((n, d.as_bytes()));
    }
    zip(&parts)
}
