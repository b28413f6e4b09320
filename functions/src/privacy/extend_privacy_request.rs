//! `POST /v1/admin/privacy-requests/{request_id}/extend`: move a request's deadline one
//! more month (two after receipt), once, with a reason; the requester is notified.

use natives_shared::domain::decide::privacy::RequestStep;
use natives_shared::domain::{StaffReason, Validator};
use natives_shared::http::json_body;
use serde::Deserialize;

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
    admin: Staff<Admin>,
) -> HandlerResult {
    let body: ExtendRequest = json_body(&request)?;
    let mut v = Validator::new();
    let reason = v.check("reason", StaffReason::parse(&body.reason));
    let reason = v.finish(|| reason.expect("checked"))?;
    let step = RequestStep::Extend {
        reason: reason.as_ref().to_owned(),
    };
    super::step(app, &request, &admin, step).await
}
