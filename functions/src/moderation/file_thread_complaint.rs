//! `POST /v1/threads/{thread_id}/complaints`: a complaint about a thread's title, under
//! the same rules as one about a message.

use lambda_http::Request;
use natives_shared::domain::{ComplaintTarget, ThreadId};
use natives_shared::gate::Caller;
use natives_shared::http::path_id;

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let target = ComplaintTarget::Thread(thread_id);
    super::file_complaint::file(app, request, caller, target).await
}
