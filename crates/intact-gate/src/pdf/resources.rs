//! A page's resources (PDF 32000-1 §7.8.3) as the content interpreter needs them: its fonts
//! (§9.6–§9.10) turned into [`font::Font`]s, and what its graphics state parameter dictionaries
//! (§8.4.5) say of a fill's opacity: the fill alpha (`/ca`) and the soft mask (`/SMask`, §11.6.5).

use std::collections::HashMap;
use std::rc::Rc;

use super::content::FillOpacity;
use super::document::Doc;
use super::font;
use super::lexer::Obj;

/// Fonts by resource name, fill opacities by graphics state name, and the `/ActualText` of
/// property lists by name.
pub(super) type PageResources = (
    HashMap<Vec<u8>, Rc<font::Font>>,
    HashMap<Vec<u8>, FillOpacity>,
    HashMap<Vec<u8>, String>,
);

/// The fonts and fill opacities of a resource dictionary; fonts that are indirect objects are
/// built once per file (`cache`, by object number).
pub(super) fn page_resources(
    res: Option<&Obj>,
    doc: &Doc,
    cache: &mut HashMap<u32, Rc<font::Font>>,
) -> PageResources {
    match res {
        Some(res) => (
            fonts(res, doc, cache),
            fill_alphas(res, doc),
            actual_texts(res, doc),
        ),
        None => (HashMap::new(), HashMap::new(), HashMap::new()),
    }
}

/// The `/Font` entries of a resource dictionary.
fn fonts(
    res: &Obj,
    doc: &Doc,
    cache: &mut HashMap<u32, Rc<font::Font>>,
) -> HashMap<Vec<u8>, Rc<font::Font>> {
    let mut fonts = HashMap::new();
    if let Some(Obj::Dict(fd)) = res.get(b"Font").and_then(|f| doc.resolve(f)) {
        for (name, v) in fd.iter().take(10_000) {
            let f = match v {
                Obj::Ref(n, _) => {
                    if let Some(f) = cache.get(n) {
                        f.clone()
                    } else {
                        let f = Rc::new(
                            doc.resolve(v)
                                .map(|d| build_font(d, doc))
                                .unwrap_or_else(font::Font::unknown),
                        );
                        cache.insert(*n, f.clone());
                        f
                    }
                }
                d => Rc::new(build_font(d, doc)),
            };
            fonts.insert(name.clone(), f);
        }
    }
    fonts
}

/// The fill alpha (`/ca`) and soft mask (`/SMask`: a mask dictionary, or `/None` to remove it)
/// of each `/ExtGState` entry that sets either.
fn fill_alphas(res: &Obj, doc: &Doc) -> HashMap<Vec<u8>, FillOpacity> {
    let mut alphas = HashMap::new();
    if let Some(Obj::Dict(gd)) = res.get(b"ExtGState").and_then(|f| doc.resolve(f)) {
        for (name, v) in gd.iter().take(10_000) {
            let Some(g) = doc.resolve(v) else { continue };
            let alpha = num_of(g.get(b"ca"), doc);
            let soft_mask = g
                .get(b"SMask")
                .and_then(|m| doc.resolve(m))
                .map(|m| !m.is_name(b"None"));
            if alpha.is_some() || soft_mask.is_some() {
                alphas.insert(name.clone(), FillOpacity { alpha, soft_mask });
            }
        }
    }
    alphas
}

/// The `/ActualText` (§14.9.4) of each `/Properties` entry (§14.6.2) that has one.
fn actual_texts(res: &Obj, doc: &Doc) -> HashMap<Vec<u8>, String> {
    let mut texts = HashMap::new();
    if let Some(Obj::Dict(pd)) = res.get(b"Properties").and_then(|p| doc.resolve(p)) {
        for (name, v) in pd.iter().take(10_000) {
            let resolved = doc.resolve(v).map(|p| match p.get(b"ActualText") {
                Some(a @ Obj::Ref(..)) => doc.resolve(a).and_then(|a| match a {
                    Obj::Str(s) => crate::text::pdf_string(s).into_iter().next(),
                    _ => None,
                }),
                _ => super::content::actual_text(p),
            });
            if let Some(Some(t)) = resolved {
                texts.insert(name.clone(), t);
            }
        }
    }
    texts
}

fn num_of(o: Option<&Obj>, doc: &Doc) -> Option<f64> {
    o.and_then(|v| doc.resolve(v)).and_then(|v| v.as_num())
}

/// A font dictionary as a [`font::Font`]: a composite font (Type0, §9.7) has 2-byte codes and
/// its descendant CIDFont's widths; a simple font (§9.6) has `/Widths` and `/Differences`; a
/// `/ToUnicode` CMap (§9.10.3), when it maps anything, decides the text of every code.
pub(super) fn build_font(fd: &Obj, doc: &Doc) -> font::Font {
    let mut f = font::Font::unknown();
    let subtype = fd.get(b"Subtype").and_then(|s| s.as_name()).unwrap_or(b"");
    let type0 = subtype == b"Type0";
    if type0 {
        f.code_len = 2;
        f.default_width = 1000.0;
        cid_widths(fd, doc, &mut f);
    } else {
        simple_widths(fd, doc, &mut f);
        type3_scale(fd, doc, &mut f);
        differences(fd, doc, &mut f);
    }
    to_unicode(fd, doc, type0, &mut f);
    f
}

/// `/DW` and `/W` of a composite font's descendant CIDFont (§9.7.4.3).
fn cid_widths(fd: &Obj, doc: &Doc, f: &mut font::Font) {
    let Some(Obj::Array(desc)) = fd.get(b"DescendantFonts").and_then(|d| doc.resolve(d)) else {
        return;
    };
    let Some(cid) = desc.first().and_then(|d| doc.resolve(d)) else {
        return;
    };
    if let Some(dw) = num_of(cid.get(b"DW"), doc) {
        f.default_width = dw;
    }
    let Some(Obj::Array(w)) = cid.get(b"W").and_then(|w| doc.resolve(w)) else {
        return;
    };
    let mut i = 0;
    while i < w.len() && f.widths.len() < 200_000 {
        match (w.get(i).and_then(|x| x.as_num()), w.get(i + 1)) {
            // c [w1 w2 ...]
            (Some(c), Some(Obj::Array(ws))) => {
                for (k, x) in ws.iter().enumerate() {
                    if let Some(x) = x.as_num() {
                        f.widths.insert(c as u32 + k as u32, x);
                    }
                }
                i += 2;
            }
            // c_first c_last w
            (Some(c1), Some(Obj::Num(c2))) => {
                let wv = w.get(i + 2).and_then(|x| x.as_num()).unwrap_or(1000.0);
                let (a, b) = (c1 as u32, *c2 as u32);
                if b >= a && b - a < 65536 {
                    for c in a..=b {
                        f.widths.insert(c, wv);
                    }
                }
                i += 3;
            }
            _ => break,
        }
    }
}

/// `/FirstChar` and `/Widths` of a simple font (§9.6.2).
/// Without `/Widths`, a standard font named by `/BaseFont` has its built-in metrics
/// ([`stdfonts`](super::stdfonts), §9.6.2.2).
fn simple_widths(fd: &Obj, doc: &Doc, f: &mut font::Font) {
    let first = num_of(fd.get(b"FirstChar"), doc).unwrap_or(0.0) as u32;
    if let Some(Obj::Array(ws)) = fd.get(b"Widths").and_then(|w| doc.resolve(w)) {
        for (k, x) in ws.iter().enumerate().take(65536) {
            if let Some(x) = num_of(Some(x), doc) {
                f.widths.insert(first + k as u32, x);
            }
        }
        return;
    }
    let base = fd
        .get(b"BaseFont")
        .and_then(|b| doc.resolve(b))
        .and_then(|b| b.as_name());
    if let Some(ws) = base.and_then(super::stdfonts::standard_widths) {
        for (k, w) in ws.iter().enumerate() {
            f.widths.insert(32 + k as u32, f64::from(*w));
        }
    }
}

/// A Type 3 font's widths are in its glyph space (§9.6.5): scaled to 1/1000 em by its
/// `/FontMatrix` (a bitmap font's is often [0.01 0 0 0.01 0 0], not [0.001 …]).
fn type3_scale(fd: &Obj, doc: &Doc, f: &mut font::Font) {
    if !fd.get(b"Subtype").is_some_and(|s| s.is_name(b"Type3")) {
        return;
    }
    let Some(Obj::Array(m)) = fd.get(b"FontMatrix").and_then(|m| doc.resolve(m)) else {
        return;
    };
    let Some(scale) = m
        .first()
        .and_then(|x| num_of(Some(x), doc))
        .map(|a| a.abs() * 1000.0)
    else {
        return;
    };
    if scale.is_finite() && scale > 0.0 {
        f.widths.values_mut().for_each(|w| *w *= scale);
    }
}

/// The glyph names of a simple font's `/Encoding /Differences` (§9.6.5.1), as text.
fn differences(fd: &Obj, doc: &Doc, f: &mut font::Font) {
    let Some(enc) = fd.get(b"Encoding").and_then(|e| doc.resolve(e)) else {
        return;
    };
    let Some(Obj::Array(diffs)) = enc.get(b"Differences") else {
        return;
    };
    let mut code = 0u32;
    for d in diffs.iter().take(100_000) {
        match d {
            Obj::Num(n) => code = *n as u32,
            Obj::Name(name) => {
                if let Some(t) = font::glyph_name_text(name) {
                    f.map.insert(code, t);
                }
                code = code.saturating_add(1);
            }
            _ => {}
        }
    }
}

/// The `/ToUnicode` CMap (§9.10.3), when it maps anything: it replaces the map, and gives a
/// composite font its code length.
fn to_unicode(fd: &Obj, doc: &Doc, type0: bool, f: &mut font::Font) {
    let Some(Obj::Ref(n, _)) = fd.get(b"ToUnicode") else {
        return;
    };
    if let Some(d) = doc.get(*n).and_then(|o| o.decoded.as_ref()) {
        let (len, map) = font::parse_to_unicode(d);
        if !map.is_empty() {
            f.map = map;
            f.has_unicode = true;
            f.code_len = if type0 { len.max(1) } else { 1 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{obj, raw, with_doc};
    use super::*;

    const TO_UNICODE: &[u8] = b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange \
          1 beginbfchar <0041> <0049> endbfchar endcmap";

    fn font(text: &str, objs: &[super::super::objects::RawObj]) -> font::Font {
        with_doc(objs, |doc| build_font(&obj(text), doc))
    }

    #[test]
    fn simple_font_widths_and_differences() {
        let objs = [raw(1, 0, "[500 600 2 0 R]"), raw(2, 10, "700")];
        let f = font(
            "<< /Subtype /Type1 /FirstChar 65 /Widths 1 0 R \
             /Encoding << /Differences [65 /I /v 90 /space] >> >>",
            &objs,
        );
        assert_eq!(f.code_len, 1);
        assert_eq!(
            (f.widths[&65], f.widths[&66], f.widths[&67]),
            (500.0, 600.0, 700.0)
        );
        assert_eq!(
            (
                f.map[&65].as_str(),
                f.map[&66].as_str(),
                f.map[&90].as_str()
            ),
            ("I", "v", " ")
        );
        assert!(!f.has_unicode);
        // a standard font without /Widths has its built-in metrics
        let helv = font("<< /Subtype /Type1 /BaseFont /Helvetica >>", &[]);
        assert_eq!((helv.widths[&65], helv.widths[&105]), (667.0, 222.0));
        let t3 = font(
            "<< /Subtype /Type3 /FontMatrix [0.01 0 0 0.01 0 0] /FirstChar 65 /Widths [50] >>",
            &[],
        );
        assert_eq!(t3.widths[&65], 500.0, "glyph space 1/100 em");
        let other = font("<< /Subtype /Type1 /BaseFont /CMR10 >>", &[]);
        assert!(other.widths.is_empty());
    }

    #[test]
    fn composite_font_cid_widths() {
        let objs = [raw(
            1,
            0,
            "<< /DW 800 /W [1 [100 200] 10 12 300 20 [/x] 30] >>",
        )];
        let f = font("<< /Subtype /Type0 /DescendantFonts [1 0 R] >>", &objs);
        assert_eq!((f.code_len, f.default_width), (2, 800.0));
        let mut widths: Vec<(u32, f64)> = f.widths.iter().map(|(c, w)| (*c, *w)).collect();
        widths.sort_by_key(|w| w.0);
        assert_eq!(
            widths,
            vec![
                (1, 100.0),
                (2, 200.0),
                (10, 300.0),
                (11, 300.0),
                (12, 300.0)
            ]
        );
        let bare = font("<< /Subtype /Type0 >>", &[]);
        assert_eq!((bare.code_len, bare.default_width), (2, 1000.0));
    }

    #[test]
    fn to_unicode_decides_the_text() {
        let mut cmap = raw(1, 0, "<< >>");
        cmap.decoded = Some(TO_UNICODE.to_vec());
        let objs = [cmap];
        let f = font("<< /Subtype /Type0 /ToUnicode 1 0 R >>", &objs);
        assert!(f.has_unicode);
        assert_eq!(f.code_len, 2);
        assert_eq!(f.map[&0x41].as_str(), "I");
        let simple = font(
            "<< /Subtype /TrueType /Encoding << /Differences [66 /v] >> /ToUnicode 1 0 R >>",
            &objs,
        );
        assert_eq!(simple.code_len, 1);
        assert!(
            !simple.map.contains_key(&66),
            "the CMap replaces /Differences"
        );
        let unmapped = font("<< /Subtype /TrueType /ToUnicode 9 0 R >>", &objs);
        assert!(!unmapped.has_unicode);
    }

    #[test]
    fn page_fonts_built_once_and_fill_alphas() {
        let objs = [
            raw(1, 0, "<< /Subtype /Type0 >>"),
            raw(2, 10, "<< /ca 0.5 >>"),
        ];
        let res = obj("<< /Font << /F1 1 0 R /F2 << /Subtype /Type1 >> >> \
                       /ExtGState << /G1 2 0 R /G2 << /CA 1 >> /G3 << /ca 0.25 >> \
                       /M1 << /SMask << /S /Luminosity >> >> /M0 << /SMask /None >> >> >>");
        let mut cache = HashMap::new();
        let (fonts, alphas, _) = with_doc(&objs, |doc| page_resources(Some(&res), doc, &mut cache));
        assert_eq!(
            (
                fonts[b"F1".as_slice()].code_len,
                fonts[b"F2".as_slice()].code_len
            ),
            (2, 1)
        );
        assert_eq!(cache.keys().collect::<Vec<_>>(), vec![&1]);
        let fill = |alpha, soft_mask| FillOpacity { alpha, soft_mask };
        assert_eq!(
            alphas,
            HashMap::from([
                (b"G1".to_vec(), fill(Some(0.5), None)),
                (b"G3".to_vec(), fill(Some(0.25), None)),
                (b"M1".to_vec(), fill(None, Some(true))),
                (b"M0".to_vec(), fill(None, Some(false))),
            ])
        );
        let (fonts, alphas, texts) = with_doc(&objs, |doc| page_resources(None, doc, &mut cache));
        assert!(fonts.is_empty() && alphas.is_empty() && texts.is_empty());
    }

    #[test]
    fn actual_texts_of_named_property_lists() {
        let objs = [
            raw(1, 0, "<FEFF0049>"),
            raw(2, 10, "<< /ActualText 1 0 R >>"),
        ];
        let res =
            obj("<< /Properties << /P0 << /ActualText (Ivan) >> /P1 2 0 R /P2 << /MCID 3 >> >> >>");
        let mut cache = HashMap::new();
        let (_, _, texts) = with_doc(&objs, |doc| page_resources(Some(&res), doc, &mut cache));
        assert_eq!(
            texts,
            HashMap::from([
                (b"P0".to_vec(), "Ivan".to_string()),
                (b"P1".to_vec(), "I".to_string())
            ])
        );
    }
}
