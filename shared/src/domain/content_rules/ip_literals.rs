//! IP address literals, which reach a server without any domain: an IPv4 address with a
//! path or a port (`1.2.3.4/login`, `10.0.0.1:8080`), a bare IPv4 address that is
//! reachable on the internet (`203.0.113.7` is not: documentation), and a global IPv6
//! address (`2a00:1450::200e`). A private or local address without a path (`192.168.1.1`,
//! `127.0.0.1`) leads nowhere outside its network, and four-part versions are not
//! addresses (`10.0.19041.1`).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use super::domains::starts_a_path;

/// The first IP address literal of the (unmasked) text.
pub(super) fn find_ip_literal(text: &str) -> Option<Range<usize>> {
    candidates(text).find_map(|range| link(text, range))
}

/// Runs of hexadecimal digits, dots and colons that do not continue a word.
fn candidates(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let in_run = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let start = from + text[from..].find(|c: char| c.is_ascii_hexdigit())?;
            let len = text[start..]
                .find(|c: char| !in_run(c))
                .unwrap_or(text.len() - start);
            from = start + len;
            let glued = text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-')
                || continues_a_number(&text[..start]);
            let run = text[start..start + len].trim_end_matches(['.', ':']);
            let separated = run.contains(['.', ':']);
            if separated && !glued && !text[start + len..].starts_with(char::is_alphanumeric) {
                return Some(start..start + run.len());
            }
        }
    })
}

/// `+20 195.32.30.6`: the groups of a phone number (the phone rule reads it), not an
/// address.
fn continues_a_number(before: &str) -> bool {
    before
        .trim_end_matches([' ', '-'])
        .ends_with(|c: char| c.is_ascii_digit())
}

/// The address in the run, if it is one that leads somewhere.
fn link(text: &str, run: Range<usize>) -> Option<Range<usize>> {
    let literal = &text[run.clone()];
    let v4 = run.start..run.start + literal.find(':').unwrap_or(literal.len());
    if let Ok(address) = text[v4.clone()].parse::<Ipv4Addr>() {
        let leads_somewhere = starts_a_path(&text[v4.end..]) || is_public_v4(address);
        return leads_somewhere.then_some(v4);
    }
    // `10:30:00` and `3:16` are times and verses: a written IPv6 address has `::` or all
    // eight groups.
    let v6_shaped = literal.contains("::") || literal.matches(':').count() == 7;
    (v6_shaped && literal.parse::<Ipv6Addr>().is_ok_and(is_global_v6)).then_some(run)
}

/// Not private, shared, loopback, link-local, documentation, benchmarking, multicast,
/// reserved, broadcast or "this network" (RFC 6890).
fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, _, _] = address.octets();
    let shared = a == 100 && (64..128).contains(&b);
    let benchmarking = a == 198 && (b == 18 || b == 19);
    !(address.is_private()
        || address.is_loopback()
        || address.is_link_local()
        || address.is_documentation()
        || address.is_multicast()
        || address.is_broadcast()
        || a == 0
        || a >= 240
        || shared
        || benchmarking)
}

/// Global unicast (2000::/3), less the documentation prefix 2001:db8::/32.
fn is_global_v6(address: Ipv6Addr) -> bool {
    let segments = address.segments();
    segments[0] & 0xE000 == 0x2000 && !(segments[0] == 0x2001 && segments[1] == 0x0DB8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Option<&str> {
        find_ip_literal(text).map(|range| &text[range])
    }

    #[test]
    fn finds_addresses_that_reach_a_server() {
        for (text, literal) in [
            ("go to 1.2.3.4/login", "1.2.3.4"),
            ("8.8.8.8", "8.8.8.8"),
            ("at 93.184.216.34.", "93.184.216.34"),
            ("(192.168.1.1:8080)", "192.168.1.1"),
            ("10.0.0.1/admin", "10.0.0.1"),
            (
                "ping 2a00:1450:4001:81b::200e now",
                "2a00:1450:4001:81b::200e",
            ),
        ] {
            assert_eq!(found(text), Some(literal), "{text:?}");
        }
    }

    #[test]
    fn leaves_local_addresses_versions_times_and_numbers_alone() {
        for text in [
            "my router is 192.168.1.1",
            "127.0.0.1",
            "203.0.113.7",
            "Windows 10.0.19041.1",
            "v1.2.3.4",
            "1.2.3.4.5",
            "1.2.3",
            "at 10:30:00",
            "John 3:16",
            "fe80::1",
            "2001:db8::1",
            "3.5 hours",
            "ab12:cd34",
            "deadbeef",
            "01.02.03.04",
            "+20 195.32.30.6",
        ] {
            assert_eq!(found(text), None, "{text:?}");
        }
    }
}
