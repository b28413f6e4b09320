//! `PUT /v1/me/photo`: the caller's staged upload becomes their profile photo. The bytes
//! are read from the caller's own staging prefix, judged (declared type, size, SHA-256,
//! then decoded under limits set before decoding and re-encoded without any metadata,
//! `decide::photos::verify_photo`), the two JPEGs written to the photos bucket, the
//! account pointed at them on condition that its photo is the one read, and the replaced
//! photo's files deleted (with any an earlier failed delete left).

use lambda_http::Request;
use natives_shared::archive::PhotoFiles;
use natives_shared::domain::decide::photos::{PhotoSweep, StagedPhoto, verify_photo};
use natives_shared::domain::{MAX_PHOTO_BYTES, ProfilePhoto, Timestamp, UploadId};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::Deserialize;

use crate::views::photo_view;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetPhotoRequest {
    upload_id: String,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let body: SetPhotoRequest = json_body(&request)?;
    let upload_id = UploadId::parse(&body.upload_id).map_err(|message| {
        ApiError::Validation(vec![natives_shared::domain::FieldError {
            field: "upload_id".into(),
            message,
        }])
    })?;
    // The gate first: nothing is read or decoded for a caller it refuses.
    let account = app.store.caller_account(&caller, app.now()).await?;
    let archive = app.archive()?;
    let staged = archive
        .staged_bytes(&caller.account_id, &upload_id, MAX_PHOTO_BYTES)
        .await?
        .ok_or_else(|| {
            ApiError::NotFoundDetail(
                "No photo was uploaded for this upload_id (or it has expired): PUT the declared bytes to its upload_url, then try again."
                    .into(),
            )
        })?;
    // Decoding is CPU work: off the runtime's threads.
    let processed = tokio::task::spawn_blocking(move || {
        verify_photo(StagedPhoto {
            content_type: staged.object.content_type.as_deref(),
            size_bytes: staged.object.size_bytes,
            sha256: staged.object.sha256.as_deref(),
            bytes: staged.bytes.as_deref(),
        })
    })
    .await
    .map_err(|e| ApiError::internal("photo processing", e))??;
    archive
        .publish_photo(
            &caller.account_id,
            &upload_id,
            PhotoFiles {
                photo: &processed.photo.bytes,
                thumbnail: &processed.thumbnail.bytes,
            },
        )
        .await?;
    let now = app.now();
    let size = (processed.photo.width, processed.photo.height);
    let replaced = app
        .store
        .set_photo(&caller, &account, &upload_id, size, now)
        .await?;
    // The photo is set: a failed clean-up does not undo that, and the next sweep of this
    // account's photos (a change, a removal, erasure) deletes what this one left.
    let sweep = PhotoSweep::Leftovers {
        keep: Some(&upload_id),
        gone: replaced.as_ref().map(|old| &old.id),
    };
    if let Err(error) = archive.sweep_photos(&caller.account_id, sweep, now).await {
        tracing::warn!(%error, account = %caller.account_id, "replaced photo files left for the next sweep");
    }
    let photo = ProfilePhoto {
        id: upload_id,
        width: size.0,
        height: size.1,
        set_at: Timestamp::at(now),
    };
    Ok(json(
        200,
        &photo_view(app, &caller.account_id, &photo).await?,
    ))
}
