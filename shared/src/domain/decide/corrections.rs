//! Correcting someone's message as decisions: who may correct which text, what it
//! costs, and the correction, the message's count and the payment it commits together.

use time::OffsetDateTime;

use super::Seen;
use super::credits::{BalanceChange, BalanceRefusal, Knowing, LedgerPlan, change_balance};
use super::posting::{ClosedThread, MAX_REVISIONS, open_thread};
use crate::domain::{
    Account, Correction, CorrectionId, CorrectionNote, CorrectionRevision, LedgerKind, Message,
    MessageId, MessageKind, MessageStatus, MessageText, Revision, Thread, Timestamp,
};
use crate::gate::{Gate, Refusal};

/// What a correction says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    pub message_id: MessageId,
    /// The revision of the message's text it corrects (0: as posted).
    pub revision: u32,
    pub corrected_text: MessageText,
    pub note: Option<CorrectionNote>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrectionRefusal {
    Gate(Refusal),
    /// No such message, or one the public does not see (in a thread the caller does
    /// not see included).
    NoSuchMessage,
    /// The message's thread is hidden or removed, and the caller (its author or a
    /// moderator) sees it: nothing is added to it.
    ThreadHidden,
    /// One's own messages are not corrected.
    OwnMessage,
    /// A recording has no text to correct.
    Voice,
    /// The message has no such revision.
    NoSuchRevision {
        current: u32,
    },
    /// The corrected text is the text it corrects.
    Unchanged,
    Insufficient {
        required: i64,
        available: i64,
    },
    /// The idempotency key was used before: its first answer is to be replayed.
    KeyUsed,
}

/// What a correction is decided on: the message, its thread and the caller's account,
/// read together, and the earlier text of the message when the revision named is not
/// its current one (`None` when there is none such).
#[derive(Debug, Clone)]
pub struct CorrectionState {
    pub message: Option<Message>,
    pub thread: Option<Thread>,
    pub account: Option<Account>,
    pub revision: Option<Revision>,
}

/// A correction and its payment, committed together with the message's count, on
/// condition that the message's thread is still as it was read (`thread_seen`: always
/// visible, the decision refuses any other), so a hide of the thread that commits
/// between the read and the write refuses the correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionPlan {
    pub correction: Correction,
    pub ledger: LedgerPlan,
    pub thread_seen: MessageStatus,
}

/// The caller corrects revision `new.revision` of a message of someone else's, paying
/// `cost`.
pub fn correct(
    gate: &Gate,
    state: CorrectionState,
    new: &NewCorrection,
    cost: i64,
    now: OffsetDateTime,
) -> Result<CorrectionPlan, CorrectionRefusal> {
    gate.admit(state.account.as_ref(), now)
        .map_err(CorrectionRefusal::Gate)?;
    // Corrections are public: only of what the public sees.
    let message = state
        .message
        .filter(|m| m.status == MessageStatus::Visible)
        .ok_or(CorrectionRefusal::NoSuchMessage)?;
    // ...and only in a thread the public sees.
    open_thread(state.thread.as_ref(), state.account.as_ref()).map_err(|closed| match closed {
        ClosedThread::NotFound => CorrectionRefusal::NoSuchMessage,
        ClosedThread::Hidden => CorrectionRefusal::ThreadHidden,
    })?;
    if message.author_id == gate.account_id {
        return Err(CorrectionRefusal::OwnMessage);
    }
    let current_text = match (&message.kind, &message.text) {
        (MessageKind::Text, Some(text)) => text,
        _ => return Err(CorrectionRefusal::Voice),
    };
    let original_text = if new.revision == message.revision {
        current_text.clone()
    } else {
        state
            .revision
            .filter(|r| r.number == new.revision && r.message_id == message.id)
            .map(|r| r.text)
            .ok_or(CorrectionRefusal::NoSuchRevision {
                current: message.revision,
            })?
    };
    if original_text == new.corrected_text {
        return Err(CorrectionRefusal::Unchanged);
    }
    let correction = Correction {
        id: CorrectionId::new(),
        message_id: message.id.clone(),
        revision: new.revision,
        author_id: gate.account_id.clone(),
        corrected_text: new.corrected_text.clone(),
        note: new.note.clone(),
        original_text,
        created_at: Timestamp::at(now),
        edits: 0,
        edited_at: None,
        status: MessageStatus::Visible,
        moderation: None,
        complaint_round: 0,
        open_complaints: 0,
        counted_complaints: 0,
    };
    let change = BalanceChange {
        account_id: gate.account_id.clone(),
        delta: -cost,
        kind: LedgerKind::Spend,
        reference: correction.id.to_string(),
        reason: None,
    };
    let ledger = change_balance(
        &change,
        Seen::Read(state.account),
        Some(gate),
        Knowing::Blind,
        now,
    )
    .map_err(|refusal| match refusal {
        BalanceRefusal::Gate(refusal) => CorrectionRefusal::Gate(refusal),
        BalanceRefusal::NoAccount => CorrectionRefusal::Gate(Refusal::Unauthenticated),
        BalanceRefusal::Insufficient { available } => CorrectionRefusal::Insufficient {
            required: cost,
            available,
        },
    })?;
    Ok(CorrectionPlan {
        correction,
        ledger,
        thread_seen: MessageStatus::Visible,
    })
}

/// What an edit of a correction says: the new corrected text, and its note kept,
/// replaced or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionEdit {
    pub corrected_text: MessageText,
    pub note: NoteChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteChange {
    Keep,
    Set(CorrectionNote),
    Remove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrectionEditRefusal {
    Gate(Refusal),
    /// No such correction of this message.
    NoSuchCorrection,
    /// Only its author edits a correction.
    NotAuthor,
    /// The corrected text is the text it corrects.
    Unchanged,
    /// Edited [`MAX_REVISIONS`] times already.
    TooManyEdits,
    /// Edited by another request since it was read: nothing was written.
    Changed,
}

/// What an edit of a correction is decided on: the correction and the caller's
/// account, read together.
#[derive(Debug, Clone)]
pub struct CorrectionEditState {
    pub correction: Option<Correction>,
    pub account: Option<Account>,
}

/// An edit: the correction as read (its `edits` is the condition) and as edited, and
/// the version it replaces, kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionEditPlan {
    pub seen_edits: u32,
    pub edited: Correction,
    pub revision: CorrectionRevision,
}

/// The author replaces the text (and the note, as `edit` says) of their correction; the
/// diff stays against the text it corrects, and what it replaces is kept. Free.
pub fn edit_correction(
    gate: &Gate,
    state: CorrectionEditState,
    edit: &CorrectionEdit,
    now: OffsetDateTime,
) -> Result<CorrectionEditPlan, CorrectionEditRefusal> {
    gate.admit(state.account.as_ref(), now)
        .map_err(CorrectionEditRefusal::Gate)?;
    let correction = state
        .correction
        .ok_or(CorrectionEditRefusal::NoSuchCorrection)?;
    if correction.author_id != gate.account_id {
        return Err(CorrectionEditRefusal::NotAuthor);
    }
    if correction.edits >= MAX_REVISIONS {
        return Err(CorrectionEditRefusal::TooManyEdits);
    }
    if edit.corrected_text == correction.original_text {
        return Err(CorrectionEditRefusal::Unchanged);
    }
    let revision = CorrectionRevision {
        correction_id: correction.id.clone(),
        message_id: correction.message_id.clone(),
        author_id: correction.author_id.clone(),
        number: correction.edits,
        corrected_text: correction.corrected_text.clone(),
        note: correction.note.clone(),
        written_at: correction.edited_at.unwrap_or(correction.created_at),
        replaced_at: Timestamp::at(now),
    };
    let note = match &edit.note {
        NoteChange::Keep => correction.note.clone(),
        NoteChange::Set(note) => Some(note.clone()),
        NoteChange::Remove => None,
    };
    let edited = Correction {
        corrected_text: edit.corrected_text.clone(),
        note,
        edits: correction.edits + 1,
        edited_at: Some(Timestamp::at(now)),
        ..correction.clone()
    };
    Ok(CorrectionEditPlan {
        seen_edits: correction.edits,
        edited,
        revision,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContentRules;
    use crate::domain::decide::tests::{account, gate_of, thread_of};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2027-01-10 12:00 UTC);

    fn text(raw: &str) -> MessageText {
        MessageText::parse(raw, &ContentRules::default()).unwrap()
    }

    fn message_by(author: &Account, raw: &str) -> Message {
        Message {
            text: Some(text(raw)),
            ..super::super::tests::message_by(author)
        }
    }

    fn new(message: &Message, revision: u32, corrected: &str) -> NewCorrection {
        NewCorrection {
            message_id: message.id.clone(),
            revision,
            corrected_text: text(corrected),
            note: None,
        }
    }

    #[test]
    fn a_reader_corrects_a_revision_of_someone_elses_text_and_pays_for_it() {
        let mut corrector = account(&[]);
        corrector.balance_credits = 5;
        let author = account(&[]);
        let mut message = message_by(&author, "Ich habe gegangen.");
        message.revision = 1;
        let earlier = Revision {
            message_id: message.id.clone(),
            number: 0,
            text: text("Ich habe gegehen."),
            created_at: message.created_at,
            replaced_at: message.created_at,
        };
        let gate = gate_of(&corrector);
        for (revision, stored, corrects) in [
            (1, None, "Ich habe gegangen."),
            (0, Some(earlier.clone()), "Ich habe gegehen."),
        ] {
            let state = CorrectionState {
                message: Some(message.clone()),
                thread: Some(thread_of(&author, &message)),
                account: Some(corrector.clone()),
                revision: stored,
            };
            let plan = correct(
                &gate,
                state,
                &new(&message, revision, "Ich bin gegangen."),
                1,
                NOW,
            )
            .unwrap();
            assert_eq!(plan.correction.original_text.as_ref(), corrects);
            assert_eq!(plan.correction.revision, revision);
            assert_eq!(plan.ledger.entry.credits, -1);
            assert_eq!(plan.ledger.entry.reference, plan.correction.id.to_string());
        }
    }

    #[test]
    fn what_cannot_be_corrected_is_refused() {
        let mut corrector = account(&[]);
        corrector.balance_credits = 5;
        let author = account(&[]);
        let gate = gate_of(&corrector);
        let theirs = message_by(&author, "Ich habe gegangen.");
        let mine = message_by(&corrector, "Ich habe gegangen.");
        let mut voice = theirs.clone();
        voice.kind = MessageKind::Voice;
        voice.text = None;
        let mut hidden = theirs.clone();
        hidden.status = crate::domain::MessageStatus::Hidden;
        let mut poor = corrector.clone();
        poor.balance_credits = 0;
        let cases: Vec<(
            &str,
            Option<Message>,
            Account,
            NewCorrection,
            CorrectionRefusal,
        )> = vec![
            (
                "no message",
                None,
                corrector.clone(),
                new(&theirs, 0, "Ich bin gegangen."),
                CorrectionRefusal::NoSuchMessage,
            ),
            (
                "a hidden message",
                Some(hidden.clone()),
                corrector.clone(),
                new(&hidden, 0, "Ich bin gegangen."),
                CorrectionRefusal::NoSuchMessage,
            ),
            (
                "one's own",
                Some(mine.clone()),
                corrector.clone(),
                new(&mine, 0, "Ich bin gegangen."),
                CorrectionRefusal::OwnMessage,
            ),
            (
                "a recording",
                Some(voice.clone()),
                corrector.clone(),
                new(&voice, 0, "Ich bin gegangen."),
                CorrectionRefusal::Voice,
            ),
            (
                "a revision that does not exist",
                Some(theirs.clone()),
                corrector.clone(),
                new(&theirs, 3, "Ich bin gegangen."),
                CorrectionRefusal::NoSuchRevision { current: 0 },
            ),
            (
                "the same text",
                Some(theirs.clone()),
                corrector.clone(),
                new(&theirs, 0, "Ich habe gegangen."),
                CorrectionRefusal::Unchanged,
            ),
            (
                "too poor",
                Some(theirs.clone()),
                poor,
                new(&theirs, 0, "Ich bin gegangen."),
                CorrectionRefusal::Insufficient {
                    required: 1,
                    available: 0,
                },
            ),
        ];
        for (why, message, account, input, expected) in cases {
            let state = CorrectionState {
                thread: message.as_ref().map(|m| thread_of(&author, m)),
                message,
                account: Some(account),
                revision: None,
            };
            assert_eq!(
                correct(&gate, state, &input, 1, NOW),
                Err(expected),
                "{why}"
            );
        }
    }

    #[test]
    fn nothing_is_corrected_in_a_hidden_or_removed_thread() {
        let mut corrector = account(&[]);
        corrector.balance_credits = 5;
        let author = account(&[]);
        let mut moderator = account(&[crate::domain::Role::Moderator]);
        moderator.balance_credits = 5;
        let message = message_by(&author, "Ich habe gegangen.");
        let input = new(&message, 0, "Ich bin gegangen.");
        let decide = |account: &Account, status: MessageStatus, thread_author: &Account| {
            let state = CorrectionState {
                message: Some(message.clone()),
                thread: Some(Thread {
                    status,
                    ..thread_of(thread_author, &message)
                }),
                account: Some(account.clone()),
                revision: None,
            };
            correct(&gate_of(account), state, &input, 1, NOW)
        };
        let plan = decide(&corrector, MessageStatus::Visible, &author).unwrap();
        assert_eq!(
            plan.thread_seen,
            MessageStatus::Visible,
            "the commit's condition"
        );
        for status in [MessageStatus::Hidden, MessageStatus::Removed] {
            // whoever does not see the thread finds no message to correct
            assert_eq!(
                decide(&corrector, status, &author).err(),
                Some(CorrectionRefusal::NoSuchMessage),
                "{status:?}"
            );
            // the thread's author and moderators see it, and are told why
            assert_eq!(
                decide(&corrector, status, &corrector).err(),
                Some(CorrectionRefusal::ThreadHidden),
                "{status:?}, the thread's author"
            );
            assert_eq!(
                decide(&moderator, status, &author).err(),
                Some(CorrectionRefusal::ThreadHidden),
                "{status:?}, a moderator"
            );
        }
        let state = CorrectionState {
            message: Some(message.clone()),
            thread: None,
            account: Some(corrector.clone()),
            revision: None,
        };
        assert_eq!(
            correct(&gate_of(&corrector), state, &input, 1, NOW).err(),
            Some(CorrectionRefusal::NoSuchMessage),
            "no thread read"
        );
    }

    #[test]
    fn its_author_edits_a_correction_keeping_what_it_replaces_and_the_text_it_corrects() {
        let corrector = account(&[]);
        let author = account(&[]);
        let message = message_by(&author, "Ich habe gegangen.");
        let mut made = {
            let mut rich = corrector.clone();
            rich.balance_credits = 5;
            let state = CorrectionState {
                message: Some(message.clone()),
                thread: Some(thread_of(&author, &message)),
                account: Some(rich.clone()),
                revision: None,
            };
            correct(
                &gate_of(&rich),
                state,
                &new(&message, 0, "Ich bin gegangen."),
                1,
                NOW,
            )
            .unwrap()
            .correction
        };
        made.note = Some(CorrectionNote::parse("sein", &ContentRules::default()).unwrap());
        let later = NOW + time::Duration::hours(1);
        let state = |correction: Option<Correction>, account: &Account| CorrectionEditState {
            correction,
            account: Some(account.clone()),
        };
        let edit = |raw: &str, note: NoteChange| CorrectionEdit {
            corrected_text: text(raw),
            note,
        };
        // (edit, the note after it)
        for (note, after) in [
            (NoteChange::Keep, Some("sein")),
            (
                NoteChange::Set(
                    CorrectionNote::parse("Perfekt", &ContentRules::default()).unwrap(),
                ),
                Some("Perfekt"),
            ),
            (NoteChange::Remove, None),
        ] {
            let plan = edit_correction(
                &gate_of(&corrector),
                state(Some(made.clone()), &corrector),
                &edit("Ich bin gestern gegangen.", note),
                later,
            )
            .unwrap();
            assert_eq!(plan.seen_edits, 0);
            assert_eq!(plan.edited.edits, 1);
            assert_eq!(plan.edited.edited_at, Some(Timestamp::at(later)));
            assert_eq!(plan.edited.note.as_ref().map(AsRef::as_ref), after);
            assert_eq!(plan.edited.original_text, made.original_text);
            assert_eq!(plan.edited.revision, made.revision);
            assert_eq!(
                plan.edited.diff(),
                crate::domain::word_diff("Ich habe gegangen.", "Ich bin gestern gegangen.")
            );
            assert_eq!(plan.revision.number, 0);
            assert_eq!(plan.revision.corrected_text, made.corrected_text);
            assert_eq!(plan.revision.note, made.note);
            assert_eq!(plan.revision.written_at, made.created_at);
            assert_eq!(plan.revision.replaced_at, Timestamp::at(later));
        }

        let mut worn = made.clone();
        worn.edits = MAX_REVISIONS;
        let cases: Vec<(
            &str,
            Option<Correction>,
            &Account,
            &str,
            CorrectionEditRefusal,
        )> = vec![
            (
                "no correction",
                None,
                &corrector,
                "Ich bin gegangen!",
                CorrectionEditRefusal::NoSuchCorrection,
            ),
            (
                "someone else's",
                Some(made.clone()),
                &author,
                "Ich bin gegangen!",
                CorrectionEditRefusal::NotAuthor,
            ),
            (
                "back to the text it corrects",
                Some(made.clone()),
                &corrector,
                "Ich habe gegangen.",
                CorrectionEditRefusal::Unchanged,
            ),
            (
                "edited too often",
                Some(worn),
                &corrector,
                "Ich bin gegangen!",
                CorrectionEditRefusal::TooManyEdits,
            ),
        ];
        for (name, correction, who, raw, refusal) in cases {
            assert_eq!(
                edit_correction(
                    &gate_of(who),
                    state(correction, who),
                    &edit(raw, NoteChange::Keep),
                    later
                ),
                Err(refusal),
                "{name}"
            );
        }
    }
}
