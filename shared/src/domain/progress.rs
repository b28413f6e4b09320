//! Progress statistics: what an account did in the threads of one language, kept as
//! counters by the table's stream consumer (`decide::progress` says what counts) and
//! read back whole. Streaks are not stored: they depend on today, and are worked out
//! from the days when read.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

use super::LanguageTag;

/// A UTC calendar day, stored and shown as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

const DAY_FORMAT: &[time::format_description::BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]");

impl Day {
    pub fn new(date: Date) -> Self {
        Self(date)
    }

    /// The UTC day of `at`.
    pub fn of(at: time::OffsetDateTime) -> Self {
        Self(at.to_offset(time::UtcOffset::UTC).date())
    }

    pub fn date(self) -> Date {
        self.0
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Date::parse(raw, DAY_FORMAT)
            .map(Self)
            .map_err(|_| format!("{raw:?} is not a day (YYYY-MM-DD)"))
    }

    /// The day before, if the calendar has one.
    pub fn previous(self) -> Option<Self> {
        self.0.previous_day().map(Self)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.format(DAY_FORMAT).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// An account's counters in the threads of one language, as stored. Every counter only
/// grows; `days` is the set of UTC days the account posted a message or a correction in
/// that language (a set: adding a day twice leaves it once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressCounters {
    /// The language as the first thread counted wrote it (counters are keyed by the tag
    /// in lower case).
    pub language: LanguageTag,
    #[serde(default)]
    pub messages: u64,
    #[serde(default)]
    pub voice_messages: u64,
    #[serde(default)]
    pub voice_ms: u64,
    #[serde(default)]
    pub replies_received: u64,
    #[serde(default)]
    pub corrections_received: u64,
    #[serde(default)]
    pub corrections_given: u64,
    #[serde(default)]
    pub days: BTreeSet<Day>,
}

/// One language's statistics as shown (`GET /v1/me/progress`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageProgress {
    pub language: LanguageTag,
    pub messages: u64,
    pub voice_messages: u64,
    /// Seconds, to the millisecond.
    pub voice_seconds: f64,
    pub replies_received: u64,
    pub corrections_received: u64,
    pub corrections_given: u64,
    pub active_days: u64,
    pub current_streak_days: u64,
    pub longest_streak_days: u64,
    pub last_active_on: Option<Day>,
}

/// What a public profile shows of an account's progress, over every language.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProgressSummary {
    pub messages: u64,
    /// Minutes of voice messages, to a tenth of a minute.
    pub voice_minutes: f64,
}
