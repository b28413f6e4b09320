//! `POST /v1/me/terms-acceptances`: accept the current terms version. The account's
//! accepted version moves to it and the acceptance is kept with its time (one
//! transaction); paid actions work again after a terms change.

use natives_shared::domain::FieldError;
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::Deserialize;
use serde_json::json;

use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptRequest {
    version: String,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: AcceptRequest = json_body(&request)?;
    if body.version.chars().count() > 32 {
        return Err(ApiError::Validation(vec![FieldError {
            field: "version".into(),
            message: "must be at most 32 characters".into(),
        }]));
    }
    let current = &app.settings.terms_version;
    if &body.version != current {
        return Err(ApiError::Unprocessable {
            code: "terms_version_not_current",
            detail: format!("The current terms version is {current}; accept that one."),
        });
    }
    let acceptance = app.store.accept_terms(&caller, current, app.now()).await?;
    Ok(json(
        201,
        &json!({ "version": acceptance.version, "accepted_at": acceptance.accepted_at }),
    ))
}
