//! Marking a removed message's recording destroyed, with its audit entry, in one
//! transaction (the archive's deletion follows, in `archive`).

use time::OffsetDateTime;

use super::account_writes::account_part;
use super::audit::audit_put;
use super::expr::Condition;
use super::retry::{Attempt, retrying};
use super::transaction::{Transaction, update};
use super::{Failure, Store, key_item, keys, value};
use crate::domain::decide::recording_destruction::{
    DestructionPlan, DestructionRefusal, DestructionState, destroy_recording,
};
use crate::domain::{LegalBasis, MessageId, MessageStatus, StaffReason};
use crate::gate::Gate;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Destroying {
    Message,
    Audit,
    Admin,
}

impl Store {
    /// Decides about destroying `message_id`'s recording and, the first time, marks it
    /// destroyed with its audit entry; the plan names the archive object to delete.
    pub async fn destroy_recording(
        &self,
        admin: &Gate,
        message_id: &MessageId,
        legal_basis: LegalBasis,
        reason: &StaffReason,
        now: OffsetDateTime,
    ) -> Result<DestructionPlan, Failure<DestructionRefusal>> {
        retrying(move |_| async move {
            let (message, account) = self
                .message_and_account(message_id, &admin.account_id)
                .await?;
            let state = DestructionState {
                message,
                admin: account,
            };
            let plan = destroy_recording(admin, state, legal_basis, reason, now)
                .map_err(Attempt::Refused)?;
            let Some(marking) = &plan.marking else {
                return Ok(plan);
            };
            // Still removed, still a recording, not yet marked: as read.
            let mark = update(
                &self.table,
                key_item(&keys::message(&plan.message_id)),
                "SET voice.destroyed_at = :at",
                Condition::new("#status = :removed")
                    .and("attribute_exists(voice)")
                    .and("attribute_not_exists(voice.destroyed_at)")
                    .name("#status", "status")
                    .value(":removed", value(&MessageStatus::Removed))
                    .value(":at", value(&plan.destroyed_at)),
            );
            Transaction::new()
                .part(Destroying::Message, mark)
                .part(Destroying::Audit, audit_put(&self.table, &marking.audit))
                .part(
                    Destroying::Admin,
                    account_part(&self.table, &marking.admin, now),
                )
                .commit(self)
                .await?;
            Ok(plan)
        })
        .await
    }
}
