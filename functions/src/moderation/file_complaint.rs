//! `POST /v1/messages/{message_id}/complaints`: anyone registered complains about a
//! message that breaks the rules; complaints from enough different people hide it
//! until a moderator decides.

use lambda_http::Request;
use natives_shared::domain::{ComplaintComment, ComplaintReason, MessageId, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, not_null, path_id};
use natives_shared::store::{ComplaintFiled, NewComplaint};
use serde::Deserialize;

use super::views::ComplaintView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplaintRequest {
    reason: ComplaintReason,
    #[serde(default, deserialize_with = "not_null")]
    comment: Option<String>,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let body: ComplaintRequest = json_body(&request)?;
    let mut v = Validator::new();
    let comment = v.check_optional(
        "comment",
        body.comment
            .as_deref()
            .map(|raw| ComplaintComment::parse(raw).map(String::from)),
    );
    let comment = v.finish(|| comment.expect("checked"))?;
    let new = NewComplaint {
        reason: body.reason,
        comment,
    };
    match app
        .store
        .file_complaint(
            &caller,
            &message_id,
            &new,
            &app.settings.moderation,
            app.now(),
        )
        .await?
    {
        ComplaintFiled::Filed {
            complaint,
            hid_message,
        } => {
            if hid_message {
                tracing::info!(message_id = %message_id, "complaints hid a message until review");
            }
            Ok(json(201, &ComplaintView::new(&complaint, None)))
        }
        ComplaintFiled::AlreadyOpen => Err(ApiError::Conflict {
            code: "complaint_exists",
            detail: "You already have an open complaint about this message.".into(),
        }),
        ComplaintFiled::RateLimited {
            retry_after_seconds,
        } => Err(ApiError::TooManyRequests {
            code: "too_many_complaints",
            detail: "You have filed many complaints in the last hour; please wait.".into(),
            retry_after_seconds,
        }),
        ComplaintFiled::Refused(refusal) => Err(refusal.into()),
        ComplaintFiled::NoSuchMessage => Err(ApiError::NotFound),
    }
}
