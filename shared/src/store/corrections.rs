//! Corrections: a correction, its message's count and its payment are one transaction
//! (decided in [`crate::domain::decide::corrections`]); reading a message's corrections.

use time::OffsetDateTime;

use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, put_new, update};
use super::{Failure, Remembered, Store, StoreError, indexed, key_item, keys, n, s, to_item};
use crate::domain::decide::corrections::{
    self, CorrectionPlan, CorrectionRefusal, CorrectionState, NewCorrection,
};
use crate::domain::idempotency::StoredAnswer;
use crate::domain::{Correction, MessageId};
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
    /// The caller corrects a text of someone's message and pays `cost`: the message and
    /// the account read together (and the earlier text when an earlier revision is
    /// named), then one transaction: the correction, the message's count (on condition
    /// that it is still visible), the debit and its ledger entry.
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
                .part(CorrectionPart::Other, balance)
                .part(CorrectionPart::Other, entry)
                .commit(self)
                .await;
            match result {
                Ok(()) => Ok(plan),
                Err(error) if error.refused(CorrectionPart::Idempotency) => {
                    Err(Attempt::Refused(CorrectionRefusal::KeyUsed))
                }
                // The message was hidden meanwhile, the account may no longer act or
                // another payment went first: read and decide again.
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
        let (message, account) = self
            .message_and_account(&new.message_id, &caller.account_id)
            .await?;
        let mut state = CorrectionState {
            message,
            account,
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

    /// A message's corrections, oldest first.
    pub async fn corrections(&self, message_id: &MessageId) -> Result<Vec<Correction>, StoreError> {
        self.under_message(message_id, keys::corrections_prefix(message_id))
            .await
    }
}
