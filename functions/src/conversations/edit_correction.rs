//! `PATCH /v1/messages/{message_id}/corrections/{correction_id}`: its author edits a
//! correction; the version it replaces is kept, and the diff is shown against the same
//! text of the message as before. Free, like editing a message.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::decide::corrections::{CorrectionEdit, NoteChange};
use natives_shared::domain::{
    CorrectionId, CorrectionNote, MessageId, MessageText, Validator, Viewer,
};
use natives_shared::gate::Caller;
use natives_shared::http::{json, json_body, path_id};
use serde::{Deserialize, Deserializer};

use super::posting;
use super::views::CorrectionView;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditCorrectionRequest {
    corrected_text: String,
    /// Absent: the note stays; `null`: it goes; text: it is replaced.
    #[serde(default, deserialize_with = "present")]
    note: Option<Option<String>>,
}

/// A field that is present, `null` or not.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

pub async fn handle(app: &App, request: Request, caller: Caller) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let correction_id: CorrectionId = path_id(&request, "correction_id")?;
    let body: EditCorrectionRequest = json_body(&request)?;
    let rules = &app.settings.conversations.content_rules;
    let mut v = Validator::new();
    let corrected_text = v.check_published(
        "corrected_text",
        MessageText::parse(&body.corrected_text, rules),
    );
    let note = match body.note {
        None => Some(NoteChange::Keep),
        Some(None) => Some(NoteChange::Remove),
        Some(Some(raw)) => v
            .check_published("note", CorrectionNote::parse(&raw, rules))
            .map(NoteChange::Set),
    };
    let edit = v.finish(|| CorrectionEdit {
        corrected_text: corrected_text.expect("checked"),
        note: note.expect("checked"),
    })?;
    let plan = app
        .store
        .edit_correction(&caller, &message_id, &correction_id, &edit, app.now())
        .await?;
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    // Its author sees it, moderated or not.
    let author = Viewer {
        account_id: caller.account_id.clone(),
        moderator: false,
    };
    Ok(json(
        200,
        &CorrectionView::new(&plan.edited, &authors, Some(&author)),
    ))
}
