//! Reads written-out separators of addresses as the characters they stand for:
//! `example [dot] com`, `example(dot)com`, `example . com`, `example dot com`,
//! `ada [at] example`, `ada @ example`, `ada at example dot com`.

use std::ops::Range;

/// How a `.` or `@` of the unmasked text was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Written {
    /// `[dot]`, `(.)`, `{at}`, `<punkt>`: brackets leave no doubt.
    Bracketed,
    /// ` . `, ` .`, ` @ `: punctuation with spaces around.
    Spaced,
    /// ` dot `, ` at `: the English word.
    Spelled,
}

/// The text with every stand-in replaced by the `.` or `@` it stands for.
pub(super) struct Unmasked {
    pub(super) text: String,
    /// Byte offsets in `text` of the separators that were stand-ins, ascending.
    stand_ins: Vec<(usize, Written)>,
}

impl Unmasked {
    /// How the separator at byte `offset` was written, if it was a stand-in.
    pub(super) fn written_at(&self, offset: usize) -> Option<Written> {
        self.stand_ins
            .binary_search_by_key(&offset, |(at, _)| *at)
            .ok()
            .map(|index| self.stand_ins[index].1)
    }

    /// How the stand-ins inside `range` were written.
    pub(super) fn stand_ins_in(&self, range: Range<usize>) -> impl Iterator<Item = Written> + '_ {
        let first = self.stand_ins.partition_point(|(at, _)| *at < range.start);
        self.stand_ins[first..]
            .iter()
            .take_while(move |(at, _)| *at < range.end)
            .map(|(_, written)| *written)
    }
}

/// Words that stand for a dot or an at sign inside brackets, in the languages of our
/// users. Outside brackets only the English words count: `punto`, `point` and `Punkt`
/// are everyday words (`el punto es…`).
const BRACKETED_DOTS: &[&str] = &[".", "dot", "punto", "punkt", "point", "ponto", "точка"];
const BRACKETED_ATS: &[&str] = &["@", "at", "arroba", "собака"];

pub(super) fn unmask(text: &str) -> Unmasked {
    let mut unmasked = String::with_capacity(text.len());
    let mut stand_ins = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after_word = unmasked
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        if let Some((len, separator, written)) = after_word.then(|| stand_in(rest)).flatten() {
            stand_ins.push((unmasked.len(), written));
            unmasked.push(separator);
            rest = &rest[len..];
        } else {
            unmasked.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    Unmasked {
        text: unmasked,
        stand_ins,
    }
}

/// A stand-in at the start of `s` (which follows a letter or digit) that is followed by
/// a letter or digit: its length, the separator it stands for and how it was written.
fn stand_in(s: &str) -> Option<(usize, char, Written)> {
    let (len, separator, written) = bracketed(s).or_else(|| spelled(s)).or_else(|| spaced(s))?;
    let next_is_word = s[len..].chars().next().is_some_and(char::is_alphanumeric);
    next_is_word.then_some((len, separator, written))
}

fn bracketed(s: &str) -> Option<(usize, char, Written)> {
    let rest = s.trim_start();
    let rest = rest.strip_prefix(['[', '(', '{', '<'])?.trim_start();
    let (rest, separator) = strip_any_word(rest, BRACKETED_DOTS)
        .map(|rest| (rest, '.'))
        .or_else(|| strip_any_word(rest, BRACKETED_ATS).map(|rest| (rest, '@')))?;
    let rest = rest
        .trim_start()
        .strip_prefix([']', ')', '}', '>'])?
        .trim_start();
    Some((s.len() - rest.len(), separator, Written::Bracketed))
}

fn spelled(s: &str) -> Option<(usize, char, Written)> {
    let rest = s.trim_start();
    if rest.len() == s.len() {
        return None;
    }
    let (rest, separator) = strip_any_word(rest, &["dot"])
        .map(|rest| (rest, '.'))
        .or_else(|| strip_any_word(rest, &["at"]).map(|rest| (rest, '@')))?;
    let after = rest.trim_start();
    (after.len() < rest.len()).then_some((s.len() - after.len(), separator, Written::Spelled))
}

/// ` . `, ` .`, ` @ `, ` @`, `@ `. A dot needs a space before it: `done. it` is the end
/// of a sentence.
fn spaced(s: &str) -> Option<(usize, char, Written)> {
    let rest = s.trim_start();
    let space_before = rest.len() < s.len();
    let separator = rest.chars().next().filter(|c| matches!(c, '.' | '@'))?;
    let after = rest[1..].trim_start();
    let space_after = after.len() < rest.len() - 1;
    let spaced = match separator {
        '.' => space_before,
        _ => space_before || space_after,
    };
    spaced.then_some((s.len() - after.len(), separator, Written::Spaced))
}

/// `s` after the first of `words` it starts with (any case), if that word ends there.
fn strip_any_word<'s>(s: &'s str, words: &[&str]) -> Option<&'s str> {
    words.iter().find_map(|word| {
        let rest = strip_prefix_any_case(s, word)?;
        let word_ends = !word.chars().all(char::is_alphanumeric)
            || !rest.chars().next().is_some_and(char::is_alphanumeric);
        word_ends.then_some(rest)
    })
}

fn strip_prefix_any_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let mut chars = s.char_indices();
    for expected in prefix.chars() {
        let (_, c) = chars.next()?;
        if !c.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or("", |(at, _)| &s[at..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> String {
        unmask(raw).text
    }

    #[test]
    fn reads_stand_ins_between_words() {
        for (raw, expected) in [
            ("example [dot] com", "example.com"),
            ("example(dot)com", "example.com"),
            ("example{.}com", "example.com"),
            ("example <PUNKT> de", "example.de"),
            ("пример [точка] рф", "пример.рф"),
            ("example . com", "example.com"),
            ("example .com", "example.com"),
            ("example dot com", "example.com"),
            ("example DOT com", "example.com"),
            ("ada [at] example [dot] com", "ada@example.com"),
            ("ada(at)example(dot)com", "ada@example.com"),
            ("ada (arroba) example", "ada@example"),
            ("ada @ example", "ada@example"),
            ("ada at example dot com", "ada@example.com"),
        ] {
            assert_eq!(text(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn leaves_prose_alone() {
        for raw in [
            "I finished. Coming home",
            "e.g. this",
            "the dots",
            "at home",
            "(dot)",
            "Wait ... what",
            "a [dot] ",
            "dotted at-home",
            "",
        ] {
            assert_eq!(text(raw), raw, "{raw:?}");
        }
    }

    #[test]
    fn reads_the_word_at_between_words_as_an_at_sign() {
        // The link rules decide whether that makes an address (see `links`).
        assert_eq!(text("look at this"), "look@this");
    }

    #[test]
    fn remembers_how_each_stand_in_was_written() {
        let unmasked = unmask("ada at example [dot] co . uk");
        assert_eq!(unmasked.text, "ada@example.co.uk");
        assert_eq!(unmasked.written_at(3), Some(Written::Spelled));
        assert_eq!(unmasked.written_at(11), Some(Written::Bracketed));
        assert_eq!(unmasked.written_at(14), Some(Written::Spaced));
        assert_eq!(unmasked.written_at(0), None);
        let in_domain: Vec<_> = unmasked.stand_ins_in(4..17).collect();
        assert_eq!(in_domain, [Written::Bracketed, Written::Spaced]);
    }
}
