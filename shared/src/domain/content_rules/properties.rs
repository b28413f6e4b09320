//! Properties of the rules over generated texts.

use proptest::prelude::*;
use proptest::sample::select;

use super::calling_codes::CALLING_CODES;
use super::{ContentRules, ContentViolation};

/// Innocent words, some holding a listed word inside them (Scunthorpe problem).
const FILLER: &[&str] = &[
    "hello",
    "class",
    "assistant",
    "passage",
    "Scunthorpe",
    "cockpit",
    "therapist",
    "grammar",
    "lesson",
    "Привет",
    "урок",
    "книга",
    "你好",
    "学习",
    "مرحبا",
    "درس",
    "Hallo",
    "Stunde",
    "hola",
    "clase",
    "bonjour",
    "leçon",
    "γεια",
];

/// Endings that are not everyday words, so that spelled-out dots before them count.
const ENDINGS: &[&str] = &[
    "com", "net", "org", "ru", "uk", "fr", "jp", "io", "info", "cn", "br", "рф",
];

fn filler() -> impl Strategy<Value = String> {
    prop::collection::vec(select(FILLER), 0..6).prop_map(|words| words.join(" "))
}

/// Words of letters of several scripts, two letters or more (single letters in a row
/// are read as a word spelled apart).
fn letter_words() -> impl Strategy<Value = Vec<String>> {
    let random = "[a-zA-Zа-яА-ЯёäöüßéñçαβγδΩ你好学习中文مرحبادرس]{2,10}";
    let word = prop_oneof![select(FILLER).prop_map(str::to_owned), random];
    prop::collection::vec(word, 0..20)
}

/// A word with its repeated letters collapsed: `fuuuck` and `fuck` are both `fuck`.
fn skeleton(word: &str) -> String {
    let mut letters: Vec<char> = word.to_lowercase().chars().collect();
    letters.dedup();
    letters.into_iter().collect()
}

fn rule_of(result: Result<(), ContentViolation>) -> Option<&'static str> {
    result.err().map(|violation| violation.rule())
}

/// An e-mail address written in one of the ways the rules read, and how it reads.
fn email() -> impl Strategy<Value = (String, String)> {
    let local = "[a-z0-9]{1,10}(\\.[a-z0-9]{1,5})?";
    let label = "[a-z0-9]{1,12}";
    let forms = select(vec![
        ("@", "."),
        (" [at] ", " [dot] "),
        ("(at)", "(dot)"),
        (" at ", " dot "),
    ]);
    (local, label, select(ENDINGS), forms).prop_map(|(local, label, ending, (at, dot))| {
        let written = format!("{local}{at}{label}{dot}{ending}");
        (written, format!("{local}@{label}.{ending}"))
    })
}

fn link() -> impl Strategy<Value = String> {
    let label = "[a-z0-9]{1,12}(-[a-z0-9]{1,6})?";
    let path = "(/[a-zA-Z0-9_?=&]{0,12})?";
    let forms = select(vec![
        "https://{label}.{ending}{path}",
        "http://www.{label}.{ending}",
        "www.{label}.{ending}{path}",
        "{label}.{ending}{path}",
        "{label} [dot] {ending}",
        "{label}(dot){ending}",
        "{label} dot {ending}",
        "{label} . {ending}",
    ]);
    (label, select(ENDINGS), path, forms).prop_map(|(label, ending, path, form)| {
        form.replace("{label}", &label)
            .replace("{ending}", ending)
            .replace("{path}", &path)
    })
}

/// An international number of a calling code and a national number of a length it has,
/// in groups of two to four digits.
fn phone_number() -> impl Strategy<Value = String> {
    let code_and_length = select(CALLING_CODES)
        .prop_flat_map(|(code, lengths)| (Just(code), select(lengths.to_vec())));
    let separator = select(vec![" ", "-", "."]);
    (
        code_and_length,
        any::<u64>(),
        prop::collection::vec(2..=4usize, 8),
        separator,
    )
        .prop_map(|((code, length), seed, group_sizes, separator)| {
            let digits: String = format!("{seed:020}")
                .chars()
                .rev()
                .take(length.into())
                .collect();
            let mut groups = Vec::new();
            let mut rest = digits.as_str();
            for size in group_sizes.into_iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (group, after) = rest.split_at(size.min(rest.len()));
                groups.push(group);
                rest = after;
            }
            format!("+{code} {}", groups.join(separator))
        })
}

/// Numbers that are not phone numbers: dates, times, prices, decimals, counts, years.
fn innocent_number() -> impl Strategy<Value = String> {
    let date =
        (1..=28u32, 1..=12u32, 1900..=2099u32, 0..3usize).prop_map(|(d, m, y, form)| match form {
            0 => format!("{d:02}.{m:02}.{y}"),
            1 => format!("{y}-{m:02}-{d:02}"),
            _ => format!("{m}/{d}/{y}"),
        });
    let time = (0..24u32, 0..60u32, any::<bool>()).prop_map(|(h, m, colon)| {
        if colon {
            format!("{h:02}:{m:02}")
        } else {
            format!("{h:02}.{m:02}")
        }
    });
    let date_time = (date.clone(), time.clone()).prop_map(|(date, time)| format!("{date} {time}"));
    let price =
        (1..10_000_000u32, 0..100u32, 0..3usize).prop_map(|(units, cents, form)| match form {
            0 => format!("${}.{cents:02}", thousands(units, ",")),
            1 => format!("{} руб", thousands(units, " ")),
            _ => format!("€{}", thousands(units, ".")),
        });
    let decimal =
        (0..1000u32, 0..100_000_000u32).prop_map(|(whole, fraction)| format!("{whole}.{fraction}"));
    let count = (0..100_000u32).prop_map(|count| count.to_string());
    prop_oneof![date, time, date_time, price, decimal, count]
}

/// `1234567` written `1,234,567` with `separator`.
fn thousands(number: u32, separator: &str) -> String {
    let digits = number.to_string();
    let first = digits.len() % 3;
    let mut groups: Vec<&str> = Vec::new();
    if first > 0 {
        groups.push(&digits[..first]);
    }
    groups.extend(
        digits.as_bytes()[first..]
            .chunks(3)
            .map(|chunk| std::str::from_utf8(chunk).expect("ASCII")),
    );
    groups.join(separator)
}

proptest! {
    #[test]
    fn letters_and_spaces_without_listed_words_pass(words in letter_words()) {
        let listed: Vec<String> = ContentRules::default_blocklist().iter().map(|word| skeleton(word)).collect();
        prop_assume!(words.iter().all(|word| !listed.contains(&skeleton(word))));
        // `x dot com` is a link written out.
        prop_assume!(words.iter().all(|word| !word.eq_ignore_ascii_case("dot")));
        prop_assert_eq!(ContentRules::default().check(&words.join(" ")), Ok(()));
    }

    #[test]
    fn a_listed_word_is_flagged_alone_but_not_inside_a_longer_word(
        listed in "[a-z]{3,8}",
        prefix in "[a-z]{1,4}",
        suffix in "[a-z]{1,4}",
        before in filler(),
        after in filler(),
    ) {
        // Letters glued on that only repeat the word's own first or last letter stretch it.
        prop_assume!(!prefix.chars().all(|c| listed.starts_with(c)));
        prop_assume!(!suffix.chars().all(|c| listed.ends_with(c)));
        let filler_skeletons = format!("{before} {after}");
        prop_assume!(filler_skeletons.split(' ').all(|word| skeleton(word) != skeleton(&listed)));
        prop_assume!(!["dot", "at"].contains(&listed.as_str()));
        let rules = ContentRules::new([listed.as_str()]);
        let glued = format!("{before} {prefix}{listed}{suffix} {after}");
        prop_assert_eq!(rules.check(&glued), Ok(()));
        let alone = format!("{before} {} {after}", listed.to_uppercase());
        prop_assert_eq!(rule_of(rules.check(&alone)), Some("blocklisted_word"));
    }

    #[test]
    fn embedded_email_addresses_are_flagged((written, read) in email(), before in filler(), after in filler()) {
        let text = format!("{before} {written} {after}");
        let violation = ContentRules::default().check(&text).expect_err("an address");
        prop_assert_eq!(violation.rule(), "email");
        prop_assert_eq!(violation.fragment(), read.as_str());
    }

    #[test]
    fn embedded_links_are_flagged(link in link(), before in filler(), after in filler()) {
        let text = format!("{before} {link} {after}");
        prop_assert_eq!(rule_of(ContentRules::default().check(&text)), Some("url"));
    }

    #[test]
    fn embedded_phone_numbers_are_flagged(number in phone_number(), before in filler(), after in filler()) {
        prop_assume!(number.chars().filter(char::is_ascii_digit).count() >= 7);
        let text = format!("{before} {number} {after}");
        let violation = ContentRules::default().check(&text).expect_err("a phone number");
        prop_assert_eq!(violation.rule(), "phone_number");
        prop_assert_eq!(violation.fragment(), number.as_str());
    }

    #[test]
    fn dates_times_prices_decimals_and_counts_pass(
        numbers in prop::collection::vec((innocent_number(), select(FILLER)), 1..6),
    ) {
        // A word between two numbers, as in a sentence.
        let text: Vec<String> = numbers.iter().map(|(number, word)| format!("{number} {word}")).collect();
        prop_assert_eq!(ContentRules::new([]).check(&text.join(" ")), Ok(()));
    }

    #[test]
    fn check_never_panics(text in any::<String>()) {
        let _ = ContentRules::default().check(&text);
    }

    #[test]
    fn check_never_panics_on_address_like_noise(
        text in "[0-9a-zA-Zа-я .,:;@()\\[\\]+/\u{3002}\u{ff0e}\u{ff10}٠-٩\u{a0}–-]{0,80}",
    ) {
        let _ = ContentRules::default().check(&text);
    }
}
