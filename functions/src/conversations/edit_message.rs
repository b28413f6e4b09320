//! `PATCH /v1/messages/{message_id}`: its author edits a text message; the text it
//! replaces is kept as a revision. Recordings are never replaced. Free.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::{MessageId, MessageKind, MessageText, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, path_id};
use natives_shared::store::EditOutcome;
use serde::Deserialize;

use super::posting;
use super::views::MessageView;
use crate::{App, HandlerResult};

/// Edits a message may have: enough for any honest use, and a bound on its history.
const MAX_REVISIONS: u32 = 100;

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
    let (message, seen_by) = app
        .store
        .message_for(&message_id, Some(&caller), app.now())
        .await??;
    let message = message
        .filter(|m| m.visible_to(seen_by.as_ref()))
        .ok_or(ApiError::NotFound)?;
    if message.author_id != caller.account_id {
        return Err(ApiError::forbidden("Only its author edits a message."));
    }
    if message.kind == MessageKind::Voice {
        return Err(ApiError::Unprocessable {
            code: "voice_not_editable",
            detail: "A recording is never replaced; post a new message instead.".into(),
        });
    }
    if message.revision >= MAX_REVISIONS {
        return Err(ApiError::Unprocessable {
            code: "too_many_edits",
            detail: format!("A message can be edited at most {MAX_REVISIONS} times."),
        });
    }
    let edited = match app
        .store
        .edit_message(&caller, &message, text.as_ref(), app.now())
        .await?
    {
        EditOutcome::Edited(edited) => *edited,
        EditOutcome::Refused(refusal) => return Err(refusal.into()),
        EditOutcome::Changed => {
            return Err(ApiError::Conflict {
                code: "edit_conflict",
                detail: "The message was edited at the same time; read it and try again.".into(),
            });
        }
    };
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    Ok(json(
        200,
        &MessageView::new(app, &edited, &authors, seen_by.as_ref()),
    ))
}
