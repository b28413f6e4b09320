//! What reporters and moderators see.

use natives_shared::domain::{Complaint, ComplaintOutcome, ComplaintReason};
use natives_shared::store::AuditEntry;
use serde::Serialize;

/// A complaint as its reporter follows it.
#[derive(Serialize)]
pub struct ComplaintView<'a> {
    id: &'a str,
    message_id: String,
    reason: ComplaintReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    revision: u32,
    /// `open` until a moderator decides, then `settled`.
    status: &'static str,
    /// What became of it: `hidden`, `restored`, `removed` or `dismissed`.
    outcome: Option<&'a str>,
    created_at: &'a str,
    decided_at: Option<&'a str>,
}

impl<'a> ComplaintView<'a> {
    pub fn new(complaint: &'a Complaint, outcome: Option<&'a ComplaintOutcome>) -> Self {
        Self {
            id: &complaint.id,
            message_id: complaint.message_id.to_string(),
            reason: complaint.reason,
            comment: complaint.comment.as_deref(),
            revision: complaint.revision,
            status: if outcome.is_some() { "settled" } else { "open" },
            outcome: outcome.map(|o| o.outcome.as_str()),
            created_at: &complaint.created_at,
            decided_at: outcome.map(|o| o.decided_at.as_str()),
        }
    }
}

/// A complaint as a moderator reviews it: what exactly was reported, and by whom.
#[derive(Serialize)]
pub struct ReportView<'a> {
    reporter_id: &'a str,
    reason: ComplaintReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    revision: u32,
    reported_text: &'a str,
    counted: bool,
    created_at: &'a str,
}

impl<'a> From<&'a Complaint> for ReportView<'a> {
    fn from(c: &'a Complaint) -> Self {
        Self {
            reporter_id: c.reporter_id.as_str(),
            reason: c.reason,
            comment: c.comment.as_deref(),
            revision: c.revision,
            reported_text: &c.reported_text,
            counted: c.counted,
            created_at: &c.created_at,
        }
    }
}

#[derive(Serialize)]
pub struct AuditView<'a> {
    id: &'a str,
    actor_id: &'a str,
    action: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_account_id: Option<&'a str>,
    reason: &'a str,
    created_at: &'a str,
}

impl<'a> From<&'a AuditEntry> for AuditView<'a> {
    fn from(e: &'a AuditEntry) -> Self {
        Self {
            id: e.id.as_str(),
            actor_id: e.actor_id.as_str(),
            action: &e.action,
            target: &e.target,
            target_account_id: e.target_account_id.as_ref().map(|a| a.as_str()),
            reason: &e.reason,
            created_at: &e.created_at,
        }
    }
}
