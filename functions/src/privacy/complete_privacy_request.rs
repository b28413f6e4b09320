//! `POST /v1/admin/privacy-requests/{request_id}/complete`: answer a request; the
//! requester sees the answer and is notified.

use natives_shared::domain::decide::privacy::RequestStep;
use natives_shared::domain::{PrivacyResponse, Validator};
use natives_shared::http::json_body;
use serde::Deserialize;

use crate::access::{Admin, Staff};
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    response: String,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    admin: Staff<Admin>,
) -> HandlerResult {
    let body: CompleteRequest = json_body(&request)?;
    let mut v = Validator::new();
    let response = v.check(
        "response",
        PrivacyResponse::parse(&body.response).map(String::from),
    );
    let response = v.finish(|| response.expect("checked"))?;
    super::step(app, &request, &admin, RequestStep::Complete { response }).await
}
