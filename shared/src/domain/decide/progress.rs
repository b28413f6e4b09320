//! Progress statistics: what a post or a correction adds to whose counters (the table's
//! stream hands each to the counting consumer), and how the stored counters read as
//! statistics on a given day (streaks are UTC days and depend on today).
//!
//! Counting is once per post: the plan names the post it counts, and the store writes
//! that mark (kept [`MARK_LIFETIME`], longer than the stream keeps a record) in the same
//! transaction as the counters, on condition that it is new. Stream sequence numbers
//! cannot serve as the mark: one account's counters are changed by posts in many
//! threads, whose records come from different shards, ordered within a shard only.

use std::collections::BTreeSet;

use time::{Duration, OffsetDateTime};

use crate::domain::progress::{Day, LanguageProgress, ProgressCounters, ProgressSummary};
use crate::domain::{
    AccountId, Correction, CorrectionId, LanguageTag, Message, MessageId, MessageKind, Timestamp,
};

/// How long the mark that a post was counted is kept: longer than the table's stream
/// keeps a record (24 hours), so no redelivery can outlive it.
pub const MARK_LIFETIME: Duration = Duration::days(2);

/// The post a count is of: its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    Message(MessageId),
    Correction(CorrectionId),
}

/// Something counted, with what the consumer read to count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A message posted (a thread's first message too).
    Posted {
        message: MessageId,
        author: AccountId,
        /// The recording's measured length; `None` for a text message.
        voice_ms: Option<u64>,
        at: Timestamp,
        /// The author of the message it replies to, if it replies.
        replied_to_author: Option<AccountId>,
    },
    /// A correction made of someone's message.
    Corrected {
        correction: CorrectionId,
        author: AccountId,
        message_author: AccountId,
        at: Timestamp,
    },
}

impl Activity {
    /// A message as posted, and the message it replies to (as read), if any.
    pub fn posted(message: &Message, replied_to: Option<&Message>) -> Self {
        Self::Posted {
            message: message.id.clone(),
            author: message.author_id.clone(),
            voice_ms: match message.kind {
                MessageKind::Text => None,
                MessageKind::Voice => Some(
                    message
                        .voice
                        .as_ref()
                        .and_then(|voice| voice.duration_ms)
                        .unwrap_or(0),
                ),
            },
            at: message.created_at,
            replied_to_author: replied_to.map(|m| m.author_id.clone()),
        }
    }

    /// A correction as made, and the message it corrects (as read).
    pub fn corrected(correction: &Correction, message: &Message) -> Self {
        Self::Corrected {
            correction: correction.id.clone(),
            author: correction.author_id.clone(),
            message_author: message.author_id.clone(),
            at: correction.created_at,
        }
    }
}

/// What one activity adds to one account's counters in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterDelta {
    pub account: AccountId,
    pub language: LanguageTag,
    pub messages: u64,
    pub voice_messages: u64,
    pub voice_ms: u64,
    pub replies_received: u64,
    pub corrections_received: u64,
    pub corrections_given: u64,
    /// The day the account was active, if this activity was its own.
    pub active_on: Option<Day>,
}

impl CounterDelta {
    fn of(account: &AccountId, language: &LanguageTag) -> Self {
        Self {
            account: account.clone(),
            language: language.clone(),
            messages: 0,
            voice_messages: 0,
            voice_ms: 0,
            replies_received: 0,
            corrections_received: 0,
            corrections_given: 0,
            active_on: None,
        }
    }
}

/// The writes of one count: the mark and each account's delta (one per account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountPlan {
    pub counted: Counted,
    pub mark_expires_at_epoch: i64,
    pub deltas: Vec<CounterDelta>,
}

/// What `activity`, in a thread of `language`, adds to whose counters. A post counts for
/// its author on the day it was posted; a reply counts as received by the author of the
/// message it replies to (not when that is the replier); a correction counts as given
/// (and an active day) for its author and as received for the message's author.
pub fn count(activity: &Activity, language: &LanguageTag, now: OffsetDateTime) -> CountPlan {
    // The other account is never the actor (a reply to oneself is no reply received;
    // one's own message takes no correction), so each account has one delta.
    let (counted, own, other) = match activity {
        Activity::Posted {
            message,
            author,
            voice_ms,
            at,
            replied_to_author,
        } => {
            let mut own = CounterDelta::of(author, language);
            own.messages = 1;
            if let Some(ms) = voice_ms {
                own.voice_messages = 1;
                own.voice_ms = *ms;
            }
            own.active_on = Some(Day::of(at.time()));
            let other = replied_to_author
                .as_ref()
                .filter(|a| *a != author)
                .map(|a| CounterDelta {
                    replies_received: 1,
                    ..CounterDelta::of(a, language)
                });
            (Counted::Message(message.clone()), own, other)
        }
        Activity::Corrected {
            correction,
            author,
            message_author,
            at,
        } => {
            let own = CounterDelta {
                corrections_given: 1,
                active_on: Some(Day::of(at.time())),
                ..CounterDelta::of(author, language)
            };
            let other = (message_author != author).then(|| CounterDelta {
                corrections_received: 1,
                ..CounterDelta::of(message_author, language)
            });
            (Counted::Correction(correction.clone()), own, other)
        }
    };
    let deltas = std::iter::once(own).chain(other).collect();
    CountPlan {
        counted,
        mark_expires_at_epoch: (now + MARK_LIFETIME).unix_timestamp(),
        deltas,
    }
}

/// The current and the longest streak of `days`, on `today` (UTC): a streak is a run of
/// consecutive active days; the current one is the run that ends today or yesterday (a
/// streak is not broken until a whole day has passed without activity), else 0.
pub fn streaks(days: &BTreeSet<Day>, today: Day) -> (u64, u64) {
    let mut longest = 0u64;
    let mut run = 0u64;
    let mut last: Option<Day> = None;
    for &day in days {
        run = match last {
            Some(previous) if day.previous() == Some(previous) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        last = Some(day);
    }
    let alive = last.is_some_and(|last| last >= today.previous().unwrap_or(today));
    (if alive { run } else { 0 }, longest)
}

/// One language's counters as statistics on `today`.
pub fn statistics(counters: &ProgressCounters, today: Day) -> LanguageProgress {
    let (current, longest) = streaks(&counters.days, today);
    LanguageProgress {
        language: counters.language.clone(),
        messages: counters.messages,
        voice_messages: counters.voice_messages,
        voice_seconds: counters.voice_ms as f64 / 1000.0,
        replies_received: counters.replies_received,
        corrections_received: counters.corrections_received,
        corrections_given: counters.corrections_given,
        active_days: counters.days.len() as u64,
        current_streak_days: current,
        longest_streak_days: longest,
        last_active_on: counters.days.last().copied(),
    }
}

/// Every language's statistics on `today`, the most active language first (then by tag).
pub fn every_language(counters: &[ProgressCounters], today: Day) -> Vec<LanguageProgress> {
    let mut languages: Vec<LanguageProgress> =
        counters.iter().map(|c| statistics(c, today)).collect();
    languages.sort_by(|a, b| {
        b.messages
            .cmp(&a.messages)
            .then_with(|| a.language.as_ref().cmp(b.language.as_ref()))
    });
    languages
}

/// The public summary of every language's counters: messages, and voice minutes to a
/// tenth.
pub fn summary(counters: &[ProgressCounters]) -> ProgressSummary {
    let messages = counters.iter().map(|c| c.messages).sum();
    let voice_ms: u64 = counters.iter().map(|c| c.voice_ms).sum();
    ProgressSummary {
        messages,
        voice_minutes: (voice_ms as f64 / 6_000.0).round() / 10.0,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn day(raw: &str) -> Day {
        Day::parse(raw).unwrap()
    }

    fn days(raw: &[&str]) -> BTreeSet<Day> {
        raw.iter().map(|d| day(d)).collect()
    }

    fn de() -> LanguageTag {
        LanguageTag::parse("de").unwrap()
    }

    #[test]
    fn streaks_count_consecutive_utc_days_and_end_after_a_whole_day_without_activity() {
        // (active days, today, current, longest)
        let cases: &[(&[&str], &str, u64, u64)] = &[
            (&[], "2026-12-10", 0, 0),
            (&["2026-12-10"], "2026-12-10", 1, 1),
            // yesterday's streak still stands today
            (&["2026-12-08", "2026-12-09"], "2026-12-10", 2, 2),
            // a whole day missed: broken
            (&["2026-12-07", "2026-12-08"], "2026-12-10", 0, 2),
            (
                &[
                    "2026-12-01",
                    "2026-12-02",
                    "2026-12-03",
                    "2026-12-09",
                    "2026-12-10",
                ],
                "2026-12-10",
                2,
                3,
            ),
            // across a month and a year
            (&["2026-12-31", "2027-01-01"], "2027-01-01", 2, 2),
            (&["2027-02-28", "2027-03-01"], "2027-03-02", 2, 2),
            // a gap inside: the runs are counted apart
            (&["2026-12-01", "2026-12-03"], "2026-12-03", 1, 1),
        ];
        for (active, today, current, longest) in cases {
            assert_eq!(
                streaks(&days(active), day(today)),
                (*current, *longest),
                "{active:?} on {today}"
            );
        }
    }

    #[test]
    fn a_post_just_before_and_one_just_after_utc_midnight_are_two_days_of_one_streak() {
        let author = AccountId::new();
        let thread = crate::domain::ThreadId::new();
        let at = |t: OffsetDateTime| Activity::Posted {
            message: MessageId::new_in(&thread, None),
            author: author.clone(),
            voice_ms: None,
            at: Timestamp::at(t),
            replied_to_author: None,
        };
        let before = count(&at(datetime!(2026-12-09 23:59:59.999 UTC)), &de(), NOW);
        // 01:30 on the 10th at +02:00 is 23:30 UTC on the 9th: days are UTC days,
        // whatever offset a time is written with.
        let after = count(&at(datetime!(2026-12-10 01:30 +02:00)), &de(), NOW);
        let active: BTreeSet<Day> = [&before, &after]
            .iter()
            .filter_map(|plan| plan.deltas[0].active_on)
            .collect();
        assert_eq!(active, days(&["2026-12-09"]));
        let later = count(&at(datetime!(2026-12-10 00:00:00 UTC)), &de(), NOW);
        let active: BTreeSet<Day> = [&before, &later]
            .iter()
            .filter_map(|plan| plan.deltas[0].active_on)
            .collect();
        assert_eq!(active, days(&["2026-12-09", "2026-12-10"]));
        assert_eq!(streaks(&active, day("2026-12-10")), (2, 2));
        assert_eq!(streaks(&active, day("2026-12-11")), (2, 2));
        assert_eq!(streaks(&active, day("2026-12-12")), (0, 2));
    }

    const NOW: OffsetDateTime = datetime!(2026-12-10 12:00 UTC);

    #[test]
    fn what_each_activity_adds_to_whose_counters() {
        let ada = AccountId::new();
        let bob = AccountId::new();
        let thread = crate::domain::ThreadId::new();
        let message = MessageId::new_in(&thread, None);
        let at = Timestamp::at(NOW);
        let today = Some(Day::new(date!(2026 - 12 - 10)));
        let posted = |voice_ms, replied_to_author| Activity::Posted {
            message: message.clone(),
            author: ada.clone(),
            voice_ms,
            at,
            replied_to_author,
        };
        let own = |f: &dyn Fn(&mut CounterDelta)| {
            let mut delta = CounterDelta::of(&ada, &de());
            f(&mut delta);
            delta
        };
        let other = |f: &dyn Fn(&mut CounterDelta)| {
            let mut delta = CounterDelta::of(&bob, &de());
            f(&mut delta);
            delta
        };
        let correction = CorrectionId::new();
        let cases: Vec<(&str, Activity, Vec<CounterDelta>, Counted)> = vec![
            (
                "a text message",
                posted(None, None),
                vec![own(&|d| {
                    d.messages = 1;
                    d.active_on = today;
                })],
                Counted::Message(message.clone()),
            ),
            (
                "a voice message",
                posted(Some(4_250), None),
                vec![own(&|d| {
                    d.messages = 1;
                    d.voice_messages = 1;
                    d.voice_ms = 4_250;
                    d.active_on = today;
                })],
                Counted::Message(message.clone()),
            ),
            (
                "a reply to someone",
                posted(None, Some(bob.clone())),
                vec![
                    own(&|d| {
                        d.messages = 1;
                        d.active_on = today;
                    }),
                    other(&|d| d.replies_received = 1),
                ],
                Counted::Message(message.clone()),
            ),
            (
                "a reply to oneself is no reply received",
                posted(None, Some(ada.clone())),
                vec![own(&|d| {
                    d.messages = 1;
                    d.active_on = today;
                })],
                Counted::Message(message.clone()),
            ),
            (
                "a correction",
                Activity::Corrected {
                    correction: correction.clone(),
                    author: ada.clone(),
                    message_author: bob.clone(),
                    at,
                },
                vec![
                    own(&|d| {
                        d.corrections_given = 1;
                        d.active_on = today;
                    }),
                    other(&|d| d.corrections_received = 1),
                ],
                Counted::Correction(correction.clone()),
            ),
        ];
        for (name, activity, deltas, counted) in cases {
            let plan = count(&activity, &de(), NOW);
            assert_eq!(plan.deltas, deltas, "{name}");
            assert_eq!(plan.counted, counted, "{name}");
            assert_eq!(
                plan.mark_expires_at_epoch,
                (NOW + Duration::days(2)).unix_timestamp()
            );
        }
    }

    #[test]
    fn statistics_and_the_public_summary_read_the_counters() {
        let counters = |language: &str, messages, voice_ms, active: &[&str]| ProgressCounters {
            language: LanguageTag::parse(language).unwrap(),
            messages,
            voice_messages: 1,
            voice_ms,
            replies_received: 2,
            corrections_received: 3,
            corrections_given: 4,
            days: days(active),
        };
        let german = counters("de", 3, 90_500, &["2026-12-08", "2026-12-09"]);
        let stats = statistics(&german, day("2026-12-10"));
        assert_eq!(
            stats,
            LanguageProgress {
                language: de(),
                messages: 3,
                voice_messages: 1,
                voice_seconds: 90.5,
                replies_received: 2,
                corrections_received: 3,
                corrections_given: 4,
                active_days: 2,
                current_streak_days: 2,
                longest_streak_days: 2,
                last_active_on: Some(day("2026-12-09")),
            }
        );
        let french = counters("fr", 5, 60_000, &["2026-12-01"]);
        let both = every_language(&[german.clone(), french.clone()], day("2026-12-10"));
        assert_eq!(
            both.iter().map(|l| l.language.as_ref()).collect::<Vec<_>>(),
            ["fr", "de"]
        );
        assert_eq!(
            summary(&[german, french]),
            ProgressSummary {
                messages: 8,
                voice_minutes: 2.5
            }
        );
        assert_eq!(
            summary(&[]),
            ProgressSummary {
                messages: 0,
                voice_minutes: 0.0
            }
        );
    }
}
