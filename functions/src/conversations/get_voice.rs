//! `GET /v1/messages/{message_id}/voice`: listening is free: a redirect to the archived
//! recording (the CDN, or a short-lived presigned link).

use std::time::{Duration, SystemTime};

use lambda_http::{Body, Request, Response};
use natives_shared::domain::MessageId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, path_id};

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let (message, seen_by) = app
        .store
        .message_for(&message_id, viewer.as_deref(), app.now())
        .await?;
    let message = message
        .filter(|m| m.visible_to(seen_by.as_ref()))
        .ok_or(ApiError::NotFound)?;
    let voice = message.voice.ok_or(ApiError::NotFound)?;
    let lifetime = app.settings.conversations.voice_url_seconds;
    let url = app
        .archive()?
        .download_url(
            &voice.key,
            SystemTime::from(app.now()),
            Duration::from_secs(lifetime),
        )
        .await?;
    // A CDN URL never changes; a presigned one is good for its lifetime, less a margin.
    let cache = if app.settings.archive.public_base_url.is_some() {
        "public, max-age=86400".to_owned()
    } else {
        format!("public, max-age={}", lifetime / 2)
    };
    Ok(Response::builder()
        .status(302)
        .header("location", url)
        .header("cache-control", cache)
        .body(Body::Empty)
        .expect("a redirect is well-formed"))
}
