//! Variants of deny-list entries that an office would otherwise forget to list
//! (`intact deny-list expand`, docs/REDACTION.md "Expanding a deny-list"): spellings in the
//! other scripts and transliterations, without diacritics, in the Russian cases, in reversed
//! order and with initials, phone numbers without their country code, street words abbreviated.
//!
//! The result is an aid for the office to review, not a guarantee: the rules are general but
//! simple (no dictionary, no stress, no gender beyond the ending).

pub mod declension;
pub mod translit;

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use crate::denylist::MIN_ENTRY_CHARS;
use crate::text::normalize;
use translit::*;

/// At most this many variants per entry.
pub const MAX_VARIANTS_PER_ENTRY: usize = 400;

/// One line of an expanded list: a spelling, the entry it came from (1-based) and the rules
/// that made it from the entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Variant {
    pub text: String,
    pub entry: usize,
    pub rule: String,
}

fn has(s: &str, f: impl Fn(char) -> bool) -> bool {
    s.chars().any(f)
}
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(&c) || c == 'ə' || c == 'Ə'
}
fn is_cyrillic(c: char) -> bool {
    ('\u{400}'..='\u{52F}').contains(&c)
}
fn is_armenian(c: char) -> bool {
    ('\u{531}'..='\u{58A}').contains(&c)
}

/// Letters with their diacritics removed; `ə` as `e`, `ı` as `i`.
pub fn without_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| unicode_normalization::char::canonical_combining_class(*c) == 0)
        .map(|c| match c {
            'ə' => 'e',
            'Ə' => 'E',
            'ı' => 'i',
            c => c,
        })
        .collect::<String>()
        .nfc()
        .collect()
}

fn armenian_surname(latin: &str) -> bool {
    let l = latin.to_lowercase();
    l.split(' ')
        .any(|w| w.ends_with("yan") || w.ends_with("ian") || w.ends_with("yants"))
}

/// Spellings of a Latin entry: without diacritics, Azerbaijani letters in English style,
/// Azerbaijani Cyrillic, Russian Cyrillic and its Latin renderings, Armenian for an Armenian
/// surname ending.
fn from_latin(e: &str, out: &mut Vec<(String, String)>) {
    let az = has(e, |c| "əƏıİşŞçÇğĞöÖüÜqQxX".contains(c));
    out.push((without_diacritics(e), "without diacritics".into()));
    if az {
        let en = without_diacritics(&rewrite(e, AZ_TO_ENGLISH));
        out.push((en, "Azerbaijani letters in English style".into()));
        out.push((
            rewrite(e, AZ_LATIN_TO_CYRILLIC),
            "Azerbaijani Latin to Azerbaijani Cyrillic".into(),
        ));
    }
    let ru = rewrite(e, LATIN_TO_RUSSIAN);
    from_russian(&ru, "Russian Cyrillic", out);
    if az {
        let ru2 = rewrite(&russian_habit(e), LATIN_TO_RUSSIAN);
        if ru2 != ru {
            from_russian(&ru2, "Russian Cyrillic (Russian habit)", out);
            out.push((ru2, "Latin to Russian Cyrillic (Russian habit)".into()));
        }
    }
    out.push((ru, "Latin to Russian Cyrillic".into()));
    if armenian_surname(e) {
        let a = rewrite(&without_diacritics(e), LATIN_TO_ARMENIAN);
        out.push((a, "Latin to Armenian".into()));
    }
}

/// An Azerbaijani Latin spelling as Russian habit renders it before transliteration: in each
/// word the first `ə` and a final `ə` stay (they become `а`), any other `ə` becomes `e`, `ü`
/// becomes `u`, and a doubled consonant is written once (`Məmmədov` → `Мамедов`,
/// `Hüseynov` → `Гусейнов`, `Zərifə` → `Зарифа`).
fn russian_habit(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    for (k, word) in e.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let chars: Vec<char> = word.chars().collect();
        let mut seen_schwa = false;
        for (i, &c) in chars.iter().enumerate() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            let last = i + 1 == chars.len() || !chars[i + 1].is_alphabetic();
            let c = match lower {
                'ə' if seen_schwa && !last => {
                    if c.is_uppercase() {
                        'E'
                    } else {
                        'e'
                    }
                }
                'ü' => {
                    if c.is_uppercase() {
                        'U'
                    } else {
                        'u'
                    }
                }
                _ => c,
            };
            if lower == 'ə' {
                seen_schwa = true;
            }
            let doubled = i > 0
                && chars[i - 1].to_lowercase().eq(c.to_lowercase())
                && !"aeiouəıöü".contains(lower);
            if !doubled {
                out.push(c);
            }
        }
    }
    out
}

/// Latin renderings of a Russian Cyrillic spelling (passport and English style), `ё` as `е`.
fn from_russian(ru: &str, via: &str, out: &mut Vec<(String, String)>) {
    let tag = |r: &str| {
        if via.is_empty() {
            r.to_string()
        } else {
            format!("{via}, then {r}")
        }
    };
    if has(ru, |c| c == 'ё' || c == 'Ё') {
        let e = ru.replace('ё', "е").replace('Ё', "Е");
        out.push((e, tag("ё as е")));
    }
    out.push((
        rewrite(ru, RUSSIAN_TO_LATIN_PASSPORT),
        tag("Russian to Latin (passport)"),
    ));
    out.push((
        rewrite(ru, RUSSIAN_TO_LATIN_ENGLISH),
        tag("Russian to Latin (English style)"),
    ));
}

/// Spellings in the other scripts and transliterations (rule names say which).
fn script_variants(e: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if has(e, is_armenian) {
        let latin = rewrite(e, ARMENIAN_TO_LATIN);
        out.push((
            latin.replace("yan", "ian"),
            "Armenian to Latin, -ian".into(),
        ));
        out.push((latin, "Armenian to Latin".into()));
        let ru = rewrite(e, ARMENIAN_TO_RUSSIAN);
        if has(e, |c| c == 'հ' || c == 'Հ') {
            // Russian often drops h: Անահիտ → Анаит, Հովհաննես → Ованес
            let ru2: Vec<String> = e
                .split(' ')
                .map(|w| {
                    let kept: String = w.chars().filter(|&c| c != 'հ' && c != 'Հ').collect();
                    let r = rewrite(&kept, ARMENIAN_TO_RUSSIAN);
                    if w.starts_with(char::is_uppercase) {
                        capitalised(&r)
                    } else {
                        r
                    }
                })
                .collect();
            out.push((ru2.join(" "), "Armenian to Russian, h dropped".into()));
        }
        out.push((ru, "Armenian to Russian".into()));
    } else if has(e, |c| AZ_CYRILLIC_ONLY.contains(c)) {
        let inverse: Vec<(&str, &str)> =
            AZ_LATIN_TO_CYRILLIC.iter().map(|&(a, b)| (b, a)).collect();
        let latin = rewrite(e, &inverse);
        let mut more = Vec::new();
        from_latin(&latin, &mut more);
        for (t, r) in more {
            out.push((t, format!("Azerbaijani Cyrillic to Latin, then {r}")));
        }
        out.push((latin, "Azerbaijani Cyrillic to Latin".into()));
    } else if has(e, is_cyrillic) {
        from_russian(e, "", &mut out);
        let english = rewrite(e, RUSSIAN_TO_LATIN_ENGLISH);
        if armenian_surname(&english) {
            out.push((
                rewrite(&english, LATIN_TO_ARMENIAN),
                "Russian to Latin, then Armenian".into(),
            ));
        }
    } else if has(e, is_latin) {
        from_latin(e, &mut out);
    }
    out
}

/// `s` with its first letter a capital.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Russian forms: every spelling in Russian Cyrillic in each oblique case.
fn declined(forms: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (f, rule) in forms {
        let russian = has(f, is_cyrillic) && !has(f, |c| AZ_CYRILLIC_ONLY.contains(c));
        if !russian {
            continue;
        }
        for (k, case) in declension::CASES.iter().enumerate() {
            if let Some(d) = declension::decline(f, k) {
                out.push((d, format!("{rule}; Russian {case}")));
            }
        }
    }
    out
}

/// Reversed order (the last word first) of a spelling of 2 to 4 words.
fn reversed(f: &str) -> Option<String> {
    let words: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    if !(2..=4).contains(&words.len()) {
        return None;
    }
    let mut r = vec![words[words.len() - 1]];
    r.extend(&words[..words.len() - 1]);
    Some(r.join(" "))
}

/// Initials for the given names, before and after the surname (the last word):
/// `R. Aliyev`, `Aliyev R.`.
fn initials(f: &str) -> Vec<String> {
    let words: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    if !(2..=3).contains(&words.len()) || !words.iter().all(|w| has(w, char::is_alphabetic)) {
        return Vec::new();
    }
    let inits: Vec<String> = words[..words.len() - 1]
        .iter()
        .filter_map(|w| w.chars().next().map(|c| format!("{c}.")))
        .collect();
    let last = words[words.len() - 1];
    vec![
        format!("{} {last}", inits.join(" ")),
        format!("{last} {}", inits.join(" ")),
    ]
}

/// A phone number as bare digits, without its country code (+994, +7, +374) and without a
/// trunk prefix (0, 8); `None` for an entry that is not a phone number (7 digits or more, only
/// digits and `+ ( ) - . /` and spaces).
fn phone(e: &str) -> Vec<(String, String)> {
    let digits: String = e.chars().filter(char::is_ascii_digit).collect();
    let phone_like = e
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-./".contains(c));
    if !phone_like || digits.len() < 7 {
        return Vec::new();
    }
    let mut out = vec![(digits.clone(), "phone number as digits".to_string())];
    for code in ["994", "374", "7"] {
        if e.trim_start().starts_with('+') && digits.starts_with(code) {
            out.push((
                digits[code.len()..].to_string(),
                format!("phone number without the country code +{code}"),
            ));
            break;
        }
    }
    if let Some(rest) = digits
        .strip_prefix('0')
        .or_else(|| digits.strip_prefix('8'))
    {
        if !e.trim_start().starts_with('+') {
            out.push((
                rest.to_string(),
                "phone number without the trunk prefix".into(),
            ));
        }
    }
    out
}

/// Street words and their usual abbreviations (either way), lower-case, without full stops.
pub const STREET_WORDS: &[&[&str]] = &[
    &["street", "st", "str"],
    &["avenue", "ave", "av"],
    &["apartment", "apt", "ap"],
    &["küçəsi", "küç", "kuc"],
    &["prospekti", "pr", "pr-ti"],
    &["mənzil", "mən"],
    &["ev", "e"],
    &["улица", "ул"],
    &["проспект", "пр", "просп", "пр-т"],
    &["квартира", "кв"],
    &["дом", "д"],
    &["переулок", "пер"],
    &["փողոց", "փ"],
    &["պողոտա", "պող"],
    &["բնակարան", "բն"],
];

/// The entry with each street word or abbreviation in its other written forms (one word at a
/// time, and all at once).
fn street(e: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = e.split(' ').collect();
    let key = |w: &str| {
        w.trim_matches(|c: char| c == '.' || c == ',')
            .to_lowercase()
    };
    let group = |w: &str| STREET_WORDS.iter().find(|g| g.contains(&key(w).as_str()));
    let mut out = Vec::new();
    let mut all = words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut found = 0;
    for (i, w) in words.iter().enumerate() {
        let Some(g) = group(w) else { continue };
        found += 1;
        for alt in g.iter().filter(|a| **a != key(w)) {
            let mut v: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let dot = if alt.chars().count() <= 4 { "." } else { "" };
            v[i] = format!("{alt}{dot}");
            out.push((v.join(" "), "street word abbreviated or written out".into()));
        }
        let first = g.iter().find(|a| **a != key(w)).unwrap_or(&g[0]);
        all[i] = first.to_string();
    }
    if found > 1 {
        out.push((
            all.join(" "),
            "street words abbreviated or written out".into(),
        ));
    }
    out
}

/// The variants of one entry (the entry itself not included), each with the rules that made
/// it, distinct after normalization from the entry and from each other.
pub fn expand_entry(entry: &str) -> Vec<(String, String)> {
    let e = entry.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut forms = vec![(e.clone(), String::from("as listed"))];
    // an entry with a digit is an address or a number: the name rules (scripts, cases, order,
    // initials) would spell its words letter by letter, which no one writes
    let name = !has(&e, |c| c.is_ascii_digit());
    if name {
        forms.extend(script_variants(&e));
    }
    let decl = if name { declined(&forms) } else { Vec::new() };
    let mut with_order = Vec::new();
    for (f, r) in forms.iter().chain(decl.iter()).filter(|_| name) {
        if let Some(rev) = reversed(f) {
            with_order.push((rev, format!("{r}; reversed order")));
        }
    }
    for (f, r) in forms.iter().filter(|_| name) {
        for i in initials(f) {
            with_order.push((i, format!("{r}; initials")));
        }
    }
    let mut all: Vec<(String, String)> = Vec::new();
    all.extend(forms.into_iter().skip(1));
    all.extend(decl);
    all.extend(with_order);
    all.extend(phone(&e));
    all.extend(street(&e));
    let mut seen: HashSet<String> = HashSet::from([normalize(&e).trim().to_string()]);
    let mut out = Vec::new();
    for (t, r) in all {
        let r = r.strip_prefix("as listed; ").unwrap_or(&r).to_string();
        let n = normalize(&t).trim().to_string();
        if n.chars().count() < MIN_ENTRY_CHARS || !seen.insert(n) {
            continue;
        }
        out.push((t, r));
        if out.len() >= MAX_VARIANTS_PER_ENTRY {
            break;
        }
    }
    out
}

/// Every entry followed by its variants: the lines of an expanded deny-list.
pub fn expand(entries: &[String]) -> Vec<Variant> {
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        out.push(Variant {
            // whitespace as one space: a TAB in an entry would not survive as a line's note
            text: e.split_whitespace().collect::<Vec<_>>().join(" "),
            entry: i + 1,
            rule: "as listed".into(),
        });
        for (text, rule) in expand_entry(e) {
            out.push(Variant {
                text,
                entry: i + 1,
                rule,
            });
        }
    }
    out
}

/// The expanded list as deny-list text: a header comment, then one line per variant,
/// `SPELLING<TAB># entry N: RULE` (the deny-list reads a line up to its first TAB).
pub fn render(variants: &[Variant]) -> String {
    let mut s = String::from(
        "# intact deny-list expand: every entry, then its variants; review, then use as --deny-list\n\
         # SPELLING<TAB># entry N (of the original list): the rules that made it\n",
    );
    for v in variants {
        s.push_str(&format!("{}\t# entry {}: {}\n", v.text, v.entry, v.rule));
    }
    s
}

#[cfg(test)]
mod tests;
