//! Corrections: a correction, its message's count and its payment are one transaction
//! (decided in [`crate::domain::decide::corrections`]); reading a message's corrections.

use time::OffsetDateTime;

use super::account_writes::account_part;
use super::conversations::status_as_read;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, check, put_new, update};
use super::{
    Failure, Remembered, Store, StoreError, from_item, indexed, key_item, keys, n, s, to_item,
    value,
};
use crate::domain::decide::corrections::{
    self, CorrectionEdit, CorrectionEditPlan, CorrectionEditRefusal, CorrectionEditState,
    CorrectionPlan, CorrectionRefusal, CorrectionState, NewCorrection,
};
use crate::domain::idempotency::StoredAnswer;
use crate::domain::{AccountWrite, Correction, CorrectionId, CorrectionRevision, MessageId};
use crate::gate::Gate;

/// How a correction under an idempotency key renders the answer to remember.
pub type CorrectionAnswer<'a> = Remembered<'a, dyn Fn(&Correction) -> StoredAnswer + Sync + 'a>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum CorrectionPart {
    Idempotency,
    Message,
    Other,
}

impl Store {
    /// The caller corrects a text of someone's message and pays `cost`: the message, its
    /// thread and the account read together (and the earlier text when an earlier
    /// revision is named), then one transaction: the correction, the message's count (on
    /// condition that it is still visible), a check that the thread's status is as read,
    /// the debit and its ledger entry.
    pub async fn correct_message(
        &self,
        caller: &Gate,
        new: &NewCorrection,
        cost: i64,
        remember: Option<&CorrectionAnswer<'_>>,
        now: OffsetDateTime,
    ) -> Result<CorrectionPlan, Failure<CorrectionRefusal>> {
        retrying(move |_| async move {
            let state = self.correction_state(caller, new).await?;
            let plan =
                corrections::correct(caller, state, new, cost, now).map_err(Attempt::Refused)?;
            let correction = &plan.correction;
            let item = indexed(
                to_item(
                    correction,
                    keys::correction(&correction.message_id, &correction.id),
                ),
                keys::correction_by_author_index(&correction.author_id, &correction.id),
            );
            let mut transaction = Transaction::new();
            if let Some(remember) = remember {
                transaction = transaction.part(
                    CorrectionPart::Idempotency,
                    self.idempotency_record(remember.request, (remember.answer)(correction), now),
                );
            }
            let [balance, entry] = self.ledger_parts(&plan.ledger, now);
            let result = transaction
                .part(CorrectionPart::Other, put_new(&self.table, item))
                .part(
                    CorrectionPart::Message,
                    update(
                        &self.table,
                        key_item(&keys::message(&correction.message_id)),
                        "SET corrections_count = if_not_exists(corrections_count, :zero) + :one",
                        Condition::new("attribute_exists(pk)")
                            .and("#status = :visible")
                            .name("#status", "status")
                            .value(":visible", s("visible"))
                            .value(":zero", n(0))
                            .value(":one", n(1)),
                    ),
                )
                .part(
                    CorrectionPart::Other,
                    check(
                        &self.table,
                        key_item(&keys::thread(correction.message_id.thread())),
                        Condition::new("attribute_exists(pk)")
                            .and_all(status_as_read(plan.thread_seen)),
                    ),
                )
                .part(CorrectionPart::Other, balance)
                .part(CorrectionPart::Other, entry)
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                Err(error) if error.refused(CorrectionPart::Idempotency) => {
                    Err(Attempt::Refused(CorrectionRefusal::KeyUsed))
                }
                // The message or its thread was hidden meanwhile, the account may no
                // longer act or another payment went first: read and decide again.
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    async fn correction_state(
        &self,
        caller: &Gate,
        new: &NewCorrection,
    ) -> Result<CorrectionState, StoreError> {
        let [message, thread, account] = self
            .get_together([
                keys::message(&new.message_id),
                keys::thread(new.message_id.thread()),
                keys::account(&caller.account_id),
            ])
            .await?;
        let mut state = CorrectionState {
            message: message.map(from_item).transpose()?,
            thread: thread.map(from_item).transpose()?,
            account: account.map(from_item).transpose()?,
            revision: None,
        };
        let earlier = state
            .message
            .as_ref()
            .is_some_and(|m| new.revision < m.revision);
        if earlier {
            state.revision = self
                .get_as(keys::revision(&new.message_id, new.revision))
                .await?;
        }
        Ok(state)
    }

    /// Its author edits a correction ([`corrections::edit_correction`]): the correction
    /// and the account read together, then one transaction: the correction rewritten on
    /// condition that it is as read, the version it replaces kept, the gate's check.
    pub async fn edit_correction(
        &self,
        caller: &Gate,
        message_id: &MessageId,
        correction_id: &CorrectionId,
        edit: &CorrectionEdit,
        now: OffsetDateTime,
    ) -> Result<CorrectionEditPlan, Failure<CorrectionEditRefusal>> {
        let first_seen = &std::sync::OnceLock::new();
        retrying(move |_| async move {
            let correction_key = keys::correction(message_id, correction_id);
            let (correction, account) = self
                .get_two(correction_key.clone(), keys::account(&caller.account_id))
                .await?;
            let state = CorrectionEditState {
                correction: correction.map(from_item).transpose()?,
                account: account.map(from_item).transpose()?,
            };
            let plan =
                corrections::edit_correction(caller, state, edit, now).map_err(Attempt::Refused)?;
            // A later attempt must find what the first one was decided on.
            if *first_seen.get_or_init(|| plan.seen_edits) != plan.seen_edits {
                return Err(Attempt::Refused(CorrectionEditRefusal::Changed));
            }
            let edited = &plan.edited;
            let revision = indexed(
                to_item(
                    &plan.revision,
                    keys::correction_revision(message_id, correction_id, plan.revision.number),
                ),
                keys::correction_revision_by_author_index(
                    &edited.author_id,
                    correction_id,
                    plan.revision.number,
                ),
            );
            let (note_update, note) = match &edited.note {
                Some(note) => (", note = :note", Some(value(note))),
                None => (" REMOVE note", None),
            };
            let mut condition = Condition::new("attribute_exists(pk)")
                .and("author_id = :author")
                .and("attribute_not_exists(edits) OR edits = :seen")
                .value(":author", s(caller.account_id.as_str()))
                .value(":seen", n(plan.seen_edits))
                .value(":text", value(&edited.corrected_text))
                .value(":edits", n(edited.edits))
                .value(":edited_at", s(edited.edited_at.expect("edited")));
            if let Some(note) = note {
                condition = condition.value(":note", note);
            }
            let expression = format!(
                "SET corrected_text = :text, edits = :edits, edited_at = :edited_at{note_update}"
            );
            let result = Transaction::new()
                .part(
                    CorrectionPart::Message,
                    update(
                        &self.table,
                        key_item(&correction_key),
                        &expression,
                        condition,
                    ),
                )
                .part(CorrectionPart::Other, put_new(&self.table, revision))
                .part(
                    CorrectionPart::Other,
                    account_part(&self.table, &AccountWrite::gate_check(caller), now),
                )
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                Err(error) if error.refused(CorrectionPart::Message) => {
                    Err(Attempt::Refused(CorrectionEditRefusal::Changed))
                }
                Err(error) => Err(error.into()),
            }
        })
        .await
    }

    /// A message's corrections, oldest first.
    pub async fn corrections(&self, message_id: &MessageId) -> Result<Vec<Correction>, StoreError> {
        self.under_message(message_id, keys::corrections_prefix(message_id))
            .await
    }

    /// One correction of a message, if there is such.
    pub async fn correction(
        &self,
        message_id: &MessageId,
        correction_id: &CorrectionId,
    ) -> Result<Option<Correction>, StoreError> {
        self.get_as(keys::correction(message_id, correction_id))
            .await
    }

    /// A correction's earlier versions, oldest first.
    pub async fn correction_revisions(
        &self,
        message_id: &MessageId,
        correction_id: &CorrectionId,
    ) -> Result<Vec<CorrectionRevision>, StoreError> {
        self.under_message(
            message_id,
            keys::correction_revisions_prefix(message_id, correction_id),
        )
        .await
    }
}
