use super::*;
use crate::DenyList;

/// The expanded list of `entries`, rendered and loaded back as a deny-list.
fn expanded(entries: &[&str]) -> DenyList {
    let v = expand(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    DenyList::parse(std::path::Path::new("(expanded)"), &render(&v)).unwrap()
}

fn variants(e: &str) -> Vec<String> {
    expand_entry(e).into_iter().map(|(t, _)| t).collect()
}

#[test]
fn the_issue_spellings_are_refused_with_the_expanded_list() {
    let d = expanded(&[
        "Gülnar Hüseynova",
        "Rustam Əliyev",
        "Алёна Тестова",
        "Рустам Мамедов",
        "+994 50 123 45 67",
        "14 Nizami Street, apartment 7",
        "Պետրոսյան",
    ]);
    for text in [
        "Gulnar Huseynova",
        "Aliev Rustam",
        "Rustam Aliev",
        "Aliyev Rustam",
        "R. Aliyev",
        "R.Aliyev",
        "Алиев Рустам",
        "Рустам Әлијев",
        "Алена Тестова",
        "показания Мамедова Рустама",
        "с Рустамом Мамедовым",
        "тел. 0501234567",
        "+994501234567",
        "14 Nizami St., apt. 7",
        "14 Nizami Street,apt 7",
        "Petrosyan",
        "PETROSIAN",
        "Петросян",
    ] {
        assert!(!d.find(text).is_empty(), "{text}");
    }
    assert!(d.holds("RustamAliyev.txt") && d.holds("RUSTAM_ƏLİYEV.txt"));
    // and not what is merely similar
    for text in [
        "Gulnara Huseynli",
        "Rauf Aliyeva-Qasimli",
        "Петросов",
        "0501234568",
    ] {
        assert!(d.find(text).is_empty(), "{text}");
    }
}

#[test]
fn each_rule_names_its_source() {
    let v = expand_entry("Zərifə Qurbanlı-Testova");
    let rule = |t: &str| v.iter().find(|(x, _)| x == t).map(|(_, r)| r.clone());
    assert_eq!(
        rule("Zerife Qurbanli-Testova").as_deref(),
        Some("without diacritics")
    );
    assert_eq!(
        rule("Зарифа Гурбанлы-Тестова").as_deref(),
        Some("Latin to Russian Cyrillic")
    );
    assert_eq!(
        rule("Qurbanlı-Testova Zərifə").as_deref(),
        Some("reversed order")
    );
    assert_eq!(rule("Z. Qurbanlı-Testova").as_deref(), Some("initials"));
    // a spelling the normalization already equates is not listed again (ı is i)
    assert!(rule("Zərifə Qurbanli-Testova").is_none());
    assert!(v
        .iter()
        .all(|(t, _)| !t.contains('\t') && !t.contains('\n')));
}

#[test]
fn scripts_transliterations_and_cases() {
    let az = variants("Səbinə Əliyeva-Testzadə");
    for want in [
        "Sebine Eliyeva-Testzade",
        "Sabina Aliyeva-Testzada",
        "Сәбинә Әлијева-Тестзадә",
        "Сабина Алиева-Тестзада",
        "Sabina Alieva-Testzada",
    ] {
        assert!(az.contains(&want.to_string()), "{want}: {az:?}");
    }
    let m = variants("Rüstəm Məmmədov-Testov");
    for want in [
        "Рустам Мамедов-Тестов",
        "Рустама Мамедова-Тестова",
        "Rustam Mamedov-Testov",
    ] {
        assert!(m.contains(&want.to_string()), "{want}: {m:?}");
    }
    let og = variants("Rəşid Kamil oğlu Testov");
    assert!(
        og.contains(&"Рашид Камил оглы Тестов".to_string()),
        "{og:?}"
    );
    let ru = variants("Фёдор Вымыслов");
    for want in [
        "Fedor Vymyslov",
        "Fyodor Vymyslov",
        "Фёдора Вымыслова",
        "Фёдором Вымысловым",
        "Вымыслова Фёдора",
        "Ф. Вымыслов",
        "Вымыслов Ф.",
    ] {
        assert!(ru.contains(&want.to_string()), "{want}: {ru:?}");
    }
    let hy = variants("Անահիտ Թեստյան");
    for want in [
        "Anahit Testyan",
        "Anahit Testian",
        "Анагит Тестян",
        "Анаит Тестян",
        "Анаиту Тестяну",
        "Testyan Anahit",
        "Анагита Тестяна",
    ] {
        assert!(hy.contains(&want.to_string()), "{want}: {hy:?}");
    }
    assert!(variants("Հակոբ Թեստյան").contains(&"Акоб Тестян".to_string()));
    let lat = variants("Anahit Testyan");
    assert!(lat.contains(&"Անահիտ Թեստյան".replace('Թ', "Տ")), "{lat:?}");
}

#[test]
fn phones_and_streets() {
    let p = variants("+7 (912) 000-11-22");
    // the bare digits are the entry itself once normalized (separators between digits drop)
    assert!(p.contains(&"9120001122".into()), "{p:?}");
    let p = variants("8 912 000 11 22");
    assert!(p.contains(&"9120001122".into()), "{p:?}");
    let s = variants("ул. Вымышленная, д. 5, кв. 12");
    assert!(
        s.contains(&"улица Вымышленная, д. 5, кв. 12".into()),
        "{s:?}"
    );
    let s = variants("Testov küçəsi 3");
    assert!(s.contains(&"Testov küç. 3".into()), "{s:?}");
    // no letter-by-letter transliteration or declension of an address
    assert!(s.iter().all(|v| !v.contains('Т')), "{s:?}");
}

#[test]
fn rendered_lines_load_as_a_deny_list_numbered_in_file_order() {
    let v = expand(&["Zarifa Testova".to_string()]);
    let text = render(&v);
    let d = DenyList::parse(std::path::Path::new("x"), &text).unwrap();
    assert_eq!(d.len(), v.len());
    assert!(!d.find("Testova Zarifa").is_empty());
    // the mask gives the number and the length of the spelling, never the note
    let m = &d.find("Zarifa Testova")[0];
    assert_eq!(m, "[withheld #1, 14 chars]");
}

#[test]
fn initials_match_only_as_whole_words() {
    let d = expanded(&["Rustam Testaliyev"]);
    for text in [
        "R. Testaliyev",
        "(R.Testaliyev)",
        "Testaliyev R.",
        "testaliyev r",
    ] {
        assert!(!d.find(text).is_empty(), "{text}");
    }
    for text in ["Aynur Testaliyev", "Testaliyev Rauf", "Nur Testaliyev-Rza"] {
        assert!(d.find(text).is_empty(), "{text}");
    }
    assert_eq!(
        crate::denylist::initial_sides("r testaliyev"),
        (true, false)
    );
    assert_eq!(
        crate::denylist::initial_sides("testaliyev r"),
        (false, true)
    );
    assert_eq!(crate::denylist::initial_sides("abc"), (false, false));
}

#[test]
fn a_note_needs_a_tab_and_a_hash() {
    let text = "Zarifa Testova\t# entry 1: as listed\n\tRauf Testzade\nLala\tTestova\n";
    let e: Vec<String> = DenyList::entries(text)
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    assert_eq!(e, ["Zarifa Testova", "Rauf Testzade", "Lala\tTestova"]);
    let d = DenyList::parse(std::path::Path::new("x"), text).unwrap();
    assert_eq!(d.find("lala testova").len(), 1);
    // an entry with a TAB expands to lines that load back as the same entries
    let v = expand(&["Lala\tTestova".to_string()]);
    let back = DenyList::entries(&render(&v));
    assert_eq!(back[0].1, "Lala Testova");
    assert_eq!(back.len(), v.len());
}
