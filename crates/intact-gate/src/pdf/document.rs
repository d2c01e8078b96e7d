//! The document structure (PDF 32000-1 §7.7): the latest definition of each object, references
//! resolved through it, the catalog, and the page tree with inherited resources.

use std::collections::{HashMap, HashSet};

use super::lexer::Obj;
use super::objects::RawObj;

/// The objects of a file, each number resolved to its latest definition.
pub(super) struct Doc<'a> {
    pub(super) objs: &'a [RawObj],
    pub(super) latest: &'a HashMap<u32, usize>,
}

/// A page object (§7.7.3.3) and the resources it has or inherits.
pub(super) struct Page {
    pub(super) dict: Obj,
    pub(super) resources: Option<Obj>,
}

/// The index of the latest definition of each object number: an incremental update's object
/// supersedes the original's, a later member of an object stream an earlier one.
pub(super) fn latest_definitions(objs: &[RawObj]) -> HashMap<u32, usize> {
    let mut latest: HashMap<u32, usize> = HashMap::new();
    for (i, o) in objs.iter().enumerate() {
        match latest.get(&o.num) {
            Some(&j) if objs[j].order >= o.order => {}
            _ => {
                latest.insert(o.num, i);
            }
        }
    }
    latest
}

impl<'a> Doc<'a> {
    /// The latest definition of object `num`.
    pub(super) fn get(&self, num: u32) -> Option<&'a RawObj> {
        self.latest.get(&num).and_then(|&i| self.objs.get(i))
    }

    /// Follows references (at most 32) to a direct object.
    pub(super) fn resolve<'b>(&self, o: &'b Obj) -> Option<&'b Obj>
    where
        'a: 'b,
    {
        let mut cur = o;
        for _ in 0..32 {
            match cur {
                Obj::Ref(n, _) => cur = &self.get(*n)?.obj,
                other => return Some(other),
            }
        }
        None
    }

    /// The document catalog (§7.7.2): the one `root` refers to, else the last object with
    /// `/Type /Catalog`.
    pub(super) fn catalog(&self, root: Option<&Obj>) -> Option<Obj> {
        match root {
            Some(r) => self.resolve(r).cloned(),
            None => self
                .objs
                .iter()
                .rev()
                .find(|o| o.obj.get(b"Type").is_some_and(|t| t.is_name(b"Catalog")))
                .map(|o| o.obj.clone()),
        }
    }

    /// The pages of the catalog's page tree, in order; none without a catalog or page tree.
    pub(super) fn catalog_pages(&self, catalog: Option<&Obj>) -> Vec<Page> {
        match catalog.and_then(|c| c.get(b"Pages")) {
            Some(p) => self.pages(p),
            None => Vec::new(),
        }
    }

    /// The pages under a page tree node (§7.7.3), in order.
    pub(super) fn pages(&self, root: &Obj) -> Vec<Page> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        self.walk_pages(root, None, 0, &mut seen, &mut out);
        out
    }

    fn walk_pages(
        &self,
        node: &Obj,
        inherited: Option<&Obj>,
        depth: usize,
        seen: &mut HashSet<u32>,
        out: &mut Vec<Page>,
    ) {
        if depth > 64 || out.len() > 200_000 {
            return;
        }
        if let Obj::Ref(n, _) = node {
            if !seen.insert(*n) {
                return;
            }
        }
        let Some(d) = self.resolve(node) else { return };
        let res = d.get(b"Resources").or(inherited);
        let is_pages = d.get(b"Type").is_some_and(|t| t.is_name(b"Pages"))
            || (d.get(b"Kids").is_some() && !d.get(b"Type").is_some_and(|t| t.is_name(b"Page")));
        if is_pages {
            if let Some(Obj::Array(kids)) = d.get(b"Kids").and_then(|k| self.resolve(k)) {
                for k in kids {
                    self.walk_pages(k, res, depth + 1, seen, out);
                }
            }
        } else if d.as_dict().is_some() {
            out.push(Page {
                dict: d.clone(),
                resources: res.cloned(),
            });
        }
    }
}

/// Object numbers referenced by a ref, an array of refs or a ref to an array.
pub(super) fn refs_in(o: Option<&Obj>, doc: &Doc) -> Vec<u32> {
    let refs = |a: &[Obj]| {
        a.iter()
            .filter_map(|x| match x {
                Obj::Ref(n, _) => Some(*n),
                _ => None,
            })
            .collect()
    };
    match o {
        Some(Obj::Ref(n, _)) => match doc.get(*n).map(|r| &r.obj) {
            Some(Obj::Array(a)) => refs(a),
            _ => vec![*n],
        },
        Some(Obj::Array(a)) => refs(a),
        _ => Vec::new(),
    }
}

/// What objects are to the pages: the first page whose content (`/Contents`) or annotations
/// (`/Annots`) each object is part of (1-based).
#[derive(Default)]
pub(super) struct PageParts {
    pub(super) content: HashMap<u32, usize>,
    pub(super) annotation: HashMap<u32, usize>,
}

impl PageParts {
    pub(super) fn of(pages: &[Page], doc: &Doc) -> PageParts {
        let mut parts = PageParts::default();
        for (i, p) in pages.iter().enumerate() {
            for r in refs_in(p.dict.get(b"Contents"), doc) {
                parts.content.entry(r).or_insert(i + 1);
            }
            for r in refs_in(p.dict.get(b"Annots"), doc) {
                parts.annotation.entry(r).or_insert(i + 1);
            }
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{obj, raw, with_doc};
    use super::*;

    #[test]
    fn latest_definition_wins() {
        let mut member = raw(1, 50, "(member 1)");
        member.order = (50, 1);
        let mut member2 = raw(1, 50, "(member 2)");
        member2.order = (50, 2);
        let objs = [
            raw(1, 10, "(original)"),
            member2,
            member,
            raw(2, 20, "(two)"),
        ];
        let latest = latest_definitions(&objs);
        assert_eq!(latest[&1], 1);
        assert_eq!(latest[&2], 3);
    }

    #[test]
    fn references_resolved_through_latest_definitions() {
        let objs = [
            raw(1, 0, "2 0 R"),
            raw(2, 10, "(old)"),
            raw(2, 20, "(new)"),
            raw(3, 30, "4 0 R"),
            raw(4, 40, "3 0 R"),
        ];
        with_doc(&objs, |doc| {
            assert_eq!(doc.resolve(&obj("1 0 R")), Some(&obj("(new)")));
            assert_eq!(doc.resolve(&obj("12")), Some(&obj("12")));
            assert_eq!(doc.resolve(&obj("3 0 R")), None, "a loop");
            assert_eq!(doc.resolve(&obj("9 0 R")), None, "no such object");
        });
    }

    #[test]
    fn catalog_from_root_else_by_type() {
        let objs = [
            raw(1, 0, "<< /Type /Catalog /N 1 >>"),
            raw(2, 10, "<< /Type /Catalog /N 2 >>"),
        ];
        with_doc(&objs, |doc| {
            assert_eq!(doc.catalog(Some(&obj("1 0 R"))), Some(objs[0].obj.clone()));
            assert_eq!(doc.catalog(None), Some(objs[1].obj.clone()));
            assert_eq!(doc.catalog(Some(&obj("5 0 R"))), None);
        });
    }

    #[test]
    fn page_tree_in_order_with_inherited_resources() {
        let objs = [
            raw(1, 0, "<< /Type /Catalog /Pages 2 0 R >>"),
            raw(
                2,
                10,
                "<< /Type /Pages /Kids [3 0 R 4 0 R 2 0 R] /Resources << /R 1 >> >>",
            ),
            raw(3, 20, "<< /Type /Page /N 1 >>"),
            raw(4, 30, "<< /Kids [5 0 R] >>"),
            raw(5, 40, "<< /Type /Page /N 2 /Resources << /R 2 >> >>"),
        ];
        with_doc(&objs, |doc| {
            let pages = doc.catalog_pages(doc.catalog(None).as_ref());
            let seen: Vec<(Option<&Obj>, Option<&Obj>)> = pages
                .iter()
                .map(|p| {
                    (
                        p.dict.get(b"N"),
                        p.resources.as_ref().and_then(|r| r.get(b"R")),
                    )
                })
                .collect();
            let (one, two) = (obj("1"), obj("2"));
            // the loop back to the root is not followed again
            assert_eq!(
                seen,
                vec![(Some(&one), Some(&one)), (Some(&two), Some(&two))]
            );
            assert!(doc.catalog_pages(None).is_empty());
        });
    }

    #[test]
    fn refs_in_a_ref_an_array_or_a_ref_to_an_array() {
        let objs = [raw(1, 0, "[2 0 R 3 0 R 5]"), raw(2, 10, "<< >>")];
        with_doc(&objs, |doc| {
            assert_eq!(refs_in(Some(&obj("1 0 R")), doc), vec![2, 3]);
            assert_eq!(refs_in(Some(&obj("2 0 R")), doc), vec![2]);
            assert_eq!(refs_in(Some(&obj("[4 0 R /X]")), doc), vec![4]);
            assert_eq!(refs_in(Some(&obj("7")), doc), Vec::<u32>::new());
            assert_eq!(refs_in(None, doc), Vec::<u32>::new());
        });
    }

    #[test]
    fn page_parts_on_their_first_page() {
        let objs = [raw(9, 0, "[10 0 R 11 0 R]")];
        let page = |text: &str| Page {
            dict: obj(text),
            resources: None,
        };
        let pages = [
            page("<< /Contents 9 0 R /Annots [12 0 R] >>"),
            page("<< /Contents 10 0 R /Annots [12 0 R 13 0 R] >>"),
        ];
        let parts = with_doc(&objs, |doc| PageParts::of(&pages, doc));
        assert_eq!(parts.content, HashMap::from([(10, 1), (11, 1)]));
        assert_eq!(parts.annotation, HashMap::from([(12, 1), (13, 2)]));
    }
}
