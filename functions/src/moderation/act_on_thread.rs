//! `POST /v1/moderation/threads/{thread_id}/actions`: a moderator's decision about a
//! thread's title, as about a message: it settles the thread's open complaints, and a
//! hidden or removed thread (with its messages) leaves public view and the language
//! lists.

use lambda_http::Request;
use natives_shared::domain::{ComplaintTarget, ThreadId};
use natives_shared::http::path_id;

use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let target = ComplaintTarget::Thread(thread_id);
    super::act_on_message::decide(app, request, moderator, target).await
}
