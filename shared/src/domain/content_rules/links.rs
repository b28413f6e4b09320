//! E-mail addresses and links in unmasked text: linkify finds the addresses and the
//! links with a scheme, the domain scanner the bare domains, and addresses at a web mail
//! service given without its ending (`ada@gmail`) are read here.

use std::ops::Range;

use linkify::{LinkFinder, LinkKind};

use super::domains::Domain;
use super::ip_literals::find_ip_literal;
use super::separators::{Unmasked, Written};

/// Web mail services whose name alone, after an at sign, makes an address
/// (`ada@gmail`, `ada [at] yandex`).
const MAIL_SERVICES: &[&str] = &[
    "126",
    "163",
    "aol",
    "gmail",
    "gmx",
    "googlemail",
    "hanmail",
    "hotmail",
    "icloud",
    "inbox",
    "mailru",
    "naver",
    "outlook",
    "proton",
    "protonmail",
    "qq",
    "rambler",
    "seznam",
    "tutanota",
    "ukrnet",
    "yahoo",
    "yandex",
    "ymail",
    "zoho",
];

/// Those of them that are no company or word people are "at" (`I work at yahoo`): after
/// the plain word "at" they make an address too (`ada at gmail`).
const MAIL_ONLY_SERVICES: &[&str] = &[
    "gmail",
    "gmx",
    "googlemail",
    "hanmail",
    "hotmail",
    "protonmail",
    "tutanota",
    "ymail",
];

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
    let written = addresses
        .into_iter()
        .find(|(start, end)| is_written_as_address(unmasked, *start..*end))
        .map(|(start, end)| start..end);
    [written, at_a_mail_service(unmasked)]
        .into_iter()
        .flatten()
        .min_by_key(|range| range.start)
        .map(|range| &text[range])
}

/// `ada@gmail`, `ada [at] yandex`, `ada at gmail`: a mailbox and a web mail service's
/// name, without the ending.
fn at_a_mail_service(unmasked: &Unmasked) -> Option<Range<usize>> {
    let text = unmasked.text.as_str();
    text.match_indices('@').find_map(|(at, _)| {
        let before = &text[..at];
        let local = before.trim_end_matches(|c: char| c.is_alphanumeric() || "._%+-".contains(c));
        let after = &text[at + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        let name = after[..name_len].to_lowercase();
        let services = if unmasked.written_at(at) == Some(Written::Spelled) {
            MAIL_ONLY_SERVICES
        } else {
            MAIL_SERVICES
        };
        let is_address = local.len() < before.len() && services.contains(&name.as_str());
        is_address.then_some(local.len()..at + 1 + name_len)
    })
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

/// The first link of the text: with a scheme (`https://…`, any host), a bare domain or
/// an IP address.
pub(super) fn find_url<'t>(unmasked: &'t Unmasked, domains: &[Domain]) -> Option<&'t str> {
    let text = unmasked.text.as_str();
    let with_scheme = LinkFinder::new()
        .kinds(&[LinkKind::Url])
        .links(text)
        .map(|link| link.start()..link.end())
        .next()
        .or_else(|| scheme_and_rest(text));
    let bare = domains.first().map(|domain| domain.range.clone());
    [with_scheme, bare, find_ip_literal(text)]
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
    fn an_address_at_a_mail_service_needs_no_ending() {
        for (raw, expected) in [
            ("write ada@gmail", "ada@gmail"),
            ("ada@GMail!", "ada@GMail"),
            ("ada [at] yandex", "ada@yandex"),
            ("ada at gmail please", "ada@gmail"),
            ("ada.l+x@hotmail", "ada.l+x@hotmail"),
            ("ada@qq", "ada@qq"),
        ] {
            assert_eq!(email(raw).as_deref(), Some(expected), "{raw:?}");
        }
        for raw in [
            "I work at yahoo",
            "look at outlook",
            "@gmail",
            "ada@gmailer",
            "ada@home",
            "meet at 10",
        ] {
            assert_eq!(email(raw), None, "{raw:?}");
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

    #[test]
    fn finds_ip_addresses_among_links() {
        assert_eq!(url("go to 1.2.3.4/login").as_deref(), Some("1.2.3.4"));
        assert_eq!(url("1 dot 2 dot 3 dot 4").as_deref(), Some("1.2.3.4"));
        assert_eq!(url("my router: 192.168.1.1"), None);
    }
}
