//! `POST /v1/messages/{message_id}/complaints`: anyone registered complains about a
//! message that breaks the rules; complaints from enough different people hide it
//! until a moderator decides.

use lambda_http::Request;
use natives_shared::domain::decide::complaints::NewComplaint;
use natives_shared::domain::{ComplaintComment, ComplaintReason, MessageId, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body, not_null, path_id};
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
    let filed = app
        .store
        .file_complaint(
            &caller,
            &message_id,
            &new,
            &app.settings.moderation,
            app.now(),
        )
        .await?;
    if filed.hides {
        tracing::info!(message_id = %message_id, "complaints hid a message until review");
    }
    Ok(json(201, &ComplaintView::new(&filed.complaint, None)))
}
