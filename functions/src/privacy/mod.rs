//! Privacy rights: the terms and their acceptance, consents, the export, privacy
//! requests and their deadlines, erasure, notifications, breach notices, and the
//! outbox sender.

pub mod accept_terms;
pub mod complete_privacy_request;
pub mod create_breach_notice;
pub mod create_privacy_request;
pub mod erase_me;
pub mod export_me;
pub mod extend_privacy_request;
pub mod get_terms;
pub mod list_notifications;
pub mod list_privacy_request_queue;
pub mod list_privacy_requests;
pub mod put_consents;
pub mod send_outbox;
pub(crate) mod views;

use natives_shared::domain::PrivacyRequestId;
use natives_shared::domain::decide::privacy::RequestStep;
use natives_shared::http::{json, path_id};

use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};
use views::RequestView;

/// An admin's step on the request the path names: the request as it is after it.
async fn step(
    app: &App,
    request: &lambda_http::Request,
    admin: &Staff<Admin>,
    step: RequestStep,
) -> HandlerResult {
    let id: PrivacyRequestId = path_id(request, "request_id")?;
    let now = app.now();
    let changed = app
        .store
        .step_privacy_request(admin, &id, &step, now)
        .await?;
    Ok(json(200, &RequestView::for_admins(&changed, now)))
}
