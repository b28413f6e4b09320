//! E-mail addresses and links in unmasked text: linkify finds the addresses and the
//! links with a scheme, the domain scanner the bare domains.

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};

use super::domains::Domain;
use super::separators::{Unmasked, Written};

/// The first e-mail address of the text.
pub(super) fn find_email<'t>(unmasked: &'t Unmasked, domains: &[Domain]) -> Option<&'t str> {
    let text = unmasked.text.as_str();
    let by_linkify = LinkFinder::new()
        .kinds(&[LinkKind::Email])
        .links(text)
        .map(|link| (link.start(), link.end()));
    let before_domains = domains
        .iter()
        .filter_map(|domain| Some((domain.mailbox_start?, domain.range.end)));
    let mut addresses: Vec<(usize, usize)> = by_linkify.chain(before_domains).collect();
    addresses.sort_unstable();
    addresses
        .into_iter()
        .find(|(start, end)| is_written_as_address(unmasked, *start..*end))
        .map(|(start, end)| &text[start..end])
}

/// `ada at example.com` is the word "at" before a link; only a domain whose dots were
/// also written out (`ada at example dot com`) makes it an address.
fn is_written_as_address(unmasked: &Unmasked, address: Range<usize>) -> bool {
    let text = &unmasked.text[address.clone()];
    let Some(at) = text.rfind('@').map(|at| address.start + at) else {
        return false;
    };
    if unmasked.written_at(at) != Some(Written::Spelled) {
        return true;
    }
    unmasked.stand_ins_in(at + 1..address.end).next().is_some()
}

/// The first link of the text: with a scheme (`https://…`, any host) or a bare domain.
pub(super) fn find_url<'t>(unmasked: &'t Unmasked, domains: &[Domain]) -> Option<&'t str> {
    let text = unmasked.text.as_str();
    let with_scheme = LinkFinder::new()
        .kinds(&[LinkKind::Url])
        .links(text)
        .map(|link| link.start()..link.end())
        .next()
        .or_else(|| scheme_and_rest(text));
    let bare = domains.first().map(|domain| domain.range.clone());
    [with_scheme, bare]
        .into_iter()
        .flatten()
        .min_by_key(|range| range.start)
        .map(|range| &text[range])
}

/// `scheme://something` that linkify refuses for its host (`https://x.y`, a one-letter
/// ending): a scheme and `://` are a link whatever follows.
fn scheme_and_rest(text: &str) -> Option<Range<usize>> {
    text.match_indices("://").find_map(|(separator, _)| {
        let scheme_start = text[..separator]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || "+.-".contains(*c)))
            .map_or(0, |(at, c)| at + c.len_utf8());
        let rest = &text[separator + 3..];
        let rest_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let has_scheme =
            text[scheme_start..separator].starts_with(|c: char| c.is_ascii_alphabetic());
        (has_scheme && rest_len > 0).then_some(scheme_start..separator + 3 + rest_len)
    })
}

#[cfg(test)]
mod tests {
    use super::super::domains::find_domains;
    use super::super::separators::unmask;
    use super::*;

    fn email(raw: &str) -> Option<String> {
        let unmasked = unmask(raw);
        let domains = find_domains(&unmasked);
        find_email(&unmasked, &domains).map(str::to_owned)
    }

    fn url(raw: &str) -> Option<String> {
        let unmasked = unmask(raw);
        let domains = find_domains(&unmasked);
        find_url(&unmasked, &domains).map(str::to_owned)
    }

    #[test]
    fn finds_addresses_however_written() {
        for (raw, expected) in [
            ("write to ada@example.com!", "ada@example.com"),
            ("ada [at] example [dot] com", "ada@example.com"),
            ("ada(at)example(dot)com", "ada@example.com"),
            ("ada at example dot com", "ada@example.com"),
            ("ada @ example.com", "ada@example.com"),
            ("ada@firm.agency", "ada@firm.agency"),
            ("почта: ада@пример.рф", "ада@пример.рф"),
        ] {
            assert_eq!(email(raw).as_deref(), Some(expected), "{raw:?}");
        }
    }

    #[test]
    fn the_word_at_before_a_plain_link_is_no_address() {
        assert_eq!(email("look at example.com"), None);
        assert_eq!(url("look at example.com").as_deref(), Some("example.com"));
        assert_eq!(email("I am at home.Then"), None);
        assert_eq!(email("ada@example"), None);
    }

    #[test]
    fn finds_links_with_a_scheme_whatever_the_host() {
        for (raw, expected) in [
            ("see https://x.y", "https://x.y"),
            ("(https://example.com/a?b=c)", "https://example.com/a?b=c"),
            ("ftp://files.example.org", "ftp://files.example.org"),
            ("http://localhost:8080/x", "http://localhost:8080/x"),
            ("go to www.example.com now", "www.example.com"),
        ] {
            assert_eq!(url(raw).as_deref(), Some(expected), "{raw:?}");
        }
        assert_eq!(url("a ratio of 3://4"), None);
        assert_eq!(url("–://x"), None);
        assert_eq!(url("3://4 or https://x.y").as_deref(), Some("https://x.y"));
        assert_eq!(url("–ab://x").as_deref(), Some("ab://x"));
        assert_eq!(url("nothing here"), None);
    }
}
