//! PNG and WebP: chunk surgery with img-parts. PNG text chunks (tEXt, zTXt, iTXt — ImageMagick's
//! raw profiles among them) go, except an uncompressed XMP packet (iTXt `XML:com.adobe.xmp`),
//! which loses its personal properties like any XMP; eXIf is edited in place like JPEG EXIF;
//! data after IEND goes. WebP EXIF and XMP chunks are edited the same way (the VP8X flags follow
//! the chunks that remain). Image data chunks are kept byte for byte.

use img_parts::png::{Png, PngChunk};
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::WebP;
use img_parts::Bytes;

use super::report::NotFixed;
use super::{exif, xmp, Scrubbed};

const XMP_KEY: &[u8] = b"XML:com.adobe.xmp";

/// Scrubs a PNG file.
pub fn scrub_png(d: &[u8]) -> Result<Scrubbed, img_parts::Error> {
    let mut png = Png::from_bytes(Bytes::copy_from_slice(d))?;
    let mut out = Scrubbed::default();
    let mut kept = Vec::new();
    for c in png.chunks() {
        let data = c.contents();
        let removed = |out: &mut Scrubbed, what: &str| {
            if !out.removed.iter().any(|r| r == what) {
                out.removed.push(what.to_string());
            }
        };
        match &c.kind() {
            b"tEXt" | b"zTXt" | b"iTXt" => {
                let key = data.split(|&b| b == 0).next().unwrap_or(&[]);
                let raw = key.starts_with(b"Raw profile type ");
                // iTXt: keyword NUL, compression flag, method, language NUL, keyword NUL, text
                if c.kind() == *b"iTXt" && key == XMP_KEY && data.get(key.len() + 1) == Some(&0) {
                    if let Some(r) = itxt_xmp(data, key.len(), &mut out) {
                        kept.push(PngChunk::new(*b"iTXt", Bytes::from(r)));
                        continue;
                    }
                    kept.push(c.clone());
                    continue;
                }
                let what = match (raw, &c.kind()) {
                    (true, _) => "PNG ImageMagick raw profile",
                    (_, b"tEXt") => "PNG tEXt chunk",
                    (_, b"zTXt") => "PNG zTXt chunk",
                    _ => "PNG iTXt chunk",
                };
                removed(&mut out, what);
            }
            b"eXIf" => match exif_chunk(data, &mut out) {
                Some(n) => kept.push(PngChunk::new(*b"eXIf", Bytes::from(n))),
                None => kept.push(c.clone()),
            },
            _ => kept.push(c.clone()),
        }
    }
    let cut = d.len().saturating_sub(png.len());
    if cut > 0 {
        out.removed.push(format!("{cut} bytes after the PNG end"));
    }
    if out.removed.is_empty() {
        return Ok(out);
    }
    *png.chunks_mut() = kept;
    out.bytes = Some(png.encoder().bytes().to_vec());
    Ok(out)
}

/// An uncompressed XMP iTXt chunk with the packet scrubbed; `None` when nothing changed (or
/// the packet is not well-formed: then it goes whole and `None` is not returned).
fn itxt_xmp(data: &[u8], klen: usize, out: &mut Scrubbed) -> Option<Vec<u8>> {
    // after the keyword: NUL, flag, method, language NUL, translated keyword NUL
    let mut at = klen + 3;
    for _ in 0..2 {
        at += data.get(at..)?.iter().position(|&b| b == 0)? + 1;
    }
    match xmp::scrub_xmp(&data[at..]) {
        Ok((_, names)) if names.is_empty() => None,
        Ok((packet, names)) => {
            out.removed.extend(names);
            Some([&data[..at], &packet].concat())
        }
        Err(_) => {
            out.removed
                .push("XMP packet (whole: not well-formed XML)".into());
            // an empty packet keeps the chunk well-formed
            Some(data[..at].to_vec())
        }
    }
}

/// An EXIF chunk's data (with or without an `Exif\0\0` prefix) scrubbed; `None` when nothing
/// changed or it cannot be read (then a [`NotFixed`]).
fn exif_chunk(data: &[u8], out: &mut Scrubbed) -> Option<Vec<u8>> {
    let skip = if data.starts_with(b"Exif\0\0") { 6 } else { 0 };
    let mut n = data.to_vec();
    match exif::scrub_tiff(&mut n[skip..]) {
        Ok(s) if s.removed.is_empty() => None,
        Ok(s) => {
            out.removed.extend(s.removed);
            Some(n)
        }
        Err(e) => {
            out.not_fixed.push(NotFixed::new("EXIF", &e.to_string()));
            None
        }
    }
}

/// Scrubs a WebP file.
pub fn scrub_webp(d: &[u8]) -> Result<Scrubbed, img_parts::Error> {
    let mut webp = WebP::from_bytes(Bytes::copy_from_slice(d))?;
    let mut out = Scrubbed::default();
    let mut kept: Vec<RiffChunk> = Vec::new();
    for c in webp.chunks() {
        let Some(data) = c.content().data() else {
            kept.push(c.clone());
            continue;
        };
        let new = match &c.id() {
            b"EXIF" => exif_chunk(data, &mut out),
            b"XMP " => match xmp::scrub_xmp(data) {
                Ok((_, names)) if names.is_empty() => None,
                Ok((packet, names)) => {
                    out.removed.extend(names);
                    Some(packet)
                }
                Err(_) => {
                    out.removed
                        .push("XMP packet (whole: not well-formed XML)".into());
                    continue;
                }
            },
            _ => None,
        };
        match new {
            Some(n) => kept.push(RiffChunk::new(c.id(), RiffContent::Data(Bytes::from(n)))),
            None => kept.push(c.clone()),
        }
    }
    if out.removed.is_empty() {
        return Ok(out);
    }
    *webp.chunks_mut() = kept;
    out.bytes = Some(webp.encoder().bytes().to_vec());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(pixels: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = ::png::Encoder::new(&mut out, 2, 2);
        e.set_color(::png::ColorType::Rgb);
        e.set_depth(::png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(pixels).unwrap();
        out
    }

    fn decode(d: &[u8]) -> Vec<u8> {
        let mut r = ::png::Decoder::new(std::io::Cursor::new(d))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let n = r.next_frame(&mut buf).unwrap().buffer_size();
        buf.truncate(n);
        buf
    }

    #[test]
    fn text_chunks_exif_and_trailing_data_go_and_the_pixels_stay() {
        let pixels: Vec<u8> = (0..12).collect();
        let mut png = Png::from_bytes(Bytes::from(encode(&pixels))).unwrap();
        let extra = [
            PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Someone")),
            PngChunk::new(*b"eXIf", Bytes::from(exif::tests::sample(b"Someone"))),
            PngChunk::new(*b"zTXt", Bytes::from_static(b"Raw profile type iptc\0\0x")),
        ];
        png.chunks_mut().splice(1..1, extra);
        let mut d = png.encoder().bytes().to_vec();
        d.extend_from_slice(b"trail");
        let s = scrub_png(&d).unwrap();
        assert_eq!(
            s.removed,
            [
                "PNG tEXt chunk",
                "EXIF thumbnail (IFD1)",
                "EXIF UserComment",
                "EXIF GPS",
                "EXIF Artist",
                "PNG ImageMagick raw profile",
                "5 bytes after the PNG end"
            ]
        );
        let out = s.bytes.unwrap();
        assert_eq!(decode(&out), pixels);
        assert!(memchr::memmem::find(&out, b"Someone").is_none());
        // the eXIf chunk stays, edited in place, with a valid CRC (img-parts checks it)
        let again = Png::from_bytes(Bytes::from(out.clone())).unwrap();
        assert!(again.chunk_by_type(*b"eXIf").is_some());
        assert!(scrub_png(&out).unwrap().removed.is_empty());
    }
}
