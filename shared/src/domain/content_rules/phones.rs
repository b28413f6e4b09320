//! Phone numbers: runs of digits joined by the separators people write numbers with,
//! kept when their shape is a phone number's rather than a date's, an amount's, a
//! decimal's, a version's or an ISBN's.

use std::ops::Range;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::calling_codes::national_lengths;
use super::confusables::prototype;
use super::fold::{fold, rewrite_words};

/// The (folded) text with the letters written for digits read as digits: inside a word
/// that holds a digit and otherwise only letters that look like `0` or `1` (`O`, `o`,
/// Cyrillic `О`, `l`, `I`), those letters are `0` and `1` (`O77OO 9OO l23`). A word
/// without a digit stays as it is (`I`, `lOl`).
pub(super) fn digit_reading(text: &str) -> String {
    let read = |word: &str| {
        let all_digits = word.bytes().all(|b| b.is_ascii_digit());
        let digits: Option<String> = word.chars().map(digit_look_alike).collect();
        digits.filter(|_| !all_digits)
    };
    rewrite_words(text, |b| b.is_ascii_digit(), char::is_alphanumeric, read)
}

/// A digit, or the digit a letter looks like: the letters whose UTS #39 prototype is
/// `O` or `l` (the prototypes of `0` and `1`), and a lower-case `o`.
fn digit_look_alike(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    match prototype(c).unwrap_or(c) {
        'O' | 'o' => Some('0'),
        'l' => Some('1'),
        _ => None,
    }
}

/// The (folded) text as an E.164 number: a `+`, then only digits and separators, the
/// whole text read as a phone number, a calling code of the table and a national number
/// of one of its lengths.
pub(super) fn e164(text: &str) -> Option<String> {
    let rest = text.strip_prefix('+')?;
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
    {
        return None;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    let known = (1..=3).any(|code_length| {
        digits.len() > code_length
            && !digits.starts_with('0')
            && digits[..code_length]
                .parse::<u16>()
                .ok()
                .and_then(national_lengths)
                .is_some_and(|lengths| {
                    lengths.contains(&u8::try_from(digits.len() - code_length).unwrap_or(0))
                })
    });
    (known && find_phone_number(text).is_some()).then(|| format!("+{digits}"))
}

/// The first phone number of the (folded) text.
pub(super) fn find_phone_number(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(start) = next_start(text, from) {
        let candidate = Candidate::read(text, start);
        let range = candidate.range.clone();
        if candidate.is_phone_number(text) {
            return Some(&text[range]);
        }
        from = range.end.max(start + 1);
    }
    None
}

/// Where the next number starts: a digit, or `+` or `(` before one, that does not
/// continue a word or another number (`AB1234567`, the `299` of `1,299.00`).
fn next_start(text: &str, from: usize) -> Option<usize> {
    text[from..]
        .char_indices()
        .map(|(offset, c)| (from + offset, c))
        .find(|(at, c)| {
            let opens =
                matches!(c, '+' | '(') && text[at + 1..].starts_with(|d: char| d.is_ascii_digit());
            (c.is_ascii_digit() || opens) && !continues_something(&text[..*at])
        })
        .map(|(at, _)| at)
}

fn continues_something(before: &str) -> bool {
    let mut chars = before.chars().rev();
    match chars.next() {
        Some(c) if c.is_ascii_digit() || is_cased_letter(c) || c == '+' => true,
        Some('.' | ',' | ':') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Letters of alphabets written with spaces between words. Digits glued to them make a
/// code or a unit (`AB1234567`, `2000000km`); Chinese or Arabic letters around a number
/// are just the sentence (`电话13812345678`).
fn is_cased_letter(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Space,
    /// Any dash (`-`, `–`, `—`, `〜`), a minus, a tilde or an underscore.
    Dash,
    /// A dot, or anything that reads as one (`·`, `‧`: see `fold`).
    Dot,
    Slash,
    /// A comma right before a digit (`555,123,4567`, `1,299,000`).
    Comma,
    Bracket,
}

/// A run of digits and the separator before it.
struct Group<'t> {
    digits: &'t str,
    mark: Option<Mark>,
}

struct Candidate<'t> {
    range: Range<usize>,
    plus: bool,
    groups: Vec<Group<'t>>,
}

impl<'t> Candidate<'t> {
    fn read(text: &'t str, start: usize) -> Self {
        let plus = text[start..].starts_with('+');
        let mut end = start + usize::from(plus);
        let mut groups = Vec::new();
        loop {
            let (separator_len, mark) = separator(&text[end..]);
            let digits_start = end + separator_len;
            let digits_len = text[digits_start..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len() - digits_start);
            if digits_len == 0 {
                break;
            }
            end = digits_start + digits_len;
            groups.push(Group {
                digits: &text[digits_start..end],
                mark,
            });
        }
        let has_open_bracket = text[start..end].contains('(');
        if has_open_bracket && text[end..].starts_with(')') {
            end += 1;
        }
        Candidate {
            range: start..end,
            plus,
            groups,
        }
    }

    fn is_phone_number(&self, text: &str) -> bool {
        let after = &text[self.range.end..];
        // `2000000km`, `65535 32-bit words`: a number glued to a word is a unit or a code.
        let glued_to_a_word = after.starts_with(is_cased_letter)
            || after
                .strip_prefix('-')
                .is_some_and(|rest| rest.starts_with(is_cased_letter));
        if glued_to_a_word || starts_with_digit_after(after, ',') {
            return false;
        }
        // `2026-11-28 10:30`: the hour belongs to the time, not to the number.
        let groups = match self.groups.as_slice() {
            [number @ .., _hour] if starts_with_digit_after(after, ':') => number,
            all => all,
        };
        let digits: String = groups.iter().map(|group| group.digits).collect();
        if digits.len() < 7 {
            return false;
        }
        if self.plus {
            return is_international(&digits);
        }
        if digits.strip_prefix("00").is_some_and(is_international) {
            return true;
        }
        let minimum = if groups.len() == 1 { 9 } else { 7 };
        (minimum..=15).contains(&digits.len())
            && !reads_as_something_else(groups, &digits)
            && !is_next_to_a_currency(text, self.range.clone())
    }
}

fn reads_as_something_else(groups: &[Group], digits: &str) -> bool {
    let single_digit_groups = groups
        .iter()
        .filter(|group| group.digits.len() == 1)
        .count();
    has_date(groups)
        || is_decimal(groups)
        || is_ipv4(groups)
        || is_year_list_or_range(groups)
        || is_amount(groups)
        || is_indian_amount(groups)
        || is_amount_range(groups)
        || is_isbn13(digits)
        // `1 2 3 4 5 6 7`, `978-3-16-148410-0`: counting or a code, not a phone.
        || single_digit_groups >= 2
        // `10.30 11.45`: times or scores.
        || (groups.len() <= 4 && groups.iter().all(|group| group.digits.len() <= 2))
        // `10,20,30,40,50`: a list (phone numbers are not written in pairs with commas).
        || (groups.iter().any(|group| group.mark == Some(Mark::Comma))
            && groups.iter().all(|group| group.digits.len() <= 2))
}

fn starts_with_digit_after(text: &str, punctuation: char) -> bool {
    text.strip_prefix(punctuation)
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The separator at the start of `s`: up to three spaces, brackets and at most one dash,
/// dot, slash or comma (`-`, ` — `, `) `, ` (`, `.`, `/`, `_`, `~`). A comma separates
/// only right before a digit: `1, 2, 3` is a list.
fn separator(s: &str) -> (usize, Option<Mark>) {
    let mut len = 0;
    let mut punctuation = None;
    let mut bracket = false;
    let mut space = false;
    let mut chars = s.chars().peekable();
    for _ in 0..3 {
        let Some(c) = chars.next() else { break };
        let before_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            ' ' | '\u{A0}' | '\u{2007}' | '\u{2009}' | '\u{202F}' => space = true,
            '(' | ')' => bracket = true,
            ',' if punctuation.is_none() && before_digit => punctuation = Some(Mark::Comma),
            c if punctuation.is_none() && punctuation_mark(c).is_some() => {
                punctuation = punctuation_mark(c);
            }
            _ => break,
        }
        len += c.len_utf8();
    }
    let mark = if bracket {
        Some(Mark::Bracket)
    } else {
        punctuation.or(space.then_some(Mark::Space))
    };
    (len, mark)
}

fn punctuation_mark(c: char) -> Option<Mark> {
    match c {
        '.' => Some(Mark::Dot),
        '/' => Some(Mark::Slash),
        '\u{2212}' | '~' | '_' => Some(Mark::Dash),
        c if c.general_category() == GeneralCategory::DashPunctuation => Some(Mark::Dash),
        _ => None,
    }
}

/// A calling code followed by a national number of a length that code has. A trunk
/// `0` kept after the code (`+44 (0)20…`) is allowed.
fn is_international(digits: &str) -> bool {
    (1..=3.min(digits.len())).any(|code_len| {
        let Some(lengths) = digits[..code_len].parse().ok().and_then(national_lengths) else {
            return false;
        };
        let national = &digits[code_len..];
        let fits = |len: usize| u8::try_from(len).is_ok_and(|len| lengths.contains(&len));
        fits(national.len()) || (national.starts_with('0') && fits(national.len() - 1))
    })
}

/// `28.11.2026`, `2026-11-28`, `11/28/2026`, `28 11 2026` among the groups.
fn has_date(groups: &[Group]) -> bool {
    groups.windows(3).any(|three| {
        let [first, second, third] = three else {
            return false;
        };
        let same_mark = second.mark == third.mark
            && matches!(
                second.mark,
                Some(Mark::Dot | Mark::Slash | Mark::Dash | Mark::Space)
            );
        let (a, b, c) = (first.digits, second.digits, third.digits);
        let year_first = is_year(a) && is_month(b) && is_day(c);
        let year_last = is_year(c) && ((is_day(a) && is_month(b)) || (is_month(a) && is_day(b)));
        same_mark && (year_first || year_last)
    })
}

fn is_year(digits: &str) -> bool {
    digits.len() == 4 && digits.starts_with(['1', '2'])
}

fn is_month(digits: &str) -> bool {
    digits.len() <= 2
        && digits
            .parse::<u8>()
            .is_ok_and(|month| (1..=12).contains(&month))
}

fn is_day(digits: &str) -> bool {
    digits.len() <= 2
        && digits
            .parse::<u8>()
            .is_ok_and(|day| (1..=31).contains(&day))
}

/// `3.14159265`, `3,14159265`: phone numbers written with dots have two of them or more.
fn is_decimal(groups: &[Group]) -> bool {
    groups.len() == 2 && matches!(groups[1].mark, Some(Mark::Dot | Mark::Comma))
}

fn is_ipv4(groups: &[Group]) -> bool {
    groups.len() == 4
        && groups[1..]
            .iter()
            .all(|group| group.mark == Some(Mark::Dot))
        && groups
            .iter()
            .all(|group| group.digits.len() <= 3 && group.digits.parse::<u8>().is_ok())
}

/// `2019 2020 2021`, `1990-2000`, `1500-2000`, `500-1000` (a local `555-1234` is
/// a phone number: its numbers are not round).
fn is_year_list_or_range(groups: &[Group]) -> bool {
    let years = groups.len() >= 2 && groups.iter().all(|group| is_year(group.digits));
    let range = match groups {
        [from, to] if to.mark == Some(Mark::Dash) => {
            let same_length = from.digits.len() == to.digits.len() && to.digits.len() <= 4;
            let round = from.digits.ends_with('0') && to.digits.ends_with('0');
            same_length || round
        }
        _ => false,
    };
    years || range
}

/// Thousands written in groups of three (`1 299 000`, `12.500.000`, `100 000 000`,
/// `123,456,789`), and round numbers (`150000000`). A nine-digit `612 345 678` is a phone number: amounts
/// that large are rare in a chat, Spanish mobile numbers are written that way.
fn is_amount(groups: &[Group]) -> bool {
    let [first, rest @ ..] = groups else {
        return false;
    };
    if rest.is_empty() {
        return first.digits.ends_with("000");
    }
    let mark = rest[0].mark;
    let thousands = first.digits.len() <= 3
        && matches!(mark, Some(Mark::Space | Mark::Dot | Mark::Comma))
        && rest
            .iter()
            .all(|group| group.digits.len() == 3 && group.mark == mark);
    // Commas group nothing but thousands (`123,456,789`); spaces and dots group phone
    // numbers too.
    thousands
        && (first.digits.len() < 3
            || mark == Some(Mark::Comma)
            || rest.iter().all(|group| group.digits == "000"))
}

/// `12,50,000`, `1,20,00,000`: lakhs and crores, the Indian way of grouping amounts (two
/// digits a group, the last three).
fn is_indian_amount(groups: &[Group]) -> bool {
    let [first, middle @ .., last] = groups else {
        return false;
    };
    !middle.is_empty()
        && first.digits.len() <= 2
        && middle.iter().all(|group| group.digits.len() == 2)
        && last.digits.len() == 3
        && groups[1..]
            .iter()
            .all(|group| group.mark == Some(Mark::Comma))
}

/// `10 000 - 20 000`: two amounts joined by a dash.
fn is_amount_range(groups: &[Group]) -> bool {
    let Some(dash) = groups
        .iter()
        .position(|group| group.mark == Some(Mark::Dash))
    else {
        return false;
    };
    let (from, to) = groups.split_at(dash);
    from.len() >= 2 && to.len() >= 2 && is_amount(from) && is_amount(to)
}

/// An ISBN-13 (`9780306406157`): 978 or 979 and a valid check digit.
fn is_isbn13(digits: &str) -> bool {
    let weighted: u32 = digits
        .bytes()
        .enumerate()
        .map(|(index, digit)| u32::from(digit - b'0') * if index % 2 == 0 { 1 } else { 3 })
        .sum();
    digits.len() == 13
        && (digits.starts_with("978") || digits.starts_with("979"))
        && weighted.is_multiple_of(10)
}

/// Words that make a number next to them an amount, written as people do (they are
/// folded as the text is before they are compared).
const CURRENCY_WORDS: &[&str] = &[
    "руб",
    "₽",
    "грн",
    "лв",
    "usd",
    "eur",
    "euro",
    "dollar",
    "gbp",
    "pound",
    "yuan",
    "rmb",
    "yen",
    "won",
    "peso",
    "lira",
    "rupee",
    "rs",
    "inr",
    "lakh",
    "crore",
    "रुपये",
    "रुपए",
    "लाख",
    "करोड़",
    "zł",
    "kč",
    "tl",
    "vnd",
    "đồng",
    "บาท",
    "تومان",
    "ريال",
    "درهم",
    "دينار",
    "جنيه",
    "ليرة",
];

/// A currency sign or word next to the number, or the Japanese postal mark before it
/// (`〒100-0001` is a postal code).
fn is_next_to_a_currency(text: &str, number: Range<usize>) -> bool {
    let before = text[..number.start].trim_end().chars().next_back();
    let after = text[number.end..].trim_start();
    let after_lower = after.to_lowercase();
    before.is_some_and(|c| is_currency_sign(c) || c == '〒')
        || after.starts_with(is_currency_sign)
        || CURRENCY_WORDS
            .iter()
            .any(|word| after_lower.starts_with(&fold(word).to_lowercase()))
}

/// Currency signs, and the Chinese, Japanese and Korean characters written after amounts
/// (yuan, yen, won, ten thousand, hundred million).
fn is_currency_sign(c: char) -> bool {
    matches!(
        c,
        '$' | '¢' | '£' | '¤' | '¥' | '֏' | '؋' | '৳' | '฿' | '៛' | '﷼' | '\u{20A0}'..='\u{20C0}'
    ) || "元円圆块万萬亿億원만억".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phone_numbers_as_people_write_them() {
        for (raw, expected) in [
            ("call +44 20 7946 0958 now", "+44 20 7946 0958"),
            ("+1 (555) 123-4567", "+1 (555) 123-4567"),
            ("0049 30 1234567", "0049 30 1234567"),
            ("(030) 1234-5678", "(030) 1234-5678"),
            ("555.123.4567", "555.123.4567"),
            ("8 800 555 35 35", "8 800 555 35 35"),
            ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
            ("555-1234 or", "555-1234"),
            ("06 12 34 56 78", "06 12 34 56 78"),
            ("612 345 678", "612 345 678"),
            ("电话13812345678", "13812345678"),
            ("tel:+4915112345678", "+4915112345678"),
            ("8 (916) 123-45-67", "8 (916) 123-45-67"),
            ("030/1234567", "030/1234567"),
            ("07700—900—123", "07700—900—123"),
            ("07700 — 900 — 123", "07700 — 900 — 123"),
            ("07700_900_123", "07700_900_123"),
            ("07700~900~123", "07700~900~123"),
            ("07700〜900〜123", "07700〜900〜123"),
            ("555,123,4567", "555,123,4567"),
            ("+44,20,7946,0958", "+44,20,7946,0958"),
            ("555−123−4567", "555−123−4567"),
        ] {
            assert_eq!(find_phone_number(raw), Some(expected), "{raw:?}");
        }
    }

    #[test]
    fn reads_letters_written_for_digits() {
        for (raw, read) in [
            ("O77OO 9OO l23", "07700 900 123"),
            ("call 0770O900l23", "call 07700900123"),
            ("o7700 9oo I23", "07700 900 123"),
            ("Ο77ΟΟ 9ΟΟ", "07700 900"),
            ("I am lOl 1st Zoo 2", "I am lOl 1st Zoo 2"),
        ] {
            assert_eq!(digit_reading(raw), read, "{raw:?}");
        }
        let read = digit_reading("ring O77OO 9OO l23 now");
        assert_eq!(find_phone_number(&read), Some("07700 900 123"));
    }

    #[test]
    fn leaves_other_numbers_alone() {
        for raw in [
            "at 10:30 or 10.30",
            "€1,299.00",
            "1 299 руб",
            "1 299 000 руб",
            "12.500.000 €",
            "100 000 000 people",
            "150000000",
            "28.11.2026",
            "2026-11-28 10:30",
            "11/28/2026",
            "28 11 2026",
            "in 2025 I had 3 lessons",
            "1000 words",
            "3.14159265",
            "192.168.100.200",
            "version 10.0.19041.1",
            "ISBN 978-3-16-148410-0",
            "9780306406157",
            "1990-2000",
            "500-1000 words",
            "10 000 - 20 000 words",
            "2019 2020 2021",
            "1 2 3 4 5 6 7 8 9",
            "10.30-11.45",
            "AB1234567",
            "2000000km",
            "+1234567",
            "+999 123 4567",
            "1234567",
            "¥123456789",
            "123456789元",
            "123,456,789",
            "1,299,000 people",
            "3,14159265",
            "55,7558, 37,6173",
            "1, 2, 3, 4, 5, 6, 7",
            "2000~3000 words",
            "1990—2000",
            "10 — 20 words",
            "10,20,30,40,50",
            "12,50,000 रुपये",
            "₹1,20,00,000",
            "〒100-0001 東京都",
            "1,500,000원",
            "1234567 ₩",
            "65535 32-bit words",
        ] {
            assert_eq!(find_phone_number(raw), None, "{raw:?}");
        }
    }
}
