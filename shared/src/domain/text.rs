//! Public free text (names, titles, reasons, messages), and the date of birth.

use serde::{Deserialize, Serialize};
use time::{Date, macros::format_description};

use super::public_text::{TextLimits, parse_public_text};

macro_rules! public_text_type {
    ($(#[$doc:meta])* $name:ident, $limits:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const LIMITS: TextLimits = $limits;
            pub const MAX_CHARS: usize = Self::LIMITS.max_chars;

            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_public_text(raw, Self::LIMITS).map(Self)
            }
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

public_text_type!(
    /// The public name shown next to every message.
    DisplayName,
    TextLimits::single_line(50)
);
public_text_type!(FullName, TextLimits::single_line(100));
public_text_type!(Gender, TextLimits::single_line(30));
public_text_type!(City, TextLimits::single_line(100));
public_text_type!(
    /// A guardian's name.
    PersonName,
    TextLimits::single_line(100)
);
public_text_type!(
    /// The title of a conversation thread.
    ThreadTitle,
    TextLimits::single_line(120)
);
public_text_type!(
    /// The text of a chat message: lines broken by `\n`, anything visible (an emoji alone
    /// is a message).
    MessageText,
    TextLimits::multi_line(4000, 50)
);
public_text_type!(
    /// A tariff's name, as buyers see it.
    TariffName,
    TextLimits::single_line(80)
);
public_text_type!(
    /// Why a moderator or an admin acted (a grant, a block); users may be shown it.
    StaffReason,
    TextLimits::single_line(500)
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

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada ").unwrap().as_ref(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(50)).is_ok());
        assert!(DisplayName::parse(&"x".repeat(51)).is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn each_text_type_has_its_limits() {
        type Parses = fn(&str) -> bool;
        let types: [(&str, Parses, usize); 9] = [
            ("DisplayName", |s| DisplayName::parse(s).is_ok(), 50),
            ("FullName", |s| FullName::parse(s).is_ok(), 100),
            ("Gender", |s| Gender::parse(s).is_ok(), 30),
            ("City", |s| City::parse(s).is_ok(), 100),
            ("PersonName", |s| PersonName::parse(s).is_ok(), 100),
            ("ThreadTitle", |s| ThreadTitle::parse(s).is_ok(), 120),
            ("MessageText", |s| MessageText::parse(s).is_ok(), 4000),
            ("TariffName", |s| TariffName::parse(s).is_ok(), 80),
            ("StaffReason", |s| StaffReason::parse(s).is_ok(), 500),
        ];
        for (name, parses, max) in types {
            assert!(parses(&"x".repeat(max)), "{name} at {max}");
            assert!(!parses(&"x".repeat(max + 1)), "{name} over {max}");
            assert!(!parses("x\u{202E}y"), "{name} with an override");
            let multi_line = name == "MessageText";
            assert_eq!(parses("two\nlines"), multi_line, "{name} with a newline");
            assert_eq!(parses("🎉"), multi_line, "{name} without a letter");
        }
    }

    #[test]
    fn text_types_are_plain_strings_in_json() {
        let name = DisplayName::parse("Zoe\u{308}").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"Zo\u{EB}\"");
        let message = MessageText::parse("hi\r\nthere").unwrap();
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
