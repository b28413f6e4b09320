//! The audit log's writes: an entry goes with the change it records, in its transaction.

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::transaction::put_new;
use super::{indexed, keys, to_item};
use crate::domain::AuditEntry;

/// `entry` as one write of the transaction that makes the change it records: under the
/// log, and found under the account it is about.
pub(crate) fn audit_put(table: &str, entry: &AuditEntry) -> TransactWriteItem {
    let mut item = to_item(entry, keys::audit_entry(entry.created_at, &entry.id));
    if let Some(account_id) = &entry.target_account_id {
        item = indexed(
            item,
            keys::audit_by_target_index(account_id, entry.created_at, &entry.id),
        );
    }
    put_new(table, item)
}
