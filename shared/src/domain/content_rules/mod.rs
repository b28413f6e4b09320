//! The content rules of public text. Display names, thread titles, messages and their
//! edits are published permanently and publicly, and the published rules forbid links,
//! e-mail addresses, phone numbers and offensive words in them. Every text that becomes
//! public passes [`ContentRules::check`] (the published text types of `text.rs` cannot be
//! built without it). Pure: no I/O, no clock, no global state.
//!
//! A text is first read as Unicode says look-alike text compares ([`fold`]): NFKC
//! (full-width, mathematical, enclosed and superscript letters and digits become plain
//! ones: `𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦`, `ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ`, `⁰⁷⁷`), without nonspacing marks (`e̲x̲`, zalgo)
//! or format characters; the decimal digits of every script as ASCII digits (`٠٥٠`,
//! `௦௭௭`, `໐໗`); whatever reads as a dot (UTS #39: `·`, `‧`, `・`, `•`, `。`) as `.` beside
//! a Latin letter or digit; and labels that mix Latin with look-alikes of another script
//! as Latin (`example.соm` in Cyrillic is `example.com`). The rules are then tried in
//! this order and the first one broken is reported: e-mail address, link, phone number,
//! blocklisted word.
//!
//! # Where the line is
//!
//! **Links** (`url`). Flagged: anything with a scheme and `://` whatever its host
//! (`https://x.y`, `ftp://…`); `www.` followed by two labels or more; a bare domain,
//! i.e. labels joined by dots ending in a top-level domain of the IANA root zone (all of
//! them: country codes, `.com`, `.sbs`, `.lol`, `.zip`, `.chat`, internationalised ones
//! as `xn--p1ai` or `рф`): `example.com`, `example.co.uk/path`, `t.me/x`, `163.com`,
//! `пример.рф`, `example.com` glued inside Chinese text, `Spamsite.Com`; an IP address
//! with a path or port (`1.2.3.4/login`, `10.0.0.1:8080`), a bare public IPv4 address
//! (`8.8.8.8`) and a global IPv6 one.
//! Written-out dots count: `example [dot] com`, `example(dot)com`, `example{.}com`,
//! `<punkt>`/`[punto]`/`(точка)` in brackets, `example . com`, `example .com`,
//! `example dot com`.
//! Not flagged: a word after a dot that is not a top-level domain (`end.Then`,
//! `Mr.Smith`, `e.g.`, `3.5`, `version 2.0`, `report.pdf`, `photo.jpg`); a capitalised
//! everyday word after a dot without a path (`finished.It was`, `Hi.My name`: a missing
//! space, not Italy or Malaysia), or a capitalised ending after one letter (`600 f.Kr.`,
//! `г.Москва`); an everyday word joined only by a spaced or spelled dot (`done . it`,
//! `on the dot at five`), or a name in capitals after a spaced dot (`I use .NET`); a
//! comma for a dot (`example,com`: `Rome,it was` is far more common); dots between words
//! of other scripts (`バーゲン・セール`, `晚安。我爱你`, Catalan `vil·la`); a run in one
//! non-Latin script, however Latin it looks (`хорошо.со`); private and local addresses
//! without a path (`192.168.1.1`) and versions (`10.0.19041.1`). Knowingly flagged: two
//! words joined by a dot without spaces when the second is a lower-case top-level
//! domain (`finished.it`, `ok.so`, `fine.how`), all-capital ones (`ASP.NET`), file names
//! whose extension is one (`main.rs`, `notes.md`, `archive.zip`, `video.mov`), and
//! four-part versions that are public addresses (`1.2.3.4`): they are written exactly
//! like links, and the writer only has to add a space. `the dot com bubble` is flagged
//! too (`the.com`). Knowingly missed: a capitalised everyday-word ending without a path
//! (`Spamsite.Shop` passes where `Spamsite.Com` does not; the commercial endings used
//! most for spam are no everyday words here), small capitals and negative or
//! parenthesised letters (`ᴇxᴀᴍᴘʟᴇ`, `🅔🅧`, `⒠⒳`: UTS #39 does not read them as Latin),
//! and whole-script look-alikes (`ѕсаm.со` all in Cyrillic reads as Russian).
//!
//! **E-mail addresses** (`email`). Flagged: what linkify takes for an address
//! (`ada@example.com`, any ending of two letters or more), an `@` before a bare
//! domain (`ада@пример.рф`), and an `@` before the name of a web mail service without
//! its ending (`ada@gmail`, `ada@yandex`), with the at sign written out too: `ada [at]
//! example [dot] com`, `ada(at)example(dot)com`, `ada @ example.com`, `ada at example
//! dot com`, `ada at gmail`. The plain word "at" only makes an address when the domain's
//! dots are written out as well, or before a service that is no company people work at
//! (`gmail`, `hotmail`, not `yahoo`): `look at example.com` is a link, not an address
//! (and `look at example dot com` or `I looked at gmail` is reported as an address,
//! which is still right to refuse).
//!
//! **Phone numbers** (`phone_number`). Candidates are runs of digits joined by spaces,
//! brackets and at most one dash (any dash, `~`, `_`), dot (or anything read as one),
//! slash or comma (before a digit) between two groups, optionally after `+`, not glued
//! to letters of a spaced script (`AB1234567`, `2000000km`, `32-bit`) but allowed inside
//! Chinese or Arabic text (`电话13812345678`). Inside a word that holds a digit, the
//! letters that look like `0` and `1` (UTS #39 prototype `O` or `l`: `O`, `o`, Cyrillic
//! `О`, `l`, `I`) are read as digits (`O77OO 9OO l23`).
//! Flagged: `+` or `00`, a calling code, and a national number of a length that code
//! has (`+44 20 7946 0958`, `+1 (555) 123-4567`, `0049 30 1234567`,
//! `+44 (0)20 7946 0958`); a national number of 7 to 15 digits in two groups or more
//! (`(030) 1234-5678`, `555.123.4567`, `8 800 555 35 35`, `555-1234`,
//! `06 12 34 56 78`, `612 345 678`, `07700—900—123`, `07700,900,123`); an unbroken run
//! of 9 to 15 digits (`13812345678`).
//! Not flagged: times (`10:30`, `10.30`, `10.30-11.45`); dates with a four-digit year
//! (`28.11.2026`, `2026-11-28 10:30`, `11/28/2026`); amounts (`€1,299.00`,
//! `1 299 000 руб`, `12.500.000`, `100 000 000`, `150000000`, `123,456,789`, lakhs and
//! crores `12,50,000`, any number next to a currency sign or word, `10 000 - 20 000`);
//! decimals (`3.14159265`, `3,14159265`); counts and years (`in 2025 I had 3 lessons`,
//! `1000 words`, `2019 2020 2021`, `1990-2000`, `500-1000`, `2000~3000`); lists
//! (`10,20,30,40,50`, `1, 2, 3`); Japanese postal codes after `〒`; IPv4 addresses and
//! versions (`10.0.19041.1`); ISBNs (`978-3-16-148410-0`, `9780306406157`); runs with
//! two single-digit groups or more (`1 2 3 4 5 6 7`); unbroken runs under 9 digits
//! (`1234567`: a count as often as a local number). Knowingly missed: numbers spelled in
//! words or digit by digit (`five five five…`, `5 5 5 1 2 3 4`), and 8-digit local
//! numbers written as two groups of four with a dash (`2345-6789`, a range to us).
//!
//! Phone numbers are confirmed against libphonenumber's metadata (calling codes and the
//! national number lengths behind each), kept as a table that a test checks against the
//! `phonenumber` crate. The crate itself is not linked: measured on a stripped fat-LTO
//! release binary it adds ~2.6 MiB, and its first call takes 60–100 ms (it deserialises
//! all its metadata and parses every pattern; each new country then compiles its
//! regexes, ~5 ms more); a 12-region subset of its metadata still adds ~2.3 MiB and
//! ~22 ms (docs/performance.md). National numbers, which it would judge by region, are
//! judged here by their shape: its validity check accepts almost any run of 7 digits or
//! more for some region (Germany's numbering is open) and refuses the `555` numbers of
//! films and examples (`+1 555 123 4567`), which we want flagged.
//!
//! **Blocklisted words** (`blocklisted_word`). Whole words on Unicode word boundaries
//! (UAX #29), in any case, so that a listed `ass` flags `ass`, `ASS`, `asss`, `a55`,
//! `a s s` but not `class`, `assistant`, `passage` or `as`. Phrases match word by word
//! (`son of a bitch`); in scripts written without spaces every character is a word, so a
//! listed `傻逼` is found inside `你是傻逼吗`. Evasions read back: stretched letters
//! (`idiooot`), digits for letters inside a word (`1d10t`), letters spelled apart
//! (`i d i o t`, `i.d.i.o.t`), and everything the reading above undoes (`𝐢𝐝𝐢𝐨𝐭`,
//! `іdiot` with a Cyrillic `і`, marks). Not read back: symbols for letters (`$hit`),
//! inflections that are not listed (`idiots`). The default list is a short English one
//! ([`ContentRules::default_blocklist`]); deployments configure their own with
//! `CONTENT_BLOCKLIST` ([`ContentRules::from_blocklist_setting`]).
//!
//! The probes an attacker's pass used, one class per disguise, are in `probes.rs`; the
//! prose in every script that must pass is in `corpus.rs`.

mod blocklist;
mod calling_codes;
mod confusables;
mod digits;
mod domains;
mod fold;
mod ip_literals;
mod links;
mod phones;
mod prototypes;
mod separators;
mod tld_list;
mod tlds;
mod violation;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod corpus;
#[cfg(test)]
mod generated;
#[cfg(test)]
mod probes;
#[cfg(test)]
mod properties;

pub use violation::ContentViolation;

use blocklist::Blocklist;

/// The content rules, with a blocklist.
#[derive(Debug, Clone)]
pub struct ContentRules {
    blocklist: Blocklist,
}

impl ContentRules {
    /// Rules with these listed words or phrases (any case).
    pub fn new<'a>(blocklist: impl IntoIterator<Item = &'a str>) -> Self {
        ContentRules {
            blocklist: Blocklist::new(blocklist),
        }
    }

    /// The list used when a deployment sets none: a few common English insults and
    /// swear words, no slurs.
    pub fn default_blocklist() -> &'static [&'static str] {
        blocklist::DEFAULT_WORDS
    }

    /// The words of a comma-separated blocklist setting, trimmed, without empty ones:
    /// `"idiot, son of a bitch,,"` gives `["idiot", "son of a bitch"]`.
    pub fn parse_blocklist(setting: &str) -> Vec<&str> {
        setting
            .split(',')
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .collect()
    }

    /// Rules from the `CONTENT_BLOCKLIST` setting: its words when it has some, the
    /// default list when it is unset or blank (a blank value is more likely a template
    /// default than a wish to allow every word).
    pub fn from_blocklist_setting(setting: Option<&str>) -> Self {
        match setting.map(Self::parse_blocklist) {
            Some(words) if !words.is_empty() => Self::new(words),
            _ => Self::default(),
        }
    }

    /// Whether `text` may be published, or the first rule it breaks.
    pub fn check(&self, text: &str) -> Result<(), ContentViolation> {
        let folded = fold::fold(text);
        let unmasked = separators::unmask(&folded);
        let domains = domains::find_domains(&unmasked);
        if let Some(found) = links::find_email(&unmasked, &domains) {
            return Err(ContentViolation::Email {
                fragment: found.to_owned(),
            });
        }
        if let Some(found) = links::find_url(&unmasked, &domains) {
            return Err(ContentViolation::Url {
                fragment: found.to_owned(),
            });
        }
        let digits = phones::digit_reading(&folded);
        if let Some(found) = phones::find_phone_number(&digits) {
            return Err(ContentViolation::Phone {
                fragment: found.to_owned(),
            });
        }
        if let Some(found) = self.blocklist.find(&folded) {
            return Err(ContentViolation::Blocklisted {
                fragment: found.to_owned(),
            });
        }
        Ok(())
    }
}

/// The first contact detail in `text`, an e-mail address or a phone number, read as the
/// content rules read them (every disguise they undo): what staff text may not hold
/// ([`StaffReason`](super::StaffReason)).
pub fn find_contact_detail(text: &str) -> Option<ContentViolation> {
    let folded = fold::fold(text);
    let unmasked = separators::unmask(&folded);
    let domains = domains::find_domains(&unmasked);
    if let Some(found) = links::find_email(&unmasked, &domains) {
        return Some(ContentViolation::Email {
            fragment: found.to_owned(),
        });
    }
    let digits = phones::digit_reading(&folded);
    phones::find_phone_number(&digits).map(|found| ContentViolation::Phone {
        fragment: found.to_owned(),
    })
}

/// `raw` as an E.164 number (`+` and the digits), when it is a whole phone number as the
/// content rules read one (digits of any script, the separators people write numbers
/// with) written with its `+` and a calling code whose national numbers have its length;
/// what a field that asks for a phone number accepts.
pub fn e164_phone_number(raw: &str) -> Option<String> {
    let folded = fold::fold(raw.trim());
    phones::e164(&folded)
}

impl Default for ContentRules {
    /// Rules with the default blocklist.
    fn default() -> Self {
        Self::new(Self::default_blocklist().iter().copied())
    }
}
