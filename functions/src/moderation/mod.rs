//! Moderation: complaints, the review queue, decisions on messages, corrections and
//! thread titles,
//! account blocks, roles and the audit log of every staff action.

pub mod act_on_correction;
pub mod act_on_message;
pub mod act_on_thread;
pub mod block_account;
pub mod destroy_recording;
pub mod file_complaint;
pub mod file_correction_complaint;
pub mod file_thread_complaint;
pub mod list_audit;
pub mod list_my_complaints;
pub mod review_queue;
pub mod set_roles;
pub mod unblock_account;
mod views;

use lambda_http::Request;
use natives_shared::http::{ApiError, Pagination, is_position};

/// `?limit=&cursor=` of the moderation lists, whose cursors are positions.
fn pagination(request: &Request) -> Result<Pagination, ApiError> {
    Pagination::from_request(request)?.with_cursor_from(is_position)
}
