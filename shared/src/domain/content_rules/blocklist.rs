//! Listed words, matched whole: on Unicode word boundaries (UAX #29), in any case, so
//! that a listed `ass` flags `ass` and `a s s` but not `class`, `assistant` or
//! `passage`. Simple evasions are read back: stretched letters (`idiooot`), digits for
//! letters inside a word (`1d10t`, `a55`), letters spelled apart (`i d i o t`,
//! `i.d.i.o.t`).

use std::collections::HashMap;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The default list: a few common English insults and swear words. Deployments set
/// their own (`CONTENT_BLOCKLIST`); this one only keeps an unconfigured one from
/// publishing the obvious.
pub(super) const DEFAULT_WORDS: &[&str] = &[
    "asshole",
    "bastard",
    "bitch",
    "bullshit",
    "dickhead",
    "dumbass",
    "fuck",
    "fucker",
    "fucking",
    "idiot",
    "imbecile",
    "moron",
    "motherfucker",
    "shit",
];

/// A word as runs of one letter: `idiooot` is `i d i o t` with the `o` three times.
/// Its skeleton (one letter a run) is what stretched forms share.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Runs(Vec<(char, usize)>);

impl Runs {
    fn of(word: &str) -> Self {
        let mut runs: Vec<(char, usize)> = Vec::new();
        for c in word.chars() {
            match runs.last_mut() {
                Some((last, count)) if *last == c => *count += 1,
                _ => runs.push((c, 1)),
            }
        }
        Runs(runs)
    }

    fn skeleton(&self) -> String {
        self.0.iter().map(|(c, _)| c).collect()
    }

    /// Whether this written word is `listed`, its letters maybe stretched: `asss` is
    /// `ass`, `as` is not.
    fn stretches(&self, listed: &Runs) -> bool {
        self.0.len() == listed.0.len()
            && self
                .0
                .iter()
                .zip(&listed.0)
                .all(|((c, count), (listed_c, listed_count))| {
                    c == listed_c && count >= listed_count
                })
    }
}

/// A listed entry: one word or several (`son of a bitch`).
#[derive(Debug, Clone)]
struct Entry {
    words: Vec<Runs>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Blocklist {
    /// Entries by the skeleton of their first word.
    entries: HashMap<String, Vec<Entry>>,
}

/// A word of the text with the forms it may stand for.
struct Token {
    span: Range<usize>,
    forms: Vec<Runs>,
}

impl Blocklist {
    pub(super) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut entries: HashMap<String, Vec<Entry>> = HashMap::new();
        for listed in words {
            let words: Vec<Runs> = listed
                .unicode_words()
                .map(|word| Runs::of(&plain(word)))
                .filter(|runs| !runs.0.is_empty())
                .collect();
            if let Some(first) = words.first() {
                entries
                    .entry(first.skeleton())
                    .or_default()
                    .push(Entry { words });
            }
        }
        Blocklist { entries }
    }

    /// The first listed word or phrase of the text, as written.
    pub(super) fn find<'t>(&self, text: &'t str) -> Option<&'t str> {
        if self.entries.is_empty() {
            return None;
        }
        let tokens = tokens(text);
        let spelled_apart = spelled_apart(text, &tokens);
        (0..tokens.len())
            .find_map(|index| self.match_at(&tokens, index))
            .or_else(|| {
                spelled_apart
                    .iter()
                    .find_map(|token| self.match_at(std::slice::from_ref(token), 0))
            })
            .map(|span| &text[span])
    }

    /// The span of an entry whose words are the tokens from `index` on.
    fn match_at(&self, tokens: &[Token], index: usize) -> Option<Range<usize>> {
        tokens[index].forms.iter().find_map(|form| {
            let candidates = self.entries.get(&form.skeleton())?;
            candidates.iter().find_map(|entry| {
                let words = tokens.get(index..index + entry.words.len())?;
                let matches = words
                    .iter()
                    .zip(&entry.words)
                    .all(|(token, listed)| token.forms.iter().any(|form| form.stretches(listed)));
                matches.then(|| words[0].span.start..words[words.len() - 1].span.end)
            })
        })
    }
}

/// A word as compared: lower case, without the dots and apostrophes inside it
/// (`i.d.i.o.t`, `don't`).
fn plain(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '.' | '\'' | '’' | '·'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn tokens(text: &str) -> Vec<Token> {
    text.unicode_word_indices()
        .map(|(start, word)| Token {
            span: start..start + word.len(),
            forms: forms(&plain(word)),
        })
        .collect()
}

/// The word itself and, when it mixes letters and digits, the word with the digits read
/// as the letters they look like (`1` as `i` or `l`).
fn forms(word: &str) -> Vec<Runs> {
    let mut forms = vec![Runs::of(word)];
    let has_letters = word.chars().any(char::is_alphabetic);
    let has_digits = word.chars().any(|c| c.is_ascii_digit());
    if has_letters && has_digits {
        for one in ['i', 'l'] {
            let read: String = word.chars().map(|c| letter_for_digit(c, one)).collect();
            forms.push(Runs::of(&read));
        }
    }
    forms
}

fn letter_for_digit(c: char, one: char) -> char {
    match c {
        '0' => 'o',
        '1' => one,
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        _ => c,
    }
}

/// Letters written apart (`i d i o t`, `f-u-c-k`) joined back into one token each run.
/// Letters with nothing between them (Chinese, Japanese) are not joined: each is its own
/// word, and a listed word of several characters is matched character by character.
fn spelled_apart(text: &str, tokens: &[Token]) -> Vec<Token> {
    let is_letter = |token: &Token| text[token.span.clone()].chars().count() == 1;
    let mut joined = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let mut end = index;
        while end + 1 < tokens.len()
            && is_letter(&tokens[end])
            && is_letter(&tokens[end + 1])
            && tokens[end].span.end < tokens[end + 1].span.start
        {
            end += 1;
        }
        if end > index {
            let span = tokens[index].span.start..tokens[end].span.end;
            let letters: String = tokens[index..=end]
                .iter()
                .map(|token| plain(&text[token.span.clone()]))
                .collect();
            joined.push(Token {
                span,
                forms: forms(&letters),
            });
        }
        index = end + 1;
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'t>(listed: &[&str], text: &'t str) -> Option<&'t str> {
        Blocklist::new(listed.iter().copied()).find(text)
    }

    #[test]
    fn matches_whole_words_in_any_case() {
        assert_eq!(find(&["ass"], "what an ass."), Some("ass"));
        assert_eq!(find(&["ass"], "What an ASS"), Some("ASS"));
        assert_eq!(find(&["ass"], "(Ass)"), Some("Ass"));
        assert_eq!(find(&["дурак"], "Ты ДУРАК!"), Some("ДУРАК"));
        for innocent in [
            "class",
            "assistant",
            "passage",
            "bass",
            "as",
            "Assam",
            "mass-market",
        ] {
            assert_eq!(find(&["ass"], innocent), None, "{innocent}");
        }
    }

    #[test]
    fn reads_back_simple_evasions() {
        assert_eq!(find(&["idiot"], "you idiooooot"), Some("idiooooot"));
        assert_eq!(find(&["idiot"], "you 1d10t"), Some("1d10t"));
        assert_eq!(find(&["ass"], "a55"), Some("a55"));
        assert_eq!(find(&["idiot"], "you i d i o t!"), Some("i d i o t"));
        assert_eq!(find(&["idiot"], "you i.d.i.o.t"), Some("i.d.i.o.t"));
        assert_eq!(find(&["fuck"], "f-u-c-k"), Some("f-u-c-k"));
        assert_eq!(find(&["idiot"], "idot, idiots"), None);
    }

    #[test]
    fn matches_phrases_and_unspaced_scripts() {
        assert_eq!(
            find(&["son of a bitch"], "you Son  of a bitch"),
            Some("Son  of a bitch")
        );
        assert_eq!(find(&["son of a bitch"], "a son of a friend"), None);
        assert_eq!(find(&["傻逼"], "你是傻逼吗"), Some("傻逼"));
        assert_eq!(find(&["傻逼"], "你是傻子吗"), None);
    }

    #[test]
    fn an_empty_list_flags_nothing() {
        assert_eq!(find(&[], "idiot"), None);
        assert_eq!(find(&["", " ", ","], "idiot , "), None);
    }
}
