//! Moderation: complaints, the review queue, decisions on messages, account blocks,
//! roles and the audit log of every staff action.

pub mod act_on_message;
pub mod block_account;
pub mod file_complaint;
pub mod list_audit;
pub mod list_my_complaints;
pub mod review_queue;
pub mod set_roles;
pub mod unblock_account;
mod views;

use natives_shared::clock::rfc3339;
use natives_shared::domain::{AccountId, AuditEntryId};
use natives_shared::gate::Caller;
use natives_shared::store::AuditEntry;
use time::OffsetDateTime;

/// The audit entry of a staff action by `caller` on `target` (about `account`).
fn audit(
    caller: &Caller,
    action: &str,
    target: String,
    account: Option<&AccountId>,
    reason: String,
    now: OffsetDateTime,
) -> AuditEntry {
    AuditEntry {
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone(),
        action: action.into(),
        target,
        target_account_id: account.cloned(),
        reason,
        created_at: rfc3339::format(now),
    }
}
