//! A bounded interpreter for page content streams: it collects the shown text (for deny-list
//! matching) and finds glyphs hidden under filled rectangles (the drawn-box fake redaction).
//!
//! What counts as hidden: a glyph whose estimated centre lies inside a dark (luminance <= 0.3),
//! opaque (fill alpha >= 0.9, no soft mask in force) filled rectangle that is painted after the
//! glyph; or painted before it when the glyph is invisible (render mode 3/7), or has the box's
//! colour (luminance within 0.1: black text on a black box) and the box has at least three such
//! glyphs (a withheld string has at least three characters, `MIN_ENTRY_CHARS`; a one- or
//! two-character label on a colour swatch is not hiding one). Boxes in light colours and
//! pattern fills are not considered (figures use them). Glyph positions are estimated from the
//! font's widths (or half an em). Form XObjects and images are not followed.

use std::collections::HashMap;
use std::rc::Rc;

use super::font::Font;
use super::layout::Layout;
use super::lexer::{find, is_ws, Lexer, Obj};
use crate::denylist::MIN_ENTRY_CHARS;

type M = [f64; 6];
const ID: M = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &M, b: &M) -> M {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &M, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn from_points(pts: &[(f64, f64)]) -> Option<Rect> {
        let first = pts.first()?;
        let mut r = Rect {
            x0: first.0,
            y0: first.1,
            x1: first.0,
            y1: first.1,
        };
        for &(x, y) in pts {
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        Some(r)
    }
    fn contains(&self, p: (f64, f64)) -> bool {
        p.0 > self.x0 && p.0 < self.x1 && p.1 > self.y0 && p.1 < self.y1
    }
}

#[derive(Clone, Copy)]
struct Gfx {
    ctm: M,
    fill_lum: f64,
    alpha: f64,
    /// Whether a soft mask is in force (§11.6.5.2): what is painted may be partly or wholly
    /// transparent, so it is not an opaque box.
    soft_mask: bool,
}

impl Gfx {
    /// Whether a fill paints opaquely: alpha near 1 and no soft mask.
    fn opaque(&self) -> bool {
        self.alpha >= 0.9 && !self.soft_mask
    }
}

/// What a named graphics state (`gs`) sets of the fill's opacity: its alpha (`/ca`) and whether
/// it sets a soft mask (`true`) or removes it (`/SMask /None`, `false`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FillOpacity {
    pub alpha: Option<f64>,
    pub soft_mask: Option<bool>,
}

struct Glyph {
    center: (f64, f64),
    seq: usize,
    /// Luminance of the fill colour the glyph was painted in.
    lum: f64,
    invisible: bool,
}

struct Filled {
    rect: Rect,
    seq: usize,
    dark: bool,
    lum: f64,
}

/// What a page's content shows.
#[derive(Debug, Default)]
pub struct PageText {
    /// Shown text, pieces on one line joined without separator.
    pub tight: String,
    /// Shown text with a space between every show operation.
    pub spaced: String,
    /// Shown text by position ([`Layout::lines`]), with `/ActualText` in place of the glyphs it
    /// covers.
    pub lines: String,
    /// Glyphs hidden under filled rectangles.
    pub hidden_glyphs: usize,
}

/// Resources the interpreter needs: fonts by resource name, fill opacity of graphics states, and
/// the `/ActualText` of named property lists (`/Properties`, §14.6.2).
pub struct Resources<'a> {
    pub fonts: &'a HashMap<Vec<u8>, Rc<Font>>,
    pub alphas: &'a HashMap<Vec<u8>, FillOpacity>,
    pub actual_texts: &'a HashMap<Vec<u8>, String>,
}

/// A marked-content sequence (§14.6) being shown: its `/ActualText`, if any, and whether that
/// text was placed yet.
struct Marked {
    actual: Option<String>,
    placed: bool,
}

/// Deepest nesting of marked content followed.
const MAX_MARKED_DEPTH: usize = 1024;

fn lum_of(ops: &[f64]) -> f64 {
    match ops.len() {
        1 => ops[0],
        3 => 0.299 * ops[0] + 0.587 * ops[1] + 0.114 * ops[2],
        4 => {
            (1.0 - ops[0]).min(1.0 - ops[3]) * 0.3
                + (1.0 - ops[1]).min(1.0 - ops[3]) * 0.59
                + (1.0 - ops[2]).min(1.0 - ops[3]) * 0.11
        }
        _ => 0.0,
    }
}

const DARK: f64 = 0.3;
const MAX_OPS: usize = 20_000_000;

/// Interpret a page's (concatenated) content.
pub fn interpret(data: &[u8], res: &Resources) -> PageText {
    let unknown = Font::unknown();
    let mut it = Interpreter::new(res, &unknown);
    let mut lx = Lexer::new(data, 0);
    let mut stack: Vec<Obj> = Vec::new();
    let mut ops = 0usize;
    while let Some(o) = lx.next_obj(0) {
        ops += 1;
        if ops > MAX_OPS {
            break;
        }
        let op = match o {
            Obj::Kw(k) => k,
            other => {
                if stack.len() < 4096 {
                    stack.push(other);
                }
                continue;
            }
        };
        it.seq += 1;
        if op == b"BI" {
            skip_inline_image(&mut lx);
        } else {
            it.operator(&op, &stack);
        }
        stack.clear();
    }
    it.finish()
}

/// The text state parameters (§9.3) and the text matrices (§9.4.2).
#[derive(Clone, Copy)]
struct TextState<'f> {
    /// Text matrix and text line matrix.
    tm: M,
    tlm: M,
    font: &'f Font,
    /// Font size (`Tf`), character spacing (`Tc`), word spacing (`Tw`), horizontal scaling
    /// (`Tz`, as a fraction), leading (`TL`), rise (`Ts`) and rendering mode (`Tr`).
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    h_scale: f64,
    leading: f64,
    rise: f64,
    render: i64,
}

/// The current path (§8.5.2): its points, the rectangles added with `re`, and whether it has
/// curves.
#[derive(Default)]
struct CurrentPath {
    pts: Vec<(f64, f64)>,
    rects: Vec<Rect>,
    curved: bool,
}

/// The state of one interpretation and what it has collected.
struct Interpreter<'f> {
    fonts: &'f HashMap<Vec<u8>, Rc<Font>>,
    alphas: &'f HashMap<Vec<u8>, FillOpacity>,
    actual_texts: &'f HashMap<Vec<u8>, String>,
    unknown: &'f Font,
    gfx: Gfx,
    saved: Vec<Gfx>,
    text: TextState<'f>,
    path: CurrentPath,
    glyphs: Vec<Glyph>,
    fills: Vec<Filled>,
    /// Number of the current operator: what is painted later covers what was painted before.
    seq: usize,
    /// Open marked-content sequences, outermost first.
    marked: Vec<Marked>,
    layout: Layout,
    out: PageText,
}

/// The numbers among the operands.
fn nums(st: &[Obj]) -> Nums {
    let mut n = Nums {
        buf: [0.0; MAX_NUMS],
        len: 0,
    };
    for (k, v) in st
        .iter()
        .rev()
        .filter_map(|o| o.as_num())
        .take(MAX_NUMS)
        .enumerate()
    {
        n.buf[MAX_NUMS - 1 - k] = v;
        n.len = k + 1;
    }
    n
}

/// No operator takes more than this many numbers (`Tm`, `cm`: 6; `scn`: up to 4 and a name).
const MAX_NUMS: usize = 8;

/// The last (at most [`MAX_NUMS`]) numbers among an operator's operands, without allocating.
struct Nums {
    buf: [f64; MAX_NUMS],
    len: usize,
}

impl std::ops::Deref for Nums {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.buf[MAX_NUMS - self.len..]
    }
}

/// The last `k` numbers, when there are that many.
fn last(n: &[f64], k: usize) -> Option<&[f64]> {
    n.len().checked_sub(k).map(|s| &n[s..])
}

impl<'f> Interpreter<'f> {
    fn new(res: &Resources<'f>, unknown: &'f Font) -> Self {
        Interpreter {
            fonts: res.fonts,
            alphas: res.alphas,
            actual_texts: res.actual_texts,
            unknown,
            gfx: Gfx {
                ctm: ID,
                fill_lum: 0.0,
                alpha: 1.0,
                soft_mask: false,
            },
            saved: Vec::new(),
            text: TextState {
                tm: ID,
                tlm: ID,
                font: unknown,
                size: 12.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                h_scale: 1.0,
                leading: 0.0,
                rise: 0.0,
                render: 0,
            },
            path: CurrentPath::default(),
            glyphs: Vec::new(),
            fills: Vec::new(),
            seq: 0,
            marked: Vec::new(),
            layout: Layout::default(),
            out: PageText::default(),
        }
    }

    /// Runs one operator with its operands, by the operator categories of Table 51.
    fn operator(&mut self, op: &[u8], stack: &[Obj]) {
        let n = nums(stack);
        match op {
            b"q" | b"Q" | b"cm" | b"gs" => self.graphics_state(op, &n, stack),
            b"g" | b"rg" | b"k" | b"sc" | b"scn" | b"cs" => self.colour(op, &n, stack),
            b"m" | b"l" | b"c" | b"v" | b"y" | b"re" => self.path_construction(op, &n),
            b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" | b"S" | b"s" | b"n" => {
                self.path_painting(op)
            }
            b"BT" | b"ET" => self.text_object(op),
            b"Tf" | b"Tc" | b"Tw" | b"Tz" | b"TL" | b"Ts" | b"Tr" => self.text_state(op, &n, stack),
            b"Td" | b"TD" | b"Tm" | b"T*" => self.text_positioning(op, &n),
            b"Tj" | b"TJ" | b"'" | b"\"" => self.text_showing(op, &n, stack),
            b"BMC" | b"BDC" | b"EMC" => self.marked_content(op, stack),
            _ => {}
        }
    }

    /// Special and general graphics state (§8.4.4): `q`/`Q` save and restore, `cm` concatenates
    /// the CTM, `gs` sets the fill alpha of a named graphics state.
    fn graphics_state(&mut self, op: &[u8], n: &[f64], stack: &[Obj]) {
        match op {
            b"q" if self.saved.len() < 1024 => self.saved.push(self.gfx),
            b"Q" => {
                if let Some(g) = self.saved.pop() {
                    self.gfx = g
                }
            }
            b"cm" => {
                if let Some(v) = last(n, 6) {
                    let m = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    self.gfx.ctm = mul(&m, &self.gfx.ctm);
                }
            }
            b"gs" => {
                if let Some(Obj::Name(name)) = stack.last() {
                    if let Some(o) = self.alphas.get(name) {
                        self.gfx.alpha = o.alpha.unwrap_or(self.gfx.alpha);
                        self.gfx.soft_mask = o.soft_mask.unwrap_or(self.gfx.soft_mask);
                    }
                }
            }
            _ => {}
        }
    }

    /// Colour operators (§8.6.8), for the nonstroking (fill) colour: its luminance. A pattern
    /// fill counts as light: its colour is unknown.
    fn colour(&mut self, op: &[u8], n: &[f64], stack: &[Obj]) {
        let lum = match op {
            b"g" => last(n, 1).map(lum_of),
            b"rg" => last(n, 3).map(lum_of),
            b"k" => last(n, 4).map(lum_of),
            b"sc" | b"scn" => {
                if matches!(stack.last(), Some(Obj::Name(_))) {
                    // a pattern or shading: its colour is unknown, do not call it dark
                    Some(1.0)
                } else if matches!(n.len(), 1 | 3 | 4) {
                    Some(lum_of(n))
                } else {
                    None
                }
            }
            b"cs" => Some(
                if matches!(stack.last(), Some(Obj::Name(p)) if p == b"Pattern") {
                    1.0
                } else {
                    0.0
                },
            ),
            _ => None,
        };
        if let Some(lum) = lum {
            self.gfx.fill_lum = lum;
        }
    }

    /// Path construction (§8.5.2.1): points of `m` and `l` in device space, curves, and
    /// rectangles (`re`) as device-space boxes.
    fn path_construction(&mut self, op: &[u8], n: &[f64]) {
        let ctm = self.gfx.ctm;
        match op {
            b"m" | b"l" => {
                if let Some(v) = last(n, 2) {
                    self.path.pts.push(apply(&ctm, v[0], v[1]));
                }
            }
            b"c" | b"v" | b"y" => self.path.curved = true,
            b"re" => {
                if let Some(v) = last(n, 4) {
                    let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                    let pts = [
                        apply(&ctm, x, y),
                        apply(&ctm, x + w, y),
                        apply(&ctm, x, y + h),
                        apply(&ctm, x + w, y + h),
                    ];
                    if let Some(r) = Rect::from_points(&pts) {
                        self.path.rects.push(r);
                    }
                }
            }
            _ => {}
        }
    }

    /// Path painting (§8.5.3.1): a fill records the path's boxes (its rectangles, or a polygon
    /// that is an axis-aligned box) when the fill is opaque; every painting operator ends the
    /// path.
    fn path_painting(&mut self, op: &[u8]) {
        let path = std::mem::take(&mut self.path);
        if matches!(op, b"S" | b"s" | b"n") {
            return;
        }
        let mut rects = path.rects;
        if !path.curved {
            if let Some(r) = axis_aligned_quad(&path.pts) {
                rects.push(r);
            }
        }
        if self.gfx.opaque() {
            for r in rects {
                if self.fills.len() < 100_000 {
                    self.fills.push(Filled {
                        rect: r,
                        seq: self.seq,
                        dark: self.gfx.fill_lum <= DARK,
                        lum: self.gfx.fill_lum,
                    });
                }
            }
        }
    }

    /// Marked content (§14.6): `BMC` and `BDC` open a sequence, `EMC` closes one. A `BDC`
    /// property list (inline or named) with `/ActualText` (§14.9.4) gives the text of what the
    /// sequence shows; when it showed no glyph, the text is placed where text would go next.
    fn marked_content(&mut self, op: &[u8], stack: &[Obj]) {
        match op {
            b"EMC" => {
                let Some(m) = self.marked.pop() else { return };
                let outermost = !self.marked.iter().any(|o| o.actual.is_some());
                if let (Some(t), false, true) = (m.actual, m.placed, outermost) {
                    let trm = self.rendering_matrix();
                    self.layout.place(&trm, 0.0, &t);
                }
            }
            _ if self.marked.len() >= MAX_MARKED_DEPTH => {}
            b"BDC" => {
                let actual = match stack.last() {
                    Some(Obj::Name(n)) => self.actual_texts.get(n).cloned(),
                    Some(props) => actual_text(props),
                    None => None,
                };
                self.marked.push(Marked {
                    actual,
                    placed: false,
                });
            }
            _ => self.marked.push(Marked {
                actual: None,
                placed: false,
            }),
        }
    }

    /// The text rendering matrix (§9.4.4) at the current text position.
    fn rendering_matrix(&self) -> M {
        let t = &self.text;
        mul(
            &mul(&[t.size * t.h_scale, 0.0, 0.0, t.size, 0.0, t.rise], &t.tm),
            &self.gfx.ctm,
        )
    }

    /// Places a shown glyph for the page's text by position: its own text, or inside marked
    /// content with `/ActualText` the outermost such text, once, at its first glyph.
    fn place_glyph(&mut self, trm: &M, advance: f64, text: &str) {
        match self.marked.iter_mut().find(|m| m.actual.is_some()) {
            Some(m) if !m.placed => {
                m.placed = true;
                let t = m.actual.clone().unwrap_or_default();
                self.layout.place(trm, advance, &t);
            }
            Some(_) => {}
            None => self.layout.place(trm, advance, text),
        }
    }

    /// Text objects (§9.4.1): `BT` resets the text matrices, `ET` ends a line of text.
    fn text_object(&mut self, op: &[u8]) {
        if op == b"BT" {
            self.text.tm = ID;
            self.text.tlm = ID;
        } else {
            self.out.tight.push('\n');
            self.out.spaced.push('\n');
        }
    }

    /// Text state operators (§9.3.1).
    fn text_state(&mut self, op: &[u8], n: &[f64], stack: &[Obj]) {
        let t = &mut self.text;
        if op == b"Tf" {
            if let Some(v) = last(n, 1) {
                t.size = v[0];
            }
            let name = stack.iter().rev().find_map(|o| o.as_name());
            t.font = name
                .and_then(|nm| self.fonts.get(nm))
                .map_or(self.unknown, |f| &**f);
            return;
        }
        let Some(v) = last(n, 1) else { return };
        match op {
            b"Tc" => t.char_spacing = v[0],
            b"Tw" => t.word_spacing = v[0],
            b"Tz" => t.h_scale = v[0] / 100.0,
            b"TL" => t.leading = v[0],
            b"Ts" => t.rise = v[0],
            b"Tr" => t.render = v[0] as i64,
            _ => {}
        }
    }

    /// Text positioning operators (§9.4.2); a move to another line ends a line of text.
    fn text_positioning(&mut self, op: &[u8], n: &[f64]) {
        match op {
            b"Td" | b"TD" => {
                if let Some(v) = last(n, 2) {
                    if op == b"TD" {
                        self.text.leading = -v[1];
                    }
                    self.text.tlm = mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &self.text.tlm);
                    self.text.tm = self.text.tlm;
                    if v[1] != 0.0 {
                        self.out.tight.push('\n');
                    }
                }
            }
            b"Tm" => {
                if let Some(v) = last(n, 6) {
                    self.text.tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    self.text.tm = self.text.tlm;
                    self.out.tight.push('\n');
                }
            }
            b"T*" => self.next_line(),
            _ => {}
        }
    }

    /// `T*`: move to the start of the next line, one leading down.
    fn next_line(&mut self) {
        let t = &mut self.text;
        t.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -t.leading], &t.tlm);
        t.tm = t.tlm;
        self.out.tight.push('\n');
    }

    /// Text showing operators (§9.4.3): `'` and `"` move to the next line first (`"` also sets
    /// word and character spacing).
    fn text_showing(&mut self, op: &[u8], n: &[f64], stack: &[Obj]) {
        if op == b"'" || op == b"\"" {
            if op == b"\"" {
                if let Some(v) = n.get(n.len().saturating_sub(2)..) {
                    if v.len() == 2 {
                        self.text.word_spacing = v[0];
                        self.text.char_spacing = v[1];
                    }
                }
            }
            self.next_line();
        }
        self.show(stack);
    }

    /// Shows the last operand: a string, or an array of strings and position adjustments (`TJ`).
    fn show(&mut self, stack: &[Obj]) {
        if stack.is_empty() {
            return;
        }
        self.out.spaced.push(' ');
        let items: &[Obj] = match stack.last() {
            Some(Obj::Array(a)) => a,
            Some(s @ Obj::Str(_)) => std::slice::from_ref(s),
            _ => &[],
        };
        for it in items {
            match *it {
                Obj::Str(ref s) => self.show_string(s),
                Obj::Num(adj) => {
                    let t = &mut self.text;
                    let tx = -(adj / 1000.0) * t.size * t.h_scale;
                    t.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &t.tm);
                    if adj < -200.0 {
                        self.out.tight.push(' ');
                        self.out.spaced.push(' ');
                    }
                }
                _ => {}
            }
        }
    }

    /// Shows one string glyph by glyph: its text, each glyph's estimated centre on the device
    /// (§9.4.4), and the text matrix advanced by the glyph's width and spacing.
    fn show_string(&mut self, s: &[u8]) {
        let font = self.text.font;
        for (code, text, w) in font.glyphs(s) {
            let trm = self.rendering_matrix();
            self.place_glyph(&trm, w / 1000.0, &text);
            let t = &mut self.text;
            let center = apply(&trm, w / 2000.0, 0.3);
            let blank = !text.is_empty() && text.trim().is_empty();
            if !blank && self.glyphs.len() < 2_000_000 {
                self.glyphs.push(Glyph {
                    center,
                    seq: self.seq,
                    lum: self.gfx.fill_lum,
                    invisible: t.render == 3 || t.render == 7,
                });
            }
            self.out.tight.push_str(&text);
            self.out.spaced.push_str(&text);
            let word = if t.font.code_len == 1 && code == 32 {
                t.word_spacing
            } else {
                0.0
            };
            let tx = ((w / 1000.0) * t.size + t.char_spacing + word) * t.h_scale;
            t.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &t.tm);
        }
    }

    /// The shown text, and how many glyphs ended up hidden.
    fn finish(mut self) -> PageText {
        self.out.hidden_glyphs = hidden_glyphs(&self.glyphs, &self.fills);
        self.out.lines = self.layout.lines();
        self.out
    }
}

/// The `/ActualText` of a property list (§14.9.4), as text.
pub fn actual_text(props: &Obj) -> Option<String> {
    match props.get(b"ActualText") {
        Some(Obj::Str(s)) => crate::text::pdf_string(s).into_iter().next(),
        _ => None,
    }
}

/// Luminances this close are one colour: text in it does not stand out from the box.
const SAME_COLOUR: f64 = 0.1;

/// Glyphs hidden under dark filled boxes: painted over, or painted on top of a box and not to be
/// seen on it (invisible, or in the box's colour, at least [`MIN_ENTRY_CHARS`] in one box).
/// Each box looks only at the glyphs whose centre lies between its left and right edges (glyphs
/// sorted by x once).
fn hidden_glyphs(glyphs: &[Glyph], fills: &[Filled]) -> usize {
    let mut hidden = vec![false; glyphs.len()];
    let mut by_x: Vec<usize> = (0..glyphs.len())
        .filter(|&i| glyphs[i].center.0.is_finite() && glyphs[i].center.1.is_finite())
        .collect();
    by_x.sort_by(|&a, &b| glyphs[a].center.0.total_cmp(&glyphs[b].center.0));
    let mut on_top: Vec<usize> = Vec::new();
    for f in fills.iter().filter(|f| f.dark) {
        on_top.clear();
        let from = by_x.partition_point(|&i| glyphs[i].center.0 <= f.rect.x0);
        let within = by_x[from..]
            .iter()
            .take_while(|&&i| glyphs[i].center.0 < f.rect.x1);
        for &i in within {
            let g = &glyphs[i];
            if hidden[i] || !f.rect.contains(g.center) {
                continue;
            }
            if f.seq > g.seq || g.invisible {
                hidden[i] = true;
            } else if (g.lum - f.lum).abs() <= SAME_COLOUR {
                on_top.push(i);
            }
        }
        if on_top.len() >= MIN_ENTRY_CHARS {
            on_top.iter().for_each(|&i| hidden[i] = true);
        }
    }
    hidden.iter().filter(|h| **h).count()
}

/// A closed path of 4 (or 5, closing) points that are exactly the corners of their bounding box.
fn axis_aligned_quad(pts: &[(f64, f64)]) -> Option<Rect> {
    let pts = match pts.len() {
        4 => pts,
        5 => pts.get(..4)?,
        _ => return None,
    };
    let r = Rect::from_points(pts)?;
    let eps = 0.01;
    let near = |a: f64, b: f64| (a - b).abs() <= eps;
    let on_corner = |p: &(f64, f64)| {
        (near(p.0, r.x0) || near(p.0, r.x1)) && (near(p.1, r.y0) || near(p.1, r.y1))
    };
    let corners = [(r.x0, r.y0), (r.x1, r.y0), (r.x0, r.y1), (r.x1, r.y1)];
    let all_corners = corners
        .iter()
        .all(|c| pts.iter().any(|p| near(p.0, c.0) && near(p.1, c.1)));
    (pts.iter().all(on_corner) && all_corners).then_some(r)
}

fn skip_inline_image(lx: &mut Lexer) {
    // parse the image dictionary up to ID
    let mut guard = 0;
    while let Some(o) = lx.next_obj(0) {
        guard += 1;
        if guard > 10_000 {
            return;
        }
        if let Obj::Kw(k) = o {
            if k == b"ID" {
                break;
            }
        }
    }
    let data = lx.data;
    let mut p = lx.pos + 1;
    while let Some(i) = find(data, b"EI", p) {
        let before = i == 0 || data.get(i - 1).is_some_and(|b| is_ws(*b));
        let after = data.get(i + 2).is_none_or(|b| is_ws(*b));
        if before && after {
            lx.pos = i + 2;
            return;
        }
        p = i + 2;
    }
    lx.pos = data.len();
}

#[cfg(test)]
#[path = "content_tests.rs"]
mod tests;
