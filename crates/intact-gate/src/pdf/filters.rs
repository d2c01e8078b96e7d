//! Stream filters, every one bounded in output size.

use super::lexer::{is_ws, Obj};
use crate::sink::inflate;

/// Why a stream could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// A filter the gate does not implement (image codecs, Crypt, ...).
    Unsupported(String),
    /// The data is corrupt for this filter.
    Corrupt(String),
    /// Output would exceed the bound.
    TooLarge,
}

/// Image-only codecs: data behind them is pixels, never text.
pub const IMAGE_FILTERS: [&[u8]; 6] = [
    b"DCTDecode",
    b"DCT",
    b"JPXDecode",
    b"CCITTFaxDecode",
    b"CCF",
    b"JBIG2Decode",
];

/// The filter names of a stream dictionary, in order.
pub fn filter_names(dict: &Obj) -> Vec<Vec<u8>> {
    match dict.get(b"Filter") {
        Some(Obj::Name(n)) => vec![n.clone()],
        Some(Obj::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().map(|n| n.to_vec()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Decode `data` through `filters` within `limit` output bytes.
pub fn decode(data: &[u8], filters: &[Vec<u8>], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut cur = data.to_vec();
    for f in filters {
        cur = match f.as_slice() {
            b"FlateDecode" | b"Fl" => match inflate(&cur, limit) {
                Err(_) => return Err(DecodeError::TooLarge),
                Ok((out, true)) => out,
                Ok((out, false)) => {
                    if out.is_empty() {
                        return Err(DecodeError::Corrupt("FlateDecode".into()));
                    }
                    // truncated or bad checksum after real output: keep what was decoded
                    out
                }
            },
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&cur),
            b"ASCII85Decode" | b"A85" => ascii85(&cur, limit)?,
            b"LZWDecode" | b"LZW" => lzw(&cur, limit)?,
            b"RunLengthDecode" | b"RL" => run_length(&cur, limit)?,
            other => {
                return Err(DecodeError::Unsupported(
                    String::from_utf8_lossy(other).into_owned(),
                ))
            }
        };
        if cur.len() as u64 > limit {
            return Err(DecodeError::TooLarge);
        }
    }
    Ok(cur)
}

fn ascii_hex(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len() / 2);
    let mut hi: Option<u8> = None;
    for &b in d {
        if b == b'>' {
            break;
        }
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

fn ascii85(d: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut group = [0u32; 5];
    let mut n = 0usize;
    let mut i = 0usize;
    if d.starts_with(b"<~") {
        i = 2;
    }
    while i < d.len() {
        let b = d[i];
        i += 1;
        if b == b'~' {
            break;
        }
        if is_ws(b) {
            continue;
        }
        if b == b'z' && n == 0 {
            out.extend_from_slice(&[0, 0, 0, 0]);
        } else if (b'!'..=b'u').contains(&b) {
            group[n] = (b - b'!') as u32;
            n += 1;
            if n == 5 {
                let v = group
                    .iter()
                    .fold(0u64, |acc, &g| acc * 85 + g as u64)
                    .min(u32::MAX as u64) as u32;
                out.extend_from_slice(&v.to_be_bytes());
                n = 0;
            }
        } else {
            return Err(DecodeError::Corrupt("ASCII85Decode".into()));
        }
        if out.len() as u64 > limit {
            return Err(DecodeError::TooLarge);
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group
            .iter()
            .fold(0u64, |acc, &g| acc * 85 + g as u64)
            .min(u32::MAX as u64) as u32;
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

fn run_length(d: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut i = 0usize;
    while i < d.len() {
        let len = d[i];
        i += 1;
        if len == 128 {
            break;
        }
        if len < 128 {
            let n = len as usize + 1;
            let end = (i + n).min(d.len());
            out.extend_from_slice(&d[i..end]);
            i = end;
        } else {
            let Some(&b) = d.get(i) else { break };
            i += 1;
            out.extend(std::iter::repeat_n(b, 257 - len as usize));
        }
        if out.len() as u64 > limit {
            return Err(DecodeError::TooLarge);
        }
    }
    Ok(out)
}

/// LZW with EarlyChange 1 (the PDF default).
fn lzw(d: &[u8], limit: u64) -> Result<Vec<u8>, DecodeError> {
    let mut table: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    table.push(Vec::new()); // 256 clear
    table.push(Vec::new()); // 257 eod
    let mut out = Vec::new();
    let mut width = 9u32;
    let mut bitbuf: u64 = 0;
    let mut nbits = 0u32;
    let mut prev: Option<Vec<u8>> = None;
    for &byte in d {
        bitbuf = (bitbuf << 8) | byte as u64;
        nbits += 8;
        while nbits >= width {
            let code = ((bitbuf >> (nbits - width)) & ((1 << width) - 1)) as usize;
            nbits -= width;
            if code == 256 {
                table.truncate(258);
                width = 9;
                prev = None;
                continue;
            }
            if code == 257 {
                return Ok(out);
            }
            let entry = if let Some(e) = table.get(code) {
                e.clone()
            } else if let (true, Some(p)) = (code == table.len(), prev.as_ref()) {
                let mut e = p.clone();
                e.push(p.first().copied().unwrap_or(0));
                e
            } else {
                return Err(DecodeError::Corrupt("LZWDecode".into()));
            };
            out.extend_from_slice(&entry);
            if out.len() as u64 > limit {
                return Err(DecodeError::TooLarge);
            }
            if let Some(p) = prev.take() {
                if table.len() < 4096 {
                    let mut n = p;
                    n.push(entry.first().copied().unwrap_or(0));
                    table.push(n);
                }
            }
            prev = Some(entry);
            width = match table.len() + 1 {
                n if n >= 2048 => 12,
                n if n >= 1024 => 11,
                n if n >= 512 => 10,
                _ => 9,
            };
        }
    }
    Ok(out)
}
