//! Short free-text fields of a profile, and the date of birth.

use serde::{Deserialize, Serialize};
use time::{Date, macros::format_description};

/// Trimmed text of `min..=max` characters without control characters.
fn bounded_text(raw: &str, min: usize, max: usize) -> Result<String, String> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars < min {
        return Err(if min == 1 {
            "must not be empty".into()
        } else {
            format!("must be at least {min} characters")
        });
    }
    if chars > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_owned())
}

macro_rules! bounded_text_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, String> {
                bounded_text(raw, 1, Self::MAX_CHARS).map(Self)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text_type!(
    /// The public name shown next to every message.
    DisplayName,
    50
);
bounded_text_type!(FullName, 100);
bounded_text_type!(Gender, 30);
bounded_text_type!(City, 100);
bounded_text_type!(
    /// A guardian's name.
    PersonName,
    100
);

/// A date of birth: a real calendar date, not in the future, not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BirthDate(Date);

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
