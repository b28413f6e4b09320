//! `PATCH /v1/messages/{message_id}`: its author edits a text message; the text it
//! replaces is kept as a revision. Recordings are never replaced. Free.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::{MessageId, MessageText, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body, path_id};
use serde::Deserialize;

use super::posting;
use super::views::MessageView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    text: String,
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let body: EditRequest = json_body(&request)?;
    let mut v = Validator::new();
    let rules = &app.settings.conversations.content_rules;
    let text = v.check_published("text", MessageText::parse(&body.text, rules));
    let text = v.finish(|| text.expect("checked"))?;
    // The caller's account comes with the message (one read): the gate speaks first.
    let plan = app
        .store
        .edit_message(&caller, &message_id, &text, app.now())
        .await?;
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    Ok(json(
        200,
        &MessageView::new(&plan.edited, &authors, Some(&plan.viewer)),
    ))
}
