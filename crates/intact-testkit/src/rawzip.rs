//! ZIP files at the byte level: every header field of every entry, read from a ZIP's central
//! directory and written back exactly as given, so a test can get any one of them wrong.

/// The Unix mode `intact pack` gives every file (in the high half of the external attributes).
pub const MODE_FILE: u32 = 0o100644;
/// 1980-01-01, the DOS date of every entry `intact pack` writes (time 00:00:00).
pub const DOS_DATE_1980: u16 = 0x0021;

/// One ZIP entry with every header field a test may want to get wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    /// The bytes stored (for method 8, the DEFLATE stream).
    pub data: Vec<u8>,
    pub made_by: u16,
    pub needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc: u32,
    pub usize_: u32,
    pub external: u32,
    pub extra: Vec<u8>,
    pub comment: Vec<u8>,
}

impl Entry {
    /// A regular entry exactly as `intact pack` writes it.
    pub fn file(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.as_bytes().to_vec(),
            data: data.to_vec(),
            made_by: 0x030a,
            needed: 10,
            flags: if name.is_ascii() { 0 } else { 0x0800 },
            method: 0,
            time: 0,
            date: DOS_DATE_1980,
            crc: crc32fast::hash(data),
            usize_: data.len() as u32,
            external: MODE_FILE << 16,
            extra: Vec::new(),
            comment: Vec::new(),
        }
    }

    pub fn name_str(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }

    /// Sets the content and fixes CRC and size.
    pub fn set_data(&mut self, data: &[u8]) {
        self.data = data.to_vec();
        self.crc = crc32fast::hash(data);
        self.usize_ = data.len() as u32;
    }
}

/// An entry found in a ZIP, with where its headers and data are.
#[derive(Clone, Debug)]
pub struct Located {
    pub entry: Entry,
    pub local_offset: usize,
    pub data_offset: usize,
    pub central_offset: usize,
}

/// The little-endian `u16` at `at`.
pub fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

/// The little-endian `u32` at `at`.
pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Overwrites the little-endian `u16` at `at`.
pub fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

/// Overwrites the little-endian `u32` at `at`.
pub fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Parses a well-formed (non-ZIP64, comment-free) ZIP by its central directory.
pub fn parse_zip(b: &[u8]) -> Vec<Located> {
    let eocd = b.len() - 22;
    assert_eq!(u32_at(b, eocd), 0x0605_4b50, "no end of central directory");
    let n = u16_at(b, eocd + 10) as usize;
    let mut at = u32_at(b, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..n {
        assert_eq!(u32_at(b, at), 0x0201_4b50, "bad central header");
        let name_len = u16_at(b, at + 28) as usize;
        let extra_len = u16_at(b, at + 30) as usize;
        let comment_len = u16_at(b, at + 32) as usize;
        let csize = u32_at(b, at + 20) as usize;
        let local = u32_at(b, at + 42) as usize;
        let lname = u16_at(b, local + 26) as usize;
        let lextra = u16_at(b, local + 28) as usize;
        let data_offset = local + 30 + lname + lextra;
        let name_at = at + 46;
        let entry = Entry {
            name: b[name_at..name_at + name_len].to_vec(),
            data: b[data_offset..data_offset + csize].to_vec(),
            made_by: u16_at(b, at + 4),
            needed: u16_at(b, at + 6),
            flags: u16_at(b, at + 8),
            method: u16_at(b, at + 10),
            time: u16_at(b, at + 12),
            date: u16_at(b, at + 14),
            crc: u32_at(b, at + 16),
            usize_: u32_at(b, at + 24),
            external: u32_at(b, at + 38),
            extra: b[name_at + name_len..name_at + name_len + extra_len].to_vec(),
            comment: b
                [name_at + name_len + extra_len..name_at + name_len + extra_len + comment_len]
                .to_vec(),
        };
        out.push(Located {
            entry,
            local_offset: local,
            data_offset,
            central_offset: at,
        });
        at = name_at + name_len + extra_len + comment_len;
    }
    out
}

/// Writes entries back to back, then the central directory and end record, exactly as given.
pub fn write_zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(e.needed.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend(e.time.to_le_bytes());
        out.extend(e.date.to_le_bytes());
        out.extend(e.crc.to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(e.usize_.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend((e.extra.len() as u16).to_le_bytes());
        out.extend(&e.name);
        out.extend(&e.extra);
        out.extend(&e.data);
    }
    let cd_offset = out.len() as u32;
    for (e, off) in entries.iter().zip(offsets) {
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend(e.made_by.to_le_bytes());
        out.extend(e.needed.to_le_bytes());
        out.extend(e.flags.to_le_bytes());
        out.extend(e.method.to_le_bytes());
        out.extend(e.time.to_le_bytes());
        out.extend(e.date.to_le_bytes());
        out.extend(e.crc.to_le_bytes());
        out.extend((e.data.len() as u32).to_le_bytes());
        out.extend(e.usize_.to_le_bytes());
        out.extend((e.name.len() as u16).to_le_bytes());
        out.extend((e.extra.len() as u16).to_le_bytes());
        out.extend((e.comment.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes()); // disk
        out.extend(0u16.to_le_bytes()); // internal attributes
        out.extend(e.external.to_le_bytes());
        out.extend(off.to_le_bytes());
        out.extend(&e.name);
        out.extend(&e.extra);
        out.extend(&e.comment);
    }
    let cd_size = out.len() as u32 - cd_offset;
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A real DEFLATE stream (one final stored block) holding `data`.
pub fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("small data");
    let mut v = vec![0x01];
    v.extend(len.to_le_bytes());
    v.extend((!len).to_le_bytes());
    v.extend(data);
    v
}
