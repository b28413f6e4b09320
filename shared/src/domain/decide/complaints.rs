//! Filing a complaint about public content (a message or a correction: a
//! [`ComplaintTarget`]): who may, how often, whether it counts towards hiding it, and
//! when it hides it. Every kind of target follows the same rules.
//!
//! Only a trusted reporter's complaint counts towards hiding a message on its own
//! ([`trusted_reporter`]): an account with a verified e-mail address that is at least
//! [`TRUSTED_AFTER_HOURS`] hours old or holds or has held credits (a purchase or a staff
//! grant, in its ledger). Fresh free accounts and unverified addresses still complain
//! (moderators see every complaint in the queue), but cannot hide anyone's messages.
//! Complaints are limited per account per hour, and per account against one author per
//! hour. Blocking a reporter dismisses their open complaints
//! ([`dismiss_blocked_reporters_complaint`]): they stop counting and leave the queue.

use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::config::ModerationSettings;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, Complaint, ComplaintReason,
    MessageStatus, Moderated, ModerationNote, ModerationState, Timestamp, Viewer,
};
use crate::gate::{Gate, Refusal};

/// The note a message hidden by complaints carries until a moderator decides.
pub const AUTO_HIDE_ACTION: &str = "auto_hide";
pub const AUTO_HIDE_REASON: &str =
    "Hidden after complaints from several people, until a moderator decides.";

/// How old an account must be for its complaints to count towards hiding, when it never
/// had credits.
pub const TRUSTED_AFTER_HOURS: i64 = 24;

/// Whether `reporter`'s complaints count towards hiding a message: a verified address,
/// and a day old or credits had (see the module). A blocked account files nothing (the
/// gate refuses it) and its open complaints are dismissed when it is blocked.
pub fn trusted_reporter(reporter: &Account, now: OffsetDateTime) -> bool {
    let age = now - reporter.created_at.time();
    reporter.email_verified_at.is_some()
        && (age >= time::Duration::hours(TRUSTED_AFTER_HOURS) || reporter.ledger_head.is_some())
}

/// What a complaint is decided on: the content complained about and the reporter's
/// account, read together.
#[derive(Debug, Clone)]
pub struct ComplaintState {
    pub target: Option<Moderated>,
    pub reporter: Option<Account>,
}

/// What a reporter sends.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub reason: ComplaintReason,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintRefusal {
    Gate(Refusal),
    /// No such content, or content the reporter cannot see.
    NoSuchTarget,
    /// The reporter has an open complaint about this content already.
    AlreadyOpen,
    /// The reporter filed their hourly number of complaints.
    TooMany {
        retry_after_seconds: u32,
    },
}

/// What filing writes, with what it read as conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintPlan {
    pub complaint: Complaint,
    /// The content's author (the queue entry names them).
    pub author_id: AccountId,
    pub counts: ComplaintCount,
    /// The content's open complaints once this one is queued (its place in the queue).
    pub queued_complaints: u32,
    /// The reporter's count in the hour's window, on condition that the count is still
    /// the one read and the gate still admits them.
    pub reporter: AccountWrite,
    /// This complaint hides the content.
    pub hides: bool,
}

/// The content's counters: as read (the round, open count and status, which the write
/// requires unchanged) and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintCount {
    pub round: u32,
    pub seen_open: u32,
    pub seen_status: MessageStatus,
    pub open: u32,
    pub counted: u32,
    /// Set when this complaint hides the content: its new status, and the note that
    /// says why.
    pub hide: Option<(MessageStatus, ModerationNote)>,
}

/// Files `new` about the content read, for the reporter the gate names: one per
/// reporter and open round (the complaint's key), within the hourly limit. The author's
/// own complaint is kept but does not count; the complaint that makes the counted ones
/// reach the threshold hides visible content.
pub fn file_complaint(
    gate: &Gate,
    state: ComplaintState,
    new: &NewComplaint,
    settings: &ModerationSettings,
    now: OffsetDateTime,
) -> Result<ComplaintPlan, ComplaintRefusal> {
    gate.admit(state.reporter.as_ref(), now)
        .map_err(ComplaintRefusal::Gate)?;
    let reporter = state.reporter.expect("admitted");
    let viewer = Viewer::new(reporter.id.clone(), &reporter.roles);
    let target = state
        .target
        .filter(|m| m.visible_to(Some(&viewer)))
        .ok_or(ComplaintRefusal::NoSuchTarget)?;
    let seen = &target.state;
    let window = hour_of(now);
    let filed_this_hour = match &reporter.complaint_window {
        Some(w) if *w == window => reporter.complaints_in_window,
        _ => 0,
    };
    let mut against_authors = match &reporter.complaint_window {
        Some(w) if *w == window => reporter.complained_authors.clone(),
        _ => Default::default(),
    };
    let against_author = against_authors.entry(target.author_id.clone()).or_insert(0);
    if filed_this_hour >= settings.complaints_per_hour
        || *against_author >= settings.complaints_per_author_per_hour
    {
        return Err(ComplaintRefusal::TooMany {
            retry_after_seconds: seconds_to_next_hour(now),
        });
    }
    *against_author += 1;
    let counted = target.author_id != reporter.id && trusted_reporter(&reporter, now);
    let open = seen.open_complaints + 1;
    let counted_total = seen.counted_complaints + u32::from(counted);
    let hides = counted
        && seen.status == MessageStatus::Visible
        && counted_total == settings.hide_threshold;
    let at = Timestamp::at(now);
    let complaint = Complaint {
        id: crate::ids::new_id(),
        target: target.target.clone(),
        thread_id: target.target.thread_id().clone(),
        reporter_id: reporter.id.clone(),
        reason: new.reason,
        comment: new.comment.clone(),
        revision: target.revision,
        reported_text: target.reported_text.clone(),
        round: seen.complaint_round,
        counted,
        created_at: at,
        dismissed_at: None,
    };
    Ok(ComplaintPlan {
        complaint,
        author_id: target.author_id.clone(),
        counts: ComplaintCount {
            round: seen.complaint_round,
            seen_open: seen.open_complaints,
            seen_status: seen.status,
            open,
            counted: counted_total,
            hide: hides.then(|| {
                let note = ModerationNote {
                    action: AUTO_HIDE_ACTION.into(),
                    reason: AUTO_HIDE_REASON.into(),
                    decided_at: at,
                };
                (MessageStatus::Hidden, note)
            }),
        },
        queued_complaints: open,
        reporter: AccountWrite {
            account_id: reporter.id.clone(),
            update: AccountUpdate {
                complaint_window: Some((window, filed_this_hour + 1)),
                complained_authors: Some(against_authors),
                ..Default::default()
            },
            requires: vec![
                AccountCondition::Gate(gate.clone()),
                AccountCondition::ComplaintsInWindowAsRead(reporter.complaints_in_window),
            ],
        },
        hides,
    })
}

/// What dismissing one open complaint of a blocked reporter writes, with what it read as
/// conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DismissalPlan {
    /// The complaint as dismissed (it no longer counts).
    pub complaint: Complaint,
    /// The content as read (its round, open complaints and status are the conditions).
    pub seen: Moderated,
    /// The content with one open complaint fewer.
    pub decided: Moderated,
    /// The queue entry loses its copy of the complaint; it goes when none is left open.
    pub queue: QueueChange,
    /// What the count of visible content it is part of moves by (content complaints
    /// hid, visible again).
    pub count_change: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueChange {
    /// No open complaint is left: the entry goes.
    Remove,
    /// The entry keeps the others, `open` of them, at the place that count gives it.
    Keep { open: u32 },
}

/// Dismisses `complaint`, whose reporter was blocked, about `target` as read: it leaves
/// the content's open complaints (and its counted ones when it counted), and content
/// that complaints hid is visible again once the counted complaints left are below the
/// threshold (a moderator's own hide is a decision, and settles the round, so it is
/// never undone here). `None` when there is nothing to do: dismissed before, its round
/// decided, or the content gone.
pub fn dismiss_blocked_reporters_complaint(
    complaint: &Complaint,
    target: Option<&Moderated>,
    settings: &ModerationSettings,
    now: OffsetDateTime,
) -> Option<DismissalPlan> {
    let read = target?;
    let seen = &read.state;
    if complaint.dismissed_at.is_some()
        || read.target != complaint.target
        || seen.complaint_round != complaint.round
        || seen.open_complaints == 0
    {
        return None;
    }
    let counted = seen
        .counted_complaints
        .saturating_sub(u32::from(complaint.counted));
    let open = seen.open_complaints - 1;
    let hidden_by_complaints = seen.status == MessageStatus::Hidden
        && seen
            .moderation
            .as_ref()
            .is_some_and(|note| note.action == AUTO_HIDE_ACTION);
    let mut decided = ModerationState {
        open_complaints: open,
        counted_complaints: counted,
        ..seen.clone()
    };
    if hidden_by_complaints && counted < settings.hide_threshold {
        decided.status = MessageStatus::Visible;
        decided.moderation = None;
    }
    Some(DismissalPlan {
        complaint: Complaint {
            counted: false,
            dismissed_at: Some(Timestamp::at(now)),
            ..complaint.clone()
        },
        queue: if open == 0 {
            QueueChange::Remove
        } else {
            QueueChange::Keep { open }
        },
        count_change: decided.visible_count() - seen.visible_count(),
        seen: read.clone(),
        decided: read.with_state(decided),
    })
}

/// The hour `now` falls in, as the reporter's count window names it: `YYYY-MM-DDTHH`.
pub(crate) fn hour_of(now: OffsetDateTime) -> String {
    rfc3339::format(now)[..13].to_owned()
}

pub(crate) fn seconds_to_next_hour(now: OffsetDateTime) -> u32 {
    let into_hour = u32::from(now.minute()) * 60 + u32::from(now.second());
    (3600 - into_hour).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decide::tests::{account as any_account, gate_of, message_by};
    use crate::domain::{Message, Role};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    /// An account a year old with a verified address: a trusted reporter.
    fn account(roles: &[Role]) -> Account {
        let mut account = any_account(roles);
        account.email_verified_at = Some(account.created_at);
        account
    }

    fn settings() -> ModerationSettings {
        ModerationSettings {
            hide_threshold: 3,
            complaints_per_hour: 2,
            complaints_per_author_per_hour: 2,
        }
    }

    fn complaint() -> NewComplaint {
        NewComplaint {
            reason: ComplaintReason::Spam,
            comment: Some("Please look.".into()),
        }
    }

    #[test]
    fn the_complaint_that_reaches_the_threshold_hides_a_visible_message_once() {
        let author = account(&[]);
        let reporter = account(&[]);
        // (counted before, status, reporter is author) → (counted after, hides)
        let cases = [
            (0, MessageStatus::Visible, false, 1, false, "first of three"),
            (
                1,
                MessageStatus::Visible,
                false,
                2,
                false,
                "second of three",
            ),
            (2, MessageStatus::Visible, false, 3, true, "third hides"),
            (
                3,
                MessageStatus::Visible,
                false,
                4,
                false,
                "past the threshold",
            ),
            (2, MessageStatus::Hidden, false, 3, false, "already hidden"),
            (
                2,
                MessageStatus::Visible,
                true,
                2,
                false,
                "the author's own",
            ),
        ];
        for (counted, status, own, counted_after, hides, why) in cases {
            let mut message = message_by(if own { &reporter } else { &author });
            message.counted_complaints = counted;
            message.open_complaints = counted + 1;
            message.status = status;
            let plan = file_complaint(
                &gate_of(&reporter),
                ComplaintState {
                    target: Some(Moderated::of_message(&message)),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings(),
                NOW,
            );
            let plan = match (status, own) {
                // a hidden message is not there for a reporter who is not its author
                (MessageStatus::Hidden, false) => {
                    assert_eq!(plan, Err(ComplaintRefusal::NoSuchTarget), "{why}");
                    continue;
                }
                _ => plan.unwrap(),
            };
            assert_eq!(plan.counts.counted, counted_after, "{why}");
            assert_eq!(plan.hides, hides, "{why}");
            assert_eq!(plan.counts.hide.is_some(), hides, "{why}");
            assert_eq!(plan.complaint.counted, !own, "{why}");
            assert_eq!(plan.counts.open, counted + 2, "{why}");
            assert_eq!(plan.queued_complaints, counted + 2, "{why}");
            assert_eq!(plan.counts.seen_open, counted + 1, "{why}");
            assert_eq!(plan.counts.seen_status, status, "{why}");
        }
    }

    #[test]
    fn only_a_trusted_reporters_complaint_counts_towards_hiding() {
        let author = account(&[]);
        let message = message_by(&author);
        let hours = |h: i64| Timestamp::at(NOW - time::Duration::hours(h));
        // (account age, has had credits, verified address) → counted
        let cases = [
            (hours(25), false, true, true, "a day old"),
            (hours(24), false, true, true, "exactly a day old"),
            (hours(23), false, true, false, "a fresh free account"),
            (
                hours(0),
                true,
                true,
                true,
                "fresh, but bought or was granted credits",
            ),
            (
                hours(9000),
                true,
                false,
                false,
                "old and paying, unverified",
            ),
            (hours(0), true, false, false, "credits, unverified"),
        ];
        for (created_at, credits, verified, counted, why) in cases {
            let mut reporter = account(&[]);
            reporter.created_at = created_at;
            reporter.email_verified_at = verified.then_some(created_at);
            reporter.ledger_head = credits.then(|| "01JABCDEFGHJKMNPQRSTVWXYZ0".to_owned());
            assert_eq!(trusted_reporter(&reporter, NOW), counted, "{why}");
            let mut seen = message.clone();
            seen.counted_complaints = 2;
            let plan = file_complaint(
                &gate_of(&reporter),
                ComplaintState {
                    target: Some(Moderated::of_message(&seen)),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings(),
                NOW,
            )
            .unwrap();
            assert_eq!(plan.complaint.counted, counted, "{why}");
            assert_eq!(plan.hides, counted, "{why}: the third counted one hides");
        }
    }

    #[test]
    fn each_account_files_a_few_complaints_an_hour_against_one_author() {
        let author = account(&[]);
        let other = account(&[]);
        let mut reporter = account(&[]);
        reporter.complaint_window = Some("2027-03-01T10".into());
        reporter.complaints_in_window = 1;
        reporter.complained_authors = [(author.id.clone(), 2)].into();
        let settings = ModerationSettings {
            complaints_per_hour: 10,
            ..settings()
        };
        let file = |reporter: &Account, message: Message| {
            file_complaint(
                &gate_of(reporter),
                ComplaintState {
                    target: Some(Moderated::of_message(&message)),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings,
                NOW,
            )
        };
        assert_eq!(
            file(&reporter, message_by(&author)).err(),
            Some(ComplaintRefusal::TooMany {
                retry_after_seconds: 2670
            }),
            "the limit against this author this hour"
        );
        let plan = file(&reporter, message_by(&other)).unwrap();
        assert_eq!(
            plan.reporter.update.complained_authors,
            Some([(author.id.clone(), 2), (other.id.clone(), 1)].into())
        );
        // the next hour starts again
        reporter.complaint_window = Some("2027-03-01T09".into());
        let plan = file(&reporter, message_by(&author)).unwrap();
        assert_eq!(
            plan.reporter.update.complained_authors,
            Some([(author.id.clone(), 1)].into())
        );
    }

    #[test]
    fn hiding_says_why_and_the_complaint_keeps_what_was_reported() {
        let reporter = account(&[]);
        let mut message = message_by(&account(&[]));
        message.counted_complaints = 2;
        message.revision = 4;
        let plan = file_complaint(
            &gate_of(&reporter),
            ComplaintState {
                target: Some(Moderated::of_message(&message)),
                reporter: Some(reporter.clone()),
            },
            &complaint(),
            &settings(),
            NOW,
        )
        .unwrap();
        let (status, note) = plan.counts.hide.unwrap();
        assert_eq!(status, MessageStatus::Hidden);
        assert_eq!(note.action, "auto_hide");
        assert_eq!(note.reason, AUTO_HIDE_REASON);
        assert_eq!(note.decided_at, Timestamp::at(NOW));
        assert_eq!(plan.complaint.reported_text, message.text.unwrap().as_ref());
        assert_eq!(plan.complaint.revision, 4);
        assert_eq!(plan.complaint.round, message.complaint_round);
        assert_eq!(plan.complaint.reporter_id, reporter.id);
    }

    #[test]
    fn each_account_files_a_few_complaints_an_hour() {
        let reporter = account(&[]);
        let message = message_by(&account(&[]));
        // (window read, count read) → allowed, count written
        let cases = [
            (None, 0, Ok(1), "never filed"),
            (Some("2027-03-01T10"), 1, Ok(2), "one this hour"),
            (Some("2027-03-01T10"), 2, Err(2670), "the limit this hour"),
            (Some("2027-03-01T09"), 2, Ok(1), "the limit, last hour"),
        ];
        for (window, filed, expected, why) in cases {
            let mut reporter = reporter.clone();
            reporter.complaint_window = window.map(str::to_owned);
            reporter.complaints_in_window = filed;
            let decided = file_complaint(
                &gate_of(&reporter),
                ComplaintState {
                    target: Some(Moderated::of_message(&message)),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings(),
                NOW,
            );
            match expected {
                Ok(count) => {
                    let plan = decided.unwrap();
                    assert_eq!(
                        plan.reporter.update.complaint_window,
                        Some(("2027-03-01T10".to_owned(), count)),
                        "{why}"
                    );
                    assert!(
                        plan.reporter
                            .requires
                            .contains(&AccountCondition::ComplaintsInWindowAsRead(filed)),
                        "{why}"
                    );
                }
                Err(wait) => assert_eq!(
                    decided,
                    Err(ComplaintRefusal::TooMany {
                        retry_after_seconds: wait
                    }),
                    "{why}: 44 min 30 s to the next hour"
                ),
            }
        }
    }

    #[test]
    fn the_gate_speaks_first_and_only_visible_messages_are_complained_about() {
        let reporter = account(&[]);
        let moderator = account(&[Role::Moderator]);
        let mut hidden = message_by(&account(&[]));
        hidden.status = MessageStatus::Hidden;
        let cases = [
            (
                None,
                Some(message_by(&reporter)),
                Err(ComplaintRefusal::Gate(Refusal::Unauthenticated)),
                "no account",
            ),
            (
                Some(reporter.clone()),
                None,
                Err(ComplaintRefusal::NoSuchTarget),
                "no message",
            ),
            (
                Some(reporter.clone()),
                Some(hidden.clone()),
                Err(ComplaintRefusal::NoSuchTarget),
                "hidden from the reporter",
            ),
            (
                Some(moderator.clone()),
                Some(hidden),
                Ok(()),
                "a moderator sees it",
            ),
        ];
        for (account, message, expected, why) in cases {
            let gate = gate_of(account.as_ref().unwrap_or(&reporter));
            let decided = file_complaint(
                &gate,
                ComplaintState {
                    target: message.as_ref().map(Moderated::of_message),
                    reporter: account,
                },
                &complaint(),
                &settings(),
                NOW,
            );
            assert_eq!(decided.map(|_| ()), expected, "{why}");
        }
    }

    fn filed(reporter: &Account, message: &Message) -> Complaint {
        file_complaint(
            &gate_of(reporter),
            ComplaintState {
                target: Some(Moderated::of_message(message)),
                reporter: Some(reporter.clone()),
            },
            &complaint(),
            &settings(),
            NOW,
        )
        .unwrap()
        .complaint
    }

    #[test]
    fn a_blocked_reporters_open_complaint_stops_counting_and_leaves_the_queue() {
        let author = any_account(&[]);
        let reporter = account(&[]);
        let later = NOW + time::Duration::minutes(5);
        let auto_hide = ModerationNote {
            action: AUTO_HIDE_ACTION.into(),
            reason: AUTO_HIDE_REASON.into(),
            decided_at: Timestamp::at(NOW),
        };
        let moderator_hide = ModerationNote {
            action: "hide".into(),
            ..auto_hide.clone()
        };
        // (status, note, open, counted, complaint counted) →
        //   (status after, open after, counted after, queue, thread count change)
        let cases = [
            (
                MessageStatus::Visible,
                None,
                2,
                2,
                true,
                (
                    MessageStatus::Visible,
                    1,
                    1,
                    QueueChange::Keep { open: 1 },
                    0,
                ),
                "one of two",
            ),
            (
                MessageStatus::Visible,
                None,
                1,
                0,
                false,
                (MessageStatus::Visible, 0, 0, QueueChange::Remove, 0),
                "the last, uncounted",
            ),
            (
                MessageStatus::Hidden,
                Some(auto_hide.clone()),
                3,
                3,
                true,
                (
                    MessageStatus::Visible,
                    2,
                    2,
                    QueueChange::Keep { open: 2 },
                    1,
                ),
                "the hiding falls below the threshold: visible again",
            ),
            (
                MessageStatus::Hidden,
                Some(auto_hide.clone()),
                4,
                4,
                true,
                (
                    MessageStatus::Hidden,
                    3,
                    3,
                    QueueChange::Keep { open: 3 },
                    0,
                ),
                "still three counted: still hidden",
            ),
            (
                MessageStatus::Hidden,
                Some(auto_hide),
                4,
                3,
                false,
                (
                    MessageStatus::Hidden,
                    3,
                    3,
                    QueueChange::Keep { open: 3 },
                    0,
                ),
                "an uncounted one changes no count",
            ),
            (
                MessageStatus::Hidden,
                Some(moderator_hide),
                1,
                0,
                true,
                (MessageStatus::Hidden, 0, 0, QueueChange::Remove, 0),
                "a moderator's hide is not undone",
            ),
        ];
        for (status, note, open, counted, complaint_counted, expected, why) in cases {
            let mut message = message_by(&author);
            message.complaint_round = 2;
            let mut complaint = filed(&reporter, &message);
            complaint.counted = complaint_counted;
            message.status = status;
            message.moderation = note.clone();
            message.open_complaints = open;
            message.counted_complaints = counted;
            let read = Moderated::of_message(&message);
            let plan =
                dismiss_blocked_reporters_complaint(&complaint, Some(&read), &settings(), later)
                    .unwrap();
            let (status_after, open_after, counted_after, queue, count_change) = expected;
            let decided = &plan.decided.state;
            assert_eq!(decided.status, status_after, "{why}");
            assert_eq!(decided.open_complaints, open_after, "{why}");
            assert_eq!(decided.counted_complaints, counted_after, "{why}");
            assert_eq!(plan.queue, queue, "{why}");
            assert_eq!(plan.count_change, count_change, "{why}");
            assert_eq!(plan.seen, read, "{why}");
            assert_eq!(decided.complaint_round, 2, "{why}: the round goes on");
            assert_eq!(
                decided.moderation.is_none(),
                status_after == MessageStatus::Visible && status == MessageStatus::Hidden
                    || note.is_none(),
                "{why}"
            );
            assert!(!plan.complaint.counted, "{why}");
            assert_eq!(plan.complaint.dismissed_at, Some(Timestamp::at(later)));
        }
    }

    #[test]
    fn a_decided_or_dismissed_complaint_is_left_as_it_is() {
        let reporter = account(&[]);
        let mut message = message_by(&any_account(&[]));
        message.open_complaints = 1;
        message.counted_complaints = 1;
        let complaint = filed(&reporter, &message);
        let dismiss = |complaint: &Complaint, message: Option<&Message>| {
            let read = message.map(Moderated::of_message);
            dismiss_blocked_reporters_complaint(complaint, read.as_ref(), &settings(), NOW)
        };
        assert!(dismiss(&complaint, Some(&message)).is_some(), "open");
        assert_eq!(dismiss(&complaint, None), None, "the message is gone");
        let mut decided = message.clone();
        decided.complaint_round += 1;
        decided.open_complaints = 0;
        assert_eq!(
            dismiss(&complaint, Some(&decided)),
            None,
            "its round decided"
        );
        let dismissed = Complaint {
            dismissed_at: Some(Timestamp::at(NOW)),
            ..complaint
        };
        assert_eq!(
            dismiss(&dismissed, Some(&message)),
            None,
            "dismissed before"
        );
    }

    #[test]
    fn a_correction_is_complained_about_only_where_its_message_is_seen() {
        let reporter = account(&[]);
        let corrector = account(&[]);
        let mut message = message_by(&account(&[]));
        let correction = crate::domain::decide::tests::correction_by(&corrector, &message);
        let file = |message: &Message| {
            file_complaint(
                &gate_of(&reporter),
                ComplaintState {
                    target: Some(Moderated::of_correction(&correction, Some(message))),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings(),
                NOW,
            )
        };
        let plan = file(&message).unwrap();
        assert_eq!(
            plan.complaint.target,
            Moderated::of_correction(&correction, None).target
        );
        assert_eq!(
            plan.author_id, corrector.id,
            "the queue names the corrector"
        );
        assert_eq!(plan.complaint.reported_text, "Buy my courses");
        message.status = MessageStatus::Hidden;
        assert_eq!(
            file(&message).err(),
            Some(ComplaintRefusal::NoSuchTarget),
            "a correction of a message the reporter cannot see"
        );
    }
}
