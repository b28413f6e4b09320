//! `POST /v1/messages/{message_id}/corrections`: a reader corrects a text of someone
//! else's message; costs `correction`, paid in the transaction that writes it.

use std::collections::HashMap;

use lambda_http::Request;
use natives_shared::domain::decide::corrections::{CorrectionRefusal, NewCorrection};
use natives_shared::domain::{Correction, CorrectionNote, MessageId, MessageText, Validator};
use natives_shared::http::{json_body, not_null, path_id};
use natives_shared::store::{CorrectionAnswer, Failure};
use serde::Deserialize;

use super::posting;
use super::views::CorrectionView;
use crate::access::Payer;
use crate::{App, HandlerResult, idempotency};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionRequest {
    revision: u32,
    corrected_text: String,
    #[serde(default, deserialize_with = "not_null")]
    note: Option<String>,
}

pub async fn handle(app: &App, request: Request, caller: Payer) -> HandlerResult {
    let message_id: MessageId = path_id(&request, "message_id")?;
    let body: CorrectionRequest = json_body(&request)?;
    let rules = &app.settings.conversations.content_rules;
    let mut v = Validator::new();
    let corrected_text = v.check_published(
        "corrected_text",
        MessageText::parse(&body.corrected_text, rules),
    );
    let note = match body.note.as_deref() {
        None => Some(None),
        Some(raw) => v
            .check_published("note", CorrectionNote::parse(raw, rules))
            .map(Some),
    };
    let new = v.finish(|| NewCorrection {
        message_id,
        revision: body.revision,
        corrected_text: corrected_text.expect("checked"),
        note: note.expect("checked"),
    })?;
    let key = idempotency::request_under_key(&request, &caller)?;
    let authors = HashMap::from([(
        caller.account_id.clone(),
        posting::caller_as_author(&caller),
    )]);
    let render = |correction: &Correction| {
        idempotency::answer(201, &CorrectionView::new(correction, &authors, None))
    };
    let remember = key.as_ref().map(|request| CorrectionAnswer {
        request,
        answer: &render,
    });
    let corrected = app
        .store
        .correct_message(
            &caller,
            &new,
            app.settings.conversations.action_costs.correction,
            remember.as_ref(),
            app.now(),
        )
        .await;
    match corrected {
        Ok(plan) => Ok(idempotency::respond(&render(&plan.correction), false)),
        Err(Failure::Refused(CorrectionRefusal::KeyUsed)) => {
            idempotency::replay(app, &caller, key.as_ref().expect("a key was used")).await
        }
        Err(failure) => Err(failure.into()),
    }
}
