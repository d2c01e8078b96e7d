//! A JPEG with a hand-built EXIF (TIFF layout) APP1 segment: IFD0, a GPS IFD, a thumbnail.

/// One IFD entry: tag, type (2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 1 BYTE, 7 UNDEFINED),
/// count and raw value bytes (little-endian).
pub struct Entry(pub u16, pub u16, pub u32, pub Vec<u8>);

/// An ASCII entry (type 2), NUL-terminated.
pub fn ascii(tag: u16, s: &str) -> Entry {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    Entry(tag, 2, v.len() as u32, v)
}

/// A LONG entry (type 4).
pub fn long(tag: u16, v: u32) -> Entry {
    Entry(tag, 4, 1, v.to_le_bytes().to_vec())
}

/// A RATIONAL entry (type 5) of (numerator, denominator) pairs.
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
