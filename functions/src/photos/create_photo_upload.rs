//! `POST /v1/me/photo-uploads`: an upload ticket (`crate::uploads`) for a profile photo:
//! JPEG, PNG or WebP, at most 5 MiB. The image itself is judged by `PUT /v1/me/photo`.

use lambda_http::Request;
use natives_shared::domain::{PhotoContentType, parse_photo_size};
use natives_shared::gate::Caller;

use crate::uploads::{UploadKind, declared};
use crate::{App, HandlerResult};

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let kind = UploadKind {
        content_type: |raw| PhotoContentType::parse(raw).map(|t| t.as_str()),
        size_bytes: parse_photo_size,
    };
    declared(app, &request, &caller, kind).await
}
