//! `POST /v1/moderation/messages/{message_id}/actions`: hide, restore, remove or dismiss,
//! with a reason; settles the message's open complaints and tells each reporter.

use lambda_http::Request;
use natives_shared::domain::{MessageId, ModerationAction, StaffReason, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, path_id};
use natives_shared::store::ActionTaken;
use serde::Deserialize;

use serde_json::json;

use super::audit;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    action: ModerationAction,
    reason: String,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let body: ActionRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let reason = v.finish(|| reason.expect("checked"))?;
    let now = app.now();
    let entry = audit(
        &caller,
        &format!("message.{}", body.action.as_str()),
        format!("message:{message_id}"),
        None, // the author, filled in by the store once it has read the message
        reason.as_ref().to_owned(),
        now,
    );
    let (message, settled) = match app
        .store
        .act_on_message(&caller, &message_id, body.action, &entry, now)
        .await?
    {
        ActionTaken::Done { message, settled } => (message, settled),
        ActionTaken::Refused(refusal) => return Err(refusal.into()),
        ActionTaken::NoSuchMessage => return Err(ApiError::NotFound),
        ActionTaken::NotApplicable(status) => {
            return Err(ApiError::Conflict {
                code: "action_not_applicable",
                detail: format!(
                    "The message is {}: {} does not apply.",
                    serde_json::to_value(status).unwrap_or_default(),
                    body.action.as_str()
                ),
            });
        }
        ActionTaken::OwnMessage => {
            return Err(ApiError::forbidden(
                "Moderators do not decide about their own messages.",
            ));
        }
    };
    Ok(json(
        200,
        &json!({
            "message_id": message.id.to_string(),
            "status": message.status,
            "moderation": message.moderation,
            "settled_complaints": settled,
        }),
    ))
}
