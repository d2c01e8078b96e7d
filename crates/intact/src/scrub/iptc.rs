//! Photoshop image resources (JPEG APP13, `Photoshop 3.0\0` then `8BIM` blocks): the IPTC IIM
//! block (0x0404) keeps every dataset but those that name, describe or locate people; the
//! thumbnail blocks (0x0409, 0x040C) go; the IPTC digest (0x0425, an MD5 of the IPTC block) is
//! written again for the edited block, so readers do not take the IPTC data as stale. Every
//! other block is kept byte for byte.

use md5::{Digest as _, Md5};

/// The APP13 signature.
pub const PHOTOSHOP_SIG: &[u8] = b"Photoshop 3.0\0";

/// The IPTC IIM datasets removed (record 2): (dataset, report name).
const REMOVED: &[(u8, &str)] = &[
    (80, "IPTC By-line"),
    (85, "IPTC By-line Title"),
    (90, "IPTC City"),
    (92, "IPTC Sub-location"),
    (95, "IPTC Province-State"),
    (100, "IPTC Country Code"),
    (101, "IPTC Country"),
    (116, "IPTC Copyright Notice"),
    (118, "IPTC Contact"),
    (120, "IPTC Caption-Abstract"),
    (122, "IPTC Writer-Editor"),
];

/// Why an APP13 segment was left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Photoshop resource blocks are damaged")]
pub struct IptcError;

/// One `8BIM` block.
struct Block<'a> {
    id: u16,
    /// The Pascal name with its padding, as stored.
    name: &'a [u8],
    data: &'a [u8],
}

/// Reads the blocks after the signature (every byte accounted for, else an error).
fn blocks(mut p: &[u8]) -> Result<Vec<Block<'_>>, IptcError> {
    let mut out = Vec::new();
    while !p.is_empty() {
        if p.len() < 7 || &p[..4] != b"8BIM" || out.len() > 10_000 {
            return Err(IptcError);
        }
        let id = u16::from_be_bytes([p[4], p[5]]);
        let nlen = 1 + p[6] as usize;
        let nlen = nlen + nlen % 2;
        let name = p.get(6..6 + nlen).ok_or(IptcError)?;
        let at = 6 + nlen;
        let size = p.get(at..at + 4).ok_or(IptcError)?;
        let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
        let data = p.get(at + 4..at + 4 + size).ok_or(IptcError)?;
        let next = (at + 4 + size + size % 2).min(p.len());
        out.push(Block { id, name, data });
        p = &p[next..];
    }
    Ok(out)
}

/// The IPTC datasets without the removed ones; the report names of those removed.
fn scrub_iim(d: &[u8], removed: &mut Vec<String>) -> Result<Vec<u8>, IptcError> {
    let mut out = Vec::with_capacity(d.len());
    let mut i = 0;
    while i < d.len() {
        if d[i] != 0x1C {
            // padding after the last dataset
            if d[i..].iter().all(|&b| b == 0) {
                break;
            }
            return Err(IptcError);
        }
        let h = d.get(i..i + 5).ok_or(IptcError)?;
        let len = u16::from_be_bytes([h[3], h[4]]) as usize;
        if len & 0x8000 != 0 {
            return Err(IptcError); // extended datasets: never used for these fields
        }
        let end = i + 5 + len;
        let ds = d.get(i..end).ok_or(IptcError)?;
        match REMOVED.iter().find(|(n, _)| h[1] == 2 && h[2] == *n) {
            Some((_, name)) => {
                if !removed.iter().any(|r| r == name) {
                    removed.push((*name).to_string());
                }
            }
            None => out.extend_from_slice(ds),
        }
        i = end;
    }
    Ok(out)
}

/// The APP13 payload (signature included) scrubbed; `None` when nothing was removed.
pub fn scrub_app13(p: &[u8], removed: &mut Vec<String>) -> Result<Option<Vec<u8>>, IptcError> {
    let Some(body) = p.strip_prefix(PHOTOSHOP_SIG) else {
        return Ok(None);
    };
    let list = blocks(body)?;
    let before = removed.len();
    let mut iptc: Option<Vec<u8>> = None;
    let mut kept: Vec<(u16, &[u8], Vec<u8>)> = Vec::new();
    for b in &list {
        match b.id {
            0x0409 | 0x040C => removed.push("Photoshop thumbnail".into()),
            0x0404 => {
                let d = scrub_iim(b.data, removed)?;
                iptc = Some(d.clone());
                kept.push((b.id, b.name, d));
            }
            _ => kept.push((b.id, b.name, b.data.to_vec())),
        }
    }
    if removed.len() == before {
        return Ok(None);
    }
    let mut out = PHOTOSHOP_SIG.to_vec();
    for (id, name, mut data) in kept {
        if id == 0x0425 {
            if let Some(i) = &iptc {
                data = Md5::digest(i).to_vec();
            }
        }
        out.extend_from_slice(b"8BIM");
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(rec: u8, ds: u8, v: &[u8]) -> Vec<u8> {
        let mut d = vec![0x1C, rec, ds];
        d.extend_from_slice(&(v.len() as u16).to_be_bytes());
        d.extend_from_slice(v);
        d
    }

    fn block(id: u16, data: &[u8]) -> Vec<u8> {
        let mut b = b"8BIM".to_vec();
        b.extend_from_slice(&id.to_be_bytes());
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&(data.len() as u32).to_be_bytes());
        b.extend_from_slice(data);
        if data.len() % 2 == 1 {
            b.push(0);
        }
        b
    }

    #[test]
    fn by_line_and_caption_go_keywords_stay_and_the_digest_follows() {
        let iim = [
            dataset(2, 0, &[0, 4]),
            dataset(2, 80, b"A. Photographer"),
            dataset(2, 25, b"exhibit"),
            dataset(2, 120, b"caption text"),
        ]
        .concat();
        let p = [
            PHOTOSHOP_SIG.to_vec(),
            block(0x0404, &iim),
            block(0x0425, &Md5::digest(&iim)),
            block(0x040C, b"thumb"),
            block(0x03ED, b"resolution"),
        ]
        .concat();
        let mut removed = Vec::new();
        let out = scrub_app13(&p, &mut removed).unwrap().unwrap();
        assert_eq!(
            removed,
            [
                "IPTC By-line",
                "IPTC Caption-Abstract",
                "Photoshop thumbnail"
            ]
        );
        let list = blocks(&out[PHOTOSHOP_SIG.len()..]).unwrap();
        assert_eq!(
            list.iter().map(|b| b.id).collect::<Vec<_>>(),
            [0x0404, 0x0425, 0x03ED]
        );
        let kept = [dataset(2, 0, &[0, 4]), dataset(2, 25, b"exhibit")].concat();
        assert_eq!(list[0].data, kept);
        assert_eq!(list[1].data, Md5::digest(&kept).as_slice());
        assert_eq!(list[2].data, b"resolution");
        // nothing left to remove
        let mut again = Vec::new();
        assert_eq!(scrub_app13(&out, &mut again).unwrap(), None);
    }

    #[test]
    fn damaged_blocks_are_refused() {
        let p = [PHOTOSHOP_SIG, b"8BIM\x04\x04\0\0\0\0\0\x09short"].concat();
        assert_eq!(scrub_app13(&p, &mut Vec::new()), Err(IptcError));
        let good = [PHOTOSHOP_SIG.to_vec(), block(0x0404, &dataset(2, 80, b"x"))].concat();
        for n in PHOTOSHOP_SIG.len()..good.len() {
            let _ = scrub_app13(&good[..n], &mut Vec::new());
        }
    }
}
