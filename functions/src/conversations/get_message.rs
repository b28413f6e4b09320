//! `GET /v1/messages/{message_id}`: one message with its author's current name.

use lambda_http::Request;
use natives_shared::domain::MessageId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, cached, json, path_id};

use super::audience;
use super::views::MessageView;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let (message, thread) = app.store.message_in_thread(&message_id).await?;
    let (Some(message), Some(thread)) = (message, thread) else {
        return Err(ApiError::NotFound);
    };
    let (authors, seen_by) = app
        .store
        .authors([&message.author_id], viewer.as_deref(), app.now())
        .await?;
    // A message of a hidden or removed thread is gone with it.
    if !thread.shows(&message, seen_by.as_ref()) {
        return Err(ApiError::NotFound);
    }
    let response = json(200, &MessageView::new(&message, &authors, seen_by.as_ref()));
    Ok(cached(&request, response, audience(&viewer)))
}
