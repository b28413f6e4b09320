//! What reporters and moderators see.

use std::collections::HashMap;

use natives_shared::domain::decide::moderation::ActionPlan;
use natives_shared::domain::{
    Account, AccountId, AccountStatus, AuditEntry, Author, Complaint, ComplaintOutcome,
    ComplaintReason, ComplaintTarget, MessageStatus, ModerationNote, ModerationRecord, Role,
    TargetKind, Timestamp, Viewer,
};
use natives_shared::store::ReviewItem;
use serde::Serialize;

use crate::conversations::views::{CorrectionView, MessageView};
pub use crate::views::Page;

/// What a complaint or a decision is about: its kind, the message, and the correction
/// for a correction (a thread's title is named by the record's `thread_id` alone).
#[derive(Serialize)]
pub struct TargetView<'a> {
    kind: TargetKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction_id: Option<&'a str>,
}

impl<'a> From<&'a ComplaintTarget> for TargetView<'a> {
    fn from(target: &'a ComplaintTarget) -> Self {
        Self {
            kind: target.kind(),
            message_id: target.message_id().map(ToString::to_string),
            correction_id: target.correction_id().map(|c| c.as_str()),
        }
    }
}

/// A complaint as its reporter follows it.
#[derive(Serialize)]
pub struct ComplaintView<'a> {
    id: &'a str,
    #[serde(flatten)]
    target: TargetView<'a>,
    thread_id: &'a str,
    reason: ComplaintReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    revision: u32,
    /// `open` until a moderator decides, then `settled`.
    status: &'static str,
    /// What became of it: `hidden`, `restored`, `removed` or `dismissed`.
    outcome: Option<&'a str>,
    created_at: Timestamp,
    decided_at: Option<Timestamp>,
}

impl<'a> ComplaintView<'a> {
    pub fn new(complaint: &'a Complaint, outcome: Option<&'a ComplaintOutcome>) -> Self {
        Self {
            id: &complaint.id,
            target: TargetView::from(&complaint.target),
            thread_id: complaint.target.thread_id().as_str(),
            reason: complaint.reason,
            comment: complaint.comment.as_deref(),
            revision: complaint.revision,
            status: if outcome.is_some() { "settled" } else { "open" },
            outcome: outcome.map(|o| o.outcome.as_str()),
            created_at: complaint.created_at,
            decided_at: outcome.map(|o| o.decided_at),
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
    created_at: Timestamp,
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
            created_at: c.created_at,
        }
    }
}

/// Queued content as a moderator reviews it: a message, or a correction with the
/// message it corrects.
#[derive(Serialize)]
pub struct ReviewEntryView<'a> {
    #[serde(flatten)]
    target: TargetView<'a>,
    thread_id: &'a str,
    open_complaints: u32,
    first_complaint_at: Timestamp,
    message: Option<MessageView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<CorrectionView<'a>>,
    /// A reported thread as it is now: its title and where it stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    thread: Option<ThreadReviewView<'a>>,
    complaints: Vec<ReportView<'a>>,
    author: Option<AuthorRecord<'a>>,
}

/// A reported message's author, with their history on the receiving end of moderation.
#[derive(Serialize)]
struct AuthorRecord<'a> {
    id: &'a str,
    display_name: &'a str,
    status: AccountStatus,
    moderation_record: ModerationRecord,
}

impl<'a> ReviewEntryView<'a> {
    pub fn new(
        item: &'a ReviewItem,
        authors: &'a HashMap<AccountId, Author>,
        moderator: &Viewer,
    ) -> Self {
        let entry = &item.entry;
        Self {
            target: TargetView::from(&entry.target),
            thread_id: entry.thread_id.as_str(),
            open_complaints: entry.open_complaints,
            first_complaint_at: entry.first_complaint_at,
            // A correction shows its diff against the text it corrects: the message
            // itself is the message's own business.
            message: item
                .message
                .as_ref()
                .filter(|_| item.correction.is_none())
                .map(|m| MessageView::new(m, authors, Some(moderator))),
            correction: item
                .correction
                .as_ref()
                .map(|c| CorrectionView::new(c, authors, Some(moderator))),
            thread: item.thread.as_ref().map(|t| ThreadReviewView {
                title: t.title.as_ref(),
                language: t.language.as_ref(),
                status: t.status,
                moderation: t.moderation.as_ref(),
            }),
            complaints: entry.complaints.iter().map(ReportView::from).collect(),
            author: item.author.as_ref().map(|a| AuthorRecord {
                id: a.id.as_str(),
                display_name: a.display_name.as_ref(),
                status: a.status,
                moderation_record: a.moderation_record,
            }),
        }
    }
}

/// A reported thread as a moderator reviews it.
#[derive(Serialize)]
struct ThreadReviewView<'a> {
    title: &'a str,
    language: &'a str,
    status: MessageStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<&'a ModerationNote>,
}

/// A moderator's decision as it was taken.
#[derive(Serialize)]
pub struct DecisionView<'a> {
    #[serde(flatten)]
    target: TargetView<'a>,
    thread_id: &'a str,
    status: MessageStatus,
    moderation: Option<&'a ModerationNote>,
    settled_complaints: u32,
}

impl<'a> From<&'a ActionPlan> for DecisionView<'a> {
    fn from(plan: &'a ActionPlan) -> Self {
        Self {
            target: TargetView::from(&plan.decided.target),
            thread_id: plan.decided.target.thread_id().as_str(),
            status: plan.decided.state.status,
            moderation: plan.decided.state.moderation.as_ref(),
            settled_complaints: plan.settled,
        }
    }
}

/// A blocked account, and why.
#[derive(Serialize)]
pub struct BlockView<'a> {
    account_id: &'a str,
    status: AccountStatus,
    blocked_until: Option<Timestamp>,
    reason: &'a str,
}

impl<'a> BlockView<'a> {
    pub fn new(account: &'a Account, reason: &'a str) -> Self {
        Self {
            account_id: account.id.as_str(),
            status: account.status,
            blocked_until: account.blocked_until,
            reason,
        }
    }
}

/// An account's roles, as set.
#[derive(Serialize)]
pub struct RolesView<'a> {
    account_id: &'a str,
    roles: &'a [Role],
}

impl<'a> From<&'a Account> for RolesView<'a> {
    fn from(account: &'a Account) -> Self {
        Self {
            account_id: account.id.as_str(),
            roles: &account.roles,
        }
    }
}

#[derive(Serialize)]
pub struct AuditView<'a> {
    id: &'a str,
    actor_id: String,
    action: &'a str,
    target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_account_id: Option<&'a str>,
    reason: &'a str,
    created_at: Timestamp,
}

impl<'a> From<&'a AuditEntry> for AuditView<'a> {
    fn from(e: &'a AuditEntry) -> Self {
        Self {
            id: e.id.as_str(),
            actor_id: e.actor_id.to_string(),
            action: &e.action,
            target: &e.target,
            target_account_id: e.target_account_id.as_ref().map(|a| a.as_str()),
            reason: &e.reason,
            created_at: e.created_at,
        }
    }
}
