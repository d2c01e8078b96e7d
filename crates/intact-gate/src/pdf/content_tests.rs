//! Tests of the content-stream interpreter.
use super::*;

fn ops(it: &mut Interpreter, content: &str) {
    let mut lx = Lexer::new(content.as_bytes(), 0);
    let mut stack = Vec::new();
    while let Some(o) = lx.next_obj(0) {
        match o {
            Obj::Kw(op) => {
                it.seq += 1;
                it.operator(&op, &stack);
                stack.clear();
            }
            other => stack.push(other),
        }
    }
}

/// The graphics states of the tests: `/Half` (fill alpha 0.5), `/Masked` (a soft mask) and
/// `/Unmasked` (`/SMask /None`).
fn test_states() -> HashMap<Vec<u8>, FillOpacity> {
    let fill = |alpha, soft_mask| FillOpacity { alpha, soft_mask };
    HashMap::from([
        (b"Half".to_vec(), fill(Some(0.5), None)),
        (b"Masked".to_vec(), fill(None, Some(true))),
        (b"Unmasked".to_vec(), fill(None, Some(false))),
    ])
}

/// Runs `f` on an interpreter with no fonts and the [`test_states`].
fn with_interpreter<T>(f: impl FnOnce(&mut Interpreter) -> T) -> T {
    let fonts = HashMap::new();
    let alphas = test_states();
    let texts = HashMap::from([(b"P1".to_vec(), "Fictitious".to_string())]);
    let unknown = Font::unknown();
    let res = Resources {
        fonts: &fonts,
        alphas: &alphas,
        actual_texts: &texts,
    };
    f(&mut Interpreter::new(&res, &unknown))
}

fn text(content: &str) -> PageText {
    let fonts = HashMap::new();
    let alphas = test_states();
    let texts = HashMap::from([(b"P1".to_vec(), "Fictitious".to_string())]);
    interpret(
        content.as_bytes(),
        &Resources {
            fonts: &fonts,
            alphas: &alphas,
            actual_texts: &texts,
        },
    )
}

#[test]
fn graphics_state_saved_restored_and_transformed() {
    with_interpreter(|it| {
        ops(it, "q 2 0 0 2 10 20 cm /Half gs");
        assert_eq!(it.gfx.ctm, [2.0, 0.0, 0.0, 2.0, 10.0, 20.0]);
        assert_eq!(it.gfx.alpha, 0.5);
        ops(it, "1 0 0 1 5 5 cm");
        assert_eq!(it.gfx.ctm[4..], [20.0, 30.0]);
        ops(it, "Q");
        assert_eq!((it.gfx.ctm, it.gfx.alpha), (ID, 1.0));
        ops(it, "Q /Unknown gs 1 2 cm");
        assert_eq!((it.gfx.ctm, it.gfx.alpha), (ID, 1.0));
    });
}

#[test]
fn fill_colour_luminance() {
    with_interpreter(|it| {
        let lum = |it: &mut Interpreter, c: &str| {
            ops(it, c);
            (it.gfx.fill_lum * 1000.0).round() / 1000.0
        };
        assert_eq!(lum(it, "0.5 g"), 0.5);
        assert_eq!(lum(it, "1 1 1 rg"), 1.0);
        assert_eq!(lum(it, "0 0 0 1 k"), 0.0);
        assert_eq!(lum(it, "0 0 0 0 k"), 1.0);
        assert_eq!(lum(it, "/Pattern cs"), 1.0);
        assert_eq!(lum(it, "/DeviceGray cs"), 0.0);
        assert_eq!(lum(it, "/P1 scn"), 1.0, "a pattern is not dark");
        assert_eq!(lum(it, "1 sc"), 1.0);
        assert_eq!(lum(it, "0.2 0.2 sc"), 1.0, "two components: unchanged");
    });
}

#[test]
fn paths_filled_as_boxes() {
    with_interpreter(|it| {
        ops(it, "2 0 0 2 0 0 cm 0 g 10 10 5 5 re f");
        assert_eq!(it.fills.len(), 1);
        let r = it.fills[0].rect;
        assert_eq!((r.x0, r.y0, r.x1, r.y1), (20.0, 20.0, 30.0, 30.0));
        assert!(it.fills[0].dark);
        // a closed axis-aligned polygon is a box; a curve is not
        ops(it, "0 0 m 4 0 l 4 4 l 0 4 l f");
        ops(it, "0 0 m 4 0 l 4 4 c 0 4 l f");
        assert_eq!(it.fills.len(), 2);
        // stroking and clipping paths are not fills; translucent fills do not hide
        ops(it, "0 0 5 5 re S 0 0 5 5 re n /Half gs 0 0 5 5 re f");
        assert_eq!(it.fills.len(), 2);
        assert!(it.path.pts.is_empty() && it.path.rects.is_empty() && !it.path.curved);
    });
}

#[test]
fn soft_masked_fills_are_not_boxes() {
    // a box made transparent by a soft mask (beamer, xcolor swatches) hides nothing
    with_interpreter(|it| {
        ops(it, "0 g q /Masked gs 0 0 5 5 re f Q");
        assert!(it.fills.is_empty());
        ops(it, "0 0 5 5 re f /Masked gs /Unmasked gs 0 0 5 5 re f");
        assert_eq!(it.fills.len(), 2, "restored, then the mask removed");
    });
    let masked = text("BT 12 Tf 100 100 Td (Seen) Tj ET /Masked gs 0 g 90 90 100 30 re f");
    assert_eq!(masked.hidden_glyphs, 0);
}

#[test]
fn text_state_and_positioning() {
    with_interpreter(|it| {
        ops(it, "BT /F9 10 Tf 1 Tc 2 Tw 50 Tz 14 TL 3 Ts 7 Tr");
        let t = it.text;
        assert_eq!(
            (
                t.size,
                t.char_spacing,
                t.word_spacing,
                t.h_scale,
                t.leading,
                t.rise,
                t.render
            ),
            (10.0, 1.0, 2.0, 0.5, 14.0, 3.0, 7)
        );
        ops(it, "5 6 Td T*");
        assert_eq!(it.text.tm[4..], [5.0, -8.0]);
        ops(it, "0 -12 TD");
        assert_eq!((it.text.leading, it.text.tm[5]), (12.0, -20.0));
        ops(it, "1 0 0 1 100 200 Tm");
        assert_eq!(it.text.tlm[4..], [100.0, 200.0]);
        ops(it, "ET BT");
        assert_eq!(it.text.tm, ID);
        assert_eq!(it.out.tight, "\n\n\n\n\n");
        assert_eq!(it.out.spaced, "\n");
    });
}

#[test]
fn text_shown_and_advanced() {
    with_interpreter(|it| {
        ops(it, "BT 10 Tf 2 Tw (a b) Tj");
        // three glyphs of half an em, a word space after the space glyph
        assert_eq!(it.text.tm[4], 15.0 + 2.0);
        assert_eq!(it.glyphs.len(), 2, "blank glyphs are not positioned");
        ops(it, "[(c) -300 (d)] TJ 1 2 (e) \"");
        assert_eq!(it.text.word_spacing, 1.0);
        assert_eq!(it.text.char_spacing, 2.0);
        assert_eq!(it.out.tight, "a bc d\ne");
        assert_eq!(it.out.spaced, " a b c d e");
    });
}

#[test]
fn glyphs_hidden_under_dark_boxes() {
    let under = text("BT 12 Tf 100 100 Td (Secret) Tj ET 0 g 90 90 100 30 re f");
    assert_eq!(
        (under.spaced.as_str(), under.hidden_glyphs),
        (" Secret\n", 6)
    );
    let light = text("BT 12 Tf 100 100 Td (Shown) Tj ET 1 g 90 90 100 30 re f");
    assert_eq!(light.hidden_glyphs, 0);
    // a box painted before the text hides only dark or invisible text
    let before = "0 g 90 90 100 30 re f 1 g BT 12 Tf 100 100 Td (On top) Tj ET";
    assert_eq!(text(before).hidden_glyphs, 0);
    let before_dark = "0 g 90 90 100 30 re f BT 12 Tf 100 100 Td (Dark) Tj ET";
    assert_eq!(text(before_dark).hidden_glyphs, 4);
    let invisible = "0 g 90 90 100 30 re f 1 g BT 3 Tr 100 100 Td (Hid) Tj ET";
    assert_eq!(text(invisible).hidden_glyphs, 3);
    // text on top in a colour that stands out from the box is seen (a dark blue swatch)
    let contrast = "0.2 0.1 0.3 rg 90 90 100 30 re f 0 g BT 12 Tf 100 100 Td (Seen) Tj ET";
    assert_eq!(text(contrast).hidden_glyphs, 0);
    // a swatch labelled in its own colour with one or two characters hides no withheld string
    let label = "0 g 90 90 100 30 re f BT 12 Tf 100 100 Td (13) Tj ET \
                 0 g 0 0 50 30 re f BT 12 Tf 5 5 Td (Ivan) Tj ET";
    assert_eq!(
        text(label).hidden_glyphs,
        4,
        "only the four glyphs of the second box"
    );
    // painted over, even one glyph is hidden
    assert_eq!(
        text("BT 12 Tf 100 100 Td (I) Tj ET 0 g 90 90 30 30 re f").hidden_glyphs,
        1
    );
}

#[test]
fn inline_images_skipped() {
    let t = text("BI /W 1 /H 1 ID \x01(x) Tj\x02 EI BT (y) Tj ET");
    assert_eq!(t.tight, "y\n");
}

#[test]
fn text_by_position_one_glyph_per_tm() {
    // each glyph with its own Tm, out of order: the show operations read "I v a n" or worse
    let t = text(
        "BT 10 Tf 1 0 0 1 115 700 Tm (n) Tj 1 0 0 1 100 700 Tm (I) Tj ET \
         BT 10 Tf 1 0 0 1 105 700 Tm (v) Tj ET BT 10 Tf 1 0 0 1 110 700 Tm (a) Tj ET \
         BT 10 Tf 1 0 0 1 130 700 Tm (Fi) Tj 1 0 0 1 140 700 Tm (ct) Tj ET",
    );
    assert_eq!(t.lines, "Ivan Fict\n");
    assert!(!t.tight.contains("Ivan") && !t.spaced.contains("Ivan"));
}

#[test]
fn text_by_position_through_td_and_the_ctm() {
    let t = text("BT 12 Tf 100 700 Td (Ivan) Tj 40 0 Td (Fictitious) Tj ET");
    assert_eq!(t.lines, "Ivan Fictitious\n");
    // the CTM scales and moves; lines are ordered top down, whatever the order shown
    let t = text(
        "q 2 0 0 2 0 0 cm BT 10 Tf 50 300 Td (below) Tj 0 20 Td (above) Tj ET Q \
         BT 10 Tf 0 -1 1 0 20 200 Tm (down) Tj ET",
    );
    assert_eq!(t.lines, "above\nbelow\ndown\n");
}

#[test]
fn actual_text_replaces_the_glyphs_it_covers() {
    let t = text(
        "BT 10 Tf 100 700 Td /Span << /ActualText <FEFF004900760061006E> >> BDC (xy) Tj EMC \
         ( ) Tj /Span /P1 BDC /Span << /ActualText (inner) >> BDC (z) Tj EMC EMC ET",
    );
    assert_eq!(t.lines, "Ivan Fictitious\n");
    assert!(
        t.tight.contains("xy"),
        "the glyphs' own text stays in the other views"
    );
    // marked content that shows no glyph: its text is placed where text would go
    let t = text("BT 10 Tf 100 700 Td /Figure << /ActualText (Ivan) >> BDC EMC ET EMC");
    assert_eq!(t.lines, "Ivan\n");
    // unbalanced and unnamed sequences are harmless
    let t = text("EMC /Span /Nope BDC /Tag BMC BT (a) Tj ET EMC");
    assert_eq!(t.lines, "a\n");
}
