//! `GET /v1/messages/{message_id}/revisions`: every earlier text of a message, oldest
//! first. Public: what was published stays visible.

use lambda_http::Request;
use natives_shared::domain::MessageId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, cached, json, path_id};

use super::audience;
use super::views::RevisionView;
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let (message, seen_by) = app
        .store
        .message_for(&message_id, viewer.as_deref(), app.now())
        .await?;
    if !message.is_some_and(|m| m.visible_to(seen_by.as_ref())) {
        return Err(ApiError::NotFound);
    }
    let revisions = app.store.revisions(&message_id).await?;
    let items: Vec<RevisionView> = revisions.iter().map(RevisionView::from).collect();
    let body = Page::new(items, None);
    Ok(cached(&request, json(200, &body), audience(&viewer)))
}
