//! `GET /v1/terms`: the current terms version (what a registration or an acceptance
//! must name), when it took effect and where to read it. Public; no DynamoDB request.

use natives_shared::http::{Audience, cached, json};
use serde::Serialize;

use crate::{App, HandlerResult, Visitor};

#[derive(Serialize)]
struct Terms<'a> {
    version: &'a str,
    effective_at: &'a str,
    url: &'a str,
}

pub async fn handle(app: &App, request: lambda_http::Request, _: Visitor) -> HandlerResult {
    let settings = &app.settings;
    let response = json(
        200,
        &Terms {
            version: &settings.terms_version,
            effective_at: &settings.terms_effective_at,
            url: &settings.terms_url,
        },
    );
    Ok(cached(&request, response, Audience::Public { max_age: 60 }))
}
