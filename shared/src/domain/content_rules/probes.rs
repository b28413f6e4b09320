//! Ways of writing a contact detail so that the rules would not see it, each with the
//! rule that must still catch it: the classes an attacker's pass got through.

use super::ContentRules;

const URL: &str = "url";
const EMAIL: &str = "email";
const PHONE: &str = "phone_number";

/// `(class, probes, rule)`
const PROBES: &[(&str, &[&str], &str)] = &[
    (
        "mathematical and enclosed alphanumerics",
        &[
            "𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦",
            "ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ",
            "𝕖𝕩𝕒𝕞𝕡𝕝𝕖.𝕔𝕠𝕞",
            "𝓮𝔁𝓪𝓶𝓹𝓵𝓮.𝓬𝓸𝓶",
            "𝚎𝚡𝚊𝚖𝚙𝚕𝚎.𝚌𝚘𝚖",
            "𝖊𝖝𝖆𝖒𝖕𝖑𝖊.𝖈𝖔𝖒",
            "𝗲𝘅𝗮𝗺𝗽𝗹𝗲.𝗰𝗼𝗺",
            "🄴🅇🄰🄼🄿🄻🄴.🄲🄾🄼",
            "ｅｘａｍｐｌｅ．ｃｏｍ",
            "visit 𝐄𝐗𝐀𝐌𝐏𝐋𝐄.𝐂𝐎𝐌 today",
        ],
        URL,
    ),
    (
        "other dot-like characters",
        &[
            "example﹒com",
            "example․com",
            "example·com",
            "example‧com",
            "example。com",
            "example｡com",
            "example・com",
            "example･com",
            "example•com",
            "example∙com",
            "example⋅com",
            "example ‧ com",
            "see example·com/path",
        ],
        URL,
    ),
    (
        "homoglyph endings",
        &[
            "example.соm",
            "example.сom",
            "example.cоm",
            "example.сοm",
            "example.со",
            "example.іо",
            "example.оrg",
            "example.nеt",
            "ехаmрlе.соm",
            "sрamsitе.ru",
        ],
        URL,
    ),
    (
        "combining marks",
        &[
            "e\u{332}x\u{332}a\u{332}m\u{332}p\u{332}l\u{332}e\u{332}.\u{332}c\u{332}o\u{332}m\u{332}",
            "éxámplé.cóm",
            "example.c\u{336}o\u{336}m\u{336}",
            "exa\u{301}mple.co\u{308}m",
            "e\u{300}\u{301}\u{302}\u{303}xample.com",
            "example.c\u{20DD}om",
        ],
        URL,
    ),
    (
        "capitalised domains",
        &[
            "Spamsite.Com",
            "SpamSite.Net",
            "Visit Example.Org for more",
            "Spamsite.Ru",
            "Spamsite.Xyz",
            "SPAMSITE.COM",
            "Spamsite.Shop",
            "Spamsite.Now/deals",
        ],
        URL,
    ),
    (
        "newer top-level domains",
        &[
            "example.sbs",
            "example.cfd",
            "example.cyou",
            "example.bond",
            "example.lol",
            "example.zip",
            "example.mov",
            "example.quest",
            "example.chat",
            "example.top",
            "example.shop",
            "example.online",
            "example.icu",
            "example.buzz",
            "example.beauty",
            "example.boo",
            "example.nexus",
            "example.meme",
            "example.cam",
            "example.rest",
            "example.hair",
            "example.skin",
            "example.mom",
            "example.dad",
            "example.phd",
            "example.prof",
            "example.esq",
            "example.ing",
            "example dot sbs",
            "example [dot] lol",
        ],
        URL,
    ),
    (
        "punycode",
        &[
            "example.xn--p1ai",
            "xn--e1afmkfd.xn--p1ai",
            "xn--80ak6aa92e.com",
            "go to xn--d1acufc.xn--p1ai/path",
            "EXAMPLE.XN--P1AI",
            "example.xn--80asehdb",
            "example.онлайн",
        ],
        URL,
    ),
    (
        "IP address literals",
        &[
            "1.2.3.4/login",
            "go to 8.8.8.8",
            "93.184.216.34:8080",
            "10.0.0.1/admin",
            "http://1.2.3.4",
            "2a00:1450:4001:81b::200e",
            "1 dot 2 dot 3 dot 4",
            "𝟏.𝟐.𝟑.𝟒/login",
        ],
        URL,
    ),
    (
        "addresses without an ending",
        &[
            "ada@gmail",
            "ada at gmail",
            "ada [at] gmail",
            "ada(at)gmail",
            "ada @ gmail",
            "ada@yandex",
            "ada＠gmail",
            "аda@gmаil",
            "write to ada@hotmail please",
            "ada@𝐠𝐦𝐚𝐢𝐥",
        ],
        EMAIL,
    ),
    (
        "phone numbers in other digit systems",
        &[
            "𝟎𝟕𝟕𝟎𝟎 𝟗𝟎𝟎 𝟏𝟐𝟑",
            "𝟘𝟟𝟟𝟘𝟘 𝟡𝟘𝟘 𝟙𝟚𝟛",
            "𝟶𝟽𝟽𝟶𝟶 𝟿𝟶𝟶 𝟷𝟸𝟹",
            "⁰⁷⁷⁰⁰ ⁹⁰⁰ ¹²³",
            "₀₇₇₀₀ ₉₀₀ ₁₂₃",
            "⓪⑦⑦⓪⓪ ⑨⓪⓪ ①②③",
            "௦௭௭௦௦ ௯௦௦ ௧௨௩",
            "໐໗໗໐໐ ໙໐໐ ໑໒໓",
            "០៧៧០០ ៩០០ ១២៣",
            "૦૭૭૦૦ ૯૦૦ ૧૨૩",
            "०७७०० ९०० १२३",
            "০৭৭০০ ৯০০ ১২৩",
            "๐๗๗๐๐ ๙๐๐ ๑๒๓",
            "၀၇၇၀၀ ၉၀၀ ၁၂၃",
            "٠٧٧٠٠ ٩٠٠ ١٢٣",
            "۰۷۷۰۰ ۹۰۰ ۱۲۳",
            "０７７００ ９００ １２３",
            "+４４ ７７００ ９００１２３",
        ],
        PHONE,
    ),
    (
        "phone numbers with other separators",
        &[
            "07700—900—123",
            "07700 — 900 — 123",
            "07700–900–123",
            "07700_900_123",
            "07700·900·123",
            "07700‧900‧123",
            "07700,900,123",
            "07700~900~123",
            "07700〜900〜123",
            "07700−900−123",
            "+44—7700—900123",
        ],
        PHONE,
    ),
    (
        "letters for digits in phone numbers",
        &[
            "O77OO 9OO l23",
            "0770O9OOl23",
            "+44 77OO 9OO l23",
            "o7700 9oo I23",
            "О77ОО 9ОО 123",
            "WhatsApp O77OO9OOl23",
        ],
        PHONE,
    ),
    (
        "listed words in disguise",
        &["you 𝐢𝐝𝐢𝐨𝐭", "you іdiot", "you i\u{332}d\u{332}iot", "ⓘⓓⓘⓞⓣ"],
        "blocklisted_word",
    ),
    (
        "contact details as display names",
        &[
            "WhatsApp 07700900123",
            "Ada (ada@example.com)",
            "Ada | spamsite.com",
        ],
        "",
    ),
];

#[test]
fn every_probe_breaks_its_rule() {
    let rules = ContentRules::default();
    let mut missed = Vec::new();
    let mut count = 0;
    for (class, probes, rule) in PROBES {
        for probe in *probes {
            count += 1;
            let got = rules.check(probe).err().map(|violation| violation.rule());
            let caught = if rule.is_empty() {
                got.is_some()
            } else {
                got == Some(*rule)
            };
            if !caught {
                missed.push(format!("{class}: {probe:?} gave {got:?}, not {rule:?}"));
            }
        }
    }
    assert!(count >= 140, "{count} probes");
    assert!(
        missed.is_empty(),
        "{} of {count} probes passed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
