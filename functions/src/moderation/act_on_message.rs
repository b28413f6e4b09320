//! `POST /v1/moderation/messages/{message_id}/actions`: hide, restore, remove or dismiss,
//! with a reason; settles the message's open complaints and tells each reporter.
//! Decisions about a correction ([`super::act_on_correction`]) are taken here too.

use lambda_http::Request;
use natives_shared::domain::{
    ComplaintTarget, MessageId, ModerationAction, StaffReason, Validator,
};
use natives_shared::http::{json, json_body, path_id};
use serde::Deserialize;

use super::views::DecisionView;
use crate::access::{Moderator, Staff};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    action: ModerationAction,
    reason: String,
}

pub async fn handle(app: &App, request: Request, moderator: Staff<Moderator>) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    decide(
        app,
        request,
        moderator,
        ComplaintTarget::Message(message_id),
    )
    .await
}

/// The moderator's decision about `target`, whatever kind of content it is.
pub(super) async fn decide(
    app: &App,
    request: Request,
    moderator: Staff<Moderator>,
    target: ComplaintTarget,
) -> HandlerResult {
    let body: ActionRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let reason = v.finish(|| reason.expect("checked"))?;
    let plan = app
        .store
        .act_on(&moderator, &target, body.action, reason.as_ref(), app.now())
        .await?;
    Ok(json(200, &DecisionView::from(&plan)))
}
