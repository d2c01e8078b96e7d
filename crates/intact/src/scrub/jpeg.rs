//! JPEG: segment surgery with img-parts (the segments before the first scan; the scan data and
//! everything after it — further scans, the end marker, other images an MPF index lists — are
//! kept byte for byte). APP1 EXIF is edited in place ([`super::exif`]), APP1 XMP loses its
//! personal properties ([`super::xmp`]), extended XMP and comments go, APP13 loses its personal
//! IPTC datasets and thumbnails ([`super::iptc`]). When segments after an MPF index (APP2
//! `MPF\0`) change size, the offsets of the other images in the index move with them.

use img_parts::jpeg::{Jpeg, JpegSegment};
use img_parts::Bytes;

use super::report::NotFixed;
use super::{exif, iptc, xmp, Scrubbed};

const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const MPF_SIG: &[u8] = b"MPF\0";
/// The largest payload of a JPEG segment (its 2-byte length counts itself).
const MAX_SEGMENT: usize = 65533;

/// What became of one segment.
enum Step {
    Keep,
    Drop(&'static str),
    Replace(Vec<u8>),
}

/// Scrubs a JPEG file.
pub fn scrub_jpeg(d: &[u8]) -> Result<Scrubbed, img_parts::Error> {
    let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(d))?;
    let mut out = Scrubbed::default();
    let old: Vec<usize> = jpeg.segments().iter().map(JpegSegment::len).collect();
    let mut kept: Vec<JpegSegment> = Vec::new();
    let mut sizes: Vec<Option<usize>> = Vec::new(); // new size per old segment (None: dropped)
    for seg in jpeg.segments() {
        match step(seg, &mut out) {
            Step::Keep => {
                sizes.push(Some(seg.len()));
                kept.push(seg.clone());
            }
            Step::Drop(what) => {
                if !out.removed.iter().any(|r| r == what) {
                    out.removed.push(what.to_string());
                }
                sizes.push(None);
            }
            Step::Replace(contents) if contents.len() <= MAX_SEGMENT => {
                let s = JpegSegment::new_with_contents(seg.marker(), Bytes::from(contents));
                sizes.push(Some(s.len()));
                kept.push(s);
            }
            Step::Replace(_) => {
                out.not_fixed.push(NotFixed::new(
                    "a JPEG segment",
                    "its edited form would not fit in a segment",
                ));
                sizes.push(Some(seg.len()));
                kept.push(seg.clone());
            }
        }
    }
    if out.removed.is_empty() {
        return Ok(out);
    }
    let mpf = jpeg
        .segments()
        .iter()
        .position(|s| s.marker() == 0xE2 && s.contents().starts_with(MPF_SIG));
    if let Some(m) = mpf.filter(|&m| sizes[m].is_some()) {
        let before: usize = old[m + 1..].iter().sum();
        let after: usize = sizes[m + 1..].iter().flatten().sum();
        if before != after {
            let k = sizes[..m].iter().flatten().count();
            let contents = kept[k].contents().to_vec();
            match before
                .checked_sub(after)
                .and_then(|d| shift_mpf(&contents, d))
            {
                Some(c) => kept[k] = JpegSegment::new_with_contents(0xE2, Bytes::from(c)),
                None => {
                    out.not_fixed.push(NotFixed::new(
                        "JPEG",
                        "the MPF index of further images is damaged, so segments after it cannot be removed",
                    ));
                    out.removed.clear();
                    return Ok(out);
                }
            }
        }
    }
    *jpeg.segments_mut() = kept;
    out.bytes = Some(jpeg.encoder().bytes().to_vec());
    Ok(out)
}

/// What to do with one segment (findings that are not fixed go into `out`).
fn step(seg: &JpegSegment, out: &mut Scrubbed) -> Step {
    let c = seg.contents();
    match seg.marker() {
        0xFE => Step::Drop("JPEG comment"),
        0xE1 if c.starts_with(b"Exif\0") && c.len() >= 6 => {
            let mut tiff = c[6..].to_vec();
            match exif::scrub_tiff(&mut tiff) {
                Ok(s) if s.removed.is_empty() => Step::Keep,
                Ok(s) => {
                    out.removed.extend(s.removed);
                    let mut n = c[..6].to_vec();
                    n.extend_from_slice(&tiff);
                    Step::Replace(n)
                }
                Err(e) => {
                    out.not_fixed.push(NotFixed::new("EXIF", &e.to_string()));
                    Step::Keep
                }
            }
        }
        0xE1 if c.starts_with(XMP_SIG) => match xmp::scrub_xmp(&c[XMP_SIG.len()..]) {
            Ok((_, names)) if names.is_empty() => Step::Keep,
            Ok((packet, names)) => {
                out.removed.extend(names);
                Step::Replace([XMP_SIG, &packet].concat())
            }
            Err(_) => Step::Drop("XMP packet (whole: not well-formed XML)"),
        },
        0xE1 if c.starts_with(XMP_EXT_SIG) => Step::Drop("extended XMP"),
        0xED => match iptc::scrub_app13(c, &mut out.removed) {
            Ok(Some(p)) => Step::Replace(p),
            Ok(None) => Step::Keep,
            Err(e) => {
                out.not_fixed
                    .push(NotFixed::new("IPTC (APP13)", &e.to_string()));
                Step::Keep
            }
        },
        _ => Step::Keep,
    }
}

/// The MPF segment `c` with every non-zero image offset lowered by `delta` (the segments after
/// it shrank by that much); `None` when the index cannot be read.
fn shift_mpf(c: &[u8], delta: usize) -> Option<Vec<u8>> {
    let mut c = c.to_vec();
    let t = 4; // the TIFF header after `MPF\0`
    let le = match c.get(t..t + 4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |c: &[u8], i: usize| -> Option<usize> {
        let b = c.get(i..i + 2)?;
        Some(if le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        } as usize)
    };
    let u32_at = |c: &[u8], i: usize| -> Option<usize> {
        let b = c.get(i..i + 4)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        } as usize)
    };
    let ifd = t + u32_at(&c, t + 4)?;
    let n = u16_at(&c, ifd)?;
    let entry = (0..n.min(256))
        .map(|i| ifd + 2 + 12 * i)
        .find(|&e| u16_at(&c, e) == Some(0xB002))?;
    let size = u32_at(&c, entry + 4)?;
    let at = t + u32_at(&c, entry + 8)?;
    if size % 16 != 0 || at.checked_add(size)? > c.len() {
        return None;
    }
    for i in 0..size / 16 {
        let o = at + 16 * i + 8;
        let v = u32_at(&c, o)?;
        if v != 0 {
            let v = u32::try_from(v.checked_sub(delta)?).ok()?;
            let b = if le { v.to_le_bytes() } else { v.to_be_bytes() };
            c[o..o + 4].copy_from_slice(&b);
        }
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mpf_index_follows_the_segments_that_shrank() {
        let mut c = b"MPF\0II*\0\x08\0\0\0".to_vec();
        c.extend_from_slice(&1u16.to_le_bytes());
        c.extend_from_slice(&0xB002u16.to_le_bytes());
        c.extend_from_slice(&7u16.to_le_bytes());
        c.extend_from_slice(&32u32.to_le_bytes());
        c.extend_from_slice(&26u32.to_le_bytes());
        c.extend_from_slice(&0u32.to_le_bytes());
        for offset in [0u32, 1000] {
            c.extend_from_slice(&[0; 8]);
            c.extend_from_slice(&offset.to_le_bytes());
            c.extend_from_slice(&[0; 4]);
        }
        let shifted = shift_mpf(&c, 10).unwrap();
        let at =
            |d: &[u8], i: usize| u32::from_le_bytes(d[4 + 26 + i..4 + 30 + i].try_into().unwrap());
        assert_eq!(at(&shifted, 8), 0, "the first image is this one");
        assert_eq!(at(&shifted, 24), 990);
        assert_eq!(shift_mpf(&c, 2000), None, "an offset cannot go below zero");
        assert_eq!(shift_mpf(&c[..20], 10), None);
    }
}
