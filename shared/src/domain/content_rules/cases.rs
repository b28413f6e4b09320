//! Real-looking texts in the languages of our users, each with the rule it breaks or
//! `None` when it may be published.

use super::ContentRules;

const URL: Option<&str> = Some("url");
const EMAIL: Option<&str> = Some("email");
const PHONE: Option<&str> = Some("phone_number");
const WORD: Option<&str> = Some("blocklisted_word");
const OK: Option<&str> = None;

/// `(text, rule broken, what the case is about)`
const CASES: &[(&str, Option<&str>, &str)] = &[
    // English
    (
        "Check out https://example.com/lesson?id=4 for more",
        URL,
        "link with a scheme",
    ),
    ("my blog: www.my-english-notes.net", URL, "www link"),
    (
        "just google it or go to example.co.uk/path",
        URL,
        "bare domain with a path",
    ),
    ("join my channel t.me/englishclub", URL, "short domain"),
    (
        "write me at ada.lovelace@example.com",
        EMAIL,
        "e-mail address",
    ),
    ("ada [at] example [dot] com", EMAIL, "bracketed stand-ins"),
    (
        "mail: ada at example dot com",
        EMAIL,
        "spelled-out stand-ins",
    ),
    ("call me: +1 (555) 123-4567", PHONE, "North American number"),
    ("my number is 555.123.4567", PHONE, "dotted number"),
    ("UK office +44 20 7946 0958", PHONE, "international number"),
    ("you are an idiot", WORD, "listed insult"),
    ("what a load of BULLSHIT", WORD, "listed word in capitals"),
    ("you i d i o t", WORD, "listed word spelled apart"),
    (
        "I finished. Coming home at 10:30",
        OK,
        "sentence end and a time",
    ),
    ("e.g. this one, i.e. that one", OK, "abbreviations"),
    (
        "The lesson took 3.5 hours, version 2.0 of my notes",
        OK,
        "decimals and versions",
    ),
    (
        "Mr. Smith said the class assistant read a passage",
        OK,
        "words containing a listed part",
    ),
    (
        "In 2025 I had 3 lessons and wrote 1000 words",
        OK,
        "years and counts",
    ),
    ("It costs $1,299.00 or €1 299", OK, "prices"),
    ("See you on 11/28/2026 at 10.30", OK, "date and time"),
    (
        "I sent you report.pdf and photo.jpg",
        OK,
        "file names in prose",
    ),
    ("The ISBN is 978-3-16-148410-0", OK, "ISBN"),
    ("I live at home, not at a hotel", OK, "the word at"),
    // German
    (
        "Ruf mich an: (030) 1234-5678",
        PHONE,
        "German national number with area code",
    ),
    (
        "Aus dem Ausland: 0049 30 1234567",
        PHONE,
        "00 international prefix",
    ),
    (
        "Meine Seite: beispiel [punkt] de",
        URL,
        "bracketed German stand-in",
    ),
    (
        "Der Termin ist am 28.11.2026 um 10:30 Uhr",
        OK,
        "German date and time",
    ),
    (
        "Das kostet 12.500.000 Euro",
        OK,
        "German thousands separators",
    ),
    (
        "Ich habe 3,5 Stunden gelernt, z.B. Grammatik",
        OK,
        "decimal comma and z.B.",
    ),
    // Spanish
    (
        "Escríbeme a maria.garcia@correo.es",
        EMAIL,
        "Spanish address",
    ),
    (
        "Mi móvil es 612 345 678",
        PHONE,
        "Spanish mobile in groups of three",
    ),
    (
        "El punto es que estudio todos los días",
        OK,
        "punto as an everyday word",
    ),
    ("Cuesta 1.299 € y dura 2 horas", OK, "Spanish price"),
    ("Nos vemos el 28/11/2026", OK, "Spanish date"),
    // French
    (
        "Mon numéro : 06 12 34 56 78",
        PHONE,
        "French number in pairs",
    ),
    (
        "Mon site: exemple . fr",
        URL,
        "spaced dot before a country code",
    ),
    (
        "Rendez-vous à 10h30, le 28.11.2026",
        OK,
        "French time and date",
    ),
    (
        "C'est un point de vue intéressant",
        OK,
        "point as an everyday word",
    ),
    // Russian
    ("Звони 8 800 555 35 35", PHONE, "Russian toll-free number"),
    ("Мой номер +7 999 123-45-67", PHONE, "Russian mobile"),
    ("Заходи на пример.рф", URL, "Cyrillic domain"),
    ("Пиши на почту ада@пример.рф", EMAIL, "Cyrillic address"),
    (
        "Это стоит 1 299 руб., урок в 10:30",
        OK,
        "Russian price and time",
    ),
    (
        "В 2025 году я прочитал 12 книг",
        OK,
        "Russian year and count",
    ),
    // Chinese
    ("我的电话是13812345678", PHONE, "Chinese mobile inside text"),
    (
        "我的网站是example.com欢迎",
        URL,
        "domain glued inside Chinese text",
    ),
    ("我的邮箱是ada＠example．com", EMAIL, "full-width address"),
    ("这本书123元，我学了3个小时", OK, "Chinese price and count"),
    ("我们2026年11月28日见。", OK, "Chinese date"),
    // Arabic
    ("رقمي ٠٥٠١٢٣٤٥٦٧", PHONE, "Arabic-Indic digits"),
    (
        "راسلني على ahmed@example.com",
        EMAIL,
        "address in Arabic text",
    ),
    (
        "الدرس في الساعة 10:30 يوم 2026-11-28",
        OK,
        "Arabic text with time and date",
    ),
    ("السعر 150 ريال", OK, "Arabic price"),
    // Italian, Portuguese, Japanese, Turkish
    ("Visita il mio sito: esempio.it", URL, "Italian domain"),
    (
        "Meu email: joao(at)exemplo(dot)com.br",
        EMAIL,
        "parenthesised stand-ins",
    ),
    (
        "電話は03-1234-5678です",
        PHONE,
        "Japanese number inside text",
    ),
    (
        "明日は10時30分から3時間勉強します",
        OK,
        "Japanese time and duration",
    ),
    (
        "Saat 10.30'da buluşalım, 3 ders var",
        OK,
        "Turkish time with a suffix",
    ),
    // Evasions and edge cases
    ("ｅｘａｍｐｌｅ．ｃｏｍ", URL, "full-width domain"),
    ("example dot com", URL, "spelled dot"),
    ("fuuuuck this", WORD, "stretched letters"),
    ("sh1t happens", WORD, "digit for a letter"),
    (
        "I'm done . it was long",
        OK,
        "spaced dot before an everyday word",
    ),
    (
        "I finished.It was great",
        OK,
        "missing space before a capitalised word",
    ),
    ("The coordinates are 55.7558, 37.6173", OK, "coordinates"),
    (
        "Windows 10.0.19041.1 on 192.168.100.200",
        OK,
        "versions and an IP address",
    ),
];

#[test]
fn cases_break_the_expected_rule() {
    assert!(CASES.len() >= 40);
    let rules = ContentRules::default();
    let mut wrong = Vec::new();
    for (text, expected, about) in CASES {
        let got = rules.check(text).err();
        if got.as_ref().map(|violation| violation.rule()) != *expected {
            wrong.push(format!(
                "{about}: {text:?} expected {expected:?}, got {got:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
