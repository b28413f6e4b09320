//! `POST /v1/admin/privacy-requests/{request_id}/extend`: move a request's deadline one
//! more month (two after receipt), once, with a reason; the requester is notified.

use natives_shared::domain::{PrivacyRequestId, StaffReason, Validator};
use natives_shared::http::{json, json_body, path_id};
use natives_shared::store::RequestStep;
use serde::Deserialize;

use super::complete_privacy_request::step;
use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtendRequest {
    reason: String,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: Staff<Admin>,
) -> HandlerResult {
    let id: PrivacyRequestId = path_id(&request, "request_id")?;
    let body: ExtendRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let reason = v.finish(|| reason.expect("checked"))?;
    let step_taken = RequestStep::Extend {
        reason: reason.as_ref().to_owned(),
    };
    let view = step(app, &caller, &id, step_taken, "privacy_request.extend").await?;
    Ok(json(200, &view))
}
