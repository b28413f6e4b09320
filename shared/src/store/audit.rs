use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use super::transaction::put_new;
use super::{indexed, keys, to_item};
use crate::domain::{AccountId, AuditEntryId};

/// Who did what to which target, why and when: every moderation and admin action.
/// Append-only: written once, with the change it records, and never updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub actor_id: AccountId,
    pub action: String,
    /// What was acted on, e.g. `account:<id>` or `tariff:<id>`.
    pub target: String,
    /// The account acted on, when the target is one (or belongs to one): the entry is
    /// found under it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_account_id: Option<AccountId>,
    pub reason: String,
    pub created_at: String,
}

impl AuditEntry {
    /// The entry as one write of the transaction that makes the change it records.
    pub(crate) fn put(&self, table: &str) -> TransactWriteItem {
        let mut item = to_item(self, keys::audit_entry(&self.created_at, &self.id));
        if let Some(account_id) = &self.target_account_id {
            item = indexed(
                item,
                keys::audit_by_target_index(account_id, &self.created_at, &self.id),
            );
        }
        put_new(table, item)
    }
}
