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

use lambda_http::RequestExt;
use natives_shared::http::{ApiError, Pagination};

/// `?limit=&cursor=` of a list route.
fn pagination(request: &lambda_http::Request) -> Result<Pagination, ApiError> {
    let parameters = request
        .query_string_parameters()
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Pagination::parse(&parameters)
}
