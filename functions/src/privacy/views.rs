//! What clients see of privacy records.

use natives_shared::domain::{Notification, PrivacyRequest};
use serde_json::{Value, json};
use time::OffsetDateTime;

/// A privacy request as its owner sees it (`with_account`: as an admin sees it).
pub fn request_view(request: &PrivacyRequest, now: OffsetDateTime, with_account: bool) -> Value {
    let mut view = json!({
        "id": request.id,
        "kind": request.kind,
        "status": request.status,
        "details": request.details,
        "received_at": request.received_at,
        "due_at": request.due_at,
        "overdue": request.overdue(now),
        "extended_at": request.extended_at,
        "extension_reason": request.extension_reason,
        "completed_at": request.completed_at,
        "response": request.response,
    });
    if with_account {
        view["account_id"] = json!(request.account_id);
    }
    view
}

pub fn notification_view(notification: &Notification) -> Value {
    json!({
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "reference": notification.reference,
        "created_at": notification.created_at,
    })
}
