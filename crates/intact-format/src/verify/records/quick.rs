//! The quick reading of a canonical `manifest.json`: the bytes are walked once, each value of
//! the document and each item record is cut out by its extent and read from memory (the
//! records of a block in parallel), and every one must be byte for byte the canonical JSON of
//! what it reads to. A valid bundle's file is canonical (FORMAT.md §5), so this is the path
//! verification takes; anything else — other whitespace or key order, an escape JCS does not
//! write, an unknown field, invalid JSON, too many records — stops it, and the general reader
//! ([`super::read_records`]) reads the file again from its start and judges it.
//!
//! What it accepts, it reads exactly as the general reader does: the file is then, byte for
//! byte, the canonical serialization of the values read, and every record goes through the
//! same [`State`] in the same order. An item record is read by
//! [`Item::from_canonical_bytes`], which reads only the bytes the canonical writer writes (of
//! what it reads) and reads them as serde does (both tested on random records and edits of
//! them); the document's other values are parsed by serde and written again to compare.

use std::io::{self, Read};

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use super::{canon, Doc, Prepared, ReadError, State, BLOCK, FIELDS};
use crate::digest::Sha256Digest;
use crate::manifest::{Change, GateException, Item};

/// Longest item record read this way (a longer one is left to the general reader).
const MAX_RECORD: usize = 1 << 20;
/// Longest other value (the change records, the gate exceptions, a string).
const MAX_VALUE: usize = 64 << 20;
/// Records of a block held at once, in bytes (besides [`BLOCK`] records).
const BLOCK_BYTES: usize = 8 << 20;
/// Bytes read at a time.
const READ: usize = 1 << 20;

/// Reads the records of `r` if its bytes are canonical; `Ok(None)` when they are not (or the
/// reading stopped for any other reason the general reader judges). An I/O error, or bytes
/// whose SHA-256 is not `digest`, is an error as for the general reader.
pub(super) fn read_canonical(
    r: impl Read,
    digest: &Sha256Digest,
    state: &mut State,
) -> Result<Option<Doc>, ReadError> {
    // Every byte read is compared with the canonical form of what it parses to: what the
    // general reader hashes to say the file is canonical would be the file itself.
    state.canon = None;
    let mut w = Window::new(r);
    let doc = match document(&mut w, state).map_err(ReadError::Io)? {
        Some(doc) if w.at_end().map_err(ReadError::Io)? => doc,
        _ => return Ok(None),
    };
    if Sha256Digest(w.sha.finalize().into()) != *digest {
        return Err(ReadError::Io(io::Error::other(
            "file changed while being read",
        )));
    }
    Ok(Some(doc))
}

/// The document: `{`, its members in canonical key order, `}`.
fn document<R: Read>(w: &mut Window<R>, st: &mut State) -> io::Result<Option<Doc>> {
    // The document's keys, in canonical (byte) order.
    const KEYS: &[&str] = FIELDS;
    let mut doc = Doc::default();
    if !w.eat(b"{")? {
        return Ok(None);
    }
    let mut next_key = 0;
    loop {
        if w.eat(b"}")? {
            break;
        }
        if next_key > 0 && !w.eat(b",")? {
            return Ok(None);
        }
        let mut found = None;
        for (i, key) in KEYS.iter().enumerate().skip(next_key) {
            if w.eat_key(key)? {
                found = Some(i);
                break;
            }
        }
        let Some(i) = found else {
            return Ok(None);
        };
        next_key = i + 1;
        let read = match KEYS[i] {
            "changes" => {
                let v = list::<Change, _>(w, st, "changes")?;
                v.map(|v| doc.changes = Some(v))
            }
            "exceptions" => {
                let v = list::<GateException, _>(w, st, "exceptions")?;
                v.map(|v| doc.exceptions = Some(v))
            }
            "items" => items(w, st)?.map(|()| doc.items = true),
            key => string(w, st, key)?.map(|v| match key {
                "collection" => doc.collection = Some(v),
                "format" => doc.format = Some(v),
                _ => doc.release = Some(v),
            }),
        };
        if read.is_none() {
            return Ok(None);
        }
    }
    st.update_canon(if st.wrote_member { "\u{7d}" } else { "{}" });
    let complete =
        doc.format.is_some() && doc.collection.is_some() && doc.release.is_some() && doc.items;
    Ok(complete.then_some(doc))
}

/// A string member's value, canonical.
fn string<R: Read>(w: &mut Window<R>, st: &mut State, key: &str) -> io::Result<Option<String>> {
    let Some(bytes) = w.value(MAX_VALUE)? else {
        return Ok(None);
    };
    let v = match serde_json::from_slice::<String>(bytes) {
        Ok(v) if canon(&v) == bytes => v,
        _ => return Ok(None),
    };
    st.write_member(key, Some(bytes));
    let n = bytes.len();
    w.consume(n);
    Ok(Some(v))
}

/// A list member (`changes`, `exceptions`): not empty (an empty one is left out of the
/// canonical form), canonical.
fn list<T, R>(w: &mut Window<R>, st: &mut State, key: &str) -> io::Result<Option<Vec<T>>>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
    R: Read,
{
    let Some(bytes) = w.value(MAX_VALUE)? else {
        return Ok(None);
    };
    let v = match serde_json::from_slice::<Vec<T>>(bytes) {
        Ok(v) if !v.is_empty() && canon(&v) == bytes => v,
        _ => return Ok(None),
    };
    st.write_member(key, Some(bytes));
    let n = bytes.len();
    w.consume(n);
    Ok(Some(v))
}

/// The `items` array: each record cut out, and a block of them parsed at a time.
fn items<R: Read>(w: &mut Window<R>, st: &mut State) -> io::Result<Option<()>> {
    if !w.eat(b"[")? {
        return Ok(None);
    }
    st.write_member("items", Some(b"["));
    let mut block = Block::default();
    if !w.eat(b"]")? {
        loop {
            if st.read >= st.limits.items {
                // One record too many, or invalid: the general reader says which.
                return Ok(None);
            }
            // Each record is an object (its opening brace spelled 0x7b, so that
            // brace-counting tools read this function right).
            if w.peek()? != Some(b'\x7b') {
                return Ok(None);
            }
            let Some(bytes) = w.value(MAX_RECORD)? else {
                return Ok(None);
            };
            block.push(bytes);
            let n = bytes.len();
            w.consume(n);
            st.read += 1;
            if (block.spans.len() == BLOCK || block.bytes.len() >= BLOCK_BYTES) && !block.flush(st)
            {
                return Ok(None);
            }
            if w.eat(b"]")? {
                break;
            }
            if !w.eat(b",")? {
                return Ok(None);
            }
        }
    }
    if !block.flush(st) {
        return Ok(None);
    }
    st.update_canon(b"]");
    Ok(Some(()))
}

/// Records cut out but not yet parsed.
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
    /// What the last block parsed to, in place (kept for the next block's room).
    parsed: Vec<Option<(Item, Prepared)>>,
}

impl Block {
    fn push(&mut self, record: &[u8]) {
        self.spans
            .push((self.bytes.len(), self.bytes.len() + record.len()));
        self.bytes.extend_from_slice(record);
    }

    /// Reads the records on the thread pool, each of which must be the canonical JSON of what
    /// it reads to ([`Item::from_canonical_bytes`], which reads nothing else), then gives them
    /// to `st` in order; false (nothing given) when one is not. A record's Merkle leaf is the
    /// hash of its bytes as read, which are that JSON.
    fn flush(&mut self, st: &mut State) -> bool {
        let bytes = &self.bytes;
        self.spans
            .par_iter()
            .with_min_len(256)
            .map(|&(a, b)| {
                let record = &bytes[a..b];
                let item = Item::from_canonical_bytes(record)?;
                let prepared = Prepared::of(&item, record);
                Some((item, prepared))
            })
            .collect_into_vec(&mut self.parsed);
        self.bytes.clear();
        self.spans.clear();
        let all = self.parsed.iter().all(Option::is_some);
        for (item, prepared) in self.parsed.drain(..).flatten() {
            if all {
                st.record(item, prepared);
            }
        }
        all
    }
}

/// The file read through a buffer, hashed as it is read; `start..end` is what is read but not
/// consumed.
struct Window<R> {
    r: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    sha: Sha256,
}

impl<R: Read> Window<R> {
    fn new(r: R) -> Window<R> {
        Window {
            r,
            buf: vec![0; READ],
            start: 0,
            end: 0,
            eof: false,
            sha: Sha256::new(),
        }
    }

    /// Reads more; false at the end of the file. What is not consumed is moved to the front,
    /// and the buffer grows only when it holds nothing consumed.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < READ {
            self.buf.resize(self.end + READ, 0);
        }
        loop {
            match self.r.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.sha.update(&self.buf[self.end..self.end + n]);
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Whether at least `n` bytes are unconsumed (reading as needed).
    fn have(&mut self, n: usize) -> io::Result<bool> {
        while self.end - self.start < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.have(1)?.then(|| self.buf[self.start]))
    }

    /// Consumes `lit` if the unconsumed bytes start with it.
    fn eat(&mut self, lit: &[u8]) -> io::Result<bool> {
        if self.have(lit.len())? && self.buf[self.start..].starts_with(lit) {
            self.start += lit.len();
            return Ok(true);
        }
        Ok(false)
    }

    /// Consumes `"key":` if the unconsumed bytes start with it.
    fn eat_key(&mut self, key: &str) -> io::Result<bool> {
        let n = key.len() + 3;
        if !self.have(n)? {
            return Ok(false);
        }
        let b = &self.buf[self.start..self.start + n];
        if b[0] == b'"' && &b[1..n - 2] == key.as_bytes() && &b[n - 2..] == b"\":" {
            self.start += n;
            return Ok(true);
        }
        Ok(false)
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
    }

    /// The extent of the string, object or array that starts the unconsumed bytes (not
    /// consumed), found by its brackets outside strings; `None` when they start with anything
    /// else, when it is longer than `max` bytes, or when the file ends first. Whether it is
    /// JSON at all is for the parser to say.
    fn value(&mut self, max: usize) -> io::Result<Option<&[u8]>> {
        let mut off = 0;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            if self.start + off == self.end && !self.fill()? {
                return Ok(None);
            }
            if off >= max {
                return Ok(None);
            }
            if in_string && !escaped {
                // Inside a string only `"` and `\` matter: skip to the next of them.
                let rest = &self.buf[self.start + off..self.end];
                match memchr::memchr2(b'"', b'\\', rest) {
                    Some(k) if off + k < max => off += k,
                    Some(_) => return Ok(None),
                    None => {
                        off += rest.len();
                        continue;
                    }
                }
            }
            let c = self.buf[self.start + off];
            off += 1;
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                    if depth == 0 {
                        break;
                    }
                }
                continue;
            }
            match c {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth > 0 => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ if depth == 0 => return Ok(None),
                _ => {}
            }
        }
        Ok(Some(&self.buf[self.start..self.start + off]))
    }

    /// Whether nothing follows.
    fn at_end(&mut self) -> io::Result<bool> {
        Ok(!self.have(1)?)
    }
}
