//! `POST /v1/admin/privacy-requests/{request_id}/complete`: answer a request; the
//! requester sees the answer and is notified.

use natives_shared::clock::rfc3339;
use natives_shared::domain::{AuditEntryId, PrivacyRequestId, PrivacyResponse, Validator};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body, path_id};
use natives_shared::store::{AuditEntry, RequestStep, RequestStepOutcome};
use serde::Deserialize;
use serde_json::Value;

use super::views::request_view;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    response: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let id: PrivacyRequestId = path_id(&request, "request_id")?;
    let body: CompleteRequest = json_body(&request)?;
    let mut v = Validator::new();
    let response = v.check(
        "response",
        PrivacyResponse::parse(&body.response).map(String::from),
    );
    let response = v.finish(|| response.expect("checked"))?;
    let view = step(
        app,
        &caller,
        &id,
        RequestStep::Complete { response },
        "privacy_request.complete",
    )
    .await?;
    Ok(json(200, &view))
}

/// An admin's step on a request, audited as `action`: the request as it is after it.
pub(super) async fn step(
    app: &App,
    caller: &Caller,
    id: &PrivacyRequestId,
    step: RequestStep,
    action: &str,
) -> Result<Value, ApiError> {
    let now = app.now();
    let mut audit = AuditEntry {
        id: AuditEntryId::new(),
        actor_id: caller.account_id.clone(),
        action: action.into(),
        target: String::new(),
        target_account_id: None,
        reason: match &step {
            RequestStep::Extend { reason } => reason.clone(),
            RequestStep::Complete { .. } => "answered".into(),
        },
        created_at: rfc3339::format(now),
    };
    match app
        .store
        .step_privacy_request(caller, id, &step, &mut audit, now)
        .await?
    {
        RequestStepOutcome::Done(request) => Ok(request_view(&request, now, true)),
        RequestStepOutcome::Refused(refusal) => Err(refusal.into()),
        RequestStepOutcome::NotFound => Err(ApiError::NotFound),
        RequestStepOutcome::AlreadyExtended => Err(ApiError::Conflict {
            code: "already_extended",
            detail: "This request's deadline has been extended once already.".into(),
        }),
        RequestStepOutcome::AlreadyCompleted => Err(ApiError::Conflict {
            code: "already_completed",
            detail: "This request has been answered already.".into(),
        }),
    }
}
