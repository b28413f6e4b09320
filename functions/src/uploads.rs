//! An upload ticket: a presigned PUT into the staging bucket with the declared type,
//! length and SHA-256 signed in, so S3 itself refuses other bytes. Issued only to an
//! account the gate admits, at most `UPLOADS_PER_HOUR` an hour (voice and photo uploads
//! counted together on the account); the upload is checked again when it is used.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use lambda_http::Request;
use natives_shared::archive::DeclaredObject;
use natives_shared::domain::{Sha256Base64, Timestamp, UploadId, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body};
use serde::{Deserialize, Serialize};

use crate::{App, HandlerResult};

/// Where and how the client uploads the file.
#[derive(Serialize)]
struct UploadTicket<'a> {
    upload_id: &'a UploadId,
    upload_url: &'a str,
    upload_method: &'a str,
    /// The headers the signature covers, to send exactly.
    upload_headers: BTreeMap<String, String>,
    expires_at: Timestamp,
}

/// What a client declares about the file it will upload.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadRequest {
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

/// The rules of one kind of upload: its accepted types (the media type to sign in) and
/// sizes.
pub struct UploadKind {
    pub content_type: fn(&str) -> Result<&'static str, String>,
    pub size_bytes: fn(i64) -> Result<i64, String>,
}

/// Parses the declaration in `request` by `kind`'s rules (422 naming each bad field)
/// and answers its ticket.
pub async fn declared(
    app: &App,
    request: &Request,
    caller: &Caller,
    kind: UploadKind,
) -> HandlerResult {
    let body: UploadRequest = json_body(request)?;
    let mut v = Validator::new();
    let content_type = v.check("content_type", (kind.content_type)(&body.content_type));
    let size = v.check("size_bytes", (kind.size_bytes)(body.size_bytes));
    let sha256 = v.check("sha256", Sha256Base64::parse(&body.sha256));
    let (content_type, size, sha256) = v.finish(|| {
        (
            content_type.expect("checked"),
            size.expect("checked"),
            sha256.expect("checked"),
        )
    })?;
    let declared = DeclaredObject {
        content_type,
        size_bytes: size,
        sha256: sha256.as_ref(),
    };
    issue(app, caller, &declared).await
}

/// 201 with a ticket for `declared`, counted against the caller's hourly uploads.
async fn issue(app: &App, caller: &Caller, declared: &DeclaredObject<'_>) -> HandlerResult {
    let now = app.now();
    app.store
        .count_upload(caller, app.settings.conversations.uploads_per_hour, now)
        .await?;
    let upload_id = UploadId::new();
    let lifetime = Duration::from_secs(app.settings.conversations.upload_url_seconds);
    let presigned = app
        .archive()?
        .presign_upload(
            &caller.account_id,
            &upload_id,
            declared,
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
