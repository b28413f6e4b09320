//! Bare domains (`example.com`, `www.example.org`, `пример.рф`) in unmasked text.

use std::ops::Range;

use super::separators::{Unmasked, Written};
use super::tlds;

/// A domain found in the unmasked text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Domain {
    /// Byte range in the unmasked text.
    pub(super) range: Range<usize>,
    /// Where the local part of an e-mail address starts when the domain follows one
    /// (`ada@пример.рф`, which linkify does not take for an address).
    pub(super) mailbox_start: Option<usize>,
}

/// Every domain of the text, in order.
pub(super) fn find_domains(unmasked: &Unmasked) -> Vec<Domain> {
    host_runs(&unmasked.text)
        .flat_map(|run| label_chains(&unmasked.text, run))
        .filter_map(|labels| longest_domain(unmasked, &labels))
        .collect()
}

/// Maximal runs of characters a host name is made of: letters, digits, `-` and `.`.
fn host_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        let (start, _) = chars.find(|(_, c)| is_host_char(*c))?;
        let end = chars
            .find(|(_, c)| !is_host_char(*c))
            .map_or(text.len(), |(at, _)| at);
        Some(start..end)
    })
}

fn is_host_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.'
}

/// The chains of non-empty labels joined by single dots in a run: `wait...example.com`
/// holds the chains `wait` and `example.com`.
fn label_chains(text: &str, run: Range<usize>) -> Vec<Vec<Range<usize>>> {
    let mut chains = vec![Vec::new()];
    let mut label_start = run.start;
    for (offset, c) in text[run.clone()].char_indices().chain([(run.len(), '.')]) {
        if c != '.' {
            continue;
        }
        let at = run.start + offset;
        if at > label_start {
            chains
                .last_mut()
                .expect("never empty")
                .push(label_start..at);
        } else {
            chains.push(Vec::new());
        }
        label_start = at + 1;
    }
    chains.retain(|chain| chain.len() >= 2);
    chains
}

/// The longest domain starting at the chain's first label: `example.com.Then` (a missing
/// space after a domain) holds `example.com`.
fn longest_domain(unmasked: &Unmasked, labels: &[Range<usize>]) -> Option<Domain> {
    (2..=labels.len())
        .rev()
        .find_map(|count| domain(unmasked, &labels[..count]))
}

fn domain(unmasked: &Unmasked, labels: &[Range<usize>]) -> Option<Domain> {
    let text = &unmasked.text;
    let first = &text[labels[0].clone()];
    let last = labels.last().expect("two labels or more");
    let tld_end = last.start + ascii_ending_len(&text[last.clone()]);
    let range = labels[0].start..tld_end;
    let www = first.eq_ignore_ascii_case("www") && labels.len() >= 3;
    if !www && !ends_in_a_tld(unmasked, range.clone(), first, &text[last.start..tld_end]) {
        return None;
    }
    Some(Domain {
        mailbox_start: mailbox_start(text, range.start),
        range,
    })
}

/// The length of a last label once letters of another script glued after an ASCII
/// ending are cut off: `example.com很好` ends in `com`.
fn ascii_ending_len(label: &str) -> usize {
    let rest = label.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let glued_script =
        rest.len() < label.len() && rest.chars().next().is_some_and(|c| !c.is_ascii());
    if glued_script {
        label.len() - rest.len()
    } else {
        label.len()
    }
}

fn ends_in_a_tld(unmasked: &Unmasked, range: Range<usize>, first: &str, tld: &str) -> bool {
    if !tlds::is_tld(tld) {
        return false;
    }
    // `done . it`, `the dot at`: a spaced or spelled dot before an everyday word is prose,
    // and so is a dot before a name in capitals after a word that is not (`I use .NET`).
    let loosely_joined = unmasked
        .stand_ins_in(range.clone())
        .any(|written| written != Written::Bracketed);
    let shouted_alone = is_all_capitals(tld) && !is_all_capitals(first);
    if loosely_joined && (tlds::is_word_like(tld) || shouted_alone) {
        return false;
    }
    // `finished.It was`: a capitalised everyday word after a dot starts a sentence, and a
    // capitalised ending after one letter is an abbreviation (`600 f.Kr.`), unless a path
    // follows (`Spamsite.Shop/deals`); other endings are a domain however they are
    // capitalised (`Spamsite.Com`).
    let not_a_domain =
        is_capitalised(tld) && (tlds::is_word_like(tld) || first.chars().count() == 1);
    !not_a_domain || starts_a_path(&unmasked.text[range.end..])
}

fn is_all_capitals(word: &str) -> bool {
    word.chars().count() >= 2 && word.chars().all(char::is_uppercase)
}

fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.clone().next().is_some()
        && chars.all(char::is_lowercase)
}

/// A path or a port right after a host (`/deals`, `:8080`).
pub(super) fn starts_a_path(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some('/') => true,
        Some(':') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Where the local part before an `@` ending at `domain_start` starts, if there is one.
fn mailbox_start(text: &str, domain_start: usize) -> Option<usize> {
    let before = text[..domain_start].strip_suffix('@')?;
    let local = before.trim_end_matches(|c: char| c.is_alphanumeric() || "._%+-".contains(c));
    (local.len() < before.len()).then_some(local.len())
}

#[cfg(test)]
mod tests {
    use super::super::separators::unmask;
    use super::*;

    fn domains(raw: &str) -> Vec<String> {
        let unmasked = unmask(raw);
        find_domains(&unmasked)
            .into_iter()
            .map(|domain| unmasked.text[domain.range].to_owned())
            .collect()
    }

    #[test]
    fn finds_bare_domains() {
        for (raw, expected) in [
            ("example.com", "example.com"),
            ("see www.example.com/path", "www.example.com"),
            ("www.example.whatever", "www.example.whatever"),
            ("example.co.uk/path", "example.co.uk"),
            ("Visit example.com.", "example.com"),
            ("Visit example.com.Then go", "example.com"),
            ("wait...example.com", "example.com"),
            ("example [dot] com", "example.com"),
            ("пример.рф", "пример.рф"),
            ("我的网站是example.com欢迎", "我的网站是example.com"),
            ("t.me/channel", "t.me"),
            ("EXAMPLE.COM", "EXAMPLE.COM"),
            ("Example.Com/shop", "Example.Com"),
            ("Spamsite.Com", "Spamsite.Com"),
            ("EXAMPLE .COM", "EXAMPLE.COM"),
            ("example .com", "example.com"),
            ("Visit Example.Org today", "Example.Org"),
            ("Spamsite.It/deals", "Spamsite.It"),
            ("example.sbs", "example.sbs"),
            ("example.xn--p1ai", "example.xn--p1ai"),
            ("xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
            ("163.com", "163.com"),
            ("finished.it was great", "finished.it"),
        ] {
            assert_eq!(domains(raw), [expected], "{raw:?}");
        }
    }

    #[test]
    fn leaves_sentences_numbers_and_files_alone() {
        for raw in [
            "end.Then",
            "I finished.It was great",
            "I finished. Coming home",
            "e.g. this",
            "i.e. that",
            "3.5 hours",
            "Mr. Smith",
            "Mr.Smith",
            "version 2.0.1",
            "report.pdf",
            "photo.jpg",
            "U.S.A.",
            "a.m. and p.m.",
            "I'm done . it was long",
            "on the dot at five",
            "www.example",
            "Hello.World is my first program",
            "Hi.My name is Ada",
            "I love .NET and C#",
            "ca 600-400 f.Kr.",
        ] {
            assert!(domains(raw).is_empty(), "{raw:?}: {:?}", domains(raw));
        }
    }

    #[test]
    fn knows_the_mailbox_before_a_domain() {
        let unmasked = unmask("write ada.l+x@пример.рф");
        let found = find_domains(&unmasked);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].mailbox_start, Some(6));
        let unmasked = unmask("@пример.рф");
        assert_eq!(find_domains(&unmasked)[0].mailbox_start, None);
    }
}
