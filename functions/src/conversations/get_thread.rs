//! `GET /v1/threads/{thread_id}`: one thread. Public and cacheable.

use lambda_http::Request;
use natives_shared::domain::ThreadId;
use natives_shared::http::{ApiError, Audience, cached, json, path_id};

use super::views::ThreadView;
use crate::{App, HandlerResult, Visitor};

pub async fn handle(app: &App, request: Request, _: Visitor) -> HandlerResult {
    let thread_id: ThreadId = path_id(&request, "thread_id")?;
    let thread = app
        .store
        .thread(&thread_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (authors, _) = app
        .store
        .authors([&thread.author_id], None, app.now())
        .await?;
    let response = json(200, &ThreadView::new(&thread, &authors));
    Ok(cached(&request, response, Audience::Public { max_age: 5 }))
}
