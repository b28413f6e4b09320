//! `GET /v1/messages/{message_id}/corrections`: a message's corrections, oldest first,
//! each with its diff. Public, like the message; a correction moderation hid or removed
//! is listed for its author and moderators only.

use lambda_http::Request;
use natives_shared::domain::MessageId;
use natives_shared::gate::Caller;
use natives_shared::http::{cached, json, path_id};

use super::views::CorrectionView;
use super::{audience, require_visible};
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let seen_by = require_visible(app, &message_id, &viewer).await?;
    let mut corrections = app.store.corrections(&message_id).await?;
    corrections.retain(|c| c.visible_to(seen_by.as_ref()));
    let (authors, _) = app
        .store
        .authors(corrections.iter().map(|c| &c.author_id), None, app.now())
        .await?;
    let items: Vec<CorrectionView> = corrections
        .iter()
        .map(|c| CorrectionView::new(c, &authors, seen_by.as_ref()))
        .collect();
    Ok(cached(
        &request,
        json(200, &Page::new(items, None)),
        audience(&viewer),
    ))
}
