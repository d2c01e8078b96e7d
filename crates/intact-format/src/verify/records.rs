//! Reading the item records of `manifest.json` (FORMAT.md §5) as a stream, one record at a
//! time, within [`Limits::items`]: the file is never held, and what is kept of each record is
//! its Merkle leaf, its id, and for a published item its path, digest and size.
//!
//! The file is canonical when its bytes are those of the canonical JSON (RFC 8785) of the
//! records read: the records are serialized again as they are read (a block at a time on the
//! thread pool, each with its Merkle leaf), and the SHA-256 of that serialization is compared
//! with the file's.

use std::fmt;
use std::io::{self, BufReader, Read};

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use sha2::{Digest as _, Sha256};

use crate::bagpath::BagPath;
use crate::canonical;
use crate::digest::Sha256Digest;
use crate::limits::Limits;
use crate::manifest::{self, Change, GateException, Item, Manifest, RedactionStatus};
use crate::merkle;

use super::sorted::ExpectedList;

mod quick;

/// What was read of `manifest.json`.
pub(super) struct Records {
    pub(super) format: String,
    pub(super) collection: String,
    pub(super) release: String,
    /// The problems of the change records (FORMAT.md §5.4).
    pub(super) change_problems: Vec<String>,
    pub(super) count: u64,
    pub(super) payload_bytes: u64,
    pub(super) merkle_root: merkle::Hash,
    /// Whether the bytes are the canonical JSON of these records.
    pub(super) canonical: bool,
    /// The published items' paths, digests and sizes, sorted by path (the last record for a
    /// path counting).
    pub(super) expected: ExpectedList,
    /// Whether every path the records give is a valid payload path (so is every path of
    /// `expected`).
    pub(super) paths_valid: bool,
    /// Problems of single records: (item index, message), in item order.
    pub(super) problems: Vec<(usize, String)>,
    /// Problems of single records found but not listed (past [`Limits::problems_per_file`]).
    pub(super) unlisted: u64,
    /// Every record, when the caller asked for them.
    pub(super) manifest: Option<Manifest>,
}

/// Why the records could not be read.
pub(super) enum ReadError {
    /// More records than [`Limits::items`].
    TooMany,
    /// Not JSON, or not a manifest (the message says where and why).
    Invalid(String),
    Io(io::Error),
}

/// How many records a file is likely to hold and how long their paths are together (the
/// bundle's payload files say): room for them is made before reading, so that what is kept of
/// the records is not copied again each time it outgrows its room. Only a guess: the reading
/// is the same whatever it says.
#[derive(Clone, Copy, Default)]
pub(super) struct Expecting {
    pub(super) records: usize,
    pub(super) path_bytes: usize,
}

/// Reads the records from `r` (the bytes of `manifest.json`, whose SHA-256 is `digest`);
/// `keep`: also return every record as a [`Manifest`]. A canonical file is read the quick way
/// ([`quick`]); any other is read again, from `again`, by the general reader.
pub(super) fn read_records<'a>(
    r: impl Read,
    again: impl FnOnce() -> io::Result<Box<dyn Read + 'a>>,
    digest: &Sha256Digest,
    limits: &Limits,
    keep: bool,
    expecting: Expecting,
) -> Result<Records, ReadError> {
    let mut state = State::new(limits, keep);
    state.reserve(expecting);
    match quick::read_canonical(r, digest, &mut state)? {
        Some(doc) => Ok(state.finish_read(doc, digest)),
        None => read_any(
            again().map_err(ReadError::Io)?,
            digest,
            limits,
            keep,
            expecting,
        ),
    }
}

/// The general reader: any bytes, read as a stream of JSON by serde, each record serialized
/// again to say whether the file is canonical.
fn read_any(
    r: impl Read,
    digest: &Sha256Digest,
    limits: &Limits,
    keep: bool,
    expecting: Expecting,
) -> Result<Records, ReadError> {
    let mut tee = Tee {
        inner: r,
        sha: Sha256::new(),
    };
    let mut state = State::new(limits, keep);
    state.reserve(expecting);
    let doc = {
        let mut buffered = BufReader::with_capacity(1 << 20, &mut tee);
        let mut de = serde_json::Deserializer::from_reader(&mut buffered);
        let doc = DocSeed(&mut state).deserialize(&mut de);
        let doc = doc.and_then(|d| de.end().map(|()| d));
        match doc {
            Ok(d) => d,
            Err(_) if state.over_cap => return Err(ReadError::TooMany),
            Err(e) if e.is_io() => return Err(ReadError::Io(io::Error::other(e.to_string()))),
            Err(e) => return Err(ReadError::Invalid(e.to_string())),
        }
    };
    io::copy(&mut tee, &mut io::sink()).map_err(ReadError::Io)?;
    if Sha256Digest(tee.sha.finalize().into()) != *digest {
        return Err(ReadError::Io(io::Error::other(
            "file changed while being read",
        )));
    }
    Ok(state.finish_read(doc, digest))
}

/// Hashes what is read through it.
struct Tee<R> {
    inner: R,
    sha: Sha256,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
}

/// The document's fields besides the items.
#[derive(Default)]
struct Doc {
    format: Option<String>,
    collection: Option<String>,
    release: Option<String>,
    changes: Option<Vec<Change>>,
    exceptions: Option<Vec<GateException>>,
    items: bool,
}

/// Strings kept in one allocation, each by its span.
#[derive(Default)]
struct Strings {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let len = u32::try_from(s.len()).unwrap_or(0);
        if start < u32::MAX {
            self.text.push_str(s);
        }
        self.spans.push((start, len));
    }

    fn reserve(&mut self, strings: usize, bytes: usize) {
        self.spans.reserve_exact(strings);
        self.text.reserve_exact(bytes);
    }

    fn get(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        self.text
            .get(start as usize..start as usize + len as usize)
            .unwrap_or("")
    }

    /// The positions of strings equal to an earlier one, in order.
    fn repeats(&self) -> Vec<usize> {
        let mut order: Vec<u32> = (0..self.spans.len() as u32).collect();
        if self.spans.len() > 1 && (1..self.spans.len()).all(|i| self.get(i - 1) < self.get(i)) {
            return Vec::new();
        }
        order.sort_by(|a, b| {
            self.get(*a as usize)
                .cmp(self.get(*b as usize))
                .then(a.cmp(b))
        });
        let mut out: Vec<usize> = order
            .windows(2)
            .filter(|w| self.get(w[0] as usize) == self.get(w[1] as usize))
            .map(|w| w[1] as usize)
            .collect();
        out.sort_unstable();
        out
    }
}

/// What reading keeps, record by record.
struct State<'l> {
    limits: &'l Limits,
    keep: bool,
    over_cap: bool,
    /// The document's keys came in strictly increasing order.
    in_order: bool,
    /// Whether a member was written to `canon` yet.
    wrote_member: bool,
    /// The SHA-256 of the records serialized again; `None` when the reader knows the file is
    /// those bytes already (the quick reader compares each value with its canonical form).
    canon: Option<Sha256>,
    count: usize,
    payload_bytes: u64,
    leaves: Vec<merkle::Hash>,
    ids: Strings,
    expected: ExpectedList,
    /// Valid published paths: (item index, index into `expected` before sorting).
    paths: Strings,
    path_items: Vec<u32>,
    /// Whether every path read so far is a valid payload path.
    paths_valid: bool,
    problems: Vec<(usize, String)>,
    unlisted: u64,
    /// The manifest-order key of the last record (see `manifest_order`), and whether a record out of
    /// that order was reported (only the first is).
    last_key: Option<(bool, String)>,
    out_of_order: bool,
    items: Vec<Item>,
    /// Records read but not yet checked (at most [`BLOCK`]).
    block: Vec<Item>,
    /// Records read, checked or not.
    read: usize,
}

/// What one record needs alone, found on the thread pool.
struct Prepared {
    /// The Merkle leaf of its canonical JSON.
    leaf: merkle::Hash,
    /// Its `sha256` read as a digest (`Some(None)`: not 64 lowercase hex digits).
    digest: Option<Option<Sha256Digest>>,
    /// Whether its `path` is a valid path under `data/`.
    payload_path: bool,
}

impl Prepared {
    /// `canonical`: the record's canonical JSON ([`Item::canonical_bytes`]).
    fn of(item: &Item, canonical: &[u8]) -> Prepared {
        Prepared {
            leaf: merkle::leaf_hash(canonical),
            digest: item.sha256.as_deref().map(Sha256Digest::from_hex),
            payload_path: item
                .path
                .as_deref()
                .is_some_and(|p| p.starts_with("data/") && BagPath::check(p).is_ok()),
        }
    }
}

/// How many records are serialized again at once, in parallel.
const BLOCK: usize = 4096;

impl<'l> State<'l> {
    fn new(limits: &'l Limits, keep: bool) -> State<'l> {
        State {
            limits,
            keep,
            over_cap: false,
            in_order: true,
            wrote_member: false,
            canon: Some(Sha256::new()),
            count: 0,
            payload_bytes: 0,
            leaves: Vec::new(),
            ids: Strings::default(),
            expected: ExpectedList::default(),
            paths: Strings::default(),
            path_items: Vec::new(),
            paths_valid: true,
            problems: Vec::new(),
            unlisted: 0,
            last_key: None,
            out_of_order: false,
            items: Vec::new(),
            block: Vec::new(),
            read: 0,
        }
    }

    /// Makes room for what is kept of the records `expecting` says (at most
    /// [`Limits::items`]).
    fn reserve(&mut self, expecting: Expecting) {
        let n = expecting.records.min(self.limits.items);
        let bytes = expecting.path_bytes.min(n.saturating_mul(256));
        self.leaves.reserve_exact(n);
        self.ids.reserve(n, bytes);
        self.paths.reserve(n, bytes);
        self.path_items.reserve_exact(n);
        self.expected.reserve(n, bytes);
        if self.keep {
            self.items.reserve_exact(n);
        }
    }

    fn problem(&mut self, item: usize, message: String) {
        if self.problems.len() < self.limits.problems_per_file {
            self.problems.push((item, message));
        } else {
            self.unlisted += 1;
        }
    }

    /// Writes `"key":` and the canonical bytes of `value` to the canonical serialization.
    /// (The opening brace is written as `\u{7b}` so brace-counting tools read this function right.)
    fn write_member(&mut self, key: &str, value: Option<&[u8]>) {
        let first = !self.wrote_member;
        self.wrote_member = true;
        let Some(canon) = self.canon.as_mut() else {
            return;
        };
        canon.update(if first { "\u{7b}\"" } else { ",\"" });
        canon.update(key);
        canon.update("\":");
        if let Some(v) = value {
            canon.update(v);
        }
    }

    /// Writes `bytes` to the canonical serialization (when it is kept).
    fn update_canon(&mut self, bytes: impl AsRef<[u8]>) {
        if let Some(canon) = self.canon.as_mut() {
            canon.update(bytes);
        }
    }

    /// Takes the records read since the last call: what each needs alone (its canonical
    /// bytes, Merkle leaf, digest and whether its path is a payload path) on the thread pool,
    /// then checks them in order, each written to the canonical serialization first.
    fn flush(&mut self) {
        let block = std::mem::take(&mut self.block);
        let prepared: Vec<(Vec<u8>, Prepared)> = block
            .par_iter()
            .with_min_len(256)
            .map(|item| {
                let bytes = item.canonical_bytes();
                let p = Prepared::of(item, &bytes);
                (bytes, p)
            })
            .collect();
        for (item, (bytes, p)) in block.into_iter().zip(prepared) {
            if let Some(canon) = self.canon.as_mut() {
                if self.count > 0 {
                    canon.update(b",");
                }
                canon.update(&bytes);
            }
            self.record(item, p);
        }
    }

    /// FORMAT.md §5, one record: a valid id; a published item complete, at a valid `data/`
    /// path, with a well-formed digest; a withheld item with none of those. (That ids and paths
    /// are unique is checked once all are read.)
    fn record(&mut self, item: Item, prepared: Prepared) {
        let i = self.count;
        self.leaves.push(prepared.leaf);
        self.count += 1;
        self.payload_bytes = self.payload_bytes.wrapping_add(item.size.unwrap_or(0));
        if item.id.is_empty() || item.id.chars().any(char::is_control) {
            self.problem(i, "empty id or id with control characters".into());
        }
        self.ids.push(&item.id);
        let digest = prepared.digest;
        if item.path.is_some() && !prepared.payload_path {
            self.paths_valid = false;
        }
        if let Some(path) = &item.path {
            self.expected.push(path, digest.flatten(), item.size);
        }
        let published = [
            item.path.is_some(),
            item.sha256.is_some(),
            item.size.is_some(),
            item.media_type.is_some(),
        ];
        let withheld = item
            .redaction
            .as_ref()
            .is_some_and(|r| r.status == RedactionStatus::Withheld);
        if withheld {
            if published.iter().any(|x| *x) {
                self.problem(
                    i,
                    "withheld item carries a path, digest, size or media type".into(),
                );
            }
        } else if !published.iter().all(|x| *x) {
            self.problem(
                i,
                "published item needs path, sha256, size and media_type".into(),
            );
        } else {
            if let Some(path) = &item.path {
                if prepared.payload_path {
                    self.paths.push(path);
                    self.path_items.push(i as u32);
                } else {
                    self.problem(i, format!("path '{path}' is not a valid data/ path"));
                }
            }
            if !matches!(digest, Some(Some(_))) {
                self.problem(i, "sha256 is not 64 lowercase hex digits".into());
            }
        }
        self.value_problems(i, &item);
        self.manifest_order(i, withheld, &item);
        if self.keep {
            self.items.push(item);
        }
    }

    /// FORMAT.md §5, §5.3 and §6: a `media_type` is not empty, a `commitment` is 64 lowercase
    /// hex digits, and `size` and `regions` are at most 2^53 − 1.
    fn value_problems(&mut self, i: usize, item: &Item) {
        if item.media_type.as_deref() == Some("") {
            self.problem(i, "media_type is empty".into());
        }
        let redaction = item.redaction.as_ref();
        if let Some(c) = redaction.and_then(|r| r.commitment.as_deref()) {
            if Sha256Digest::from_hex(c).is_none() {
                self.problem(i, "commitment is not 64 lowercase hex digits".into());
            }
        }
        let regions = redaction.and_then(|r| r.regions);
        if [item.size, regions]
            .into_iter()
            .flatten()
            .any(|n| n > canonical::MAX_INTEGER)
        {
            self.problem(i, "an integer past 2^53 - 1 (FORMAT.md §6)".into());
        }
    }

    /// FORMAT.md §5 "manifest order": published items sorted by path, then withheld items sorted
    /// by id (byte order). The first record out of that order is a problem; a repeat is not (it
    /// is reported as a duplicate).
    fn manifest_order(&mut self, i: usize, withheld: bool, item: &Item) {
        let key = match (withheld, item.path.as_deref()) {
            (true, _) => (true, item.id.as_str()),
            (false, Some(path)) => (false, path),
            (false, None) => return, // incomplete: reported as such
        };
        if !self.out_of_order {
            if let Some(last) = &self.last_key {
                if key < (last.0, last.1.as_str()) {
                    let message = match (last.0, key.0) {
                        (false, false) => "published items are sorted by path",
                        (true, true) => "withheld items are sorted by id",
                        _ => "published items come before withheld items",
                    };
                    self.out_of_order = true;
                    self.problem(i, format!("out of manifest order: {message}"));
                }
            }
        }
        // The last key's string is reused, not allocated again for each record.
        let last = self.last_key.get_or_insert_with(Default::default);
        last.0 = key.0;
        last.1.clear();
        last.1.push_str(key.1);
    }

    /// The records read from a file whose SHA-256 is `digest`: canonical when what was
    /// serialized again has that digest too.
    fn finish_read(mut self, doc: Doc, digest: &Sha256Digest) -> Records {
        let canonical = self.in_order
            && self
                .canon
                .take()
                .is_none_or(|c| Sha256Digest(c.finalize().into()) == *digest);
        self.finish(doc, canonical)
    }

    /// The records read: repeated ids and paths found, problems in item order.
    fn finish(mut self, doc: Doc, canonical: bool) -> Records {
        for i in self.ids.repeats() {
            let m = format!("duplicate id '{}'", self.ids.get(i));
            self.problem(i, m);
        }
        for k in self.paths.repeats() {
            let m = format!("path {} listed twice", self.paths.get(k));
            self.problem(self.path_items[k] as usize, m);
        }
        self.problems.sort_by_key(|(i, _)| *i);
        let changes = doc.changes.unwrap_or_default();
        let release = doc.release.unwrap_or_default();
        let change_problems = self.change_problems(&changes, &release);
        let merkle_root = merkle::root(&self.leaves);
        self.expected.sort_unique();
        let manifest = self.keep.then(|| Manifest {
            format: doc.format.clone().unwrap_or_default(),
            collection: doc.collection.clone().unwrap_or_default(),
            release: release.clone(),
            items: std::mem::take(&mut self.items),
            changes: changes.clone(),
            exceptions: doc.exceptions.unwrap_or_default(),
        });
        Records {
            format: doc.format.unwrap_or_default(),
            collection: doc.collection.unwrap_or_default(),
            release,
            change_problems,
            count: self.count as u64,
            payload_bytes: self.payload_bytes,
            merkle_root,
            canonical,
            expected: self.expected,
            paths_valid: self.paths_valid,
            problems: self.problems,
            unlisted: self.unlisted,
            manifest,
        }
    }

    /// [`crate::manifest::Manifest::change_problems`] over the ids read.
    fn change_problems(&self, changes: &[Change], release: &str) -> Vec<String> {
        if changes.is_empty() {
            return Vec::new();
        }
        let ids: std::collections::HashSet<&str> =
            (0..self.ids.spans.len()).map(|i| self.ids.get(i)).collect();
        manifest::change_problems(changes, release, |by| ids.contains(by))
    }
}

/// The document's keys, in canonical (byte) order: the quick reader expects them so.
const FIELDS: &[&str] = &[
    "changes",
    "collection",
    "exceptions",
    "format",
    "items",
    "release",
];

/// The document: an object of the fields of [`Manifest`], its items read by [`ItemsSeed`].
struct DocSeed<'s, 'l>(&'s mut State<'l>);

impl<'de> DeserializeSeed<'de> for DocSeed<'_, '_> {
    type Value = Doc;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_map(self)
    }
}

/// The canonical bytes of `v` (serializing these types cannot fail).
fn canon<T: serde::Serialize>(v: &T) -> Vec<u8> {
    canonical::to_canonical(v).unwrap_or_default()
}

impl<'de> Visitor<'de> for DocSeed<'_, '_> {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an intact-manifest/1 object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let st = self.0;
        let mut doc = Doc::default();
        let mut last: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            if last.as_deref().is_some_and(|l| l >= key.as_str()) {
                st.in_order = false;
            }
            let seen = match key.as_str() {
                "changes" => {
                    let v: Vec<Change> = map.next_value()?;
                    if !v.is_empty() {
                        st.write_member("changes", Some(&canon(&v)));
                    }
                    doc.changes.replace(v).is_some()
                }
                "exceptions" => {
                    let v: Vec<GateException> = map.next_value()?;
                    if !v.is_empty() {
                        st.write_member("exceptions", Some(&canon(&v)));
                    }
                    doc.exceptions.replace(v).is_some()
                }
                "collection" | "format" | "release" => {
                    let v: String = map.next_value()?;
                    st.write_member(&key, Some(&canon(&v)));
                    let field = match key.as_str() {
                        "collection" => &mut doc.collection,
                        "format" => &mut doc.format,
                        _ => &mut doc.release,
                    };
                    field.replace(v).is_some()
                }
                "items" => {
                    if doc.items {
                        return Err(de::Error::duplicate_field("items"));
                    }
                    st.write_member("items", Some(b"["));
                    map.next_value_seed(ItemsSeed(&mut *st))?;
                    st.update_canon(b"]");
                    doc.items = true;
                    false
                }
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            };
            if seen {
                return Err(de::Error::custom(format!("duplicate field `{key}`")));
            }
            last = Some(key);
        }
        st.update_canon(if st.wrote_member { "}" } else { "{}" });
        for (name, present) in [
            ("format", doc.format.is_some()),
            ("collection", doc.collection.is_some()),
            ("release", doc.release.is_some()),
            ("items", doc.items),
        ] {
            if !present {
                return Err(de::Error::missing_field(name));
            }
        }
        Ok(doc)
    }
}

/// The `items` array, one record at a time, at most [`Limits::items`].
struct ItemsSeed<'s, 'l>(&'s mut State<'l>);

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of item records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.0;
        loop {
            if st.read >= st.limits.items {
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    st.over_cap = true;
                    return Err(de::Error::custom("too many item records"));
                }
                st.flush();
                return Ok(());
            }
            match seq.next_element::<Item>()? {
                Some(item) => {
                    st.read += 1;
                    st.block.push(item);
                    if st.block.len() == BLOCK {
                        st.flush();
                    }
                }
                None => {
                    st.flush();
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_records` on `doc`, as the file's digest says.
    fn read(doc: &str, limits: &Limits) -> Result<Records, ReadError> {
        let digest = Sha256Digest::of(doc.as_bytes());
        let again = || Ok(Box::new(doc.as_bytes()) as Box<dyn Read>);
        read_records(
            doc.as_bytes(),
            again,
            &digest,
            limits,
            true,
            Expecting::default(),
        )
    }

    /// The quick reader alone: `None` when it leaves the file to the general reader.
    fn quick(doc: &[u8], limits: &Limits) -> Option<Records> {
        let digest = Sha256Digest::of(doc);
        let mut state = State::new(limits, true);
        let doc = quick::read_canonical(doc, &digest, &mut state).ok()??;
        Some(state.finish_read(doc, &digest))
    }

    /// Everything a caller learns from records, to compare two readings.
    fn learned(r: &Result<Records, ReadError>) -> String {
        match r {
            Err(ReadError::TooMany) => "too many".into(),
            Err(ReadError::Invalid(e)) => format!("invalid: {e}"),
            Err(ReadError::Io(e)) => format!("io: {e}"),
            Ok(r) => {
                let expected: Vec<_> = r
                    .expected
                    .as_slice()
                    .iter()
                    .map(|e| (r.expected.path(e), e.sha256, e.size))
                    .collect();
                format!(
                    "{:?}",
                    (
                        (&r.format, &r.collection, &r.release, &r.change_problems),
                        (r.count, r.payload_bytes, r.merkle_root, r.canonical),
                        (expected, &r.problems, r.unlisted, &r.manifest)
                    )
                )
            }
        }
    }

    /// Whatever the quick reader reads of `doc`, it reads as the general reader does, and the
    /// two together read it as the general reader alone.
    fn readers_agree(doc: &[u8], limits: &Limits) -> Result<(), String> {
        let digest = Sha256Digest::of(doc);
        let general = learned(&read_any(doc, &digest, limits, true, Expecting::default()));
        if let Some(r) = quick(doc, limits) {
            let q = learned(&Ok(r));
            if q != general {
                return Err(format!("quick {q}\ngeneral {general}"));
            }
        }
        let again = || Ok(Box::new(doc) as Box<dyn Read>);
        // A guess of how many records there are changes nothing read.
        let expecting = Expecting {
            records: 3,
            path_bytes: 40,
        };
        let both = learned(&read_records(doc, again, &digest, limits, true, expecting));
        if both != general {
            return Err(format!("both {both}\ngeneral {general}"));
        }
        Ok(())
    }

    fn docs() -> [String; 3] {
        let d = "ab".repeat(32);
        [
            format!(
                r#"{{"collection":"c","format":"intact-manifest/1","items":[{{"id":"a","media_type":"text/plain","path":"data/a","sha256":"{d}","size":3}}],"release":"r"}}"#
            ),
            format!(
                r#"{{"changes":[{{"action":"withdrawn","id":"x","reason":"dup","release":"p"}}],"collection":"c","exceptions":[{{"location":"l","path":"data/a","reason":"ok","rule":"r"}}],"format":"intact-manifest/1","items":[{{"id":"a\"q","media_type":"t","metadata":{{"title":"T\n"}},"path":"data/a","sha256":"{d}","size":0}},{{"id":"w","redaction":{{"status":"withheld"}}}},{{"id":"n","sha256":"XY","size":9007199254740991}},{{"id":"m","metadata":{{}}}}],"release":"r"}}"#
            ),
            r#"{"collection":"c","format":"f","items":[],"release":"r"}"#.to_string(),
        ]
    }

    #[test]
    fn records_agree_with_the_parsed_manifest() {
        for doc in docs() {
            let m: Manifest = serde_json::from_str(&doc).unwrap();
            let r = read(&doc, &Limits::DEFAULT).ok().unwrap();
            assert!(r.canonical, "{doc}");
            assert_eq!(r.merkle_root, m.merkle_root());
            assert_eq!(r.payload_bytes, m.payload_bytes());
            assert_eq!(r.count, m.items.len() as u64);
            assert_eq!(r.change_problems, m.change_problems());
            assert_eq!(r.manifest, Some(m));
            assert!(canonical::is_canonical(doc.as_bytes()));
        }
    }

    /// A canonical file is read the quick way, the same as the general reader reads it; the
    /// quick reader leaves every other file, and one with more records than the limit, to the
    /// general reader.
    #[test]
    fn the_quick_reader_reads_canonical_files_as_the_general_reader_does() {
        for doc in docs() {
            assert!(quick(doc.as_bytes(), &Limits::DEFAULT).is_some(), "{doc}");
            readers_agree(doc.as_bytes(), &Limits::DEFAULT).unwrap();
        }
        let [doc, two, _] = docs();
        for other in [
            doc.replacen("{\"collection\":\"c\",", "{ \"collection\":\"c\",", 1),
            doc.replacen("\"release\":\"r\"}", "\"release\":\"r\",\"changes\":[]}", 1),
            doc.replacen("\"id\":\"a\",", "\"id\":\"a\",\"metadata\":null,", 1),
            doc.replacen("\"size\":3", "\"size\":3.0", 1),
            doc.replacen("\"c\"", "\"\\u0063\"", 1),
            doc.replacen("\"format\":\"intact-manifest/1\",", "", 1),
            doc.clone() + "\n",
            doc.replacen("}],", "},]", 1),
        ] {
            assert!(
                quick(other.as_bytes(), &Limits::DEFAULT).is_none(),
                "{other}"
            );
            readers_agree(other.as_bytes(), &Limits::DEFAULT).unwrap();
        }
        let limits = Limits {
            items: 3,
            ..Limits::DEFAULT
        };
        assert!(quick(two.as_bytes(), &limits).is_none());
        readers_agree(two.as_bytes(), &limits).unwrap();
    }

    /// Gives at most 3 bytes a read, so that every value and escape crosses reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_documents_keys_are_in_canonical_order() {
        assert!(FIELDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_quick_reader_reads_values_across_reads() {
        for doc in docs() {
            let digest = Sha256Digest::of(doc.as_bytes());
            let mut state = State::new(&Limits::DEFAULT, true);
            let read = quick::read_canonical(Trickle(doc.as_bytes()), &digest, &mut state);
            let doc_read = read.ok().flatten().expect("read the quick way");
            let whole = quick(doc.as_bytes(), &Limits::DEFAULT).unwrap();
            assert_eq!(
                learned(&Ok(state.finish_read(doc_read, &digest))),
                learned(&Ok(whole))
            );
        }
    }

    #[test]
    fn canonical_means_the_bytes_of_the_records_as_serialized_again() {
        let [doc, ..] = docs();
        for other in [
            doc.replacen("{\"collection\":\"c\",", "{ \"collection\":\"c\",", 1),
            doc.replacen("\"format\"", "\"form\\u0061t\"", 1),
            doc.replacen("\"release\":\"r\"}", "\"release\":\"r\",\"changes\":[]}", 1),
            doc.replacen("\"id\":\"a\",", "\"id\":\"a\",\"metadata\":null,", 1),
            doc.clone() + "\n",
        ] {
            let r = read(&other, &Limits::DEFAULT).ok().unwrap();
            assert!(!r.canonical, "{other}");
            assert_eq!(r.count, 1);
        }
    }

    #[test]
    fn refuses_more_records_than_the_limit_and_what_is_no_manifest() {
        let limits = Limits {
            items: 3,
            ..Limits::DEFAULT
        };
        let [_, doc, _] = docs();
        assert!(matches!(read(&doc, &limits), Err(ReadError::TooMany)));
        let exactly = Limits { items: 4, ..limits };
        assert_eq!(read(&doc, &exactly).ok().map(|r| r.count), Some(4));
        for bad in [
            "[]",
            r#"{"collection":"c","format":"f","items":[],"release":"r","zzz":1}"#,
            r#"{"collection":"c","format":"f","items":[]}"#,
            r#"{"collection":"c","format":"f","format":"f","items":[],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[{"id":"a","size":1.5}],"release":"r"}"#,
        ] {
            assert!(
                matches!(read(bad, &limits), Err(ReadError::Invalid(_))),
                "{bad}"
            );
        }
        let d = Sha256Digest::of(b"other");
        let doc = docs()[2].clone();
        let again = || Ok(Box::new(doc.as_bytes()) as Box<dyn Read>);
        let r = read_records(
            doc.as_bytes(),
            again,
            &d,
            &limits,
            false,
            Expecting::default(),
        );
        assert!(
            matches!(r, Err(ReadError::Io(_))),
            "changed while being read"
        );
    }

    #[test]
    fn finds_repeated_ids_and_paths_wherever_they_are() {
        let d = "ab".repeat(32);
        let item = |id: &str, path: &str| {
            format!(r#"{{"id":"{id}","media_type":"t","path":"{path}","sha256":"{d}","size":1}}"#)
        };
        let doc = format!(
            r#"{{"collection":"c","format":"f","items":[{},{},{}],"release":"r"}}"#,
            item("b", "data/x"),
            item("a", "data/y"),
            item("b", "data/x")
        );
        let r = read(&doc, &Limits::DEFAULT).ok().unwrap();
        assert_eq!(
            r.problems,
            [
                (
                    2,
                    "out of manifest order: published items are sorted by path".to_string()
                ),
                (2, "duplicate id 'b'".to_string()),
                (2, "path data/x listed twice".to_string())
            ]
        );
        let paths: Vec<&str> = r
            .expected
            .as_slice()
            .iter()
            .map(|e| r.expected.path(e))
            .collect();
        assert_eq!(paths, ["data/x", "data/y"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        /// Any change to a canonical file, wherever and whatever it is, is read the same by
        /// the quick and the general reader.
        #[test]
        fn the_readers_agree_on_any_change_to_a_canonical_file(
            which in 0usize..3,
            at in proptest::num::usize::ANY,
            edit in 0u8..3,
            byte in proptest::prelude::any::<u8>(),
            items in 1usize..6,
        ) {
            let mut doc = docs()[which].clone().into_bytes();
            super::super::fixture::edit_at(&mut doc, at, edit, byte);
            let limits = Limits { items, ..Limits::DEFAULT };
            proptest::prop_assert!(readers_agree(&doc, &limits).is_ok(), "{}", String::from_utf8_lossy(&doc));
        }

        #[test]
        fn never_panics_and_only_accepts_what_serde_reads(
            s in r#"[{}\[\]":,0-9a-z\\ -]{0,80}"#
        ) {
            if let Ok(r) = read(&s, &Limits::DEFAULT) {
                let m: Result<Manifest, _> = serde_json::from_str(&s);
                proptest::prop_assert!(m.is_ok(), "{}", s);
                proptest::prop_assert_eq!(r.merkle_root, m.unwrap().merkle_root());
            }
        }
    }
}
