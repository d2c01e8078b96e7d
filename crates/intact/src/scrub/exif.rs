//! EXIF (a TIFF structure inside JPEG APP1, PNG eXIf, WebP EXIF) edited in place, never rebuilt:
//! the thumbnail IFD (IFD1 and every IFD after it) and the GPS IFD are unlinked and their bytes
//! zeroed, and the entries that name or describe people are removed from their IFD. Removing an
//! entry shifts the entries after it (and the next-IFD offset) up by 12 bytes within the IFD,
//! lowers the count and zeroes the freed bytes and the entry's out-of-line value; no other byte
//! moves, so every offset in the data (maker notes included) stays valid.
//!
//! The walk is bounded: at most [`MAX_IFDS`] IFDs and [`MAX_ENTRIES`] entries per IFD, every
//! offset checked against the data before it is used; an IFD visited twice ends the walk.

use std::collections::BTreeSet;

/// Most IFDs walked in one EXIF block (IFD0, Exif, Interop, GPS, IFD1 and a few more).
const MAX_IFDS: usize = 64;
/// Most entries read from one IFD.
const MAX_ENTRIES: usize = 4096;

/// The tags removed wherever they occur in IFD0 or the Exif IFD: (tag, name in the report).
pub const REMOVED_TAGS: &[(u16, &str)] = &[
    (0x010E, "ImageDescription"),
    (0x013B, "Artist"),
    (0x8298, "Copyright"),
    (0x9286, "UserComment"),
    (0xA430, "CameraOwnerName"),
    (0xFDE8, "OwnerName"),
    (0x9C9B, "XPTitle"),
    (0x9C9C, "XPComment"),
    (0x9C9D, "XPAuthor"),
    (0x9C9E, "XPKeywords"),
    (0x9C9F, "XPSubject"),
];

const TAG_EXIF_IFD: u16 = 0x8769;
const TAG_GPS_IFD: u16 = 0x8825;
const TAG_INTEROP_IFD: u16 = 0xA005;
/// Where a thumbnail's bytes are: (offset tag, length tag).
const THUMB_DATA: &[(u16, u16)] = &[(0x0201, 0x0202), (0x0111, 0x0117), (0x0144, 0x0145)];

/// Why an EXIF block was left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExifError {
    #[error("not a TIFF structure (no II*/MM* header)")]
    NotTiff,
    #[error("an IFD at offset {0} lies outside the EXIF data")]
    OutOfBounds(usize),
    #[error("more than {MAX_IFDS} IFDs or {MAX_ENTRIES} entries in one IFD")]
    TooMany,
}

/// The byte order of a TIFF structure and its bytes.
struct Tiff<'a> {
    d: &'a mut [u8],
    le: bool,
}

/// One IFD entry as read.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    /// The 4 bytes of the value field, as an offset.
    value: u32,
}

impl Entry {
    /// Bytes of the value (`None` for an unknown type or an overflowing count).
    fn size(&self) -> Option<usize> {
        let unit = match self.typ {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            _ => return None,
        };
        (self.count as usize).checked_mul(unit)
    }
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.d.get(at..at + 2)?;
        Some(if self.le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.d.get(at..at + 4)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }

    fn put_u16(&mut self, at: usize, v: u16) {
        let b = if self.le {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        if let Some(s) = self.d.get_mut(at..at + 2) {
            s.copy_from_slice(&b);
        }
    }

    fn put_u32(&mut self, at: usize, v: u32) {
        let b = if self.le {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        if let Some(s) = self.d.get_mut(at..at + 4) {
            s.copy_from_slice(&b);
        }
    }

    fn zero(&mut self, from: usize, len: usize) {
        let end = from.saturating_add(len).min(self.d.len());
        if from < end {
            self.d[from..end].fill(0);
        }
    }

    /// The entries of the IFD at `at`, checked to lie within the data with their next-IFD
    /// offset.
    fn entries(&self, at: usize) -> Result<Vec<Entry>, ExifError> {
        let n = self.u16(at).ok_or(ExifError::OutOfBounds(at))? as usize;
        if n > MAX_ENTRIES {
            return Err(ExifError::TooMany);
        }
        if at + 2 + 12 * n + 4 > self.d.len() {
            return Err(ExifError::OutOfBounds(at));
        }
        Ok((0..n)
            .map(|i| {
                let e = at + 2 + 12 * i;
                Entry {
                    tag: self.u16(e).unwrap_or(0),
                    typ: self.u16(e + 2).unwrap_or(0),
                    count: self.u32(e + 4).unwrap_or(0),
                    value: self.u32(e + 8).unwrap_or(0),
                }
            })
            .collect())
    }

    /// Where the next-IFD offset of the IFD at `at` with `n` entries is.
    fn next_at(at: usize, n: usize) -> usize {
        at + 2 + 12 * n
    }

    /// Zeroes the out-of-line value of `e` (values of 4 bytes or less sit in the entry).
    fn zero_value(&mut self, e: &Entry) {
        if let Some(size) = e.size() {
            if size > 4 {
                self.zero(e.value as usize, size);
            }
        }
    }

    /// Removes entry `i` of the IFD at `at`: later entries and the next-IFD offset move up 12
    /// bytes, the count drops by one, the freed 12 bytes and the value are zeroed.
    fn unlink_entry(&mut self, at: usize, i: usize) -> Result<(), ExifError> {
        let list = self.entries(at)?;
        let n = list.len();
        let Some(e) = list.get(i) else { return Ok(()) };
        self.zero_value(e);
        let from = at + 2 + 12 * (i + 1);
        let end = Self::next_at(at, n) + 4;
        self.d.copy_within(from..end, from - 12);
        self.zero(end - 12, 12);
        self.put_u16(at, (n - 1) as u16);
        Ok(())
    }

    /// Zeroes the IFD at `at` whole (entries, out-of-line values, thumbnail data, its sub-IFDs
    /// reached by pointer entries), not following its next-IFD offset.
    fn zero_ifd(&mut self, at: usize, seen: &mut BTreeSet<usize>) -> Result<(), ExifError> {
        if !seen.insert(at) || seen.len() > MAX_IFDS {
            return if seen.len() > MAX_IFDS {
                Err(ExifError::TooMany)
            } else {
                Ok(())
            };
        }
        let list = self.entries(at)?;
        for (off_tag, len_tag) in THUMB_DATA {
            let off = list.iter().find(|e| e.tag == *off_tag);
            let len = list.iter().find(|e| e.tag == *len_tag);
            if let (Some(o), Some(l)) = (off, len) {
                if o.count == 1 && l.count == 1 {
                    let len = if l.typ == 3 {
                        self.short_value(l) as usize
                    } else {
                        l.value as usize
                    };
                    let off = if o.typ == 3 {
                        self.short_value(o) as usize
                    } else {
                        o.value as usize
                    };
                    self.zero(off, len);
                }
            }
        }
        for e in &list {
            if matches!(e.tag, TAG_EXIF_IFD | TAG_GPS_IFD | TAG_INTEROP_IFD) && e.count == 1 {
                let _ = self.zero_ifd(e.value as usize, seen);
            }
            self.zero_value(e);
        }
        self.zero(at, 2 + 12 * list.len() + 4);
        Ok(())
    }

    /// A SHORT value stored in the entry's value field.
    fn short_value(&self, e: &Entry) -> u16 {
        if self.le {
            (e.value & 0xFFFF) as u16
        } else {
            (e.value >> 16) as u16
        }
    }
}

/// What [`scrub_tiff`] removed, in report words.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExifScrub {
    pub removed: Vec<String>,
}

/// Scrubs the EXIF TIFF structure `d` in place (same length, same offsets).
pub fn scrub_tiff(d: &mut [u8]) -> Result<ExifScrub, ExifError> {
    let le = match d.get(0..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return Err(ExifError::NotTiff),
    };
    let mut t = Tiff { d, le };
    let mut out = ExifScrub::default();
    let ifd0 = t.u32(4).ok_or(ExifError::NotTiff)? as usize;
    let mut seen = BTreeSet::new();
    seen.insert(ifd0);
    let list = t.entries(ifd0)?;
    // the thumbnail: IFD1 and everything chained after it
    let next_at = Tiff::next_at(ifd0, list.len());
    let mut next = t.u32(next_at).unwrap_or(0) as usize;
    if next != 0 {
        t.put_u32(next_at, 0);
        let mut chain = 0;
        while next != 0 && next < t.d.len() && chain < MAX_IFDS {
            chain += 1;
            let after = match t.entries(next) {
                Ok(l) => t.u32(Tiff::next_at(next, l.len())).unwrap_or(0) as usize,
                Err(_) => 0,
            };
            if t.zero_ifd(next, &mut seen).is_err() {
                break;
            }
            next = after;
        }
        out.removed.push("EXIF thumbnail (IFD1)".into());
    }
    // the Exif IFD's own entries (its pointer stays)
    if let Some(e) = list.iter().find(|e| e.tag == TAG_EXIF_IFD && e.count == 1) {
        let at = e.value as usize;
        if seen.insert(at) {
            remove_tags(&mut t, at, &mut out)?;
        }
    }
    // the GPS IFD: pointer unlinked, IFD zeroed
    if let Some(i) = list.iter().position(|e| e.tag == TAG_GPS_IFD) {
        let gps = list[i];
        t.unlink_entry(ifd0, i)?;
        if gps.count == 1 {
            let _ = t.zero_ifd(gps.value as usize, &mut seen);
        }
        out.removed.push("EXIF GPS".into());
    }
    remove_tags(&mut t, ifd0, &mut out)?;
    Ok(out)
}

/// Unlinks every [`REMOVED_TAGS`] entry of the IFD at `at`.
fn remove_tags(t: &mut Tiff<'_>, at: usize, out: &mut ExifScrub) -> Result<(), ExifError> {
    loop {
        let list = t.entries(at)?;
        let Some((i, name)) = list.iter().enumerate().find_map(|(i, e)| {
            REMOVED_TAGS
                .iter()
                .find(|(tag, _)| *tag == e.tag)
                .map(|(_, n)| (i, *n))
        }) else {
            return Ok(());
        };
        t.unlink_entry(at, i)?;
        out.removed.push(format!("EXIF {name}"));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian EXIF block: IFD0 (Make, Artist, Exif pointer, GPS pointer) → IFD1 with a
    /// 16-byte "thumbnail"; Exif IFD with DateTimeOriginal and UserComment; GPS IFD with a
    /// latitude.
    pub(crate) fn sample(artist: &[u8]) -> Vec<u8> {
        let mut d = vec![0u8; 512];
        d[0..8].copy_from_slice(b"II*\0\x08\0\0\0");
        let put16 =
            |d: &mut Vec<u8>, at: usize, v: u16| d[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 =
            |d: &mut Vec<u8>, at: usize, v: u32| d[at..at + 4].copy_from_slice(&v.to_le_bytes());
        let entry = |d: &mut Vec<u8>, at: usize, tag: u16, typ: u16, count: u32, v: u32| {
            put16(d, at, tag);
            put16(d, at + 2, typ);
            put32(d, at + 4, count);
            put32(d, at + 8, v);
        };
        // IFD0 at 8: 4 entries
        put16(&mut d, 8, 4);
        entry(&mut d, 10, 0x010F, 2, 4, u32::from_le_bytes(*b"Cam\0"));
        entry(&mut d, 22, 0x013B, 2, artist.len() as u32 + 1, 300);
        d[300..300 + artist.len()].copy_from_slice(artist);
        entry(&mut d, 34, TAG_EXIF_IFD, 4, 1, 100);
        entry(&mut d, 46, TAG_GPS_IFD, 4, 1, 200);
        put32(&mut d, 58, 400); // IFD1
                                // Exif IFD at 100: DateTimeOriginal, UserComment
        put16(&mut d, 100, 2);
        entry(&mut d, 102, 0x9003, 2, 20, 340);
        d[340..359].copy_from_slice(b"2024:01:02 03:04:05");
        entry(&mut d, 114, 0x9286, 7, 16, 360);
        d[360..376].copy_from_slice(b"ASCII\0\0\0comment!");
        // GPS IFD at 200: GPSLatitude (3 rationals)
        put16(&mut d, 200, 1);
        entry(&mut d, 202, 0x0002, 5, 3, 230);
        d[230..254].fill(7);
        // IFD1 at 400: JPEGInterchangeFormat 480, length 16
        put16(&mut d, 400, 2);
        entry(&mut d, 402, 0x0201, 4, 1, 480);
        entry(&mut d, 414, 0x0202, 4, 1, 16);
        d[480..496].fill(0xAB);
        d
    }

    #[test]
    fn thumbnail_gps_and_people_are_gone_and_the_rest_did_not_move() {
        let mut d = sample(b"A. Photographer");
        let before = d.clone();
        let s = scrub_tiff(&mut d).unwrap();
        assert_eq!(d.len(), before.len());
        assert_eq!(
            s.removed,
            [
                "EXIF thumbnail (IFD1)",
                "EXIF UserComment",
                "EXIF GPS",
                "EXIF Artist"
            ]
        );
        let t = Tiff {
            d: &mut d,
            le: true,
        };
        let ifd0 = t.entries(8).unwrap();
        assert_eq!(
            ifd0.iter().map(|e| e.tag).collect::<Vec<_>>(),
            [0x010F, TAG_EXIF_IFD]
        );
        assert_eq!(t.u32(Tiff::next_at(8, 2)).unwrap(), 0, "IFD1 unlinked");
        let exif = t.entries(100).unwrap();
        assert_eq!(exif.len(), 1);
        assert_eq!(exif[0].tag, 0x9003);
        assert_eq!(&d[340..359], b"2024:01:02 03:04:05", "kept value in place");
        assert!(d[300..316].iter().all(|&b| b == 0), "artist zeroed");
        assert!(d[360..376].iter().all(|&b| b == 0), "comment zeroed");
        assert!(d[200..254].iter().all(|&b| b == 0), "GPS zeroed");
        assert!(
            d[400..496].iter().all(|&b| b == 0),
            "IFD1 and thumbnail zeroed"
        );
        assert!(d[38..62].iter().all(|&b| b == 0), "freed entries zeroed");
    }

    #[test]
    fn the_gate_sees_no_gps_or_thumbnail_after_it() {
        let mut d = sample(b"x");
        scrub_tiff(&mut d).unwrap();
        let ex = exif::Reader::new().read_raw(d.clone()).unwrap();
        assert!(ex.fields().all(|f| f.ifd_num == exif::In::PRIMARY));
        assert!(ex
            .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_none());
        assert!(ex.get_field(exif::Tag::Make, exif::In::PRIMARY).is_some());
        assert!(ex
            .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
            .is_some());
    }

    #[test]
    fn a_second_pass_removes_nothing() {
        let mut d = sample(b"x");
        scrub_tiff(&mut d).unwrap();
        let once = d.clone();
        assert!(scrub_tiff(&mut d).unwrap().removed.is_empty());
        assert_eq!(d, once);
    }

    #[test]
    fn damaged_structures_are_refused_without_panicking() {
        assert_eq!(scrub_tiff(&mut b"XX*\0".to_vec()), Err(ExifError::NotTiff));
        let mut d = sample(b"x");
        d[4..8].copy_from_slice(&9000u32.to_le_bytes());
        assert!(matches!(scrub_tiff(&mut d), Err(ExifError::OutOfBounds(_))));
        // every truncation and every single-byte change: an answer, never a panic
        let good = sample(b"someone");
        for n in 0..good.len() {
            let _ = scrub_tiff(&mut good[..n].to_vec());
        }
        for i in 0..120 {
            for v in [0u8, 0xFF, 0x7F] {
                let mut d = good.clone();
                d[i] = v;
                let _ = scrub_tiff(&mut d);
            }
        }
    }

    #[test]
    fn big_endian_works_too() {
        // the same structure in big-endian: Artist in IFD0 only
        let mut d = vec![0u8; 64];
        d[0..8].copy_from_slice(b"MM\0*\0\0\0\x08");
        d[8..10].copy_from_slice(&1u16.to_be_bytes());
        d[10..12].copy_from_slice(&0x013Bu16.to_be_bytes());
        d[12..14].copy_from_slice(&2u16.to_be_bytes());
        d[14..18].copy_from_slice(&8u32.to_be_bytes());
        d[18..22].copy_from_slice(&40u32.to_be_bytes());
        d[40..47].copy_from_slice(b"Someone");
        let s = scrub_tiff(&mut d).unwrap();
        assert_eq!(s.removed, ["EXIF Artist"]);
        assert!(d[8..64].iter().all(|&b| b == 0));
    }
}
