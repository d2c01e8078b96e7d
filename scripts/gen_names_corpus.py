#!/usr/bin/env python3
"""Synthetic Russian, Azerbaijani and Armenian documents for measuring the leak gate's false
alarms (docs/REDACTION.md, "False alarms"): text full of names, addresses and phone numbers
that resemble the deny-list's entries (same given names, same surnames with other given names,
surnames a letter apart, neighbouring phone numbers and house numbers) but are none of them in
any spelling `intact deny-list expand` writes.

    python3 scripts/gen_names_corpus.py tests/names-corpus [DOCS_PER_LANGUAGE]

writes DIR/deny.txt, DIR/src/{ru,az,hy}-N.txt (seeded: the same files every run) and
DIR/control/control.txt (variants of the entries, which must be found);
scripts/gen-names-corpus.sh then has LibreOffice (headless) convert each text to .odt, .docx
and .pdf. Every name here is invented.
"""
import random
import sys
from pathlib import Path

DENY = [
    "Zərifə Qurbanlı-Testova",
    "Elşən Nümunəzadə",
    "Aydın Sınaqov",
    "Рустам Вымыслов",
    "Алёна Примерова",
    "Анаит Тестерян",
    "Անահիտ Թեստյան",
    "Գագիկ Օրինակյան",
    "+994 50 000 11 22",
    "14 Nümunə küçəsi, mənzil 7",
    "ул. Тестовая, д. 5, кв. 12",
]

# Similar but different: none is an entry or a variant of one.
AZ_NAMES = [
    "Zərifə Qurbanova", "Zərifə Məmmədli", "Zeynəb Qurbanlı-Testova", "Nərgiz Qurbanlı",
    "Elşad Nümunəli", "Elşən Sınaqlı", "Eldar Nümunəzadə", "Aydın Sınaqlı", "Aysel Sınaqova",
    "Nurlan Sınaqov", "Kamran Qurbanzadə", "Səbinə Testova-Əliyeva", "Rauf Nümunov",
    "Vüsal Qurbanlı", "Gülnarə Testzadə", "Orxan Sınaqzadə", "Lalə Nümunəzadə",
]
RU_NAMES = [
    "Рустам Вымышленко", "Рустам Примеров", "Руслан Вымыслов", "Марат Вымыслов",
    "Алёна Примеренко", "Алина Примерова", "Ирина Примерова", "Олег Вымыслович",
    "Тимур Тестеров", "Вера Вымышляева", "Анна Тестерова", "Игорь Примерный",
    "Наиля Вымыслова", "Эльдар Вымыслов", "Лейла Примерова",
]
HY_NAMES = [
    "Անահիտ Թեստոյան", "Անի Թեստյան", "Արմեն Թեստյան", "Գագիկ Օրինակով", "Գոհար Օրինակյան",
    "Լիլիթ Թեստաձե", "Հայկ Օրինակյանց", "Նարե Թեստերյան", "Տիգրան Օրինակյան", "Սոնա Թեստյան",
]
AZ_STREETS = ["15 Nümunə küçəsi, mənzil 7", "14 Nümunə küçəsi, mənzil 8", "14 Sınaq küçəsi, mənzil 7",
              "4 Nümunə küçəsi", "Nümunə prospekti 14"]
RU_STREETS = ["ул. Тестовая, д. 6, кв. 12", "ул. Тестовая, д. 5, кв. 13", "ул. Примерная, д. 5, кв. 12",
              "пр. Тестовый, д. 5"]
HY_STREETS = ["Թեստային փողոց 5, բն. 13", "Օրինակ փողոց 14", "Թեստային պողոտա 6"]
PHONES = ["+994 50 000 11 23", "+994 55 000 11 22", "+994 50 100 11 22", "+7 912 000 11 22",
          "+374 10 00 11 22"]

AZ = [
    "{d} tarixində {n} ifadə verib ki, {n2} həmin gün evdə olmayıb.",
    "Şahid {n} {s} ünvanında yaşayır, telefon: {p}.",
    "{n} və {n2} arasında {k} manatlıq müqavilə bağlanıb.",
    "İstintaq zamanı {n} {n2} ilə {d} tarixində görüşdüyünü təsdiq etdi.",
    "Protokolu {n} imzalayıb, surəti {n2} verilib.",
]
RU = [
    "{d} свидетель {n} показал, что {n2} в тот день дома не было.",
    "Потерпевший {n} проживает по адресу: {s}, телефон {p}.",
    "Между {n} и {n2} заключён договор на сумму {k} рублей.",
    "Со слов {n}, встреча с {n2} состоялась {d}.",
    "Протокол подписан {n}; копия вручена {n2}.",
]
HY = [
    "{d} վկա {n}-ը հայտնեց, որ {n2}-ը այդ օրը տանը չէր։",
    "{n}-ը բնակվում է {s} հասցեում, հեռախոս՝ {p}։",
    "{n}-ի և {n2}-ի միջև կնքվել է {k} դրամի պայմանագիր։",
    "Արձանագրությունը ստորագրել է {n}-ը, պատճենը տրվել է {n2}-ին։",
]


def documents(rng, lang, templates, names, streets, count, sentences):
    for i in range(count):
        lines = []
        for _ in range(sentences):
            t = rng.choice(templates)
            n, n2 = rng.sample(names, 2)
            lines.append(t.format(
                n=n, n2=n2, s=rng.choice(streets), p=rng.choice(PHONES),
                d=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.19{rng.randint(70, 91)}",
                k=rng.randint(100, 99999)))
        yield f"{lang}-{i + 1}.txt", "\n".join(lines) + "\n"


def main():
    out = Path(sys.argv[1])
    (out / "src").mkdir(parents=True, exist_ok=True)
    (out / "deny.txt").write_text("# synthetic deny-list (invented names)\n" + "\n".join(DENY) + "\n")
    per_language = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rng = random.Random(18)
    for lang, templates, names, streets in [("az", AZ, AZ_NAMES, AZ_STREETS), ("ru", RU, RU_NAMES, RU_STREETS),
                                            ("hy", HY, HY_NAMES, HY_STREETS)]:
        for name, text in documents(rng, lang, templates, names, streets, per_language, 60):
            (out / "src" / name).write_text(text, encoding="utf-8")
    (out / "control").mkdir(exist_ok=True)
    (out / "control" / "control.txt").write_text(CONTROL, encoding="utf-8")


# A control document: spellings that must be found (each a variant the expansion writes).
CONTROL = """Показания Вымыслова Рустама записаны.
Sınaqov Aydın ifadə verib.
Qurbanli-Testova Zarifa
Անահիտ Թեստյանը ներկա էր։ Anahit Testian.
Тел.: +994500001122
"""


if __name__ == "__main__":
    main()
