//! The file trailer and cross-reference sections (PDF 32000-1 §7.5.5, §7.5.8): which objects the
//! document starts from (`/Root`, `/Info`), whether it is encrypted (`/Encrypt`, §7.6), and how
//! many revisions incremental updates (§7.5.6) have stacked on the original file. A linearized
//! file (Annex F) has one extra cross-reference section for its first page, which is not a
//! revision.

use super::lexer::{Lexer, Obj};
use super::objects::RawObj;
use crate::rules::RuleId;
use crate::sink::Sink;

/// The trailers and `startxref` markers of a file, outside stream data.
pub(super) struct Trailers {
    /// Every `trailer` dictionary, with its offset.
    dicts: Vec<(usize, Obj)>,
    /// The offset of every `startxref`: one per cross-reference section.
    pub(super) startxrefs: Vec<usize>,
}

fn find_all(data: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(data, needle)
        .take(100_000)
        .collect()
}

fn is_xref_stream(o: &RawObj) -> bool {
    o.obj.get(b"Type").is_some_and(|t| t.is_name(b"XRef"))
}

impl Trailers {
    /// Finds every `trailer` dictionary and `startxref` that is not inside stream data.
    pub(super) fn find(data: &[u8], stream_ranges: &[(usize, usize)]) -> Trailers {
        let outside = |p: usize| !stream_ranges.iter().any(|&(s, e)| p >= s && p < e);
        let dicts = find_all(data, b"trailer")
            .into_iter()
            .filter(|&p| outside(p))
            .filter_map(|p| {
                let mut lx = Lexer::new(data, p + 7);
                match lx.next_obj(0) {
                    Some(o @ Obj::Dict(_)) => Some((p, o)),
                    _ => None,
                }
            })
            .collect();
        let startxrefs = find_all(data, b"startxref")
            .into_iter()
            .filter(|&p| outside(p))
            .collect();
        Trailers { dicts, startxrefs }
    }

    /// Whether a trailer or a cross-reference stream names an encryption dictionary: the gate
    /// cannot read encrypted strings and streams.
    pub(super) fn encrypted(&self, objs: &[RawObj]) -> bool {
        self.dicts.iter().any(|(_, t)| t.get(b"Encrypt").is_some())
            || objs
                .iter()
                .filter(|o| is_xref_stream(o))
                .any(|o| o.obj.get(b"Encrypt").is_some())
    }

    /// The document catalog's reference (`/Root`) of the last trailer or cross-reference stream
    /// that has one.
    pub(super) fn root(&self, objs: &[RawObj]) -> Option<Obj> {
        self.dicts
            .iter()
            .map(|(p, t)| (*p, t.get(b"Root").cloned()))
            .chain(
                objs.iter()
                    .filter(|o| is_xref_stream(o))
                    .map(|o| (o.start, o.obj.get(b"Root").cloned())),
            )
            .filter_map(|(p, r)| r.map(|r| (p, r)))
            .max_by_key(|(p, _)| *p)
            .map(|(_, r)| r)
    }

    /// The object number of the document information dictionary (`/Info`, §14.3.3), from the
    /// last trailer or object that refers to one.
    pub(super) fn info_object(&self, objs: &[RawObj]) -> Option<u32> {
        self.dicts
            .iter()
            .map(|(p, t)| (*p, t.get(b"Info").cloned()))
            .chain(objs.iter().map(|o| (o.start, o.obj.get(b"Info").cloned())))
            .filter_map(|(p, r)| match r {
                Some(Obj::Ref(n, _)) => Some((p, n)),
                _ => None,
            })
            .max_by_key(|(p, _)| *p)
            .map(|(_, n)| n)
    }
}

/// The revisions of a file: the original and one per incremental update.
pub(super) struct Revisions<'a> {
    startxrefs: &'a [usize],
    /// 1 when the file is linearized (its first cross-reference section is not a revision).
    linearized: usize,
    /// How many revisions there are (at least 1).
    pub(super) count: usize,
}

impl<'a> Revisions<'a> {
    /// Counts the revisions: one per cross-reference section, less the first-page section of a
    /// linearized file (its first object carries `/Linearized`).
    pub(super) fn count(startxrefs: &'a [usize], objs: &[RawObj]) -> Revisions<'a> {
        let first = objs.iter().min_by_key(|o| o.start);
        let linearized =
            first.is_some_and(|o| o.start < 2048 && o.obj.get(b"Linearized").is_some());
        let linearized = usize::from(linearized);
        let count = startxrefs.len().saturating_sub(linearized).max(1);
        Revisions {
            startxrefs,
            linearized,
            count,
        }
    }

    /// The revision an offset belongs to: 0 for the original file, n for the n-th update.
    pub(super) fn of(&self, offset: usize) -> usize {
        let c = self.startxrefs.iter().filter(|&&s| s < offset).count();
        c.saturating_sub(self.linearized)
    }

    /// Flags incremental updates: more than one revision, or objects appended after the last
    /// cross-reference section (an update without its own section).
    pub(super) fn check_updates(&self, objs: &[RawObj], sink: &mut Sink) {
        let revisions = self.count;
        if revisions > 1 {
            sink.flag(
                RuleId::PdfIncrementalUpdate,
                &format!(
                    "{revisions} revisions ({} incremental updates)",
                    revisions - 1
                ),
            );
        }
        if let Some(&last_sx) = self.startxrefs.iter().max() {
            if objs.iter().any(|o| o.start > last_sx) {
                sink.flag(
                    RuleId::PdfIncrementalUpdate,
                    "objects after the last cross-reference section",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{findings, obj, raw};
    use super::*;

    #[test]
    fn trailers_outside_streams_only() {
        let data = b"trailer << /Size 1 >> stream trailer << /Size 2 >> endstream startxref 0 \
                     startxref 9";
        let t = Trailers::find(data, &[(22, 60)]);
        assert_eq!(t.dicts, vec![(0, obj("<< /Size 1 >>"))]);
        assert_eq!(t.startxrefs, vec![61, 73]);
        let none = Trailers::find(b"trailer 12", &[]);
        assert!(none.dicts.is_empty());
    }

    fn trailers(dicts: &[(usize, &str)]) -> Trailers {
        Trailers {
            dicts: dicts.iter().map(|(p, t)| (*p, obj(t))).collect(),
            startxrefs: Vec::new(),
        }
    }

    #[test]
    fn encryption_named_by_a_trailer_or_an_xref_stream() {
        let plain = [raw(1, 0, "<< /Encrypt 9 0 R >>")];
        assert!(!trailers(&[(5, "<< /Root 1 0 R >>")]).encrypted(&plain));
        assert!(trailers(&[(5, "<< /Encrypt 9 0 R >>")]).encrypted(&[]));
        let xref = [raw(2, 0, "<< /Type /XRef /Encrypt 9 0 R >>")];
        assert!(trailers(&[]).encrypted(&xref));
    }

    #[test]
    fn root_and_info_from_the_last_that_has_one() {
        let t = trailers(&[(10, "<< /Root 1 0 R /Info 3 0 R >>"), (50, "<< /Size 9 >>")]);
        let objs = [
            raw(7, 30, "<< /Type /XRef /Root 2 0 R >>"),
            raw(8, 40, "<< /Root 5 0 R /Info 4 0 R >>"),
        ];
        assert_eq!(t.root(&objs), Some(obj("2 0 R")), "not from any object");
        assert_eq!(t.info_object(&objs), Some(4), "from any object");
        assert_eq!(t.root(&[]), Some(obj("1 0 R")));
        assert_eq!(trailers(&[]).info_object(&[]), None);
    }

    #[test]
    fn revisions_counted_without_the_linearization_section() {
        let objs = [raw(1, 100, "<< >>"), raw(2, 500, "<< >>")];
        let r = Revisions::count(&[300, 600], &objs);
        assert_eq!(r.count, 2);
        assert_eq!((r.of(100), r.of(500), r.of(700)), (0, 1, 2));

        let lin = [raw(1, 9, "<< /Linearized 1 >>"), raw(2, 500, "<< >>")];
        let r = Revisions::count(&[300, 600], &lin);
        assert_eq!(r.count, 1);
        assert_eq!((r.of(100), r.of(500)), (0, 0));
        assert_eq!(Revisions::count(&[], &objs).count, 1);
    }

    #[test]
    fn incremental_updates_flagged() {
        let objs = [raw(1, 100, "<< >>"), raw(2, 700, "<< >>")];
        let updated = findings(&[], |sink| {
            Revisions::count(&[300, 600], &objs).check_updates(&objs, sink)
        });
        let what: Vec<&str> = updated.iter().map(|f| f.location.as_str()).collect();
        assert_eq!(
            what,
            vec![
                "2 revisions (1 incremental updates)",
                "objects after the last cross-reference section"
            ]
        );
        assert!(updated
            .iter()
            .all(|f| f.rule == RuleId::PdfIncrementalUpdate));
        let one = findings(&[], |sink| {
            Revisions::count(&[800], &objs).check_updates(&objs, sink)
        });
        assert!(one.is_empty(), "{one:?}");
    }
}
