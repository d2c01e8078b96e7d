//! GIF (87a and 89a): comment and plain-text extensions as text; application extensions —
//! XMP (`XMP DataXMP`), ImageMagick's Photoshop resources and IPTC (`MGK8BIM0000`,
//! `MGKIPTC0000`), anything else as bytes of unknown encoding; data after the trailer. Pixel
//! data is skipped.

use super::image;
use super::rules::RuleId;
use super::sink::Sink;

/// Walks the data sub-blocks starting at `i`: returns their concatenated data (when `keep`) and
/// the index after the block terminator; `None` when the file ends first.
fn sub_blocks(d: &[u8], mut i: usize, keep: bool) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    loop {
        let n = *d.get(i)? as usize;
        i += 1;
        if n == 0 {
            return Some((out, i));
        }
        let block = d.get(i..i + n)?;
        if keep {
            out.extend_from_slice(block);
        }
        i += n;
    }
}

/// Size in bytes of a colour table announced by a packed-fields byte.
fn color_table(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 * (1usize << ((flags & 7) + 1))
    } else {
        0
    }
}

/// XMP as GIF stores it: the packet written raw (its bytes read as sub-block lengths) then a
/// 258-byte "magic trailer"; the packet ends at its closing processing instruction.
fn xmp_packet(raw: &[u8]) -> &[u8] {
    let end = memchr::memmem::rfind(raw, b"<?xpacket end")
        .and_then(|k| memchr::memmem::find(&raw[k..], b"?>").map(|e| k + e + 2))
        .or_else(|| memchr::memmem::rfind(raw, b"</x:xmpmeta>").map(|k| k + 12));
    &raw[..end.unwrap_or(raw.len())]
}

/// One extension block at `i` (after its introducer and label); returns the index after it.
fn extension(sink: &mut Sink, prefix: &str, d: &[u8], label: u8, i: usize) -> Option<usize> {
    match label {
        0xFE => {
            let (data, next) = sub_blocks(d, i, true)?;
            sink.bytes(&format!("{prefix}GIF comment"), &data);
            Some(next)
        }
        0x01 => {
            let (data, next) = sub_blocks(d, i, true)?;
            let text = data.get(12..).unwrap_or(&[]);
            sink.bytes(&format!("{prefix}GIF plain text"), text);
            Some(next)
        }
        0xFF => {
            let n = *d.get(i)? as usize;
            let id = d.get(i + 1..i + 1 + n)?.to_vec();
            let start = i + 1 + n;
            let (data, next) = sub_blocks(d, start, true)?;
            let loc = format!(
                "{prefix}GIF application extension {}",
                String::from_utf8_lossy(&id)
            );
            match id.as_slice() {
                b"XMP DataXMP" => crate::xmp::scan_xmp(sink, prefix, xmp_packet(&d[start..next])),
                b"MGK8BIM0000" => image::scan_app13(sink, prefix, &data),
                b"MGKIPTC0000" => image::scan_iptc(sink, prefix, &data),
                b"NETSCAPE2.0" | b"ANIMEXTS1.0" => {}
                _ => sink.bytes(&loc, &data),
            }
            Some(next)
        }
        _ => sub_blocks(d, i, false).map(|(_, next)| next),
    }
}

/// Scan a GIF file.
pub fn scan_gif(sink: &mut Sink, prefix: &str, d: &[u8]) {
    let broken = |sink: &mut Sink, what: &str, at: usize| {
        sink.flag(
            RuleId::UnreadableFile,
            &format!("{prefix}GIF structure ({what})"),
        );
        sink.bytes_fallback(&format!("{prefix}GIF data"), d.get(at..).unwrap_or(&[]));
    };
    let Some(&flags) = d.get(10) else {
        return broken(sink, "truncated header", 0);
    };
    let mut i = 13 + color_table(flags);
    let mut blocks = 0usize;
    loop {
        blocks += 1;
        if blocks > 1_000_000 {
            return broken(sink, "too many blocks", i);
        }
        let next = match d.get(i) {
            None => return broken(sink, "no trailer", i),
            Some(0x3B) => break,
            Some(0x21) => match d.get(i + 1) {
                Some(&label) => extension(sink, prefix, d, label, i + 2),
                None => None,
            },
            Some(0x2C) => d.get(i + 9).and_then(|&f| {
                let data = i + 10 + color_table(f) + 1; // after the LZW minimum code size
                sub_blocks(d, data, false).map(|(_, next)| next)
            }),
            Some(_) => return broken(sink, "unknown block", i),
        };
        match next {
            Some(n) => i = n,
            None => return broken(sink, "truncated block", i),
        }
    }
    let trailing = d.get(i + 1..).unwrap_or(&[]);
    if trailing.iter().any(|&b| b != 0 && !b.is_ascii_whitespace()) {
        sink.flag(
            RuleId::ImageTrailingData,
            &format!("{prefix}{} bytes after the GIF trailer", trailing.len()),
        );
        sink.bytes(&format!("{prefix}data after the GIF trailer"), trailing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denylist::DenyList;
    use crate::scan::Limits;
    use std::path::Path;

    fn gif(ext: &[u8]) -> Vec<u8> {
        let mut d = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
        d.extend_from_slice(ext);
        d.extend_from_slice(b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b");
        d
    }

    fn scan(d: &[u8]) -> Vec<crate::report::Finding> {
        let deny = DenyList::parse(Path::new("deny.txt"), "Zarifa Testova\n").unwrap();
        let mut sink = Sink::new(Path::new("a.gif"), Some(&deny), Limits::default());
        scan_gif(&mut sink, "", d);
        sink.into_findings()
    }

    #[test]
    fn comment_extension_and_clean_gif() {
        assert!(scan(&gif(b"")).is_empty());
        let f = scan(&gif(b"\x21\xfe\x0eZarifa Testova\x00"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, RuleId::DenyListMatch);
        assert_eq!(f[0].location, "GIF comment");
    }

    #[test]
    fn truncated_and_trailing_data() {
        let mut d = gif(b"");
        d.truncate(d.len() - 3);
        assert!(scan(&d).iter().any(|f| f.rule == RuleId::UnreadableFile));
        let mut d = gif(b"");
        d.extend_from_slice(b"hidden");
        assert!(scan(&d).iter().any(|f| f.rule == RuleId::ImageTrailingData));
        assert!(scan(b"GIF89a")
            .iter()
            .any(|f| f.rule == RuleId::UnreadableFile));
    }
}
