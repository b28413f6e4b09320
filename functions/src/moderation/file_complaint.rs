//! `POST /v1/messages/{message_id}/complaints`: anyone registered complains about a
//! message that breaks the rules; complaints from enough different people hide it
//! until a moderator decides. Complaints about a correction
//! ([`super::file_correction_complaint`]) are filed here too.

use lambda_http::Request;
use natives_shared::domain::decide::complaints::NewComplaint;
use natives_shared::domain::{
    ComplaintComment, ComplaintReason, ComplaintTarget, MessageId, Validator,
};
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
    file(app, request, caller, ComplaintTarget::Message(message_id)).await
}

/// Files the caller's complaint about `target`, whatever kind of content it is.
pub(super) async fn file(
    app: &App,
    request: Request,
    caller: Caller,
    target: ComplaintTarget,
) -> HandlerResult {
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
        .file_complaint(&caller, &target, &new, &app.settings.moderation, app.now())
        .await?;
    if filed.hides {
        tracing::info!(target = %target, kind = target.kind().as_str(), "complaints hid content until review");
    }
    Ok(json(201, &ComplaintView::new(&filed.complaint, None)))
}
