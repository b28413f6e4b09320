//! `GET /v1/messages/{message_id}/voice`: listening is free: a redirect to the archived
//! recording, only while the caller may see the message and its thread (a signed CDN URL deployed, a
//! presigned link of a few seconds locally): message views link this route, so a
//! recording stops being served soon after its message is hidden.

use std::time::{Duration, SystemTime};

use lambda_http::{Body, Request, Response};
use natives_shared::domain::MessageId;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, path_id};

use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, viewer: Option<Caller>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let (message, thread, seen_by) = app
        .store
        .message_for(&message_id, viewer.as_deref(), app.now())
        .await?;
    // A recording of a hidden or removed thread is gone with it, as its message is.
    let message = message
        .filter(|m| thread.is_some_and(|t| t.shows(m, seen_by.as_ref())))
        .ok_or(ApiError::NotFound)?;
    let voice = message
        .voice
        .filter(|v| v.is_kept())
        .ok_or(ApiError::NotFound)?;
    let (url, valid_for) = app
        .archive()?
        .download_url(
            &voice.key,
            SystemTime::from(app.now()),
            Duration::from_secs(app.settings.conversations.voice_url_seconds),
        )
        .await?;
    // Private: a hidden message's redirect must not be served from a shared cache, and
    // the author's or a moderator's redirect is theirs. Cached for at most half the
    // link's validity, so a cached redirect never points at an expired link.
    let cache = format!("private, max-age={}", valid_for.as_secs() / 2);
    Ok(Response::builder()
        .status(302)
        .header("location", url)
        .header("cache-control", cache)
        .body(Body::Empty)
        .expect("a redirect is well-formed"))
}
