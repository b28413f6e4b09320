//! `POST /v1/me/privacy-requests`: file a privacy request. It is recorded with
//! `received_at` and `due_at` (one calendar month later); a withdrawal of consent, an
//! objection or a restriction takes effect at once, in the same transaction.

use natives_shared::domain::{PrivacyRequestDetails, PrivacyRequestKind, Validator};
use natives_shared::http::{json, json_body, not_null};
use serde::Deserialize;

use super::views::RequestView;
use crate::access::DataSubject;
use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRequest {
    kind: String,
    #[serde(default, deserialize_with = "not_null")]
    details: Option<String>,
}

pub async fn handle(
    app: &App,
    request: lambda_http::Request,
    caller: DataSubject,
) -> HandlerResult {
    let body: FileRequest = json_body(&request)?;
    let mut v = Validator::new();
    let kind = v.check("kind", PrivacyRequestKind::parse(&body.kind));
    let details = v.check_optional(
        "details",
        body.details
            .as_deref()
            .map(|raw| PrivacyRequestDetails::parse(raw).map(String::from)),
    );
    let (kind, details) = v.finish(|| (kind.expect("checked"), details.expect("checked")))?;
    let now = app.now();
    let filed = app
        .store
        .file_privacy_request(&caller, kind, details, now)
        .await?;
    let mut response = json(201, &RequestView::own(&filed, now));
    response.headers_mut().insert(
        "location",
        http::HeaderValue::from_static("/v1/me/privacy-requests"),
    );
    Ok(response)
}
