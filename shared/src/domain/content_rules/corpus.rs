//! What learners write, in every script our users write in: none of it may be refused.
//! Numbers are where a phone rule errs (years, prices, times, dates, counts, postal codes,
//! native digits), dots are where a link rule errs (abbreviations, decimals, file names,
//! sentence ends, middle dots of other scripts).

use super::ContentRules;

/// `(language, text)`
const PROSE: &[(&str, &str)] = &[
    (
        "English",
        "I was born in 1995 and moved to London in 2019, when I was 24.",
    ),
    (
        "English",
        "The course costs $1,299.00 or £950, e.g. about 3.5 months of rent.",
    ),
    (
        "English",
        "See you on 11/28/2026 at 10:30 a.m. in room 4.12, Mr. Smith's class.",
    ),
    (
        "English",
        "I sent you report.pdf and photo.jpg, i.e. the files from chapter 2.0.",
    ),
    (
        "English",
        "My score went from 5.5 to 7.0 in 3 months; I learned 1000 words!",
    ),
    (
        "English",
        "We need 10-15 minutes per topic, 3-4 topics a day, 5 days a week.",
    ),
    (
        "English",
        "The population of India is about 1,400,000,000 people.",
    ),
    (
        "English",
        "Mr.Smith said the U.S. and the U.K. spell it differently, etc.",
    ),
    (
        "English",
        "It was 25°C at 9.00-17.00 and the ratio was 16:9. John 3:16.",
    ),
    (
        "English",
        "Version 2.0.1 of the app fixed it; Node.js and Vue.js too.",
    ),
    (
        "English",
        "I'm at home now. Let's talk at 8 pm, ok? I'll call you later.",
    ),
    (
        "English",
        "Order 5 books, 2 pens and 1 notebook: 8 items for 12.50 dollars.",
    ),
    (
        "English",
        "Flight BA 117 leaves at 18:45 from gate 23, seat 14C.",
    ),
    (
        "English",
        "Hello. World news at 6. It rains. Now I know. You are right.",
    ),
    (
        "English",
        "Room 101, floor 3, building 7 of the campus, 2 km from here.",
    ),
    (
        "German",
        "Ich lerne seit 2019 Deutsch und habe am 28.11.2026 um 10:30 Uhr Prüfung.",
    ),
    (
        "German",
        "Das Buch hat 12,50 € gekostet, z.B. die Übungen auf Seite 145.",
    ),
    (
        "German",
        "Berlin hat etwa 3.700.000 Einwohner, Deutschland 83 200 000.",
    ),
    (
        "German",
        "Meine Adresse: Hauptstraße 12, 10115 Berlin, 3. Stock.",
    ),
    (
        "German",
        "Der Zug fährt um 7.45 Uhr ab und kommt nach 4 Std. an, d.h. um 11.45.",
    ),
    (
        "German",
        "Es ist jetzt 14 Uhr. Ist das nicht spät? Im Sommer ist es heller.",
    ),
    (
        "French",
        "Le cours commence à 10h30, le 28.11.2026, et coûte 49,90 €.",
    ),
    (
        "French",
        "J'habite au 12, rue de la Paix, 75002 Paris, depuis 2015.",
    ),
    (
        "French",
        "Il y a 1 234 567 habitants ; ça fait 3,5 % de plus qu'en 2020.",
    ),
    (
        "French",
        "C'est un point de vue intéressant. Moi, je préfère le café.",
    ),
    (
        "Spanish",
        "Nací el 15/03/1998 en Madrid y tengo 2 hermanos.",
    ),
    (
        "Spanish",
        "Cuesta 1.299 € y dura 2 horas; el punto es que vale la pena.",
    ),
    (
        "Spanish",
        "Estudio de 9:00 a 13:00, o sea 4 horas al día, 20 a la semana.",
    ),
    (
        "Italian",
        "Il corso costa 350,00 euro e inizia il 3/10/2026 alle 18.30.",
    ),
    (
        "Italian",
        "La casa è al civico 27, interno 5. Si, è vicino alla stazione.",
    ),
    (
        "Portuguese",
        "Nasci em 1990 e moro em São Paulo há 12 anos; custa R$ 1.500,00.",
    ),
    (
        "Portuguese",
        "Bom dia! A aula é às 19h30, sala 204, e dura 1h30.",
    ),
    (
        "Catalan",
        "La vil·la i el col·legi són a prop; hi vaig a les 8.15 cada dia.",
    ),
    (
        "Catalan",
        "L'il·lusió de la Marcel·la: 3 germans i 2 gats a la cel·la.",
    ),
    (
        "Dutch",
        "Het kost €12,50 per les en ik woon op nummer 34, 1012 AB Amsterdam.",
    ),
    (
        "Polish",
        "Kosztuje 1 299 zł, a lekcja jest o 17:15 w sali nr 3.",
    ),
    (
        "Czech",
        "Stojí to 450 Kč a začíná to v 9.30, tj. za 2 hodiny.",
    ),
    (
        "Turkish",
        "Saat 10.30'da buluşalım, 3 ders var ve fiyatı 250 TL.",
    ),
    (
        "Turkish",
        "Kırmızı ışıkta durdum, 1999'da doğdum, 25 yaşındayım.",
    ),
    ("Russian", "Я изучаю русский язык уже 3 года, с 2023 года."),
    (
        "Russian",
        "Урок в 10:30, учебник стоит 1 299 руб., это 12,5% скидка.",
    ),
    (
        "Russian",
        "Мой адрес: ул. Ленина, д. 12, кв. 34, г. Москва, 125009.",
    ),
    (
        "Russian",
        "Хорошо. Со мной всё в порядке, спасибо. Как дела у тебя?",
    ),
    (
        "Russian",
        "В 2025 году я прочитал 12 книг и посмотрел 150 фильмов.",
    ),
    (
        "Ukrainian",
        "Я народився у 1998 році, зараз мені 28, ціна 500 грн.",
    ),
    (
        "Greek",
        "Το μάθημα είναι στις 10:30 και κοστίζει 25€· έλα νωρίς.",
    ),
    ("Greek", "Γεννήθηκα το 1992 στην Αθήνα, έχω 2 αδέρφια."),
    ("Hebrew", "נולדתי ב-1990, המחיר הוא 50 ש״ח והשיעור ב-18:00."),
    ("Arabic", "ولدت في عام ١٩٩٥ ولدي ٣ إخوة وأختان."),
    (
        "Arabic",
        "السعر ٢٥٠ ريال والدرس يوم ٢٠٢٦/١١/٢٨ الساعة ١٠:٣٠.",
    ),
    (
        "Arabic",
        "الدرس في الساعة 10:30 يوم 2026-11-28، والسعر 150 ريال.",
    ),
    (
        "Arabic",
        "يسكن في القاهرة منذ 2010 ويبلغ عدد سكانها ١٠٠٠٠٠٠٠ نسمة.",
    ),
    (
        "Persian",
        "من در سال ۱۳۸۰ به دنیا آمدم و ساعت ۱۰:۳۰ کلاس دارم.",
    ),
    (
        "Persian",
        "قیمت کتاب ۲۵۰٬۰۰۰ تومان است و ۳٫۵ ساعت طول می‌کشد.",
    ),
    ("Hindi", "मेरा जन्म २००१ में हुआ था और मैं २५ साल का हूँ।"),
    ("Hindi", "इसकी कीमत ₹1,500 है, और कक्षा 10 बजे शुरू होती है।"),
    ("Hindi", "कार की कीमत 12,50,000 रुपये है, यानी 12.5 लाख।"),
    ("Hindi", "भारत की जनसंख्या लगभग 140 करोड़ है। भरत मेरा दोस्त है।"),
    ("Bengali", "আমার জন্ম ১৯৯৫ সালে, দাম ৫০০ টাকা।"),
    ("Tamil", "நான் ௨௦௦௧ இல் பிறந்தேன், வகுப்பு 10 மணிக்கு."),
    ("Thai", "ราคา 1,500 บาท เรียนเวลา 10.30 น. ปี ๒๕๖๙"),
    (
        "Vietnamese",
        "Tôi sinh năm 1995, giá là 150.000 đồng, lớp học lúc 7 giờ.",
    ),
    (
        "Indonesian",
        "Harganya Rp 1.500.000 dan kelasnya jam 19.00 WIB.",
    ),
    ("Chinese", "今天是2026年11月28日，星期六。这本书12.5元。"),
    ("Chinese", "我住在北京，离学校3.5公里，每天学习2个小时。"),
    ("Chinese", "晚安。我爱你。明天见！"),
    ("Chinese", "我们公司有1200名员工。公司在上海。"),
    ("Japanese", "毎朝7時30分から1時間、教科書を読んでいます。"),
    (
        "Japanese",
        "バーゲン・セールで3,000円のシャツを買いました。",
    ),
    (
        "Japanese",
        "〒100-0001 東京都千代田区千代田1-1に住んでいます。",
    ),
    (
        "Japanese",
        "来月の12月6日にJLPTのN3を受けます。試験料は6,500円でした。",
    ),
    (
        "Korean",
        "저는 2026년에 한국에 갔어요. 가격은 15,000원이에요.",
    ),
    (
        "Korean",
        "수업은 오후 3시 30분에 시작하고 1,500,000원이에요.",
    ),
];

/// Things that are no contact detail but are written exactly like one: refused, and the
/// writer is told which rule (a space or another word fixes it).
const KNOWINGLY_REFUSED: &[(&str, &str)] = &[
    ("I'm fine.how are you?", "url"),
    ("I finished.it was great", "url"),
    ("ok.so what now", "url"),
    ("Open README.md and main.rs", "url"),
    ("I use ASP.NET", "url"),
    ("Unzip archive.zip first", "url"),
    ("Windows version 1.2.3.4", "url"),
    ("I looked at gmail", "email"),
    ("Order 123456789 arrived", "phone_number"),
    ("Call 555-1234", "phone_number"),
];

#[test]
fn prose_in_every_script_passes() {
    let rules = ContentRules::default();
    let refused: Vec<String> = PROSE
        .iter()
        .filter_map(|(language, text)| {
            let violation = rules.check(text).err()?;
            Some(format!(
                "{language}: {text:?} refused as {} ({:?})",
                violation.rule(),
                violation.fragment()
            ))
        })
        .collect();
    assert!(PROSE.len() >= 70);
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

#[test]
fn look_alikes_of_contact_details_are_refused_as_documented() {
    let rules = ContentRules::default();
    for (text, rule) in KNOWINGLY_REFUSED {
        let got = rules.check(text).err().map(|violation| violation.rule());
        assert_eq!(got, Some(*rule), "{text:?}");
    }
}
