//! Look-alike characters, as UTS #39 (Unicode Security Mechanisms) defines them: each
//! confusable character has a prototype, the character it is read as (Cyrillic `о` is
//! Latin `o`, `‧` is `·`), and a string whose characters do not all belong to one script
//! is mixed-script. The data is the `unicode-security` crate's.

use unicode_security::{MixedScript, skeleton};

/// The UTS #39 prototype of `c` when it is a single character.
fn prototype(c: char) -> Option<char> {
    let mut buffer = [0; 4];
    let mut read = skeleton(c.encode_utf8(&mut buffer));
    let first = read.next()?;
    read.next().is_none().then_some(first)
}

/// A character other than a letter or digit that reads as a dot: the full stops IDNA
/// reads as dots (`。`) and every character whose prototype is a full stop or a middle dot
/// (`·`, `‧`, `・`, `•`, `∙`, `᛫`). NFKC has already turned `．`, `｡`, `﹒` and `․` into `.`.
pub(super) fn is_dot_like(c: char) -> bool {
    c == '.'
        || c == '\u{3002}'
        || (!c.is_ascii() && !c.is_alphanumeric() && matches!(prototype(c), Some('.' | '\u{B7}')))
}

/// `run` read as Latin when it holds Latin letters and look-alikes: in each label (the
/// parts between dots and at signs) that mixes scripts, or that is wholly made of
/// look-alikes, each letter or digit whose prototype is an ASCII letter or digit becomes
/// that character (`example.соm` with Cyrillic `с` and `о` is `example.com`, and so are
/// `example.со` with a Cyrillic ending, and `ɡmail` with a script g). A run
/// without a Latin letter is left as written (`пример.рф` and `хорошо.со` are Russian,
/// however they look), and so is a label that cannot be read as Latin (`example.рф`).
pub(super) fn latin_reading(run: &str) -> Option<String> {
    let has_latin = run.chars().any(|c| c.is_ascii_alphabetic());
    let has_other = run.chars().any(|c| !c.is_ascii());
    if !(has_latin && has_other) {
        return None;
    }
    let mut read = String::with_capacity(run.len());
    for piece in run.split_inclusive(['.', '@']) {
        let label = piece.trim_end_matches(['.', '@']);
        match read_label_as_latin(label) {
            Some(latin) => read.push_str(&latin),
            None => read.push_str(label),
        }
        read.push_str(&piece[label.len()..]);
    }
    Some(read)
}

/// `label` with its look-alikes as ASCII, when it mixes scripts or all of it reads so.
fn read_label_as_latin(label: &str) -> Option<String> {
    let latin: String = label
        .chars()
        .map(|c| {
            if c.is_ascii() {
                return c;
            }
            prototype(c)
                .filter(char::is_ascii_alphanumeric)
                .unwrap_or(c)
        })
        .collect();
    (!label.is_single_script() || latin.is_ascii()).then_some(latin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_what_reads_as_a_dot() {
        for c in [
            '.', '\u{B7}', '\u{2027}', '\u{30FB}', '\u{3002}', '\u{16EB}', '•', '∙',
        ] {
            assert!(is_dot_like(c), "{c:?} U+{:04X}", u32::from(c));
        }
        for c in [',', ':', '-', 'o', '°', '、', 'ꓸ'] {
            assert!(!is_dot_like(c), "{c:?}");
        }
    }

    #[test]
    fn runs_with_latin_letters_read_as_latin_others_as_written() {
        for (run, read) in [
            ("example.соm", "example.com"),
            ("ехаmple.com", "example.com"),
            ("exаmple.cοm", "example.com"),
            ("іdiot", "idiot"),
            ("аda@gmail", "ada@gmail"),
            ("example.со", "example.co"),
            ("a.рф", "a.рф"),
            ("пример.cоm", "пример.com"),
            ("ɡmail", "gmail"),
            ("kırmızı", "kirmizi"),
        ] {
            assert_eq!(latin_reading(run).as_deref(), Some(read), "{run:?}");
        }
        for run in [
            "example.com",
            "пример.рф",
            "хорошо.со",
            "Straße",
            "日本語",
            "JLPTのN3",
        ] {
            assert_eq!(latin_reading(run).as_deref().unwrap_or(run), run, "{run:?}");
        }
    }
}
