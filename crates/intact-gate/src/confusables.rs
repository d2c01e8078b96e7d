//! Look-alike letters of Latin, Cyrillic and Armenian read as one letter (a Cyrillic `а` typed in
//! a Latin name, a Latin `o` in a Cyrillic one, `ǝ` typed for `ə`).
//!
//! The data is Unicode's TR39 confusables table as the `unicode-security` crate carries it
//! ([`unicode_security::skeleton`]), filtered: only a mapping from **one code point to one code
//! point**, both letters of the Latin, Cyrillic or Armenian script (never `rn` → `m`, never a
//! digit or a symbol), is used. Mappings are taken between case-folded letters and closed into
//! classes (so the result does not depend on case; mappings of the capitals of a basic alphabet
//! first, then of lower-case letters, then of other capitals, each in code-point order), but a
//! class never holds two letters of one basic alphabet (a–z, а–я and ё, Armenian ա–ֆ): TR39
//! maps `I` to `l`, and with `I` folded to `i` that would make `l` and `i` one letter; it maps
//! `В` to `B` and `ь` to `b`, and only `в` joins `b`. Each
//! class is read as one representative: its ASCII letter if it has one, else its Latin letter,
//! else the lowest code point. `ǝ` (U+01DD) is always read as `ə`.
//!
//! [`canonical`] is applied to case-folded, decomposed text (NFD), base letter by base letter,
//! so a look-alike with a diacritic reads like its base with the same diacritic.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};

/// The blocks whose letters are considered: Latin (Basic, Latin-1, Extended A–E, IPA,
/// phonetic extensions, Latin Extended Additional), Cyrillic (with its supplements and
/// extensions) and Armenian.
const BLOCKS: [(u32, u32); 12] = [
    (0x41, 0x24F),
    (0x250, 0x2AF),
    (0x400, 0x52F),
    (0x530, 0x58F),
    (0x1C80, 0x1C8F),
    (0x1D00, 0x1DBF),
    (0x1E00, 0x1EFF),
    (0x2C60, 0x2C7F),
    (0x2DE0, 0x2DFF),
    (0xA640, 0xA69F),
    (0xA720, 0xA7FF),
    (0xAB30, 0xAB6F),
];

fn in_scope(c: char) -> bool {
    c.is_alphabetic()
        && matches!(
            c.script(),
            Script::Latin | Script::Cyrillic | Script::Armenian
        )
}

/// The case-folded reading of one letter as [`crate::text::normalize`] reads it (`İ`, `ı` and
/// `I` as `i`), decomposed; `None` when that is not a single code point.
fn folded(c: char) -> Option<char> {
    let nfkc: String = std::iter::once(c)
        .nfkc()
        .map(crate::text::dotless)
        .collect();
    let f = caseless::default_case_fold_str(&nfkc);
    let mut it = f.nfkd();
    match (it.next(), it.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The TR39 single-code-point mappings in scope, between case-folded letters, in the order
/// they are joined: first those of the capitals of a basic alphabet (`В` for `B`: all-caps
/// typescript), then those of lower-case letters (`а` for `a`, `і` for `i`), then those of
/// other capitals (`І` for `l`, which would otherwise take `і` away from `i`).
fn edges() -> Vec<(char, char)> {
    let (mut basic_capital, mut lower, mut other) = (Vec::new(), vec![('ǝ', 'ə')], Vec::new());
    for (lo, hi) in BLOCKS {
        for c in (lo..=hi).filter_map(char::from_u32) {
            // text is matched after NFKC and decomposition: only letters that survive both
            if !in_scope(c) || c.nfkd().ne(std::iter::once(c)) {
                continue;
            }
            let mut buf = [0; 4];
            let mut sk = unicode_security::skeleton(c.encode_utf8(&mut buf));
            let (Some(p), None) = (sk.next(), sk.next()) else {
                continue;
            };
            if p == c || !in_scope(p) {
                continue;
            }
            let (Some(a), Some(b)) = (folded(c), folded(p)) else {
                continue;
            };
            if a == b {
                continue;
            }
            if a == c {
                lower.push((a, b));
            } else if basic(a) != 0 {
                basic_capital.push((a, b));
            } else {
                other.push((a, b));
            }
        }
    }
    basic_capital.extend(lower);
    basic_capital.extend(other);
    basic_capital
}

/// The script whose basic alphabet holds `c` (a–z, а–я and ё, Armenian ա–ֆ), as a bit.
fn basic(c: char) -> u8 {
    match c {
        'a'..='z' => 1,
        'а'..='я' | 'ё' => 2,
        '\u{0561}'..='\u{0586}' => 4,
        _ => 0,
    }
}

fn rank(c: char) -> (u8, u32) {
    let r = if c.is_ascii() {
        0
    } else if c.script() == Script::Latin {
        1
    } else {
        2
    };
    (r, c as u32)
}

fn build() -> HashMap<char, char> {
    // classes by union-find; a class's root is its representative (lowest rank)
    let mut parent: HashMap<char, char> = HashMap::new();
    fn root(parent: &HashMap<char, char>, mut c: char) -> char {
        while let Some(&p) = parent.get(&c) {
            if p == c {
                break;
            }
            c = p;
        }
        c
    }
    // the scripts whose basic letters a class (by its root) holds: never two of one script
    let mut basics: HashMap<char, u8> = HashMap::new();
    for (a, b) in edges() {
        for c in [a, b] {
            parent.entry(c).or_insert(c);
            basics.entry(c).or_insert(basic(c));
        }
        let (ra, rb) = (root(&parent, a), root(&parent, b));
        if ra == rb || basics[&ra] & basics[&rb] != 0 {
            continue;
        }
        let (keep, join) = if rank(ra) <= rank(rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        parent.insert(join, keep);
        let joined = basics[&ra] | basics[&rb];
        basics.insert(keep, joined);
    }
    let chars: Vec<char> = parent.keys().copied().collect();
    chars
        .into_iter()
        .filter_map(|c| {
            let r = root(&parent, c);
            (r != c).then_some((c, r))
        })
        .collect()
}

/// Letters below this code point (Latin, Cyrillic, Armenian) are looked up directly.
const DIRECT: usize = 0x600;

/// The table: a direct map below [`DIRECT`], sorted pairs above it (it is on the path of every
/// non-ASCII character the gate reads).
struct Table {
    direct: Vec<char>,
    rest: Vec<(char, char)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut direct: Vec<char> = (0..DIRECT as u32).filter_map(char::from_u32).collect();
        let mut rest = Vec::new();
        for (c, r) in build() {
            match direct.get_mut(c as usize) {
                Some(slot) => *slot = r,
                None => rest.push((c, r)),
            }
        }
        rest.sort();
        Table { direct, rest }
    })
}

/// The representative of a case-folded, decomposed letter's look-alike class (the letter itself
/// when it has none). ASCII is returned as it is.
pub fn canonical(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let t = table();
    match t.direct.get(c as usize) {
        Some(&r) => r,
        None => t
            .rest
            .binary_search_by_key(&c, |&(a, _)| a)
            .map_or(c, |i| t.rest[i].1),
    }
}

/// Every (letter, representative) pair, sorted: the table, for documentation and tests.
pub fn pairs() -> Vec<(char, char)> {
    let mut v: Vec<(char, char)> = build().into_iter().collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_across_scripts() {
        // Cyrillic а о е р с х у і ј, Armenian օ, schwa variants
        for (c, r) in [
            ('а', 'a'),
            ('о', 'o'),
            ('е', 'e'),
            ('р', 'p'),
            ('с', 'c'),
            ('х', 'x'),
            ('і', 'i'),
            ('ј', 'j'),
            ('օ', 'o'),
            ('ə', 'ǝ'),
            ('ә', 'ǝ'),
        ] {
            assert_eq!(canonical(c), r, "{c}");
        }
        for c in ['l', 'i', 'm', 'n', 'ж', 'ն'] {
            assert_eq!(canonical(c), c, "{c}");
        }
        // the letters of one basic alphabet stay distinct
        for (lo, hi) in [('a', 'z'), ('а', 'я'), ('\u{0561}', '\u{0586}')] {
            let letters: Vec<char> = (lo..=hi).collect();
            let mut reps: Vec<char> = letters.iter().map(|&c| canonical(c)).collect();
            reps.sort();
            reps.dedup();
            assert_eq!(reps.len(), letters.len(), "{lo}..{hi}");
        }
    }

    #[test]
    fn cyrillic_look_alikes_of_latin_in_capitals_and_lower_case() {
        use crate::text::normalize;
        for (c, l) in "АВЕКМНОРСТХУЅІЈавекмнорстхуѕіј"
            .chars()
            .zip("ABEKMHOPCTXYSIJabekmhopctxysij".chars())
        {
            assert_eq!(
                normalize(&c.to_string()),
                normalize(&l.to_string()),
                "{c} {l}"
            );
        }
        // Armenian օ and ս
        assert_eq!(normalize("Օ"), "o");
        assert_eq!(normalize("ս"), normalize("u"));
    }

    #[test]
    fn representatives_are_fixed_points_in_scope() {
        for (c, r) in pairs() {
            assert_eq!(canonical(r), r, "{c} -> {r}");
            assert!(in_scope(c) && in_scope(r), "{c} -> {r}");
        }
    }
}
