//! Correcting someone's message as decisions: who may correct which text, what it
//! costs, and the correction, the message's count and the payment it commits together.

use time::OffsetDateTime;

use super::Seen;
use super::credits::{BalanceChange, BalanceRefusal, Knowing, LedgerPlan, change_balance};
use crate::domain::{
    Account, Correction, CorrectionId, CorrectionNote, LedgerKind, Message, MessageId, MessageKind,
    MessageStatus, MessageText, Revision, Timestamp,
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
    /// No such message, or one the public does not see.
    NoSuchMessage,
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

/// What a correction is decided on: the message and the caller's account, read
/// together, and the earlier text of the message when the revision named is not its
/// current one (`None` when there is none such).
#[derive(Debug, Clone)]
pub struct CorrectionState {
    pub message: Option<Message>,
    pub account: Option<Account>,
    pub revision: Option<Revision>,
}

/// A correction and its payment, committed together with the message's count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionPlan {
    pub correction: Correction,
    pub ledger: LedgerPlan,
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
    Ok(CorrectionPlan { correction, ledger })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContentRules;
    use crate::domain::decide::tests::{account, gate_of};
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
}
