//! Free text (names, titles, reasons, messages), and the date of birth.
//!
//! Every free text has a type here, and a type is the only way to accept one: the
//! character rules of [`public_text`](super::public_text) run in its one constructor.
//! There are two kinds, and the kind is chosen where the type is declared:
//!
//! - **Published** ([`published_text_type!`]): text that people other than its writer and
//!   the staff read (display names, thread titles, messages, tariff names, and every
//!   public text to come: corrections, notes, company names shown publicly). Its only
//!   constructor is `parse(raw, &ContentRules)`, which runs the character rules and then
//!   every content rule, so a published text without them cannot be built: the type has
//!   no `Deserialize`, no `From<String>` and no other constructor.
//! - **Private** ([`private_text_type!`]): text only its writer and the staff read (the
//!   profile's full name, gender and city, a guardian's name, staff reasons, complaint
//!   comments, privacy requests and notices). The content rules do not apply: a complaint
//!   or a request may have to quote the phone number it is about, and a notice must name
//!   the controller's contact address.

use serde::{Deserialize, Serialize};
use time::{Date, macros::format_description};

use super::content_rules::{ContentRules, ContentViolation};
use super::public_text::{TextLimits, parse_public_text};

/// Why a published text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRefusal {
    /// Malformed (empty, too long, invisible characters…): the message says which rule,
    /// in words a client can show next to the field.
    Invalid(String),
    /// It breaks a content rule (a link, an e-mail address, a phone number, a listed word).
    Breaks(ContentViolation),
}

/// `raw` as a published text: the character rules, then every content rule on what they
/// accepted.
fn parse_published(
    raw: &str,
    limits: TextLimits,
    rules: &ContentRules,
) -> Result<String, TextRefusal> {
    let text = parse_public_text(raw, limits).map_err(TextRefusal::Invalid)?;
    rules.check(&text).map_err(TextRefusal::Breaks)?;
    Ok(text)
}

/// A text type's shared parts: its limits, reading it, turning it back into a string.
macro_rules! text_type_common {
    ($name:ident, $limits:expr) => {
        impl $name {
            pub const LIMITS: TextLimits = $limits;
            pub const MAX_CHARS: usize = Self::LIMITS.max_chars;
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> String {
                text.0
            }
        }
    };
}

/// A text others read: built only through the content rules.
macro_rules! published_text_type {
    ($(#[$doc:meta])* $name:ident, $limits:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        text_type_common!($name, $limits);

        impl $name {
            /// `raw` if it passes the character rules and every content rule.
            pub fn parse(raw: &str, rules: &ContentRules) -> Result<Self, TextRefusal> {
                parse_published(raw, Self::LIMITS, rules).map(Self)
            }
        }

        impl Stored for $name {
            fn stored(text: String) -> Self {
                Self(text)
            }
        }
    };
}

/// A published text as the store reads it back (it passed the rules when it was written)
/// or as the platform itself writes it: crate-private, so input from outside the crate
/// still has `parse` as its only way in.
pub(crate) trait Stored: Sized {
    fn stored(text: String) -> Self;
}

/// `#[serde(deserialize_with = "…")]` for a stored published text.
pub(crate) fn stored<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Stored,
{
    String::deserialize(deserializer).map(T::stored)
}

/// The same, for an optional stored published text.
pub(crate) fn stored_optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Stored,
{
    Option::<String>::deserialize(deserializer).map(|text| text.map(T::stored))
}

/// A text only its writer and the staff read.
macro_rules! private_text_type {
    ($(#[$doc:meta])* $name:ident, $limits:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        text_type_common!($name, $limits);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_public_text(raw, Self::LIMITS).map(Self)
            }
        }
    };
}

published_text_type!(
    /// The public name shown next to every message, in thread lists and on the profile.
    DisplayName,
    TextLimits::single_line(50)
);
published_text_type!(
    /// The title of a conversation thread.
    ThreadTitle,
    TextLimits::single_line(120)
);
published_text_type!(
    /// The text of a chat message: lines broken by `\n`, anything visible (an emoji alone
    /// is a message).
    MessageText,
    TextLimits::multi_line(4000, 50)
);
published_text_type!(
    /// What a corrector adds to a correction: why, in a few sentences.
    CorrectionNote,
    TextLimits::multi_line(1000, 20)
);
published_text_type!(
    /// A tariff's name, as everyone sees it in the price list.
    TariffName,
    TextLimits::single_line(80)
);

private_text_type!(FullName, TextLimits::single_line(100));
private_text_type!(Gender, TextLimits::single_line(30));
private_text_type!(City, TextLimits::single_line(100));
private_text_type!(
    /// A guardian's name.
    PersonName,
    TextLimits::single_line(100)
);
/// Why a moderator or an admin acted (a grant, a block, a decision about a message, an
/// extension); the user concerned may be shown it. Staff text holds no contact details
/// by construction: an e-mail address or a phone number, read as the content rules read
/// them, is refused (a reason names an account by its id). The names and places of a
/// person it may still hold are redacted when that person's account is erased (see
/// `decide::erasure`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffReason(String);

text_type_common!(StaffReason, TextLimits::single_line(500));

impl StaffReason {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = parse_public_text(raw, Self::LIMITS)?;
        match super::content_rules::find_contact_detail(&text) {
            Some(found) => Err(format!(
                "must not hold {}: name the account by its id, not the person's contact details",
                match found {
                    ContentViolation::Email { .. } => "an e-mail address",
                    _ => "a phone number",
                }
            )),
            None => Ok(Self(text)),
        }
    }
}
private_text_type!(
    /// What a complainant adds to a complaint, for the moderators: a few sentences.
    ComplaintComment,
    TextLimits::multi_line(1000, 20)
);
private_text_type!(
    /// What a user adds to a privacy request.
    PrivacyRequestDetails,
    TextLimits::multi_line(2000, 50)
);
private_text_type!(
    /// The staff's answer to a privacy request, sent to the requester.
    PrivacyResponse,
    TextLimits::multi_line(4000, 100)
);
private_text_type!(
    /// A breach notice's title, to the affected accounts.
    NoticeTitle,
    TextLimits::single_line(120)
);
private_text_type!(
    /// A breach notice's description: what happened and whom to contact.
    NoticeDescription,
    TextLimits::multi_line(4000, 100)
);

/// A date of birth: a real calendar date, not in the future, not before 1900. Written
/// `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(Date);

impl Serialize for BirthDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}

/// As stored: a calendar date (checked against the day it was given when it was parsed
/// at the edge).
impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Date::parse(&raw, format_description!("[year]-[month]-[day]"))
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl BirthDate {
    pub fn parse(raw: &str, today: Date) -> Result<Self, String> {
        let format = format_description!("[year]-[month]-[day]");
        let date = Date::parse(raw, format)
            .map_err(|_| "must be a calendar date written YYYY-MM-DD".to_string())?;
        if date > today {
            return Err("must not be in the future".into());
        }
        if date.year() < 1900 {
            return Err("must not be before 1900".into());
        }
        Ok(Self(date))
    }

    /// Whole years of age on `day`.
    pub fn age_on(&self, day: Date) -> i32 {
        let mut age = day.year() - self.0.year();
        if (day.month() as u8, day.day()) < (self.0.month() as u8, self.0.day()) {
            age -= 1;
        }
        age
    }

    pub fn to_iso(&self) -> String {
        self.0
            .format(format_description!("[year]-[month]-[day]"))
            .expect("a date always formats")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rules() -> ContentRules {
        ContentRules::default()
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        let name = |raw: &str| DisplayName::parse(raw, &rules());
        assert_eq!(name("  Ada ").unwrap().as_ref(), "Ada");
        assert!(name("   ").is_err());
        assert!(name(&"x".repeat(50)).is_ok());
        assert!(name(&"x".repeat(51)).is_err());
        assert!(name("a\u{0}b").is_err());
    }

    type Parses = fn(&str) -> bool;

    /// Every text type, with its maximum length and whether it is published.
    fn text_types() -> [(&'static str, Parses, usize, bool); 14] {
        [
            (
                "DisplayName",
                |s| DisplayName::parse(s, &rules()).is_ok(),
                50,
                true,
            ),
            (
                "ThreadTitle",
                |s| ThreadTitle::parse(s, &rules()).is_ok(),
                120,
                true,
            ),
            (
                "MessageText",
                |s| MessageText::parse(s, &rules()).is_ok(),
                4000,
                true,
            ),
            (
                "TariffName",
                |s| TariffName::parse(s, &rules()).is_ok(),
                80,
                true,
            ),
            ("FullName", |s| FullName::parse(s).is_ok(), 100, false),
            ("Gender", |s| Gender::parse(s).is_ok(), 30, false),
            ("City", |s| City::parse(s).is_ok(), 100, false),
            ("PersonName", |s| PersonName::parse(s).is_ok(), 100, false),
            ("StaffReason", |s| StaffReason::parse(s).is_ok(), 500, false),
            (
                "ComplaintComment",
                |s| ComplaintComment::parse(s).is_ok(),
                1000,
                false,
            ),
            (
                "PrivacyRequestDetails",
                |s| PrivacyRequestDetails::parse(s).is_ok(),
                2000,
                false,
            ),
            (
                "PrivacyResponse",
                |s| PrivacyResponse::parse(s).is_ok(),
                4000,
                false,
            ),
            ("NoticeTitle", |s| NoticeTitle::parse(s).is_ok(), 120, false),
            (
                "NoticeDescription",
                |s| NoticeDescription::parse(s).is_ok(),
                4000,
                false,
            ),
        ]
    }

    #[test]
    fn each_text_type_has_its_limits() {
        let multi_line = [
            "MessageText",
            "ComplaintComment",
            "PrivacyRequestDetails",
            "PrivacyResponse",
            "NoticeDescription",
        ];
        for (name, parses, max, _) in text_types() {
            assert!(parses(&"x".repeat(max)), "{name} at {max}");
            assert!(!parses(&"x".repeat(max + 1)), "{name} over {max}");
            assert!(!parses("x\u{202E}y"), "{name} with an override");
            let multi_line = multi_line.contains(&name);
            assert_eq!(parses("two\nlines"), multi_line, "{name} with a newline");
            assert_eq!(parses("🎉"), multi_line, "{name} without a letter");
        }
    }

    #[test]
    fn published_texts_pass_every_content_rule_and_private_ones_none() {
        for contact in [
            "WhatsApp 07700900123",
            "ada@example.com",
            "spamsite.com",
            "you idiot",
            "𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦",
        ] {
            for (name, parses, _, published) in text_types() {
                if name == "StaffReason" {
                    continue;
                }
                assert_eq!(parses(contact), !published, "{name}: {contact:?}");
            }
        }
    }

    #[test]
    fn staff_reasons_hold_no_contact_details() {
        for (reason, accepted) in [
            ("Spam in three threads.", true),
            ("Links to spamsite.com in every message.", true),
            ("Insults: you idiot.", true),
            ("Refund agreed on 12.03.2027, order 4471.", true),
            ("Asked to be called on 07700 900123", false),
            ("WhatsApp ０７７００９００１２３", false),
            ("Wrote from ada@example.com", false),
            ("Mail ada [at] example [dot] com", false),
        ] {
            assert_eq!(StaffReason::parse(reason).is_ok(), accepted, "{reason}");
        }
        assert_eq!(
            StaffReason::parse("Call 07700 900123").unwrap_err(),
            "must not hold a phone number: name the account by its id, not the person's contact details"
        );
    }

    #[test]
    fn a_refusal_says_which_rule_or_which_form() {
        assert_eq!(
            DisplayName::parse("WhatsApp 07700900123", &rules()).map_err(|refusal| match refusal {
                TextRefusal::Breaks(violation) => violation.rule(),
                TextRefusal::Invalid(_) => "invalid",
            }),
            Err("phone_number")
        );
        assert_eq!(
            DisplayName::parse("a\u{202E}b", &rules()),
            Err(TextRefusal::Invalid(
                "must not contain invisible or direction-changing characters".into()
            ))
        );
        let listed = ContentRules::new(["Ada"]);
        assert!(matches!(
            DisplayName::parse("Ada", &listed),
            Err(TextRefusal::Breaks(ContentViolation::Blocklisted { .. }))
        ));
    }

    #[test]
    fn text_types_are_plain_strings_in_json() {
        let name = DisplayName::parse("Zoe\u{308}", &rules()).unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"Zo\u{EB}\"");
        let message = MessageText::parse("hi\r\nthere", &rules()).unwrap();
        assert_eq!(String::from(message), "hi\nthere");
    }

    #[test]
    fn birth_dates_are_real_past_dates() {
        let today = date!(2026 - 11 - 28);
        assert!(BirthDate::parse("1990-12-10", today).is_ok());
        for (raw, why) in [
            ("1990-02-30", "no such day"),
            ("1990-13-01", "no such month"),
            ("10-12-1990", "wrong order"),
            ("1990-12-10T00:00:00Z", "a timestamp"),
            ("2026-11-29", "tomorrow"),
            ("1899-12-31", "too old"),
            ("", "empty"),
        ] {
            assert!(BirthDate::parse(raw, today).is_err(), "{why}: {raw:?}");
        }
    }

    #[test]
    fn age_turns_on_the_birthday() {
        let born = BirthDate::parse("2008-11-28", date!(2026 - 11 - 28)).unwrap();
        assert_eq!(born.age_on(date!(2026 - 11 - 27)), 17);
        assert_eq!(born.age_on(date!(2026 - 11 - 28)), 18);
    }
}
