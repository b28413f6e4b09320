//! An upload ticket: a presigned PUT into the staging bucket with the declared type,
//! length and SHA-256 signed in, so S3 itself refuses other bytes. Issued only to an
//! account the gate admits, at most `UPLOADS_PER_HOUR` an hour (voice and photo uploads
//! counted together on the account); the upload is checked again when it is used.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use natives_shared::archive::DeclaredObject;
use natives_shared::domain::{Timestamp, UploadId};
use natives_shared::gate::Caller;
use natives_shared::http::json;
use serde::Serialize;

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

/// 201 with a ticket for `declared`, counted against the caller's hourly uploads.
pub async fn issue(app: &App, caller: &Caller, declared: &DeclaredObject<'_>) -> HandlerResult {
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
