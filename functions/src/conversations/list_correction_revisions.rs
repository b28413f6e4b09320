//! `GET /v1/messages/{message_id}/corrections/{correction_id}/revisions`: every earlier
//! version of a correction, oldest first. Public like the correction: one moderation
//! took out of view is there for its author and moderators only.

use lambda_http::Request;
use natives_shared::domain::{CorrectionId, MessageId};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, cached, json, path_id};

use super::views::CorrectionRevisionView;
use super::{audience, require_visible};
use crate::views::Page;
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let correction_id: CorrectionId = path_id(&request, "correction_id")?;
    let seen_by = require_visible(app, &message_id, &viewer).await?;
    app.store
        .correction(&message_id, &correction_id)
        .await?
        .filter(|c| c.visible_to(seen_by.as_ref()))
        .ok_or(ApiError::NotFound)?;
    let revisions = app
        .store
        .correction_revisions(&message_id, &correction_id)
        .await?;
    let items: Vec<CorrectionRevisionView> =
        revisions.iter().map(CorrectionRevisionView::from).collect();
    Ok(cached(
        &request,
        json(200, &Page::new(items, None)),
        audience(&viewer),
    ))
}
