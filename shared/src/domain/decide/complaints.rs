//! Filing a complaint about a message: who may, how often, whether it counts towards
//! hiding the message, and when it hides it.

use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::config::ModerationSettings;
use crate::domain::{
    Account, AccountCondition, AccountId, AccountUpdate, AccountWrite, Complaint, ComplaintReason,
    Message, MessageStatus, ModerationNote, Timestamp, Viewer,
};
use crate::gate::{Gate, Refusal};

/// The note a message hidden by complaints carries until a moderator decides.
pub const AUTO_HIDE_ACTION: &str = "auto_hide";
pub const AUTO_HIDE_REASON: &str =
    "Hidden after complaints from several people, until a moderator decides.";

/// What a complaint is decided on: the message and the reporter's account, read
/// together.
#[derive(Debug, Clone)]
pub struct ComplaintState {
    pub message: Option<Message>,
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
    /// No such message, or one the reporter cannot see.
    NoSuchMessage,
    /// The reporter has an open complaint about this message already.
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
    /// The message's author (the queue entry names them).
    pub author_id: AccountId,
    pub message: MessageCount,
    /// The message's open complaints once this one is queued (its place in the queue).
    pub queued_complaints: u32,
    /// The reporter's count in the hour's window, on condition that the count is still
    /// the one read and the gate still admits them.
    pub reporter: AccountWrite,
    /// This complaint hides the message.
    pub hides: bool,
}

/// The message's counters: as read (the round, open count and status, which the write
/// requires unchanged) and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageCount {
    pub round: u32,
    pub seen_open: u32,
    pub seen_status: MessageStatus,
    pub open: u32,
    pub counted: u32,
    /// Set when this complaint hides the message: its new status, and the note that
    /// says why.
    pub hide: Option<(MessageStatus, ModerationNote)>,
}

/// Files `new` about the message read, for the reporter the gate names: one per
/// reporter and open round (the complaint's key), within the hourly limit. The author's
/// own complaint is kept but does not count; the complaint that makes the counted ones
/// reach the threshold hides a visible message.
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
    let message = state
        .message
        .filter(|m| m.visible_to(Some(&viewer)))
        .ok_or(ComplaintRefusal::NoSuchMessage)?;
    let window = hour_of(now);
    let filed_this_hour = match &reporter.complaint_window {
        Some(w) if *w == window => reporter.complaints_in_window,
        _ => 0,
    };
    if filed_this_hour >= settings.complaints_per_hour {
        return Err(ComplaintRefusal::TooMany {
            retry_after_seconds: seconds_to_next_hour(now),
        });
    }
    let counted = message.author_id != reporter.id;
    let open = message.open_complaints + 1;
    let counted_total = message.counted_complaints + u32::from(counted);
    let hides = counted
        && message.status == MessageStatus::Visible
        && counted_total == settings.hide_threshold;
    let at = Timestamp::at(now);
    let complaint = Complaint {
        id: crate::ids::new_id(),
        message_id: message.id.clone(),
        thread_id: message.thread_id.clone(),
        reporter_id: reporter.id.clone(),
        reason: new.reason,
        comment: new.comment.clone(),
        revision: message.revision,
        reported_text: reported_text(&message),
        round: message.complaint_round,
        counted,
        created_at: at,
    };
    Ok(ComplaintPlan {
        complaint,
        author_id: message.author_id.clone(),
        message: MessageCount {
            round: message.complaint_round,
            seen_open: message.open_complaints,
            seen_status: message.status,
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

/// The hour `now` falls in, as the reporter's count window names it: `YYYY-MM-DDTHH`.
fn hour_of(now: OffsetDateTime) -> String {
    rfc3339::format(now)[..13].to_owned()
}

fn seconds_to_next_hour(now: OffsetDateTime) -> u32 {
    let into_hour = u32::from(now.minute()) * 60 + u32::from(now.second());
    (3600 - into_hour).max(1)
}

/// What a moderator reads as the reported content: the text, or the recording's digest.
fn reported_text(message: &Message) -> String {
    match (&message.text, &message.voice) {
        (Some(text), _) => text.to_string(),
        (None, Some(voice)) => format!("voice recording, SHA-256 {}", voice.sha256),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::domain::decide::tests::{account, gate_of, message_by};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-03-01 10:15:30 UTC);

    fn settings() -> ModerationSettings {
        ModerationSettings {
            hide_threshold: 3,
            complaints_per_hour: 2,
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
                    message: Some(message.clone()),
                    reporter: Some(reporter.clone()),
                },
                &complaint(),
                &settings(),
                NOW,
            );
            let plan = match (status, own) {
                // a hidden message is not there for a reporter who is not its author
                (MessageStatus::Hidden, false) => {
                    assert_eq!(plan, Err(ComplaintRefusal::NoSuchMessage), "{why}");
                    continue;
                }
                _ => plan.unwrap(),
            };
            assert_eq!(plan.message.counted, counted_after, "{why}");
            assert_eq!(plan.hides, hides, "{why}");
            assert_eq!(plan.message.hide.is_some(), hides, "{why}");
            assert_eq!(plan.complaint.counted, !own, "{why}");
            assert_eq!(plan.message.open, counted + 2, "{why}");
            assert_eq!(plan.queued_complaints, counted + 2, "{why}");
            assert_eq!(plan.message.seen_open, counted + 1, "{why}");
            assert_eq!(plan.message.seen_status, status, "{why}");
        }
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
                message: Some(message.clone()),
                reporter: Some(reporter.clone()),
            },
            &complaint(),
            &settings(),
            NOW,
        )
        .unwrap();
        let (status, note) = plan.message.hide.unwrap();
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
                    message: Some(message.clone()),
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
                Err(ComplaintRefusal::NoSuchMessage),
                "no message",
            ),
            (
                Some(reporter.clone()),
                Some(hidden.clone()),
                Err(ComplaintRefusal::NoSuchMessage),
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
                    message,
                    reporter: account,
                },
                &complaint(),
                &settings(),
                NOW,
            );
            assert_eq!(decided.map(|_| ()), expected, "{why}");
        }
    }
}
