//! How the rules read a text: look-alike characters as the plain ones they stand for, the
//! way Unicode says to compare text for spoofing (UAX #15 compatibility forms, UTS #39
//! confusables). The folded text is only read, never stored or shown.
//!
//! 1. NFKC: full-width forms, mathematical and enclosed letters and digits (`𝐞𝐱`, `ⓔⓧ`,
//!    `①`), superscripts, ligatures and the small or leader dots (`﹒`, `․`) become plain
//!    characters; marks drawn on another character (`e̲x̲`, accents, zalgo, variation
//!    selectors) and format characters (joiners, direction marks) are dropped.
//! 2. Every decimal digit of every script becomes its ASCII digit ([`digits`](super::digits)).
//! 3. Dots: a character that reads as a dot ([`is_dot_like`]) next to an ASCII letter or
//!    digit becomes `.` (`example·com`, `example。com`). Between words of other scripts it
//!    is their punctuation (`バーゲン・セール`, `晚安。我爱你`), and so is the Catalan
//!    `l·l` (`vil·la`).
//! 4. A run of letters mixing Latin with look-alikes of another script is read as Latin
//!    ([`latin_reading`]).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::confusables::{is_dot_like, latin_reading};
use super::digits::ascii_digit;

/// `text` as the rules read it.
pub(super) fn fold(text: &str) -> String {
    // ASCII is its own NFKC and holds no mark, no look-alike and no other digit.
    if text.is_ascii() {
        return text.to_owned();
    }
    let plain: Vec<char> = text.nfkd().filter_map(plain_char).nfc().collect();
    let dotted: String = plain
        .iter()
        .enumerate()
        .map(|(at, &c)| {
            let dot = !c.is_ascii() && reads_as_a_dot(&plain, at) && is_dot_like(c);
            if dot { '.' } else { c }
        })
        .collect();
    let in_run = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@');
    rewrite_words(&dotted, |b| b.is_ascii_alphabetic(), in_run, latin_reading)
}

/// A character of the NFKD text as read: ASCII digits for the decimal digits of every
/// script, nothing for marks drawn on another character (`e̲`, accents, zalgo, variation
/// selectors) and format characters (joiners, direction marks). Spacing marks, the vowel
/// signs of Indic scripts, are letters to a reader and stay.
fn plain_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    match c.general_category() {
        GeneralCategory::NonspacingMark
        | GeneralCategory::EnclosingMark
        | GeneralCategory::Format => None,
        GeneralCategory::DecimalNumber => ascii_digit(c),
        _ => Some(c),
    }
}

/// `text` with each word that holds an `anchor` byte (a word: a maximal run of `in_word`
/// characters) replaced by what `read` makes of it, if anything. Only the words around
/// anchors are looked at: a text in another script without one is copied as it is.
pub(super) fn rewrite_words(
    text: &str,
    anchor: impl Fn(u8) -> bool,
    in_word: impl Fn(char) -> bool,
    read: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = text.as_bytes()[at..].iter().position(|b| anchor(*b)) {
        let hit = at + offset;
        let start = text[..hit]
            .char_indices()
            .rev()
            .take_while(|(_, c)| in_word(*c))
            .last()
            .map_or(hit, |(i, _)| i);
        let end = text[hit..]
            .find(|c: char| !in_word(c))
            .map_or(text.len(), |len| hit + len);
        if let Some(read) = read(&text[start..end]) {
            out.push_str(&text[copied..start]);
            out.push_str(&read);
            copied = end;
        }
        at = end.max(hit + 1);
    }
    out.push_str(&text[copied..]);
    out
}
/// A label of a domain, folded as the text around it would be: how the top-level domain
/// list is written down (see `tlds`), so that a label of the text and its entry compare
/// equal.
#[cfg(test)]
pub(super) fn fold_label(label: &str) -> String {
    fold(label).to_lowercase()
}

/// Whether the dot-like character at `at` separates an ASCII letter or digit from the
/// next word, spaces aside (`example ‧ com`): not between words of other scripts, and not
/// the `·` of Catalan's `l·l`.
fn reads_as_a_dot(chars: &[char], at: usize) -> bool {
    let before = chars[..at].iter().rev().find(|c| **c != ' ').copied();
    let after = chars[at + 1..].iter().find(|c| **c != ' ').copied();
    let catalan = chars[at] == '\u{B7}'
        && before.is_some_and(|c| c.eq_ignore_ascii_case(&'l'))
        && after.is_some_and(|c| c.eq_ignore_ascii_case(&'l'));
    let ascii_beside = [before, after]
        .into_iter()
        .flatten()
        .any(|c| c.is_ascii_alphanumeric());
    ascii_beside && !catalan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compatibility_forms_as_plain_text() {
        for (raw, read) in [
            ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),
            ("ada＠example。com", "ada@example.com"),
            ("𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦", "example.com"),
            ("ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ", "example.com"),
            ("𝕖𝕩𝕒𝕞𝕡𝕝𝕖﹒𝕔𝕠𝕞", "example.com"),
            ("example․com", "example.com"),
            ("⁰⁷⁷⁰⁰ ⑨⓪⓪ ①②③", "07700 900 123"),
            ("ﬁne", "fine"),
        ] {
            assert_eq!(fold(raw), read, "{raw:?}");
        }
    }

    #[test]
    fn drops_marks_and_joiners() {
        assert_eq!(
            fold("e\u{332}x\u{332}a\u{332}m\u{332}ple.co\u{301}m"),
            "example.com"
        );
        assert_eq!(fold("éxämplè"), "example");
        assert_eq!(fold("exa\u{200D}mple\u{2060}.com"), "example.com");
        assert_eq!(fold("Zo\u{EB}"), "Zoe");
    }

    #[test]
    fn reads_every_digit_system() {
        assert_eq!(fold("٠٥٠١٢٣٤٥٦٧"), "0501234567");
        assert_eq!(fold("௦௭௭௦௦ ໙໐໐ ១២៣ ૪૫"), "07700 900 123 45");
        assert_eq!(fold("𝟎𝟕𝟕𝟎𝟎"), "07700");
    }

    #[test]
    fn reads_dots_beside_latin_and_leaves_other_scripts_punctuation() {
        for (raw, read) in [
            ("example·com", "example.com"),
            ("example‧com", "example.com"),
            ("example・com", "example.com"),
            ("example。com", "example.com"),
            ("555·123·4567", "555.123.4567"),
            ("バーゲン・セール", "ハーケン・セール"),
            ("晚安。我爱你", "晚安。我爱你"),
            ("vil·la i col·legi", "vil·la i col·legi"),
            ("Γεια· τι κάνεις", "Γεια· τι κανεις"),
        ] {
            assert_eq!(fold(raw), read, "{raw:?}");
        }
    }

    #[test]
    fn reads_mixed_script_look_alikes_as_latin() {
        assert_eq!(fold("visit example.соm now"), "visit example.com now");
        assert_eq!(fold("пример.рф и хорошо.со"), "пример.рф и хорошо.со");
        assert_eq!(fold("Привет, как дела?"), "Привет, как дела?");
        assert_eq!(fold("你好 Ада"), "你好 Ада");
    }

    #[test]
    fn leaves_plain_text_in_every_script_as_it_is_but_for_marks() {
        for text in [
            "Hello, how are you? It costs $5.",
            "Das kostet 12,50 € pro Stunde.",
            "Это стоит 1 299 руб.",
            "我们2026年11月28日见。",
            "مرحبا، كيف حالك؟",
            "שלום, מה שלומך?",
            "สวัสดีครับ",
        ] {
            let folded = fold(text);
            let unmarked: String = text.nfd().filter_map(plain_char).nfc().collect();
            assert_eq!(folded, unmarked, "{text:?}");
        }
    }
}
