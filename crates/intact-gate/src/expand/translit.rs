//! Transliteration tables between the scripts this archive's names are written in: Azerbaijani
//! Latin and Cyrillic, Russian Cyrillic and its Latin renderings, Armenian.

/// Rewrite `s` by a table of (from, to) pairs, longest match first at each position; letters
/// not in the table are kept. A capital at the start of a match gives a capitalised result.
pub fn rewrite(s: &str, table: &[(&str, &str)]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut out = String::with_capacity(s.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let mut best: Option<(usize, &str)> = None;
        for (from, to) in table {
            let n = from.chars().count();
            if i + n <= lower.len()
                && lower[i..i + n].iter().copied().eq(from.chars())
                && best.is_none_or(|(m, _)| n > m)
            {
                best = Some((n, to));
            }
        }
        match best {
            Some((n, to)) => {
                let word_start = i == 0 || !chars[i - 1].is_alphabetic();
                // `^X|Y`: X at the start of a word, Y elsewhere
                let to = match to.strip_prefix('^').and_then(|t| t.split_once('|')) {
                    Some((first, _)) if word_start => first,
                    Some((_, other)) => other,
                    None => to,
                };
                if chars[i].is_uppercase() {
                    let mut t = to.chars();
                    if let Some(f) = t.next() {
                        out.extend(f.to_uppercase());
                        out.push_str(t.as_str());
                    }
                } else {
                    out.push_str(to);
                }
                i += n;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// Azerbaijani Latin to Azerbaijani Cyrillic (the 1958 alphabet: `Əliyev` → `Әлијев`).
pub const AZ_LATIN_TO_CYRILLIC: &[(&str, &str)] = &[
    ("a", "а"),
    ("b", "б"),
    ("c", "ҹ"),
    ("ç", "ч"),
    ("d", "д"),
    ("e", "е"),
    ("ə", "ә"),
    ("f", "ф"),
    ("g", "ҝ"),
    ("ğ", "ғ"),
    ("h", "һ"),
    ("x", "х"),
    ("ı", "ы"),
    ("i", "и"),
    ("j", "ж"),
    ("k", "к"),
    ("q", "г"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("ö", "ө"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("ş", "ш"),
    ("t", "т"),
    ("u", "у"),
    ("ü", "ү"),
    ("v", "в"),
    ("y", "ј"),
    ("z", "з"),
];

/// Azerbaijani Cyrillic letters that Russian does not have (a Cyrillic entry holding one is
/// Azerbaijani).
pub const AZ_CYRILLIC_ONLY: &str = "әҹҝғһөүјӘҸҜҒҺӨҮЈ";

/// Azerbaijani (and other) Latin to Russian Cyrillic, as Russian documents render Azerbaijani
/// names: `Əliyev` → `Алиев`, `Hüseynov` → `Гусейнов`, `Qasımov` → `Гасымов`.
pub const LATIN_TO_RUSSIAN: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("oğlu", "оглы"),
    ("qızı", "кызы"),
    ("iye", "ие"),
    ("iyev", "иев"),
    ("ye", "е"),
    ("yev", "ев"),
    ("ya", "я"),
    ("yu", "ю"),
    ("yo", "ё"),
    ("ey", "ей"),
    ("ay", "ай"),
    ("oy", "ой"),
    ("uy", "уй"),
    ("ıy", "ый"),
    ("a", "а"),
    ("b", "б"),
    ("c", "дж"),
    ("ç", "ч"),
    ("d", "д"),
    ("e", "е"),
    ("ə", "а"),
    ("f", "ф"),
    ("g", "г"),
    ("ğ", "г"),
    ("h", "г"),
    ("x", "х"),
    ("ı", "ы"),
    ("i", "и"),
    ("j", "ж"),
    ("k", "к"),
    ("q", "г"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("ö", "ё"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("ş", "ш"),
    ("t", "т"),
    ("u", "у"),
    ("ü", "ю"),
    ("v", "в"),
    ("w", "в"),
    ("y", "й"),
    ("z", "з"),
];

/// Russian Cyrillic to Latin as Russian passports write it (ICAO 9303): `Алиев` → `Aliev`,
/// `Петросян` → `Petrosian`.
pub const RUSSIAN_TO_LATIN_PASSPORT: &[(&str, &str)] = &[
    ("а", "a"),
    ("б", "b"),
    ("в", "v"),
    ("г", "g"),
    ("д", "d"),
    ("е", "e"),
    ("ё", "e"),
    ("ж", "zh"),
    ("з", "z"),
    ("и", "i"),
    ("й", "i"),
    ("к", "k"),
    ("л", "l"),
    ("м", "m"),
    ("н", "n"),
    ("о", "o"),
    ("п", "p"),
    ("р", "r"),
    ("с", "s"),
    ("т", "t"),
    ("у", "u"),
    ("ф", "f"),
    ("х", "kh"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("щ", "shch"),
    ("ъ", "ie"),
    ("ы", "y"),
    ("ь", ""),
    ("э", "e"),
    ("ю", "iu"),
    ("я", "ia"),
];

/// Russian Cyrillic to Latin in the English style of older transliterations (BGN/PCGN-like):
/// `Алиев` → `Aliyev`, `Петросян` → `Petrosyan`, `Алёна` → `Alyona`.
pub const RUSSIAN_TO_LATIN_ENGLISH: &[(&str, &str)] = &[
    ("а", "a"),
    ("б", "b"),
    ("в", "v"),
    ("г", "g"),
    ("д", "d"),
    ("е", "^ye|e"),
    ("ае", "aye"),
    ("ие", "iye"),
    ("ое", "oye"),
    ("уе", "uye"),
    ("ье", "ye"),
    ("ъе", "ye"),
    ("ё", "yo"),
    ("ж", "zh"),
    ("з", "z"),
    ("и", "i"),
    ("й", "y"),
    ("к", "k"),
    ("л", "l"),
    ("м", "m"),
    ("н", "n"),
    ("о", "o"),
    ("п", "p"),
    ("р", "r"),
    ("с", "s"),
    ("т", "t"),
    ("у", "u"),
    ("ф", "f"),
    ("х", "kh"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("щ", "shch"),
    ("ъ", ""),
    ("ы", "y"),
    ("ь", ""),
    ("э", "e"),
    ("ю", "yu"),
    ("я", "ya"),
];

/// Armenian to Latin (the usual English-style romanisation): `Պետրոսյան` → `Petrosyan`.
pub const ARMENIAN_TO_LATIN: &[(&str, &str)] = &[
    ("ու", "u"),
    ("և", "ev"),
    ("ա", "a"),
    ("բ", "b"),
    ("գ", "g"),
    ("դ", "d"),
    ("ե", "^ye|e"),
    ("զ", "z"),
    ("է", "e"),
    ("ը", "y"),
    ("թ", "t"),
    ("ժ", "zh"),
    ("ի", "i"),
    ("լ", "l"),
    ("խ", "kh"),
    ("ծ", "ts"),
    ("կ", "k"),
    ("հ", "h"),
    ("ձ", "dz"),
    ("ղ", "gh"),
    ("ճ", "ch"),
    ("մ", "m"),
    ("յ", "y"),
    ("ն", "n"),
    ("շ", "sh"),
    ("ո", "^vo|o"),
    ("չ", "ch"),
    ("պ", "p"),
    ("ջ", "j"),
    ("ռ", "r"),
    ("ս", "s"),
    ("վ", "v"),
    ("տ", "t"),
    ("ր", "r"),
    ("ց", "ts"),
    ("փ", "p"),
    ("ք", "k"),
    ("օ", "o"),
    ("ֆ", "f"),
];

/// Armenian to Russian Cyrillic: `Պետրոսյան` → `Петросян`.
pub const ARMENIAN_TO_RUSSIAN: &[(&str, &str)] = &[
    ("ու", "у"),
    ("յա", "я"),
    ("յու", "ю"),
    ("և", "ев"),
    ("ա", "а"),
    ("բ", "б"),
    ("գ", "г"),
    ("դ", "д"),
    ("ե", "е"),
    ("զ", "з"),
    ("է", "э"),
    ("ը", "ы"),
    ("թ", "т"),
    ("ժ", "ж"),
    ("ի", "и"),
    ("լ", "л"),
    ("խ", "х"),
    ("ծ", "ц"),
    ("կ", "к"),
    ("հ", "г"),
    ("ձ", "дз"),
    ("ղ", "г"),
    ("ճ", "ч"),
    ("մ", "м"),
    ("յ", "й"),
    ("ն", "н"),
    ("շ", "ш"),
    ("ո", "о"),
    ("չ", "ч"),
    ("պ", "п"),
    ("ջ", "дж"),
    ("ռ", "р"),
    ("ս", "с"),
    ("վ", "в"),
    ("տ", "т"),
    ("ր", "р"),
    ("ց", "ц"),
    ("փ", "п"),
    ("ք", "к"),
    ("օ", "о"),
    ("ֆ", "ф"),
];

/// Latin to Armenian, for names with an Armenian surname ending (`-yan`, `-ian`, `-unts`):
/// `Petrosyan` → `Պետրոսյան`.
pub const LATIN_TO_ARMENIAN: &[(&str, &str)] = &[
    ("yan", "յան"),
    ("ian", "յան"),
    ("ye", "^ե|յե"),
    ("vo", "^ո|վո"),
    ("ev", "և"),
    ("u", "ու"),
    ("zh", "ժ"),
    ("kh", "խ"),
    ("ts", "ց"),
    ("dz", "ձ"),
    ("gh", "ղ"),
    ("ch", "չ"),
    ("sh", "շ"),
    ("a", "ա"),
    ("b", "բ"),
    ("g", "գ"),
    ("d", "դ"),
    ("e", "ե"),
    ("z", "զ"),
    ("y", "յ"),
    ("t", "տ"),
    ("i", "ի"),
    ("l", "լ"),
    ("k", "կ"),
    ("h", "հ"),
    ("m", "մ"),
    ("n", "ն"),
    ("o", "ո"),
    ("p", "պ"),
    ("j", "ջ"),
    ("r", "ր"),
    ("s", "ս"),
    ("v", "վ"),
    ("f", "ֆ"),
    ("q", "ք"),
    ("x", "խ"),
    ("c", "ց"),
];

/// Azerbaijani Latin without its special letters, English style: `Əliyev` → `Aliyev`,
/// `Şəfiqə` → `Shafiga`.
pub const AZ_TO_ENGLISH: &[(&str, &str)] = &[
    ("ə", "a"),
    ("ı", "i"),
    ("ş", "sh"),
    ("ç", "ch"),
    ("ğ", "gh"),
    ("ö", "o"),
    ("ü", "u"),
    ("x", "kh"),
    ("q", "g"),
    ("c", "j"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_on_the_usual_examples() {
        assert_eq!(rewrite("Əliyev", AZ_LATIN_TO_CYRILLIC), "Әлијев");
        assert_eq!(rewrite("Əliyev", LATIN_TO_RUSSIAN), "Алиев");
        assert_eq!(rewrite("Hüseynov", LATIN_TO_RUSSIAN), "Гюсейнов");
        assert_eq!(rewrite("Qasımov", LATIN_TO_RUSSIAN), "Гасымов");
        assert_eq!(rewrite("Алиев", RUSSIAN_TO_LATIN_PASSPORT), "Aliev");
        assert_eq!(rewrite("Алиев", RUSSIAN_TO_LATIN_ENGLISH), "Aliyev");
        assert_eq!(rewrite("Պետրոսյան", ARMENIAN_TO_LATIN), "Petrosyan");
        assert_eq!(rewrite("Պետրոսյան", ARMENIAN_TO_RUSSIAN), "Петросян");
        assert_eq!(rewrite("Петросян", RUSSIAN_TO_LATIN_PASSPORT), "Petrosian");
        assert_eq!(rewrite("Petrosyan", LATIN_TO_ARMENIAN), "Պետրոսյան");
        assert_eq!(rewrite("Əliyev", AZ_TO_ENGLISH), "Aliyev");
        assert_eq!(rewrite("Ելենա", ARMENIAN_TO_LATIN), "Yelena");
    }
}
