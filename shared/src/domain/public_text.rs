//! The one way public text enters: names, titles, reasons and messages that other people
//! read. It is NFC-normalised, trimmed, and refused when it carries characters that hide,
//! reorder or fake what a reader sees.
//!
//! Decisions, for every kind of text alike:
//! - Emoji are allowed. U+FE0E/U+FE0F (text/emoji presentation) only right after a
//!   character that has an emoji form (❤️, 1️⃣); other variation selectors are refused,
//!   ideographic and Mongolian ones included (rare in names, invisible everywhere else).
//! - U+200D ZERO WIDTH JOINER only where it joins: between two emoji (👩‍💻, 🏳️‍🌈) or after
//!   a virama (Sinhala ශ්‍රී, Indic half forms). U+200C ZERO WIDTH NON-JOINER only after a
//!   virama or between two letters of the Arabic or Syriac script (Persian می‌خواهم). These
//!   are the contexts IDNA (RFC 5892, CONTEXTJ) allows in domain names; Arabic joining
//!   types are approximated by the script's blocks.
//! - The three subdivision flags (England, Scotland, Wales) are allowed; every other tag
//!   character is refused (tags are invisible ASCII).
//! - Line breaks: single-line text refuses them; multi-line text keeps `\n`, turns `\r\n`
//!   and a lone `\r` into `\n`, and refuses U+0085, U+2028 and U+2029.
//! - Marks: at most 4 non-spacing marks on one character and never the same one twice in
//!   a row, counted on the decomposed text (UTS #39, section 5.4).
//!
//! Not covered: look-alikes from different scripts (Latin "a" and Cyrillic "а"), which
//! are real letters; catching them needs confusable skeletons, not character rules.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;
use unicode_properties::{
    GeneralCategory, GeneralCategoryGroup, UnicodeEmoji, UnicodeGeneralCategory,
};

/// Whether a text may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Names, titles, reasons.
    SingleLine,
    /// Messages: `\n` breaks lines, at most `max_lines` of them.
    MultiLine { max_lines: usize },
}

/// What one kind of public text accepts. Every text has at least one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    pub kind: TextKind,
    /// Characters (Unicode scalar values) after normalising and trimming.
    pub max_chars: usize,
    /// At least one letter or digit (names, titles); otherwise any letter, digit,
    /// punctuation or symbol (an emoji alone is a message).
    pub needs_letter_or_digit: bool,
}

impl TextLimits {
    /// One line with at least one letter or digit.
    pub const fn single_line(max_chars: usize) -> Self {
        Self {
            kind: TextKind::SingleLine,
            max_chars,
            needs_letter_or_digit: true,
        }
    }

    /// Lines of anything visible.
    pub const fn multi_line(max_chars: usize, max_lines: usize) -> Self {
        Self {
            kind: TextKind::MultiLine { max_lines },
            max_chars,
            needs_letter_or_digit: false,
        }
    }
}

const EMPTY: &str = "must not be empty";
const INVISIBLE: &str = "must not contain invisible or direction-changing characters";
const CONTROL: &str = "must not contain control characters";
const LINE_BREAK: &str = "must be a single line";
const ODD_LINE_BREAK: &str = "must break lines with a plain newline";
const PRIVATE_USE: &str = "must not contain private-use characters";
const UNASSIGNED: &str = "must not contain unassigned characters";
const STACKED_MARKS: &str = "must not stack more than 4 marks on one character";
const REPEATED_MARK: &str = "must not repeat a mark on one character";
const NO_LETTER_OR_DIGIT: &str = "must contain at least one letter or digit";
const NOTHING_VISIBLE: &str = "must contain at least one visible character";

/// Non-spacing marks one character may carry (UTS #39 suggests 4).
const MAX_MARKS: usize = 4;

/// `raw` as stored and shown: NFC, trimmed, within `limits`. The error says which rule
/// failed, in words a client can show next to the field.
pub fn parse_public_text(raw: &str, limits: TextLimits) -> Result<String, String> {
    let multi_line = matches!(limits.kind, TextKind::MultiLine { .. });
    let unified;
    let raw = if multi_line && raw.contains('\r') {
        unified = raw.replace("\r\n", "\n").replace('\r', "\n");
        &unified
    } else {
        raw
    };
    let normalised: String = raw.nfc().collect();
    let text = normalised.trim();
    if text.is_empty() {
        return Err(EMPTY.into());
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > limits.max_chars {
        return Err(format!("must be at most {} characters", limits.max_chars));
    }
    if let TextKind::MultiLine { max_lines } = limits.kind {
        let lines = chars.iter().filter(|c| **c == '\n').count() + 1;
        if lines > max_lines {
            return Err(format!("must be at most {max_lines} lines"));
        }
    }
    check_characters(&chars, multi_line)?;
    check_marks(text)?;
    let shows = |c: &char| match c.general_category_group() {
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number => true,
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol => {
            !limits.needs_letter_or_digit
        }
        _ => false,
    };
    if !chars.iter().any(shows) {
        return Err(if limits.needs_letter_or_digit {
            NO_LETTER_OR_DIGIT
        } else {
            NOTHING_VISIBLE
        }
        .into());
    }
    Ok(text.to_owned())
}

/// Refuses the first character that breaks a rule. `chars` is NFC.
fn check_characters(chars: &[char], multi_line: bool) -> Result<(), &'static str> {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\u{1F3F4}' {
            // 🏴 then tags: only a whole subdivision flag passes.
            if let Some(len) = subdivision_flag_tags(&chars[i + 1..]) {
                i += 1 + len;
                continue;
            }
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let allowed = match c {
            '\n' if multi_line => true,
            '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                return Err(if multi_line {
                    ODD_LINE_BREAK
                } else {
                    LINE_BREAK
                });
            }
            '\u{200D}' => after_virama(before) || joins_emoji(before, after),
            '\u{200C}' => after_virama(before) || joins_arabic_letters(chars, i),
            '\u{FE0E}' | '\u{FE0F}' => before.is_some_and(|b| b.is_emoji_char()),
            c if is_default_ignorable(c) || c == '\u{2800}' => false,
            _ => match c.general_category() {
                GeneralCategory::Control => return Err(CONTROL),
                GeneralCategory::PrivateUse => return Err(PRIVATE_USE),
                GeneralCategory::Unassigned | GeneralCategory::Surrogate => return Err(UNASSIGNED),
                GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator => false,
                _ => true,
            },
        };
        if !allowed {
            return Err(INVISIBLE);
        }
        i += 1;
    }
    Ok(())
}

/// At most [`MAX_MARKS`] non-spacing marks in a row, none twice in a row, counted on the
/// canonical decomposition (NFC hides marks inside precomposed letters).
fn check_marks(text: &str) -> Result<(), &'static str> {
    let mut run = 0;
    let mut previous = None;
    for c in text.nfd() {
        if matches!(
            c.general_category(),
            GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
        ) {
            if previous == Some(c) {
                return Err(REPEATED_MARK);
            }
            run += 1;
            if run > MAX_MARKS {
                return Err(STACKED_MARKS);
            }
            previous = Some(c);
        } else {
            run = 0;
            previous = None;
        }
    }
    Ok(())
}

/// Tag characters (U+E0020–E007F) are what make the three RGI subdivision flags.
const SUBDIVISION_FLAGS: [&str; 3] = ["gbeng", "gbsct", "gbwls"];

/// How many characters after 🏴 form one of [`SUBDIVISION_FLAGS`] and its cancel tag.
fn subdivision_flag_tags(rest: &[char]) -> Option<usize> {
    SUBDIVISION_FLAGS.iter().find_map(|flag| {
        let len = flag.len() + 1;
        let tags = rest.get(..len)?;
        let spelled = flag
            .chars()
            .map(|c| char::from_u32(0xE0000 + c as u32))
            .chain([Some('\u{E007F}')]);
        tags.iter().copied().map(Some).eq(spelled).then_some(len)
    })
}

fn after_virama(before: Option<char>) -> bool {
    before.is_some_and(|b| canonical_combining_class(b) == 9)
}

/// A joiner inside an emoji ZWJ sequence: an emoji (or its modifier or VS16) on the left,
/// an emoji on the right. ASCII digits, `#` and `*` have emoji forms too, but only in
/// keycaps, never joined.
fn joins_emoji(before: Option<char>, after: Option<char>) -> bool {
    let emoji_part = |c: char| {
        !c.is_ascii()
            && c != '\u{200D}'
            && !unicode_properties::emoji::is_tag_character(c)
            && c.is_emoji_char_or_emoji_component()
    };
    before.is_some_and(emoji_part) && after.is_some_and(|a| !a.is_ascii() && a.is_emoji_char())
}

/// A non-joiner between two Arabic or Syriac letters, marks on either side skipped.
fn joins_arabic_letters(chars: &[char], at: usize) -> bool {
    let is_mark = |c: &&char| c.general_category_group() == GeneralCategoryGroup::Mark;
    let before = chars[..at].iter().rev().find(|c| !is_mark(c));
    let after = chars[at + 1..].iter().find(|c| !is_mark(c));
    let joining_letter = |c: Option<&char>| {
        c.is_some_and(|&c| {
            c.general_category_group() == GeneralCategoryGroup::Letter
                && matches!(c,
                    '\u{0600}'..='\u{06FF}' // Arabic
                    | '\u{0700}'..='\u{074F}' // Syriac
                    | '\u{0750}'..='\u{077F}' // Arabic Supplement
                    | '\u{0860}'..='\u{086F}' // Syriac Supplement
                    | '\u{0870}'..='\u{08FF}' // Arabic Extended-B and -A
                    | '\u{10EC0}'..='\u{10EFF}' // Arabic Extended-C
                )
        })
    };
    joining_letter(before) && joining_letter(after)
}

/// Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters that
/// show nothing when a font lacks them. Most are also Cf or unassigned; this list also
/// catches the Hangul fillers (letters that render blank), the combining grapheme joiner
/// and the variation selectors.
fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAME: TextLimits = TextLimits::single_line(50);
    const MESSAGE: TextLimits = TextLimits::multi_line(4000, 50);

    #[test]
    fn real_text_in_every_script_passes_and_is_stored_precomposed() {
        for (raw, stored) in [
            ("Zoë", "Zo\u{EB}"),
            ("Zoe\u{308}", "Zo\u{EB}"),
            ("José María", "Jos\u{E9} Mar\u{ED}a"),
            ("Jose\u{301} Mari\u{301}a", "Jos\u{E9} Mar\u{ED}a"),
            ("李小龙", "李小龙"),
            ("Ана", "Ана"),
            ("محمد", "محمد"),
            ("O'Brien-Smith", "O'Brien-Smith"),
            ("Nguyễn Văn A", "Nguy\u{1EC5}n V\u{103}n A"),
            (
                "Nguye\u{302}\u{303}n Va\u{306}n A",
                "Nguy\u{1EC5}n V\u{103}n A",
            ),
            ("Ελένη", "Ελένη"),
            ("שרה", "שרה"),
            ("שָׂרָה", "שָׂרָה"),
            ("देवनागरी", "देवनागरी"),
            ("김민준", "김민준"),
            ("\u{1100}\u{1175}\u{11B7}민준", "김민준"),
            ("山田\u{3000}太郎", "山田\u{3000}太郎"),
            ("  Ada Lovelace\u{3000}\t", "Ada Lovelace"),
            // ZWNJ between Arabic-script letters (Persian), ZWJ after a virama (Sinhala)
            ("علی\u{200C}رضا", "علی\u{200C}رضا"),
            ("ශ්\u{200D}රී", "ශ්\u{200D}රී"),
            // emoji: presentation selector, keycap, skin tone, ZWJ sequence, subdivision flag
            ("Ada ❤\u{FE0F}", "Ada ❤\u{FE0F}"),
            ("Ada 1\u{FE0F}\u{20E3}", "Ada 1\u{FE0F}\u{20E3}"),
            ("Ada 👍🏽", "Ada 👍🏽"),
            ("Ada 👩\u{200D}💻", "Ada 👩\u{200D}💻"),
            ("Ada 🏳\u{FE0F}\u{200D}🌈", "Ada 🏳\u{FE0F}\u{200D}🌈"),
            (
                "Ada 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
                "Ada 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            ),
            ("Ada 🇬🇧", "Ada 🇬🇧"),
        ] {
            assert_eq!(
                parse_public_text(raw, NAME).as_deref(),
                Ok(stored),
                "{raw:?} ({:x?})",
                raw.chars().map(u32::from).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn spoofing_and_invisible_tricks_are_refused_with_their_rule() {
        for (raw, why, message) in [
            ("Ada\u{202E}ecalevoL", "right-to-left override", INVISIBLE),
            ("\u{202A}Ada", "left-to-right embedding", INVISIBLE),
            ("Ada\u{202B}x", "right-to-left embedding", INVISIBLE),
            ("Ada\u{202C}", "pop directional formatting", INVISIBLE),
            ("Ada\u{202D}x", "left-to-right override", INVISIBLE),
            ("\u{2066}Ada\u{2069}", "left-to-right isolate", INVISIBLE),
            ("Ada\u{2067}x", "right-to-left isolate", INVISIBLE),
            ("Ada\u{2068}x", "first strong isolate", INVISIBLE),
            ("Ada\u{200E}", "left-to-right mark", INVISIBLE),
            ("Ada\u{200F}", "right-to-left mark", INVISIBLE),
            ("Ada\u{061C}", "Arabic letter mark", INVISIBLE),
            ("Ad\u{200B}a", "zero width space", INVISIBLE),
            ("\u{200B}", "only a zero width space", INVISIBLE),
            ("Ad\u{200C}a", "non-joiner between Latin letters", INVISIBLE),
            ("Ad\u{200D}a", "joiner between Latin letters", INVISIBLE),
            ("1\u{200D}2", "joiner between digits", INVISIBLE),
            ("Ada 👩\u{200D}", "joiner at the end", INVISIBLE),
            ("Ada 👩\u{200D}\u{200D}💻", "joiner twice", INVISIBLE),
            ("Ad\u{2060}a", "word joiner", INVISIBLE),
            ("Ad\u{2062}a", "invisible times", INVISIBLE),
            ("\u{FEFF}Ada", "byte order mark", INVISIBLE),
            ("Ad\u{180E}a", "Mongolian vowel separator", INVISIBLE),
            ("\u{115F}Ada", "Hangul choseong filler", INVISIBLE),
            ("Ada\u{1160}", "Hangul jungseong filler", INVISIBLE),
            ("\u{3164}", "Hangul filler alone", INVISIBLE),
            ("Ada\u{FFA0}", "halfwidth Hangul filler", INVISIBLE),
            ("Ad\u{AD}a", "soft hyphen", INVISIBLE),
            ("Ad\u{34F}a", "combining grapheme joiner", INVISIBLE),
            ("Ad\u{2800}a", "braille blank", INVISIBLE),
            ("A\u{FE0F}da", "emoji selector after a letter", INVISIBLE),
            ("Ada\u{FE00}", "variation selector 1", INVISIBLE),
            ("葛\u{E0100}", "ideographic variation selector", INVISIBLE),
            (
                "Ada\u{E0041}\u{E0042}",
                "tag characters (hidden ASCII)",
                INVISIBLE,
            ),
            (
                "🏴\u{E0061}\u{E007F}",
                "a flag of no subdivision",
                INVISIBLE,
            ),
            (
                "Ada\u{FFF9}",
                "interlinear annotation anchor (Cf)",
                INVISIBLE,
            ),
            ("\u{600}12", "Arabic number sign (Cf)", INVISIBLE),
            ("Ada\u{2028}Lovelace", "line separator", LINE_BREAK),
            ("Ada\u{2029}Lovelace", "paragraph separator", LINE_BREAK),
            ("Ada\nLovelace", "newline in a name", LINE_BREAK),
            ("Ada\rLovelace", "carriage return in a name", LINE_BREAK),
            ("Ada\u{85}Lovelace", "next line", LINE_BREAK),
            ("a\u{0}b", "NUL", CONTROL),
            ("Ada\tLovelace", "tab", CONTROL),
            ("Ada\u{7F}", "delete", CONTROL),
            ("Ada\u{9B}", "C1 control", CONTROL),
            ("Ada\u{E000}", "private use", PRIVATE_USE),
            ("Ada\u{F0000}", "supplementary private use", PRIVATE_USE),
            ("Ada\u{378}", "unassigned", UNASSIGNED),
            ("Ada\u{FFFF}", "noncharacter", UNASSIGNED),
            (
                "a\u{300}\u{301}\u{302}\u{303}\u{304}",
                "zalgo",
                STACKED_MARKS,
            ),
            ("Ada\u{301}\u{301}", "doubled accent", REPEATED_MARK),
            (
                "Ad\u{E1}\u{301}",
                "an accent doubled inside a precomposed letter",
                REPEATED_MARK,
            ),
            ("   ", "blank", EMPTY),
            ("\u{3000}\u{A0}", "ideographic and no-break spaces", EMPTY),
            ("!!!", "punctuation only", NO_LETTER_OR_DIGIT),
            ("👍", "an emoji only", NO_LETTER_OR_DIGIT),
            ("\u{301}", "a lone mark", NO_LETTER_OR_DIGIT),
        ] {
            assert_eq!(
                parse_public_text(raw, NAME),
                Err(message.to_owned()),
                "{why}: {raw:?}"
            );
        }
    }

    #[test]
    fn length_counts_characters_after_normalising() {
        assert!(parse_public_text(&"x".repeat(50), NAME).is_ok());
        assert_eq!(
            parse_public_text(&"x".repeat(51), NAME),
            Err("must be at most 50 characters".into())
        );
        // 100 code points in, 50 precomposed ones stored
        let decomposed = "e\u{301}".repeat(50);
        assert_eq!(
            parse_public_text(&decomposed, NAME),
            Ok("\u{E9}".repeat(50))
        );
        // padding is trimmed before counting
        assert!(parse_public_text(&format!("  {}  ", "x".repeat(50)), NAME).is_ok());
    }

    #[test]
    fn messages_keep_newlines_and_nothing_else_that_breaks_lines() {
        assert_eq!(
            parse_public_text("\r\n Hi\r\nthere\rfriend \n\n", MESSAGE).as_deref(),
            Ok("Hi\nthere\nfriend")
        );
        assert_eq!(parse_public_text("👍", MESSAGE).as_deref(), Ok("👍"));
        assert_eq!(
            parse_public_text("می\u{200C}خواهم", MESSAGE).as_deref(),
            Ok("می\u{200C}خواهم")
        );
        for (raw, message) in [
            ("a\u{2028}b", ODD_LINE_BREAK),
            ("a\u{2029}b", ODD_LINE_BREAK),
            ("a\u{85}b", ODD_LINE_BREAK),
            ("a\tb", CONTROL),
            ("a\u{B}b", CONTROL),
            ("a\u{202E}b", INVISIBLE),
            ("\u{301}", NOTHING_VISIBLE),
            ("\n\r\n ", EMPTY),
        ] {
            assert_eq!(
                parse_public_text(raw, MESSAGE),
                Err(message.to_owned()),
                "{raw:?}"
            );
        }
        let fifty = vec!["line"; 50].join("\n");
        assert!(parse_public_text(&fifty, MESSAGE).is_ok());
        assert_eq!(
            parse_public_text(&format!("{fifty}\nmore"), MESSAGE),
            Err("must be at most 50 lines".into())
        );
        assert!(parse_public_text(&"x".repeat(4000), MESSAGE).is_ok());
        assert!(parse_public_text(&"x".repeat(4001), MESSAGE).is_err());
    }

    /// Characters the rules are about, so random text hits them often.
    fn tricky_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>(),
            3 => proptest::char::range('a', 'z'),
            4 => proptest::sample::select(vec![
                ' ', '\u{3000}', '\u{A0}', '\n', '\r', '\t', '\u{0}', '\u{85}', '\u{2028}',
                '\u{2029}', 'e', 'E', '\u{E9}', '\u{301}', '\u{308}', '\u{323}', '\u{302}',
                '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{202E}',
                '\u{2066}', '\u{200F}', '\u{61C}', '\u{FE0E}', '\u{FE0F}', '\u{FE00}',
                '\u{E0100}', '\u{180E}', '\u{115F}', '\u{3164}', '\u{FFA0}', '\u{2800}',
                '\u{AD}', '\u{34F}', '\u{E000}', '\u{378}', '\u{FFFF}', '\u{1F3F4}',
                '\u{E0067}', '\u{E0062}', '\u{E0073}', '\u{E0063}', '\u{E0074}', '\u{E007F}',
                '👩', '💻', '❤', '1', '#', '\u{20E3}', '\u{1F3FD}', '\u{DCA}', '\u{DC1}',
                '\u{DBB}', '\u{94D}', '\u{915}', 'ر', 'ی', 'ع', '\u{64E}', '\u{1100}',
                '\u{1175}', '\u{11B7}', '!', '👍',
            ]),
        ]
    }

    /// A tricky character, or a sequence where the joiners, selectors and tags are allowed
    /// (so that accepted text holds them often enough to be checked).
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => tricky_char().prop_map(String::from),
            1 => proptest::sample::select(vec![
                "👩\u{200D}💻",
                "🏳\u{FE0F}\u{200D}🌈",
                "❤\u{FE0F}",
                "1\u{FE0F}\u{20E3}",
                "🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
                "ශ්\u{200D}ර",
                "ی\u{200C}ر",
                "\r\n",
            ])
            .prop_map(String::from),
        ]
    }

    /// What an accepted text must never hold, written from the rules' wording rather than
    /// from the parser's tables.
    fn forbidden(chars: &[char], i: usize, multi_line: bool) -> Option<&'static str> {
        let c = chars[i];
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        match c {
            '\n' if multi_line => None,
            '\u{200C}' | '\u{200D}' => {
                let virama = before.is_some_and(|b| canonical_combining_class(b) == 9);
                let flanked =
                    before.is_some_and(|b| !b.is_ascii()) && after.is_some_and(|a| !a.is_ascii());
                (!virama && !flanked).then_some("joiner out of context")
            }
            '\u{FE0E}' | '\u{FE0F}' => (!before.is_some_and(|b| b.is_emoji_char()))
                .then_some("presentation selector after a non-emoji"),
            '\u{E0020}'..='\u{E007F}' => {
                let mut start = i;
                while start > 0 && matches!(chars[start], '\u{E0020}'..='\u{E007F}') {
                    start -= 1;
                }
                (chars[start] != '\u{1F3F4}').then_some("tag outside a flag")
            }
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{61C}' => Some("bidi control"),
            '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{180E}' => Some("zero width"),
            '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' => Some("blank"),
            '\u{FE00}'..='\u{FE0D}' | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180F}' => {
                Some("variation selector")
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\r' => Some("line break"),
            '\n' => Some("newline in a single line"),
            _ => match c.general_category() {
                GeneralCategory::Control => Some("Cc"),
                GeneralCategory::Format => Some("Cf"),
                GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
                    Some("Zl/Zp")
                }
                GeneralCategory::PrivateUse => Some("Co"),
                GeneralCategory::Unassigned | GeneralCategory::Surrogate => Some("Cn/Cs"),
                _ => None,
            },
        }
    }

    fn check_accepted(raw: &str, limits: TextLimits) -> Result<(), TestCaseError> {
        let Ok(text) = parse_public_text(raw, limits) else {
            return Ok(());
        };
        let multi_line = matches!(limits.kind, TextKind::MultiLine { .. });
        prop_assert!(unicode_normalization::is_nfc(&text), "not NFC: {text:?}");
        prop_assert_eq!(text.trim(), text.as_str());
        let chars: Vec<char> = text.chars().collect();
        prop_assert!((1..=limits.max_chars).contains(&chars.len()));
        for i in 0..chars.len() {
            if let Some(class) = forbidden(&chars, i, multi_line) {
                prop_assert!(false, "{class} at {i} in {text:?} (from {raw:?})");
            }
        }
        if limits.needs_letter_or_digit {
            // the crate's tables, which may know newer letters than std's
            prop_assert!(chars.iter().any(|c| matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
            )));
        }
        prop_assert_eq!(parse_public_text(&text, limits), Ok(text.clone()));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn accepted_text_is_nfc_clean_and_parses_to_itself(
            raw in proptest::collection::vec(piece(), 0..24).prop_map(|pieces| pieces.concat())
        ) {
            check_accepted(&raw, NAME)?;
            check_accepted(&raw, TextLimits::multi_line(4000, 5))?;
        }
    }
}
