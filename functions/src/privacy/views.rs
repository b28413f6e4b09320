//! What clients see of privacy records.

use natives_shared::domain::{
    AccountId, Notification, NotificationKind, PrivacyRequest, PrivacyRequestId,
    PrivacyRequestKind, PrivacyRequestStatus, Timestamp,
};
use serde::Serialize;
use time::OffsetDateTime;

/// A privacy request as its owner sees it (with its account: as an admin sees it).
#[derive(Serialize)]
pub struct RequestView<'a> {
    id: &'a PrivacyRequestId,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a AccountId>,
    kind: PrivacyRequestKind,
    status: PrivacyRequestStatus,
    details: Option<&'a str>,
    received_at: Timestamp,
    due_at: Timestamp,
    overdue: bool,
    extended_at: Option<Timestamp>,
    extension_reason: Option<&'a str>,
    completed_at: Option<Timestamp>,
    response: Option<&'a str>,
}

impl<'a> RequestView<'a> {
    /// As its owner sees it.
    pub fn own(request: &'a PrivacyRequest, now: OffsetDateTime) -> Self {
        Self {
            id: &request.id,
            account_id: None,
            kind: request.kind,
            status: request.status,
            details: request.details.as_deref(),
            received_at: request.received_at,
            due_at: request.due_at,
            overdue: request.overdue(now),
            extended_at: request.extended_at,
            extension_reason: request.extension_reason.as_deref(),
            completed_at: request.completed_at,
            response: request.response.as_deref(),
        }
    }

    /// As an admin sees it: whose it is too.
    pub fn for_admins(request: &'a PrivacyRequest, now: OffsetDateTime) -> Self {
        Self {
            account_id: Some(&request.account_id),
            ..Self::own(request, now)
        }
    }
}

#[derive(Serialize)]
pub struct NotificationView<'a> {
    id: &'a str,
    kind: NotificationKind,
    title: &'a str,
    body: &'a str,
    reference: &'a str,
    created_at: Timestamp,
}

impl<'a> From<&'a Notification> for NotificationView<'a> {
    fn from(notification: &'a Notification) -> Self {
        Self {
            id: &notification.id,
            kind: notification.kind,
            title: &notification.title,
            body: &notification.body,
            reference: &notification.reference,
            created_at: notification.created_at,
        }
    }
}
