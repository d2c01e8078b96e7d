//! Russian declension of surnames and given names, for the spellings an entry takes in a Russian
//! sentence ("показания Мамедова Рустама").

/// The oblique cases, in the usual order (the nominative is the entry itself).
pub const CASES: [&str; 5] = [
    "genitive",
    "dative",
    "accusative",
    "instrumental",
    "prepositional",
];

fn ends(w: &str, suffixes: &[&str]) -> bool {
    let l = w.to_lowercase();
    suffixes.iter().any(|s| l.ends_with(s))
}

/// `w` without its last `n` characters, followed by `add`.
fn cut(w: &str, n: usize, add: &str) -> String {
    let keep = w.chars().count().saturating_sub(n);
    let mut s: String = w.chars().take(keep).collect();
    s.push_str(add);
    s
}

/// The form of one Russian word (a surname in -ов/-ев/-ёв/-ин/-ын and their feminine -ова…,
/// a patronymic, a given name) in case `case` (an index into [`CASES`]); `None` when the word
/// is not Cyrillic or does not decline (ending in -о, -е, -и, -у, -ы, -ю, `оглы`, `кызы`).
pub fn decline_word(w: &str, case: usize) -> Option<String> {
    if w.is_empty()
        || !w
            .chars()
            .all(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
    {
        return None;
    }
    let last = w.chars().last()?.to_lowercase().next()?;
    let before = w
        .chars()
        .rev()
        .nth(1)
        .map(|c| c.to_lowercase().next().unwrap_or(c));
    let velar_sibilant = before.is_some_and(|c| "гкхжшчщ".contains(c));
    let sibilant = |c: Option<char>| c.is_some_and(|c| "жшчщц".contains(c));
    let pick = |forms: [&str; 5], n: usize| Some(cut(w, n, forms[case]));
    if ends(w, &["ова", "ева", "ёва", "ина", "ына"]) {
        return pick(["ой", "ой", "у", "ой", "ой"], 1);
    }
    if ends(w, &["ов", "ев", "ёв", "ин", "ын"]) {
        return pick(["а", "у", "а", "ым", "е"], 0);
    }
    match last {
        'а' if velar_sibilant => pick(["и", "е", "у", "ой", "е"], 1),
        'а' => pick(["ы", "е", "у", "ой", "е"], 1),
        'я' if ends(w, &["ия"]) => pick(["и", "и", "ю", "ей", "и"], 1),
        'я' => pick(["и", "е", "ю", "ей", "е"], 1),
        'й' if ends(w, &["ий"]) => pick(["я", "ю", "я", "ем", "и"], 1),
        'й' => pick(["я", "ю", "я", "ем", "е"], 1),
        'ь' => pick(["я", "ю", "я", "ем", "е"], 1),
        'о' | 'е' | 'и' | 'у' | 'ы' | 'ю' | 'э' | 'ё' => None,
        _ if sibilant(Some(last)) => pick(["а", "у", "а", "ем", "е"], 0),
        _ => pick(["а", "у", "а", "ом", "е"], 0),
    }
}

/// Every word of `entry` that declines (each part of a hyphenated one) put in case `case`;
/// `None` when no word declines.
pub fn decline(entry: &str, case: usize) -> Option<String> {
    let mut any = false;
    let mut one = |w: &str| match decline_word(w, case) {
        Some(d) => {
            any = true;
            d
        }
        None => w.to_string(),
    };
    let words: Vec<String> = entry
        .split(' ')
        .map(|w| w.split('-').map(&mut one).collect::<Vec<_>>().join("-"))
        .collect();
    any.then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_and_given_names_in_every_case() {
        let all = |e: &str| (0..5).map(|k| decline(e, k).unwrap()).collect::<Vec<_>>();
        assert_eq!(
            all("Рустам Мамедов"),
            [
                "Рустама Мамедова",
                "Рустаму Мамедову",
                "Рустама Мамедова",
                "Рустамом Мамедовым",
                "Рустаме Мамедове"
            ]
        );
        assert_eq!(
            all("Зарифа Тестова"),
            [
                "Зарифы Тестовой",
                "Зарифе Тестовой",
                "Зарифу Тестову",
                "Зарифой Тестовой",
                "Зарифе Тестовой"
            ]
        );
        assert_eq!(decline("Ольга", 0).unwrap(), "Ольги");
        assert_eq!(
            decline("Зарифа Гурбанлы-Тестова", 3).unwrap(),
            "Зарифой Гурбанлы-Тестовой"
        );
        assert_eq!(decline("Мария", 4).unwrap(), "Марии");
        assert_eq!(decline("Андрей", 3).unwrap(), "Андреем");
        assert_eq!(decline("Игорь", 1).unwrap(), "Игорю");
        assert_eq!(decline("Ильич", 3).unwrap(), "Ильичем");
        assert_eq!(
            decline("Алиев Рамиз оглы", 0).unwrap(),
            "Алиева Рамиза оглы"
        );
        assert!(decline("Ivan", 0).is_none());
    }
}
