//! A bounded interpreter for page content streams: it collects the shown text (for deny-list
//! matching) and finds glyphs hidden under filled rectangles (the drawn-box fake redaction).
//!
//! What counts as hidden: a glyph whose estimated centre lies inside a dark (luminance <= 0.3),
//! opaque (fill alpha >= 0.9) filled rectangle that is painted after the glyph, or painted before
//! it when the glyph itself is dark or invisible (render mode 3/7): dark text on a dark box.
//! Boxes in light colours and pattern fills are not considered (figures use them). Glyph positions are estimated from the font's widths (or half an em). Form
//! XObjects and images are not followed.

use std::collections::HashMap;

use super::font::Font;
use super::lexer::{find, is_ws, Lexer, Obj};

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
}

struct Glyph {
    center: (f64, f64),
    seq: usize,
    dark: bool,
    invisible: bool,
}

struct Filled {
    rect: Rect,
    seq: usize,
    dark: bool,
}

/// What a page's content shows.
#[derive(Debug, Default)]
pub struct PageText {
    /// Shown text, pieces on one line joined without separator.
    pub tight: String,
    /// Shown text with a space between every show operation.
    pub spaced: String,
    /// Glyphs hidden under filled rectangles.
    pub hidden_glyphs: usize,
}

/// Resources the interpreter needs: fonts by resource name and fill alpha of graphics states.
pub struct Resources<'a> {
    pub fonts: &'a HashMap<Vec<u8>, Font>,
    pub alphas: &'a HashMap<Vec<u8>, f64>,
}

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
    let mut out = PageText::default();
    let mut lx = Lexer::new(data, 0);
    let mut stack: Vec<Obj> = Vec::new();
    let mut gfx = Gfx {
        ctm: ID,
        fill_lum: 0.0,
        alpha: 1.0,
    };
    let mut saved: Vec<Gfx> = Vec::new();
    let (mut tm, mut tlm) = (ID, ID);
    let mut font: &Font = &unknown;
    let (mut fs, mut tc, mut tw, mut th, mut tl, mut rise) = (12.0f64, 0.0, 0.0, 1.0, 0.0, 0.0);
    let mut render = 0i64;
    let mut path_pts: Vec<(f64, f64)> = Vec::new();
    let mut path_rects: Vec<Rect> = Vec::new();
    let mut path_curved = false;
    let mut glyphs: Vec<Glyph> = Vec::new();
    let mut fills: Vec<Filled> = Vec::new();
    let mut seq = 0usize;
    let mut ops = 0usize;

    let nums = |st: &[Obj]| -> Vec<f64> { st.iter().filter_map(|o| o.as_num()).collect() };

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
        seq += 1;
        let n = nums(&stack);
        let last = |k: usize| -> Option<&[f64]> { n.len().checked_sub(k).map(|s| &n[s..]) };
        let mut show: Vec<Obj> = Vec::new();
        match op.as_slice() {
            b"q" if saved.len() < 1024 => saved.push(gfx),
            b"Q" => {
                if let Some(g) = saved.pop() {
                    gfx = g
                }
            }
            b"cm" => {
                if let Some(v) = last(6) {
                    let m = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    gfx.ctm = mul(&m, &gfx.ctm);
                }
            }
            b"g" => {
                if let Some(v) = last(1) {
                    gfx.fill_lum = lum_of(v)
                }
            }
            b"rg" => {
                if let Some(v) = last(3) {
                    gfx.fill_lum = lum_of(v)
                }
            }
            b"k" => {
                if let Some(v) = last(4) {
                    gfx.fill_lum = lum_of(v)
                }
            }
            b"sc" | b"scn" => {
                if matches!(stack.last(), Some(Obj::Name(_))) {
                    // a pattern or shading: its colour is unknown, do not call it dark
                    gfx.fill_lum = 1.0;
                } else if matches!(n.len(), 1 | 3 | 4) {
                    gfx.fill_lum = lum_of(&n)
                }
            }
            b"cs" => {
                gfx.fill_lum = if matches!(stack.last(), Some(Obj::Name(p)) if p == b"Pattern") {
                    1.0
                } else {
                    0.0
                }
            }
            b"gs" => {
                if let Some(Obj::Name(name)) = stack.last() {
                    if let Some(a) = res.alphas.get(name) {
                        gfx.alpha = *a;
                    }
                }
            }
            b"m" => {
                if let Some(v) = last(2) {
                    path_pts.push(apply(&gfx.ctm, v[0], v[1]));
                }
            }
            b"l" => {
                if let Some(v) = last(2) {
                    path_pts.push(apply(&gfx.ctm, v[0], v[1]));
                }
            }
            b"c" | b"v" | b"y" => path_curved = true,
            b"re" => {
                if let Some(v) = last(4) {
                    let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                    let pts = [
                        apply(&gfx.ctm, x, y),
                        apply(&gfx.ctm, x + w, y),
                        apply(&gfx.ctm, x, y + h),
                        apply(&gfx.ctm, x + w, y + h),
                    ];
                    if let Some(r) = Rect::from_points(&pts) {
                        path_rects.push(r);
                    }
                }
            }
            b"f" | b"F" | b"f*" | b"B" | b"B*" | b"b" | b"b*" => {
                let mut rects = std::mem::take(&mut path_rects);
                if !path_curved {
                    if let Some(r) = axis_aligned_quad(&path_pts) {
                        rects.push(r);
                    }
                }
                if gfx.alpha >= 0.9 {
                    for r in rects {
                        if fills.len() < 100_000 {
                            fills.push(Filled {
                                rect: r,
                                seq,
                                dark: gfx.fill_lum <= DARK,
                            });
                        }
                    }
                }
                path_pts.clear();
                path_curved = false;
            }
            b"S" | b"s" | b"n" => {
                path_rects.clear();
                path_pts.clear();
                path_curved = false;
            }
            b"BT" => {
                tm = ID;
                tlm = ID;
            }
            b"ET" => {
                out.tight.push('\n');
                out.spaced.push('\n');
            }
            b"Tf" => {
                if let Some(v) = last(1) {
                    fs = v[0];
                }
                let name = stack.iter().rev().find_map(|o| o.as_name());
                font = name.and_then(|nm| res.fonts.get(nm)).unwrap_or(&unknown);
            }
            b"Tc" => {
                if let Some(v) = last(1) {
                    tc = v[0]
                }
            }
            b"Tw" => {
                if let Some(v) = last(1) {
                    tw = v[0]
                }
            }
            b"Tz" => {
                if let Some(v) = last(1) {
                    th = v[0] / 100.0
                }
            }
            b"TL" => {
                if let Some(v) = last(1) {
                    tl = v[0]
                }
            }
            b"Ts" => {
                if let Some(v) = last(1) {
                    rise = v[0]
                }
            }
            b"Tr" => {
                if let Some(v) = last(1) {
                    render = v[0] as i64
                }
            }
            b"Td" | b"TD" => {
                if let Some(v) = last(2) {
                    if op == b"TD" {
                        tl = -v[1];
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, v[0], v[1]], &tlm);
                    tm = tlm;
                    if v[1] != 0.0 {
                        out.tight.push('\n');
                    }
                }
            }
            b"Tm" => {
                if let Some(v) = last(6) {
                    tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    tm = tlm;
                    out.tight.push('\n');
                }
            }
            b"T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -tl], &tlm);
                tm = tlm;
                out.tight.push('\n');
            }
            b"Tj" | b"TJ" => show = stack.clone(),
            b"'" | b"\"" => {
                if op == b"\"" {
                    if let Some(v) = n.get(n.len().saturating_sub(2)..) {
                        if v.len() == 2 {
                            tw = v[0];
                            tc = v[1];
                        }
                    }
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -tl], &tlm);
                tm = tlm;
                out.tight.push('\n');
                show = stack.clone();
            }
            b"BI" => {
                skip_inline_image(&mut lx);
            }
            _ => {}
        }
        if !show.is_empty() {
            out.spaced.push(' ');
            let items: Vec<Obj> = match show.last() {
                Some(Obj::Array(a)) => a.clone(),
                Some(s @ Obj::Str(_)) => vec![s.clone()],
                _ => Vec::new(),
            };
            for it in items {
                match it {
                    Obj::Str(s) => {
                        for (code, text, w) in font.glyphs(&s) {
                            let trm = mul(&mul(&[fs * th, 0.0, 0.0, fs, 0.0, rise], &tm), &gfx.ctm);
                            let center = apply(&trm, w / 2000.0, 0.3);
                            let blank = !text.is_empty() && text.trim().is_empty();
                            if !blank && glyphs.len() < 2_000_000 {
                                glyphs.push(Glyph {
                                    center,
                                    seq,
                                    dark: gfx.fill_lum <= DARK,
                                    invisible: render == 3 || render == 7,
                                });
                            }
                            out.tight.push_str(&text);
                            out.spaced.push_str(&text);
                            let word = if font.code_len == 1 && code == 32 {
                                tw
                            } else {
                                0.0
                            };
                            let tx = ((w / 1000.0) * fs + tc + word) * th;
                            tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        }
                    }
                    Obj::Num(adj) => {
                        let tx = -(adj / 1000.0) * fs * th;
                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                        if adj < -200.0 {
                            out.tight.push(' ');
                            out.spaced.push(' ');
                        }
                    }
                    _ => {}
                }
            }
        }
        stack.clear();
    }

    // hidden glyphs
    for g in &glyphs {
        let hidden = fills.iter().any(|f| {
            f.dark && f.rect.contains(g.center) && (f.seq > g.seq || g.dark || g.invisible)
        });
        if hidden {
            out.hidden_glyphs += 1;
        }
    }
    out
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
