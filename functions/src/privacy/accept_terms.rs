//! `POST /v1/me/terms-acceptances`: accept the current terms version. The account's
//! accepted version moves to it and the acceptance is kept with its time (one
//! transaction); paid actions work again after a terms change.

use natives_shared::domain::{FieldError, Timestamp};
use natives_shared::gate::Caller;
use natives_shared::http::{ApiError, json, json_body};
use serde::{Deserialize, Serialize};

use crate::{App, HandlerResult};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceptRequest {
    version: String,
}

#[derive(Serialize)]
struct Accepted<'a> {
    version: &'a str,
    accepted_at: Timestamp,
}

pub async fn handle(app: &App, request: lambda_http::Request, caller: Caller) -> HandlerResult {
    let body: AcceptRequest = json_body(&request)?;
    if body.version.chars().count() > 32 {
        return Err(ApiError::Validation(vec![FieldError {
            field: "version".into(),
            message: "must be at most 32 characters".into(),
        }]));
    }
    let acceptance = app
        .store
        .accept_terms(
            &caller,
            &body.version,
            &app.settings.terms_version,
            app.now(),
        )
        .await?;
    Ok(json(
        201,
        &Accepted {
            version: &acceptance.version,
            accepted_at: acceptance.accepted_at,
        },
    ))
}
