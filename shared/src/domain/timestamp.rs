//! The one timestamp type: what the API shows and the store keeps of a moment.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::clock::rfc3339;

/// A moment in UTC, to the millisecond. It is written in RFC 3339 with exactly three
/// fractional digits and a `Z`: fixed width, so the stored strings compare in time
/// order inside DynamoDB conditions and sort keys. Only a real moment can be made, so a
/// bad value is refused when it is parsed at the edge, never found when it is read.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// `at`, in UTC, truncated to the millisecond.
    pub fn at(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(UtcOffset::UTC);
        Self(
            utc.replace_millisecond(utc.millisecond())
                .expect("a millisecond of a real moment"),
        )
    }

    /// An RFC 3339 time, with any offset.
    pub fn parse(raw: &str) -> Result<Self, String> {
        rfc3339::parse(raw)
            .map(Self::at)
            .ok_or_else(|| "must be an RFC 3339 time".to_owned())
    }

    pub fn time(self) -> OffsetDateTime {
        self.0
    }

    /// Seconds since the Unix epoch (what DynamoDB's TTL and epoch attributes hold).
    pub fn unix_timestamp(self) -> i64 {
        self.0.unix_timestamp()
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(at: OffsetDateTime) -> Self {
        Self::at(at)
    }
}

impl From<Timestamp> for String {
    fn from(at: Timestamp) -> String {
        at.to_string()
    }
}

impl From<&Timestamp> for String {
    fn from(at: &Timestamp) -> String {
        at.to_string()
    }
}

impl std::ops::Add<Duration> for Timestamp {
    type Output = Self;
    fn add(self, duration: Duration) -> Self {
        Self::at(self.0 + duration)
    }
}

impl std::ops::Sub<Duration> for Timestamp {
    type Output = Self;
    fn sub(self, duration: Duration) -> Self {
        Self::at(self.0 - duration)
    }
}

impl PartialEq<OffsetDateTime> for Timestamp {
    fn eq(&self, other: &OffsetDateTime) -> bool {
        self.0 == *other
    }
}

impl PartialOrd<OffsetDateTime> for Timestamp {
    fn partial_cmp(&self, other: &OffsetDateTime) -> Option<std::cmp::Ordering> {
        self.0.partial_cmp(other)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rfc3339::format(self.0))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn one_moment_has_one_fixed_width_spelling() {
        let at = Timestamp::at(datetime!(2027-03-01 11:15:30.123456 +01:00));
        assert_eq!(at.to_string(), "2027-03-01T10:15:30.123Z");
        assert_eq!(Timestamp::parse("2027-03-01T10:15:30.123Z"), Ok(at));
        assert_eq!(Timestamp::parse("2027-03-01T11:15:30.1234+01:00"), Ok(at));
        assert_eq!(
            Timestamp::parse("2027-03-01T10:15:30Z")
                .unwrap()
                .to_string(),
            "2027-03-01T10:15:30.000Z"
        );
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, "\"2027-03-01T10:15:30.123Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), at);
        for bad in ["", "2027-03-01", "yesterday", "2027-02-30T00:00:00Z"] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?}");
            assert!(serde_json::from_str::<Timestamp>(&format!("{bad:?}")).is_err());
        }
    }

    #[test]
    fn strings_sort_as_the_moments_do() {
        let earlier = Timestamp::parse("2027-03-01T09:59:59.999Z").unwrap();
        let later = Timestamp::parse("2027-03-01T10:00:00Z").unwrap();
        assert!(earlier < later);
        assert!(earlier.to_string() < later.to_string());
    }
}
