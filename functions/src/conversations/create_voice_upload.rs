//! `POST /v1/voice-uploads`: an upload ticket (`crate::uploads`) for a recording; the
//! upload is checked (owner, type, size, checksum, audio) when it is posted.

use lambda_http::Request;
use natives_shared::archive::DeclaredObject;
use natives_shared::domain::{Sha256Base64, Validator, VoiceContentType, parse_voice_size};
use natives_shared::gate::Caller;
use natives_shared::http::json_body;
use serde::Deserialize;

use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadRequest {
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let body: UploadRequest = json_body(&request)?;
    let mut v = Validator::new();
    let content_type = v.check("content_type", VoiceContentType::parse(&body.content_type));
    let size = v.check("size_bytes", parse_voice_size(body.size_bytes));
    let sha256 = v.check("sha256", Sha256Base64::parse(&body.sha256));
    let (content_type, size, sha256) = v.finish(|| {
        (
            content_type.expect("checked"),
            size.expect("checked"),
            sha256.expect("checked"),
        )
    })?;
    let declared = DeclaredObject {
        content_type: content_type.as_str(),
        size_bytes: size,
        sha256: sha256.as_ref(),
    };
    crate::uploads::issue(app, &caller, &declared).await
}
