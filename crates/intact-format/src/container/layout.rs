//! The canonical layout (FORMAT.md §2.10): every byte of a bundle ZIP that is not member data —
//! local headers, central directory records, ZIP64 extra fields and end records — as a function
//! of the ordered entry list (name, size, CRC-32 of each entry).
//!
//! The writer writes these records and nothing else; the reader derives the same records from
//! the entries it found and compares them with the file byte for byte. So the only free bytes of
//! a valid bundle are member data, each of which is hashed, and no field can be read one way by
//! intact and another way by some other ZIP reader. Each record knows which field each of its
//! bytes belongs to, so a difference is reported at its offset and by the field's name.

use super::*;

/// A size or offset of this value or more does not fit in its 32-bit field: the field holds
/// `0xFFFFFFFF` and the value goes into a ZIP64 field.
pub(super) const ZIP64_THRESHOLD: u64 = 0xFFFF_FFFF;
/// More entries than fit in the 16-bit count fields (`0xFFFF` itself included).
const ZIP64_ENTRIES: u64 = 0xFFFF;
/// The Unix mode of every entry, in the high half of the external attributes.
pub(super) const EXTERNAL_ATTRIBUTES: u32 = 0o100644 << 16;

/// One field of a record: where its bytes are in the record, and its name.
#[derive(Debug, Clone, Copy)]
struct Field {
    start: usize,
    len: usize,
    name: &'static str,
    /// A little-endian number (shown as one), rather than bytes (a name).
    number: bool,
}

/// One record of the canonical layout: its bytes, and the field each byte belongs to.
#[derive(Debug, Clone)]
pub(super) struct Record {
    /// What the record is, as a message names it ("local header", "end of central directory").
    kind: &'static str,
    bytes: Vec<u8>,
    fields: Vec<Field>,
}

impl Record {
    fn new(kind: &'static str, capacity: usize) -> Record {
        Record {
            kind,
            bytes: Vec::with_capacity(capacity),
            fields: Vec::with_capacity(24),
        }
    }

    fn field(&mut self, name: &'static str, bytes: &[u8], number: bool) {
        self.fields.push(Field {
            start: self.bytes.len(),
            len: bytes.len(),
            name,
            number,
        });
        self.bytes.extend_from_slice(bytes);
    }

    fn u16(&mut self, name: &'static str, v: u16) {
        self.field(name, &v.to_le_bytes(), true);
    }

    fn u32(&mut self, name: &'static str, v: u32) {
        self.field(name, &v.to_le_bytes(), true);
    }

    fn u64(&mut self, name: &'static str, v: u64) {
        self.field(name, &v.to_le_bytes(), true);
    }

    /// The record's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Compares the record with `found`, the bytes of the file where it belongs (at offset `at`;
    /// fewer than the record's length where the file or region ends). `None` when they are the
    /// same bytes; otherwise a message naming the first differing field and its offset.
    pub(super) fn compare(&self, at: u64, found: &[u8]) -> Option<String> {
        let expected = &self.bytes[..];
        let first = match expected.iter().zip(found).position(|(a, b)| a != b) {
            Some(i) => i,
            None if found.len() == expected.len() => return None,
            None => expected.len().min(found.len()),
        };
        let offset = at + first as u64;
        let Some(f) = self.fields.iter().find(|f| first < f.start + f.len) else {
            // Equal up to the record's end, and the region goes on.
            return Some(format!(
                "{} byte(s) at offset {offset} after the {}, where the canonical layout has none",
                found.len() - expected.len(),
                self.kind
            ));
        };
        let want = &expected[f.start..f.start + f.len];
        let field_at = at + f.start as u64;
        let Some(got) = found.get(f.start..f.start + f.len) else {
            return Some(format!(
                "{} field '{}' at offset {field_at} is cut short (offset {offset} is the end)",
                self.kind, f.name
            ));
        };
        let show = |b: &[u8]| {
            if f.number {
                let mut v = [0u8; 8];
                v[..b.len()].copy_from_slice(b);
                format!("0x{:0w$x}", u64::from_le_bytes(v), w = 2 * b.len())
            } else {
                format!("'{}'", String::from_utf8_lossy(b).escape_debug())
            }
        };
        Some(format!(
            "{} field '{}' at offset {field_at} is {}, the canonical layout has {}",
            self.kind,
            f.name,
            show(got),
            show(want)
        ))
    }
}

/// The fixed part of a local header or central directory record.
struct Common {
    needed: u16,
    flags: u16,
    size32: u32,
}

fn common(name: &[u8], needs_zip64: bool, large: bool, size: u64) -> Common {
    Common {
        needed: if needs_zip64 {
            VERSION_ZIP64
        } else {
            VERSION_STORED
        },
        flags: if name.is_ascii() { 0 } else { FLAG_UTF8 },
        size32: if large {
            u32::MAX
        } else {
            size as u32 // fits: below the threshold
        },
    }
}

/// Whether a member of `size` bytes needs ZIP64 size fields.
fn is_large(size: u64) -> bool {
    size >= ZIP64_THRESHOLD
}

/// A name's length field; names longer than 65,535 bytes have none (the reader never finds
/// one, and the writer refuses it).
fn name_len(name: &[u8]) -> u16 {
    u16::try_from(name.len()).unwrap_or(u16::MAX)
}

/// The local header of an entry: signature, version needed 10 (45 when the size needs ZIP64),
/// the UTF-8 flag exactly when the name is not ASCII, method 0, time 0, date 1980-01-01,
/// CRC-32, both sizes (saturated when ZIP64), the name, and the ZIP64 extra field with both
/// sizes exactly when the size needs it.
pub(super) fn local_header(name: &[u8], size: u64, crc32: u32) -> Record {
    let large = is_large(size);
    let c = common(name, large, large, size);
    let mut r = Record::new("local header", 30 + name.len() + 20);
    r.u32("signature", SIG_LOCAL);
    r.u16("version needed to extract", c.needed);
    r.u16("general purpose flags", c.flags);
    r.u16("compression method", 0);
    r.u16("modification time", 0);
    r.u16("modification date", DOS_DATE_1980);
    r.u32("CRC-32", crc32);
    r.u32("compressed size", c.size32);
    r.u32("uncompressed size", c.size32);
    r.u16("name length", name_len(name));
    r.u16("extra field length", if large { 20 } else { 0 });
    r.field("name", name, false);
    if large {
        r.u16("ZIP64 extra field id", 0x0001);
        r.u16("ZIP64 extra field size", 16);
        r.u64("ZIP64 uncompressed size", size);
        r.u64("ZIP64 compressed size", size);
    }
    r
}

/// The central directory record of an entry whose local header is at `header_at`: version made
/// by Unix (`0x03`) and the version needed (10, or 45 when a size or the offset needs ZIP64) in
/// both version fields, the same flags, method, time, date, CRC-32 and sizes as the local header,
/// no comment, disk 0, internal attributes 0, external attributes `0100644 << 16`, the offset
/// (saturated when ZIP64), the name, and the ZIP64 extra field with the sizes and the offset
/// that need it (sizes first, in that order), only when one does.
pub(super) fn central_record(name: &[u8], size: u64, crc32: u32, header_at: u64) -> Record {
    let large = is_large(size);
    let far = header_at >= ZIP64_THRESHOLD;
    let c = common(name, large || far, large, size);
    let extra_data = if large { 16 } else { 0 } + if far { 8 } else { 0 };
    let mut r = Record::new("central directory record", 46 + name.len() + 28);
    r.u32("signature", SIG_CENTRAL);
    r.u16("version made by", MADE_BY_UNIX << 8 | c.needed);
    r.u16("version needed to extract", c.needed);
    r.u16("general purpose flags", c.flags);
    r.u16("compression method", 0);
    r.u16("modification time", 0);
    r.u16("modification date", DOS_DATE_1980);
    r.u32("CRC-32", crc32);
    r.u32("compressed size", c.size32);
    r.u32("uncompressed size", c.size32);
    r.u16("name length", name_len(name));
    r.u16(
        "extra field length",
        if extra_data > 0 { 4 + extra_data } else { 0 },
    );
    r.u16("comment length", 0);
    r.u16("disk number start", 0);
    r.u16("internal attributes", 0);
    r.u32("external attributes", EXTERNAL_ATTRIBUTES);
    r.u32(
        "local header offset",
        if far { u32::MAX } else { header_at as u32 },
    );
    r.field("name", name, false);
    if extra_data > 0 {
        r.u16("ZIP64 extra field id", 0x0001);
        r.u16("ZIP64 extra field size", extra_data);
        if large {
            r.u64("ZIP64 uncompressed size", size);
            r.u64("ZIP64 compressed size", size);
        }
        if far {
            r.u64("ZIP64 local header offset", header_at);
        }
    }
    r
}

/// Whether the end records of `entries` entries and a central directory of `cd_size` bytes at
/// `cd_offset` need the ZIP64 end record and locator.
fn needs_zip64_end(entries: u64, cd_size: u64, cd_offset: u64) -> bool {
    entries >= ZIP64_ENTRIES || cd_size >= ZIP64_THRESHOLD || cd_offset >= ZIP64_THRESHOLD
}

/// What follows the central directory: when a count, the size or the offset does not fit its
/// field, the ZIP64 end record (size 44, made by Unix 4.5, needed 4.5, disks 0, both counts,
/// size, offset) and its locator (disk 0, the record's offset, 1 disk); then the end of central
/// directory record (disks 0, both counts, size and offset, each saturated when it does not
/// fit, no comment). `cd_offset + cd_size` is where these records start.
pub(super) fn end_records(entries: u64, cd_size: u64, cd_offset: u64) -> Record {
    let mut r = Record::new(
        "end records",
        (ZIP64_EOCD_LEN + ZIP64_LOCATOR_LEN + EOCD_LEN) as usize,
    );
    let zip64 = needs_zip64_end(entries, cd_size, cd_offset);
    if zip64 {
        r.kind = "ZIP64 end records";
        r.u32("ZIP64 end record signature", SIG_ZIP64_EOCD);
        r.u64("ZIP64 end record size", ZIP64_EOCD_LEN - 12);
        r.u16(
            "ZIP64 end record version made by",
            MADE_BY_UNIX << 8 | VERSION_ZIP64,
        );
        r.u16("ZIP64 end record version needed", VERSION_ZIP64);
        r.u32("ZIP64 end record disk number", 0);
        r.u32("ZIP64 end record central directory disk", 0);
        r.u64("ZIP64 end record entries on this disk", entries);
        r.u64("ZIP64 end record entries", entries);
        r.u64("ZIP64 end record central directory size", cd_size);
        r.u64("ZIP64 end record central directory offset", cd_offset);
        r.u32("ZIP64 locator signature", SIG_ZIP64_LOCATOR);
        r.u32("ZIP64 locator disk", 0);
        r.u64("ZIP64 locator end record offset", cd_offset + cd_size);
        r.u32("ZIP64 locator disks", 1);
    } else {
        r.kind = "end of central directory record";
    }
    let n16 = if entries >= ZIP64_ENTRIES {
        u16::MAX
    } else {
        entries as u16
    };
    let sat = |v: u64| {
        if v >= ZIP64_THRESHOLD {
            u32::MAX
        } else {
            v as u32
        }
    };
    r.u32("end record signature", SIG_EOCD);
    r.u16("end record disk number", 0);
    r.u16("end record central directory disk", 0);
    r.u16("end record entries on this disk", n16);
    r.u16("end record entries", n16);
    r.u32("end record central directory size", sat(cd_size));
    r.u32("end record central directory offset", sat(cd_offset));
    r.u16("end record comment length", 0);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_header_is_30_bytes_and_the_name_with_zip64_only_for_large_members() {
        let small = local_header(b"t/a", 5, 7);
        assert_eq!(small.bytes().len(), 33);
        assert_eq!(&small.bytes()[4..6], &10u16.to_le_bytes());
        let large = local_header("t/\u{e9}".as_bytes(), 1 << 32, 7);
        assert_eq!(large.bytes().len(), 30 + 4 + 20);
        assert_eq!(&large.bytes()[4..8], &[45, 0, 0, 8]);
        assert_eq!(&large.bytes()[18..26], &[0xFF; 8]);
    }

    #[test]
    fn a_central_record_has_zip64_for_what_needs_it() {
        assert_eq!(central_record(b"n", 1, 0, 0).bytes().len(), 47);
        assert_eq!(central_record(b"n", 1 << 32, 0, 0).bytes().len(), 47 + 20);
        assert_eq!(central_record(b"n", 1, 0, 1 << 32).bytes().len(), 47 + 12);
        assert_eq!(
            central_record(b"n", 1 << 32, 0, 1 << 32).bytes().len(),
            47 + 28
        );
        // version made by: Unix, 4.5 when the offset needs ZIP64
        assert_eq!(
            &central_record(b"n", 1, 0, 1 << 32).bytes()[4..8],
            &[45, 3, 45, 0]
        );
    }

    #[test]
    fn end_records_use_zip64_from_65535_entries_or_4_gib() {
        assert_eq!(end_records(3, 100, 1000).bytes().len(), 22);
        assert_eq!(end_records(0xFFFE, 100, 1000).bytes().len(), 22);
        assert_eq!(end_records(0xFFFF, 100, 1000).bytes().len(), 98);
        assert_eq!(end_records(1, 100, ZIP64_THRESHOLD).bytes().len(), 98);
        assert_eq!(end_records(1, ZIP64_THRESHOLD, 0).bytes().len(), 98);
    }

    #[test]
    fn a_difference_is_named_by_its_offset_and_field() {
        let r = central_record(b"t/a", 5, 0x1234, 0);
        let mut found = r.bytes().to_vec();
        assert_eq!(r.compare(100, &found), None);
        found[36] = 1; // internal attributes
        assert_eq!(
            r.compare(100, &found).unwrap(),
            "central directory record field 'internal attributes' at offset 136 is 0x0001, \
             the canonical layout has 0x0000"
        );
        found[36] = 0;
        found[48] = b'b';
        assert_eq!(
            r.compare(0, &found).unwrap(),
            "central directory record field 'name' at offset 46 is 't/b', the canonical layout \
             has 't/a'"
        );
        found[48] = b'a';
        assert!(r
            .compare(0, &found[..40])
            .unwrap()
            .contains("'external attributes' at offset 38 is cut short"));
        found.push(0);
        assert_eq!(
            r.compare(0, &found).unwrap(),
            "1 byte(s) at offset 49 after the central directory record, where the canonical \
             layout has none"
        );
    }
}
