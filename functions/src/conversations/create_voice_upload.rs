//! `POST /v1/voice-uploads`: a presigned PUT into the staging bucket with the declared
//! type, length and SHA-256 signed in, so S3 itself refuses other bytes. No DynamoDB
//! request: the upload is checked (owner, type, size, checksum) when it is posted.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use lambda_http::Request;
use natives_shared::archive::DeclaredObject;
use natives_shared::domain::{
    Sha256Base64, Timestamp, UploadId, Validator, VoiceContentType, parse_voice_size,
};
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use crate::access::Bearer;
use crate::{App, HandlerResult};

/// Where and how the client uploads the recording.
#[derive(Serialize)]
struct UploadTicket<'a> {
    upload_id: &'a UploadId,
    upload_url: &'a str,
    upload_method: &'a str,
    /// The headers the signature covers, to send exactly.
    upload_headers: BTreeMap<String, String>,
    expires_at: Timestamp,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadRequest {
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

pub async fn handle(app: &App, request: Request, caller: Bearer) -> HandlerResult {
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
    let upload_id = UploadId::new();
    let now = app.now();
    let lifetime = Duration::from_secs(app.settings.conversations.upload_url_seconds);
    let presigned = app
        .archive()?
        .presign_upload(
            &caller.account_id,
            &upload_id,
            &DeclaredObject {
                content_type: content_type.as_str(),
                size_bytes: size,
                sha256: sha256.as_ref(),
            },
            SystemTime::from(now),
            lifetime,
        )
        .await?;
    let expires_at = now + time::Duration::seconds(lifetime.as_secs() as i64);
    Ok(json(
        201,
        &UploadTicket {
            upload_id: &upload_id,
            upload_url: &presigned.url,
            upload_method: &presigned.method,
            upload_headers: presigned.headers.iter().cloned().collect(),
            expires_at: Timestamp::at(expires_at),
        },
    ))
}
