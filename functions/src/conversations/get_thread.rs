//! `GET /v1/threads/{thread_id}`: one thread. Public and cacheable; a hidden or
//! removed thread is there only for its author and moderators.

use lambda_http::Request;
use natives_shared::domain::ThreadId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, cached, json, path_id};

use super::audience;
use super::views::ThreadView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let thread = app
        .store
        .thread(&thread_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (authors, seen_by) = app
        .store
        .authors([&thread.author_id], viewer.as_deref(), app.now())
        .await?;
    if !thread.visible_to(seen_by.as_ref()) {
        return Err(ApiError::NotFound);
    }
    let response = json(200, &ThreadView::new(&thread, &authors));
    Ok(cached(&request, response, audience(&viewer)))
}
