//! Image metadata: EXIF (every IFD, every text-bearing tag), GPS, thumbnails, XMP, IPTC IIM and
//! Photoshop resources (JPEG APP13), JPEG comments and other APP segments, PNG text chunks, WebP
//! EXIF/XMP chunks, data after the end of the image. Pixel data is not inspected.

use exif::{Context, In, Tag, Value};

use super::rules::RuleId;
use super::sink::{inflate, Sink};
use super::text;

/// Scan EXIF data in TIFF layout (`prefix` starts locations).
pub fn scan_exif_tiff(sink: &mut Sink, prefix: &str, tiff: &[u8]) {
    let parsed = exif::Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec());
    let (ex, partial) = match parsed {
        Ok(ex) => (ex, false),
        Err(e) => match e.distill_partial_result(|_| {}) {
            Ok(ex) => (ex, true),
            Err(_) => {
                sink.flag(RuleId::UnreadableFile, &format!("{prefix}EXIF (malformed)"));
                sink.bytes_fallback(&format!("{prefix}EXIF data"), tiff);
                return;
            }
        },
    };
    if partial {
        // damaged entries may hide data the parser skipped; fail closed
        sink.flag(
            RuleId::UnreadableFile,
            &format!("{prefix}EXIF (partly malformed)"),
        );
    }
    let mut gps = false;
    let mut thumb = false;
    for f in ex.fields() {
        let ifd = if f.ifd_num == In::PRIMARY {
            String::new()
        } else if f.ifd_num == In::THUMBNAIL {
            "thumbnail IFD ".to_string()
        } else {
            format!("IFD{} ", f.ifd_num.index())
        };
        if f.tag.context() == Context::Gps && f.tag != Tag::GPSVersionID {
            gps = true;
        }
        if f.ifd_num != In::PRIMARY
            && matches!(
                f.tag,
                Tag::JPEGInterchangeFormat | Tag::StripOffsets | Tag::TileOffsets
            )
        {
            thumb = true;
        }
        if !sink.has_deny() {
            continue;
        }
        let loc = format!("{prefix}EXIF {ifd}tag {}", tag_name(f.tag));
        match &f.value {
            Value::Ascii(parts) => {
                for p in parts {
                    sink.bytes(&loc, p);
                }
            }
            Value::Byte(b) | Value::Undefined(b, _) => {
                if (f.tag == Tag::UserComment || f.tag.number() == 0x9286) && b.len() >= 8 {
                    let (head, body) = b.split_at(8);
                    if head.starts_with(b"UNICODE") {
                        sink.text(&loc, &text::utf16(body, false));
                        sink.text(&loc, &text::utf16(body, true));
                    }
                    sink.bytes(&loc, body);
                }
                // XPTitle, XPAuthor, XPComment, ... are UTF-16LE in BYTE arrays
                if b.len() >= 2 {
                    sink.text(&loc, &text::utf16(b, false));
                }
                sink.bytes(&loc, b);
            }
            _ => {}
        }
    }
    if gps {
        sink.flag(RuleId::ImageGps, &format!("{prefix}EXIF GPS IFD"));
    }
    if thumb {
        sink.flag(
            RuleId::ImageThumbnail,
            &format!("{prefix}EXIF IFD1 thumbnail"),
        );
    }
    sink.bytes_fallback(&format!("{prefix}EXIF data"), tiff);
}

/// Tag name, including Windows XP tags the EXIF crate does not name.
fn tag_name(t: Tag) -> String {
    match (t.context(), t.number()) {
        (Context::Tiff, 0x9C9B) => "XPTitle".into(),
        (Context::Tiff, 0x9C9C) => "XPComment".into(),
        (Context::Tiff, 0x9C9D) => "XPAuthor".into(),
        (Context::Tiff, 0x9C9E) => "XPKeywords".into(),
        (Context::Tiff, 0x9C9F) => "XPSubject".into(),
        (Context::Tiff, 0x9286) => "UserComment".into(),
        _ => t.to_string(),
    }
}

fn be16(d: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_be_bytes([*d.get(i)?, *d.get(i + 1)?]) as usize)
}
fn be32(d: &[u8], i: usize) -> Option<usize> {
    Some(u32::from_be_bytes([*d.get(i)?, *d.get(i + 1)?, *d.get(i + 2)?, *d.get(i + 3)?]) as usize)
}
fn le32(d: &[u8], i: usize) -> Option<usize> {
    Some(u32::from_le_bytes([*d.get(i)?, *d.get(i + 1)?, *d.get(i + 2)?, *d.get(i + 3)?]) as usize)
}

const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// Scan a JPEG file.
pub fn scan_jpeg(sink: &mut Sink, prefix: &str, d: &[u8]) {
    let mut i = 2usize; // after SOI
    let mut ext_xmp: Vec<u8> = Vec::new();
    let mut ended = false;
    let mut segments = 0usize;
    while i < d.len() {
        segments += 1;
        if segments > 100_000 {
            break;
        }
        if d[i] != 0xFF {
            sink.flag(
                RuleId::UnreadableFile,
                &format!("{prefix}JPEG structure (bad marker)"),
            );
            sink.bytes_fallback(&format!("{prefix}JPEG data"), d.get(i..).unwrap_or(&[]));
            return;
        }
        let Some(&m) = d.get(i + 1) else { break };
        match m {
            0xFF => {
                i += 1;
                continue;
            }
            0xD8 | 0x01 | 0xD0..=0xD7 => {
                i += 2;
                continue;
            }
            0xD9 => {
                i += 2;
                ended = true;
                break;
            }
            _ => {}
        }
        let Some(len) = be16(d, i + 2) else { break };
        if len < 2 || i + 2 + len > d.len() {
            sink.flag(
                RuleId::UnreadableFile,
                &format!("{prefix}JPEG structure (truncated segment)"),
            );
            sink.bytes_fallback(&format!("{prefix}JPEG data"), d.get(i..).unwrap_or(&[]));
            return;
        }
        let payload = &d[i + 4..i + 2 + len];
        let n = m.wrapping_sub(0xE0);
        match m {
            0xE1 if payload.starts_with(b"Exif\0") => {
                let tiff = payload.get(6..).unwrap_or(&[]);
                scan_exif_tiff(sink, prefix, tiff);
            }
            0xE1 if payload.starts_with(XMP_SIG) => {
                crate::xmp::scan_xmp(sink, prefix, &payload[XMP_SIG.len()..]);
            }
            0xE1 if payload.starts_with(XMP_EXT_SIG) => {
                // GUID(32) full length(4) offset(4) data
                if let Some(part) = payload.get(XMP_EXT_SIG.len() + 40..) {
                    if ext_xmp.len() + part.len() < 64 << 20 {
                        ext_xmp.extend_from_slice(part);
                    }
                }
            }
            0xED => scan_app13(sink, prefix, payload),
            0xFE => sink.bytes(&format!("{prefix}JPEG comment"), payload),
            0xE0..=0xEF => sink.bytes(&format!("{prefix}JPEG APP{n} segment"), payload),
            _ => {}
        }
        i += 2 + len;
        if m == 0xDA {
            // entropy-coded data: up to the next marker that is not a stuffed byte or RST
            // (memchr jumps from one 0xFF to the next: scan data is most of a photograph)
            while i + 1 < d.len() {
                match memchr::memchr(0xFF, &d[i..d.len() - 1]) {
                    None => {
                        i = d.len() - 1;
                        break;
                    }
                    Some(k) => i += k,
                }
                if d[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&d[i + 1]) {
                    break;
                }
                i += 1;
            }
            if i + 1 >= d.len() {
                i = d.len();
            }
        }
    }
    if !ext_xmp.is_empty() {
        crate::xmp::scan_xmp(sink, &format!("{prefix}extended "), &ext_xmp);
    }
    if !ended {
        sink.flag(
            RuleId::UnreadableFile,
            &format!("{prefix}JPEG structure (no end marker)"),
        );
        return;
    }
    let trailing = d.get(i..).unwrap_or(&[]);
    if trailing
        .iter()
        .any(|&b| b != 0 && b != 0xFF && !b.is_ascii_whitespace())
    {
        sink.flag(
            RuleId::ImageTrailingData,
            &format!("{prefix}{} bytes after the JPEG end marker", trailing.len()),
        );
        sink.bytes(&format!("{prefix}data after the JPEG end marker"), trailing);
    }
}

/// Photoshop APP13: image resource blocks; 0x0404 is IPTC IIM; 0x0409/0x040C thumbnails.
pub(crate) fn scan_app13(sink: &mut Sink, prefix: &str, p: &[u8]) {
    sink.bytes(&format!("{prefix}JPEG APP13 segment"), p);
    let Some(mut i) = memchr::memmem::find(p, b"8BIM") else {
        return;
    };
    let mut guard = 0;
    while p.get(i..i + 4) == Some(b"8BIM") && guard < 10_000 {
        guard += 1;
        let Some(id) = be16(p, i + 4) else { return };
        let Some(&nlen) = p.get(i + 6) else { return };
        let mut j = i + 7 + nlen as usize;
        if (1 + nlen as usize) % 2 == 1 {
            j += 1;
        }
        let Some(size) = be32(p, j) else { return };
        let start = j + 4;
        let Some(data) = p.get(start..start.saturating_add(size)) else {
            return;
        };
        match id {
            0x0404 => scan_iptc(sink, prefix, data),
            0x0409 | 0x040C => sink.flag(
                RuleId::ImageThumbnail,
                &format!("{prefix}Photoshop thumbnail resource"),
            ),
            _ => {}
        }
        i = start + size + (size % 2);
    }
}

fn iptc_name(rec: u8, ds: u8) -> &'static str {
    match (rec, ds) {
        (2, 5) => "Object Name",
        (2, 25) => "Keywords",
        (2, 40) => "Special Instructions",
        (2, 80) => "By-line",
        (2, 85) => "By-line Title",
        (2, 90) => "City",
        (2, 92) => "Sub-location",
        (2, 95) => "Province-State",
        (2, 101) => "Country",
        (2, 105) => "Headline",
        (2, 110) => "Credit",
        (2, 115) => "Source",
        (2, 116) => "Copyright Notice",
        (2, 118) => "Contact",
        (2, 120) => "Caption-Abstract",
        (2, 122) => "Writer-Editor",
        _ => "",
    }
}

pub(crate) fn scan_iptc(sink: &mut Sink, prefix: &str, d: &[u8]) {
    let mut i = 0usize;
    while i + 5 <= d.len() {
        if d[i] != 0x1C {
            i += 1;
            continue;
        }
        let (rec, ds) = (d[i + 1], d[i + 2]);
        let Some(len) = be16(d, i + 3) else { return };
        if len & 0x8000 != 0 {
            return; // extended datasets are not used for text
        }
        let Some(v) = d.get(i + 5..i + 5 + len) else {
            return;
        };
        let name = iptc_name(rec, ds);
        let loc = if name.is_empty() {
            format!("{prefix}IPTC {rec}:{ds}")
        } else {
            format!("{prefix}IPTC {rec}:{ds} {name}")
        };
        sink.bytes(&loc, v);
        i += 5 + len;
    }
}

/// Scan a PNG file.
pub fn scan_png(sink: &mut Sink, prefix: &str, d: &[u8]) {
    let mut i = 8usize;
    let mut ended = false;
    let mut guard = 0usize;
    while i + 8 <= d.len() && guard < 1_000_000 {
        guard += 1;
        let Some(len) = be32(d, i) else { break };
        let ty = &d[i + 4..i + 8];
        let Some(data) = d.get(i + 8..(i + 8).saturating_add(len)) else {
            sink.flag(
                RuleId::UnreadableFile,
                &format!("{prefix}PNG structure (truncated chunk)"),
            );
            return;
        };
        let tname = String::from_utf8_lossy(ty).into_owned();
        match ty {
            b"tEXt" => {
                let (k, v) = split_nul(data);
                png_text(sink, prefix, "tEXt", k, v);
            }
            b"zTXt" => {
                let (k, v) = split_nul(data);
                let loc = format!("{prefix}PNG zTXt {}", text::latin1(k));
                if let Some(out) = inflate_checked(sink, &loc, v.get(1..).unwrap_or(&[])) {
                    png_text(sink, prefix, "zTXt", k, &out);
                }
            }
            b"iTXt" => {
                let (k, rest) = split_nul(data);
                let loc = format!("{prefix}PNG iTXt {}", String::from_utf8_lossy(k));
                let compressed = rest.first() == Some(&1);
                let rest = rest.get(2..).unwrap_or(&[]);
                let (lang, rest) = split_nul(rest);
                let (tk, body) = split_nul(rest);
                sink.bytes(&loc, lang);
                sink.bytes(&loc, tk);
                if compressed {
                    if let Some(out) = inflate_checked(sink, &loc, body) {
                        png_text(sink, prefix, "iTXt", k, &out);
                    }
                } else if k == b"XML:com.adobe.xmp" {
                    sink.bytes(&loc, k);
                    crate::xmp::scan_xmp(sink, prefix, body);
                } else {
                    png_text(sink, prefix, "iTXt", k, body);
                }
            }
            b"eXIf" => scan_exif_tiff(sink, prefix, data),
            b"IEND" => {
                ended = true;
                i += 12 + len;
                break;
            }
            b"IDAT" | b"IHDR" | b"PLTE" => {}
            _ => sink.bytes(&format!("{prefix}PNG {tname} chunk"), data),
        }
        i = i.saturating_add(12).saturating_add(len);
    }
    if !ended {
        sink.flag(
            RuleId::UnreadableFile,
            &format!("{prefix}PNG structure (no IEND)"),
        );
        return;
    }
    let trailing = d.get(i..).unwrap_or(&[]);
    if trailing.iter().any(|&b| b != 0 && !b.is_ascii_whitespace()) {
        sink.flag(
            RuleId::ImageTrailingData,
            &format!("{prefix}{} bytes after the PNG end", trailing.len()),
        );
        sink.bytes(&format!("{prefix}data after the PNG end"), trailing);
    }
}

/// Inflate a compressed text chunk within the file's budget; `None` (and the budget finding)
/// when it is over.
fn inflate_checked(sink: &mut Sink, loc: &str, data: &[u8]) -> Option<Vec<u8>> {
    let limit = sink.limits().max_stream_bytes.min(sink.budget_left());
    match inflate(data, limit) {
        Ok((out, _)) => {
            sink.spend(out.len() as u64);
            Some(out)
        }
        Err(_) => {
            sink.flag_budget(loc);
            None
        }
    }
}

/// One PNG text chunk (keyword and text, decompressed): the text under every reading; a GPS
/// keyword (`exif:GPSLatitude`, `GPS`...) with a value is `image-gps`; an ImageMagick raw
/// profile (`Raw profile type exif`, `iptc`, `xmp`, `8bim`, `APP1`) is decoded from hex and
/// scanned as the EXIF, IPTC, XMP or Photoshop data it is.
fn png_text(sink: &mut Sink, prefix: &str, chunk: &str, key: &[u8], value: &[u8]) {
    let key_text = text::latin1(key);
    let loc = format!("{prefix}PNG {chunk} {key_text}");
    sink.bytes(&loc, key);
    sink.text(&loc, &text::latin1(value));
    sink.bytes(&loc, value);
    let lower = key_text.to_ascii_lowercase();
    if lower.contains("gps") && !value.trim_ascii().is_empty() {
        sink.flag(RuleId::ImageGps, &loc);
    }
    if let Some(kind) = lower.strip_prefix("raw profile type ") {
        let profile = raw_profile(value);
        scan_profile(sink, &format!("{prefix}PNG raw profile {kind}: "), &profile);
    }
}

/// The bytes of an ImageMagick raw profile: `\n<type>\n<length>\n<hex digits, broken into
/// lines>`; at most the stated length (hex digits are never more than half the input).
pub fn raw_profile(v: &[u8]) -> Vec<u8> {
    let mut lines = v.trim_ascii_start().splitn(3, |&b| b == b'\n');
    let _kind = lines.next();
    let len: usize = lines
        .next()
        .and_then(|l| std::str::from_utf8(l.trim_ascii()).ok())
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let hex = lines.next().unwrap_or(&[]);
    let mut out = Vec::with_capacity(len.min(hex.len() / 2));
    let mut high: Option<u8> = None;
    for &c in hex {
        let Some(n) = (c as char).to_digit(16) else {
            continue;
        };
        match high.take() {
            Some(h) => out.push((h << 4) | n as u8),
            None => high = Some(n as u8),
        }
        if out.len() >= len {
            break;
        }
    }
    out
}

/// Decoded metadata of unknown kind, by its content: EXIF (with or without its `Exif` header),
/// Photoshop resources (IPTC inside), IPTC IIM, XMP; everything also as bytes.
pub fn scan_profile(sink: &mut Sink, prefix: &str, p: &[u8]) {
    let tiff = p.strip_prefix(b"Exif\0\0").unwrap_or(p);
    if tiff.starts_with(b"II*\0") || tiff.starts_with(b"MM\0*") {
        scan_exif_tiff(sink, prefix, tiff);
    } else if p.starts_with(b"8BIM") {
        scan_app13(sink, prefix, p);
    } else if p.first() == Some(&0x1C) {
        scan_iptc(sink, prefix, p);
    }
    let head = &p[..p.len().min(4096)];
    if memchr::memmem::find(head, b"<x:xmpmeta").is_some()
        || memchr::memmem::find(head, b"<?xpacket").is_some()
        || memchr::memmem::find(head, b"<rdf:RDF").is_some()
    {
        crate::xmp::scan_xmp(sink, prefix, p);
    }
    sink.bytes_fallback(&format!("{prefix}profile data"), p);
}

fn split_nul(d: &[u8]) -> (&[u8], &[u8]) {
    match d.iter().position(|&b| b == 0) {
        Some(p) => (&d[..p], &d[p + 1..]),
        None => (d, &[]),
    }
}

/// Scan a WebP (RIFF) file.
pub fn scan_webp(sink: &mut Sink, prefix: &str, d: &[u8]) {
    let mut i = 12usize;
    let mut guard = 0usize;
    while i + 8 <= d.len() && guard < 1_000_000 {
        guard += 1;
        let ty = &d[i..i + 4];
        let Some(len) = le32(d, i + 4) else { break };
        let Some(data) = d.get(i + 8..(i + 8).saturating_add(len)) else {
            sink.flag(
                RuleId::UnreadableFile,
                &format!("{prefix}WebP structure (truncated chunk)"),
            );
            return;
        };
        match ty {
            b"EXIF" => {
                let t = data.strip_prefix(b"Exif\0\0").unwrap_or(data);
                scan_exif_tiff(sink, prefix, t);
            }
            b"XMP " => crate::xmp::scan_xmp(sink, prefix, data),
            b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" | b"ANMF" | b"ICCP" => {}
            _ => sink.bytes(
                &format!("{prefix}WebP {} chunk", String::from_utf8_lossy(ty)),
                data,
            ),
        }
        i = i.saturating_add(8).saturating_add(len + (len & 1));
    }
}

/// Scan a TIFF file: its IFDs are EXIF; the whole file is also scanned as a backstop.
pub fn scan_tiff(sink: &mut Sink, prefix: &str, d: &[u8]) {
    scan_exif_tiff(sink, prefix, d);
    sink.bytes_fallback(&format!("{prefix}TIFF data"), d);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denylist::DenyList;
    use crate::scan::Limits;
    use std::path::Path;

    /// A minimal big-endian EXIF block: IFD0 with Artist and a GPS IFD pointer; the GPS IFD
    /// with GPSLatitudeRef.
    fn exif_with_artist_and_gps(artist: &[u8]) -> Vec<u8> {
        let mut t = b"MM\0*\0\0\0\x08".to_vec();
        let n = artist.len() as u32 + 1;
        let gps_at: u32 = 8 + 2 + 2 * 12 + 4;
        let artist_at: u32 = gps_at + 2 + 12 + 4;
        t.extend_from_slice(&2u16.to_be_bytes());
        t.extend_from_slice(&[0x01, 0x3B, 0, 2]);
        t.extend_from_slice(&n.to_be_bytes());
        t.extend_from_slice(&artist_at.to_be_bytes());
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
        t.extend_from_slice(&gps_at.to_be_bytes());
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&1u16.to_be_bytes());
        t.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(artist);
        t.push(0);
        t
    }

    /// ImageMagick's raw profile text: type line, length line, hex in lines of 72 digits.
    fn raw_profile_text(kind: &str, data: &[u8]) -> Vec<u8> {
        let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
        let mut s = format!("\n{kind}\n{:8}\n", data.len());
        for chunk in hex.as_bytes().chunks(72) {
            s.push_str(std::str::from_utf8(chunk).unwrap());
            s.push('\n');
        }
        s.into_bytes()
    }

    #[test]
    fn raw_profile_exif_is_scanned_as_exif() {
        let deny = DenyList::parse(Path::new("deny.txt"), "Zarifa Testova\n").unwrap();
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(exif_with_artist_and_gps(b"Zarifa Testova"));
        let text = raw_profile_text("exif", &exif);
        assert_eq!(raw_profile(&text), exif);
        let mut sink = Sink::new(Path::new("a.png"), Some(&deny), Limits::default());
        png_text(&mut sink, "", "zTXt", b"Raw profile type exif", &text);
        let f = sink.into_findings();
        let at = |rule: RuleId, loc: &str| f.iter().any(|x| x.rule == rule && x.location == loc);
        assert!(
            at(
                RuleId::DenyListMatch,
                "PNG raw profile exif: EXIF tag Artist"
            ),
            "{f:?}"
        );
        assert!(
            at(RuleId::ImageGps, "PNG raw profile exif: EXIF GPS IFD"),
            "{f:?}"
        );
        // a GPS keyword in a text chunk, as ImageMagick writes EXIF properties
        let mut sink = Sink::new(Path::new("b.png"), None, Limits::default());
        png_text(
            &mut sink,
            "",
            "tEXt",
            b"exif:GPSLatitude",
            b"40/1, 23/1, 60/1",
        );
        png_text(&mut sink, "", "tEXt", b"exif:GPSAltitude", b"");
        let f = sink.into_findings();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].location, "PNG tEXt exif:GPSLatitude");
        // a stated length beyond the data, odd digits, no lines: no panic, what is there
        assert_eq!(raw_profile(b"\nexif\n   99\n4142 4"), b"AB");
        assert_eq!(raw_profile(b""), b"");
    }

    /// A JPEG whose scan data holds stuffed bytes and restart markers, then a comment segment
    /// after the scan: the comment must still be found (the scan-data skip must stop there).
    #[test]
    fn segments_after_scan_data_are_scanned() {
        let deny = DenyList::parse(Path::new("deny.txt"), "Placeholder Withheld\n").unwrap();
        let mut d = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
        d.extend_from_slice(&[1, 2, 0xFF, 0x00, 3, 0xFF, 0xD3, 4, 5, 0xFF, 0x00]);
        d.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x16]);
        d.extend_from_slice(b"Placeholder Withheld");
        d.extend_from_slice(&[0xFF, 0xD9]);
        let mut sink = Sink::new(Path::new("a.jpg"), Some(&deny), Limits::default());
        scan_jpeg(&mut sink, "", &d);
        let f = sink.into_findings();
        assert!(f.iter().any(|f| f.rule == RuleId::DenyListMatch), "{f:?}");
        // scan data running to the end of the file: no end marker
        let mut sink = Sink::new(Path::new("b.jpg"), Some(&deny), Limits::default());
        scan_jpeg(
            &mut sink,
            "",
            &[0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 1, 0xFF, 0x00, 2],
        );
        let f = sink.into_findings();
        assert!(f.iter().any(|f| f.rule == RuleId::UnreadableFile), "{f:?}");
    }
}
