//! `intact/manifest.json` (FORMAT.md §5): the item records of a release, in canonical JSON.

use serde::{Deserialize, Serialize};

use crate::canonical;
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

/// A description's canonical writer and reader, from one list of its fields in canonical (key)
/// order: every field is an optional string, written as itself when present.
macro_rules! description_canonical {
    ($($field:ident),* $(,)?) => {
        impl Description {
            /// Writes the description's canonical JSON (see [`Item::canonical_bytes`]).
            fn write_canonical(&self, out: &mut Vec<u8>) {
                let mut o = canonical::ObjectWriter::open(out);
                $(o.string(stringify!($field), self.$field.as_deref());)*
                o.close();
            }

            /// Reads what [`Description::write_canonical`] writes, and nothing else.
            fn read_canonical(c: &mut canonical::Cursor) -> Option<Description> {
                let mut o = canonical::ObjectReader::open(c)?;
                let d = Description {
                    $($field: o.string(stringify!($field))?,)*
                };
                o.close()?;
                Some(d)
            }
        }
    };
}

description_canonical!(
    case_no,
    custody,
    date,
    description,
    digitization,
    doc_type,
    language,
    pages,
    rights,
    source,
    title,
    volume,
);

impl RedactionStatus {
    /// The status as `manifest.json` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RedactionStatus::None => "none",
            RedactionStatus::Partial => "partial",
            RedactionStatus::Withheld => "withheld",
        }
    }
}

impl Redaction {
    /// Writes the redaction's canonical JSON (see [`Item::canonical_bytes`]); `None` for
    /// `regions` past 2^53 - 1.
    fn write_canonical(&self, out: &mut Vec<u8>) -> Option<()> {
        let mut o = canonical::ObjectWriter::open(out);
        o.strings("categories", &self.categories);
        o.string("commitment", self.commitment.as_deref());
        o.string("legal_basis", self.legal_basis.as_deref());
        o.string("reason", self.reason.as_deref());
        o.integer("regions", self.regions)?;
        o.string("status", Some(self.status.as_str()));
        o.close();
        Some(())
    }

    /// Reads what [`Redaction::write_canonical`] writes, and nothing else.
    fn read_canonical(c: &mut canonical::Cursor) -> Option<Redaction> {
        let mut o = canonical::ObjectReader::open(c)?;
        // The fields in key order (a struct expression reads its fields in the order written).
        let r = Redaction {
            categories: o.strings("categories")?,
            commitment: o.string("commitment")?,
            legal_basis: o.string("legal_basis")?,
            reason: o.string("reason")?,
            regions: o.integer("regions")?,
            status: match o.string("status")??.as_str() {
                "none" => RedactionStatus::None,
                "partial" => RedactionStatus::Partial,
                "withheld" => RedactionStatus::Withheld,
                _ => return None,
            },
        };
        o.close()?;
        Some(r)
    }
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
        let mut out = Vec::with_capacity(256);
        match self.write_canonical(&mut out) {
            Some(()) => out,
            // An integer past 2^53 - 1 (a problem of its own, FORMAT.md §6): the generic
            // serializer's form. Serializing plain strings, integers and options cannot fail.
            None => canonical::to_canonical(self).unwrap_or_default(),
        }
    }

    /// Writes the record's canonical JSON by hand, keys in canonical order (what
    /// [`canonical::to_canonical`] writes, tested against it); `None` for an integer past
    /// 2^53 - 1.
    fn write_canonical(&self, out: &mut Vec<u8>) -> Option<()> {
        let mut o = canonical::ObjectWriter::open(out);
        o.string("id", Some(&self.id));
        o.string("media_type", self.media_type.as_deref());
        if let Some(d) = &self.metadata {
            d.write_canonical(o.key("metadata"));
        }
        o.string("path", self.path.as_deref());
        if let Some(r) = &self.redaction {
            r.write_canonical(o.key("redaction"))?;
        }
        o.string("sha256", self.sha256.as_deref());
        o.integer("size", self.size)?;
        o.close();
        Some(())
    }

    /// Reads a record whose bytes are exactly its canonical JSON (what
    /// [`Item::canonical_bytes`] writes of what is read), without a generic parser; `None` for
    /// any other bytes, which may still be a record written another way (or one with a control
    /// character escaped as `\u00xx`, left to the generic reader too).
    pub fn from_canonical_bytes(bytes: &[u8]) -> Option<Item> {
        let mut c = canonical::Cursor::new(bytes)?;
        let item = Item::read_canonical(&mut c)?;
        c.at_end().then_some(item)
    }

    /// Reads what [`Item::write_canonical`] writes, and nothing else.
    fn read_canonical(c: &mut canonical::Cursor) -> Option<Item> {
        let mut o = canonical::ObjectReader::open(c)?;
        let id = o.string("id")??;
        let media_type = o.string("media_type")?;
        let metadata = match o.key("metadata") {
            true => Some(Box::new(Description::read_canonical(o.value())?)),
            false => None,
        };
        let path = o.string("path")?;
        let redaction = match o.key("redaction") {
            true => Some(Box::new(Redaction::read_canonical(o.value())?)),
            false => None,
        };
        let sha256 = o.string("sha256")?;
        let size = o.integer("size")?;
        o.close()?;
        Some(Item {
            id,
            path,
            sha256,
            size,
            media_type,
            metadata,
            redaction,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every field of every kind set, so each key's place is checked.
    fn full_item() -> Item {
        let text = |s: &str| Some(s.to_string());
        Item {
            id: "ITEM-1".into(),
            path: text("data/a b.txt"),
            sha256: text(&"ab".repeat(32)),
            size: Some(123),
            media_type: text("text/plain"),
            metadata: Some(Box::new(Description {
                case_no: text("1"),
                volume: text("2"),
                pages: text("3"),
                doc_type: text("4"),
                title: text("5"),
                date: text("6"),
                language: text("7"),
                description: text("8"),
                source: text("9"),
                custody: text("10"),
                digitization: text("11"),
                rights: text("12"),
            })),
            redaction: Some(Box::new(Redaction {
                status: RedactionStatus::Partial,
                categories: vec!["home-address".into(), "helper-name".into()],
                legal_basis: text("l"),
                regions: Some(4),
                reason: text("r"),
                commitment: text(&"cd".repeat(32)),
            })),
        }
    }

    #[test]
    fn canonical_bytes_are_the_generic_serializers() {
        let mut item = full_item();
        let generic = |i: &Item| canonical::to_canonical(i).unwrap();
        assert_eq!(item.canonical_bytes(), generic(&item));
        item.metadata = Some(Box::default());
        assert_eq!(item.canonical_bytes(), generic(&item));
        item.redaction.as_mut().unwrap().categories.clear();
        item.redaction.as_mut().unwrap().status = RedactionStatus::Withheld;
        assert_eq!(item.canonical_bytes(), generic(&item));
        for s in [RedactionStatus::None, RedactionStatus::Partial] {
            item.redaction.as_mut().unwrap().status = s;
            assert_eq!(item.canonical_bytes(), generic(&item));
        }
        // Past 2^53 - 1 the generic form is used, whatever it is.
        item.size = Some(u64::MAX);
        assert_eq!(item.canonical_bytes(), generic(&item));
        item.size = Some(canonical::MAX_INTEGER);
        assert_eq!(item.canonical_bytes(), generic(&item));
        item.redaction.as_mut().unwrap().regions = Some(canonical::MAX_INTEGER + 1);
        assert_eq!(item.canonical_bytes(), generic(&item));
    }

    #[test]
    fn strings_escaped_as_rfc_8785_says() {
        let mut item = full_item();
        item.id = "q\"b\\ \u{8}\t\n\u{c}\r \u{0}\u{1f}\u{7f} \u{2028} é 𝄞".into();
        let bytes = item.canonical_bytes();
        assert_eq!(bytes, canonical::to_canonical(&item).unwrap());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(
            "{\"id\":\"q\\\"b\\\\ \\b\\t\\n\\f\\r \\u0000\\u001f\u{7f} \u{2028} é 𝄞\","
        ));
    }

    /// Any string, or one of the characters JCS escapes and a few others.
    fn string() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-z0-9 \"\\\\/é𝄞\t\n\r\u{8}\u{c}\u{7f}\u{2028}]{0,8}"
        ]
    }

    fn text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(string())
    }

    fn number() -> impl Strategy<Value = Option<u64>> {
        proptest::option::of(prop_oneof![
            0..=1000u64,
            canonical::MAX_INTEGER - 2..=canonical::MAX_INTEGER + 2,
            any::<u64>(),
        ])
    }

    fn description() -> impl Strategy<Value = Description> {
        (
            (text(), text(), text(), text(), text(), text()),
            (text(), text(), text(), text(), text(), text()),
        )
            .prop_map(|((a, b, c, d, e, f), (g, h, i, j, k, l))| Description {
                case_no: a,
                volume: b,
                pages: c,
                doc_type: d,
                title: e,
                date: f,
                language: g,
                description: h,
                source: i,
                custody: j,
                digitization: k,
                rights: l,
            })
    }

    fn redaction() -> impl Strategy<Value = Redaction> {
        (
            prop_oneof![
                Just(RedactionStatus::None),
                Just(RedactionStatus::Partial),
                Just(RedactionStatus::Withheld)
            ],
            proptest::collection::vec(string(), 0..3),
            text(),
            number(),
            text(),
            text(),
        )
            .prop_map(
                |(status, categories, legal_basis, regions, reason, commitment)| Redaction {
                    status,
                    categories,
                    legal_basis,
                    regions,
                    reason,
                    commitment,
                },
            )
    }

    fn item() -> impl Strategy<Value = Item> {
        (
            string(),
            text(),
            text(),
            number(),
            text(),
            proptest::option::of(description()),
            proptest::option::of(redaction()),
        )
            .prop_map(
                |(id, path, sha256, size, media_type, metadata, redaction)| Item {
                    id,
                    path,
                    sha256,
                    size,
                    media_type,
                    metadata: metadata.map(Box::new),
                    redaction: redaction.map(Box::new),
                },
            )
    }

    proptest! {
        #[test]
        fn canonical_bytes_match_the_generic_serializer_for_any_item(i in item()) {
            prop_assert_eq!(i.canonical_bytes(), canonical::to_canonical(&i).unwrap());
        }
    }

    /// Whether the reader must take these canonical bytes: no control character without a
    /// short escape in a string (`\u00xx`), no integer past 2^53 - 1.
    fn plainly_canonical(i: &Item) -> bool {
        let bytes = i.canonical_bytes();
        let strings_plain = !bytes.windows(2).any(|w| w == b"\\u");
        let in_range = [i.size, i.redaction.as_ref().and_then(|r| r.regions)]
            .into_iter()
            .flatten()
            .all(|n| n <= canonical::MAX_INTEGER);
        // `\\u` (an escaped backslash before a `u`) counts as an escape here too: such items
        // are only not required to be read, and the next test checks what is read.
        strings_plain && in_range
    }

    /// Any byte, or one that means something in JSON.
    fn json_byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            any::<u8>(),
            prop::sample::select(b"\\/\"0123456789 -.eEu{}[],:ntf\x1f\x7f".to_vec()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_canonical_reader_reads_back_what_the_writer_wrote(i in item()) {
            let bytes = i.canonical_bytes();
            match Item::from_canonical_bytes(&bytes) {
                Some(read) => prop_assert_eq!(read, i),
                None => prop_assert!(!plainly_canonical(&i), "{}", String::from_utf8_lossy(&bytes)),
            }
        }

        /// What it reads from any bytes is what is written again as those same bytes.
        #[test]
        fn the_canonical_reader_takes_only_canonical_bytes(
            i in item(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), json_byte(), 0u8..3), 1..4),
        ) {
            let mut bytes = i.canonical_bytes();
            for (at, byte, how) in edits {
                let at = at.index(bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at.min(bytes.len()), byte),
                }
            }
            if let Some(read) = Item::from_canonical_bytes(&bytes) {
                prop_assert_eq!(read.canonical_bytes(), bytes);
                let generic: Item = serde_json::from_slice(&read.canonical_bytes()).unwrap();
                prop_assert_eq!(generic, read);
            }
        }
    }

    #[test]
    fn the_canonical_reader_refuses_other_spellings() {
        let i = full_item();
        let bytes = String::from_utf8(i.canonical_bytes()).unwrap();
        assert_eq!(
            Item::from_canonical_bytes(bytes.as_bytes()),
            Some(i.clone())
        );
        for (from, to) in [
            ("{\"id\"", "{ \"id\""),
            ("\"size\":", "\"size\": "),
            ("\"status\":\"partial\"", "\"status\":\"Partial\""),
            ("\"regions\":4", "\"regions\":04"),
            ("\"regions\":4", "\"regions\":4.0"),
            ("\"regions\":4", "\"regions\":-4"),
            ("\"title\":\"", "\"title\":\"\\/"),
            ("\"title\":\"", "\"title\":\"\\u0041"),
            ("\"media_type\"", "\"extra\":1,\"media_type\""),
        ] {
            assert!(bytes.contains(from), "{from}");
            let edited = bytes.replacen(from, to, 1);
            assert_eq!(
                Item::from_canonical_bytes(edited.as_bytes()),
                None,
                "{edited}"
            );
        }
        let mut empty = i.clone();
        empty.redaction.as_mut().unwrap().categories.clear();
        let with_empty = String::from_utf8(empty.canonical_bytes())
            .unwrap()
            .replacen("\"commitment\"", "\"categories\":[],\"commitment\"", 1);
        assert_eq!(Item::from_canonical_bytes(with_empty.as_bytes()), None);
        assert_eq!(Item::from_canonical_bytes(b"{\"id\":\"a\"}x"), None);
        assert_eq!(
            Item::from_canonical_bytes(b"{\"id\":\"a\\tb\"}"),
            Some(Item {
                id: "a\tb".into(),
                path: None,
                sha256: None,
                size: None,
                media_type: None,
                metadata: None,
                redaction: None,
            })
        );
    }
}
