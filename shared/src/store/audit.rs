use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use super::{keys, put_if_absent, to_item};

/// Who did what to which target, why and when: every moderation and admin action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub actor_id: String,
    pub action: String,
    pub target: String,
    pub reason: String,
    pub created_at: String,
}

impl AuditEntry {
    /// The entry as one write of the transaction that makes the change it records.
    pub(crate) fn put(&self, table: &str) -> TransactWriteItem {
        put_if_absent(
            table,
            to_item(self, keys::audit_entry(&self.created_at, &self.id)),
        )
    }
}
