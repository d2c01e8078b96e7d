//! Page text by position, as a reader sees it (and as `pdftotext` assembles it): every shown
//! glyph is placed by its text rendering matrix (§9.4.4), glyphs are grouped into lines by their
//! baselines, each line is read along its direction, and a gap wider than a fraction of the font
//! size is a space. So text shown one glyph at a time with its own `Tm`, in one `BT`/`ET` per
//! glyph, in chunks, or out of order reads as the words a reader sees.
//!
//! The reading direction is the glyph's text direction on the page, rounded to a quarter turn:
//! text rotated by 90° reads upward, and so on. `/ActualText` of marked content (§14.9.4)
//! replaces the glyphs it covers: the outermost span's text is placed where its first glyph is.

/// Most glyphs placed on one page; beyond it the page's positional text is what was placed.
pub const MAX_PLACED: usize = 1_000_000;

/// Most bytes of text carried by placed glyphs on one page.
const MAX_TEXT_BYTES: usize = 16 << 20;

/// A line goes on while a baseline is within this fraction of the font size of the line's.
const SAME_LINE: f64 = 0.4;

/// A gap along a line wider than this fraction of the font size is a word space.
const WORD_GAP: f64 = 0.15;

/// One glyph placed on the page, in reading coordinates of its direction: `u` along the line,
/// `v` across it (growing down the page), both in device space.
#[derive(Debug, Clone, Copy)]
struct Placed {
    /// Quarter turns of the text direction: 0 left to right, 1 upward, 2 upside down, 3 downward.
    orient: u8,
    u: f64,
    v: f64,
    /// Advance along the line and font size, in device space.
    adv: f64,
    size: f64,
    /// The glyph's text: `text[start..end]`.
    start: usize,
    end: usize,
}

/// The glyphs of one page, placed as they are shown.
#[derive(Debug, Default)]
pub struct Layout {
    placed: Vec<Placed>,
    text: String,
}

impl Layout {
    /// Places one glyph: `trm` is its text rendering matrix (glyph space at the origin of the
    /// glyph, one unit the font size), `advance` its width in glyph space (1/1000 em units
    /// divided by 1000), `text` what it reads as.
    pub fn place(&mut self, trm: &[f64; 6], advance: f64, text: &str) {
        if self.placed.len() >= MAX_PLACED
            || self.text.len() + text.len() > MAX_TEXT_BYTES
            || !trm.iter().chain([&advance]).all(|n| n.is_finite())
        {
            return;
        }
        let (dx, dy) = (trm[0], trm[1]);
        let orient = if dx.abs() >= dy.abs() {
            if dx >= 0.0 {
                0
            } else {
                2
            }
        } else if dy > 0.0 {
            1
        } else {
            3
        };
        let (x, y) = (trm[4], trm[5]);
        let (u, v) = along(orient, x, y);
        let size = trm[2].hypot(trm[3]);
        let (ex, ey) = (x + dx * advance, y + dy * advance);
        let adv = along(orient, ex, ey).0 - u;
        let start = self.text.len();
        self.text.push_str(text);
        self.placed.push(Placed {
            orient,
            u,
            v,
            adv,
            size,
            start,
            end: self.text.len(),
        });
    }

    /// The page's text by position: one line per baseline, in reading order, words apart.
    pub fn lines(&self) -> String {
        let mut order: Vec<usize> = (0..self.placed.len()).collect();
        let key = |i: &usize| {
            let p = self.placed[*i];
            (p.orient, p.v)
        };
        order.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        });
        let mut out = String::new();
        let mut line: Vec<Placed> = Vec::new();
        for i in order {
            let p = self.placed[i];
            if let Some(first) = line.first() {
                let tol = SAME_LINE * first.size.max(p.size).max(f64::MIN_POSITIVE);
                if first.orient != p.orient || p.v - first.v > tol {
                    self.push_line(&mut line, &mut out);
                }
            }
            line.push(p);
        }
        self.push_line(&mut line, &mut out);
        out
    }

    /// Appends one line, its glyphs read along it, and empties it.
    fn push_line(&self, line: &mut Vec<Placed>, out: &mut String) {
        line.sort_by(|a, b| a.u.total_cmp(&b.u));
        let mut end: Option<f64> = None;
        for p in line.iter() {
            let t = self.text.get(p.start..p.end).unwrap_or("");
            if let Some(e) = end {
                let spaced = out.ends_with(' ') || t.starts_with(char::is_whitespace);
                if p.u - e > WORD_GAP * p.size && !spaced {
                    out.push(' ');
                }
            }
            out.push_str(t);
            let this_end = p.u + p.adv.max(0.0);
            end = Some(end.map_or(this_end, |e: f64| e.max(this_end)));
        }
        out.push('\n');
        line.clear();
    }
}

/// A device-space point in the reading coordinates of a direction: along the line, and across
/// it growing down the page.
fn along(orient: u8, x: f64, y: f64) -> (f64, f64) {
    match orient {
        0 => (x, -y),
        1 => (y, x),
        2 => (-x, y),
        _ => (-y, -x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A horizontal glyph of size 10 at (x, y), half an em wide.
    fn at(l: &mut Layout, x: f64, y: f64, t: &str) {
        l.place(&[10.0, 0.0, 0.0, 10.0, x, y], 0.5, t);
    }

    #[test]
    fn glyphs_in_any_order_read_by_position() {
        let mut l = Layout::default();
        // "Ivan Fictitious" shown backwards, one glyph at a time, on a baseline at 700
        let word = |l: &mut Layout, x0: f64, w: &str| {
            for (i, c) in w.chars().enumerate().collect::<Vec<_>>().into_iter().rev() {
                at(l, x0 + 5.0 * i as f64, 700.0, &c.to_string());
            }
        };
        word(&mut l, 140.0, "Fictitious");
        word(&mut l, 100.0, "Ivan");
        // a line above, shown last
        at(&mut l, 100.0, 720.0, "T");
        assert_eq!(l.lines(), "T\nIvan Fictitious\n");
    }

    #[test]
    fn baselines_within_a_tolerance_are_one_line() {
        let mut l = Layout::default();
        at(&mut l, 100.0, 700.0, "a");
        at(&mut l, 105.0, 703.0, "b"); // a superscript-like rise of 0.3 em
        at(&mut l, 110.0, 699.0, "c");
        at(&mut l, 100.0, 690.0, "d"); // a line one em below
        assert_eq!(l.lines(), "abc\nd\n");
    }

    #[test]
    fn word_gap_relative_to_the_font_size() {
        let mut l = Layout::default();
        at(&mut l, 100.0, 700.0, "a");
        at(&mut l, 106.0, 700.0, "b"); // 1 unit after a's end: 0.1 em, same word
        at(&mut l, 113.0, 700.0, "c"); // 2 units after b's end: 0.2 em, a space
        assert_eq!(l.lines(), "ab c\n");
    }

    #[test]
    fn rotated_text_reads_along_its_direction() {
        let mut l = Layout::default();
        // upward text (rotated 90°): x-axis of the glyph points up the page
        for (i, c) in ["I", "v", "a", "n"].iter().enumerate().rev() {
            l.place(
                &[0.0, 10.0, -10.0, 0.0, 50.0, 100.0 + 5.0 * i as f64],
                0.5,
                c,
            );
        }
        // upside-down text
        for (i, c) in ["N", "o"].iter().enumerate() {
            l.place(
                &[-10.0, 0.0, 0.0, -10.0, 300.0 - 5.0 * i as f64, 500.0],
                0.5,
                c,
            );
        }
        assert_eq!(l.lines(), "Ivan\nNo\n");
    }

    #[test]
    fn bounded_and_finite() {
        let mut l = Layout::default();
        l.place(&[f64::NAN, 0.0, 0.0, 10.0, 0.0, 0.0], 0.5, "x");
        l.place(&[10.0, 0.0, 0.0, 10.0, f64::INFINITY, 0.0], 0.5, "y");
        assert!(l.placed.is_empty());
        for _ in 0..MAX_PLACED + 10 {
            at(&mut l, 0.0, 0.0, "");
        }
        assert_eq!(l.placed.len(), MAX_PLACED);
    }
}
