//! What a paid post does around its one DynamoDB request: parse what is posted, check a
//! voice upload against what S3 holds, and archive the recording once the post is
//! committed.

use natives_shared::domain::decide::posting::PostContent;
use natives_shared::domain::{
    Author, MAX_VOICE_BYTES, Message, MessageId, MessageText, ParseId, UploadId,
    VOICE_CONTENT_TYPES, Validator,
};
use natives_shared::gate::Caller;
use natives_shared::http::ApiError;

use crate::App;

/// A post's content as sent: exactly one of `text` and `voice_upload_id`.
pub struct RawContent {
    pub text: Option<String>,
    pub voice_upload_id: Option<String>,
}

/// The content parsed, with a voice upload checked against the staging bucket; text
/// through the content rules (the parse runs them).
pub async fn content(
    app: &App,
    caller: &Caller,
    raw: RawContent,
    v: &mut Validator,
) -> Result<Option<PostContent>, ApiError> {
    match (raw.text, raw.voice_upload_id) {
        (Some(text), None) => {
            let rules = &app.settings.conversations.content_rules;
            let Some(text) = v.check_published("text", MessageText::parse(&text, rules)) else {
                return Ok(None);
            };
            Ok(Some(PostContent::Text(text)))
        }
        (None, Some(raw_id)) => {
            let Some(upload_id) = v.check("voice_upload_id", UploadId::parse(&raw_id)) else {
                return Ok(None);
            };
            verified_upload(app, caller, upload_id).await.map(Some)
        }
        _ => {
            v.fail("text", "send either `text` or `voice_upload_id`");
            Ok(None)
        }
    }
}

pub fn parse_reply_to(raw: Option<String>, v: &mut Validator) -> Option<MessageId> {
    let raw = raw?;
    let parsed = MessageId::parse_id(&raw);
    if parsed.is_none() {
        v.fail("reply_to", "is not a message id");
    }
    parsed
}

/// The caller's upload as S3 holds it: only under the caller's own prefix (someone
/// else's upload is not found), of an accepted type and size, with the SHA-256 S3
/// verified when the bytes arrived. S3 holds nothing for an upload never PUT, or one
/// whose PUT it refused.
async fn verified_upload(
    app: &App,
    caller: &Caller,
    upload_id: UploadId,
) -> Result<PostContent, ApiError> {
    let staged = app
        .archive()?
        .staged(&caller.account_id, &upload_id)
        .await?
        .ok_or_else(|| {
            ApiError::NotFoundDetail(
                "No recording was uploaded for this voice_upload_id (or it has expired): PUT the declared bytes to its upload_url, then post again."
                    .into(),
            )
        })?;
    let mismatch = |detail: &str| ApiError::Unprocessable {
        code: "upload_mismatch",
        detail: detail.to_owned(),
    };
    let content_type = staged
        .content_type
        .filter(|t| VOICE_CONTENT_TYPES.contains(&t.as_str()))
        .ok_or_else(|| mismatch("The upload is not one of the accepted audio types."))?;
    if !(1..=MAX_VOICE_BYTES).contains(&staged.size_bytes) {
        return Err(mismatch("The upload is empty or larger than 10 MiB."));
    }
    let sha256 = staged
        .sha256
        .ok_or_else(|| mismatch("The upload was not sent with its SHA-256."))?;
    Ok(PostContent::Voice {
        upload_id,
        content_type,
        size_bytes: staged.size_bytes,
        sha256,
    })
}

/// Once a voice post is committed, its recording goes into the archive. Should that
/// fail, the answer is 503 and the post stays; the same post sent again finds its upload
/// attached to this message and completes the copy ([`retry_archive`]).
pub async fn archive_recording(
    app: &App,
    caller: &Caller,
    upload_id: &UploadId,
    message: &Message,
) -> Result<(), ApiError> {
    let Some(voice) = &message.voice else {
        return Ok(());
    };
    app.archive()?
        .archive(&caller.account_id, upload_id, &voice.key)
        .await
        .map_err(|error| {
            tracing::error!(%error, message_id = %message.id, "archiving a recording failed after its post committed");
            ApiError::Unavailable {
                retry_after_seconds: 5,
                cause: error.to_string(),
            }
        })
}

/// A post whose upload is already attached: when it is this caller's own post whose
/// recording is not archived yet (a copy that failed), complete the copy and answer
/// with that message; otherwise 409.
pub async fn retry_archive(
    app: &App,
    caller: &Caller,
    upload_id: &UploadId,
) -> Result<Message, ApiError> {
    match own_unarchived_post(app, caller, upload_id).await? {
        Some(message) => {
            archive_recording(app, caller, upload_id, &message).await?;
            Ok(message)
        }
        None => Err(ApiError::Conflict {
            code: "upload_already_attached",
            detail: "This upload is already attached to a message.".into(),
        }),
    }
}

/// Makes sure the caller's post of this upload has its recording archived (a retry
/// under an idempotency key completes a copy that failed after the post committed).
pub async fn complete_archive(
    app: &App,
    caller: &Caller,
    upload_id: &UploadId,
) -> Result<(), ApiError> {
    if let Some(message) = own_unarchived_post(app, caller, upload_id).await? {
        archive_recording(app, caller, upload_id, &message).await?;
    }
    Ok(())
}

/// The caller's message that attached this upload, if its recording is not archived.
async fn own_unarchived_post(
    app: &App,
    caller: &Caller,
    upload_id: &UploadId,
) -> Result<Option<Message>, ApiError> {
    let Some(claim) = app.store.upload_claim(upload_id).await? else {
        return Ok(None);
    };
    if claim.account_id != caller.account_id {
        return Ok(None);
    }
    let Some(message) = app.store.message(&claim.message_id).await? else {
        return Ok(None);
    };
    let Some(voice) = &message.voice else {
        return Ok(None);
    };
    if app.archive()?.archived(&voice.key).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(message))
}

/// The caller as the author of what they just posted, named as their token says (the
/// answer of a paid post makes no read; reads show the current name).
pub fn caller_as_author(caller: &Caller) -> Author {
    Author {
        id: caller.account_id.clone(),
        display_name: caller.display_name.clone().unwrap_or_default(),
        badges: Vec::new(),
    }
}
