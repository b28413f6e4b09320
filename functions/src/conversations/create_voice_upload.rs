//! `POST /v1/voice-uploads`: an upload ticket (`crate::uploads`) for a recording (Ogg,
//! WebM, MP3 or MP4 audio, at most 10 MiB); the upload is checked (owner, type, size,
//! checksum, audio) when it is posted.

use lambda_http::Request;
use natives_shared::domain::{VoiceContentType, parse_voice_size};
use natives_shared::gate::Caller;

use crate::uploads::{UploadKind, declared};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let kind = UploadKind {
        content_type: |raw| VoiceContentType::parse(raw).map(|t| t.as_str()),
        size_bytes: parse_voice_size,
    };
    declared(app, &request, &caller, kind).await
}
