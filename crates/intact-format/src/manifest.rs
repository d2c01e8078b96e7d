//! `intact/manifest.json` (FORMAT.md §5): the item records of a release, in canonical JSON.

use serde::{Deserialize, Serialize};

use std::borrow::Cow;

use crate::canonical::{self, FastCheck};
use crate::digest::Sha256Digest;
use crate::merkle;
use rayon::prelude::*;

/// Format id of `manifest.json`.
pub const MANIFEST_FORMAT: &str = "intact-manifest/1";

/// Provenance and description of one item (all optional; FORMAT.md §5.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digitization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights: Option<String>,
}

/// Redaction status of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedactionStatus {
    None,
    Partial,
    Withheld,
}

/// What was withheld from an item, and why (FORMAT.md §5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    pub status: RedactionStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<u64>,
    /// For a withheld item: why it is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Salted commitment to the unredacted original (hex SHA-256), never an unsalted digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
}

/// One item record. A published item has `path`, `sha256`, `size` and `media_type`; a withheld
/// item has none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Box<Description>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Box<Redaction>>,
}

impl Item {
    /// The canonical JSON bytes of this record: a Merkle leaf.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Serializing plain strings, integers and options cannot fail.
        canonical::to_canonical(self).unwrap_or_default()
    }

    /// RFC 9162 leaf hash of this record.
    pub fn leaf_hash(&self) -> merkle::Hash {
        merkle::leaf_hash(&self.canonical_bytes())
    }
}

/// What a change record does to an item published by an earlier release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeAction {
    /// Replaced by an item of this release (`by`).
    Superseded,
    /// Withdrawn: no longer part of the archive's current state (its record stays in the log).
    Withdrawn,
}

/// A signed change record (FORMAT.md §5.4): the only way a release replaces or withdraws an
/// item that an earlier release published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Identifier of the earlier item.
    pub id: String,
    /// Release that published it.
    pub release: String,
    /// Its sha256 (absent for a withheld item, which has no payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub action: ChangeAction,
    /// For `superseded`: the id of the item of this release that replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why, e.g. `re-redacted`, `duplicate`, `court order`.
    pub reason: String,
}

/// The whole `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub collection: String,
    pub release: String,
    pub items: Vec<Item>,
    /// Change records for items of earlier releases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Leak-gate findings that a reviewed exception let through (FORMAT.md §5.5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<GateException>,
}

/// A leak-gate finding waived by a reviewed exception, with its written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateException {
    /// Bag path of the file (`data/…`).
    pub path: String,
    /// Gate rule id (docs/REDACTION.md).
    pub rule: String,
    /// Where in the file the finding was.
    pub location: String,
    pub reason: String,
}

impl Manifest {
    /// Checks the change records on their own: each well-formed, at most one per earlier item,
    /// and a superseding item present in this manifest. Returns one message per problem.
    pub fn change_problems(&self) -> Vec<String> {
        change_problems(&self.changes, &self.release, |by| {
            self.items.iter().any(|i| i.id == by)
        })
    }

    /// Merkle root over the item records in manifest order.
    pub fn merkle_root(&self) -> merkle::Hash {
        // Each leaf is a canonical serialization and a hash: in parallel for 100,000s of items.
        let leaves: Vec<merkle::Hash> = self.items.par_iter().map(Item::leaf_hash).collect();
        merkle::root(&leaves)
    }

    /// Number of payload bytes the published items declare.
    pub fn payload_bytes(&self) -> u64 {
        self.items
            .iter()
            .filter_map(|i| i.size)
            .fold(0, u64::wrapping_add)
    }
}

/// The checks of [`Manifest::change_problems`], with `is_item` saying whether an id is an item
/// of this release.
pub(crate) fn change_problems(
    changes: &[Change],
    release: &str,
    is_item: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in changes.iter().enumerate() {
        let at = format!("change {i} (item '{}')", c.id);
        if c.id.is_empty() || c.release.is_empty() || c.reason.trim().is_empty() {
            out.push(format!("{at}: id, release and reason are required"));
        }
        if !seen.insert((c.release.clone(), c.id.clone())) {
            out.push(format!(
                "{at}: more than one change record for the same item"
            ));
        }
        if c.release == release {
            out.push(format!(
                "{at}: a change record names an item of an earlier release"
            ));
        }
        if let Some(d) = &c.sha256 {
            if Sha256Digest::from_hex(d).is_none() {
                out.push(format!("{at}: sha256 is not 64 lowercase hex digits"));
            }
        }
        match (c.action, &c.by) {
            (ChangeAction::Superseded, Some(by)) => {
                if !is_item(by) {
                    out.push(format!(
                        "{at}: superseded by '{by}', which is not an item of this release"
                    ));
                }
            }
            (ChangeAction::Superseded, None) => out.push(format!("{at}: superseded needs 'by'")),
            (ChangeAction::Withdrawn, Some(_)) => {
                out.push(format!("{at}: withdrawn takes no 'by'"))
            }
            (ChangeAction::Withdrawn, None) => {}
        }
    }
    out
}

/// What verification needs of one item record, read in place from the bytes of
/// `manifest.json` (or borrowed from a parsed [`Item`]).
#[derive(Debug, Clone)]
pub struct ItemView<'a> {
    pub id: Cow<'a, str>,
    pub path: Option<Cow<'a, str>>,
    /// `None`: no `sha256`; `Some(None)`: one that is not 64 lowercase hex digits.
    pub sha256: Option<Option<Sha256Digest>>,
    pub size: Option<u64>,
    pub has_media_type: bool,
    /// `redaction.status` is `withheld`.
    pub withheld: bool,
}

impl ItemView<'_> {
    fn of_item(item: &Item) -> ItemView<'_> {
        ItemView {
            id: Cow::Borrowed(item.id.as_str()),
            path: item.path.as_deref().map(Cow::Borrowed),
            sha256: item.sha256.as_deref().map(Sha256Digest::from_hex),
            size: item.size,
            has_media_type: item.media_type.is_some(),
            withheld: item
                .redaction
                .as_ref()
                .is_some_and(|r| r.status == RedactionStatus::Withheld),
        }
    }

    fn owned(item: Item) -> ItemView<'static> {
        let v = ItemView::of_item(&item);
        ItemView {
            id: Cow::Owned(v.id.into_owned()),
            path: v.path.map(|p| Cow::Owned(p.into_owned())),
            sha256: v.sha256,
            size: v.size,
            has_media_type: v.has_media_type,
            withheld: v.withheld,
        }
    }
}

/// What verification needs of `manifest.json`, without a copy of every record.
#[derive(Debug, Clone)]
pub struct ManifestView<'a> {
    pub format: Cow<'a, str>,
    pub collection: Cow<'a, str>,
    pub release: Cow<'a, str>,
    pub items: Vec<ItemView<'a>>,
    pub changes: Vec<Change>,
    /// The Merkle leaf hash of each item.
    pub leaves: Vec<merkle::Hash>,
}

impl<'a> ManifestView<'a> {
    /// The view of a parsed manifest.
    pub fn of(m: &'a Manifest) -> ManifestView<'a> {
        ManifestView {
            format: Cow::Borrowed(&m.format),
            collection: Cow::Borrowed(&m.collection),
            release: Cow::Borrowed(&m.release),
            items: m.items.iter().map(ItemView::of_item).collect(),
            changes: m.changes.clone(),
            leaves: m.items.par_iter().map(Item::leaf_hash).collect(),
        }
    }

    /// Reads a `manifest.json` in place, in one pass, when it is canonical JSON in the simple
    /// form `intact pack` writes: `None` when it is not (not canonical, or outside that form),
    /// and the caller then parses it the general way. When `Some`, the bytes are canonical
    /// (RFC 8785) and parse as a [`Manifest`] with exactly these items.
    /// `expect_items` is how many items to make room for (a hint).
    pub fn read_canonical(bytes: &'a [u8], expect_items: usize) -> Option<ManifestView<'a>> {
        ViewReader {
            c: FastCheck::new(bytes)?,
            // A record takes more than 16 bytes, whatever the hint says.
            expect_items: expect_items.min(bytes.len() / 16),
            leaves: Vec::new(),
        }
        .document()
    }

    /// [`Manifest::change_problems`].
    pub fn change_problems(&self) -> Vec<String> {
        if self.changes.is_empty() {
            return Vec::new();
        }
        let ids: std::collections::HashSet<&str> =
            self.items.iter().map(|i| i.id.as_ref()).collect();
        change_problems(&self.changes, &self.release, |by| ids.contains(by))
    }

    /// [`Manifest::payload_bytes`].
    pub fn payload_bytes(&self) -> u64 {
        self.items
            .iter()
            .filter_map(|i| i.size)
            .fold(0, u64::wrapping_add)
    }

    /// [`Manifest::merkle_root`].
    pub fn merkle_root(&self) -> merkle::Hash {
        merkle::root(&self.leaves)
    }
}

/// The one-pass reader behind [`ManifestView::read_canonical`]. Every value goes through the
/// canonical-subset check of [`FastCheck`], so what it accepts is canonical JSON; anything it
/// does not know exactly how serde would read makes it give up (`None`).
struct ViewReader<'a> {
    c: FastCheck<'a>,
    expect_items: usize,
    leaves: Vec<merkle::Hash>,
}

impl<'a> ViewReader<'a> {
    fn key(&mut self, last: &mut Option<&'a [u8]>) -> Option<&'a [u8]> {
        let (key, escaped) = self.c.string()?;
        if escaped || !key.is_ascii() || last.is_some_and(|l| l >= key) || !self.c.eat(b':') {
            return None;
        }
        *last = Some(key);
        Some(key)
    }

    /// The next value, which must be in the canonical subset; returns its bytes.
    fn raw_value(&mut self, depth: usize) -> Option<&'a [u8]> {
        let start = self.c.pos;
        self.c.value(depth).then(|| &self.c.b[start..self.c.pos])
    }

    /// A string value, unescaped.
    fn text(&mut self) -> Option<Cow<'a, str>> {
        let start = self.c.pos;
        let (raw, escaped) = self.c.string()?;
        if escaped {
            serde_json::from_slice::<String>(&self.c.b[start..self.c.pos])
                .ok()
                .map(Cow::Owned)
        } else {
            std::str::from_utf8(raw).ok().map(Cow::Borrowed)
        }
    }

    /// `,` and another member, or the end `}` / `]`: `Some(true)` when there is more.
    fn more(&mut self, end: u8) -> Option<bool> {
        if self.c.eat(end) {
            Some(false)
        } else if self.c.eat(b',') {
            Some(true)
        } else {
            None
        }
    }

    fn document(mut self) -> Option<ManifestView<'a>> {
        if !self.c.eat(b'{') {
            return None;
        }
        let (mut format, mut collection, mut release, mut items) = (None, None, None, None);
        let mut changes = Vec::new();
        let mut last = None;
        if !self.c.eat(b'}') {
            loop {
                match self.key(&mut last)? {
                    b"changes" => {
                        let raw = self.raw_value(1)?;
                        changes = serde_json::from_slice(raw).ok()?;
                    }
                    b"collection" => collection = Some(self.text()?),
                    b"exceptions" => self.exceptions()?,
                    b"format" => format = Some(self.text()?),
                    b"items" => items = Some(self.items()?),
                    b"release" => release = Some(self.text()?),
                    _ => return None,
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        if self.c.pos != self.c.b.len() {
            return None;
        }
        Some(ManifestView {
            format: format?,
            collection: collection?,
            release: release?,
            items: items?,
            changes,
            leaves: self.leaves,
        })
    }

    /// `[{"location":S,"path":S,"reason":S,"rule":S},…]`, exactly (every field is required).
    fn exceptions(&mut self) -> Option<()> {
        if !self.c.eat(b'[') {
            return None;
        }
        if self.c.eat(b']') {
            return Some(());
        }
        loop {
            if !self.c.eat(b'{') {
                return None;
            }
            let mut last = None;
            for (i, want) in [b"location".as_slice(), b"path", b"reason", b"rule"]
                .into_iter()
                .enumerate()
            {
                if i > 0 && !self.c.eat(b',') {
                    return None;
                }
                if self.key(&mut last)? != want {
                    return None;
                }
                self.c.string()?;
            }
            if !self.c.eat(b'}') {
                return None;
            }
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    fn items(&mut self) -> Option<Vec<ItemView<'a>>> {
        if !self.c.eat(b'[') {
            return None;
        }
        let mut items = Vec::with_capacity(self.expect_items);
        self.leaves.reserve_exact(self.expect_items);
        if self.c.eat(b']') {
            return Some(items);
        }
        loop {
            items.push(self.item()?);
            if !self.more(b']')? {
                return Some(items);
            }
        }
    }

    /// One record. The simple form (`id`, `media_type`, `path`, `sha256`, `size`, strings and
    /// an integer) is read here; any other record is parsed on its own with serde.
    fn item(&mut self) -> Option<ItemView<'a>> {
        let start = self.c.pos;
        if !self.c.eat(b'{') {
            return None;
        }
        let mut v = ItemView {
            id: Cow::Borrowed(""),
            path: None,
            sha256: None,
            size: None,
            has_media_type: false,
            withheld: false,
        };
        let mut has_id = false;
        let mut simple = true;
        let mut last = None;
        if !self.c.eat(b'}') {
            loop {
                let key = self.key(&mut last)?;
                let is_string = self.c.peek() == Some(b'"');
                match key {
                    b"id" if is_string => {
                        v.id = self.text()?;
                        has_id = true;
                    }
                    b"media_type" if is_string => {
                        self.c.string()?;
                        v.has_media_type = true;
                    }
                    b"path" if is_string => v.path = Some(self.text()?),
                    b"sha256" if is_string => {
                        let t = self.text()?;
                        v.sha256 = Some(Sha256Digest::from_hex(&t));
                    }
                    b"size" if matches!(self.c.peek(), Some(b'0'..=b'9')) => {
                        let start = self.c.pos;
                        if !self.c.integer() {
                            return None;
                        }
                        v.size = Some(
                            std::str::from_utf8(&self.c.b[start..self.c.pos])
                                .ok()?
                                .parse()
                                .ok()?,
                        );
                    }
                    _ => {
                        simple = false;
                        self.c.value(2).then_some(())?;
                    }
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        let raw = &self.c.b[start..self.c.pos];
        if simple && has_id {
            self.leaves.push(merkle::leaf_hash(raw));
            return Some(v);
        }
        // Anything else (metadata, redaction, null values…): serde decides, as for the whole
        // file. Serializing again drops nulls and empty arrays; otherwise the canonical record
        // is its own bytes.
        let item: Item = serde_json::from_slice(raw).ok()?;
        let leaf = if memchr::memmem::find(raw, b"null").is_some()
            || memchr::memmem::find(raw, b"[]").is_some()
        {
            item.leaf_hash()
        } else {
            merkle::leaf_hash(raw)
        };
        self.leaves.push(leaf);
        Some(ItemView::owned(item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(bytes: &[u8]) {
        let m: Manifest = serde_json::from_slice(bytes).unwrap();
        let slow = ManifestView::of(&m);
        let fast = ManifestView::read_canonical(bytes, 0).expect("read in place");
        assert_eq!(fast.merkle_root(), m.merkle_root());
        assert_eq!(fast.payload_bytes(), m.payload_bytes());
        assert_eq!(fast.items.len(), slow.items.len());
        for (a, b) in fast.items.iter().zip(&slow.items) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.path, b.path);
            assert_eq!(a.sha256, b.sha256);
            assert_eq!(a.size, b.size);
            assert_eq!(a.has_media_type, b.has_media_type);
            assert_eq!(a.withheld, b.withheld);
        }
        assert_eq!(fast.change_problems(), m.change_problems());
    }

    #[test]
    fn read_in_place_agrees_with_serde() {
        let d = "ab".repeat(32);
        let docs = [
            format!(
                r#"{{"collection":"c","format":"intact-manifest/1","items":[{{"id":"a","media_type":"text/plain","path":"data/a","sha256":"{d}","size":3}}],"release":"r"}}"#
            ),
            format!(
                r#"{{"changes":[{{"action":"withdrawn","id":"x","reason":"dup","release":"p"}}],"collection":"c","exceptions":[{{"location":"l","path":"data/a","reason":"ok","rule":"r"}}],"format":"intact-manifest/1","items":[{{"id":"a\"q","media_type":"t","metadata":{{"title":"T\n"}},"path":"data/a","sha256":"{d}","size":0}},{{"id":"w","redaction":{{"categories":[],"status":"withheld"}}}},{{"id":"n","path":null,"sha256":"XY","size":9007199254740992}},{{"id":"m","metadata":{{}}}}],"release":"r"}}"#
            ),
            r#"{"collection":"c","format":"f","items":[],"release":"r"}"#.to_string(),
        ];
        for doc in &docs {
            assert!(canonical::is_canonical(doc.as_bytes()), "{doc}");
            same(doc.as_bytes());
        }
    }

    #[test]
    fn read_in_place_gives_up_outside_the_simple_canonical_form() {
        for doc in [
            r#"{"collection":"c","format":"f","items":[{"id":"a","size":-1}],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[{"id":"a","extra":1}],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[{"size":1}],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[],"release":"r","zzz":1}"#,
            r#"{"format":"f","collection":"c","items":[],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[], "release":"r"}"#,
            r#"{"collection":"c","exceptions":[{"path":"p"}],"format":"f","items":[],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[{"id":"a","size":1.5}],"release":"r"}"#,
            r#"{"collection":"c","format":"f","items":[]}"#,
        ] {
            assert!(
                ManifestView::read_canonical(doc.as_bytes(), 0).is_none(),
                "{doc}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn read_in_place_never_panics_and_only_accepts_what_serde_reads(
            s in r#"[{}\[\]":,0-9a-z\\ -]{0,80}"#
        ) {
            if let Some(v) = ManifestView::read_canonical(s.as_bytes(), 1000) {
                let m: Result<Manifest, _> = serde_json::from_slice(s.as_bytes());
                proptest::prop_assert!(m.is_ok(), "{}", s);
                proptest::prop_assert!(canonical::is_canonical(s.as_bytes()), "{}", s);
                proptest::prop_assert_eq!(v.merkle_root(), m.unwrap().merkle_root());
            }
        }
    }
}
